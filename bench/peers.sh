#!/usr/bin/env bash
# bench/peers.sh — jianbao side by side with Hugo (Debian package) plus
# Pagefind (npm package) on the same synthetic archives (issue 6).
#
#   bash bench/peers.sh            (from any folder; needs root or sudo only
#                                   to install missing Debian packages)
#
# For each archive size (gen_corpus.py from the shared folder, with the
# repository's site.toml beside content/; Hugo reads the same content/ with
# the minimal site in bench/peers/hugo) it measures and prints:
#   1. full build: wall time, peak RSS (/usr/bin/time -v), CPU, and the CPU
#      the rest of the machine used meanwhile ("others") for
#        jianbao build, jianbao build --no-search,
#        hugo, pagefind --site <hugo output>, and hugo + pagefind
#      (warm page cache; median of $BENCH_RUNS runs; outputs on the work disk;
#      Hugo writes into an emptied folder, as jianbao writes a new one);
#   2. index and output sizes on disk;
#   3. exact-result agreement with brute-force substring truth on the queries
#      in bench/peers/queries.txt (bench/peers/agree.py): jianbao through
#      `jianbao search --json`, Pagefind through pagefind.search() in
#      headless Chromium;
#   4. the static search page, cold, in headless Chromium
#      (bench/cold_search.mjs): jianbao's /search/?q= and a Pagefind page
#      (bench/peers/hugo/static/search/, Pagefind's JS API, ten results with
#      excerpts), both served by `python3 -m http.server`; bytes moved and
#      time to results (median of $BENCH_COLD_RUNS fresh browsers); then
#      jianbao's page alone, once, for every query of bench/peers/queries.txt
#      and 茶产业 (bytes moved do not vary from run to run);
#   5. jianbao serve's /api/search with wrk (Hugo and Pagefind have no
#      search server: nothing to compare), including new queries that match;
#   5b. `jianbao search` against `grep -rlF` on the same content/
#      (bench/cli.py), and the first query after a build;
#   6. preview rebuild after editing one report (bench/rebuild.sh) for
#      jianbao serve and hugo server;
# then the summary tables with the ratios jianbao/peer, in Markdown.
#
# Settings (environment):
#   SHARED_DIR      folder holding bench/gen_corpus.py (default <repo>/../shared)
#   BENCH_SIZES     archive sizes (default "1000 10000")
#   BENCH_RUNS      measured builds per case (default 3)
#   BENCH_COLD_RUNS cold browser runs per query and engine (default 3)
#   BENCH_SECONDS   wrk duration per run (default 10)
#   BENCH_EDITS     edits for the rebuild measure (default 10)
#   BENCH_WORK      parent of the work folder (default $TMPDIR or /tmp)
#   BENCH_KEEP=1    keep the work folder
#   BENCH_LOCK      a lock file: each timed phase (jianbao builds, Hugo and
#                   Pagefind builds, static page, wrk, each rebuild) runs holding
#                   flock on it (e.g. a lock that compiles on the machine take too)
#   JIANBAO_BIN     a jianbao binary to measure instead of `cargo build --release`
#   BENCH_SKIP      words of steps to skip: build size agree page server cli rebuild
set -euo pipefail
export LC_ALL=C.UTF-8

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=$REPO/bench/peers
SHARED_DIR=${SHARED_DIR:-$REPO/../shared}
SIZES=${BENCH_SIZES:-"1000 10000"}
RUNS=${BENCH_RUNS:-3}
COLD_RUNS=${BENCH_COLD_RUNS:-3}
SECONDS_WRK=${BENCH_SECONDS:-10}
EDITS=${BENCH_EDITS:-10}
LOCK=${BENCH_LOCK:-}
SKIP=" ${BENCH_SKIP:-} "
# The static page queries of bench/search.sh.
PAGE_QUERIES=(代表联络站 票决 营商环境 北关区 专业小组 人大代表 "代表 站点" 乡村振兴 表联络 2023年 茶产业)
# Every query of the agreement set, and the frequent-pair kind, for the
# page's bytes (jianbao alone).
mapfile -t ALL_QUERIES < <(grep -v '^#' "$PEERS/queries.txt" | grep -v '^$'; echo 茶产业)

die() { echo "peers: $*" >&2; exit 1; }
skip() { [[ $SKIP == *" $1 "* ]]; }

