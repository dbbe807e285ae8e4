#!/usr/bin/env bash
# Regenerates themes/default/static/fonts/ (the print theme's fonts) from
# Debian 12's texlive-lang-chinese: the Fandol fonts, converted from CFF to
# TrueType outlines and packed as WOFF2 by convert.py.
#
# Run by hand when the fonts must change (it takes some minutes of CPU);
# CI and builds use the committed files. Needs Debian 12 (bookworm) with
# apt sources, and root for the two small Python packages:
#   apt-get install --no-install-recommends python3-fonttools python3-brotli
# texlive-lang-chinese itself is only downloaded and unpacked, not installed.
#
# With the same package versions the output is the same, byte for byte:
# compare with `sha256sum themes/default/static/fonts/*` (SHA256SUMS).

set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fonts="$repo/themes/default/static/fonts"
# The versions the committed files were made from.
TEXLIVE_VERSION=2022.20230122-1

for module in fontTools brotli; do
  if ! /usr/bin/python3 -c "import $module" 2>/dev/null; then
    echo "make.sh: Debian's python3 lacks $module; install python3-fonttools and python3-brotli" >&2
    exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download "texlive-lang-chinese=$TEXLIVE_VERSION"
dpkg-deb -x texlive-lang-chinese_*.deb unpacked
fandol=unpacked/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

/usr/bin/python3 "$repo/tools/print-fonts/convert.py" "$fandol" "$fonts"
# The fonts' licence (GPL-3 with the font exception at its end), as the
# Fandol team ship it.
zcat unpacked/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz >"$fonts/COPYING"
(cd "$fonts" && sha256sum -- *.woff2 COPYING >"$repo/tools/print-fonts/SHA256SUMS")
echo "make.sh: wrote $fonts; checksums in tools/print-fonts/SHA256SUMS"
