"""The main job's lanes (services/report.py, docs/dask.md): the alliance lane starts once the comparison's MILPs
are solved, and never runs its minutes of work after the comparison has failed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from positivesum.services.report import _after, _serialised


def _done(result=None, error: BaseException | None = None) -> Future:
    f: Future = Future()
    if error is None:
        f.set_result(result)
    else:
        f.set_exception(error)
    return f


def test_the_lane_waits_for_the_signal():
    event, other = threading.Event(), Future()
    order: list[str] = []
    with ThreadPoolExecutor(1) as pool:
        lane = pool.submit(_after, event, other, lambda: order.append("alliance") or 7)
        order.append("milps")
        event.set()
        assert lane.result(timeout=10) == 7
    assert order == ["milps", "alliance"]


def test_a_failed_comparison_stops_the_lane_before_its_work():
    ran: list[int] = []
    assert _after(threading.Event(), _done(error=ValueError("bad")), lambda: ran.append(1)) is None
    assert ran == []


def test_a_comparison_that_ends_without_the_signal_lets_the_lane_run():
    assert _after(threading.Event(), _done({}), lambda x: x + 1, 1) == 2


def test_progress_from_the_lanes_is_serialised():
    seen: list[tuple] = []
    inside = [0]

    def progress(step, done, total):
        inside[0] += 1
        time.sleep(0.0002)  # a report that takes time: without the lock another lane's report would overlap it
        seen.append((step, done, inside[0]))
        inside[0] -= 1

    say = _serialised(progress)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: [say(f"lane {i}", k, 100) for k in range(200)], range(4)))
    assert len(seen) == 800
    assert {inside_then for _step, _done, inside_then in seen} == {1}  # never two reports at once
    _serialised(None)("anything", 0, 1)  # no progress asked for: nothing happens


@pytest.mark.parametrize("bad", [KeyboardInterrupt])
def test_an_interrupted_comparison_also_stops_the_lane(bad):
    ran: list[int] = []
    assert _after(threading.Event(), _done(error=bad()), lambda: ran.append(1)) is None
    assert ran == []
