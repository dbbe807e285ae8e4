//! Soak: `jianbao serve` over a generated 1,000-report archive under
//! `wrk -t2 -c64` for 60 s (`JIANBAO_SOAK_SECONDS` shortens it), against
//! real pages, static files, a deliberate 404 and `/api/search` with
//! thousands of distinct queries (more than the server's 1,024-answer
//! cache holds, so the cache does not hide the work). Passes when no
//! request is lost to a socket error or an unexpected status and the
//! server's memory stays flat after warm-up.
//!
//! Memory bound: RSS is sampled every second from /proc/<pid>/status. The
//! value at the end of warm-up (a quarter of the run, 15 s by default) is
//! the baseline; the largest sample of the last half of the run must stay
//! within baseline × 1.10 + 20 MB. By 15 s the result cache is full (the
//! server answers thousands of queries a second) and allocator arenas have
//! settled; a leak of even 100 bytes a request, at the several thousand
//! requests a second this load reaches, grows by tens of MB over the
//! remaining 45 s and fails the bound, while allocator jitter (a few MB)
//! does not.
//!
//! Figures go to stdout: run with `--nocapture` to see them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::percent_encode;
use common::server::{http_get, serve};

/// The generator beside the clone (CI checks out `../shared` next to it).
fn generator() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    assert!(
        path.is_file(),
        "{} is missing: the soak test needs the shared folder beside the repository",
        path.display()
    );
    path
}

