"""Design points on the campaign: pinning through the outer loop, common random numbers, and the same numbers
in this process and on 1, 2 and 4 Dask workers."""

from __future__ import annotations

import copy

import numpy as np

from positivesum.services import sensitivity as sa


def _block(setup, reps: int, seed: int, sample: bool) -> dict:
    from positivesum.sim.campaign import run_block

    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed).spawn(1)[0]))
    return run_block(setup, reps, rng, None, sample)


def test_pinning_every_quantity_at_its_central_value_is_the_inner_loop_alone(base_setup):
    names = sa.quantities(base_setup)
    assert len(names) > 100 and {"engine.casualty_exchange_exponent", "scenario.warning_days"} <= set(names)
    pinned = copy.copy(base_setup)
    pinned.pinned = {n: central for n, (_, central, _) in names.items()}
    plain, held = _block(base_setup, 48, 5, False), _block(pinned, 48, 5, False)
    for key in plain:
        assert np.array_equal(plain[key], held[key], equal_nan=True), key


def test_a_pinned_value_moves_the_outcome_and_others_stay_central(base_setup):
    short = copy.copy(base_setup)
    short.pinned = {"scenario.warning_days": 2.0}
    long = copy.copy(base_setup)
    long.pinned = {"scenario.warning_days": 30.0}
    grade = {k: _block(s, 64, 5, False)["grade"].mean() for k, s in (("short", short), ("long", long))}
    assert grade["long"] > grade["short"]  # more warning: better grades for the defenders


def test_common_random_numbers_give_exact_zeros_for_a_factor_with_no_effect(packaged, base_setup):
    # engine.stockpile_factor has a stated range but the engine draws each pool's stock (stock.*) instead
    factors = [f for f in sa.select_factors(packaged, "taiwan_base", base_setup, ["engine.stockpile_factor"])]
    factors += sa.select_factors(packaged, "taiwan_base", base_setup, ["scenario.warning_days"])
    model = sa.CampaignModel(base_setup, factors, reps=8, seed=9)
    result = sa.morris(model, factors, trajectories=2, seed=9)
    idle = result.indices.sel(factor="engine.stockpile_factor")
    assert float(idle["mu_star"].sum()) == 0.0 and float(idle["sigma"].sum()) == 0.0
    assert float(result.indices.sel(factor="scenario.warning_days", measure="expected_grade")["mu_star"]) > 0


def test_same_numbers_in_process_and_on_1_2_4_dask_workers(packaged, base_setup, thread_clusters):
    factors = sa.select_factors(
        packaged,
        "taiwan_base",
        base_setup,
        ["scenario.warning_days", "engine.missile_reliability"],
    )
    for crn in (True, False):
        model = sa.CampaignModel(base_setup, factors, reps=8, seed=4, crn=crn)
        here = sa.morris(model, factors, trajectories=2, seed=4)
        for workers, client in thread_clusters.items():
            there = sa.morris(model, factors, trajectories=2, seed=4, client=client)
            assert np.array_equal(here.design["y"].values, there.design["y"].values), (crn, workers)
            assert here.indices.identical(there.indices), (crn, workers)


def test_sobol_after_morris_screening_on_the_campaign(packaged):
    result = sa.run(
        packaged,
        "taiwan_base",
        "sobol",
        factors=["scenario.warning_days", "scenario.mobilisation_days", "participant.USA.commitment"],
        trajectories=2,
        samples=2,
        top=2,
        reps=8,
        seed=2,
    )
    assert result.method == "sobol" and result.screening is not None
    assert result.meta["runs"] == 2 * (2 * 2 + 2) and len(result.indices["factor"]) == 2
    assert result.meta["total_runs"] == result.meta["runs"] + result.screening.meta["runs"]
    assert {"S1", "S1_conf", "ST", "ST_conf"} <= set(result.indices.data_vars)
