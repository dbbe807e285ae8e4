#!/usr/bin/env python3
"""Exact-result agreement of jianbao and Pagefind with brute-force substring
truth, for bench/peers.sh.

  agree.py harness QUERIES_FILE > SITE_OUT/__agree__.html
      a page that runs every query through Pagefind's JS API
      (pagefind.search) and puts {query: [result ids]} in #out
  agree.py compare --site SITE --queries FILE --jianbao BIN --jianbao-out DIR
                   --pagefind-json FILE --pagefind-dir DIR
      prints, per query, the truth count and for each engine the results,
      the reports missed and the reports wrongly returned; then totals.

Truth follows jianbao's contract (src/search/normalize.rs, tests/search.rs):
a report's searchable text is "county：title", supplier and the body's
paragraphs; text and query are folded character by character (full-width
ASCII forms U+FF01-FF5E to half-width, U+3000 to a space, ASCII letters to
lower case); the query is split on white space and a report matches when
its text contains every term as a substring.
"""
import argparse, gzip, json, os, subprocess, sys


def fold(text):
    out = []
    for c in text:
        o = ord(c)
        if 0xFF01 <= o <= 0xFF5E:
            c = chr(o - 0xFEE0)
        elif o == 0x3000:
            c = ' '
        if 'A' <= c <= 'Z':
            c = c.lower()
        out.append(c)
    return ''.join(out)


def read_queries(path):
    with open(path, encoding='utf-8') as f:
        return [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]


def reports(site):
    """(path relative to content/, folded searchable text) of every published report."""
    content = os.path.join(site, 'content')
    out = []
    for root, dirs, files in os.walk(content):
        dirs.sort()
        for name in sorted(files):
            rel = os.path.relpath(os.path.join(root, name), content).replace(os.sep, '/')
            if not name.endswith('.md') or name == '_issue.md' or rel.startswith('drafts/'):
                continue
            with open(os.path.join(root, name), encoding='utf-8') as f:
                source = f.read()
            _, front, body = source.split('---\n', 2)
            fields = {}
            for line in front.splitlines():
                if ': ' in line:
                    k, v = line.split(': ', 1)
                    fields[k] = v.strip().strip('"')
            if fields.get('draft') == 'true':
                continue
            paragraphs = [''.join(l.strip() for l in p.splitlines()) for p in body.split('\n\n')]
            text = '%s：%s\n' % (fields['county'], fields['title'])
            if 'subtitle' in fields:
                text += fields['subtitle'] + '\n'
            text += fields['supplier'] + '\n' + '\n'.join(p for p in paragraphs if p)
            out.append((rel, fold(text)))
    return out


def truth(docs, query):
    terms = list(dict.fromkeys(fold(query).split()))
    if not terms:
        return set()
    return {path for path, text in docs if all(t in text for t in terms)}


def harness(queries_file):
    queries = read_queries(queries_file)
    print('''<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>
<pre id="out"></pre>
<script type="module">
const queries = %s;
const pagefind = await import('/pagefind/pagefind.js');
const out = {};
for (const q of queries) {
  try { const s = await pagefind.search(q); out[q] = s.results.map((r) => r.id); }
  catch (e) { out[q] = { error: String(e) }; }
}
document.getElementById('out').textContent = JSON.stringify(out);
document.body.dataset.done = '1';
</script></body></html>''' % json.dumps(queries, ensure_ascii=False))


def pagefind_urls(pagefind_dir):
    """Result id -> page URL, from the fragment files on disk."""
    ids = {}
    folder = os.path.join(pagefind_dir, 'fragment')
    for name in os.listdir(folder):
        if not name.endswith('.pf_fragment'):
            continue
        data = gzip.open(os.path.join(folder, name)).read()
        if data.startswith(b'pagefind_dcd'):
            data = data[len(b'pagefind_dcd'):]
        ids[name[:-len('.pf_fragment')]] = json.loads(data)['url']
    return ids


def url_to_path(url):
    # /2024/13/01-report-5/ -> 2024/13/01-report-5.md (Hugo keeps file names)
    return url.strip('/') + '.md'


def jianbao_results(binary, site, out, query):
    run = subprocess.run([binary, 'search', '--json', '--limit', '1000000', '--root', site,
                          '--out', out, '--', query], capture_output=True)
    if run.returncode != 0:
        return None, run.stderr.decode(errors='replace').strip()
    result = json.loads(run.stdout)
    return {h['path'] for h in result['hits']}, None


def compare(args):
    queries = read_queries(args.queries)
    docs = reports(args.site)
    with open(args.pagefind_json, encoding='utf-8') as f:
        pf_raw = json.load(f)
    if 'error' in pf_raw and not isinstance(pf_raw.get('error'), list):
        sys.exit('Pagefind harness failed: %s' % pf_raw['error'])
    urls = pagefind_urls(args.pagefind_dir)
    totals = {'jianbao': [0, 0, 0, 0], 'pagefind': [0, 0, 0, 0]}  # tp, fn, fp, exact queries
    truth_total = 0
    print('%d reports; substring truth after width and case folding' % len(docs))
    print('%-22s %7s | %8s %7s %7s | %8s %7s %7s' % (
        'query', 'truth', 'jianbao', 'missed', 'extra', 'Pagefind', 'missed', 'extra'))
    for q in queries:
        want = truth(docs, q)
        truth_total += len(want)
        row = ['%-22s %7d' % (q if len(q) <= 22 else q[:21] + '…', len(want))]
        jb, err = jianbao_results(args.jianbao, args.site, args.jianbao_out, q)
        pf = pf_raw.get(q)
        if isinstance(pf, dict):
            pf_set, pf_err = None, pf.get('error')
        else:
            pf_set, pf_err = {url_to_path(urls.get(i, i)) for i in (pf or [])}, None
        for name, got, error in (('jianbao', jb, err), ('pagefind', pf_set, pf_err)):
            if got is None:
                got = set()
                row.append('%8s %7s %7s' % ('error', '-', '-'))
                print('  (%s: %s)' % (name, error), file=sys.stderr)
            else:
                row.append('%8d %7d %7d' % (len(got), len(want - got), len(got - want)))
            t = totals[name]
            t[0] += len(want & got); t[1] += len(want - got); t[2] += len(got - want)
            t[3] += got == want
        print(' | '.join(row))
    print()
    for name, label in (('jianbao', 'jianbao (jianbao search --json)'), ('pagefind', 'Pagefind (pagefind.search in Chromium)')):
        tp, fn, fp, exact = totals[name]
        recall = tp / (tp + fn) if tp + fn else 1.0
        precision = tp / (tp + fp) if tp + fp else 1.0
        print('%-40s exact on %2d of %d queries; recall %.4f, precision %.4f (summed over queries: %d right, %d missed, %d extra)'
              % (label, exact, len(queries), recall, precision, tp, fn, fp))
        print('AGREE %s %d %d %.4f %.4f' % (name, exact, len(queries), recall, precision))


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'harness':
        harness(sys.argv[2])
        return
    p = argparse.ArgumentParser()
    p.add_argument('mode', choices=['compare'])
    for a in ('--site', '--queries', '--jianbao', '--jianbao-out', '--pagefind-json', '--pagefind-dir'):
        p.add_argument(a, required=True)
    compare(p.parse_args())


if __name__ == '__main__':
    main()
