"""Hypothesis strategies for cooperative games shared by the alliance tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from positivesum.games import Game

NAMES = ("A", "B", "C", "D", "E", "F")


@st.composite
def games(draw, min_players: int = 1, max_players: int = 5, kind: str = "value") -> Game:
    """Arbitrary games with integer values in [−20, 20] (exact arithmetic keeps checks tight)."""
    n = draw(st.integers(min_players, max_players))
    values = draw(st.lists(st.integers(-20, 20), min_size=(1 << n) - 1, max_size=(1 << n) - 1))
    return Game.from_array(NAMES[:n], [0, *values], kind)


@st.composite
def convex_games(draw, min_players: int = 2, max_players: int = 5) -> Game:
    """Non-negative combinations of unanimity games u_T(S) = [T ⊆ S]: convex, so the core is non-empty."""
    n = draw(st.integers(min_players, max_players))
    coef = draw(st.lists(st.integers(0, 5), min_size=(1 << n) - 1, max_size=(1 << n) - 1))
    masks = np.arange(1 << n)
    values = np.zeros(1 << n)
    for t, c in enumerate(coef, start=1):
        if c:
            values[(masks & t) == t] += c
    return Game.from_array(NAMES[:n], values)
