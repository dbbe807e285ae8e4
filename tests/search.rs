//! The search contract, checked against brute-force substring truth, for
//! all three front ends: `jianbao search --json`, `GET /api/search` on
//! `jianbao serve`, and the static page's `jianbaoSearch` in headless
//! Chromium served by a plain static file server.

use std::collections::BTreeSet;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

use common::server::{http_get, serve, Running};
use common::{dump_dom, percent_encode};

const BIN: &str = env!("CARGO_BIN_EXE_jianbao");

/// Queries with tricky cases: one character, a term spanning two jieba
/// words, digits and Latin letters, full-width input, title-only,
/// supplier-only and subtitle-only terms, words apart versus together.
const QUERIES: &[&str] = &[
    "代表联络站",
    "表联络",
    "专业小组",
    "专业 小组",
    "站",
    "茶",
    "5",
    "2023年",
    "5G",
    "５Ｇ",
    "5g",
    "g",
    "ABC",
    "ａｂｃ",
    "最后一公里",
    "选工委",
    "驻马店市",
    "的做法",
    "安阳北关区",
    "北关区",
    "票决",
    "营商环境",
    "代表 站点",
    "“五有”",
    "：",
    ":",
    "代表联络站 票决",
    "不存在的词语",
    "联络员",
];

/// Inputs that must neither crash nor error.
fn malformed() -> Vec<String> {
    vec![
        String::new(),
        "   ".into(),
        "，。、；".into(),
        "\"".into(),
        ":".into(),
        "(".into(),
        "\"代表\" AND (票决:1)".into(),
        "*".into(),
        "代".repeat(10_000),
        "<script>alert(1)</script>".into(),
    ]
}

fn fold(text: &str) -> String {
    text.chars()
        .map(|c| {
            let c = match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
                '\u{3000}' => ' ',
                c => c,
            };
            c.to_ascii_lowercase()
        })
        .collect()
}

/// A report as the contract sees it: its searchable text and source path.
struct Truth {
    path: String,
    text: String,
    body: String,
    supplier: String,
}

/// Reads the reports of a fixture site independently of the generator:
/// plain front matter lines and plain paragraphs.
fn truth(site: &Path) -> Vec<Truth> {
    let mut out = Vec::new();
    let content = site.join("content");
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        let relative = path
            .strip_prefix(&content)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !relative.ends_with(".md")
            || relative.ends_with("_issue.md")
            || relative.starts_with("drafts/")
        {
            continue;
        }
        let source = std::fs::read_to_string(path).unwrap();
        let mut parts = source.splitn(3, "---\n");
        parts.next();
        let front = parts.next().unwrap();
        let body = parts.next().unwrap();
        let field = |name: &str| {
            front
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .map(|v| v.trim().trim_matches('"').to_string())
        };
        let paragraphs: Vec<String> = body
            .split("\n\n")
            .map(|p| p.lines().map(str::trim).collect::<String>())
            .filter(|p| !p.is_empty())
            .collect();
        let mut text = format!(
            "{}：{}\n",
            field("county").unwrap(),
            field("title").unwrap()
        );
        if let Some(subtitle) = field("subtitle") {
            text.push_str(&subtitle);
            text.push('\n');
        }
        let supplier = field("supplier").unwrap();
        text.push_str(&supplier);
        text.push('\n');
        let body = paragraphs.join("\n");
        text.push_str(&body);
        out.push(Truth {
            path: relative,
            text,
            body,
            supplier,
        });
    }
    out
}

fn expected(reports: &[Truth], query: &str) -> BTreeSet<String> {
    let terms: Vec<String> = fold(query).split_whitespace().map(String::from).collect();
    if terms.is_empty() {
        return BTreeSet::new();
    }
    reports
        .iter()
        .filter(|r| {
            let text = fold(&r.text);
            terms.iter().all(|t| text.contains(t.as_str()))
        })
        .map(|r| r.path.clone())
        .collect()
}

