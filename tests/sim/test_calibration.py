"""The default Taiwan base scenario reproduces the CSIS base case (reference/calibration.md §1)."""

from __future__ import annotations

import pytest

from positivesum.model.loader import load_dataset
from positivesum.sim.calibration import TARGETS, compare
from positivesum.sim.runner import simulate_setup
from positivesum.sim.setup import build_setup


@pytest.fixture(scope="module")
def rows():
    ds = load_dataset().dataset
    setup = build_setup(ds, "taiwan_base")
    return compare(simulate_setup(setup, 2000, 1), setup)


def test_every_csis_target_is_compared(rows):
    assert {r["key"] for r in rows} == {t.key for t in TARGETS} | {"outcome"}


@pytest.mark.parametrize("key", [t.key for t in TARGETS] + ["outcome"])
def test_base_case_within_tolerance(rows, key):
    row = next(r for r in rows if r["key"] == key)
    assert row["ok"], f"{row['description']}: model {row['model']:.2f} outside {row['accepted']} (CSIS {row['csis']})"


def test_the_band_is_a_factor_of_one_and_a_half():
    target = next(t for t in TARGETS if t.key == "us_aircraft_lost")
    assert target.band == pytest.approx((270 / 1.5, 283 * 1.5))
