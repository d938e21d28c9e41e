"""What every command shares: translation markers, consoles, common options, the error guard, output.

Bad input never shows a traceback: every :class:`InputError` is printed as
``file:line: key: what — how to fix`` lines on stderr and the exit code is 2.

Messages are in English or Japanese (``--lang en|ja``, else $POSITIVESUM_LANG, else ja when $LANG starts
with "ja"). The command line's own texts are marked ``_c("…")`` / ``N_c("…")`` and live in the catalogue
domain ``cli`` (``locale/cli.pot``, ``locale/ja/LC_MESSAGES/cli.po``; the extraction command is in the header
of babel-cli.cfg). Problem texts (``what — how to fix``) stay English.
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console

from .. import i18n
from ..model.errors import InputError
from ..services.outputs import to_json_text, write_json


# Translation markers of the command line. They are deliberately not named ``_``/``N_``: the report's
# catalogue (domain "positivesum") is extracted from every module of the package with those keywords, and
# the CLI's strings belong to their own domain "cli" (babel-cli.cfg extracts ``_c`` and ``N_c`` from this
# file only). At run time ``_c`` is ``i18n.gettext``, whose catalogue chains the "cli" catalogue.
def _c(message: str) -> str:
    """``message`` in the current language (English if $POSITIVESUM_LANG is invalid: that is reported later)."""
    try:
        return i18n.gettext(message)
    except InputError:
        return message


def N_c(message: str) -> str:  # noqa: N802 - gettext-style marker
    """Mark a CLI string for extraction; translate it later with ``_c``."""
    return message


def _argv_language(argv: list[str]) -> str | None:
    """The value of ``--lang X`` / ``--lang=X`` anywhere in ``argv`` (before ``--``), else None."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang":
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


# Why the language is resolved here, at import: Typer/Click need plain ``str`` help texts when the
# commands are declared below, i.e. while this module is imported and before Typer parses anything. So the
# language must be known first: an explicit ``--lang`` is read from sys.argv now; otherwise ``_c`` resolves
# it from the environment on each call. An invalid value is ignored here (English help) and reported with
# exit code 2 by main() and by the --lang callback. Only an explicit --lang is set, so importing this
# module (e.g. in tests) never pins the language of the process.
try:
    if _argv_language(sys.argv[1:]):
        i18n.set_language(_argv_language(sys.argv[1:]))
except InputError:
    pass

# Typer's own help texts (section headings, "[default: …]", "[required]", "No such command") are looked up
# with the standard library's gettext in typer.core (domain "messages", no catalogue shipped). They are marked
# here for extraction into cli.pot and, in a translated language, looked up in our catalogue instead. (Typer's
# vendored Click hard-codes "Usage:", "Show this message and exit." and its usage errors: those stay English.)
FRAMEWORK_MESSAGES = (
    N_c("Options"),
    N_c("Arguments"),
    N_c("Commands"),
    N_c("default: {default}"),
    N_c("required"),
    N_c("env var: {var}"),
    N_c("Missing command."),
    N_c("No such command {name!r}."),
)


def _localise_framework() -> None:
    """In a translated language, make typer.core look its texts up in our catalogue (English: untouched)."""
    if _c("Options") == "Options":
        return
    import typer.core

    if callable(getattr(typer.core, "_", None)):
        typer.core._ = _c


_localise_framework()


# markup=False: text from data files (names, descriptions, ids in messages) is printed as written — a name
# such as "Taiwan [variant A]" or "[link=…]" must not be read as Rich markup (styles are passed as style=).
out = Console(highlight=False, markup=False)
err = Console(stderr=True, highlight=False, markup=False)

DataOpt = Annotated[
    Optional[list[Path]],
    typer.Option(
        "--data", "-d", help=_c("Dataset YAML file(s); default: the packaged dataset. Repeat to layer files.")
    ),
]
OverrideOpt = Annotated[
    Optional[list[str]],
    typer.Option("--override", "-o", help=_c("Apply a named override from the data (repeatable; later wins).")),
]
SetOpt = Annotated[
    Optional[list[str]],
    typer.Option("--set", "-s", help=_c("Override one value: dotted.path=value (repeatable; applied last).")),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=_c("No progress bars or tables (for scripts)."))]
ForceOpt = Annotated[bool, typer.Option("--force", help=_c("Replace an existing --out file."))]
JsonOpt = Annotated[bool, typer.Option("--json", help=_c("Print the result as JSON on stdout instead of tables."))]


def print_json(payload) -> None:
    """JSON on stdout for scripts (NaN as null, UTF-8 text)."""
    sys.stdout.write(to_json_text(payload))


