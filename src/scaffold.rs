//! `jianbao init` and `jianbao new`: a new site, the next issue, a new
//! report, each with its front matter filled in from what the site knows.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};

use crate::config::SiteConfig;
use crate::content::gazetteer::{Gazetteer, Resolution};
use crate::content::{CONTENT_DIR, DRAFTS_DIR, ISSUE_FILE};

const SITE_TOML: &str = include_str!("../site.toml");

const OVERRIDES_README: &str =
    "这里放网站自己的模板，按文件名覆盖内置主题的同名模板（Tera 2 语法）。
可覆盖的模板：base.html index.html issue.html report.html print.html issues.html
terms.html term.html stats.html search.html 404.html atom.xml sitemap.xml
内置模板见 jianbao 源码的 themes/default/templates/，复制一份到这里再修改即可。
";

const STATIC_README: &str = "这里放网站自己的静态文件（图片、样式等），原样复制到网站根目录；
与内置主题同名的文件（style.css、print.css、search.js、print.js、fonts/ 中印刷版的字体）会覆盖内置的。
";

fn write_new(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        bail!("{} 已经存在，没有改动它", path.display());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("无法写入 {}", path.display()))
}

fn yaml_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn distribution_yaml(config: &SiteConfig) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("    - {}\n", yaml_string(i)))
            .collect::<String>()
    };
    format!(
        "# 分送范围：默认取自 site.toml，本期不同时在这里改\ndistribution:\n  送:\n{}  发:\n{}",
        list(&config.distribution.to),
        list(&config.distribution.cc)
    )
}

/// `jianbao init DIR`.
pub fn init(dir: &Path, today: NaiveDate) -> Result<Vec<PathBuf>> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "{} 不是空文件夹：为免覆盖已有文件，请指定一个新的文件夹",
            dir.display()
        );
    }
    let config = SiteConfig::parse(SITE_TOML).map_err(|d| anyhow::anyhow!("{d}"))?;
    let year = today.year();
    let issue = dir
        .join(CONTENT_DIR)
        .join(format!("{year}/01"))
        .join(ISSUE_FILE);
    let report = dir.join(CONTENT_DIR).join(format!("{year}/01/01-示例.md"));
    let files = vec![
        (dir.join("site.toml"), SITE_TOML.to_string()),
        (
            issue,
            format!(
                "---\n# 出版日期（必填）\ndate: {today}\n# 专辑名称（可不写）\n# album: \"“为人民履职、为中原添彩·人大代表在行动”主题活动专辑（一）\"\n# 印数\ncopies: 70\n---\n\n（这里可以写编者按；没有就留空。）\n"
            ),
        ),
        (
            report,
            "---\n期号: 1\n县区: 新蔡县\n标题: \"依托代表联络站点 扎实开展主题活动\"\n供稿: 驻马店市人大常委会代表工委\n---\n\n这里写报告正文。段落之间空一行。\n\n一、第一部分的标题句。接着写这一部分的正文。\n\n二、第二部分的标题句。接着写这一部分的正文。\n".to_string(),
        ),
        (dir.join(CONTENT_DIR).join(DRAFTS_DIR).join(".keep"), String::new()),
        (dir.join("templates").join("说明.txt"), OVERRIDES_README.to_string()),
        // A leading dot keeps the note out of the published site.
        (dir.join("static").join(".说明.txt"), STATIC_README.to_string()),
    ];
    let _ = config;
    let mut written = Vec::new();
    for (path, text) in files {
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

/// Issue numbers already used in a year.
fn numbers_in(root: &Path, year: i32) -> Vec<u32> {
    let mut numbers: Vec<u32> = std::fs::read_dir(root.join(CONTENT_DIR).join(year.to_string()))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().to_string_lossy().parse().ok())
        .collect();
    numbers.sort_unstable();
    numbers
}

