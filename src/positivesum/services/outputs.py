"""Writing results so that nothing is lost and nothing is mixed.

Rules (docs/decisions/0008-safe-outputs.md):

* **One file** (``--out result.json``) is written to a uniquely named temporary sibling and renamed into
  place (``os.replace``, atomic on POSIX): a reader sees the old file or the new one, never a part.
* **Never overwrite without being asked**: an existing output is replaced only with ``force=True``
  (``--force``); the check runs before any computation (:func:`check_can_write_file`).
* **A set of files** (the briefing) lives in a folder of its own: it is written complete into a hidden
  staging sibling, with a ``manifest.json`` (every file with its SHA-256, seed, data hash, command), and
  then *exchanged* with the previous folder in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``), so a
  reader finds the previous complete set or the new complete set, never a mix. The previous set is then
  removed — only when every file in it is listed in its own manifest (it is entirely ours). A folder that
  holds anything positivesum did not write is never replaced (:func:`check_can_publish_folder`).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import datetime as _dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ..model.errors import InputError, Location, Problem

MANIFEST = "manifest.json"
MANIFEST_SCHEMA = "positivesum.manifest/1"
STAGING_MARK = ".positivesum-staging"


def to_json_text(payload: Any) -> str:
    """JSON text as every command writes it: UTF-8, indented, NaN and infinity written as null."""
    from ..sim.results import json_safe  # here, not at the top: it loads xarray and pandas (0.5 s per command)

    return json.dumps(json_safe(payload), indent=2, ensure_ascii=False, default=str) + "\n"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` through a uniquely named temporary sibling and an atomic rename (never half-written,
    and two writers never share a temporary file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # as an ordinary new file (mkstemp makes it private)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def write_text_atomic(path: Path, text: str) -> None:
    """Write a UTF-8 text file atomically (see :func:`write_bytes_atomic`)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_json(path: Path, payload: Any) -> None:
    """Write JSON atomically (UTF-8, indented; NaN written as null so any JSON reader accepts it)."""
    write_text_atomic(path, to_json_text(payload))


def check_can_write_file(path: Path | None, force: bool, option: str = "--out") -> None:
    """Refuse, before any work, to replace an existing file without ``--force``."""
    if path is None:
        return
    path = Path(path)
    if path.is_file() and not force:
        raise InputError(
            [
                Problem(
                    Location(str(path), 0),
                    option,
                    "the file already exists",
                    "choose another file name, or pass --force to replace it",
                )
            ]
        )


# --- folders -------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _listing(folder: Path) -> list[str]:
    """Every file under ``folder`` as a relative POSIX path (folders themselves are not listed)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None if it has none or it cannot be read."""
    try:
        data = json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("schema") == MANIFEST_SCHEMA else None


def verify_folder(folder: Path) -> dict[str, Any]:
    """Whether ``folder`` holds one complete set as its manifest describes: ``{"complete": bool, "problems": [...]}``."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    if manifest is None:
        return {"complete": False, "problems": [f"{folder / MANIFEST}: missing or unreadable"]}
    problems = []
    for rel, info in manifest.get("files", {}).items():
        path = folder / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
        elif sha256_file(path) != info.get("sha256"):
            problems.append(f"{rel}: differs from the manifest (not from this run)")
    return {"complete": not problems, "problems": problems, "run": manifest.get("run", {})}


def _foreign_files(folder: Path) -> list[str]:
    """Files in ``folder`` that its manifest does not list (all of them when there is no manifest)."""
    manifest = read_manifest(folder)
    ours = set(manifest.get("files", {})) | {MANIFEST} if manifest else set()
    return [f for f in _listing(folder) if f not in ours]


def check_can_publish_folder(folder: Path, force: bool, option: str = "--out") -> None:
    """Before any work: the output folder must be new, empty, or a previous positivesum set (with ``--force``)
    that holds nothing but the files its manifest lists, so that publishing can remove nothing of the user's."""
    folder = Path(folder)
    if not folder.exists():
        return
    where = Location(str(folder), 0)
    if not folder.is_dir():
        raise InputError(
            [Problem(where, option, "is a file, not a folder", "give a folder name, e.g. --out out/report")]
        )
    if folder.is_symlink():
        raise InputError([Problem(where, option, "is a symbolic link", "give the real folder's path")])
    if not any(folder.iterdir()):
        return
    foreign = _foreign_files(folder)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise InputError(
            [
                Problem(
                    where,
                    option,
                    f"the folder holds files positivesum did not write ({shown})",
                    "write the report to a new folder (e.g. --out out/report-2), or move those files elsewhere",
                )
            ]
        )
    if not force:
        raise InputError(
            [
                Problem(
                    where,
                    option,
                    "the folder holds a previous report",
                    "pass --force to replace it (atomically, all files at once), or choose another folder",
                )
            ]
        )


