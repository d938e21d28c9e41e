"""Japanese text that stays text in the PDF: subset web fonts with a clean Unicode map for printing.

Why this exists. Chromium (Skia) writes a PDF's ToUnicode map from the font's cmap, reversed: glyph →
code point. Noto Sans CJK maps both the unified ideograph 日 (U+65E5) and the Kangxi radical ⽇ (U+2F47) to
the same glyph, and the reverse map keeps the lower code point, so "日本" in the page is "⽇本" in the PDF's
text layer — the page looks right, but search and copy-paste fail (measured: 0 hits for "日本" in the
Japanese briefing). The fix is to hand Chromium, for printing only, a *subset* of the same font whose cmap
holds exactly the characters of the document (no radicals), declared with ``@font-face`` under the family
name the stylesheet and the charts already use ("Noto Sans CJK JP"), so every CJK glyph in the PDF has one
code point. Subsetting is fontTools' job (:mod:`fontTools.subset`); the system font is found with
fontconfig (``fc-match``), which Chromium needs anyway. Without the font or fontconfig the PDF is printed as
before and the caller is told why.
"""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from pathlib import Path

FAMILY = "Noto Sans CJK JP"
"""The family name used by report.css and the chart configuration (charts.FONT)."""

WEIGHTS = {400: "Noto Sans CJK JP:weight=regular", 700: "Noto Sans CJK JP:weight=bold"}
"""fontconfig patterns of the two faces embedded (other weights use the nearest, as CSS specifies)."""

_FALLBACK_FILES = {
    400: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    700: "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
}
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_RADICALS = range(0x2E80, 0x2FE0)  # CJK Radicals Supplement and Kangxi Radicals: never embedded


def cjk_characters(html: str) -> set[str]:
    """The East Asian characters of a page, including those written as JSON unicode escapes in the chart specs."""
    text = html + "".join(chr(int(m, 16)) for m in _ESCAPE.findall(html))
    return {c for c in text if ord(c) >= 0x2E80 and ord(c) not in _RADICALS and not 0xD800 <= ord(c) < 0xE000}


def find_face(weight: int) -> tuple[Path, int] | None:
    """(file, index in the collection) of the system's Noto Sans CJK JP face of ``weight``, via fc-match."""
    fc_match = shutil.which("fc-match")
    if fc_match:
        try:
            out = subprocess.run(
                [fc_match, "-f", "%{file}\t%{index}\t%{family}", WEIGHTS[weight]],
                capture_output=True,
                text=True,
                timeout=20,
                check=False,
            ).stdout
            file, index, family = (out.split("\t") + ["", "", ""])[:3]
            if file and FAMILY in family and Path(file).is_file():
                return Path(file), int(index or 0)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            pass
    fallback = Path(_FALLBACK_FILES[weight])
    return (fallback, 0) if fallback.is_file() else None


def subset_font(path: Path, index: int, characters: set[str]) -> bytes:
    """An OpenType font holding only ``characters`` (cmap limited to them), from face ``index`` of ``path``."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]  # keep vertical forms, kerning and proportional kana
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in characters))
    buffer = io.BytesIO()
    with TTFont(str(path), fontNumber=index, lazy=True) as font:  # closes the font file (lazy reads keep it open)
        subsetter.subset(font)
        font.save(buffer)
    return buffer.getvalue()


def print_font_css(html: str) -> tuple[str, str | None]:
    """``@font-face`` rules embedding subset CJK fonts for the characters of ``html``, and a note when none
    could be made (no CJK text needs none: ``("", None)``)."""
    characters = cjk_characters(html)
    if not characters:
        return "", None
    try:
        import fontTools  # noqa: F401
    except ImportError:
        return "", "fontTools is not installed: Japanese text in the PDF may not be searchable"
    rules = []
    for weight in WEIGHTS:
        face = find_face(weight)
        if face is None:
            continue
        data = base64.b64encode(subset_font(face[0], face[1], characters)).decode("ascii")
        rules.append(
            f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: normal; '
            f'src: url(data:font/otf;base64,{data}) format("opentype"); }}'
        )
    if not rules:
        return "", f"no {FAMILY} font found (install fonts-noto-cjk): Japanese text in the PDF may not be searchable"
    return "\n".join(rules), None


def with_print_fonts(html: str) -> tuple[str, str | None]:
    """The page with the subset fonts declared first in its head (the page itself is left unchanged)."""
    css, note = print_font_css(html)
    if not css:
        return html, note
    marker = "<head>"
    at = html.find(marker)
    style = f"\n<style>\n{css}\n</style>\n"
    if at < 0:
        return style + html, note
    return html[: at + len(marker)] + style + html[at + len(marker) :], note
