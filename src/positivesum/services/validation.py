"""One validation layer for the values a user passes to a command (CLI options today, web forms later).

Every check raises :class:`~positivesum.model.errors.InputError` with the option's name, what is wrong and
how to fix it, so that the command line reports it as ``<command line>: --reps: … — …`` with exit code 2
*before* any long computation starts. Data files and ``--set`` values are checked by the loader
(:mod:`positivesum.model`); both end in the same message format. Limits are documented in
docs/reference/limits.md.
"""

from __future__ import annotations

import math
from pathlib import Path

from .. import defaults
from ..model.errors import option_error


def check_reps(reps: int, option: str = "--reps") -> int:
    """Replications: an integer from 1 to :data:`defaults.MAX_REPS`."""
    if isinstance(reps, bool) or not isinstance(reps, int):
        raise option_error(option, f"'{reps}' is not a whole number", "give a whole number such as 2000")
    if reps < 1:
        raise option_error(option, f"must be at least 1, got {reps}", f"use a positive count, e.g. {option} 1000")
    if reps > defaults.MAX_REPS:
        raise option_error(
            option,
            f"{reps:,} replications exceed the limit of {defaults.MAX_REPS:,}",
            "use fewer replications (100,000 already give ±0.003 on a probability) or split the run",
        )
    return reps


def check_seed(seed: int, option: str = "--seed") -> int:
    """Seeds: integers from 0 to 2^63 − 1."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise option_error(option, f"'{seed}' is not a whole number", "give a whole number such as 1")
    if not 0 <= seed <= defaults.MAX_SEED:
        raise option_error(option, f"must be between 0 and 2^63 − 1, got {seed}", "use e.g. --seed 1")
    return seed


def check_workers(workers: int, option: str = "--workers") -> int:
    """Worker processes: 1 to :data:`defaults.MAX_WORKERS`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= defaults.MAX_WORKERS:
        raise option_error(
            option,
            f"must be a whole number from 1 to {defaults.MAX_WORKERS}, got {workers}",
            "use e.g. --workers 2 (results do not depend on it)",
        )
    return workers


def check_fraction(value: float, option: str, *, low: float = 0.0, high: float = 1.0, low_open: bool = False) -> float:
    """A finite number in [low, high] (or (low, high] with ``low_open``)."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        raise option_error(option, f"'{value}' is not a finite number", f"give a number between {low:g} and {high:g}")
    if value > high or value < low or (low_open and value == low):
        bracket = "(" if low_open else "["
        raise option_error(
            option, f"{value:g} is outside {bracket}{low:g}, {high:g}]", f"give a number between {low:g} and {high:g}"
        )
    return float(value)


def check_out_file(
    path: Path | None, option: str = "--out", suffixes: tuple[str, ...] = (".json",), *, force: bool = False
) -> Path | None:
    """An output file: not a directory, not under an existing file, with one of ``suffixes``, and not an
    existing file unless ``force`` (``--force``): outputs are never replaced silently."""
    if path is None:
        return None
    path = Path(path)
    if path.is_file() and not force:
        raise option_error(
            option, f"'{path}' already exists", "choose another file name, or pass --force to replace it"
        )
    if path.exists() and path.is_dir():
        raise option_error(
            option, f"'{path}' is a directory", f"give a file name inside it, e.g. {path / ('result' + suffixes[0])}"
        )
    if path.suffix.lower() not in suffixes:
        raise option_error(
            option,
            f"unsupported file type '{path.suffix or '(none)'}'",
            f"use a file name ending in {' or '.join(suffixes)}",
        )
    _check_parent(path, option)
    return path


def check_out_dir(path: Path, option: str = "--out") -> Path:
    """An output folder: a folder or a path that can become one (not a file, not under a file)."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise option_error(option, f"'{path}' is a file, not a folder", "give a folder name, e.g. --out out/report")
    _check_parent(path, option)
    return path


def check_cache_dir(path: Path | None, option: str = "--cache-dir") -> Path | None:
    """A cache folder: a folder or a path that can become one (not a file, not under a file)."""
    if path is None:
        return None
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise option_error(
            option,
            f"'{path}' is a file, not a folder",
            f"give a folder for the cache, e.g. --cache-dir {defaults.CACHE_DIR}",
        )
    _check_parent(path, option)
    return path


def _check_parent(path: Path, option: str) -> None:
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise option_error(
                    option,
                    f"'{parent}' is a file, so '{path}' cannot be created under it",
                    "choose a path whose folders are folders",
                )
            return
