"""Golden LP files of the planning MILP (plan/milp.py), one per constraint family.

A tiny fixed problem (5 options × 2 actors × 3 years, 2 scenarios × 2 areas, a hand-made surrogate with 3
breakpoints and one air×sea interaction) is built with :func:`positivesum.plan.milp.build` and written to LP text by
``SparseModel.lp_text`` (plan/milp_matrix.py; the layout linopy wrote before issue 15, so the files carried over
unchanged) with explicit coordinate names (``budget(USA,2)``, ``y(JPN,radar,1)``). The text is split by constraint family, so that a
change to one ``define_*`` function shows up in that family's file only:

* ``objective.lp`` — the objective (max weighted deterrence − tiny cost tie-break);
* one file per family: ``choice``, ``requirement``, ``budget`` (per actor), ``budget_pooled`` (the joint
  regime's one fund), ``personnel``, ``production`` (industrial capacity), ``prerequisite``, ``exclusion``,
  ``capability``, ``surrogate`` (hypograph pieces and deterrence), ``interaction`` (the complementary pair's
  level min(x_i, x_j) and hypograph), ``deterrence_floor`` (the minimum-cost variant: its objective and floor);
* ``variables.lp`` — bounds and binaries of every variable (which starts exist, which are masked).

Only two things are normalised, both artefacts rather than model content (docs/testing.md):

* integer labels (the ``#17`` linopy wrote after each name) are dropped: they count every variable and
  constraint built before, so one added row in an early family would renumber every later family; the
  explicit coordinate names already identify each row and variable;
* numbers are rewritten with 12 significant digits (and ``-0`` as ``0``): coefficients such as
  ``cost × 1e-9`` or differences of surrogate values are printed with all 17 digits, whose last one
  or two depend on the order of floating-point operations (NumPy's SIMD and pairwise sums), which may change with library versions while the model does not.

Regenerate (never automatic): ``.venv/bin/python tests/regenerate.py golden-lp``.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np

from positivesum.plan.catalogue import CatalogueArrays
from positivesum.plan.milp import PlanInputs, build
from positivesum.plan.surrogate import Surrogate

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGENERATE = ".venv/bin/python tests/regenerate.py golden-lp"

ACTORS = ("USA", "JPN")
HORIZON = 3
SCENARIOS = ("s1", "s2")
AREAS = ("air", "sea")
# id, eligible actors, acquisition by year from start, operating per year, lead years, personnel,
# prerequisites, exclusions, level added (air, sea)
OPTIONS = (
    ("radar", ("USA", "JPN"), (30,), 2, 1, 40, (), (), (0.3, 0.1)),
    ("sam", ("JPN",), (40, 20), 3, 1.5, 100, ("radar",), (), (0.6, 0.0)),
    ("fighter", ("USA",), (60, 60), 5, 1, 200, (), ("rotation",), (0.9, 0.2)),
    ("rotation", ("USA",), (20,), 10, 0, 0, (), (), (0.4, 0.1)),
    ("carrier", ("USA", "JPN"), (50,), 5, 4, 300, (), (), (0.5, 0.5)),  # never in service within 3 years: masked
)
BUDGET = np.array([[60.0, 80.0, 80.0], [40.0, 40.0, 50.0]])  # (actor, year) M USD for new options
HEADROOM = np.array([[150.0, 250.0, 350.0], [0.0, 60.0, 100.0]])  # (actor, year) persons, cumulative
PARTICIPATION = np.array([[1.0, 1.0], [1.0, 0.0]])  # (scenario, actor): JPN fights in s1 only
WEIGHTS = {"s1": 0.6, "s2": 0.4}
LEVELS = (0.0, 0.5, 1.0)
VALUES = {
    "s1": {"air": (0.0, 0.15, 0.25), "sea": (0.0, 0.10, 0.18)},
    "s2": {"air": (0.0, 0.05, 0.08), "sea": (0.0, 0.20, 0.30)},
}
BASE = {"s1": 0.30, "s2": 0.40}
PAIRS = [("air", "sea")]  # one complementary pair (plan/surrogate.py): h(min(x_air, x_sea))
PAIR_LEVELS = (0.0, 0.25, 1.0)
PAIR_VALUES = {"s1": {"air__sea": (0.0, 0.06, 0.09)}, "s2": {"air__sea": (0.0, 0.02, 0.03)}}
MIN_DETERRENCE = 0.5

#: constraint name (prefix before the coordinates) → family, in the order of milp.build
CONSTRAINT_FAMILY = {
    "choose_once": "choice",
    "require_": "requirement",
    "budget": "budget",
    "personnel": "personnel",
    "industry_": "production",
    "prerequisite": "prerequisite",
    "exclusion_first": "exclusion",
    "exclusion_second": "exclusion",
    "actor_capability": "capability",
    "capability": "capability",
    "surrogate_piece": "surrogate",
    "pair_level_first": "interaction",
    "pair_level_second": "interaction",
    "pair_piece": "interaction",
    "deterrence": "surrogate",
    "deterrence_floor": "deterrence_floor",
}
FAMILIES = (
    "objective",
    "choice",
    "requirement",
    "budget",
    "budget_pooled",
    "personnel",
    "production",
    "prerequisite",
    "exclusion",
    "capability",
    "surrogate",
    "interaction",
    "deterrence_floor",
    "variables",
)
SECTIONS = ("max", "min", "s.t.", "bounds", "binary", "general", "end")


def catalogue() -> CatalogueArrays:
    """The options as arrays, with the catalogue's conventions (plan/catalogue.py): started in year t, an option
    spends acquisition[k] in year t+k, enters service in t + ceil(lead) and then costs its operating money."""
    n, h = len(OPTIONS), HORIZON
    ids = [o[0] for o in OPTIONS]
    cost = np.zeros((n, h, h))
    service = np.zeros((n, h, h))
    for i, (_, _, acq, op, lead, *_rest) in enumerate(OPTIONS):
        for t in range(1, h + 1):
            for k, outlay in enumerate(acq):
                if t + k <= h:
                    cost[i, t - 1, t + k - 1] += outlay
            for y in range(t + math.ceil(lead), h + 1):
                cost[i, t - 1, y - 1] += op
                service[i, t - 1, y - 1] = 1.0
    acquisition = np.array([sum(o[2]) for o in OPTIONS], dtype=float)
    operating = np.array([o[3] for o in OPTIONS], dtype=float)
    return CatalogueArrays(
        option_ids=tuple(ids),
        actors=ACTORS,
        horizon_years=h,
        eligible=np.array([[a in o[1] for a in ACTORS] for o in OPTIONS], dtype=bool),
        cost_musd=cost,
        lifecycle_cost_musd=acquisition[:, None] + operating[:, None] * service.sum(axis=2),
        in_service=service,
        personnel=np.array([o[5] for o in OPTIONS], dtype=float),
        lead_years=np.array([o[4] for o in OPTIONS], dtype=float),
        prerequisites=tuple((ids.index(o[0]), ids.index(p)) for o in OPTIONS for p in o[6]),
        exclusions=tuple(sorted({tuple(sorted((ids.index(o[0]), ids.index(e)))) for o in OPTIONS for e in o[7]})),
        categories=tuple("test" for _ in OPTIONS),
        mission_areas=tuple(AREAS for _ in OPTIONS),
    )


def surrogate(pairs: bool = True) -> Surrogate:
    """Concave non-decreasing pieces on breakpoints 0, 0.5, 1 (made up, not fitted), and (``pairs``) the
    air×sea interaction on breakpoints 0, 0.25, 1."""
    values = {s: {m: np.array(v, dtype=float) for m, v in d.items()} for s, d in VALUES.items()}
    points = {s: {m: [BASE[s] + x for x in v] for m, v in d.items()} for s, d in VALUES.items()}
    sur = Surrogate(list(SCENARIOS), list(AREAS), np.array(LEVELS), dict(BASE), values, points, reps=0, seed=0)
    if pairs:
        sur.pairs = list(PAIRS)
        sur.pair_levels = np.array(PAIR_LEVELS)
        sur.pair_values = {s: {p: np.array(v, dtype=float) for p, v in d.items()} for s, d in PAIR_VALUES.items()}
    return sur


def inputs(**changes) -> PlanInputs:
    """The tiny problem: every family has rows (JPN must buy radar; JPN's industry can add 150 rounds a year
    of 'sm6', 'sam' adds 100 and 'radar' 60)."""
    cat = catalogue()
    added = np.zeros(len(OPTIONS))
    added[cat.index("sam")], added[cat.index("radar")] = 100.0, 60.0
    fields = {
        "cat": cat,
        "q": np.array([o[8] for o in OPTIONS], dtype=float),
        "sur": surrogate(),
        "weights": dict(WEIGHTS),
        "budget_musd": BUDGET.copy(),
        "personnel_headroom": HEADROOM.copy(),
        "participation": PARTICIPATION.copy(),
        "production_limits": {(ACTORS.index("JPN"), "sm6"): (added, 150.0)},
        "required": [(ACTORS.index("JPN"), cat.index("radar"))],
    }
    fields.update(changes)
    return PlanInputs(**fields)


def lp_text(inp: PlanInputs) -> str:
    """The LP text of ``build(inp)`` (plan/milp_matrix.py, linopy's layout), with explicit coordinate names."""
    model, _ = build(inp)
    return model.lp_text()


_LABEL = re.compile(r"#\d+(?=:?$)")


def _number(token: str) -> str | None:
    try:
        value = float(token)
    except ValueError:
        return None
    if math.isinf(value):
        return "+inf" if value > 0 else "-inf"
    value = float(f"{value:.12g}") + 0.0  # + 0.0 turns -0.0 into 0.0
    text = f"{value:.12g}"
    return ("+" + text) if token[0] == "+" and value >= 0 else text


def normalise_line(line: str) -> str:
    """Drop integer labels and print every number with 12 significant digits (module docstring)."""
    tokens = []
    for token in line.split():
        token = _LABEL.sub("", token)
        number = _number(token)
        tokens.append(token if number is None else number)
    return " ".join(tokens)


def _family_of(name: str) -> str:
    if name in CONSTRAINT_FAMILY:
        return CONSTRAINT_FAMILY[name]
    for prefix, family in CONSTRAINT_FAMILY.items():  # one row per (actor, option) or (actor, munition)
        if prefix.endswith("_") and name.startswith(prefix):
            return family
    raise KeyError(
        f"constraint '{name}' belongs to no known family: a new constraint family in plan/milp.py? "
        f"Add it to CONSTRAINT_FAMILY and FAMILIES in tests/plan/golden_lp.py, then run {REGENERATE}"
    )


def split(text: str) -> dict[str, list[str]]:
    """Normalised LP lines by family: 'objective', each constraint family, 'variables' (bounds, binaries)."""
    parts: dict[str, list[str]] = {}
    section, family = None, None
    for raw in text.splitlines():
        line = normalise_line(raw)
        if not line:
            continue
        if line in SECTIONS:
            section = line
            if line in ("max", "min"):
                family = "objective"
                parts.setdefault(family, []).append(line)
            elif line != "s.t.":
                family = "variables"
                parts.setdefault(family, []).append(line)
            continue
        if section == "s.t." and line.endswith(":") and line[0] not in "+-":
            name = line[:-1].split("(", 1)[0]
            family = _family_of(name)
            parts.setdefault(family, ["s.t."])
        parts.setdefault(family, []).append(line)
    return parts


def family_texts() -> dict[str, str]:
    """The text of every golden file, by family (FAMILIES order)."""
    full = split(lp_text(inputs()))
    pooled = split(lp_text(inputs(pooled_budget=True)))
    floor = split(lp_text(inputs(min_deterrence=MIN_DETERRENCE)))
    parts = dict(full)
    parts["budget_pooled"] = pooled["budget"]
    parts["deterrence_floor"] = floor["objective"] + floor["deterrence_floor"]
    unknown = set(parts) - set(FAMILIES)
    assert not unknown, f"families without a golden file: {sorted(unknown)}"
    out = {}
    for family in FAMILIES:
        lines = parts.get(family, [])
        header = [
            f"\\ Golden LP: family '{family}' of positivesum.plan.milp on the tiny problem of tests/plan/golden_lp.py.",
            "\\ Labels dropped, numbers to 12 significant digits (docs/testing.md). Do not edit by hand; regenerate:",
            f"\\ {REGENERATE}",
        ]
        out[family] = "\n".join(header + lines) + "\n"
    return out


def golden_path(family: str) -> Path:
    return GOLDEN_DIR / f"{family}.lp"


def write_golden() -> list[Path]:
    """Write every golden file (called by tests/regenerate.py only); removes files of families that are gone."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    texts = family_texts()
    written = []
    for family, text in texts.items():
        path = golden_path(family)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    for stale in GOLDEN_DIR.glob("*.lp"):
        if stale.stem not in texts:
            stale.unlink()
    return written
