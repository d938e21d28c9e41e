"""Hughes salvo model of missile combat: basic, extended and stochastic forms.

Basic form, W. P. Hughes Jr. (1995), "A salvo model of warships in missile combat used to
evaluate their staying power", Naval Research Logistics 42:267-289:

    dB = (alpha*A - b3*B) / b1   clipped to [0, B]
    dA = (beta*B - a3*A) / a1    clipped to [0, A]

alpha, beta: well-aimed missiles fired per ship; a3, b3: missiles each ship defeats; a1, b1:
hits needed to put a ship out of action. Extended form with scouting, launch reliability,
hit and interceptor kill probabilities as used by Y. M. Tiah (2007), "An analysis of small
navy tactics using a modified Hughes' salvo model", Naval Postgraduate School thesis. See
docs/methodology/classic-models.md for the worked example these functions reproduce.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
from numpy.typing import ArrayLike

from ._sampling import binomial_table

_PROBABILITIES = ("scouting", "launch_reliability", "hit_probability", "intercept_probability")


@dataclass(frozen=True)
class SalvoSide:
    """One side of a salvo exchange (Hughes 1995 notation for side A in brackets).

    ``scouting``, ``launch_reliability`` and ``hit_probability`` thin this side's missiles;
    ``intercept_probability`` is the chance that one of this side's interceptors destroys
    the incoming missile it engages (Tiah 2007)."""

    ships: float  # A: ships at the start of the battle
    missiles_per_ship: float  # alpha before thinning: missiles fired per ship per salvo
    interceptors_per_ship: float  # a3: interceptors each ship fires per salvo
    hits_to_kill: float  # a1: hits that put one ship out of action (staying power)
    scouting: float = 1.0
    launch_reliability: float = 1.0
    hit_probability: float = 1.0
    intercept_probability: float = 1.0

    def __post_init__(self) -> None:
        problems = [
            f"{f.name}={getattr(self, f.name)!r} must be finite and >= 0"
            for f in fields(self)
            if not (np.isfinite(getattr(self, f.name)) and getattr(self, f.name) >= 0)
        ]
        problems += [
            f"{name}={getattr(self, name)!r} must be a probability in [0, 1]"
            for name in _PROBABILITIES
            if not 0 <= getattr(self, name) <= 1
        ]
        if not self.hits_to_kill > 0:
            problems.append("hits_to_kill must be > 0")
        if problems:
            raise ValueError("SalvoSide: " + "; ".join(problems))

    @property
    def hit_fraction(self) -> float:
        """Fraction of missiles fired that would hit: scouting x reliability x hit prob."""
        return self.scouting * self.launch_reliability * self.hit_probability


def basic_salvo_losses(
    a: ArrayLike, b: ArrayLike, alpha: float, beta: float, a1: float, b1: float, a3: float, b3: float
) -> tuple[np.ndarray, np.ndarray]:
    """Hughes (1995) basic salvo equations: returns ``(loss_a, loss_b)``, ships put out of
    action in one simultaneous salvo, each clipped to [0, force]. Broadcasts over arrays."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    loss_b = np.clip((alpha * a - b3 * b) / b1, 0.0, b)
    loss_a = np.clip((beta * b - a3 * a) / a1, 0.0, a)
    return loss_a, loss_b


def leaked_hits(hitting: ArrayLike, interceptors: ArrayLike, intercept_probability: float) -> np.ndarray:
    """Hits that get through a defence: each interceptor engages one incoming hitting
    missile and destroys it with ``intercept_probability``; the excess passes unopposed
    (Tiah 2007): hitting - q * min(hitting, interceptors)."""
    hitting = np.asarray(hitting, dtype=float)
    leaked: np.ndarray = hitting - intercept_probability * np.minimum(hitting, interceptors)
    return leaked


