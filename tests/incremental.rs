//! `jianbao serve` rebuilds only what an edit touches: an edit to one
//! report rewrites the pages that show it and nothing else; a template
//! edit renders again without reading the content; other changes get a
//! full build, and the terminal says which it did. Whatever the path, the
//! served site ends up exactly as a full build would make it.

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

mod common;

use common::copy_fixture;
use common::server::{http_get, serve_with_log};

/// Every output file by its path, with its inode: a file rewritten (by a
/// rename, as the server writes) gets a new one.
fn inodes(out: &Path) -> BTreeMap<String, u64> {
    walkdir::WalkDir::new(out)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let path = e.path().strip_prefix(out).unwrap().to_string_lossy();
            (path.replace('\\', "/"), e.metadata().unwrap().ino())
        })
        .collect()
}

fn rewritten(before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) -> BTreeSet<String> {
    after
        .iter()
        .filter(|(path, ino)| before.get(*path) != Some(ino))
        .map(|(path, _)| path.clone())
        .collect()
}

/// The terminal lines up to and including the first that starts with
/// `prefix`.
fn lines_until(log: &Receiver<String>, prefix: &str) -> Vec<String> {
    lines_until_any(log, &[prefix])
}

fn lines_until_any(log: &Receiver<String>, prefixes: &[&str]) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match log.recv_timeout(left) {
            Ok(line) => {
                let done = prefixes.iter().any(|p| line.starts_with(p));
                seen.push(line);
                if done {
                    return seen;
                }
            }
            Err(_) => panic!(
                "no line starting with {prefixes:?}; saw:\n{}",
                seen.join("\n")
            ),
        }
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} holds {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

struct Preview {
    site: tempfile::TempDir,
    out: PathBuf,
    port: u16,
    log: Receiver<String>,
    _server: common::server::Running,
}

fn preview() -> Preview {
    let site = copy_fixture("search");
    let out = site.path().join("public");
    let (server, port, log) = serve_with_log(site.path(), None);
    Preview {
        out,
        port,
        log,
        site,
        _server: server,
    }
}

const REPORT: &str = "content/2023/44/01-beiguan.md";

#[test]
fn a_body_edit_rewrites_only_the_pages_that_carry_the_body() {
    let p = preview();
    let before = inodes(&p.out);
    // The end of the body: the excerpt in every list stays as it was.
    edit(
        &p.site.path().join(REPORT),
        "5G网络覆盖全部站点。",
        "5G网络覆盖全部站点。站点值班表每月公布。",
    );
    let lines = lines_until(&p.log, "检索索引已更新");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("增量更新：content/2023/44/01-beiguan.md")),
        "the terminal says the update was incremental: {lines:?}"
    );
    assert!(!lines.iter().any(|l| l.contains("完整重建")), "{lines:?}");
    let changed = rewritten(&before, &inodes(&p.out));
    let pages: BTreeSet<&str> = changed
        .iter()
        .filter(|p| !p.starts_with("search/"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        pages,
        BTreeSet::from([
            "2023/44/01-beiguan/index.html",
            "2023/44/index.html",
            "2023/44/print.html",
            "atom.xml",
        ]),
        "the report's page, its issue's page and print page, and the feed carry the body; no list does"
    );
    assert!(
        changed.iter().any(|p| p.starts_with("search/")),
        "the search index follows: {changed:?}"
    );
    assert!(
        changed.len() < before.len() / 2,
        "most files stay as they were ({} of {})",
        changed.len(),
        before.len()
    );
    let (_, page) = http_get(p.port, "/2023/44/01-beiguan/");
    assert!(page.contains("站点值班表每月公布"));
    let (_, found) = http_get(p.port, "/api/search?q=%E5%80%BC%E7%8F%AD%E8%A1%A8");
    assert!(found.contains("01-beiguan"), "{found}");
}

