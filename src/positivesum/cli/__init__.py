"""Command line: a thin layer over :mod:`positivesum.services`, one module per service family.

The Typer app is assembled here, explicitly: each command module's ``register`` adds its commands
(nothing registers itself on import). Bad input never shows a traceback: every
:class:`~positivesum.model.errors.InputError` is printed as ``file:line: key: what — how to fix`` lines on
stderr and the exit code is 2 (:func:`.common.guarded`).

Messages are in English or Japanese (``--lang en|ja``, else $POSITIVESUM_LANG, else ja when $LANG starts
with "ja"). The command line's own texts are marked ``_c("…")`` / ``N_c("…")`` and live in the catalogue
domain ``cli`` (``locale/cli.pot``, ``locale/ja/LC_MESSAGES/cli.po``; the extraction command is in the header
of babel-cli.cfg). Problem texts (``what — how to fix``) stay English.
"""

from __future__ import annotations

import os
import sys

import typer

from .. import __version__, i18n
from ..model.errors import InputError
from . import alliance, calibrate, data, games, plan, report, sensitivity, serve, simulate, sweep
from .common import _argv_language, _c, err, global_options, out, report_input_error

app = typer.Typer(
    help=_c("positivesum — an open workbench for allied defence planning."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
new_app = typer.Typer(help=_c("Create new data files to edit."), no_args_is_help=True)


def version() -> None:
    out.print(__version__, markup=False)


def build_app() -> None:
    """Assemble the app: the global options, then each family's commands, in the order `--help` lists them."""
    app.callback()(global_options)
    data.register(app, new_app)
    simulate.register(app)
    calibrate.register(app)
    report.register(app)
    plan.register(app)
    games.register(app)
    alliance.register(app)
    sensitivity.register(app)
    sweep.register(app)
    serve.register(app)
    app.add_typer(new_app, name="new")
    app.command(help=_c("Print the version."))(version)


build_app()


#: BLAS thread counts every command runs with unless the user exported their own (read when NumPy loads, which
#: the command tree does not do: tests/test_cli_startup.py).
BLAS_SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def main() -> None:
    """Console entry point."""
    # One BLAS thread, as Dask gives its workers: the engine's row sums are BLAS products whose last bits may
    # depend on how BLAS splits them, and a run must give the same numbers here as on a cluster; the engine's
    # matrices are narrow, so more threads mostly spin (measured: `simulate taiwan_blockade --reps 20000` took
    # 15.9 s and 27.4 s of CPU with OpenBLAS's two threads, 16.3 s and 15.1 s with one). `make demo` and
    # `make test` always ran so. An exported value wins.
    for name, value in BLAS_SINGLE_THREAD.items():
        os.environ.setdefault(name, value)
    # The help texts were built in the language read from sys.argv when .common was imported (see
    # _argv_language); an unknown --lang (anywhere, even with --help) is an input error: exit code 2.
    try:
        i18n.resolve_language(_argv_language(sys.argv[1:]))
    except InputError as e:
        report_input_error(e)
        sys.exit(2)
    try:
        app()
    except KeyboardInterrupt:
        err.print(_c("interrupted"))
        sys.exit(130)
    except Exception as e:  # noqa: BLE001 - last line of defence: no traceback for users
        if os.environ.get("POSITIVESUM_DEBUG"):
            raise
        err.print(
            _c("internal error: {error}\n(this is a bug; rerun with POSITIVESUM_DEBUG=1 for details)").format(
                error=f"{type(e).__name__}: {e}"
            ),
            markup=False,
        )
        sys.exit(1)


__all__ = ["app", "main"]