fn seconds() -> u64 {
    std::env::var("JIANBAO_SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&s| s >= 8)
        .unwrap_or(60)
}

/// Up to `limit` folders `<dir>/<name>/` that hold an index.html, as URLs.
fn pages_under(out: &Path, dir: &str, limit: usize) -> Vec<String> {
    let mut pages = Vec::new();
    let Ok(entries) = std::fs::read_dir(out.join(dir)) else {
        return pages;
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names.into_iter().take(limit) {
        pages.push(format!(
            "/{}{}/",
            if dir.is_empty() {
                String::new()
            } else {
                format!("{dir}/")
            },
            percent_encode(&name)
        ));
    }
    pages
}

/// Real URLs of the built site: home, lists, report pages, issue pages,
/// term pages, static files.
fn page_urls(out: &Path) -> Vec<String> {
    let mut urls: Vec<String> = [
        "/",
        "/issues/",
        "/counties/",
        "/suppliers/",
        "/keywords/",
        "/series/",
        "/stats/",
        "/search/",
        "/style.css",
        "/search.js",
        "/atom.xml",
        "/search/meta.json",
    ]
    .iter()
    .filter(|u| {
        let path = out.join(u.trim_start_matches('/'));
        path.is_file() || path.join("index.html").is_file()
    })
    .map(|u| u.to_string())
    .collect();
    for dir in ["counties", "suppliers", "keywords", "series"] {
        urls.extend(pages_under(out, dir, 40));
    }
    // Issue pages and their reports, every year.
    for entry in walkdir::WalkDir::new(out).min_depth(2).max_depth(3) {
        let entry = entry.unwrap();
        let relative = entry
            .path()
            .strip_prefix(out)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let parts: Vec<&str> = relative.split('/').collect();
        if parts[0].len() == 4
            && parts[0].chars().all(|c| c.is_ascii_digit())
            && entry.path().join("index.html").is_file()
        {
            urls.push(format!("/{relative}/"));
        }
    }
    urls.sort();
    urls.dedup();
    urls
}

/// Distinct queries from the archive's own words: report titles cut into
/// two- to four-character pieces, alone and in pairs.
fn queries(content: &Path, wanted: usize) -> Vec<String> {
    let mut words = BTreeSet::new();
    for entry in walkdir::WalkDir::new(content) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let Some(title) = text.lines().find_map(|l| l.strip_prefix("title: ")) else {
            continue;
        };
        let chars: Vec<char> = title
            .chars()
            .filter(|c| {
                !c.is_ascii_punctuation() && !c.is_whitespace() && !"“”：，、（）".contains(*c)
            })
            .collect();
        for width in 2..=4 {
            for piece in chars.chunks(width) {
                if piece.len() == width {
                    words.insert(piece.iter().collect::<String>());
                }
            }
        }
    }
    let words: Vec<String> = words.into_iter().collect();
    assert!(words.len() > 100, "too few words: {}", words.len());
    let mut queries: Vec<String> = words.clone();
    let mut step = 1;
    while queries.len() < wanted {
        for (i, word) in words.iter().enumerate() {
            queries.push(format!("{word} {}", words[(i * 7 + step) % words.len()]));
            if queries.len() >= wanted {
                break;
            }
        }
        step += 1;
    }
    queries.truncate(wanted);
    queries.sort();
    queries.dedup();
    queries
}

fn lua_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The wrk script: each thread walks the list from its own offset; the
/// `response` hook counts statuses, `done` prints them with the figures.
fn lua_script(targets: &[String], not_found: &str) -> String {
    let list: Vec<String> = targets.iter().map(|t| lua_string(t)).collect();
    format!(
        r#"local targets = {{{list}}}
local not_found = {nf}
local threads = {{}}
local next_id = 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  counts = {{}}
  issued_404 = 0
  i = id * 7919
end
function request()
  i = i + 1
  local target = targets[(i % #targets) + 1]
  if target == not_found then issued_404 = issued_404 + 1 end
  return wrk.format("GET", target)
end
function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end
function done(summary, latency, requests)
  local total, issued = {{}}, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("counts")) do
      total[status] = (total[status] or 0) + n
    end
    issued = issued + thread:get("issued_404")
  end
  for status, n in pairs(total) do
    io.write(string.format("SOAK status %d %d\n", status, n))
  end
  io.write(string.format("SOAK issued404 %d\n", issued))
  io.write(string.format("SOAK requests %d\n", summary.requests))
  io.write(string.format("SOAK duration_us %d\n", summary.duration))
  local e = summary.errors
  io.write(string.format("SOAK errors connect=%d read=%d write=%d timeout=%d\n", e.connect, e.read, e.write, e.timeout))
  io.write(string.format("SOAK latency_us p50=%d p90=%d p99=%d max=%d\n",
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"#,
        list = list.join(","),
        nf = lua_string(not_found),
    )
}

/// `(VmRSS, RssAnon)` in kB. RssAnon is the heap and stacks: what a leak
/// grows. The rest of VmRSS is mostly file pages of the tantivy index,
/// which tantivy maps into memory and which count as resident once
/// touched, up to the index's size, whatever the load.
fn rss_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let value = |key: &str| -> Option<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some((value("VmRSS:")?, value("RssAnon:")?))
}

fn figure<'a>(lines: &'a [&str], prefix: &str) -> &'a str {
    lines
        .iter()
        .find_map(|l| l.strip_prefix(prefix))
        .unwrap_or_else(|| panic!("wrk printed no {prefix:?}:\n{}", lines.join("\n")))
}

fn field(text: &str, name: &str) -> u64 {
    text.split_whitespace()
        .find_map(|part| part.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in {text}"))
}

/// Seconds since the load started, and `(VmRSS, RssAnon)` in kB.
type Sample = (f64, (u64, u64));

/// RSS samples of one kind: the baseline after warm-up, the late maximum.
struct Memory {
    series: Vec<u64>,
    baseline: u64,
    late_max: u64,
}

impl Memory {
    fn of(
        samples: &[Sample],
        pick: impl Fn(&(u64, u64)) -> u64,
        warm: f64,
        late_from: f64,
    ) -> Memory {
        let baseline = samples
            .iter()
            .find(|(t, _)| *t >= warm)
            .map(|(_, s)| pick(s))
            .expect("an RSS sample after warm-up");
        let late_max = samples
            .iter()
            .filter(|(t, _)| *t >= late_from)
            .map(|(_, s)| pick(s))
            .max()
            .expect("RSS samples in the last half");
        Memory {
            series: samples.iter().map(|(_, s)| pick(s)).collect(),
            baseline,
            late_max,
        }
    }

    fn print(&self, name: &str, warm: f64, late: f64) {
        let mb = |kb: u64| kb as f64 / 1024.0;
        println!(
            "soak: {name} (MB): start {:.1}, at {warm:.0} s {:.1}, max of the last {late:.0} s {:.1}, end {:.1}, max {:.1}",
            mb(self.series[0]),
            mb(self.baseline),
            mb(self.late_max),
            mb(*self.series.last().unwrap()),
            mb(*self.series.iter().max().unwrap()),
        );
        let series: Vec<String> = self
            .series
            .iter()
            .map(|&kb| format!("{:.0}", mb(kb)))
            .collect();
        println!(
            "soak: {name} series (MB, one a second): {}",
            series.join(" ")
        );
    }

    /// Late maximum within baseline × 1.10 + 20 MB.
    fn assert_flat(&self, name: &str) {
        self.assert_flat_within(name, self.baseline / 10 + 20 * 1024);
    }

    fn assert_flat_within(&self, name: &str, slack_kb: u64) {
        assert!(
            self.late_max <= self.baseline + slack_kb,
            "{name} grew after warm-up: {} MB then, up to {} MB later (allowed {} MB more)",
            self.baseline / 1024,
            self.late_max / 1024,
            slack_kb / 1024
        );
    }
}

/// Size of the tantivy index beside the output, in kB: the most of it
/// that mapped pages can add to RSS.
fn index_kb(out: &Path) -> u64 {
    let name = out.file_name().unwrap().to_string_lossy();
    let dir = out.parent().unwrap().join(format!(".{name}.tantivy"));
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len() / 1024)
        .sum()
}

#[test]
fn serve_keeps_answering_under_load_with_flat_memory() {
    let duration = seconds();
    let dir = tempfile::Builder::new()
        .prefix("jianbao-soak-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let site = dir.path().join("site");
    let content = site.join("content");
    let generated = Command::new("python3")
        .arg(generator())
        .arg(&content)
        .arg("1000")
        .output()
        .expect("python3 runs");
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("site.toml"),
        site.join("site.toml"),
    )
    .unwrap();
    let out = dir.path().join("public");
    let (server, port) = serve(&site, Some(&out));
    let pid = server.0.id();

    let pages = page_urls(&out);
    assert!(pages.len() > 300, "only {} pages", pages.len());
    for page in pages.iter().step_by(37) {
        let (status, _) = http_get(port, page);
        assert_eq!(status, 200, "{page}");
    }
    let not_found = "/no/such/page/".to_string();
    assert_eq!(http_get(port, &not_found).0, 404);
    let queries: Vec<String> = queries(&content, 4000)
        .iter()
        .map(|q| format!("/api/search?q={}", percent_encode(q)))
        .collect();
    assert!(queries.len() > 2000, "only {} queries", queries.len());
    let (status, body) = http_get(port, &queries[0]);
    assert_eq!(status, 200, "{body}");

    // Interleave: page, query, page, query … and the 404 now and then.
    let mut targets = Vec::new();
    let mut page = pages.iter().cycle();
    for (n, query) in queries.iter().enumerate() {
        targets.push(page.next().unwrap().clone());
        targets.push(query.clone());
        if n % 50 == 0 {
            targets.push(not_found.clone());
        }
    }
    let script = dir.path().join("soak.lua");
    std::fs::write(&script, lua_script(&targets, &not_found)).unwrap();

    // RSS every second while wrk runs.
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::default();
    let running = Arc::new(AtomicBool::new(true));
    let sampler = {
        let samples = samples.clone();
        let running = running.clone();
        std::thread::spawn(move || {
            let started = Instant::now();
            while running.load(Ordering::Relaxed) {
                if let Some(kb) = rss_kb(pid) {
                    samples
                        .lock()
                        .unwrap()
                        .push((started.elapsed().as_secs_f64(), kb));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let wrk = Command::new("wrk")
        .args([
            "-t2",
            "-c64",
            &format!("-d{duration}s"),
            "--timeout",
            "10s",
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://127.0.0.1:{port}"))
        .output()
        .expect("wrk is installed (.ci/run installs it)");
    running.store(false, Ordering::Relaxed);
    sampler.join().unwrap();
    let report = String::from_utf8_lossy(&wrk.stdout).into_owned();
    assert!(
        wrk.status.success(),
        "wrk failed: {report}{}",
        String::from_utf8_lossy(&wrk.stderr)
    );
    let lines: Vec<&str> = report.lines().collect();

    // Figures first, so a failure still shows them.
    let requests: u64 = figure(&lines, "SOAK requests ").parse().unwrap();
    let micros: u64 = figure(&lines, "SOAK duration_us ").parse().unwrap();
    let latency = figure(&lines, "SOAK latency_us ");
    let errors = figure(&lines, "SOAK errors ");
    let samples = samples.lock().unwrap().clone();
    let warm = duration as f64 / 4.0;
    let late_from = duration as f64 / 2.0;
    let total = Memory::of(&samples, |s| s.0, warm, late_from);
    let anon = Memory::of(&samples, |s| s.1, warm, late_from);
    println!(
        "soak: {requests} requests in {:.1} s, {:.0} requests/s; latency p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        micros as f64 / 1e6,
        requests as f64 / (micros as f64 / 1e6),
        field(latency, "p50") as f64 / 1000.0,
        field(latency, "p90") as f64 / 1000.0,
        field(latency, "p99") as f64 / 1000.0,
        field(latency, "max") as f64 / 1000.0,
    );
    println!("soak: socket errors {errors}");
    total.print("VmRSS", warm, duration as f64 - late_from);
    anon.print("RssAnon (heap)", warm, duration as f64 - late_from);
    let mut statuses = Vec::new();
    for line in &lines {
        if let Some(rest) = line.strip_prefix("SOAK status ") {
            let mut parts = rest.split_whitespace();
            let status: u16 = parts.next().unwrap().parse().unwrap();
            let count: u64 = parts.next().unwrap().parse().unwrap();
            statuses.push((status, count));
        }
    }
    statuses.sort();
    println!("soak: statuses {statuses:?}");
    let issued_404: u64 = figure(&lines, "SOAK issued404 ").parse().unwrap();

    // No request lost to a socket error.
    for name in ["connect", "read", "write", "timeout"] {
        assert_eq!(field(errors, name), 0, "{name} errors\n{report}");
    }
    // Every answer a 200 but the deliberate 404s, and no more 404s than
    // requests for that URL were sent.
    let answered: u64 = statuses.iter().map(|s| s.1).sum();
    assert_eq!(answered, requests, "{report}");
    for (status, count) in &statuses {
        match status {
            200 => {}
            404 => assert!(
                *count <= issued_404 && *count + 64 >= issued_404,
                "{count} 404s for {issued_404} requests of the 404 URL"
            ),
            other => panic!("{count} responses with status {other}\n{report}"),
        }
    }
    assert!(requests > duration * 100, "only {requests} requests");
    // Memory flat after warm-up (see the module comment for the bound):
    // the heap, and all of RSS with room for the index's mapped pages.
    anon.assert_flat("RssAnon");
    total.assert_flat_within("VmRSS", total.baseline / 10 + index_kb(&out) + 20 * 1024);
    // Still answering afterwards.
    assert_eq!(http_get(port, "/").0, 200);
    drop(server);
}