# ---- prerequisites -------------------------------------------------------
APT_UPDATED=0
apt_install() {
  local sudo=""
  if [[ $(id -u) != 0 ]]; then
    command -v sudo >/dev/null || die "the Debian package $1 is missing and there is no sudo: apt-get install $1"
    sudo=sudo
  fi
  if ((APT_UPDATED == 0)); then $sudo apt-get update -qq; APT_UPDATED=1; fi
  $sudo apt-get install -y -qq "$@" >/dev/null
}
# need COMMAND PACKAGE: installs the Debian package when the command is missing.
need() {
  if ! command -v "$1" >/dev/null; then
    echo "peers: $1 is missing: installing the Debian package '$2' (apt-get install $2)"
    apt_install "$2"
    command -v "$1" >/dev/null || die "$1 still missing after installing $2"
  fi
}
need /usr/bin/time time
need hugo hugo
need wrk wrk
need python3 python3
need node nodejs
need npm npm
need flock util-linux
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then need chromium chromium; CHROMIUM=$(command -v chromium); fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&b>=10)?0:1)' ||
  die "Node.js $(node --version) is too old: the browser scripts need 20.10 or newer (WebSocket)"
[[ -f $SHARED_DIR/bench/gen_corpus.py ]] || die "no generator at $SHARED_DIR/bench/gen_corpus.py (set SHARED_DIR)"
SHARED_DIR=$(cd "$SHARED_DIR" && pwd)

