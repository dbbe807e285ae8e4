#!/usr/bin/python3
"""Converts the Fandol fonts (OpenType with CFF outlines) into WOFF2 files
with TrueType outlines, for themes/default/static/fonts/.

Chromium's PDF writer embeds fonts with TrueType outlines as named CID
TrueType fonts; fonts with CFF outlines end up as unnamed Type 3 fonts,
which prepress preflight and archive validators reject.

Usage: convert.py FANDOL_DIR OUT_DIR
(make.sh runs it with Debian 12's python3-fonttools and python3-brotli.)
"""

import copy
import sys
from collections import defaultdict
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

# The largest distance, in font units (1/1000 em), between a cubic curve
# and the quadratic splines that replace it: invisible at any print size.
MAX_ERR = 1.0

NOTICE = (
    "Converted from the Fandol font's CFF outlines to TrueType outlines "
    "(fontTools cu2qu, max error {err} units) for the jianbao print theme; "
    "the glyphs are otherwise unchanged. GPL-3 with font exception."
)

# (source, output, the characters kept, or None for all)
FONTS = [
    # 仿宋: the body text.
    ("FandolFang-Regular.otf", "FandolFang-Regular.woff2", None),
    # 黑体: headings of level 一、
    ("FandolHei-Regular.otf", "FandolHei-Regular.woff2", None),
    # 楷体: headings of level （一）, the series line, subtitles.
    ("FandolKai-Regular.otf", "FandolKai-Regular.woff2", None),
    # The heavy 小标宋-like face: masthead and titles.
    ("FandolSong-Bold.otf", "FandolSong-Bold.woff2", None),
    # 宋体 digits of the page numbers, “— 7 —”: nothing else.
    ("FandolSong-Regular.otf", "FandolSong-Regular-digits.woff2", "— 0123456789"),
]


def cff_to_glyf(font):
    """Replaces the font's CFF table by glyf/loca with the same glyphs."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType's clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyphs[name] = pen.glyph()
    del font["CFF "]
    if "VORG" in font:
        # Vertical origins belong to CFF fonts; vmtx carries on without it.
        del font["VORG"]
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    font["loca"] = newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in (
        "maxZones",
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    # Glyph names are not needed for printing; format 3 leaves them out.
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    head = font["head"]
    head.glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def rank(codepoint):
    """Which of the characters sharing a glyph keeps it (lowest first)."""
    if 0xE000 <= codepoint <= 0xF8FF:
        return (3, codepoint)  # private use
    if (
        0x2E80 <= codepoint <= 0x2FDF  # CJK radicals, Kangxi radicals
        or 0xF900 <= codepoint <= 0xFAFF  # CJK compatibility ideographs
        or 0xFE10 <= codepoint <= 0xFE4F  # vertical and compatibility forms
    ):
        return (2, codepoint)
    return (1, codepoint)


def one_character_per_glyph(font):
    """Gives every character its own glyph.

    The Fandol fonts map the Kangxi radicals to the glyphs of the ideographs
    they look like (⼀ U+2F00 and 一 U+4E00, ⼤ and 大 …). A PDF writer can
    name only one character per glyph in the PDF's ToUnicode map, and
    Chromium's takes the lowest: copied or searched text would read ⼈⼤
    for 人大. The character that keeps the glyph is the ideograph (see
    rank); each other one gets a copy of the outline. Control characters
    mapped to the space glyph are dropped: they are never drawn.
    """
    by_glyph = defaultdict(list)
    for codepoint, name in font.getBestCmap().items():
        if codepoint < 0x20 or 0x7F <= codepoint <= 0x9F:
            continue
        by_glyph[name].append(codepoint)
    order = list(font.getGlyphOrder())
    taken = set(order)
    glyf, hmtx = font["glyf"], font["hmtx"]
    vmtx = font["vmtx"] if "vmtx" in font else None
    mapping = {}
    for name, codepoints in by_glyph.items():
        codepoints.sort(key=rank)
        mapping[codepoints[0]] = name
        for codepoint in codepoints[1:]:
            twin = f"uni{codepoint:04X}"
            while twin in taken:
                twin += ".alt"
            taken.add(twin)
            order.append(twin)
            glyf.glyphs[twin] = copy.deepcopy(glyf.glyphs[name])
            hmtx.metrics[twin] = hmtx.metrics[name]
            if vmtx is not None:
                vmtx.metrics[twin] = vmtx.metrics[name]
            mapping[codepoint] = twin
    font.setGlyphOrder(order)
    glyf.glyphOrder = order
    cmap = font["cmap"]
    # Only the Unicode subtables stay (the Mac Chinese one is legacy).
    cmap.tables = [table for table in cmap.tables if table.isUnicode()]
    for table in cmap.tables:
        table.cmap = dict(mapping)


def mark_modified(font):
    """States in the name table (ID 10, description) what was changed."""
    names = font["name"]
    text = NOTICE.format(err=MAX_ERR)
    names.setName(text, 10, 3, 1, 0x409)
    names.setName(text, 10, 1, 0, 0)


def convert(source, target, keep):
    font = TTFont(source, recalcBBoxes=True, recalcTimestamp=False)
    if keep is not None:
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=keep)
        subsetter.subset(font)
    cff_to_glyf(font)
    one_character_per_glyph(font)
    mark_modified(font)
    font.flavor = "woff2"
    font.save(target)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source_dir, out_dir = Path(sys.argv[1]), Path(sys.argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    for source, target, keep in FONTS:
        convert(source_dir / source, out_dir / target, keep)
        print(f"{target}: {(out_dir / target).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
