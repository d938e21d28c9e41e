"""The held-out validation and the effect measurement run side by side on a cluster (plan/workflow.py
``_run_side_by_side``): both run, the caller's context travels with them, progress is whole, errors surface, and the
surrogate is the same as when they run one after the other."""

from __future__ import annotations

import contextvars
import json
import threading

import pytest

from positivesum.model.loader import load_dataset
from positivesum.plan import effects
from positivesum.plan.surrogate import fit_surrogate, validate
from positivesum.plan.workflow import _run_side_by_side

_VAR: contextvars.ContextVar[str] = contextvars.ContextVar("side_by_side_test", default="unset")


def test_both_batches_run_in_threads_with_the_callers_context_and_whole_progress():
    seen: dict[str, tuple[str, str]] = {}
    steps: list[int] = []
    barrier = threading.Barrier(2, timeout=10)  # proves they run at the same time: each waits for the other

    def batch(name: str):
        def run(say):
            barrier.wait()
            seen[name] = (_VAR.get(), threading.current_thread().name)
            for _ in range(50):
                say(1)

        return run

    token = _VAR.set("activated")
    try:
        _run_side_by_side([batch("a"), batch("b")], steps.append, on_cluster=True)
    finally:
        _VAR.reset(token)
    assert {v[0] for v in seen.values()} == {"activated"}
    assert all(v[1].startswith("positivesum-surrogate") for v in seen.values())
    assert sum(steps) == 100


def test_in_this_process_they_run_one_after_the_other():
    order: list[str] = []
    main = threading.current_thread().name
    _run_side_by_side(
        [lambda say: order.append(threading.current_thread().name), lambda say: order.append("second")],
        None,
        on_cluster=False,
    )
    assert order == [main, "second"]


def test_an_error_in_one_batch_surfaces():
    def bad(say):
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        _run_side_by_side([lambda say: None, bad], None, on_cluster=True)


@pytest.mark.slow
def test_side_by_side_on_a_cluster_gives_the_same_surrogate():
    from positivesum.services import executor

    ds = load_dataset().dataset
    kw = {"reps": 32, "seed": 5, "threat_factor": 1.3, "interactions": []}
    items = ["munition:harpoon", "class:aegis_destroyer"]
    here = fit_surrogate(ds, ["taiwan_base"], ["maritime_defence", "strike"], **kw)
    validate(here, ds, threat_factor=1.3, samples=2)
    effects.measure_effects(here, ds, items, threat_factor=1.3)
    there = fit_surrogate(ds, ["taiwan_base"], ["maritime_defence", "strike"], **kw)
    with executor.open_client(None, 2) as client:
        on = executor.sim_map_on(client)
        assert getattr(on, "concurrent", False) and not getattr(executor.sim_map_on(None), "concurrent", True)
        _run_side_by_side(
            [
                lambda say: validate(there, ds, threat_factor=1.3, samples=2, progress=say, sim_map=on),
                lambda say: effects.measure_effects(there, ds, items, threat_factor=1.3, progress=say, sim_map=on),
            ],
            None,
            on_cluster=True,
        )
    assert json.dumps(here.to_dict()) == json.dumps(there.to_dict())
