"""Outcome grades: CSIS's five-grade scale from the continuous campaign state (methodology §3.8).

Decided during the campaign (and the replication frozen):

- **adversary victory**: the share of the objective held reaches ``victory_share_held`` (landing and land
  offensive), or the blockaded side's cumulative electricity shortfall reaches its endurance (blockade);
- **adversary defeat**: the lodgement has withered below ``lodgement_collapse_fraction`` of its peak and no
  more troops can cross (lift broken or nobody left to land); a land offensive has lost
  ``attacker_breakpoint_fraction`` of its peak while outmatched; a blockade's averaged throughput reaches
  ``blockade_broken_throughput``.

Undecided at the end, the campaign is a stalemate graded by projecting its trends
``stalemate_projection_days`` ahead (moving averages over ``trend_smoothing_days``): *trending toward the
adversary* if the projected combat-power ratio still exceeds 1 + ``stalemate_ratio_margin`` (its front
still advances) or the projected share held reaches victory (blockade: the projected shortfall reaches
endurance); *trending against* if the projected ratio falls below 1 / (1 + margin) or the projected force
ashore withers below the collapse level (blockade: the projected throughput breaks the blockade);
*indeterminate* otherwise. The coarse ``outcome`` keeps the
three-way split the planner uses: victory → adversary_success, defeat → denied, stalemates → stalemate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .setup import CampaignSetup

if TYPE_CHECKING:
    from .state import Block

UNDECIDED, RED_SUCCESS, DENIED, STALEMATE = 0, 1, 2, 3
OUTCOMES = ("undecided", "adversary_success", "denied", "stalemate")
#: CSIS 2023's scale (Chinese victory; stalemate trending toward China; indeterminate; trending against
#: China; Chinese defeat), with the adversary in China's place. Index 0 is "undecided" (never in results).
GRADES = (
    "undecided",
    "adversary_victory",
    "stalemate_favouring_adversary",
    "stalemate_indeterminate",
    "stalemate_favouring_defenders",
    "adversary_defeat",
)
VICTORY, TOWARD, INDETERMINATE, AGAINST, DEFEAT = 1, 2, 3, 4, 5
#: Coarse outcome of each grade.
OUTCOME_OF_GRADE = np.array([UNDECIDED, RED_SUCCESS, STALEMATE, STALEMATE, STALEMATE, DENIED], dtype=np.int8)
LANDING = ("invasion", "island_seizure")


def decide(s: CampaignSetup, st: Block, day: float, ongoing: np.ndarray, lift: np.ndarray) -> None:
    """Victory and defeat tests after each step; decided replications freeze."""
    p = st.P
    if s.objective == "blockade":
        victory = st.shortfall >= p["blockade_endurance_shortfall_days"]
        defeat = st.throughput_ema >= p["blockade_broken_throughput"]
    else:
        victory = st.held >= p["victory_share_held"]
        if s.objective in LANDING:
            floor = st.inv.get("core_lift_floor")
            if floor is None:  # the lift below which the fleet is broken: a per-block invariant
                floor = st.inv["core_lift_floor"] = p["amphibious_fleet_broken_fraction"] * st.lift0
            broken = lift < floor
            newly = broken & np.isnan(st.lift_broken_day) & ongoing
            if newly.any():  # else np.where would give the same days
                st.lift_broken_day = np.where(newly, day, st.lift_broken_day)
            cannot_land = broken | (st.waiting + st.pending_red <= 0)
            defeat = cannot_land & (st.ashore <= p["lodgement_collapse_fraction"] * st.peak_ashore)
        else:
            outmatched = st.ratio < 1.0
            defeat = (st.ashore <= (1 - p["attacker_breakpoint_fraction"]) * st.peak_ashore) & outmatched
            defeat |= st.ashore <= 0
    won = ongoing & victory
    lost = ongoing & ~victory & defeat
    decided = won | lost
    if not decided.any():  # nothing to write: most steps
        return
    st.grade[won] = VICTORY
    st.grade[lost] = DEFEAT
    st.outcome[won] = RED_SUCCESS
    st.outcome[lost] = DENIED
    st.decided_day[decided] = day


def grade_stalemates(s: CampaignSetup, st: Block) -> None:
    """Grade the replications still undecided at the end by projecting their trends."""
    p = st.P
    open_ = st.grade == 0
    horizon = p["stalemate_projection_days"]
    if s.objective == "blockade":
        toward = st.shortfall + (1 - st.electricity) * horizon >= p["blockade_endurance_shortfall_days"]
        against = st.throughput_ema + st.g_throughput * horizon >= p["blockade_broken_throughput"]
    else:
        margin = 1 + p["stalemate_ratio_margin"]
        projected_ratio = st.ratio * np.exp(np.clip(st.g_ratio * horizon, -50, 50))
        projected_held = st.held + st.g_held * horizon
        projected_ashore = st.ashore * np.exp(np.clip(st.g_ashore * horizon, -50, 50))
        toward = (projected_ratio >= margin) | (projected_held >= p["victory_share_held"])
        floor = p["lodgement_collapse_fraction"] if s.objective in LANDING else 1 - p["attacker_breakpoint_fraction"]
        against = (projected_ratio <= 1 / margin) | (projected_ashore <= floor * st.peak_ashore)
    grade = np.where(toward & ~against, TOWARD, np.where(against & ~toward, AGAINST, INDETERMINATE))
    st.grade = np.where(open_, grade, st.grade).astype(np.int8)
    st.outcome = np.where(open_, OUTCOME_OF_GRADE[st.grade], st.outcome).astype(np.int8)
