"""PDF by printing the HTML with headless Chromium (no network, fresh profile, atomic write).

Japanese text is printed with subset fonts whose Unicode map is clean (:mod:`.fonts`), so that the PDF's
text layer can be searched and copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model.errors import InputError, Location, Problem
from .fonts import with_print_fonts

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
)
TIMEOUT_S = 180


def find_chromium() -> str | None:
    """POSITIVESUM_CHROMIUM if set, else the first of chromium, chromium-browser, google-chrome on PATH."""
    env = os.environ.get("POSITIVESUM_CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing(html: Path) -> InputError:
    return InputError(
        [
            Problem(
                Location(str(html), 0),
                "pdf",
                "no Chromium browser found to print the PDF (the HTML was written)",
                "install it (Debian/Ubuntu: `sudo apt-get install chromium fonts-noto-cjk`, or `make system-deps`) "
                "or set POSITIVESUM_CHROMIUM to the browser's path",
            )
        ]
    )


def chromium_command(binary: str, profile: Path, *extra: str) -> list[str]:
    """The Chromium command line used for every headless run."""
    return [binary, *FLAGS, f"--user-data-dir={profile}", *extra]


def write_pdf(html: Path, pdf: Path, notes: list[str] | None = None) -> Path:
    """Print ``html`` to ``pdf``; the file appears only when complete. Why a font could not be embedded (the
    PDF is still written) is appended to ``notes``."""
    binary = find_chromium()
    if binary is None:
        raise _missing(html)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    tmp = pdf.with_name(pdf.name + ".part")
    tmp.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="positivesum-chromium-") as profile:
        page, note = with_print_fonts(Path(html).read_text(encoding="utf-8"))
        if note and notes is not None:
            notes.append(note)
        printed = Path(profile) / "print.html"  # the deliverable HTML stays as written
        printed.write_text(page, encoding="utf-8")
        cmd = chromium_command(
            binary,
            Path(profile),
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=10000",
            f"--print-to-pdf={tmp.resolve()}",
            printed.resolve().as_uri(),
        )
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            tmp.unlink(missing_ok=True)
            raise RuntimeError(f"Chromium ({binary}) failed to print {html}: {e}") from e
    if proc.returncode != 0 or not tmp.exists() or tmp.stat().st_size == 0:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(
            f"Chromium ({binary}) failed to print {html} (exit {proc.returncode}): {proc.stderr.strip()[-800:]}"
        )
    tmp.replace(pdf)
    return pdf
