"""Cut KERN's Fira Sans into the pieces the portal's languages need (run by `make setup`).

KERN ships each cut of Fira Sans with every script it covers (≈ 130 KB a weight). A phone on
a German page needs only Latin; Ukrainian and Russian pages need Cyrillic; Turkish needs a few
letters of Latin Extended. Arabic and Farsi are not in Fira Sans: they use the phone's own
font. So each used weight is cut into three subsets with `unicode-range`, and the browser
loads only the subsets whose letters a page shows.

Writes build/fonts/ (WOFF2 files + fira-sans.css); `static 'fonts/fira-sans.css'` serves it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from fontTools import subset

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "node_modules" / "@kern-ux" / "native" / "dist" / "fonts" / "fira-sans"
TARGET = ROOT / "build" / "fonts"

# The weights KERN's styles use (body 400, subline/balanced heading 500, labels and headings
# 600) and 700 for <strong>/<b>.
WEIGHTS = {400: "Regular", 500: "Medium", 600: "SemiBold", 700: "Bold"}

# Ranges as Google Fonts splits Latin/Latin Extended/Cyrillic.
SUBSETS = {
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
    "U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, "
    "U+FEFF, U+FFFD",
    "latin-ext": "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+0304, "
    "U+0308, U+0329, U+1D00-1DBF, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, "
    "U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF",
    "cyrillic": "U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116",
}


def build() -> list[Path]:
    if not SOURCE.is_dir():
        sys.exit(f"{SOURCE} is missing: run `npm ci` first (make setup does).")
    TARGET.mkdir(parents=True, exist_ok=True)
    faces, written = [], []
    for weight, name in WEIGHTS.items():
        for label, ranges in SUBSETS.items():
            out = TARGET / f"FiraSans-{name}-{label}.woff2"
            options = subset.Options()
            options.flavor = "woff2"
            options.layout_features = ["*"]
            options.name_IDs = ["*"]
            font = subset.load_font(str(SOURCE / f"FiraSans-{name}.woff2"), options)
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=_unicodes(ranges))
            subsetter.subset(font)
            subset.save_font(font, str(out), options)
            written.append(out)
            faces.append(
                "@font-face {\n"
                "  font-family: 'Fira Sans';\n"
                f"  src: url('{out.name}') format('woff2');\n"
                f"  font-weight: {weight};\n"
                "  font-style: normal;\n"
                "  font-display: swap;\n"
                f"  unicode-range: {ranges};\n"
                "}\n"
            )
    css = TARGET / "fira-sans.css"
    css.write_text(
        "/* Made by scripts/subset_fonts.py from KERN's Fira Sans; do not edit. */\n"
        + "\n".join(faces)
    )
    return [*written, css]


def _unicodes(ranges: str) -> list[int]:
    codes: list[int] = []
    for part in ranges.split(","):
        part = part.strip().removeprefix("U+")
        start, _, end = part.partition("-")
        codes.extend(range(int(start, 16), int(end or start, 16) + 1))
    return codes


if __name__ == "__main__":
    logging.getLogger("fontTools").setLevel(logging.ERROR)  # notes about old OS/2 tables
    files = build()
    total = sum(f.stat().st_size for f in files)
    print(f"{len(files)} files in {TARGET.relative_to(ROOT)} ({total // 1024} KB)")
