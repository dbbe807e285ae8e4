#!/usr/bin/env python3
"""Writes themes/default/static/fonts/PlaceNames-Kai.woff2: the characters
of Henan's place names (data/henan_divisions.tsv) that the Fandol print
fonts lack (浉 of 浉河区, 瀍 of 瀍河回族区), taken from AR PL UKai
(Debian's fonts-arphic-ukai, TrueType outlines, Arphic Public License).

Without it Chromium draws those characters with some other font of the
computer, for Chinese usually a CFF-based Noto font that it embeds in the
PDF as a Type 3 font. Run again when the gazetteer changes:

    apt-get install --no-install-recommends python3-fonttools python3-brotli fonts-arphic-ukai
    python3 tools/print-fonts/place_names.py
"""
import pathlib
import sys

from fontTools import subset
from fontTools.ttLib import TTFont

repo = pathlib.Path(__file__).resolve().parents[2]
fonts = repo / "themes/default/static/fonts"
UKAI = pathlib.Path("/usr/share/fonts/truetype/arphic/ukai.ttc")
FANDOL = ["FandolFang-Regular", "FandolHei-Regular", "FandolKai-Regular", "FandolSong-Bold"]

common = set.intersection(*(set(TTFont(fonts / f"{name}.woff2").getBestCmap()) for name in FANDOL))
names = (repo / "data/henan_divisions.tsv").read_text(encoding="utf-8")
missing = sorted({c for c in names if ord(c) > 127 and not c.isspace() and ord(c) not in common})
ukai = TTFont(UKAI, fontNumber=0)
absent = [c for c in missing if ord(c) not in ukai.getBestCmap()]
if absent:
    sys.exit(f"AR PL UKai lacks {''.join(absent)} as well: choose another TrueType source")

options = subset.Options()
options.flavor = "woff2"
options.name_IDs = ["*"]
options.glyph_names = False
options.hinting = False
options.drop_tables += ["FFTM"]
subsetter = subset.Subsetter(options)
subsetter.populate(text="".join(missing))
subsetter.subset(ukai)
# The subset is a modified version: say so in the name table, as the
# Arphic Public License asks of modified fonts.
for record in ukai["name"].names:
    if record.nameID in (1, 4, 16):
        record.string = "jianbao PlaceNames Kai (AR PL UKai subset)"
    elif record.nameID == 6:
        record.string = "jianbaoPlaceNamesKai"
ukai["name"].setName(
    "Subset of AR PL UKai CN by jianbao: the characters of Henan place names that Fandol lacks",
    10, 3, 1, 0x409,
)
subset.save_font(ukai, str(fonts / "PlaceNames-Kai.woff2"), options)
print(f"PlaceNames-Kai.woff2: {''.join(missing)}")
