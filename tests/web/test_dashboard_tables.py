"""The workspace's result tables carry the intervals the results have (web/dashboard.py ``result_tables``).

A headline number from Monte Carlo is shown with its interval everywhere it is shown: the regimes' deterrence,
the cooperation dividend (and its check seed, saying when the interval includes zero) and the Shapley shares.
"""

from __future__ import annotations

from positivesum.web.dashboard import result_tables


def test_compare_regimes_tables_show_deterrence_and_dividend_intervals():
    result = {
        "regimes": {
            "joint": {"simulated": {"weighted_deterrence": 0.555}, "measures": {"deterrence": {"ci95": [0.48, 0.63]}}},
            "spending-target": {"simulated": {"weighted_deterrence": 0.542}, "measures": {}},
        },
        "cooperation_dividend": {
            "spending-target": {
                "deterrence_gain_at_equal_money": 0.013,
                "deterrence_gain_at_equal_money_ci95": [-0.001, 0.025],
                "deterrence_gain_includes_zero": True,
                "deterrence_gain_check_seed": {"mean": 0.017, "ci95": [0.005, 0.029]},
            }
        },
    }
    regimes, dividend = result_tables("compare-regimes", result)
    assert regimes["rows"][0] == ["joint", "0.555", "[0.48, 0.63]"]
    assert regimes["rows"][1][2] == ""  # no interval in the result: none invented
    row = dividend["rows"][0]
    assert row[2] == "[-0.001, 0.025] (includes zero)"
    assert row[3] == "0.017 [0.005, 0.029]"


def test_fair_shares_table_shows_the_share_intervals():
    result = {
        "shares": [{"player": "JPN", "alone": 0.1, "shapley": 0.08, "shapley_pct": 26.6, "nucleolus": 0.09}],
        "intervals": {"rules": {"shapley": {"JPN": {"share_pct_ci95": [22.4, 30.6]}}}},
    }
    (table,) = result_tables("fair-shares", result)
    assert table["columns"][-1] == "shapley_pct 95% interval"
    assert table["rows"][0][-1] == "[22.4, 30.6]"
