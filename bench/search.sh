#!/usr/bin/env bash
# bench/search.sh — the search figures (issues 3 and 15) on a synthetic
# archive (default 10,000 reports from ../shared/bench/gen_corpus.py):
#   1. what the search index adds to a full build (with vs --no-search)
#   2. the static index's size on disk and file count
#   3. `jianbao search` against `grep -rlF` on the same content, and the
#      first query after a build (bench/cli.py): the ratio jianbao ÷ grep
#   4. the server: /api/search latency (one connection: p50/p99 per query)
#      and throughput (wrk, 64 connections) over loopback
#   5. the static page /search/?q=… in headless Chromium with a cold cache,
#      served by a plain static file server: bytes transferred and time
#      from navigation to results shown, for every query of
#      bench/peers/queries.txt and 茶产业
#
#   bash bench/search.sh            (from any folder)
#
# Settings (environment): SHARED_DIR (default <repo>/../shared),
# BENCH_N (default 10000), BENCH_RUNS (default 3), BENCH_WORK (default /tmp),
# BENCH_SECONDS wrk duration (default 15), JIANBAO_BIN (a binary to measure
# instead of `cargo build --release`).
# CPU-heavy: run it alone, e.g. `flock /tmp/jianbao-cargo.lock bash bench/search.sh`.
set -euo pipefail
export LC_ALL=C.UTF-8

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$REPO/../shared}
N=${BENCH_N:-10000}
RUNS=${BENCH_RUNS:-3}
SECONDS_WRK=${BENCH_SECONDS:-15}
QUERIES=(代表联络站 票决 营商环境 北关区 专业小组 人大代表 "代表 站点" 乡村振兴 表联络 2023年)

for tool in wrk python3 node /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk time python3)" >&2; exit 1; }
done
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || { echo "bench: chromium is missing (apt-get install chromium)" >&2; exit 1; }

if [ -n "${JIANBAO_BIN:-}" ]; then
  BIN=$JIANBAO_BIN
else
  (cd "$REPO" && cargo build --release --quiet)
  BIN=$REPO/target/release/jianbao
fi
WORK=$(mktemp -d "${BENCH_WORK:-/tmp}/jianbao-search-bench.XXXXXX")
SERVER_PID=""; HOST_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "$HOST_PID" ] && kill "$HOST_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

SITE=$WORK/site
mkdir -p "$SITE"
python3 "$SHARED_DIR/bench/gen_corpus.py" "$SITE/content" "$N"
cp "$REPO/site.toml" "$SITE/"
echo "# jianbao search benchmark: $N reports, $(nproc) cores, $(date -u +%F), commit $(git -C "$REPO" rev-parse --short HEAD)"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo
echo "## 1. Full build with and without the search index (wall s, median of $RUNS; output on the work disk)"
for mode in with without; do
  flag=""; [ "$mode" = without ] && flag=--no-search
  "$BIN" build --root "$SITE" --out "$WORK/out-$mode" $flag >/dev/null 2>&1   # warm-up
  times=(); rss=()
  for _ in $(seq "$RUNS"); do
    sleep 3   # let the background removal of the previous output finish
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$BIN" build --root "$SITE" --out "$WORK/out-$mode" $flag >/dev/null 2>&1
    read -r wall kb < "$WORK/time"
    times+=("$wall"); rss+=("$kb")
  done
  printf '%-8s search index: wall %s s, peak RSS %s MB\n' "$mode" \
    "$(printf '%s\n' "${times[@]}" | median)" "$(( $(printf '%s\n' "${rss[@]}" | median | cut -d. -f1) / 1024 ))"
done

OUT=$WORK/out-with
echo
echo "## 2. Static index on disk"
echo "search/: $(du -sb "$OUT/search" | cut -f1 | awk '{printf "%.1f MB", $1/1048576}') in $(find "$OUT/search" -type f | wc -l) files"
for part in u b l r p k text; do
  printf '  %-5s %8.1f MB\n' "$part" "$(du -sb "$OUT/search/$part" | cut -f1 | awk '{print $1/1048576}')"
done

echo
echo "## 3. Command line: jianbao search against grep -rlF (median of 7 runs each, alternating)"
python3 "$REPO/bench/cli.py" --bin "$BIN" --site "$SITE" --out "$OUT" --queries "$REPO/bench/peers/queries.txt" --query 茶产业 --first | tee "$WORK/cli.txt"
read -r _ n med max jbms grepms first < <(grep '^CLI' "$WORK/cli.txt")
echo "jianbao ÷ grep: median $med, largest $max over $n queries (jianbao $jbms ms, grep $grepms ms median); first query after a build $first ms"

