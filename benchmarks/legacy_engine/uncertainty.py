"""Parameter uncertainty: draw each replication's parameters from their stated ranges.

Every engine parameter with a ``low``–``high`` range, and the performance
attributes of capability classes listed in ``setup.SAMPLED_ATTRS`` (sortie rate,
air-to-air kills, interceptors, hits to kill, submarine kill rate, loss rate),
are drawn once per replication from a triangular distribution with the
``value`` as the mode (a standard choice for expert ranges: Law 2015,
*Simulation Modeling and Analysis*, §6.11); class attributes are drawn
independently for each force group. Structural counts (forces, stocks, lift,
launch cells) and scenario timings are not sampled.
Outcome probabilities then include both the chance of combat and our
uncertainty about the parameters. ``enabled=False`` fixes every parameter at
its central value (the chance of combat alone).
"""

from __future__ import annotations

import numpy as np

from .setup import CampaignSetup, Groups


def triangular(
    low: np.ndarray, mode: np.ndarray, high: np.ndarray, size: tuple[int, ...], rng: np.random.Generator
) -> np.ndarray:
    """Triangular draws by inverse CDF, allowing degenerate ranges (low == high)."""
    low, mode, high = (
        np.broadcast_to(np.asarray(x, dtype=float), size[-1:] if len(size) > 1 else ()) for x in (low, mode, high)
    )
    u = rng.random(size)
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    fc = np.where(width > 0, (mode - low) / safe, 0.5)
    left = low + np.sqrt(u * safe * (mode - low))
    right = high - np.sqrt((1 - u) * safe * (high - mode))
    out = np.where(u < fc, left, right)
    return np.where(width > 0, out, mode)


def sample_params(
    setup: CampaignSetup, reps: int, rng: np.random.Generator, enabled: bool
) -> dict[str, float | np.ndarray]:
    """Engine parameters for one block: floats, or (reps,) arrays for those with a range."""
    params: dict[str, float | np.ndarray] = dict(setup.params)
    if enabled:
        for name in sorted(setup.param_ranges):  # fixed order: the same seed gives the same draws
            low, high = setup.param_ranges[name]
            params[name] = triangular(np.array(low), np.array(setup.params[name]), np.array(high), (reps,), rng)
    return params


def sample_attrs(groups: Groups, reps: int, rng: np.random.Generator, enabled: bool) -> dict[str, np.ndarray]:
    """Class attributes for one block: (K,) arrays, or (reps, K) where a range is given."""
    attrs = dict(groups.attrs)
    if enabled and len(groups):
        for name in sorted(groups.attr_low):
            low, high = groups.attr_low[name], groups.attr_high[name]
            if np.any(high > low):
                attrs[name] = triangular(low, groups.attrs[name], high, (reps, len(groups)), rng)
    return attrs


def col(x: float | np.ndarray) -> float | np.ndarray:
    """A per-replication (R,) parameter as a column (R, 1) for use against (R, K) arrays; floats unchanged."""
    return x[:, None] if isinstance(x, np.ndarray) and x.ndim == 1 else x