#[test]
fn a_title_edit_rewrites_every_list_of_the_report_but_not_unrelated_pages() {
    let p = preview();
    let before = inodes(&p.out);
    edit(
        &p.site.path().join(REPORT),
        "title: 建好代表联络站",
        "title: 管好用好代表联络站",
    );
    lines_until(&p.log, "检索索引已更新");
    let changed = rewritten(&before, &inodes(&p.out));
    for list in [
        "2023/44/01-beiguan/index.html",
        "2023/44/index.html",
        "issues/index.html",
        "2023/index.html",
        "counties/安阳市/北关区/index.html",
        "counties/安阳市/index.html",
    ] {
        assert!(
            changed.contains(list),
            "{list} lists the report: {changed:?}"
        );
    }
    for unrelated in [
        "index.html",
        "2024/index.html",
        "2024/01/index.html",
        "2023/45/index.html",
        "404.html",
        "search/index.html",
    ] {
        assert!(
            !changed.contains(unrelated),
            "{unrelated} does not show the report"
        );
    }
    let (_, list) = http_get(p.port, "/issues/");
    assert!(list.contains("管好用好代表联络站"));
}

#[test]
fn a_template_edit_renders_again_without_reading_the_content() {
    let p = preview();
    let templates = p.site.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/report.html"),
    )
    .unwrap();
    std::fs::write(
        templates.join("report.html"),
        base.replacen(
            "{% block content %}",
            "{% block content %}<p id=\"mark\">模板已改</p>",
            1,
        ),
    )
    .unwrap();
    let lines = lines_until(&p.log, "重新渲染全部页面");
    assert!(
        lines.last().unwrap().contains("内容未重新读取"),
        "{lines:?}"
    );
    let (_, page) = http_get(p.port, "/2023/44/01-beiguan/");
    assert!(page.contains("模板已改"), "the new template is used");
}

/// A style sheet saved in the preview: every page links the new one by
/// its new content-hashed address, so no browser keeps the old one.
#[test]
fn a_style_edit_gives_every_page_the_new_style_sheet_address() {
    let p = preview();
    let style_address = |page: &str| {
        page.split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|h| h.contains("style.css?h="))
            .expect("a hashed style sheet link")
            .to_string()
    };
    let (_, home) = http_get(p.port, "/");
    let (_, report) = http_get(p.port, "/2023/44/01-beiguan/");
    let old = style_address(&home);
    assert_eq!(style_address(&report), old);
    let statics = p.site.path().join("static");
    std::fs::create_dir_all(&statics).unwrap();
    let css = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap();
    std::fs::write(
        statics.join("style.css"),
        css + "\nmain { max-width: 50rem; }\n",
    )
    .unwrap();
    lines_until(&p.log, "重新渲染全部页面");
    let (_, home) = http_get(p.port, "/");
    let (_, report) = http_get(p.port, "/2023/44/01-beiguan/");
    let new = style_address(&home);
    assert_ne!(new, old, "the address did not change with the style sheet");
    assert_eq!(style_address(&report), new);
    let (status, served) = http_get(p.port, &new);
    assert_eq!(status, 200);
    assert!(served.contains("max-width: 50rem"), "{served}");
}

/// A broken report is mended while its page cannot be written: the pages
/// now lag behind the archive in memory, so the next change must be a
/// full build, though the failure before that was the report's own.
#[test]
fn a_failed_write_after_a_broken_report_makes_the_next_change_a_full_build() {
    let p = preview();
    let path = p.site.path().join(REPORT);
    let good = std::fs::read_to_string(&path).unwrap();
    assert!(good.contains("建好代表联络站"));
    std::fs::write(&path, "---\nissue: 44\n\n正文").unwrap();
    lines_until(&p.log, "构建失败");
    // A file where the report's folder should be: even root cannot write.
    let folder = p.out.join("2023/44/01-beiguan");
    std::fs::remove_dir_all(&folder).unwrap();
    std::fs::write(&folder, "").unwrap();
    std::fs::write(&path, good.replacen("建好代表联络站", "用好代表联络站", 1)).unwrap();
    lines_until(&p.log, "构建失败");
    let lines = lines_until(&p.log, "无法创建文件夹");
    let reason = lines.last().unwrap();
    assert!(
        reason.contains("2023/44/01-beiguan：已有同名的文件或文件夹（系统信息："),
        "the failed write is named and explained in Chinese: {reason}"
    );
    let (_, overlay) = http_get(p.port, "/");
    assert!(
        overlay.contains("已有同名的文件或文件夹（系统信息："),
        "the overlay explains it too"
    );
    std::fs::remove_file(&folder).unwrap();
    std::fs::write(&path, good.replacen("建好代表联络站", "管好代表联络站", 1)).unwrap();
    let lines = lines_until_any(&p.log, &["已重新构建（全部）", "检索索引已更新"]);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("完整重建（上一次构建失败）")),
        "{lines:?}"
    );
    let (status, page) = http_get(p.port, "/2023/44/01-beiguan/");
    assert_eq!(status, 200);
    assert!(page.contains("管好代表联络站"));
}