echo
echo "## 4. Server: jianbao serve, GET /api/search over loopback"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --root "$SITE" --out "$WORK/out-serve" --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 600); do grep -q "网站已就绪" "$WORK/serve.log" 2>/dev/null && break; sleep 0.2; done
grep -q "网站已就绪" "$WORK/serve.log" || { cat "$WORK/serve.log"; exit 1; }
LUA=$WORK/queries.lua
{
  echo 'local queries = {'
  for q in "${QUERIES[@]}"; do
    printf '  "%s",\n' "$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$q")"
  done
  echo '}'
  echo 'local i = 0'
  echo 'request = function() i = i + 1; return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1]) end'
} > "$LUA"
echo "### one connection (latency per query; the ten queries repeat, so most answers come from the cache)"
wrk -t1 -c1 -d"${SECONDS_WRK}s" --latency -s "$LUA" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
echo "### 64 connections, 2 threads (throughput)"
wrk -t2 -c64 -d"${SECONDS_WRK}s" --latency -s "$LUA" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
# The server keeps recent answers; these runs make every query new (each
# adds a number as a second term), so every request is evaluated in full.
UNCACHED=$WORK/uncached.lua
sed 's|return wrk.format("GET", "/api/search?q=" .. queries\[(i % #queries) + 1\])|return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1] .. "+" .. i)|' "$LUA" > "$UNCACHED"
echo "### one connection, every query new (no cache)"
wrk -t1 -c1 -d"${SECONDS_WRK}s" --latency -s "$UNCACHED" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
echo "### 64 connections, every query new (no cache)"
wrk -t2 -c64 -d"${SECONDS_WRK}s" --latency -s "$UNCACHED" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
# The number makes most of those queries match nothing, which a term
# found nowhere answers at once. Here every query is new and matches:
# ordered pairs of 40 common words (1,560 queries, more than the cache
# holds, asked in a cycle so none is in it when asked again).
PAIRS=$WORK/pairs.lua
python3 - "$PAIRS" <<'PY'
import itertools, sys, urllib.parse
words = ("代表 联络站 人大 建议 履职 群众 乡村振兴 营商环境 票决 专业小组 监督 民生实事 议案 调研 "
         "视察 选民 接待 乡镇 街道 督办 办理 环境 教育 医疗 养老 交通 农业 产业 文化 安全 法治 立法 "
         "基层 服务 平台 机制 制度 工作 活动 代表之家").split()
queries = [a + " " + b for a, b in itertools.permutations(words, 2)]
with open(sys.argv[1], "w") as f:
    f.write("local queries = {\n" + "".join('  "%s",\n' % urllib.parse.quote(q) for q in queries) + "}\nlocal i = 0\n")
    f.write('request = function() i = i + 1; return wrk.format("GET", "/api/search?q=" .. queries[(i % #queries) + 1]) end\n')
PY
echo "### one connection, every query new and matching (two common words)"
wrk -t1 -c1 -d"${SECONDS_WRK}s" --latency -s "$PAIRS" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
echo "### 64 connections, every query new and matching (two common words)"
wrk -t2 -c64 -d"${SECONDS_WRK}s" --latency -s "$PAIRS" "http://127.0.0.1:$PORT" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors" | sed 's/^/  /'
kill "$SERVER_PID"; SERVER_PID=""

echo
echo "## 5. Static page in headless Chromium, cold cache, plain static host (python3 -m http.server)"
HPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$HPORT" --bind 127.0.0.1 --directory "$OUT" >/dev/null 2>&1 &
HOST_PID=$!
sleep 1
printf '  %-26s %10s %9s %9s  %s\n' query "KB moved" requests "ms" "page says"
mapfile -t PAGE < <(grep -v '^#' "$REPO/bench/peers/queries.txt" | grep -v '^$'; echo 茶产业)
: > "$WORK/page.txt"
for q in "${PAGE[@]}"; do
  node --experimental-websocket --no-warnings "$REPO/bench/cold_search.mjs" "$CHROMIUM" "http://127.0.0.1:$HPORT" "$q" |
    python3 -c '
import sys, json
r = json.loads(sys.stdin.read())
with open(sys.argv[1], "a") as f:
    if "error" in r:
        print("  did not finish:", r["error"]); f.write("error\n")
    else:
        print("  %-26s %10.1f %9d %9d  %s" % (r["query"], r["bytes"] / 1024, r["requests"], r["ms"], r["status"]))
        f.write("%.1f\n" % (r["bytes"] / 1024))' "$WORK/page.txt"
done
awk '$1 == "error" { bad++; next } { n++; if ($1 + 0 > max) max = $1 + 0; if ($1 + 0 > 150) over++ }
  END { printf "largest %.1f KB over %d queries; %d above 150 KB; %d did not finish\n", max, n, over + 0, bad + 0 }' "$WORK/page.txt"
echo
echo "KB moved: bytes on the wire for the page, its CSS and script and every index piece (Network"
echo "encodedDataLength, fresh profile, nothing cached). ms: the page's performance.now() when the"
echo "results are in the DOM, i.e. from navigation start."
