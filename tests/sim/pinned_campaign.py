"""Pinned campaign numbers: a few outputs of small fixed runs, stored in tests/sim/pinned/SCENARIO.json.

Two scenarios of the packaged dataset, 300 replications each, seed 20260101, parameters sampled (as
`positivesum simulate` does by default: outer draws of every stated range, the chance of combat within). Both
pin the five grade probabilities, the coarse outcomes, the decided day, losses and munition expenditure. Each value is addressed by its path in ``CampaignResult.summary()``, keys joined
with ``/`` (munition pools are named ``ACTOR:munition``).

The run uses a literal seed and replication count, not ``positivesum.defaults``: the pinned values must
change only when the engine or the data changes. Regenerate (never automatic):
``.venv/bin/python tests/regenerate.py pinned-campaign`` (docs/testing.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PINNED_DIR = Path(__file__).resolve().parent / "pinned"
REGENERATE = ".venv/bin/python tests/regenerate.py pinned-campaign"
SEED = 20260101
REPS = 300

_OUTCOMES = [f"outcomes/{k}/p" for k in ("adversary_success", "fait_accompli", "denied", "stalemate")] + [
    f"grades/{k}/p"
    for k in (
        "adversary_victory",
        "stalemate_favouring_adversary",
        "stalemate_indeterminate",
        "stalemate_favouring_defenders",
        "adversary_defeat",
    )
]
_DECIDED = [f"decided_day/{k}" for k in ("mean", "p05", "p95", "n")]

#: scenario → summary paths pinned
CASES: dict[str, list[str]] = {
    "taiwan_base": [
        *_OUTCOMES,
        *_DECIDED,
        "losses_by_domain/PRC/air/mean",
        "losses_by_domain/PRC/amphibious/mean",
        "losses_by_domain/PRC/subsurface/mean",
        "losses_by_domain/USA/air/mean",
        "losses_by_domain/USA/surface/mean",
        "losses_by_domain/JPN/air/mean",
        "losses_by_domain/TWN/air/mean",
        "participants/PRC/casualties/mean",
        "participants/TWN/casualties/mean",
        "share_held_end/mean",
        "campaign_days/mean",
        "munitions/USA:jassm_er/expended/mean",
        "munitions/USA:lrasm/expended/mean",
        "munitions/USA:harpoon/expended/mean",
        "munitions/USA:tomahawk/expended/mean",
        "munitions/JPN:type12_upgraded/expended/mean",
        "munitions/JPN:type12_upgraded/p_runout",
        "munitions/JPN:type12_upgraded/runout_day/mean",
    ],
    "korea_contingency": [
        *_OUTCOMES,
        *_DECIDED,
        "losses_by_domain/KOR/air/mean",
        "losses_by_domain/PRK/air/mean",
        "losses_by_domain/USA/air/mean",
        "participants/KOR/casualties/mean",
        "participants/PRK/troops_lost/mean",
        "munitions/PRK:kn23/expended/mean",
        "munitions/PRK:kn23/p_runout",
        "munitions/USA:jassm_er/expended/mean",
        "munitions/KOR:pac3_mse/expended/mean",
    ],
}


def lookup(summary: dict, path: str) -> Any:
    node: Any = summary
    for key in path.split("/"):
        node = node[key]
    return node


def run(scenario: str) -> tuple[dict[str, float], str]:
    """The pinned values of one scenario, freshly simulated, and the data's SHA-256."""
    from positivesum import services

    ld = services.load()
    summary = services.simulate(ld, scenario, REPS, SEED).summary()
    values = {path: float(lookup(summary, path)) for path in CASES[scenario]}
    return values, ld.provenance()["data_sha256"]


def pinned_path(scenario: str) -> Path:
    return PINNED_DIR / f"{scenario}.json"


def read_pinned(scenario: str) -> dict[str, Any]:
    return json.loads(pinned_path(scenario).read_text(encoding="utf-8"))


def write_pinned() -> list[Path]:
    """Simulate every case and write its JSON (called by tests/regenerate.py only)."""
    PINNED_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for scenario in CASES:
        values, data_sha256 = run(scenario)
        record = {
            "scenario": scenario,
            "replications": REPS,
            "seed": SEED,
            "sample_parameters": True,
            "data_sha256": data_sha256,
            "regenerate": REGENERATE,
            "values": values,
        }
        path = pinned_path(scenario)
        path.write_text(json.dumps(record, indent=2, allow_nan=True) + "\n", encoding="utf-8", newline="\n")
        written.append(path)
    for stale in PINNED_DIR.glob("*.json"):
        if stale.stem not in CASES:
            stale.unlink()
    return written