echo "== npm ci in $PEERS (Pagefind as pinned in package-lock.json)"
(cd "$PEERS" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
PAGEFIND=$PEERS/node_modules/.bin/pagefind
[[ -x $PAGEFIND ]] || die "npm ci did not install pagefind"

# ---- work folder, lock, helpers -------------------------------------------
WORK=$(mktemp -d "${BENCH_WORK:-${TMPDIR:-/tmp}}/jianbao-peers.XXXXXX")
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  if [[ ${BENCH_KEEP:-0} = 1 ]]; then echo "peers: kept $WORK"; else rm -rf -- "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The lock is taken on fd 9 (so that "others" counts only time after it is
# held) for a whole timed phase; nested lock/unlock pairs inside it are no-ops.
LOCK_DEPTH=0
lock() {
  [[ -n $LOCK ]] || return 0
  if ((LOCK_DEPTH++ == 0)); then exec 9>>"$LOCK"; flock 9; fi
}
unlock() {
  [[ -n $LOCK ]] || return 0
  if ((--LOCK_DEPTH == 0)); then flock -u 9; exec 9>&-; fi
}

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
TICKS=$(getconf CLK_TCK)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
tv_field() { grep -F "$2" "$1" | head -n1 | awk -F': ' '{print $NF}'; }
to_seconds() { awk -F: '{s=0; for(i=1;i<=NF;i++) s=s*60+$i; printf "%.2f", s}' <<<"$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b+0 == 0) print "–"; else printf "%.2f", a/b }'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
mb() { awk -v b="$1" 'BEGIN{printf "%.1f", b/1048576}'; }

# measure TAG COMMAND...: one timed run, holding the lock. Sets M_WALL (s),
# M_RSS (MB), M_CPU (s, user+sys), M_OTHERS (s of CPU the rest of the machine used).
measure() {
  local tag=$1; shift
  local tv=$WORK/$tag.time before after
  lock
  before=$(busy_ticks)
  if ! /usr/bin/time -v -o "$tv" "$@" >"$WORK/$tag.out" 2>"$WORK/$tag.err"; then
    unlock
    echo "peers: failed ($tag): $*" >&2; tail -n 20 "$WORK/$tag.err" >&2; exit 1
  fi
  after=$(busy_ticks)
  unlock
  M_WALL=$(to_seconds "$(tv_field "$tv" 'Elapsed (wall clock) time')")
  M_RSS=$(awk -v k="$(tv_field "$tv" 'Maximum resident set size')" 'BEGIN{printf "%.0f", k/1024}')
  M_CPU=$(awk -v u="$(tv_field "$tv" 'User time (seconds)')" -v s="$(tv_field "$tv" 'System time (seconds)')" 'BEGIN{printf "%.2f", u+s}')
  M_OTHERS=$(awk -v a="$before" -v b="$after" -v t="$TICKS" -v own="$M_CPU" 'BEGIN{o=(b-a)/t-own; if (o<0) o=0; printf "%.2f", o}')
}

# jianbao leaves deleting the previous output to a background rm: wait for it.
wait_for_bg_rm() {
  local out=$1 pattern i
  pattern="$(dirname "$out")/.$(basename "$out").old-*"
  for ((i = 0; i < 12000; i++)); do compgen -G "$pattern" >/dev/null || return 0; sleep 0.05; done
}

# ---- jianbao binary --------------------------------------------------------
if [[ -n ${JIANBAO_BIN:-} ]]; then
  cp "$JIANBAO_BIN" "$WORK/jianbao"
  COMMIT="binary $JIANBAO_BIN (HEAD $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown))"
else
  echo "== cargo build --release (in $REPO)"
  lock
  (cd "$REPO" && cargo build --release --quiet)
  unlock
  cp "${CARGO_TARGET_DIR:-$REPO/target}/release/jianbao" "$WORK/jianbao"
  COMMIT=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [[ -n $(git -C "$REPO" status --porcelain -- src themes Cargo.toml Cargo.lock 2>/dev/null) ]]; then
    COMMIT="$COMMIT + uncommitted changes in src/, themes/ or Cargo.*"
  fi
fi
JB=$WORK/jianbao   # a copy: a rebuild of target/ cannot swap it mid-run

# ---- machine -----------------------------------------------------------------
fs_of() { findmnt -no FSTYPE,OPTIONS -T "$1" 2>/dev/null | head -n1 | cut -c1-60; }
HUGO_VERSION=$(hugo version | awk '{print $2}')
PAGEFIND_VERSION=$("$PAGEFIND" --version 2>/dev/null | awk '{print $NF}')
echo
echo "== machine"
echo "date:      $(date -u '+%F %H:%M UTC')"
echo "jianbao:   $COMMIT"
echo "hugo:      $HUGO_VERSION ($(dpkg-query -W -f='${Version}' hugo 2>/dev/null || echo 'not from dpkg'))"
echo "pagefind:  $PAGEFIND_VERSION (npm)"
echo "chromium:  $("$CHROMIUM" --version 2>/dev/null | head -n1)"
echo "node:      $(node --version); wrk: $(wrk -v 2>&1 | head -n1 | awk '{print $2}')"
echo "cpu:       $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory:    $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo)"
echo "work dir:  $WORK — $(fs_of "$WORK")"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg)"
echo "lock:      ${LOCK:-none (set BENCH_LOCK to hold a lock during each timed step)}"

declare -A R   # results, keyed "size:name"

for N in $SIZES; do
  SITE=$WORK/n$N
  JOUT=$SITE/jianbao-out
  JOUT_NS=$SITE/jianbao-out-nosearch
  HOUT=$SITE/hugo-out
  echo
  echo "######## $N reports"
  mkdir -p "$SITE"
  python3 "$SHARED_DIR/bench/gen_corpus.py" "$SITE/content" "$N"
  cp "$REPO/site.toml" "$SITE/site.toml"
  echo "   $(find "$SITE/content" -name '*.md' ! -name _issue.md | wc -l) reports, $(find "$SITE/content" -name _issue.md | wc -l) issues in $SITE/content"

  # ---- 1. builds -------------------------------------------------------------
  if ! skip build || ! skip size || ! skip agree || ! skip page; then
    echo
    echo "== 1. full builds (median of $RUNS rounds; warm page cache; output on the work disk)"
    echo "   Each round runs jianbao, jianbao --no-search, Hugo and Pagefind one after the other, so"
    echo "   that this machine's drift in speed from minute to minute touches every engine alike;"
    echo "   ÷ Hugo is also given per round (jianbao's wall over Hugo's just after it)."
    lock
    measure "n$N-jianbao-warmup" "$JB" build --root "$SITE" --out "$JOUT"
    wait_for_bg_rm "$JOUT"
    measure "n$N-jianbao-nosearch-warmup" "$JB" build --root "$SITE" --out "$JOUT_NS" --no-search
    wait_for_bg_rm "$JOUT_NS"
    rm -rf "$HOUT"
    measure "n$N-hugo-warmup" hugo --source "$PEERS/hugo" --contentDir "$SITE/content" --destination "$HOUT" --quiet
    declare -A W=()   # per engine: "wall rss cpu others" of every round, one per line
    pairs=()
    row() { printf '   %-18s run %d: wall %7.2f s  peak RSS %6d MB  cpu %7.2f s  others %5.2f s\n' "$1" "$2" "$M_WALL" "$M_RSS" "$M_CPU" "$M_OTHERS"; W[$1]+="$M_WALL $M_RSS $M_CPU $M_OTHERS"$'\n'; }
    for ((i = 1; i <= RUNS; i++)); do
      if ! skip build; then
        measure "n$N-jianbao-$i" "$JB" build --root "$SITE" --out "$JOUT"
        wait_for_bg_rm "$JOUT"
        row jianbao "$i"; j_wall=$M_WALL
        measure "n$N-jianbao-nosearch-$i" "$JB" build --root "$SITE" --out "$JOUT_NS" --no-search
        wait_for_bg_rm "$JOUT_NS"
        row jianbao-nosearch "$i"
      fi
      rm -rf "$HOUT"
      measure "n$N-hugo-$i" hugo --source "$PEERS/hugo" --contentDir "$SITE/content" --destination "$HOUT" --quiet
      row hugo "$i"; h_wall=$M_WALL; h_rss=$M_RSS; h_cpu=$M_CPU
      measure "n$N-pagefind-$i" "$PAGEFIND" --site "$HOUT"
      row pagefind "$i"
      M_WALL=$(awk -v a="$h_wall" -v b="$M_WALL" 'BEGIN{printf "%.2f", a+b}')
      M_RSS=$((h_rss > M_RSS ? h_rss : M_RSS))
      M_CPU=$(awk -v a="$h_cpu" -v b="$M_CPU" 'BEGIN{printf "%.2f", a+b}')
      M_OTHERS=0
      W[both]+="$M_WALL $M_RSS $M_CPU $M_OTHERS"$'\n'
      if skip build; then break; fi
      pairs+=("$(ratio "$j_wall" "$h_wall")")
      echo "   round $i: jianbao ÷ Hugo ${pairs[-1]}"
    done
    unlock
    rm -rf "$JOUT_NS"
    for name in jianbao jianbao-nosearch hugo pagefind both; do
      [[ -n ${W[$name]:-} ]] || continue
      col() { awk -v c="$1" 'NF{print $c}' <<<"${W[$name]}"; }
      R[$N:$name.wall]=$(median $(col 1)); R[$N:$name.rss]=$(median $(col 2))
      R[$N:$name.cpu]=$(median $(col 3)); [[ $name = both ]] || R[$N:$name.others]=$(median $(col 4))
    done
    ((${#pairs[@]})) && R[$N:pair.ratio]=$(median "${pairs[@]}")
    echo "   $(grep -F '构建完成' "$WORK/n$N-jianbao-warmup.out" | head -n1)"
    echo "   pagefind: $(grep -E 'Indexed [0-9]+ pages' "$WORK/n$N-pagefind-1.out" | sed 's/^ *//')"
    echo "   hugo: $(find "$HOUT" -name '*.html' ! -path '*/pagefind/*' | wc -l) HTML pages; jianbao: $(find "$JOUT" -name '*.html' | wc -l) HTML pages"
  fi

  # ---- 2. sizes ----------------------------------------------------------------
  if [[ -d $JOUT/search && -d $HOUT/pagefind ]]; then
    R[$N:jb.index]=$(du -sb "$JOUT/search" | cut -f1); R[$N:jb.index.files]=$(find "$JOUT/search" -type f | wc -l)
    R[$N:pf.index]=$(du -sb "$HOUT/pagefind" | cut -f1); R[$N:pf.index.files]=$(find "$HOUT/pagefind" -type f | wc -l)
    R[$N:jb.all]=$(du -sb "$JOUT" | cut -f1); R[$N:jb.all.files]=$(find "$JOUT" -type f | wc -l)
    R[$N:hugo.all]=$(du -sb "$HOUT" | cut -f1); R[$N:hugo.all.files]=$(find "$HOUT" -type f | wc -l)
    echo
    echo "== 2. on disk (du -sb)"
    echo "   jianbao search/:   $(mb "${R[$N:jb.index]}") MB in ${R[$N:jb.index.files]} files; whole site $(mb "${R[$N:jb.all]}") MB in ${R[$N:jb.all.files]} files"
    echo "   Pagefind pagefind/: $(mb "${R[$N:pf.index]}") MB in ${R[$N:pf.index.files]} files; Hugo site with it $(mb "${R[$N:hugo.all]}") MB in ${R[$N:hugo.all.files]} files"
  fi

  # Both sites served as plain static files.
  JPORT=$(free_port); HPORT=$(free_port)
  python3 -m http.server "$JPORT" --bind 127.0.0.1 --directory "$JOUT" >/dev/null 2>&1 & PIDS+=($!)
  python3 -m http.server "$HPORT" --bind 127.0.0.1 --directory "$HOUT" >/dev/null 2>&1 & PIDS+=($!)
  sleep 1

  # ---- 3. agreement ----------------------------------------------------------
  if ! skip agree; then
    echo
    echo "== 3. agreement with brute-force substring truth (bench/peers/queries.txt)"
    python3 "$PEERS/agree.py" harness "$PEERS/queries.txt" >"$HOUT/__agree__.html"
    node --experimental-websocket --no-warnings "$PEERS/browser_eval.mjs" "$CHROMIUM" \
      "http://127.0.0.1:$HPORT/__agree__.html" 900 >"$WORK/n$N-pagefind-results.json"
    python3 "$PEERS/agree.py" compare --site "$SITE" --queries "$PEERS/queries.txt" --jianbao "$JB" \
      --jianbao-out "$JOUT" --pagefind-json "$WORK/n$N-pagefind-results.json" --pagefind-dir "$HOUT/pagefind" |
      tee "$WORK/n$N-agree.txt" | grep -v '^AGREE' | sed 's/^/   /'
    while read -r _ name exact total recall precision; do
      R[$N:$name.exact]="$exact/$total"; R[$N:$name.recall]=$recall; R[$N:$name.precision]=$precision
    done < <(grep '^AGREE' "$WORK/n$N-agree.txt")
    rm -f "$HOUT/__agree__.html"
  fi

  # ---- 4. static page, cold --------------------------------------------------
  if ! skip page; then
    echo
    echo "== 4. static search page, cold headless Chromium, python3 -m http.server (median of $COLD_RUNS for ms)"
    printf '   %-12s | %8s %8s %5s %7s | %8s %8s %5s %7s | %6s %6s\n' query jb-found jb-KB jb-rq jb-ms pf-found pf-KB pf-rq pf-ms KB÷ ms÷
    lock
    for q in "${PAGE_QUERIES[@]}"; do
      declare -A one=()
      for engine in jianbao pagefind; do
        port=$JPORT; [[ $engine = pagefind ]] && port=$HPORT
        kbs=(); mss=(); rqs=(); found=""
        for ((i = 1; i <= COLD_RUNS; i++)); do
          lock
          json=$(node --experimental-websocket --no-warnings "$REPO/bench/cold_search.mjs" "$CHROMIUM" "http://127.0.0.1:$port" "$q" || true)
          unlock
          read -r kb ms rq found < <(python3 -c '
import json, re, sys
r = json.loads(sys.argv[1])
if "error" in r: print("0 0 0 error")
else:
    m = re.search(r"(\d[\d,]*)", r["status"])
    print("%.1f %.0f %d %s" % (r["bytes"] / 1024, r["ms"], r["requests"], m.group(1).replace(",", "") if m else "?"))' "$json")
          kbs+=("$kb"); mss+=("$ms"); rqs+=("$rq")
        done
        one[$engine.kb]=$(median "${kbs[@]}"); one[$engine.ms]=$(median "${mss[@]}"); one[$engine.rq]=$(median "${rqs[@]}"); one[$engine.found]=$found
      done
      printf '   %-12s | %8s %8s %5s %7s | %8s %8s %5s %7s | %6s %6s\n' "$q" \
        "${one[jianbao.found]}" "${one[jianbao.kb]}" "${one[jianbao.rq]}" "${one[jianbao.ms]}" \
        "${one[pagefind.found]}" "${one[pagefind.kb]}" "${one[pagefind.rq]}" "${one[pagefind.ms]}" \
        "$(ratio "${one[jianbao.kb]}" "${one[pagefind.kb]}")" "$(ratio "${one[jianbao.ms]}" "${one[pagefind.ms]}")"
      R[$N:page.$q]="${one[jianbao.found]} ${one[jianbao.kb]} ${one[jianbao.ms]} ${one[pagefind.found]} ${one[pagefind.kb]} ${one[pagefind.ms]}"
      unset one
    done
    unlock
    echo "   KB: bytes on the wire for the page, its scripts and every index piece (and Pagefind's worker's),"
    echo "   fresh profile; ms: the page's performance.now() when ten results are in the DOM; ÷ = jianbao/Pagefind"
    echo
    echo "   jianbao's page alone, every query of bench/peers/queries.txt and 茶产业 (one cold run each):"
    max_kb=0; over=0; worst=""
    lock
    for q in "${ALL_QUERIES[@]}"; do
      json=$(node --experimental-websocket --no-warnings "$REPO/bench/cold_search.mjs" "$CHROMIUM" "http://127.0.0.1:$JPORT" "$q" || true)
      read -r kb rq < <(python3 -c '
import json, sys
r = json.loads(sys.argv[1])
print("error 0" if "error" in r else "%.1f %d" % (r["bytes"] / 1024, r["requests"]))' "$json")
      printf '   %-26s %8s KB %4s requests\n' "$q" "$kb" "$rq"
      if [[ $kb = error ]]; then over=$((over + 1)); worst="$q (did not finish)"; continue; fi
      if awk -v a="$kb" -v b="$max_kb" 'BEGIN{exit !(a > b)}'; then max_kb=$kb; worst=$q; fi
      if awk -v a="$kb" 'BEGIN{exit !(a > 150)}'; then over=$((over + 1)); fi
    done
    unlock
    R[$N:page.max]="$max_kb $over ${#ALL_QUERIES[@]} $worst"
    echo "   largest: $max_kb KB ($worst); above 150 KB: $over of ${#ALL_QUERIES[@]}"
  fi
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  PIDS=()

  # ---- 5. server ------------------------------------------------------------
  if ! skip server; then
    echo
    echo "== 5. jianbao serve, GET /api/search, wrk over loopback ($SECONDS_WRK s each; Hugo and Pagefind have no search server)"
    SPORT=$(free_port)
    "$JB" serve --root "$SITE" --out "$SITE/jianbao-serve" --port "$SPORT" >"$WORK/n$N-serve.log" 2>&1 & PIDS+=($!)
    for ((i = 0; i < 3000; i++)); do grep -q "网站已就绪" "$WORK/n$N-serve.log" 2>/dev/null && break; sleep 0.2; done
    grep -q "网站已就绪" "$WORK/n$N-serve.log" || { tail "$WORK/n$N-serve.log"; die "jianbao serve did not start"; }
    LUA=$WORK/queries.lua
    {
      echo 'local queries = {'
      for q in "${PAGE_QUERIES[@]}"; do
        printf '  "%s",\n' "$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")"
      done
      echo '}'
      echo 'local i = 0'
      echo 'request = function() i = i + 1; return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1]) end'
    } >"$LUA"
    # Every query new: a number as a second term defeats the answer cache.
    sed 's|queries\[(i % #queries) + 1\])|queries[(i % #queries) + 1] .. "+" .. i)|' "$LUA" >"$WORK/uncached.lua"
    # Every query new and matching: ordered pairs of 40 common words (1,560
    # queries, more than the answer cache holds, asked in a cycle).
    python3 - "$WORK/pairs.lua" <<'PY'
import itertools, sys, urllib.parse
words = ("代表 联络站 人大 建议 履职 群众 乡村振兴 营商环境 票决 专业小组 监督 民生实事 议案 调研 "
         "视察 选民 接待 乡镇 街道 督办 办理 环境 教育 医疗 养老 交通 农业 产业 文化 安全 法治 立法 "
         "基层 服务 平台 机制 制度 工作 活动 代表之家").split()
queries = [a + " " + b for a, b in itertools.permutations(words, 2)]
with open(sys.argv[1], "w") as f:
    f.write("local queries = {\n" + "".join('  "%s",\n' % urllib.parse.quote(q) for q in queries) + "}\nlocal i = 0\n")
    f.write('request = function() i = i + 1; return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1]) end\n')
PY
    printf '   %-34s %9s %9s %9s %10s %7s\n' load p50 p90 p99 "req/s" errors
    lock
    for spec in "1 cached $LUA" "64 cached $LUA" "1 new $WORK/uncached.lua" "64 new $WORK/uncached.lua" "1 matching $WORK/pairs.lua" "64 matching $WORK/pairs.lua"; do
      read -r conns kind script <<<"$spec"
      threads=1; ((conns > 1)) && threads=2
      lock
      wrk -t"$threads" -c"$conns" -d"${SECONDS_WRK}s" --latency -s "$script" "http://127.0.0.1:$SPORT" >"$WORK/wrk.txt" 2>&1 || true
      unlock
      p50=$(awk '$1=="50%"{print $2}' "$WORK/wrk.txt"); p90=$(awk '$1=="90%"{print $2}' "$WORK/wrk.txt")
      p99=$(awk '$1=="99%"{print $2}' "$WORK/wrk.txt"); rps=$(awk '/Requests\/sec/{printf "%.0f", $2}' "$WORK/wrk.txt")
      errs=$(grep -E 'Non-2xx|Socket errors' "$WORK/wrk.txt" | tr -s ' ' | tr '\n' ';' || true)
      case $kind in cached) what='10 queries repeating' ;; new) what='every query new' ;; *) what='every query new and matching' ;; esac
      label="$conns conn, $what"
      printf '   %-34s %9s %9s %9s %10s %7s\n' "$label" "$p50" "$p90" "$p99" "$rps" "${errs:-0}"
      R[$N:wrk.$conns.$kind]="$p50 $p90 $p99 $rps"
    done
    unlock
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    PIDS=()
  fi

  # ---- 5b. command line against grep -------------------------------------------
  if ! skip cli; then
    echo
    echo "== 5b. jianbao search against grep -rlF on the same content/ (bench/cli.py, median of 7 each, alternating)"
    lock
    python3 "$REPO/bench/cli.py" --bin "$JB" --site "$SITE" --out "$JOUT" --queries "$PEERS/queries.txt" --query 茶产业 --first | tee "$WORK/n$N-cli.txt" | grep -v '^CLI'
    unlock
    read -r _ n med max jbms grepms first < <(grep '^CLI' "$WORK/n$N-cli.txt")
    R[$N:cli]="$n $med $max $jbms $grepms $first"
    echo "   jianbao ÷ grep: median $med, largest $max ($n queries); first query after a build: $first ms"
  fi

  # ---- 6. rebuild after one edit --------------------------------------------
  if ! skip rebuild; then
    echo
    echo "== 6. preview rebuild after editing one report (bench/rebuild.sh, $EDITS edits)"
    for engine in jianbao hugo; do
      lock
      JIANBAO_BIN=$JB BENCH_EDITS=$EDITS BENCH_WORK=$WORK bash "$REPO/bench/rebuild.sh" "$engine" "$SITE" | tee "$WORK/n$N-rebuild-$engine.txt" | sed 's/^/   /'
      unlock
      read -r _ _ med lo hi start < <(grep '^REBUILD' "$WORK/n$N-rebuild-$engine.txt")
      R[$N:rebuild.$engine]="$med $lo $hi $start"
    done
  fi
  rm -rf "$JOUT" "$HOUT" "$SITE/jianbao-serve"
done

# ---- summary ---------------------------------------------------------------------
echo
echo "######## summary (Markdown; ratios are jianbao ÷ peer, below 1 means jianbao is smaller or faster)"
echo
echo "jianbao $COMMIT; Hugo $HUGO_VERSION; Pagefind $PAGEFIND_VERSION; $(nproc) cores, $(awk '/MemTotal/{printf "%.1f GB", $2/1048576}' /proc/meminfo); $(date -u +%F)"
if [[ -n ${R[$(set -- $SIZES; echo "$1"):hugo.wall]:-} ]]; then
  echo
  echo "### Full build (median of $RUNS rounds, engines alternating; wall s / peak RSS MB / CPU s / others s)"
  echo
  echo "| reports | jianbao build | Hugo + Pagefind | ratio wall / RSS | jianbao --no-search | Hugo | ratio wall / RSS | jianbao build ÷ Hugo, wall / RSS | Pagefind alone |"
  echo "|---:|---|---|---|---|---|---|---|---|"
  for N in $SIZES; do
    [[ -n ${R[$N:hugo.wall]:-} ]] || continue
    f() { echo "${R[$N:$1.wall]:-–} s / ${R[$N:$1.rss]:-–} MB / ${R[$N:$1.cpu]:-–} s${R[$N:$1.others]:+ / ${R[$N:$1.others]} s}"; }
    echo "| $N | $(f jianbao) | $(f both) | $(ratio "${R[$N:jianbao.wall]:-0}" "${R[$N:both.wall]}") / $(ratio "${R[$N:jianbao.rss]:-0}" "${R[$N:both.rss]}") | $(f jianbao-nosearch) | $(f hugo) | $(ratio "${R[$N:jianbao-nosearch.wall]:-0}" "${R[$N:hugo.wall]}") / $(ratio "${R[$N:jianbao-nosearch.rss]:-0}" "${R[$N:hugo.rss]}") | **$(ratio "${R[$N:jianbao.wall]:-0}" "${R[$N:hugo.wall]}")** / $(ratio "${R[$N:jianbao.rss]:-0}" "${R[$N:hugo.rss]}") (per round: ${R[$N:pair.ratio]:-–}) | $(f pagefind) |"
  done
fi
echo
echo "### Index size on disk"
echo
echo "| reports | jianbao search/ | Pagefind pagefind/ | ratio | jianbao whole site | Hugo site with Pagefind |"
echo "|---:|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  [[ -n ${R[$N:jb.index]:-} ]] || continue
  echo "| $N | $(mb "${R[$N:jb.index]}") MB, ${R[$N:jb.index.files]} files | $(mb "${R[$N:pf.index]}") MB, ${R[$N:pf.index.files]} files | $(ratio "${R[$N:jb.index]}" "${R[$N:pf.index]}") | $(mb "${R[$N:jb.all]}") MB, ${R[$N:jb.all.files]} files | $(mb "${R[$N:hugo.all]}") MB, ${R[$N:hugo.all.files]} files |"
done
echo
echo "### Agreement with substring truth ($(grep -vc '^#' "$PEERS/queries.txt") queries, bench/peers/queries.txt)"
echo
echo "| reports | jianbao exact | recall | precision | Pagefind exact | recall | precision |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  [[ -n ${R[$N:jianbao.exact]:-} ]] || continue
  echo "| $N | ${R[$N:jianbao.exact]} | ${R[$N:jianbao.recall]} | ${R[$N:jianbao.precision]} | ${R[$N:pagefind.exact]} | ${R[$N:pagefind.recall]} | ${R[$N:pagefind.precision]} |"
done
echo
echo "### Static search page, cold Chromium (KB moved, ms to ten results; median of $COLD_RUNS)"
echo
echo "| reports | query | jianbao found | KB | ms | Pagefind found | KB | ms | ratio KB | ratio ms |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  for q in "${PAGE_QUERIES[@]}"; do
    [[ -n ${R[$N:page.$q]:-} ]] || continue
    read -r jf jk jm pf pk pm <<<"${R[$N:page.$q]}"
    echo "| $N | $q | $jf | $jk | $jm | $pf | $pk | $pm | $(ratio "$jk" "$pk") | $(ratio "$jm" "$pm") |"
  done
done
echo
echo "jianbao's page alone over every query of bench/peers/queries.txt and 茶产业:"
echo
echo "| reports | queries | largest KB moved (query) | above 150 KB |"
echo "|---:|---:|---|---:|"
for N in $SIZES; do
  [[ -n ${R[$N:page.max]:-} ]] || continue
  read -r kb over total worst <<<"${R[$N:page.max]}"
  echo "| $N | $total | $kb ($worst) | $over |"
done
echo
echo "### jianbao search ÷ grep -rlF (same content/, median of 7 runs each)"
echo
echo "| reports | queries | ratio, median | ratio, largest | jianbao ms (median) | grep ms (median) | first query after a build, ms |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  [[ -n ${R[$N:cli]:-} ]] || continue
  read -r n med max jbms grepms first <<<"${R[$N:cli]}"
  echo "| $N | $n | **$med** | $max | $jbms | $grepms | $first |"
done
echo
echo "### jianbao serve /api/search (wrk; the peers have no search server)"
echo
echo "| reports | load | p50 | p90 | p99 | requests/s |"
echo "|---:|---|---:|---:|---:|---:|"
for N in $SIZES; do
  for key in 1.cached 64.cached 1.new 64.new 1.matching 64.matching; do
    [[ -n ${R[$N:wrk.$key]:-} ]] || continue
    read -r a b c d <<<"${R[$N:wrk.$key]}"
    case $key in *cached) what='10 queries repeating' ;; *.new) what='every query new' ;; *) what='every query new and matching' ;; esac
    echo "| $N | ${key%%.*} connection(s), $what | $a | $b | $c | $d |"
  done
done
echo
echo "### Preview rebuild after editing one report (ms from save to the page served with the new text; median of $EDITS)"
echo
echo "| reports | jianbao serve median (min–max) | hugo server median (min–max) | ratio | first build + start: jianbao / Hugo |"
echo "|---:|---:|---:|---:|---:|"
for N in $SIZES; do
  [[ -n ${R[$N:rebuild.jianbao]:-} && -n ${R[$N:rebuild.hugo]:-} ]] || continue
  read -r jm jl jh js <<<"${R[$N:rebuild.jianbao]}"; read -r hm hl hh hs <<<"${R[$N:rebuild.hugo]}"
  echo "| $N | $jm ($jl–$jh) | $hm ($hl–$hh) | $(ratio "$jm" "$hm") | $js s / $hs s |"
done