class StagingFolder:
    """A hidden sibling of ``target`` in which a set of files is written before it is published.

    ``with StagingFolder(target) as stage:`` write into ``stage.path``; then :meth:`publish`. If the
    block fails, the staging folder is removed and ``target`` is untouched."""

    def __init__(self, target: Path):
        self.target = Path(target)
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self._remove_stale_staging()
        self.path = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.", suffix=".part", dir=self.target.parent))
        self.path.chmod(0o777 & ~_umask())  # as an ordinary new folder (mkdtemp makes it private)
        (self.path / STAGING_MARK).write_text("positivesum staging folder; safe to delete\n", encoding="utf-8")
        self.published = False

    def _remove_stale_staging(self) -> None:
        """Staging folders left by a run that was killed: hidden siblings named for this target that are
        provably ours (they carry the staging mark, or a manifest listing every file they hold)."""
        for old in self.target.parent.glob(f".{self.target.name}.*.part"):
            if old.is_dir() and not old.is_symlink():
                if (old / STAGING_MARK).is_file() or (read_manifest(old) is not None and not _foreign_files(old)):
                    shutil.rmtree(old, ignore_errors=True)

    def __enter__(self) -> StagingFolder:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)

    def publish(self, run: dict[str, Any]) -> dict[str, Any]:
        """Write the manifest, then exchange the staging folder with ``target`` atomically; remove the old set."""
        (self.path / STAGING_MARK).unlink()
        files = {
            rel: {"sha256": sha256_file(self.path / rel), "bytes": (self.path / rel).stat().st_size}
            for rel in _listing(self.path)
        }
        manifest = {
            "schema": MANIFEST_SCHEMA,
            "complete": True,
            "files": files,
            "run": run,
            "published": _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat(),
        }
        write_json(self.path / MANIFEST, manifest)
        _fsync_dir(self.path)
        if self.target.exists():
            if _foreign_files(self.target):  # checked before the run; re-checked: never remove a user's file
                raise InputError(
                    [
                        Problem(
                            Location(str(self.target), 0),
                            "--out",
                            "files appeared in the folder during the run",
                            f"the new report is kept in {self.path}; move it by hand",
                        )
                    ]
                )
            _exchange(self.path, self.target)
            shutil.rmtree(self.path)  # now the previous set, entirely ours
        else:
            os.rename(self.path, self.target)
        _fsync_dir(self.target.parent)
        self.published = True
        return manifest


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two paths in one atomic step (Linux ``renameat2(…, RENAME_EXCHANGE)``, glibc ≥ 2.28).

    Hand-written because the standard library has no exchange (docs/decisions/0008-safe-outputs.md).
    Where the call is missing (not Linux), the fallback is two renames with the old set kept aside
    until the new one is in place: a kill between them leaves the new set at ``a`` and the old at ``b``'s
    ``.old`` sibling, both complete, and the next run's check names them."""
    libc_name = ctypes.util.find_library("c")
    func = getattr(ctypes.CDLL(libc_name, use_errno=True), "renameat2", None) if libc_name else None
    if func is not None:
        func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        errno = ctypes.get_errno()
        if errno not in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: file system or kernel without exchange
            raise OSError(errno, os.strerror(errno), str(b))
    aside = b.with_name(f".{b.name}.old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)
