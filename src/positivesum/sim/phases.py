"""Outcome codes of the campaign engine, kept under their old name for callers (``phases.OUTCOMES``).

The phases themselves live in fires.py (fixed targets), naval.py (the war at sea), ground.py (lodgement and
front), blockade.py and grading.py (the five grades and the coarse outcome); see campaign.py for the order.
"""

from __future__ import annotations

from .grading import DENIED, GRADES, OUTCOME_OF_GRADE, OUTCOMES, RED_SUCCESS, STALEMATE, UNDECIDED
from .state import LANDING

__all__ = ["UNDECIDED", "RED_SUCCESS", "DENIED", "STALEMATE", "OUTCOMES", "GRADES", "OUTCOME_OF_GRADE", "LANDING"]