#[test]
fn a_change_beyond_one_report_gets_a_full_build_and_says_so() {
    let p = preview();
    edit(
        &p.site.path().join("site.toml"),
        "title = \"代表工作\"",
        "title = \"代表工作简报\"",
    );
    let lines = lines_until(&p.log, "已重新构建（全部）");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("完整重建（site.toml 已修改）")),
        "{lines:?}"
    );
    // A report moved to another issue changes that issue's contents: full.
    let from = p.site.path().join("content/2023/45/02-xixian.md");
    let to = p.site.path().join("content/2023/44/03-xixian.md");
    let text = std::fs::read_to_string(&from).unwrap();
    std::fs::remove_file(&from).unwrap();
    std::fs::write(&to, text.replace("issue: 45", "issue: 44")).unwrap();
    let lines = lines_until(&p.log, "已重新构建（全部）");
    assert!(
        lines.iter().any(|l| l.starts_with("完整重建（")),
        "{lines:?}"
    );
    let (status, _) = http_get(p.port, "/2023/44/03-xixian/");
    assert_eq!(status, 200);
}

/// One edit to the preview's site: a file written (or removed, `None`).
enum Step {
    Replace(&'static str, &'static str, &'static str),
    Write(&'static str, String),
    Remove(&'static str),
}

/// The served output, file by file, equals what `jianbao build` makes of
/// the site as it now stands.
fn assert_served_equals_full_build(p: &Preview, after: &str) {
    let full = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["build", "--root"])
        .arg(p.site.path())
        .arg("--out")
        .arg(full.path().join("public"))
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let served = inodes(&p.out);
    let built = inodes(&full.path().join("public"));
    assert_eq!(
        served.keys().collect::<Vec<_>>(),
        built.keys().collect::<Vec<_>>(),
        "after {after}: the same files"
    );
    for path in served.keys() {
        // Only the build's own stamp differs.
        if path == "search/meta.json" {
            continue;
        }
        let a = std::fs::read(p.out.join(path)).unwrap();
        let b = std::fs::read(full.path().join("public").join(path)).unwrap();
        assert!(a == b, "after {after}: {path} differs from a full build");
    }
}

/// Edits of every kind, one after another: a report's body, title,
/// county, supplier and keywords (incremental), an issue's front matter and
/// series line, a report added and one deleted, a template and site.toml
/// (renders and full builds), then incremental edits again. After each,
/// the served output equals a full build byte for byte.
#[test]
fn after_incremental_edits_the_output_equals_a_full_build() {
    let p = preview();
    let template = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/404.html"),
    )
    .unwrap();
    assert!(template.contains("<h1>找不到页面</h1>"));
    let new_report = "---\nissue: 1\ncounty: 西峡县\ntitle: 代表联络站开展茶产业调研\nsupplier: 南阳市人大常委会选工委\n---\n\n西峡县代表联络站组织代表调研茶产业，走访代表联络站。\n";
    let steps = [
        (
            "a body edit",
            Step::Replace(
                REPORT,
                "代表进站接待群众。",
                "代表进站接待群众，记录民情日志。",
            ),
        ),
        (
            "a title edit",
            Step::Replace(REPORT, "title: 建好代表联络站", "title: 建强代表联络站"),
        ),
        (
            "a county edit",
            Step::Replace(REPORT, "county: 安阳北关区", "county: 安阳文峰区"),
        ),
        (
            "a supplier edit",
            Step::Replace(
                REPORT,
                "supplier: 安阳市人大常委会代表工委",
                "supplier: 文峰区人大常委会",
            ),
        ),
        (
            "an edit that changes another report's keywords",
            Step::Replace(
                "content/2024/01/01-tongbai.md",
                "---\n\n",
                "---\n\n桐柏县代表票决民生实事，代表联络站全覆盖。\n\n",
            ),
        ),
        (
            "a subtitle edit",
            Step::Replace(
                "content/2024/01/01-tongbai.md",
                "subtitle: 桐柏县人大常委会的做法",
                "subtitle: 桐柏县人大常委会的经验",
            ),
        ),
        (
            "an issue's date",
            Step::Replace(
                "content/2024/01/_issue.md",
                "date: 2024-01-10",
                "date: 2024-01-12",
            ),
        ),
        (
            "an issue's series line",
            Step::Replace(
                "content/2024/01/_issue.md",
                "album: \"乡村振兴专辑（二）\"",
                "album: \"乡村振兴专辑（三）\"",
            ),
        ),
        (
            "a report added",
            Step::Write("content/2024/01/03-xixia.md", new_report.to_string()),
        ),
        (
            "an edit to the added report",
            Step::Replace(
                "content/2024/01/03-xixia.md",
                "走访代表联络站。",
                "走访茶农。",
            ),
        ),
        (
            "a report deleted",
            Step::Remove("content/2023/45/02-xixian.md"),
        ),
        (
            "a template override",
            Step::Write(
                "templates/404.html",
                template.replace("<h1>找不到页面</h1>", "<h1>找不到这个页面</h1>"),
            ),
        ),
        (
            "site.toml",
            Step::Replace(
                "site.toml",
                "title = \"代表工作\"",
                "title = \"代表工作（测试）\"",
            ),
        ),
        (
            "a body edit after the full builds",
            Step::Replace(
                REPORT,
                "5G网络覆盖全部站点。",
                "5G网络覆盖全部站点。站点值班表每月公布。",
            ),
        ),
    ];
    for (name, step) in steps {
        let path = |file: &str| p.site.path().join(file);
        match &step {
            Step::Replace(file, from, to) => edit(&path(file), from, to),
            Step::Write(file, text) => {
                std::fs::create_dir_all(path(file).parent().unwrap()).unwrap();
                std::fs::write(path(file), text).unwrap()
            }
            Step::Remove(file) => std::fs::remove_file(path(file)).unwrap(),
        }
        // Each step ends with the index caught up, or with a full build or
        // render.
        let lines = lines_until_any(
            &p.log,
            &[
                "检索索引已更新",
                "已重新构建",
                "重新渲染全部页面",
                "构建失败",
            ],
        );
        assert!(
            !lines.last().unwrap().starts_with("构建失败"),
            "{name}: {lines:?}"
        );
        assert_served_equals_full_build(&p, name);
    }
}

/// An edit to a report in the preview makes its issue's PDF stale: the
/// PDF goes, and the issue page stops linking it, while another issue
/// keeps its PDF and link. A full build afterwards does not bring the
/// stale PDF back (its print page was already rewritten, so comparing
/// print pages alone would have kept it).
#[test]
fn an_edit_removes_its_issues_stale_pdf_and_keeps_the_others() {
    let site = copy_fixture("search");
    let root = site.path();
    let out = root.join("public");
    let printed = common::jianbao_in(
        root,
        &[
            "pdf", "--root", ".", "--out", "public", "2023/44", "2023/45",
        ]
        .map(String::from),
    );
    printed.expect_code(0);
    let pdf_44 = out.join("2023/44/代表工作-2023-第44期.pdf");
    let pdf_45 = out.join("2023/45/代表工作-2023-第45期.pdf");
    assert!(pdf_44.is_file() && pdf_45.is_file());

    let (server, port, log) = serve_with_log(root, None);
    let (_, page) = http_get(port, "/2023/44/");
    assert!(
        page.contains(".pdf\""),
        "the first build keeps the PDFs: {page}"
    );
    edit(
        &root.join(REPORT),
        "5G网络覆盖全部站点。",
        "5G网络覆盖全部站点。站点值班表每月公布。",
    );
    let lines = lines_until(&log, "检索索引已更新");
    assert!(
        lines.iter().any(|l| l.starts_with("增量更新：")),
        "{lines:?}"
    );
    assert!(!pdf_44.exists(), "the stale PDF is removed");
    let (_, page) = http_get(port, "/2023/44/");
    assert!(page.contains("站点值班表每月公布"));
    assert!(
        !page.contains(".pdf"),
        "no link to a PDF that is gone: {page}"
    );
    assert!(pdf_45.is_file(), "another issue's PDF stays");
    let (_, page) = http_get(port, "/2023/45/");
    assert!(page.contains(".pdf\""), "{page}");
    drop(server);

    let built = common::jianbao_in(root, &["build".to_string()]);
    built.expect_code(0);
    assert!(!pdf_44.exists(), "a full build does not bring it back");
    assert!(pdf_45.is_file());
}