def emit(result: dict, out_file: Path | None, as_json: bool, quiet: bool, printer) -> None:
    """The end of every command that returns a result: write --out (JSON), then JSON on stdout, nothing
    (--quiet), or the tables followed by where the file went."""
    if out_file:
        write_json(out_file, result)
    if as_json:
        print_json(result)
        return
    if quiet:
        return
    printer(result)
    if out_file:
        out.print(_c("wrote {path}").format(path=out_file), markup=False)


def with_surrogate_progress(ld, quiet: bool, run):
    """Run a planning step, ``run(progress)``, under a progress bar counting the surrogate's simulations."""
    from ..services import plan as plan_services

    with progress_bar() as bar:
        task = bar.add_task(
            _c("fitting the deterrence surrogate"), total=plan_services.surrogate_work(ld), visible=not quiet
        )
        return run(lambda k: bar.advance(task, k))


def with_planning_progress(ld, quiet: bool, run):
    """Run a planning comparison, ``run(progress, stage)``, under two bars: the surrogate's simulations
    (``progress(k)``), then the MILPs and the batch of portfolio simulations (``stage(step, done, total)``)."""
    from ..services import plan as plan_services

    with progress_bar() as bar:
        fit = bar.add_task(
            _c("fitting the deterrence surrogate"), total=plan_services.surrogate_work(ld), visible=not quiet
        )
        later = bar.add_task("", total=1, visible=False)

        def stage(step: str, done: int, total: int) -> None:
            bar.update(later, description=step, completed=done, total=max(total, 1), visible=not quiet)

        return run(lambda k: bar.advance(fit, k), stage)


def warn(message: str) -> None:
    """A warning on stderr (the run goes on): e.g. a cache file that was discarded."""
    err.print(_c("warning: {message}").format(message=message), markup=False, soft_wrap=True)


def report_input_error(e: InputError) -> None:
    err.print(_c("error: {n} problem(s) in the input:").format(n=len(e.problems)), style="bold red", markup=False)
    for p in e.problems:
        err.print(p.format(), markup=False, soft_wrap=True)


def guarded(fn):
    """Turn InputError into a clean message and exit code 2."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except InputError as e:
            report_input_error(e)
            raise typer.Exit(2) from None

    return wrapper


CacheOpt = Annotated[
    Path, typer.Option("--cache-dir", help=_c("Where fitted surrogates are cached (keyed by data and seed)."))
]
#: ``--cache-dir`` of the commands that also keep their MILP solutions and units there (services/unit_cache.py).
PlanningCacheOpt = Annotated[
    Path,
    typer.Option(
        "--cache-dir",
        help=_c(
            "Where the fitted surrogate, the MILP solutions and the simulations' results are cached (keyed by their "
            "inputs and the code): asked again, the command computes nothing and gives the same numbers."
        ),
    ),
]


#: Redraws a second of every progress display. Rich's default of 10 cost the main job about 4 s of CPU in the
#: calling process (py-spy of a cold `positivesum report`, fifteenth session) on a machine whose two cores the
#: simulations keep busy; 4 still moves the bars and the elapsed time smoothly enough to read.
REFRESH_PER_SECOND = 4


def progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        refresh_per_second=REFRESH_PER_SECOND,
    )


@guarded
def global_options(
    ctx: typer.Context,
    lang: Annotated[
        Optional[str],
        typer.Option(
            "--lang",
            metavar="en|ja",
            help=_c(
                "Language of the messages: en | ja (default: $POSITIVESUM_LANG, else ja if $LANG starts with ja, "
                "else en)."
            ),
        ),
    ] = None,
) -> None:
    # Validates --lang and $POSITIVESUM_LANG (exit code 2 if unknown). Help texts were already built at import
    # (see above); messages printed while the command runs follow the language set here. The previous value is
    # restored when the command ends, so in-process runners (CliRunner) do not leak the language.
    code = i18n.resolve_language(lang)
    if lang:
        token = i18n._current.set(code)
        ctx.call_on_close(lambda: i18n._current.reset(token))


def print_allocation(result: dict) -> None:
    """Each scenario's replications (plan/allocation.py): the nominal --reps shared out by weight and duration
    (`plan`, `compare-regimes`, `fair-shares`)."""
    alloc = result.get("replications_by_scenario") or {}
    by = alloc.get("by_scenario") or {}
    if not by:
        return
    out.print(
        _c("replications per scenario (nominal {nominal}, shared out by weight and duration): {list}").format(
            nominal=f"{alloc.get('nominal', 0):,}", list=", ".join(f"{s} {n:,}" for s, n in by.items())
        ),
        markup=False,
    )


def reps_option(help_text: str) -> Any:
    """The ``--reps``/``-n`` option with a command's own help (its default is the parameter's)."""
    return typer.Option("--reps", "-n", help=help_text)
