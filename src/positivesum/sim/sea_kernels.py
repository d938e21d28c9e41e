"""Compiled helpers shared by the war at sea and the air exchange (kernels_naval.py, kernels_air.py).

``losses`` is kernels_fixed._losses without its ``also`` array: the same stochastic rounding
(``kernels.stochastic_round``, a select rather than a branch on the uniform drawn), the same draws in the same
order, the same numbers.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .kernels import _jit
from .kernels_fixed import _losses


@_jit
def losses(
    n: np.ndarray, lost: np.ndarray, cols: np.ndarray, expected: np.ndarray, live: np.ndarray, rng: Any
) -> np.ndarray:
    """mechanics.take_losses with the uniforms drawn here, in the same order (C order over ``expected``): the
    expected losses of the groups ``cols`` (R, |cols|) rounded stochastically, at most the units there, times
    ``live``; ``n`` and ``lost`` updated in place. Returns the losses."""
    return _losses(n, lost, lost, False, cols, expected, live, rng)  # ``also`` unused without has_also
