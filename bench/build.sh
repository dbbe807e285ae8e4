#!/usr/bin/env bash
# bench/build.sh — how long `jianbao build` takes, and how much memory it
# needs, on synthetic archives of 1,000 and 10,000 reports.
#
#   bash bench/build.sh            (from any folder)
#
# Steps:
#   1. cargo build --release
#   2. python3 $SHARED_DIR/bench/gen_corpus.py <site>/content N, for each N,
#      into a temporary work folder, with the repository's site.toml beside
#      each content/ (no themes/ folder: the built-in default theme is used)
#   3. for each archive and each output location (the work folder's disk,
#      then /dev/shm, a tmpfs, to separate CPU time from disk time):
#      one warm-up build, then $BENCH_RUNS measured builds under
#      /usr/bin/time -v, each printing wall time, peak RSS, CPU time and
#      jianbao's own summary line (读取/渲染并写出/替换), then the medians
#   4. a compact table of the medians
#
# Settings (environment):
#   SHARED_DIR    folder holding bench/gen_corpus.py (default: <repo>/../shared)
#   BENCH_SIZES   archive sizes in reports          (default: "1000 10000")
#   BENCH_RUNS    measured runs per case            (default: 3)
#   BENCH_WORK    parent of the temporary work folder (default: $TMPDIR or /tmp)
#   BENCH_KEEP=1  keep the work folders afterwards
#   BENCH_REV     a git revision (e.g. HEAD) to export with `git archive` into
#                 $BENCH_WORK/jianbao-bench-src-<sha> and build there (target
#                 folder $BENCH_WORK/jianbao-bench-target; both kept), instead
#                 of building the work tree as it is
#
# Notes on what is measured:
#   - Page cache is warm (the warm-up build read everything); nothing is
#     dropped between runs.
#   - jianbao writes the new site beside the old one, swaps them, and
#     leaves deleting the old one to a background `rm -rf`. That `rm` is not
#     part of jianbao's wall time. The script waits for it to finish before
#     the next run, so runs do not compete with it, and reports how long it
#     took ("bg rm").
#   - Medians are taken column by column (the median wall time and the
#     median RSS may come from different runs).

set -euo pipefail
export LC_ALL=C.UTF-8 2>/dev/null || true

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$REPO/../shared}
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-3}
TIME=/usr/bin/time

die() { echo "bench: $*" >&2; exit 1; }

# ---- prerequisites -----------------------------------------------------
if [[ ! -x $TIME ]]; then
  echo "bench: /usr/bin/time is missing (the shell's built-in 'time' cannot report peak memory)." >&2
  echo "       Install the Debian package 'time':  sudo apt-get install time" >&2
  exit 1
fi
[[ -d $SHARED_DIR ]] || die "no shared folder at $SHARED_DIR (set SHARED_DIR)"
SHARED_DIR=$(cd "$SHARED_DIR" && pwd)
GEN=$SHARED_DIR/bench/gen_corpus.py
[[ -f $GEN ]] || die "no generator at $GEN"
command -v python3 >/dev/null || die "python3 is needed to generate the archives"

# ---- work folders ------------------------------------------------------
WORK=$(mktemp -d "${BENCH_WORK:-${TMPDIR:-/tmp}}/jianbao-bench.XXXXXX")
SHM=""
if [[ -d /dev/shm && -w /dev/shm ]]; then
  SHM=$(mktemp -d /dev/shm/jianbao-bench.XXXXXX)
fi
cleanup() {
  if [[ ${BENCH_KEEP:-0} = 1 ]]; then
    echo "bench: kept $WORK ${SHM:+and $SHM}"
  else
    rm -rf -- "$WORK" ${SHM:+"$SHM"}
  fi
}
trap cleanup EXIT

# ---- 1. release build --------------------------------------------------
if [[ -n ${BENCH_REV:-} ]]; then
  # A committed revision, exported with git archive and built outside the
  # repository, so the shared target/ and the work tree of whoever is
  # working in the repository stay untouched. Sources and target folder are
  # kept for the next run (the first build is a full compile); delete
  # $BENCH_WORK/jianbao-bench-* by hand when done.
  BASE=${BENCH_WORK:-${TMPDIR:-/tmp}}
  SHA=$(git -C "$REPO" rev-parse --short "${BENCH_REV}^{commit}")
  SRC=$BASE/jianbao-bench-src-$SHA
  if [[ ! -f $SRC/Cargo.toml ]]; then
    mkdir -p "$SRC"
    git -C "$REPO" archive "$SHA" | tar -x -C "$SRC"
  fi
  echo "== cargo build --release of $SHA (exported to $SRC)"
  (cd "$SRC" && CARGO_TARGET_DIR=$BASE/jianbao-bench-target cargo build --release)
  BIN=$BASE/jianbao-bench-target/release/jianbao
  SITE_TOML=$SRC/site.toml
  COMMIT="$SHA (BENCH_REV=$BENCH_REV, clean export)"
