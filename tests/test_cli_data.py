"""`positivesum validate` without a path or on folders, and `positivesum list` in an 80-column terminal."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from rich.cells import cell_len

from conftest import REPO, run_cli
from positivesum import services
from positivesum.model.errors import InputError
from positivesum.services.data import ENTITY_KINDS, validation_targets

PACKAGED = REPO / "src" / "positivesum" / "data"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _valid_line(proc) -> str:
    assert proc.returncode == 0, proc.stderr
    return " ".join(proc.stdout.split())


# ------------------------------------------------------------------ validate


def test_validate_without_a_path_checks_the_packaged_dataset(cli):
    out = _valid_line(cli("validate"))
    n_files = len(services.load().files)
    assert out.startswith(f"valid: {n_files} file(s) — 6 actors, ")


def test_validate_the_packaged_folder_checks_its_entry_point(cli):
    """The folder holds default.yaml, which imports every other file: the folder validates as that dataset."""
    assert _valid_line(cli("validate", "src/positivesum/data")) == _valid_line(cli("validate"))


def test_validate_a_folder_without_default_yaml_checks_each_entry_point(cli):
    """tests/fixtures/minimal: minimal.yaml imports the three others, so it is the folder's one dataset."""
    out = _valid_line(cli("validate", "tests/fixtures/minimal"))
    assert out.startswith("valid: 4 file(s) — 3 actors, 4 bases, ")


def test_validate_a_folder_reports_the_problems_of_every_file_together(cli):
    proc = cli("validate", "tests/fixtures")
    assert proc.returncode == 2 and proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert lines[0] == f"error: {len(lines) - 1} problem(s) in the input:"
    files = [line.split(":", 1)[0] for line in lines[1:]]
    # each file with problems is its own dataset; the valid ones (minimal/ is a sub-folder) add none
    for name in ("three_check_problems.yaml", "three_schema_problems.yaml"):
        assert files.count(f"tests/fixtures/{name}") == 3, proc.stderr


def test_validate_an_empty_folder_is_an_input_error(cli, tmp_path):
    proc = cli("validate", tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[1] == (
        f"{tmp_path}: (document): this folder holds no YAML file — pass a dataset file, or a folder with "
        "default.yaml or other *.yaml files"
    )


def test_validate_several_datasets_prints_one_line_each(cli, tmp_path):
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(f"import: [{REPO / 'tests/fixtures/minimal/minimal.yaml'}]\n", encoding="utf-8")
    proc = cli("validate", tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    assert [line.split(": valid:")[0] for line in lines if ": valid:" in line] == [
        str(tmp_path / "a.yaml"),
        str(tmp_path / "b.yaml"),
    ]


def test_validation_targets(tmp_path):
    assert validation_targets(None) == [None] and validation_targets([]) == [None]
    assert validation_targets([PACKAGED]) == [[PACKAGED / "default.yaml"]]
    # files together, then each entry point of a folder on its own; imported and cyclic files are reached once
    (tmp_path / "main.yaml").write_text("import: [part.yaml]\n", encoding="utf-8")
    (tmp_path / "part.yaml").write_text("title: x\n", encoding="utf-8")
    (tmp_path / "loop_a.yaml").write_text("import: [loop_b.yaml]\n", encoding="utf-8")
    (tmp_path / "loop_b.yaml").write_text("import: loop_a.yaml\n", encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("import: [\n", encoding="utf-8")
    one = REPO / "tests/fixtures/three_check_problems.yaml"
    assert validation_targets([one, tmp_path]) == [
        [one],
        [tmp_path / "broken.yaml"],
        [tmp_path / "loop_a.yaml"],
        [tmp_path / "main.yaml"],
    ]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds no YAML file"):
        validation_targets([tmp_path / "part.yaml", empty])


# ------------------------------------------------------------------ list in 80 columns


@pytest.fixture(scope="module")
def tables() -> dict[tuple[str, str], str]:
    """`positivesum [--lang ja] list KIND` at COLUMNS=80 for every kind (English) and three kinds (Japanese)."""
    runs = [("en", kind) for kind in ENTITY_KINDS] + [("ja", kind) for kind in ("scenarios", "bases", "options")]

    def one(lang_kind):
        lang, kind = lang_kind
        proc = run_cli("--lang", lang, "list", kind, columns=80)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    with ThreadPoolExecutor(2) as pool:
        return dict(zip(runs, pool.map(one, runs)))


@pytest.mark.parametrize("kind", ENTITY_KINDS)
def test_list_fits_80_columns_and_prints_every_id_whole(tables, kind):
    ids = [row["id"] for row in services.list_entities(services.load(), kind)]
    for lang in ("en", "ja"):
        if (lang, kind) not in tables:
            continue
        lines = tables[(lang, kind)].splitlines()
        too_wide = [line for line in lines if cell_len(line) > 80]
        assert not too_wide, f"{lang} {kind}: {len(too_wide)} line(s) wider than 80 columns: {too_wide[:2]}"
        starts = {line.split(" ", 1)[0] for line in lines}
        missing = [i for i in ids if i not in starts]
        assert not missing, f"{lang} {kind}: ids not printed whole at the start of a line: {missing[:5]}"


def test_list_shows_the_names_in_the_language_of_the_messages(tables):
    for kind in set(ENTITY_KINDS) - {"options"}:  # an option's English name may quote a Japanese term
        assert not JAPANESE.search(tables[("en", kind)]), f"Japanese text in the English `list {kind}`"
    assert "台湾" in tables[("ja", "scenarios")] and "嘉手納" in tables[("ja", "bases")]
    assert "Kadena Air Base" not in tables[("ja", "bases")]
    assert "Kadena Air Base" in tables[("en", "bases")]


def test_list_json_keeps_both_names(cli):
    import json

    rows = json.loads(cli("list", "actors", "--json").stdout)
    assert {"name", "name_ja"} <= set(rows[0])