/// Every snippet is cut from its report's body (never led by the title or
/// the supplier credit), and every span it marks is a term of the query.
fn check_snippets(reports: &[Truth], query: &str, result: &Value) {
    let terms: Vec<String> = fold(query).split_whitespace().map(String::from).collect();
    for hit in result["hits"].as_array().unwrap() {
        let path = hit["path"].as_str().unwrap();
        let report = reports.iter().find(|r| r.path == path).unwrap();
        let snippet = hit["snippet"].as_str().unwrap();
        let core = snippet.trim_start_matches('…').trim_end_matches('…');
        let body = report.body.replace('\n', " ");
        assert!(
            body.contains(core),
            "{query:?}: the snippet of {path} is not from its body: {snippet}"
        );
        if !report.body.contains(&report.supplier) {
            assert!(
                !snippet.contains(&report.supplier),
                "{query:?}: {path}'s snippet shows the supplier: {snippet}"
            );
        }
        let chars: Vec<char> = snippet.chars().collect();
        for span in hit["highlights"].as_array().unwrap() {
            let (a, b) = (
                span[0].as_u64().unwrap() as usize,
                span[1].as_u64().unwrap() as usize,
            );
            let marked: String = chars[a..b].iter().collect();
            assert!(
                terms.contains(&fold(&marked)),
                "{query:?}: {path} marks {marked:?}, not a term"
            );
        }
    }
}

fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let relative = entry.path().strip_prefix(from).unwrap();
        if relative.starts_with("public")
            || relative.starts_with("target")
            || relative.starts_with(".git")
        {
            continue;
        }
        let target = dir.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    dir
}

fn build(site: &Path, out: &Path) {
    let status = Command::new(BIN)
        .args(["build", "--root"])
        .arg(site)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "build failed");
}

fn cli(site: &Path, out: &Path, query: &str) -> Value {
    cli_with(site, out, query, &["--limit", "1000"])
}

