"""Alliance architecture: command structures, roles and (later) cooperative games."""

# Cooperative games. These modules import only NumPy at load time (SciPy's LP solver is imported
# when first used), so command-structure users do not pay for them.
from .allocation import Allocation, nash, proportional
from .core import Violation, core, core_violations, in_core, least_core, nucleolus
from .games import Game, GameError, is_convex, is_superadditive, surplus
from .rules import RULES, allocate
from .shapley import shapley, shapley_sampled
from .structured import AirportGame, BankruptcyProblem

__all__ = ["AirportGame", "Allocation", "BankruptcyProblem", "Game", "GameError", "RULES", "Violation", "allocate",
           "core", "core_violations", "in_core", "is_convex", "is_superadditive", "least_core", "nash", "nucleolus",
           "proportional", "shapley", "shapley_sampled", "surplus"]
