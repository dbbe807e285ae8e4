//! The repository's own sample archive (`content/` and `site.toml` at the
//! top of the repository), built as it is into a temporary folder.

mod common;

use std::path::Path;
use std::sync::OnceLock;

use common::{copy_dir, jianbao_in, main_of, read_output, shared_temp_dir, Run};
use tempfile::TempDir;

struct Sample {
    dir: TempDir,
    run: Run,
}

impl Sample {
    fn read(&self, relative: &str) -> String {
        read_output(&self.dir.path().join("out"), relative)
    }

    fn exists(&self, relative: &str) -> bool {
        self.dir.path().join("out").join(relative).exists()
    }
}

static PLAIN: OnceLock<Sample> = OnceLock::new();
static DRAFTS: OnceLock<Sample> = OnceLock::new();

/// Builds from a copy of the sample's `site.toml` and `content/`, so that
/// the build cannot touch the repository.
fn sample(cell: &'static OnceLock<Sample>, extra: &[&str]) -> &'static Sample {
    cell.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let dir = shared_temp_dir();
        let root = dir.path().join("site");
        copy_dir(&repo.join("content"), &root.join("content"));
        std::fs::copy(repo.join("site.toml"), root.join("site.toml")).unwrap();
        let mut args: Vec<String> = ["build", "--root", "site", "--out", "out"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra.iter().map(|s| s.to_string()));
        let run = jianbao_in(dir.path(), &args);
        run.expect_code(0);
        Sample { dir, run }
    })
}

fn plain() -> &'static Sample {
    sample(&PLAIN, &[])
}

fn with_drafts() -> &'static Sample {
    sample(&DRAFTS, &["--drafts"])
}

#[test]
fn sample_archive_builds() {
    plain()
        .run
        .expect_stdout("构建完成：2 期，4 篇报告")
        .expect_stderr("content/2024: 警告：2024 年的期号不连续");
    assert!(
        !plain().run.stderr.contains("错误"),
        "{}",
        plain().run.stderr
    );
}

#[test]
fn issue_27_masthead_and_album() {
    let page = plain().read("2024/27/index.html");
    let main = main_of(&page);
    assert!(
        main.contains("<p class=\"masthead-number\">第 27 期</p>"),
        "{main}"
    );
    assert!(main.contains("<time datetime=\"2024-07-15\">2024年7月15日</time>"));
    assert!(main.contains("<span class=\"publisher\">河南省人大常委会代表工作委员会</span>"));
    assert!(main.contains("“为人民履职、为中原添彩·人大代表在行动”主题活动专辑（二十一）</a></p>"));
    assert!(
        !main.contains("共印"),
        "issue 27 states no number of copies"
    );
    assert!(main.contains("<span class=\"issuer\">河南省人大常委会代表工作委员会印发</span>"));
    assert!(main.contains("送：</span>省人大常委会主任、副主任、秘书长"));
    assert!(main.contains("发：</span>省人大常委会副秘书长、办公厅一级巡视员"));
    assert!(main.contains("（<a href=\"/suppliers/%E9%83%91%E5%B7%9E%E5%B8%82%E4%BA%BA%E5%A4%A7%E5%B8%B8%E5%A7%94%E4%BC%9A%E4%BB%A3%E8%A1%A8%E5%B7%A5%E5%A7%94/\">郑州市人大常委会代表工委</a>供稿）"));
    assert!(main.contains("（<a href=\"/suppliers/"));
    assert!(main.contains(">驻马店市人大常委会代表工委</a>供稿）"));
    assert!(main.contains("<a rel=\"prev\" href=\"/2024/13/\">"));
}

#[test]
fn issue_13_copies_and_printer() {
    let page = plain().read("2024/13/index.html");
    let main = main_of(&page);
    assert!(main.contains("<p class=\"masthead-number\">第 13 期</p>"));
    assert!(main.contains("2024年5月14日"));
    assert!(main.contains("主题活动专辑（七）"));
    assert!(
        main.contains("<span class=\"copies\">共印 60 份</span>"),
        "{main}"
    );
    assert!(main
        .contains("<span class=\"issuer\">河南省人大常委会选举任免代表联络工作委员会印发</span>"));
}

#[test]
fn report_page_credits_its_supplier() {
    let page = plain().read("2024/27/01-guancheng/index.html");
    let main = main_of(&page);
    assert!(main.contains("<h1 class=\"report-title\">郑州管城回族区：以“两亮三评五争当”为抓手 持续有力推动主题活动开展</h1>"));
    assert!(main.contains("<p class=\"credit\">（郑州市人大常委会代表工委供稿）</p>"));
    assert!(main.contains(">郑州市管城回族区</a>"));
    assert!(main.contains("<a href=\"/2024/27/\">2024年第27期</a>"));
}

#[test]
fn counties_page_lists_anyang_with_wenfeng() {
    let page = plain().read("counties/index.html");
    let main = main_of(&page);
    let anyang = main.find(">安阳市</a>").expect("安阳市 group");
    let wenfeng = main
        .find(">文峰区</a> <span class=\"count\">1</span>")
        .expect("文峰区");
    assert!(anyang < wenfeng);
    assert!(plain().exists("counties/安阳市/文峰区/index.html"));
    assert!(plain().exists("counties/郑州市/管城回族区/index.html"));
}

#[test]
fn drafts_are_absent_without_the_flag() {
    let sample = plain();
    assert!(!sample.exists("drafts"));
    for file in common::snapshot(&sample.dir.path().join("out")).into_keys() {
        if file.ends_with(".html") || file.ends_with(".xml") {
            let text = sample.read(&file);
            assert!(
                !text.contains("桐柏"),
                "{file} mentions the draft from 桐柏县"
            );
            assert!(!text.contains("推进代表专业小组活动实现“三化”"), "{file}");
        }
    }
    assert!(!sample.exists("counties/安阳市/北关区"));
}

#[test]
fn drafts_are_published_under_drafts_with_the_flag() {
    let sample = with_drafts();
    let index = sample.read("drafts/index.html");
    assert!(
        index.contains("href=\"/drafts/anyang-beiguan/\""),
        "{index}"
    );
    assert!(index.contains("href=\"/drafts/tongbai/\""));
    let beiguan = sample.read("drafts/anyang-beiguan/index.html");
    assert!(beiguan.contains("安阳北关区：坚持落实落细“三个三” 推进代表专业小组活动实现“三化”"));
    assert!(beiguan.contains("草稿：尚未编入某期"));
    let tongbai = sample.read("drafts/tongbai/index.html");
    assert!(tongbai.contains("桐柏县：建“三茶”代表联络站 助力县域经济高质量发展"));
    assert!(tongbai.contains("（南阳市人大常委会选工委供稿）"));
}
