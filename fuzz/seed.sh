#!/bin/sh
# Fills fuzz/corpus/<target>/ with real inputs to start from: the sample
# archive (content/), the test fixtures, the import seeds beside the
# repository (../shared/seeds) and the inputs kept as regression tests,
# plus GB18030 and UTF-16 copies of some, as editors' Windows tools save them.
set -eu
cd "$(dirname "$0")/.."
seeds=${SEEDS:-../shared/seeds}
for target in front_matter import markdown docx; do
    mkdir -p "fuzz/corpus/$target"
done
copy() { # target file
    cp "$2" "fuzz/corpus/$1/$(printf %s "$2" | sed 's|^[./]*||' | tr '/' '_')"
}
find content tests/fixtures -name '*.md' | sort | while read -r f; do
    copy front_matter "$f"
    copy markdown "$f"
done
if [ -d "$seeds" ]; then
    for f in "$seeds"/*; do
        copy import "$f"
        copy markdown "$f"
    done
fi
for f in tests/fixtures/fuzz/*/*; do
    [ -f "$f" ] || continue
    target=$(basename "$(dirname "$f")")
    [ -d "fuzz/corpus/$target" ] && copy "$target" "$f"
done
# Other encodings of a few files.
for f in $(find content -name '*.md' | sort | head -n 3) $(ls "$seeds"/* 2>/dev/null | head -n 1); do
    case $f in *.md) target=front_matter ;; *) target=import ;; esac
    name=$(printf %s "$f" | sed 's|^[./]*||' | tr '/' '_')
    iconv -f UTF-8 -t GB18030 "$f" > "fuzz/corpus/$target/$name.gb18030" 2>/dev/null || true
    { printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$f"; } > "fuzz/corpus/$target/$name.utf16" 2>/dev/null || true
done
for target in front_matter import markdown docx; do
    echo "fuzz/corpus/$target: $(ls "fuzz/corpus/$target" | wc -l) files"
done
