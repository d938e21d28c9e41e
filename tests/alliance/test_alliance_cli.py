"""`positivesum allocate` on the example game files and on bad game files.

Most runs go through Typer's in-process runner (fast); two go through the real entry point in a
fresh interpreter (`python -m positivesum.cli`) to check the exit code and the absence of tracebacks
end to end.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
from typer.testing import CliRunner

from conftest import REPO, run_cli
from positivesum.cli import app
from positivesum.services.games import RULES_BY_TYPE

EXAMPLES = "docs/examples/games"
BAD = "tests/alliance/bad_games"
FILES = {
    "us_japan_australia_deterrence.yaml": "tabular",
    "glove_game.yaml": "tabular",
    "base_hardening_airport.yaml": "airport",
    "talmud_estate_100.yaml": "bankruptcy",
    "talmud_estate_200.yaml": "bankruptcy",
    "talmud_estate_300.yaml": "bankruptcy",
    "talmud_estate_300.json": "bankruptcy",
}


def invoke(*args: str):
    return CliRunner().invoke(app, ["allocate", *map(str, args)], env={"COLUMNS": "200", "NO_COLOR": "1"})


@pytest.mark.parametrize("name, rule", [(f, r) for f, t in FILES.items() for r in RULES_BY_TYPE[t]])
def test_every_rule_on_every_example(in_repo, name, rule):
    result = invoke(f"{EXAMPLES}/{name}", "--rule", rule)
    assert result.exit_code == 0, result.output
    assert f"rule {rule}" in result.stdout and "Traceback" not in result.output


def test_all_examples_are_in_the_table(in_repo):
    assert sorted(p.name for p in (REPO / EXAMPLES).iterdir()) == sorted(FILES)


def test_json_output_for_talmud(in_repo):
    for estate, expected in ((100, [100 / 3] * 3), (200, [50, 75, 75]), (300, [50, 100, 150])):
        result = invoke(f"{EXAMPLES}/talmud_estate_{estate}.yaml", "--json")
        assert result.exit_code == 0
        payload = json.loads(result.stdout)
        assert payload["rule"] == "talmud"
        assert list(payload["allocation"]["shares"].values()) == pytest.approx(expected)


def test_airport_prints_per_type_and_per_user(in_repo):
    result = invoke(f"{EXAMPLES}/base_hardening_airport.yaml")
    assert result.exit_code == 0
    assert "Per type" in result.stdout and "Per user" in result.stdout and "F-35A#3" in result.stdout
    payload = json.loads(invoke(f"{EXAMPLES}/base_hardening_airport.yaml", "--json").stdout)
    by_type = {row["type"]: row for row in payload["airport"]["by_type"]}
    assert by_type["F-15J"]["charge_per_user"] == pytest.approx(300 / 7)
    assert len(payload["airport"]["per_user"]) == 7
    assert sum(u["charge"] for u in payload["airport"]["per_user"]) == pytest.approx(700)


def test_out_writes_json(in_repo, tmp_path):
    target = tmp_path / "sub" / "glove.json"
    result = invoke(f"{EXAMPLES}/glove_game.yaml", "--rule", "nucleolus", "--out", target)
    assert result.exit_code == 0 and f"wrote {target}" in result.stdout.replace("\n", "")
    payload = json.loads(target.read_text(encoding="utf-8"))
    assert payload["allocation"]["shares"] == pytest.approx({"L": 1.0, "R1": 0.0, "R2": 0.0})
    assert payload["game"]["players"] == ["L", "R1", "R2"]


def test_core_reports_epsilon_and_checks_an_allocation(in_repo):
    game = f"{EXAMPLES}/us_japan_australia_deterrence.yaml"
    result = invoke(game, "--rule", "core", "--check", "USA=5,JPN=4,AUS=4")
    assert result.exit_code == 0
    assert "core non-empty; least-core ε = -1" in result.stdout
    assert "NOT in the core" in result.stdout and "{USA} would gain 1 by leaving" in result.stdout
    payload = json.loads(invoke(game, "--rule", "core", "--json").stdout)
    assert payload["allocation"]["diagnostics"]["core_empty"] is False


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--rule", "talmud"], "<command line>: --rule: rule 'talmud' does not apply to tabular games"),
        (["--check", "USA=1,JPN=1,AUS=1"], "<command line>: --check: --check tests an allocation against the core"),
        (["--rule", "core", "--check", "USA=1,JPN=1"], "<command line>: --check: no share for AUS"),
        (["--rule", "core", "--check", "USA=1,JPN=x,AUS=1"], "share 'x' for JPN is not a number"),
    ],
)
def test_bad_options(in_repo, args, fragment):
    result = invoke(f"{EXAMPLES}/us_japan_australia_deterrence.yaml", *args)
    assert result.exit_code == 2 and fragment in result.stderr and "Traceback" not in result.output


def test_proportional_without_weights(in_repo, tmp_path):
    game = tmp_path / "g.yaml"
    game.write_text("type: tabular\nplayers: [A]\nvalues: [{coalition: [A], value: 1}]\n", encoding="utf-8")
    result = invoke(game, "--rule", "proportional")
    assert result.exit_code == 2 and "weights: the proportional rule needs weights" in result.stderr


# (file, line, key path, fragment of the message)
BAD_CASES = [
    ("missing_coalition.yaml", 4, "values", "no value for coalition(s) {JPN, AUS}"),
    ("unknown_player.yaml", 7, "values[2].coalition[1]", "unknown player 'KOR'"),
    ("duplicate_player.yaml", 6, "players[2]", "player 'JPN' is listed twice"),
    ("negative_users.yaml", 6, "user_types[1].users", "is -3, below the minimum (1)"),
    ("claims_not_mapping.yaml", 4, "claims", "expected a mapping"),
    ("unknown_type.yaml", 3, "type", "unknown game type 'matrix'"),
    ("unknown_key.yaml", 3, "player", "unknown key 'player' — did you mean 'players'?"),
    ("non_numeric_value.yaml", 8, "values[2].value", "expected a number, got 'one'"),
    ("duplicate_coalition.yaml", 8, "values[3].coalition", "coalition {B, A}: already given at line 7"),
    ("estate_exceeds_claims.yaml", 4, "estate", "estate 50 exceeds the total claims 30"),
    ("duplicate_user_type.yaml", 5, "user_types[1].name", "user type 'F-35A' is listed twice"),
    ("missing_estate.yaml", 2, "estate", "missing required key 'estate'"),
    ("too_many_players.yaml", 3, "players", "21 players; a tabular game allows at most 20"),
    ("malformed.json", 4, "(document)", "malformed JSON: Expecting ',' delimiter"),
    ("unknown_key.json", 5, "claimz", "unknown key 'claimz' — did you mean 'claims'?"),
]


@pytest.mark.parametrize("name, line, key, fragment", BAD_CASES)
def test_bad_game_files(in_repo, name, line, key, fragment):
    result = invoke(f"{BAD}/{name}")
    assert result.exit_code == 2
    assert result.stdout == "" and "Traceback" not in result.output
    problems = [ln for ln in result.stderr.splitlines() if ln.startswith(BAD)]
    assert len(problems) == 1, result.stderr
    assert problems[0].startswith(f"{BAD}/{name}:{line}: {key}: ") and fragment in problems[0], problems[0]


def test_every_bad_file_is_in_the_table():
    assert sorted(p.name for p in (REPO / BAD).iterdir()) == sorted(c[0] for c in BAD_CASES)


def test_missing_file(in_repo):
    result = invoke("no/such/game.yaml")
    assert result.exit_code == 2 and "no/such/game.yaml: (document): file not found" in result.stderr


def test_real_entry_point():
    with ThreadPoolExecutor(2) as pool:  # two fresh interpreters at once: start-up dominates
        bad, good = pool.map(
            lambda args: run_cli("allocate", *args),
            [(f"{BAD}/unknown_player.yaml",), (f"{EXAMPLES}/us_japan_australia_deterrence.yaml", "--json")],
        )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stdout == ""
    assert f"{BAD}/unknown_player.yaml:7: values[2].coalition[1]: unknown player 'KOR'" in bad.stderr
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)["allocation"]["shares"] == pytest.approx(
        {"USA": 23 / 3, "JPN": 41 / 12, "AUS": 23 / 12}
    )
