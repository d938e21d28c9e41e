"""Traces over time: the per-actor loss series add up to the per-side series at every step."""

from __future__ import annotations

import numpy as np

from positivesum import services


def test_per_actor_losses_add_up_to_the_sides():
    ld = services.load(None, None, None)
    result = services.simulate(ld, "taiwan_base", 64, 3)
    t = result.trace
    sides = {
        a: ("red" if p.side == "red" else "blue") for a, p in ld.dataset.scenarios["taiwan_base"].participants.items()
    }
    for kind in ("aircraft_lost", "ships_lost"):
        for side in ("blue", "red"):
            by_actor = sum(t[f"{kind}__{a}"].values for a, s in sides.items() if s == side)
            np.testing.assert_allclose(by_actor, t[f"{kind}_{side}"].values, rtol=1e-12, atol=1e-9)
        assert all(np.all(np.diff(t[f"{kind}__{a}"].values) >= -1e-9) for a in sides)  # cumulative: never falls
