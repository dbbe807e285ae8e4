#!/usr/bin/env python3
"""`jianbao search` against `grep -rlF` on the same archive, same machine,
same run (issue 15): for bench/search.sh and bench/peers.sh.

  cli.py --bin BIN --site SITE --out OUT --queries FILE [--query Q ...]
         [--runs N] [--first]

For every query (the lines of FILE that are not comments, then each --query)
it times, N times each, alternating:
  jianbao   BIN search --root SITE --out OUT QUERY        (text output, first
            page of ten, as an editor runs it; output to /dev/null)
  grep      grep -rlF TERM SITE/content/, one grep per term, each later term
            only over the files the earlier ones listed (xargs), the way an
            editor would find files containing all the words
and prints the medians and their ratio. --first: before anything else, the
index is rebuilt with `BIN build` and the very first query after it is timed
once (nothing is prepared ahead of a query: that is its real cost).

The last line is machine-readable:
  CLI <queries> <median ratio> <max ratio> <jianbao median ms> <grep median ms> <first ms or ->
"""
import argparse, os, statistics, subprocess, sys, time


def read_queries(path):
    with open(path, encoding='utf-8') as f:
        return [l.rstrip('\n') for l in f if l.strip() and not l.startswith('#')]


def timed(command, **kwargs):
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs)
    return (time.perf_counter() - started) * 1000


def grep_command(site, query):
    terms = query.split()
    content = os.path.join(site, 'content')
    quote = lambda t: "'" + t.replace("'", "'\\''") + "'"
    command = f"grep -rlF -- {quote(terms[0])} {quote(content)}"
    for term in terms[1:]:
        command += f" | xargs -d '\\n' -r grep -lF -- {quote(term)}"
    return ['bash', '-c', command]


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--bin', required=True)
    p.add_argument('--site', required=True)
    p.add_argument('--out', required=True)
    p.add_argument('--queries', required=True)
    p.add_argument('--query', action='append', default=[])
    p.add_argument('--runs', type=int, default=7)
    p.add_argument('--first', action='store_true')
    a = p.parse_args()
    queries = read_queries(a.queries) + a.query
    first = '-'
    if a.first:
        subprocess.run([a.bin, 'build', '--root', a.site, '--out', a.out],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        first = '%.1f' % timed([a.bin, 'search', '--root', a.site, '--out', a.out, '代表联络站'])
        print(f'   first query after a build (jianbao search 代表联络站): {first} ms')
    print('   %-26s %12s %12s %8s' % ('query', 'jianbao ms', 'grep ms', 'ratio'))
    ratios, jb_all, grep_all = [], [], []
    for q in queries:
        jb, gr = [], []
        for _ in range(a.runs):
            jb.append(timed([a.bin, 'search', '--root', a.site, '--out', a.out, '--', q]))
            gr.append(timed(grep_command(a.site, q)))
        j, g = statistics.median(jb), statistics.median(gr)
        ratios.append(j / g)
        jb_all.append(j)
        grep_all.append(g)
        print('   %-26s %12.1f %12.1f %8.2f' % (q, j, g, j / g))
    print(f'CLI {len(queries)} {statistics.median(ratios):.3f} {max(ratios):.3f} '
          f'{statistics.median(jb_all):.1f} {statistics.median(grep_all):.1f} {first}')


if __name__ == '__main__':
    sys.exit(main())
