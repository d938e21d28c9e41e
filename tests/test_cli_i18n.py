"""The command line in Japanese (catalogue domain "cli"): help, tables, input errors, bad --lang, catalogues.

The language of help texts is fixed when positivesum.cli is imported, so these run the real entry point in a
fresh interpreter with the language pinned through --lang or POSITIVESUM_LANG (LANG is set to C.UTF-8).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

REPO = Path(__file__).resolve().parent.parent
SRC = REPO / "src"
PKG = SRC / "positivesum"
LOCALE = PKG / "locale"
KEYWORDS = {"_c": None, "N_c": None}  # as in babel-cli.cfg / the extract command in its header
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run(*args: str, lang: str | None = None) -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]),
        COLUMNS="200",
        NO_COLOR="1",
        LANG="C.UTF-8",
    )
    env.pop("POSITIVESUM_DEBUG", None)
    env.pop("POSITIVESUM_LANG", None)
    if lang is not None:
        env["POSITIVESUM_LANG"] = lang
    return subprocess.run(
        [sys.executable, "-m", "positivesum.cli", *map(str, args)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _msgids(path: Path) -> dict[str, str]:
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_top_level_help_in_japanese():
    proc = run("--lang", "ja", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "同盟の防衛計画" in proc.stdout
    assert "データセットファイルを検証する" in proc.stdout  # validate's help
    assert "コマンド:" in proc.stdout and "--lang" in proc.stdout


def test_simulate_help_in_japanese():
    proc = run("--lang=ja", "simulate", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "危機シナリオを多数回シミュレーション" in proc.stdout
    assert "モンテカルロ法の反復回数" in proc.stdout and "乱数シード" in proc.stdout
    assert "--reps" in proc.stdout and "--seed" in proc.stdout  # option names stay as they are


def test_english_by_default():
    proc = run("--help")
    assert proc.returncode == 0, proc.stderr
    assert "an open workbench for allied defence planning" in proc.stdout
    assert not JAPANESE.search(proc.stdout)


def test_list_scenarios_table_title_in_japanese():
    proc = run("list", "scenarios", lang="ja")
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"シナリオ（\d+）", proc.stdout), proc.stdout[:500]
    assert "taiwan_base" in proc.stdout  # data ids untranslated


def test_input_error_in_japanese_keeps_the_file_line_key_lines():
    proc = run("--lang", "ja", "validate", "tests/fixtures/three_check_problems.yaml")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "エラー: 入力に 3 件の問題があります:"
    assert lines[1].startswith("tests/fixtures/three_check_problems.yaml:5: scenarios.island_seizure.theatre: ")
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [("--lang", "xx", "list", "scenarios"), ("--lang", "xx", "--help")])
def test_unknown_language_is_an_input_error(args):
    proc = run(*args)
    assert proc.returncode == 2
    assert "<command line>: --lang: unknown language 'xx' — use one of: en, ja" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_language_in_the_environment():
    proc = run("version", lang="xx")
    assert proc.returncode == 2
    assert "POSITIVESUM_LANG: unknown language 'xx'" in proc.stderr


def test_cli_pot_is_up_to_date_with_the_sources():
    extracted = {
        msg[1] if isinstance(msg[1], str) else msg[1][0]
        for path in sorted((PKG / "cli").glob("*.py"))  # the cli package (babel-cli.cfg)
        for msg in extract_from_file("python", str(path), keywords=KEYWORDS)
    }
    pot = set(_msgids(LOCALE / "cli.pot"))
    assert extracted - pot == set(), "re-extract: see the header of babel-cli.cfg"
    assert pot - extracted == set(), "cli.pot has messages no longer in src/positivesum/cli/: re-extract"


def test_every_cli_msgid_has_a_japanese_translation():
    pot = set(_msgids(LOCALE / "cli.pot"))
    ja = _msgids(LOCALE / "ja" / "LC_MESSAGES" / "cli.po")
    assert pot <= set(ja), sorted(pot - set(ja))[:10]
    empty = sorted(k for k in pot if not ja[k].strip())
    assert not empty, empty[:10]
    placeholders = [k for k in pot if sorted(re.findall(r"\{[^{}]*\}", k)) != sorted(re.findall(r"\{[^{}]*\}", ja[k]))]
    assert not placeholders, placeholders


def test_cli_catalogue_is_chained_into_translations():
    from positivesum import i18n

    assert i18n.translations("ja").gettext("Monte Carlo replications.") == "モンテカルロ法の反復回数。"
    assert i18n.translations("en").gettext("Monte Carlo replications.") == "Monte Carlo replications."
