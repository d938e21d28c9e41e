"""Cooperative game theory: games, Shapley, core, nucleolus, Nash, proportional rules, structured games, game files.

Pure mathematics with no knowledge of alliances or the planner; the alliance studies in
:mod:`positivesum.alliance` build games whose values come from the planner.

These modules import only NumPy at load time (SciPy's LP solver is imported when first used).
"""

from .allocation import Allocation, nash, proportional
from .core import Violation, core, core_violations, in_core, least_core, nucleolus
from .games import Game, GameError, is_convex, is_superadditive, surplus
from .rules import RULES, allocate
from .shapley import shapley, shapley_sampled
from .structured import AirportGame, BankruptcyProblem

__all__ = [
    "AirportGame",
    "Allocation",
    "BankruptcyProblem",
    "Game",
    "GameError",
    "RULES",
    "Violation",
    "allocate",
    "core",
    "core_violations",
    "in_core",
    "is_convex",
    "is_superadditive",
    "least_core",
    "nash",
    "nucleolus",
    "proportional",
    "shapley",
    "shapley_sampled",
    "surplus",
]
