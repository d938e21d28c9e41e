"""Classic combat models used as tested building blocks of the campaign engine.

- :mod:`.lanchester`: Lanchester (1916) square and linear laws; closed forms (Taylor 1983),
  ODE integration and stochastic versions vectorised across replications.
- :mod:`.salvo`: Hughes (1995) salvo model, its extended form (Tiah 2007) and a stochastic
  version vectorised across replications.

Equations, stochastic forms and the pinned worked examples: docs/methodology/classic-models.md.
"""

from .lanchester import (
    BinomialTable,
    LanchesterOutcome,
    LanchesterTrajectory,
    StochasticLanchesterResult,
    binomial_table,
    integrate_linear_law,
    integrate_square_law,
    linear_law_outcome,
    linear_law_state,
    square_law_outcome,
    square_law_state,
    stochastic_linear_law,
    stochastic_square_law,
)
from .salvo import (
    SalvoSide,
    SalvoTrajectory,
    StochasticSalvoResult,
    basic_salvo_losses,
    leaked_hits,
    salvo_battle,
    salvo_losses,
    stochastic_salvo_battle,
)

__all__ = [
    "BinomialTable",
    "LanchesterOutcome",
    "LanchesterTrajectory",
    "SalvoSide",
    "SalvoTrajectory",
    "StochasticLanchesterResult",
    "StochasticSalvoResult",
    "basic_salvo_losses",
    "binomial_table",
    "integrate_linear_law",
    "integrate_square_law",
    "leaked_hits",
    "linear_law_outcome",
    "linear_law_state",
    "salvo_battle",
    "salvo_losses",
    "square_law_outcome",
    "square_law_state",
    "stochastic_linear_law",
    "stochastic_square_law",
    "stochastic_salvo_battle",
]