fn cli_with(site: &Path, out: &Path, query: &str, extra: &[&str]) -> Value {
    let output = Command::new(BIN)
        .args(["search", "--json", "--root"])
        .arg(site)
        .arg("--out")
        .arg(out)
        .args(extra)
        .arg("--")
        .arg(query)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "search {query:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{query:?}: {e}: {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

fn paths(result: &Value) -> Vec<String> {
    result["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

fn api(port: u16, query: &str) -> Value {
    let (status, body) = http_get(
        port,
        &format!("/api/search?limit=1000&q={}", percent_encode(query)),
    );
    assert_eq!(status, 200, "{query:?}: {body}");
    without_html(serde_json::from_str(&body).unwrap())
}

/// The HTML of a snippet as a reader should get it: the text escaped,
/// each span in `<mark>`.
fn render(snippet: &str, highlights: &Value) -> String {
    let spans: Vec<(usize, usize)> = highlights
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s[0].as_u64().unwrap() as usize,
                s[1].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let mut out = String::new();
    for (i, c) in snippet.chars().enumerate() {
        if spans.iter().any(|s| s.0 == i) {
            out.push_str("<mark>");
        }
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
        if spans.iter().any(|s| s.1 == i + 1) {
            out.push_str("</mark>");
        }
    }
    out
}

/// The API's hits carry their snippet as HTML too: checked here, then
/// dropped so that the rest compares with the other front ends.
fn without_html(mut result: Value) -> Value {
    for list in ["hits", "related"] {
        if let Some(hits) = result[list].as_array_mut() {
            for hit in hits {
                let html = hit["snippet_html"].as_str().unwrap().to_string();
                assert_eq!(
                    html,
                    render(hit["snippet"].as_str().unwrap(), &hit["highlights"]),
                    "snippet_html renders the snippet and its spans"
                );
                hit.as_object_mut().unwrap().remove("snippet_html");
            }
        }
    }
    result
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain static file server: Python's, which knows nothing of jianbao.
fn static_host(dir: &Path) -> (Running, u16) {
    let port = free_port();
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is installed");
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "static host did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (Running(child), port)
}

/// Runs every query through `window.jianbaoSearch` in a real headless
/// Chromium tab and returns the results in order.
fn browser(out: &Path, queries: &[String]) -> Vec<Value> {
    let cases: Vec<Value> = queries
        .iter()
        .map(|q| serde_json::json!({ "q": q, "options": { "limit": 1000 } }))
        .collect();
    browser_cases(out, &cases, false)
}

/// Runs `{q, options}` cases through `window.jianbaoSearch`; with
/// `without_streams`, in a page where `DecompressionStream` does not
/// exist (older browsers).
fn browser_cases(out: &Path, cases: &[Value], without_streams: bool) -> Vec<Value> {
    let prelude = if without_streams {
        "<script>delete window.DecompressionStream; window.DecompressionStream = undefined; delete window.CompressionStream;</script>"
    } else {
        ""
    };
    let harness = format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
{prelude}<script src="/search.js" data-index="/search/"></script>
<script>
(async function () {{
  const cases = JSON.parse(decodeURIComponent(location.hash.slice(1)));
  const results = [];
  for (const c of cases) {{
    try {{ results.push(await window.jianbaoSearch(c.q, c.options)); }}
    catch (e) {{ results.push({{ error: String(e && e.message || e) }}); }}
  }}
  document.getElementById('out').textContent = JSON.stringify(results);
}})();
</script></body></html>"#
    );
    let name = if without_streams {
        "__search_test_plain__.html"
    } else {
        "__search_test__.html"
    };
    std::fs::write(out.join(name), harness).unwrap();
    let (_host, port) = static_host(out);
    let url = format!(
        "http://127.0.0.1:{port}/{name}#{}",
        percent_encode(&serde_json::to_string(cases).unwrap())
    );
    let (dom, stderr) = dump_dom(&url, 60000);
    let start =
        dom.find("<pre id=\"out\">").expect("harness page rendered") + "<pre id=\"out\">".len();
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    assert_ne!(json, "pending", "the page did not finish: {stderr}");
    serde_json::from_str::<Vec<Value>>(&json).unwrap_or_else(|e| panic!("{e}: {json}"))
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search")
}

#[test]
fn three_front_ends_return_exactly_the_reports_containing_every_term_in_one_order() {
    let site = copy_site(&fixture());
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let reports = truth(site.path());
    let queries: Vec<String> = QUERIES.iter().map(|q| q.to_string()).collect();

    let cli_results: Vec<Value> = queries
        .iter()
        .map(|q| cli(site.path(), out.path(), q))
        .collect();
    for (query, result) in queries.iter().zip(&cli_results) {
        let want = expected(&reports, query);
        let got: BTreeSet<String> = paths(result).into_iter().collect();
        assert_eq!(got, want, "CLI, query {query:?}");
        assert_eq!(
            result["total"].as_u64().unwrap() as usize,
            want.len(),
            "CLI total, query {query:?}"
        );
        check_snippets(&reports, query, result);
    }

    let serve_out = tempfile::tempdir().unwrap();
    let (_server, port) = serve(site.path(), Some(serve_out.path()));
    for (query, cli_result) in queries.iter().zip(&cli_results) {
        let result = api(port, query);
        assert_eq!(
            paths(&result),
            paths(cli_result),
            "API order differs from CLI, query {query:?}"
        );
        assert_eq!(
            result["total"], cli_result["total"],
            "API total, query {query:?}"
        );
        assert_eq!(
            result["hits"], cli_result["hits"],
            "API hits (snippets included), query {query:?}"
        );
    }

    // Pages of two, as a reader steps through them, make up the same
    // order: the server picks a page out without ranking every match.
    for (query, cli_result) in queries.iter().zip(&cli_results) {
        let all = paths(cli_result);
        let mut paged = Vec::new();
        for offset in (0..all.len()).step_by(2) {
            let (status, body) = http_get(
                port,
                &format!(
                    "/api/search?limit=2&offset={offset}&q={}",
                    percent_encode(query)
                ),
            );
            assert_eq!(status, 200, "{query:?}: {body}");
            let page = without_html(serde_json::from_str(&body).unwrap());
            assert_eq!(page["total"], cli_result["total"], "paged total, {query:?}");
            paged.extend(paths(&page));
        }
        assert_eq!(
            paged, all,
            "pages of two differ from the whole, query {query:?}"
        );
    }

    let browser_results = browser(out.path(), &queries);
    for ((query, cli_result), result) in queries.iter().zip(&cli_results).zip(&browser_results) {
        assert!(
            result.get("error").is_none(),
            "browser error, query {query:?}: {result}"
        );
        assert_eq!(
            paths(result),
            paths(cli_result),
            "browser order differs from CLI, query {query:?}"
        );
        assert_eq!(
            result["total"], cli_result["total"],
            "browser total, query {query:?}"
        );
        assert_eq!(
            result["hits"], cli_result["hits"],
            "browser hits (snippets included), query {query:?}"
        );
        assert_eq!(
            result["related"], cli_result["related"],
            "browser related, query {query:?}"
        );
    }
}

#[test]
fn words_apart_are_not_a_match_and_titles_rank_first() {
    let site = copy_site(&fixture());
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());

    // 专业 and 小组 apart (管城回族区 writes “专业 小组”) is not 专业小组.
    let result = cli(site.path(), out.path(), "专业小组");
    assert!(!paths(&result).contains(&"2024/01/02-guancheng.md".to_string()));
    assert_eq!(result["total"], 2);

    // Reports with the term in the title come before those with it only in the body.
    let result = cli(site.path(), out.path(), "代表联络站");
    let order = paths(&result);
    let titled = ["2023/44/01-beiguan.md", "2024/01/01-tongbai.md"];
    assert!(
        titled.contains(&order[0].as_str()) && titled.contains(&order[1].as_str()),
        "{order:?}"
    );

    // A report's exact title finds it first.
    let result = cli(
        site.path(),
        out.path(),
        "新蔡县：民生实事项目人大代表票决制落地见效",
    );
    assert_eq!(paths(&result)[0], "2023/44/02-xincai.md");

    // Every occurrence in the snippet is marked.
    let result = cli(site.path(), out.path(), "代表联络站");
    let hit = &result["hits"][0];
    let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
    let marked: Vec<String> = hit["highlights"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            snippet[s[0].as_u64().unwrap() as usize..s[1].as_u64().unwrap() as usize]
                .iter()
                .collect()
        })
        .collect();
    assert_eq!(marked, vec!["代表联络站"; 3], "{hit}");

    // No exact result: related results from jieba keywords, clearly apart.
    let result = cli(site.path(), out.path(), "票决民生实事不存在");
    assert_eq!(result["total"], 0);
    assert!(result["hits"].as_array().unwrap().is_empty());
}

#[test]
fn filters_narrow_by_year_place_and_series() {
    let site = copy_site(&fixture());
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let run = |args: &[&str]| -> Value {
        let output = Command::new(BIN)
            .args(["search", "--json", "--root"])
            .arg(site.path())
            .arg("--out")
            .arg(out.path())
            .args(args)
            .output()
            .unwrap();
        serde_json::from_slice(&output.stdout).unwrap()
    };
    assert_eq!(run(&["代表", "--year", "2024"])["total"], 2);
    assert_eq!(run(&["代表", "--year", "2023-2023"])["total"], 4);
    assert_eq!(
        paths(&run(&["代表", "--county", "北关区"])),
        vec!["2023/44/01-beiguan.md"]
    );
    assert_eq!(run(&["代表", "--county", "安阳市"])["total"], 2);
    assert_eq!(run(&["代表", "--series", "乡村振兴专辑"])["total"], 4);
}

#[test]
fn malformed_queries_get_an_empty_result_or_a_message_never_an_error() {
    let site = copy_site(&fixture());
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let queries = malformed();
    for query in &queries {
        let result = cli(site.path(), out.path(), query);
        assert!(result["total"].is_u64(), "{query:?}");
    }
    let long = cli(site.path(), out.path(), &"代".repeat(10_000));
    assert_eq!(long["total"], 0);
    assert!(long["message"].as_str().unwrap().contains("查询太长"));

    let serve_out = tempfile::tempdir().unwrap();
    let (_server, port) = serve(site.path(), Some(serve_out.path()));
    for query in &queries[..queries.len() - 2] {
        let result = api(port, query);
        assert!(result["total"].is_u64(), "{query:?}");
    }
    let (status, _) = http_get(port, &format!("/api/search?q={}", "%E4%BB%A3".repeat(3000)));
    assert!(
        (400..500).contains(&status),
        "a 9 KB query string is refused with 4xx, got {status}"
    );
    let (status, _) = http_get(port, "/api/search?q=%FF%FE");
    assert!(
        status == 200 || (400..500).contains(&status),
        "invalid UTF-8: {status}"
    );
    let (status, _) = http_get(port, "/api/search?limit=abc&q=x");
    assert_eq!(status, 400);

    let results = browser(out.path(), &queries);
    for (query, result) in queries.iter().zip(&results) {
        assert!(result.get("error").is_none(), "{query:?}: {result}");
        assert!(result["total"].is_u64(), "{query:?}");
    }
}

#[test]
fn the_sample_archive_agrees_with_substring_truth() {
    let site = copy_site(Path::new(env!("CARGO_MANIFEST_DIR")));
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let reports = truth(site.path());
    assert_eq!(
        reports.len(),
        4,
        "the sample archive publishes four reports"
    );
    for query in [
        "代表联络站",
        "票决",
        "营商环境",
        "北关区",
        "专业小组",
        "站",
        "2024年",
        "代表 站点",
        "选工委",
        "全链模式",
        "（点）",
    ] {
        let want = expected(&reports, query);
        let result = cli(site.path(), out.path(), query);
        let got: BTreeSet<String> = paths(&result).into_iter().collect();
        assert_eq!(got, want, "query {query:?}");
    }
}

/// Snippets are cut from the body around the best occurrence: the
/// supplier credit that follows the title never leads them (issue 14).
#[test]
fn snippets_are_cut_from_the_body_around_the_best_occurrence() {
    let site = copy_site(&fixture());
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let result = cli(site.path(), out.path(), "票决 代表");
    let hit = &result["hits"][0];
    assert_eq!(hit["path"], "2023/44/02-xincai.md");
    assert_eq!(
        hit["snippet"],
        "新蔡县推行民生实事项目票决制，代表投票决定项目。票决后，代表跟踪监督。 群众说：这是实实在在的好事。"
    );
    assert_eq!(
        hit["highlights"],
        serde_json::json!([[11, 13], [15, 17], [18, 20], [24, 26], [28, 30]])
    );
    // A term found only in the supplier credit matches, but the snippet is
    // the start of the body, unmarked.
    let result = cli(site.path(), out.path(), "驻马店市人大常委会选工委");
    let hit = &result["hits"][0];
    assert_eq!(hit["path"], "2023/44/02-xincai.md");
    assert!(hit["snippet"]
        .as_str()
        .unwrap()
        .starts_with("新蔡县推行民生实事项目"));
    assert_eq!(hit["highlights"], serde_json::json!([]));
}

/// The command line prints the snippet as text, the terms in brackets when
/// the output is not a terminal; nothing is HTML-escaped.
#[test]
fn the_command_line_prints_snippets_as_text_with_terms_marked() {
    let site = copy_site(&fixture());
    std::fs::write(
        site.path().join("content/2024/01/03-marks.md"),
        "---\nissue: 1\ncounty: 固始县\ntitle: 标记测试\nsupplier: 信阳市人大常委会选工委\n---\n\n联络员制度 A & B，x < y 的“三定”标准。\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let output = Command::new(BIN)
        .args(["search", "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(out.path())
        .arg("联络员制度")
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("【联络员制度】 A & B，x < y 的“三定”标准。"),
        "{text}"
    );
    assert!(!text.contains("&amp;") && !text.contains("&lt;") && !text.contains("<mark>"));
}

/// A site with more reports than a page shows: the fixture plus 23 more in
/// two issues of 2024, each with 代表 a different number of times.
fn paged_site() -> tempfile::TempDir {
    let site = copy_site(&fixture());
    for (issue, count) in [(2, 12), (3, 11)] {
        let dir = site.path().join(format!("content/2024/{issue:02}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("_issue.md"),
            format!("---\ndate: 2024-0{issue}-15\ncopies: 70\n---\n"),
        )
        .unwrap();
        for n in 1..=count {
            let body = format!(
                "第{n}篇报告。{}代表联络站开展活动，群众满意。",
                "人大代表走访。".repeat(n % 5 + 1)
            );
            let (county, supplier) = if n % 3 == 0 {
                ("北关区", "安阳市人大常委会代表工委")
            } else {
                ("桐柏县", "南阳市人大常委会选工委")
            };
            std::fs::write(
                dir.join(format!("{n:02}-r{issue}{n}.md")),
                format!("---\nissue: {issue}\ncounty: {county}\ntitle: 第{issue}期第{n}篇\nsupplier: {supplier}\n---\n\n{body}\n"),
            )
            .unwrap();
        }
    }
    site
}

/// The browser's filters and pages agree with the command line's, with
/// and without `DecompressionStream`.
#[test]
fn the_browser_filters_and_pages_like_the_command_line() {
    let site = paged_site();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    // (browser options, command-line arguments)
    let filters: Vec<(Value, Vec<&str>)> = vec![
        (serde_json::json!({}), vec![]),
        (
            serde_json::json!({ "year_from": 2024, "year_to": 2024 }),
            vec!["--year", "2024"],
        ),
        (
            serde_json::json!({ "year_from": 2023, "year_to": 2023 }),
            vec!["--year", "2023-2023"],
        ),
        (
            serde_json::json!({ "place": "北关区" }),
            vec!["--county", "北关区"],
        ),
        (
            serde_json::json!({ "place": "安阳市" }),
            vec!["--county", "安阳市"],
        ),
        (
            serde_json::json!({ "series": "乡村振兴专辑" }),
            vec!["--series", "乡村振兴专辑"],
        ),
        (
            serde_json::json!({ "place": "不存在县" }),
            vec!["--county", "不存在县"],
        ),
    ];
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for query in ["代表", "代表联络站", "站", "票决", "代表 站点", "群众满意"] {
        for (options, args) in &filters {
            for (offset, limit) in [(0usize, 1000usize), (0, 4), (4, 4), (8, 4), (24, 4)] {
                let mut options = options.clone();
                options["offset"] = offset.into();
                options["limit"] = limit.into();
                cases.push(serde_json::json!({ "q": query, "options": options }));
                let (o, l) = (offset.to_string(), limit.to_string());
                let mut extra = args.clone();
                extra.extend(["--offset", o.as_str(), "--limit", l.as_str()]);
                expected.push(cli_with(site.path(), out.path(), query, &extra));
            }
        }
    }
    assert!(
        expected.iter().any(|r| r["total"].as_u64().unwrap() > 20),
        "some query has several pages"
    );
    let results = browser_cases(out.path(), &cases, false);
    let plain = browser_cases(out.path(), &cases, true);
    for ((case, want), (got, got_plain)) in
        cases.iter().zip(&expected).zip(results.iter().zip(&plain))
    {
        assert!(got.get("error").is_none(), "{case}: {got}");
        assert_eq!(got, want, "browser differs from the command line: {case}");
        assert_eq!(
            got_plain, want,
            "browser without DecompressionStream differs: {case}"
        );
    }
}

/// The search page itself, in Chromium from a plain static host: the page
/// asked for, with its filters, lists the command line's hits in order.
#[test]
fn the_search_page_lists_a_filtered_page_in_order() {
    let site = paged_site();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), out.path());
    let (_host, port) = static_host(out.path());
    for (params, args) in [
        ("q=代表&page=2", vec!["--offset", "10"]),
        ("q=代表&page=3", vec!["--offset", "20"]),
        (
            "q=代表联络站&year_from=2024&year_to=2024&page=2",
            vec!["--year", "2024", "--offset", "10"],
        ),
        ("q=代表&place=桐柏县", vec!["--county", "桐柏县"]),
    ] {
        let query = params.split('&').next().unwrap().trim_start_matches("q=");
        let encoded: String = params
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                format!("{k}={}", percent_encode(v))
            })
            .collect::<Vec<_>>()
            .join("&");
        let (dom, stderr) = dump_dom(&format!("http://127.0.0.1:{port}/search/?{encoded}"), 20000);
        assert!(
            dom.contains("data-search-done=\"1\""),
            "{params}: the page did not finish: {stderr}"
        );
        let shown: Vec<String> = dom
            .split("data-path=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().to_string())
            .collect();
        let mut extra = args.clone();
        extra.extend(["--limit", "10"]);
        let want = cli_with(site.path(), out.path(), query, &extra);
        assert_eq!(shown, paths(&want), "{params}");
        assert!(!shown.is_empty(), "{params}: a page of hits");
        let total = want["total"].as_u64().unwrap();
        assert!(
            dom.contains(&format!("共找到 {total} 篇报告")),
            "{params}: the count"
        );
    }
}