/// `jianbao new issue`.
pub fn new_issue(
    root: &Path,
    year: Option<i32>,
    number: Option<u32>,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<PathBuf> {
    let config = SiteConfig::load(root).map_err(|d| anyhow::anyhow!("{d}"))?;
    let date = date.unwrap_or(today);
    let year = year.unwrap_or(date.year());
    let used = numbers_in(root, year);
    let number = number.unwrap_or_else(|| used.last().map_or(1, |n| n + 1));
    if used.contains(&number) {
        bail!("{year} 年第 {number} 期已经存在（content/{year}/{number:02}/）");
    }
    let path = root
        .join(CONTENT_DIR)
        .join(format!("{year}/{number:02}"))
        .join(ISSUE_FILE);
    let text = format!(
        "---\ndate: {date}\n# 专辑名称（可不写）\n# album: \"…专辑（一）\"\n# 印数\n# copies: 70\n{}---\n",
        distribution_yaml(&config)
    );
    write_new(&path, &text)?;
    Ok(path)
}

/// The supplier a county's reports usually come from: its prefecture's
/// representative-work committee.
pub fn guess_supplier(county: &str) -> Option<String> {
    match Gazetteer::henan().resolve(county) {
        Resolution::Found(place) => place.prefecture.map(|p| format!("{p}人大常委会代表工委")),
        _ => None,
    }
}

/// `jianbao new report`.
pub fn new_report(
    root: &Path,
    county: &str,
    issue: Option<(i32, u32)>,
    title: Option<&str>,
) -> Result<PathBuf> {
    let county = county.trim();
    if county.is_empty() {
        bail!("请写上县区名，如：jianbao new report 新蔡县");
    }
    let supplier = guess_supplier(county);
    let (folder, issue_line) = match issue {
        Some((year, number)) => {
            let folder = root.join(CONTENT_DIR).join(format!("{year}/{number:02}"));
            if !folder.join(ISSUE_FILE).is_file() {
                bail!("没有 {year} 年第 {number} 期（content/{year}/{number:02}/{ISSUE_FILE}）：请先运行 jianbao new issue");
            }
            (folder, format!("issue: {number}\n"))
        }
        None => (root.join(CONTENT_DIR).join(DRAFTS_DIR), String::new()),
    };
    let existing = std::fs::read_dir(&folder)
        .map(|d| {
            d.flatten()
                .filter(|e| {
                    e.file_name().to_string_lossy().ends_with(".md") && e.file_name() != ISSUE_FILE
                })
                .count()
        })
        .unwrap_or(0);
    let slug = crate::text::path_segment(county);
    let name = if issue.is_some() {
        format!("{:02}-{slug}.md", existing + 1)
    } else {
        format!("{slug}.md")
    };
    let path = folder.join(name);
    let supplier_line = match &supplier {
        Some(s) => format!("supplier: {s}\n"),
        None => "supplier: 请填写供稿单位\n".to_string(),
    };
    let text = format!(
        "---\n{issue_line}county: {county}\ntitle: {}\n{supplier_line}---\n\n正文从这里开始。\n",
        yaml_string(title.unwrap_or("请填写标题"))
    );
    write_new(&path, &text)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supplier_comes_from_the_prefecture() {
        assert_eq!(
            guess_supplier("新蔡县").as_deref(),
            Some("驻马店市人大常委会代表工委")
        );
        assert_eq!(
            guess_supplier("安阳北关区").as_deref(),
            Some("安阳市人大常委会代表工委")
        );
        assert_eq!(guess_supplier("火星县"), None);
    }

    #[test]
    fn init_then_next_issue_then_report_make_a_site_that_builds() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        init(&site, today).unwrap();
        let issue = new_issue(&site, None, None, None, today).unwrap();
        assert!(
            issue.ends_with("content/2025/02/_issue.md"),
            "{}",
            issue.display()
        );
        let report = new_report(&site, "新蔡县", Some((2025, 2)), Some("标题")).unwrap();
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(
            text.contains("supplier: 驻马店市人大常委会代表工委"),
            "{text}"
        );
        let (archive, diagnostics) = crate::content::load(&site, Default::default());
        assert!(archive.is_some(), "{:?}", diagnostics.sorted());
        assert!(new_issue(&site, Some(2025), Some(2), None, today).is_err());
        assert!(init(&site, today).is_err());
    }
}