def salvo_losses(
    blue: SalvoSide, red: SalvoSide, blue_ships: ArrayLike | None = None, red_ships: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Extended deterministic salvo exchange (Hughes 1995 with Tiah 2007's thinning).

    Returns ``(blue_losses, red_losses)`` in ships (fractional), each clipped to [0, ships].
    Red takes blue_ships * missiles_per_ship * hit_fraction hitting missiles, minus those its
    red_ships * interceptors_per_ship interceptors destroy; every ``hits_to_kill`` hits that
    land put one ship out of action. Both sides fire with the ships they have at the start of
    the salvo. ``blue_ships``/``red_ships`` default to the sides' starting ships."""
    bs = np.asarray(blue.ships if blue_ships is None else blue_ships, dtype=float)
    rs = np.asarray(red.ships if red_ships is None else red_ships, dtype=float)
    blue_hitting = bs * blue.missiles_per_ship * blue.hit_fraction
    red_hitting = rs * red.missiles_per_ship * red.hit_fraction
    on_red = leaked_hits(blue_hitting, rs * red.interceptors_per_ship, red.intercept_probability)
    on_blue = leaked_hits(red_hitting, bs * blue.interceptors_per_ship, blue.intercept_probability)
    return (np.clip(on_blue / blue.hits_to_kill, 0.0, bs), np.clip(on_red / red.hits_to_kill, 0.0, rs))


@dataclass(frozen=True)
class SalvoTrajectory:
    """Ships in action before salvo 1 (row 0) and after each salvo; shape (n_salvos + 1,)."""

    blue_ships: np.ndarray
    red_ships: np.ndarray


def salvo_battle(blue: SalvoSide, red: SalvoSide, n_salvos: int) -> SalvoTrajectory:
    """Deterministic sequence of ``n_salvos`` simultaneous salvos; ships put out of action
    neither fire nor intercept in later salvos; fractional ships are allowed."""
    bs, rs = np.empty(n_salvos + 1), np.empty(n_salvos + 1)
    bs[0], rs[0] = blue.ships, red.ships
    for k in range(n_salvos):
        blue_loss, red_loss = salvo_losses(blue, red, bs[k], rs[k])
        bs[k + 1], rs[k + 1] = bs[k] - blue_loss, rs[k] - red_loss
    return SalvoTrajectory(bs, rs)


@dataclass(frozen=True)
class StochasticSalvoResult:
    """Integer ships in action, shape (n_salvos + 1, replications) (row 0 = start), and the
    cumulative hits each side has taken (including hits beyond what sank the whole side)."""

    blue_ships: np.ndarray
    red_ships: np.ndarray
    blue_hits_taken: np.ndarray
    red_hits_taken: np.ndarray

    def __post_init__(self) -> None:
        for f in fields(self):
            getattr(self, f.name).setflags(write=False)


def _ships_left_table(side: SalvoSide) -> np.ndarray:
    """ships_left[h] for cumulative hits h = 0 .. ceil(ships*hits_to_kill): the side loses
    floor(h / hits_to_kill) ships (damage pooled over the side's ships; the 1e-9 guards
    against h/hits_to_kill landing a rounding error below a whole number)."""
    h = np.arange(int(np.ceil(side.ships * side.hits_to_kill)) + 1)
    out = np.floor(h / side.hits_to_kill + 1e-9).astype(np.int64)
    return np.maximum(int(side.ships) - out, 0)


def stochastic_salvo_battle(
    blue: SalvoSide, red: SalvoSide, *, n_salvos: int, replications: int, rng: np.random.Generator
) -> StochasticSalvoResult:
    """Stochastic salvo model vectorised across replications (integer ships).

    Per salvo and side, with s the shooter's ships in action and d the defender's:
    hitting ~ Binomial(s * missiles_per_ship, scouting * reliability * hit_probability)
    (each missile independently scouted, launched and on target: successive binomial
    thinning collapses to one draw); the defender's d * interceptors_per_ship interceptors
    engage min(hitting, interceptors) missiles, destroying Binomial(engaged,
    intercept_probability); the rest land. Hits accumulate per side over salvos and the side
    has ships - floor(hits / hits_to_kill) ships in action (at least 0). Expected hits per
    salvo equal the deterministic form's; see docs/methodology/classic-models.md."""
    problems = []
    if not isinstance(rng, np.random.Generator):
        problems.append("rng must be a numpy.random.Generator (use np.random.default_rng(seed))")
    for name, side in (("blue", blue), ("red", red)):
        for attr in ("ships", "missiles_per_ship", "interceptors_per_ship"):
            if float(getattr(side, attr)) != int(getattr(side, attr)):
                problems.append(f"{name}.{attr}={getattr(side, attr)!r} must be a whole number")
    if n_salvos < 0 or replications < 0:
        problems.append("n_salvos and replications must be >= 0")
    if problems:
        raise ValueError("stochastic_salvo_battle: " + "; ".join(problems))

    sides = (blue, red)
    ships0 = [int(s.ships) for s in sides]
    fired = [int(s.missiles_per_ship) for s in sides]
    guns = [int(s.interceptors_per_ship) for s in sides]
    hit_tab = [binomial_table(n0 * m, s.hit_fraction) for n0, m, s in zip(ships0, fired, sides)]
    # interceptor draws on defender d face at most min(shooter's max salvo, d's interceptors)
    int_tab = [
        binomial_table(min(ships0[1 - d] * fired[1 - d], ships0[d] * guns[d]), sides[d].intercept_probability)
        for d in (0, 1)
    ]
    left_tab = [_ships_left_table(s) for s in sides]
    caps = [t.size - 1 for t in left_tab]

    ships = np.zeros((2, n_salvos + 1, replications), dtype=np.int64)
    hits = np.zeros((2, n_salvos + 1, replications), dtype=np.int64)
    ships[0, 0], ships[1, 0] = ships0
    for k in range(n_salvos):
        alive = ships[:, k]
        hitting = [hit_tab[s]._sample(alive[s] * fired[s], rng) for s in (0, 1)]
        for d in (0, 1):  # defender d faces the hitting missiles of shooter 1 - d
            engaged = np.minimum(hitting[1 - d], alive[d] * guns[d])
            landed = hitting[1 - d] - int_tab[d]._sample(engaged, rng)
            np.add(hits[d, k], landed, out=hits[d, k + 1])
            ships[d, k + 1] = left_tab[d][np.minimum(hits[d, k + 1], caps[d])]
    return StochasticSalvoResult(ships[0], ships[1], hits[0], hits[1])
