"""Morris and Sobol against exact answers: a linear function (μ* = |a|·range, σ = 0) and Ishigami's function
(S1, ST known in closed form; Ishigami & Homma 1990, Sobol' & Levitan 1999)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from positivesum.services import sensitivity as sa

A, B = 7.0, 0.1
PI = math.pi


def ishigami(x: np.ndarray) -> float:
    return math.sin(x[0]) + A * math.sin(x[1]) ** 2 + B * x[2] ** 4 * math.sin(x[0])


def ishigami_exact() -> tuple[np.ndarray, np.ndarray]:
    v1 = 0.5 * (1 + B * PI**4 / 5) ** 2
    v2 = A**2 / 8
    v13 = B**2 * PI**8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    s1 = np.array([v1 / v, v2 / v, 0.0])
    st = np.array([(v1 + v13) / v, v2 / v, v13 / v])
    return s1, st


def linear(x: np.ndarray) -> list[float]:
    return [2.0 * x[0] - 3.0 * x[1] + 0.0 * x[2], 1.0]


FACTORS = [sa.Factor(f"x{i}", -PI, 0.0, PI) for i in range(1, 4)]


def test_sobol_matches_ishigami_exact_values_within_their_intervals():
    model = sa.FunctionModel(ishigami, ["y"], chunk=4096)
    result = sa.sobol(model, FACTORS, samples=2**12, seed=11)
    s1, st = ishigami_exact()
    got = result.indices.sel(measure="y")
    assert result.meta["runs"] == 2**12 * (2 * 3 + 2)
    for name, exact in (("S1", s1), ("ST", st)):
        value, conf = got[name].values, got[f"{name}_conf"].values
        assert (conf > 0).all() and (conf < 0.05).all(), (name, conf)
        assert (np.abs(value - exact) <= conf).all(), (name, value, exact, conf)


def test_morris_of_a_linear_function_is_exact():
    factors = [sa.Factor("a", 0.0, 0.5, 1.0), sa.Factor("b", 10.0, 12.0, 14.0), sa.Factor("c", -1.0, 0.0, 1.0)]
    result = sa.morris(sa.FunctionModel(linear, ["y", "flat"]), factors, trajectories=6, seed=3)
    table = result.table("y").set_index("factor")
    # elementary effects are per whole range: |2|·1, |−3|·4, 0
    assert table.loc["a", "mu_star"] == pytest.approx(2.0)
    assert table.loc["b", "mu_star"] == pytest.approx(12.0)
    assert table.loc["c", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert np.allclose(table["sigma"], 0.0, atol=1e-9)
    assert table.loc["b", "mu"] == pytest.approx(-12.0)
    assert (result.indices.sel(measure="flat")["mu_star"] == 0).all()  # a constant measure: no effect
    assert result.meta["runs"] == 6 * (3 + 1)


def test_results_export_as_labelled_arrays_and_tables(tmp_path):
    import xarray as xr

    result = sa.morris(sa.FunctionModel(linear, ["y", "flat"]), FACTORS, trajectories=2, seed=1)
    for suffix in (".nc", ".parquet", ".csv", ".json"):
        assert result.export(tmp_path / f"r{suffix}").stat().st_size > 0
    back = xr.open_dataset(tmp_path / "r.nc")
    assert list(back["factor"].values) == ["x1", "x2", "x3"] and back["x"].shape == (8, 3)
    back.close()
    assert "μ*" not in result._repr_html_() and "<table" in result._repr_html_()


@pytest.mark.parametrize(
    "kw, option",
    [
        ({"trajectories": 0}, "--trajectories"),
        ({"levels": 3}, "--levels"),
        ({"samples": 100}, "--samples"),
        ({"samples": 0}, "--samples"),
        ({"top": 0}, "--top"),
        ({"factors": []}, "--factors"),
    ],
)
def test_zero_or_bad_design_sizes_are_refused(kw, option):
    from positivesum.model.errors import InputError

    with pytest.raises(InputError) as e:
        sa.check_design(**kw)
    assert e.value.problems[0].key_path == option
