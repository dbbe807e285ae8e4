#!/usr/bin/env bash
# bench/print.sh — how long `jianbao pdf --all` takes per issue, against a
# bare headless Chromium printing a one-line page in the same run (what
# every issue pays for starting a browser).
#
#   bash bench/print.sh
#
# Archives: the repository's sample (2 issues) and a synthetic one of
# $BENCH_REPORTS reports from ../shared/bench/gen_corpus.py (about 2.5
# reports an issue). Each `pdf --all` run starts from an output without
# PDFs (each issue is printed), with the default --jobs 2; the table gives
# the median of $BENCH_RUNS runs. `pdf --all` includes its two quiet builds.
#
# Settings (environment): JIANBAO_BIN (default <repo>/target/release/jianbao,
# else target/debug/jianbao), BENCH_RUNS (3), BENCH_REPORTS (50),
# BENCH_WORK (/tmp). Needs chromium, python3.
# Last lines: "PRINT <archive> <issues> <median s> <s per issue> <ratio to bare print>".
set -euo pipefail
export LC_ALL=C.UTF-8

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${JIANBAO_BIN:-$REPO/target/release/jianbao}
[[ -x $BIN ]] || BIN=$REPO/target/debug/jianbao
RUNS=${BENCH_RUNS:-3}
REPORTS=${BENCH_REPORTS:-50}
WORK=$(mktemp -d "${BENCH_WORK:-/tmp}/jianbao-print-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
CHROMIUM=${JIANBAO_CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome)}

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {printf "%.2f\n", (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "date: $(date -u +%F), commit $(git -C "$REPO" rev-parse --short HEAD), binary $BIN"
echo "chromium: $("$CHROMIUM" --version 2>/dev/null | head -1)"

# The peer: one bare print of a one-line page, with pdf.rs's flags.
echo '<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><p>代表工作</p></html>' >"$WORK/bare.html"
bare_times=()
for i in 1 2 3 4 5; do
  rm -rf "$WORK/profile"
  start=$(now)
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --no-default-browser-check --disable-background-networking --disable-component-update \
    --disable-sync --disable-extensions --no-pdf-header-footer --run-all-compositor-stages-before-draw \
    --virtual-time-budget=15000 --user-data-dir="$WORK/profile" --print-to-pdf="$WORK/bare.pdf" \
    "file://$WORK/bare.html" >/dev/null 2>&1
  bare_times+=("$(printf '%.2f' "$(echo "$(now) - $start" | bc)")")
done
bare=$(printf '%s\n' "${bare_times[@]}" | median)
echo "bare Chromium print of a one-line page: median $bare s (${bare_times[*]})"

sample="$WORK/sample"
mkdir -p "$sample"
cp -r "$REPO/content" "$REPO/site.toml" "$sample/"
synthetic="$WORK/synthetic"
mkdir -p "$synthetic"
cp "$REPO/site.toml" "$synthetic/"
python3 "$REPO/../shared/bench/gen_corpus.py" "$synthetic/content" "$REPORTS" >/dev/null

results=()
for archive in sample synthetic; do
  site="$WORK/$archive"
  issues=$(find "$site/content" -name _issue.md | wc -l)
  times=()
  for run in $(seq "$RUNS"); do
    rm -rf "$site/public"
    start=$(now)
    "$BIN" pdf --all --root "$site" >/dev/null 2>"$WORK/stderr" || { cat "$WORK/stderr"; exit 1; }
    times+=("$(printf '%.2f' "$(echo "$(now) - $start" | bc)")")
  done
  pdfs=$(find "$site/public" -name '*.pdf' | wc -l)
  [[ $pdfs -eq $issues ]] || { echo "$archive: $pdfs PDFs for $issues issues" >&2; exit 1; }
  med=$(printf '%s\n' "${times[@]}" | median)
  per=$(printf '%.2f' "$(echo "scale=4; $med / $issues" | bc)")
  ratio=$(printf '%.2f' "$(echo "scale=4; $per / $bare" | bc)")
  echo "$archive: $issues issues, pdf --all ${times[*]} s"
  results+=("PRINT $archive $issues $med $per $ratio")
done
printf '%s\n' "${results[@]}"
