#!/usr/bin/env bash
# bench/lighthouse.sh — Lighthouse scores of the built sample site (issue 14).
#
#   bash bench/lighthouse.sh       (from any folder)
#
# Builds the repository's sample archive (content/, site.toml) with the
# release binary, serves it under /daibiao/ with Debian's nginx and the
# example configuration packaging/nginx/jianbao.conf (gzip on), and runs
# Lighthouse (npm package, pinned in bench/lighthouse/package-lock.json,
# installed with npm ci) in Debian's Chromium on the home, issue, report and
# search pages, desktop preset and Lighthouse's default mobile emulation.
# Prints one Markdown table of the four category scores per page; the JSON
# reports stay in $BENCH_WORK/jianbao-lighthouse/.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}}/jianbao-lighthouse
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
rm -rf "$WORK" && mkdir -p "$WORK"

(cd "$REPO/bench/lighthouse" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
LIGHTHOUSE=$REPO/bench/lighthouse/node_modules/.bin/lighthouse

# JIANBAO=<binary> uses that build (the pages are the same in any profile).
if [[ -z ${JIANBAO:-} ]]; then
  (cd "$REPO" && cargo build --release --locked --quiet)
  JIANBAO=$REPO/target/release/jianbao
fi
cp -r "$REPO/content" "$REPO/site.toml" "$WORK/"
mkdir -p "$WORK/site" && mv "$WORK/content" "$WORK/site.toml" "$WORK/site/"
# The sample under the subpath the nginx example serves.
sed -i 's|^base_url = .*|base_url = "http://127.0.0.1:8087/daibiao/"|' "$WORK/site/site.toml"
grep -q '^base_url' "$WORK/site/site.toml" || sed -i '1i base_url = "http://127.0.0.1:8087/daibiao/"' "$WORK/site/site.toml"
"$JIANBAO" build --root "$WORK/site" --out "$WORK/public" >/dev/null

sed -e "s|alias /srv/jianbao/public/;|alias $WORK/public/;|" \
    -e "s|listen 80;|listen 127.0.0.1:8087;|" -e "s|listen \[::\]:80;||" \
    "$REPO/packaging/nginx/jianbao.conf" > "$WORK/server.conf"
user=""; [[ $(id -u) -eq 0 ]] && user="user root;"
cat > "$WORK/nginx.conf" <<CONF
daemon off; worker_processes 1; pid $WORK/nginx.pid; error_log $WORK/nginx-error.log; $user
events { worker_connections 64; }
http { include /etc/nginx/mime.types; default_type application/octet-stream; access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  include $WORK/server.conf; }
CONF
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" &
NGINX=$!
trap 'kill $NGINX 2>/dev/null || true' EXIT
sleep 1

issue=$(cd "$WORK/public" && ls -d 20*/[0-9]* | sort | tail -1)
report=$(cd "$WORK/public" && ls -d "$issue"/*/ | head -1)
declare -A PAGES=(
  [home]="/daibiao/"
  [issue]="/daibiao/$issue/"
  [report]="/daibiao/$report"
  [search]="/daibiao/search/?q=%E4%BB%A3%E8%A1%A8%E8%81%94%E7%BB%9C%E7%AB%99"
)
FLAGS="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --disable-background-networking --disable-component-update --disable-sync"
echo "| 页面 | 设备 | 性能 | 无障碍 | 最佳做法 | SEO |"
echo "|---|---|---|---|---|---|"
for name in home issue report search; do
  for form in mobile desktop; do
    preset=(); [[ $form == desktop ]] && preset=(--preset=desktop)
    out="$WORK/$name-$form.json"
    CHROME_PATH=$CHROMIUM "$LIGHTHOUSE" "http://127.0.0.1:8087${PAGES[$name]}" "${preset[@]}" \
      --chrome-flags="$FLAGS" --quiet --output=json --output-path="$out" \
      --only-categories=performance,accessibility,best-practices,seo >/dev/null 2>&1 || true
    node -e '
      const r = require(process.argv[1]);
      const s = (k) => r.categories[k] ? Math.round(r.categories[k].score * 100) : "—";
      console.log(`| ${process.argv[2]} | ${process.argv[3]} | ${s("performance")} | ${s("accessibility")} | ${s("best-practices")} | ${s("seo")} |`);
    ' "$out" "$name" "$form"
  done
done
echo
echo "lighthouse $(node -p "require('$REPO/bench/lighthouse/node_modules/lighthouse/package.json').version"), $($CHROMIUM --version 2>/dev/null), $(date -u +%Y-%m-%d), $(nproc) cores"