else
  echo "== cargo build --release (in $REPO)"
  (cd "$REPO" && cargo build --release)
  TARGET_DIR=${CARGO_TARGET_DIR:-$REPO/target}
  [[ $TARGET_DIR = /* ]] || TARGET_DIR=$REPO/$TARGET_DIR
  BIN=$TARGET_DIR/release/jianbao
  SITE_TOML=$REPO/site.toml
  COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$REPO" status --porcelain -- src themes Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    COMMIT="$COMMIT + uncommitted changes in src/, themes/ or Cargo.* (BENCH_REV=HEAD measures the commit alone)"
  fi
fi
[[ -x $BIN ]] || die "no binary at $BIN after the build"

# ---- machine -----------------------------------------------------------
fs_of() { { findmnt -no FSTYPE,OPTIONS -T "$1" 2>/dev/null || df -T "$1" | awk 'NR==2{print $2}'; } | head -n1 | tr -s ' '; }
echo
echo "== machine"
echo "commit:   $COMMIT"
echo "cpu:      $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:   $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "work dir: $WORK — $(fs_of "$WORK")"
[[ -n $SHM ]] && echo "tmpfs:    $SHM — $(fs_of "$SHM")"
echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg)"

# Other compilers on a 2-core machine skew every figure: say so.
# (Each run also reports "others": CPU seconds the rest of the machine used
# while it ran; above a few tenths of a second the run was not alone.)
busy_warning() {
  local name count found=()
  for name in cargo rustc jianbao chromium wrk; do
    count=$(pgrep -c -x "$name" 2>/dev/null || true)
    [[ ${count:-0} -gt 0 ]] && found+=("$count $name")
  done
  if ((${#found[@]} > 0)); then
    echo "   !! also running: ${found[*]} — figures are skewed"
  fi
  echo "   load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- helpers -----------------------------------------------------------
# Busy CPU time of the whole machine so far, in clock ticks
# (user + nice + system + irq + softirq + steal; idle and iowait excluded).
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
TICKS_PER_SECOND=$(getconf CLK_TCK)

# Median of numbers given as arguments (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

# Field of /usr/bin/time -v output.
tv_field() { grep -F "$2" "$1" | head -n1 | awk -F': ' '{print $NF}'; }

# "h:mm:ss" or "m:ss.cc" → seconds.
to_seconds() { awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; printf "%.2f", s}' <<<"$1"; }

# Waits until jianbao's background removal of the previous output is done;
# prints the seconds it took.
wait_for_bg_rm() {
  local out=$1 start now
  local pattern
  pattern="$(dirname "$out")/.$(basename "$out").old-*"
  start=$(date +%s.%N)
  while compgen -G "$pattern" >/dev/null; do
    sleep 0.05
    now=$(date +%s.%N)
    if awk -v a="$start" -v b="$now" 'BEGIN{exit !(b-a>600)}'; then
      echo "bench: previous output still being removed after 600 s" >&2
      break
    fi
  done
  now=$(date +%s.%N)
  awk -v a="$start" -v b="$now" 'BEGIN{printf "%.2f", b-a}'
}

# One build under /usr/bin/time -v. Sets R_WALL R_RSS R_CPU R_OTHERS R_LOAD
# R_RENDER R_WRITE R_SUMMARY R_WARNINGS R_BGRM.
run_build() {
  local site=$1 out=$2 tag=$3
  local tv=$WORK/$tag.time log=$WORK/$tag.out err=$WORK/$tag.err
  local busy_before busy_after
  busy_before=$(busy_ticks)
  if ! "$TIME" -v -o "$tv" "$BIN" build --root "$site" --out "$out" >"$log" 2>"$err"; then
    echo "bench: jianbao build failed ($tag):" >&2
    tail -n 20 "$err" >&2
    exit 1
  fi
  R_WALL=$(to_seconds "$(tv_field "$tv" 'Elapsed (wall clock) time')")
  R_RSS=$(awk -v k="$(tv_field "$tv" 'Maximum resident set size')" 'BEGIN{printf "%.0f", k/1024}')
  R_CPU=$(awk -v u="$(tv_field "$tv" 'User time (seconds)')" -v s="$(tv_field "$tv" 'System time (seconds)')" \
    'BEGIN{printf "%.2f", u+s}')
  busy_after=$(busy_ticks)
  R_OTHERS=$(awk -v a="$busy_before" -v b="$busy_after" -v t="$TICKS_PER_SECOND" -v own="$R_CPU" \
    'BEGIN{o=(b-a)/t-own; if (o<0) o=0; printf "%.2f", o}')
  R_SUMMARY=$(grep -F '构建完成' "$log" | head -n1)
  # Three stage times: 读取/渲染并写出/替换 (since pages are written as they
  # render), or 读取/渲染/写出 in older commits measured with BENCH_REV.
  read -r R_LOAD R_RENDER R_WRITE < <(sed -n \
    -e 's/.*读取 \([0-9.]*\)，渲染并写出 \([0-9.]*\)，替换 \([0-9.]*\)）.*/\1 \2 \3/p' \
    -e 's/.*读取 \([0-9.]*\)，渲染 \([0-9.]*\)，写出 \([0-9.]*\)）.*/\1 \2 \3/p' <<<"$R_SUMMARY") || true
  : "${R_LOAD:=0}" "${R_RENDER:=0}" "${R_WRITE:=0}"
  R_WARNINGS=$(grep -c '警告：' "$err" || true)
  R_BGRM=$(wait_for_bg_rm "$out")
}

TABLE=()

# Warm-up plus measured runs of one archive into one output folder.
bench_case() {
  local n=$1 site=$2 out=$3 label=$4
  local walls=() rss=() cpus=() others=() loads=() renders=() writes=() bgrms=()
  echo
  echo "== $n reports · output on $label: $out"
  busy_warning
  run_build "$site" "$out" "n$n-$label-warmup"
  echo "warm-up: wall ${R_WALL} s, peak RSS ${R_RSS} MB, others ${R_OTHERS} s (not counted)"
  echo "   $R_SUMMARY"
  echo "   ($R_WARNINGS warnings on stderr; output $(du -sh "$out" | cut -f1), $(find "$out" -type f | wc -l) files)"
  if [[ -d $out/search ]]; then
    echo "   (search index: $out/search: $(du -sh "$out/search" | cut -f1), $(find "$out/search" -type f | wc -l) files)"
  fi
  local i
  for ((i = 1; i <= RUNS; i++)); do
    run_build "$site" "$out" "n$n-$label-$i"
    printf 'run %d: wall %6.2f s  peak RSS %6d MB  cpu (user+sys) %6.2f s  others %5.2f s  bg rm %5.2f s\n' \
      "$i" "$R_WALL" "$R_RSS" "$R_CPU" "$R_OTHERS" "$R_BGRM"
    echo "   $R_SUMMARY"
    walls+=("$R_WALL"); rss+=("$R_RSS"); cpus+=("$R_CPU"); others+=("$R_OTHERS")
    loads+=("$R_LOAD"); renders+=("$R_RENDER"); writes+=("$R_WRITE"); bgrms+=("$R_BGRM")
  done
  busy_warning
  local m_wall m_rss m_cpu m_others m_load m_render m_write m_bgrm
  m_wall=$(median "${walls[@]}"); m_rss=$(median "${rss[@]}"); m_cpu=$(median "${cpus[@]}")
  m_others=$(median "${others[@]}")
  m_load=$(median "${loads[@]}"); m_render=$(median "${renders[@]}"); m_write=$(median "${writes[@]}")
  m_bgrm=$(median "${bgrms[@]}")
  echo "median of $RUNS: wall $m_wall s, peak RSS $m_rss MB, cpu $m_cpu s, others $m_others s; 读取 $m_load 渲染 $m_render 写出 $m_write s; bg rm $m_bgrm s"
  TABLE+=("$(printf '%8s  %-8s %8.2f %8d %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f' \
    "$n" "$label" "$m_wall" "$m_rss" "$m_load" "$m_render" "$m_write" "$m_cpu" "$m_others" "$m_bgrm")")
}

# ---- 2 + 3. generate and measure ----------------------------------------
for n in $SIZES; do
  site=$WORK/n$n
  echo
  echo "== generating $n reports into $site/content"
  mkdir -p "$site"
  python3 "$GEN" "$site/content" "$n"
  cp "$SITE_TOML" "$site/site.toml"
  echo "   $(find "$site/content" -name '*.md' ! -name _issue.md | wc -l) reports, $(find "$site/content" -name _issue.md | wc -l) issues"

  bench_case "$n" "$site" "$site/public" "disk"
  if [[ -n $SHM ]]; then
    bench_case "$n" "$site" "$SHM/n$n/public" "tmpfs"
    rm -rf -- "$SHM/n$n"   # free the memory before the next size
  else
    echo "bench: /dev/shm is not writable here; skipping the tmpfs runs" >&2
  fi
done

# ---- 4. table ------------------------------------------------------------
echo
echo "== medians of $RUNS runs (seconds, MB); disk = $(fs_of "$WORK" | cut -d' ' -f1), tmpfs = /dev/shm"
printf '%8s  %-8s %8s %8s %8s %8s %8s %8s %8s %8s\n' \
  reports output wall-s rss-MB load-s render-s write-s cpu-s others-s bgrm-s
for row in "${TABLE[@]}"; do
  echo "$row"
done
echo "wall and rss-MB (peak RSS) from /usr/bin/time -v; load/render/write are jianbao's own three stage times,"
echo "读取/渲染并写出/替换 (pages are written while they render; 读取/渲染/写出 in older commits);"
echo "cpu = jianbao's user+sys; others = CPU the rest of the machine used during the run (0 on a quiet machine);"
echo "bgrm = background removal of the previous output (after jianbao exits, not in wall)"
