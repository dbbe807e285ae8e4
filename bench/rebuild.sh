#!/usr/bin/env bash
# bench/rebuild.sh — time from saving one report to the preview server
# serving its page with the new text, for `jianbao serve` or `hugo server`.
#
#   bash bench/rebuild.sh SITE_DIR            jianbao serve on SITE_DIR
#   bash bench/rebuild.sh jianbao SITE_DIR    the same
#   bash bench/rebuild.sh hugo SITE_DIR       hugo server (the minimal site in
#                                             bench/peers/hugo) on SITE_DIR/content
#
# SITE_DIR holds site.toml and content/ (as bench/build.sh makes them). The
# report in the middle of the archive (sorted by path) is edited
# $BENCH_EDITS times: each edit rewrites the file in place with one more
# paragraph carrying a new marker; the time runs from the moment the file
# is closed to the first HTTP response for that report's page that contains
# the marker (the page is polled every $BENCH_POLL_MS ms, new connection each
# time). After each edit the script waits $BENCH_SETTLE s so the edits do not
# run into each other. The report's original text is put back at the end.
# Prints each edit's time and the median, and for Hugo also Hugo's own
# "Total in N ms" lines.
#
# Settings (environment): JIANBAO_BIN (default <repo>/target/release/jianbao),
# BENCH_EDITS (10), BENCH_POLL_MS (5), BENCH_SETTLE (1.5), BENCH_WORK (/tmp),
# HUGO_SOURCE (default <repo>/bench/peers/hugo).
# Last line of output: "REBUILD <engine> <median ms> <min ms> <max ms> <startup s>".
set -euo pipefail
export LC_ALL=C.UTF-8

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENGINE=jianbao
if [[ ${1:-} = jianbao || ${1:-} = hugo ]]; then ENGINE=$1; shift; fi
[[ $# -eq 1 && -d ${1:-}/content ]] || { echo "usage: bench/rebuild.sh [jianbao|hugo] SITE_DIR (with SITE_DIR/content)" >&2; exit 2; }
SITE=$(cd "$1" && pwd)
EDITS=${BENCH_EDITS:-10}
POLL_MS=${BENCH_POLL_MS:-5}
SETTLE=${BENCH_SETTLE:-1.5}
HUGO_SOURCE=${HUGO_SOURCE:-$REPO/bench/peers/hugo}
JIANBAO_BIN=${JIANBAO_BIN:-$REPO/target/release/jianbao}

WORK=$(mktemp -d "${BENCH_WORK:-/tmp}/jianbao-rebuild.XXXXXX")
SERVER_PID=""
REPORT=$(cd "$SITE/content" && find . -name '*.md' ! -name '_issue.md' ! -path './drafts/*' | sort | awk '{a[NR]=$0} END{print a[int((NR+1)/2)]}')
REPORT=${REPORT#./}
cp "$SITE/content/$REPORT" "$WORK/original.md"
cleanup() {
  # Put the report back first, then stop the server.
  cp "$WORK/original.md" "$SITE/content/$REPORT"
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# /2024/13/01-xixian.md -> /2024/13/01-xixian/ (both jianbao and Hugo)
PAGE=/${REPORT%.md}/
START=$(date +%s.%N)
case $ENGINE in
  jianbao)
    [[ -x $JIANBAO_BIN ]] || { echo "rebuild: no jianbao binary at $JIANBAO_BIN (cargo build --release, or set JIANBAO_BIN)" >&2; exit 1; }
    echo "== jianbao serve ($JIANBAO_BIN) on $SITE, output in $WORK/out"
    "$JIANBAO_BIN" serve --root "$SITE" --out "$WORK/out" --port "$PORT" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    ;;
  hugo)
    command -v hugo >/dev/null || { echo "rebuild: hugo is missing (apt-get install hugo)" >&2; exit 1; }
    # Hugo 0.111 (Debian 12) renders to memory by default (later versions
    # spell it --renderToMemory); fast render mode on, as editors run it.
    echo "== $(hugo version | cut -d' ' -f1-2) server (pages in memory) on $SITE/content (site: $HUGO_SOURCE)"
    hugo server --source "$HUGO_SOURCE" --contentDir "$SITE/content" \
      --bind 127.0.0.1 --port "$PORT" --baseURL "http://127.0.0.1:$PORT/" --appendPort=false \
      --disableLiveReload >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    ;;
esac
echo "   editing $REPORT, polling http://127.0.0.1:$PORT$PAGE every $POLL_MS ms, $EDITS edits"

python3 - "$SITE/content/$REPORT" "$PORT" "$PAGE" "$EDITS" "$POLL_MS" "$SETTLE" "$START" "$ENGINE" "$WORK/server.log" "$SERVER_PID" <<'PY'
import http.client, os, statistics, sys, time, urllib.parse
path, port, page, edits, poll_ms, settle, start, engine, log, pid = sys.argv[1:]
port, edits, poll, settle, start = int(port), int(edits), int(poll_ms) / 1000, float(settle), float(start)
quoted = urllib.parse.quote(page)

def get():
    try:
        c = http.client.HTTPConnection('127.0.0.1', port, timeout=5)
        c.request('GET', quoted)
        r = c.getresponse()
        body = r.read().decode('utf-8', 'replace')
        c.close()
        return r.status, body
    except OSError:
        return None, ''

def alive():
    try:
        with open('/proc/%s/status' % pid) as f:
            return not any(l.startswith('State:') and 'Z' in l.split()[1] for l in f)
    except OSError:
        return False

# Wait for the first build and the server.
deadline = time.time() + 900
while True:
    status, _ = get()
    if status == 200:
        break
    if not alive():
        sys.exit('rebuild: the server stopped; log:\n%s' % open(log, errors='replace').read()[-3000:])
    if time.time() > deadline:
        sys.exit('rebuild: the server did not serve %s within 900 s; log:\n%s' % (page, open(log).read()[-2000:]))
    time.sleep(0.1)
startup = time.time() - start
print('   server up and page served after %.1f s (first build included)' % startup)
time.sleep(settle)

original = open(path, encoding='utf-8').read()
times = []
for i in range(1, edits + 1):
    marker = '基准修改标记%d_%d' % (i, int(time.time() * 1000) % 100000)
    text = original.rstrip('\n') + '\n\n这是第%d次修改后新加的一段：%s。\n' % (i, marker)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    t0 = time.perf_counter()
    while True:
        status, body = get()
        if status == 200 and marker in body:
            break
        if time.perf_counter() - t0 > 300:
            sys.exit('rebuild: edit %d not served after 300 s' % i)
        time.sleep(poll)
    ms = (time.perf_counter() - t0) * 1000
    times.append(ms)
    print('   edit %2d: %8.1f ms' % (i, ms))
    time.sleep(settle)
if engine == 'hugo':
    totals = [l.strip() for l in open(log, encoding='utf-8', errors='replace') if 'Total in' in l]
    print('   hugo says (last %d rebuilds): %s' % (min(edits, len(totals)), ', '.join(t.split('Total in ')[-1] for t in totals[-edits:])))
print('median of %d edits: %.1f ms (min %.1f, max %.1f)' % (edits, statistics.median(times), min(times), max(times)))
print('REBUILD %s %.1f %.1f %.1f %.1f' % (engine, statistics.median(times), min(times), max(times), startup))
PY
