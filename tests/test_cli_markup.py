"""Names from data files are printed as written: never read as terminal markup (Rich)."""

from __future__ import annotations

import pytest

from conftest import run_cli

NAMES = ["Taiwan [variant A] base", "odd [/] name", "[link=http://evil.example]click[/link]", "=cmd|x [bold]b[/bold]"]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "command", [("list", "scenarios"), ("show", "taiwan_base"), ("diff", "taiwan_base", "taiwan_no_us")]
)
def test_names_are_inert_text_in_the_console(name, command):
    proc = run_cli(*command, "--set", f"scenarios.taiwan_base.name.en={name}", columns=400)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert name in text or command[0] == "diff" and "name" in text, text[:500]
    assert "Traceback" not in proc.stderr and "\x1b]8;" not in text  # no hidden hyperlink escape
