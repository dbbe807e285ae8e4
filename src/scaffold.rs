//! `jianbao init` and `jianbao new`: a new site, the next issue, a new
//! report, each with its front matter filled in from what the site knows.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, NaiveDate};

use crate::config::SiteConfig;
use crate::content::gazetteer::{Gazetteer, Resolution};
use crate::content::{placeholders, CONTENT_DIR, DRAFTS_DIR, ISSUE_FILE};

const SITE_TOML: &str = include_str!("../site.toml");

const OVERRIDES_README: &str =
    "这里放网站自己的模板，按文件名覆盖内置主题的同名模板（Tera 2 语法）。
可覆盖的模板：base.html index.html issue.html report.html print.html issues.html
terms.html term.html stats.html search.html 404.html atom.xml sitemap.xml
用 jianbao theme eject 模板名（如 jianbao theme eject base.html）把内置模板复制到这里再修改；
不写模板名则复制全部模板。已有的文件不会被覆盖。
";

const STATIC_README: &str = "这里放网站自己的静态文件（图片、样式等），原样复制到网站根目录；
与内置主题同名的文件（style.css、print.css、search.js、print.js、favicon.svg、favicon.ico、robots.txt、fonts/ 中印刷版的字体）会覆盖内置的。
jianbao theme eject style.css 把内置的样式表复制到这里。
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

/// The site's default distribution as comments: shown, so the editor
/// sees what the issue gets, but not written as the issue's own, which
/// would freeze today's `site.toml` into it.
fn distribution_comment(config: &SiteConfig) -> String {
    let list = |items: &[String]| {
        items
            .iter()
            .map(|i| format!("#     - {}\n", yaml_string(i)))
            .collect::<String>()
    };
    format!(
        "# 分送范围：不写就用 site.toml 中的默认值（改了 site.toml，各期随之改变）。\n# 本期不同时，去掉下面几行开头的“# ”再修改：\n# distribution:\n#   送:\n{}#   发:\n{}",
        list(&config.distribution.to),
        list(&config.distribution.cc)
    )
}

/// The sample report of a new site: a draft, so it is never published,
/// and full of placeholders, so it cannot be published unchanged.
fn sample_report() -> String {
    use crate::content::placeholders::{BODY, SECTION, TITLE};
    format!(
        "---\n# 这是一篇示例报告，演示报告文件的写法。它在 content/drafts/ 中，是草稿，不会发布\n# （jianbao serve --drafts 可以预览）。要编入某一期，先用 jianbao new issue 建立那一期，\n# 再把这个文件移到该期的文件夹（如 content/2025/01/）、写上期号，改写全部内容后删去 draft 一行。\n# 期号: 1\n县区: 新蔡县\n标题: \"{TITLE}\"\n供稿: 驻马店市人大常委会代表工委\ndraft: true\n---\n\n{BODY}。段落之间空一行。\n\n一、{SECTION}。接着写这一部分的正文。\n\n二、{SECTION}。接着写这一部分的正文。\n"
    )
}

/// `jianbao init DIR`: a site that builds at once and publishes nothing
/// unfinished. It holds no issue yet (an empty issue would go out as
/// such); the sample report is a draft.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
        bail!(
            "{} 不是空文件夹：为免覆盖已有文件，请指定一个新的文件夹",
            dir.display()
        );
    }
    let files = vec![
        (dir.join("site.toml"), SITE_TOML.to_string()),
        (
            dir.join(CONTENT_DIR).join(DRAFTS_DIR).join("示例.md"),
            sample_report(),
        ),
        (
            dir.join("templates").join("说明.txt"),
            OVERRIDES_README.to_string(),
        ),
        // A leading dot keeps the note out of the published site.
        (
            dir.join("static").join(".说明.txt"),
            STATIC_README.to_string(),
        ),
    ];
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

/// The folder of issue `number` of `year` as it is written on disk
/// (`27`, `07` or `7`), if there is one.
pub fn issue_folder(root: &Path, year: i32, number: u32) -> Option<PathBuf> {
    let year_dir = root.join(CONTENT_DIR).join(year.to_string());
    std::fs::read_dir(&year_dir)
        .ok()?
        .flatten()
        .find(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.chars().all(|c| c.is_ascii_digit()) && name.parse::<u32>().ok() == Some(number)
        })
        .map(|e| e.path())
}

/// `jianbao new issue`. The date must lie in the issue's year: today's
/// date is taken only for this year's issues.
pub fn new_issue(
    root: &Path,
    year: Option<i32>,
    number: Option<u32>,
    date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<PathBuf> {
    let config = SiteConfig::load(root).map_err(|d| anyhow::anyhow!("{d}"))?;
    let date = match (year, date) {
        (Some(year), None) if year != today.year() => bail!(
            "{year} 年的一期不能用今天的日期（{today}）：请用 --date 写明这一期的出版日期，如 --date {year}-07-15"
        ),
        (Some(year), Some(date)) if date.year() != year => bail!(
            "日期 {date} 不在 {year} 年：请改正 --date 或 --year（一期的日期须在它所在的年份）"
        ),
        (_, date) => date.unwrap_or(today),
    };
    let year = year.unwrap_or(date.year());
    let used = numbers_in(root, year);
    let number = number.unwrap_or_else(|| used.last().map_or(1, |n| n + 1));
    if let Some(folder) = issue_folder(root, year, number) {
        bail!(
            "{year} 年第 {number} 期已经存在（{}）",
            crate::diagnostics::display_path(root, &folder)
        );
    }
    let path = root
        .join(CONTENT_DIR)
        .join(format!("{year}/{number:02}"))
        .join(ISSUE_FILE);
    let text = format!(
        "---\n# 出版日期（必填，须在 {year} 年内）\ndate: {date}\n# 专辑名称（可不写）\n# album: \"…专辑（一）\"\n# 印数（可不写）\n# copies: 70\n{}---\n",
        distribution_comment(&config)
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
            let folder = issue_folder(root, year, number)
                .filter(|folder| folder.join(ISSUE_FILE).is_file())
                .with_context(|| {
                    format!("没有 {year} 年第 {number} 期（content/{year}/{number:02}/{ISSUE_FILE}）：请先运行 jianbao new issue --year {year} --number {number}")
                })?;
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
    let supplier_line = format!(
        "supplier: {}\n",
        yaml_string(supplier.as_deref().unwrap_or(placeholders::SUPPLIER))
    );
    // A draft, as Hugo's archetypes make them: written and checked in
    // peace, published once the editor deletes the line.
    let text = format!(
        "---\n{issue_line}county: {}\ntitle: {}\n{supplier_line}# 草稿不会发布：写完后删去下面这一行\ndraft: true\n---\n\n{}。\n",
        yaml_string(county),
        yaml_string(title.unwrap_or(placeholders::TITLE)),
        placeholders::BODY
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
        init(&site).unwrap();
        let issue = new_issue(&site, None, None, None, today).unwrap();
        assert!(
            issue.ends_with("content/2025/01/_issue.md"),
            "{}",
            issue.display()
        );
        let report = new_report(&site, "新蔡县", Some((2025, 1)), Some("标题")).unwrap();
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(
            text.contains("supplier: \"驻马店市人大常委会代表工委\""),
            "{text}"
        );
        assert!(text.contains("\ndraft: true\n"), "{text}");
        let (archive, diagnostics) = crate::content::load(&site, Default::default());
        assert!(archive.is_some(), "{:?}", diagnostics.sorted());
        assert!(new_issue(&site, Some(2025), Some(1), None, today).is_err());
        assert!(init(&site).is_err());
    }

    #[test]
    fn an_issue_of_another_year_needs_its_date() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        init(&site).unwrap();
        let today = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let err = new_issue(&site, Some(2023), None, None, today).unwrap_err();
        assert!(err.to_string().contains("请用 --date"), "{err}");
        let date = NaiveDate::from_ymd_opt(2024, 5, 1);
        let err = new_issue(&site, Some(2023), None, date, today).unwrap_err();
        assert!(err.to_string().contains("不在 2023 年"), "{err}");
        let date = NaiveDate::from_ymd_opt(2023, 5, 1);
        let path = new_issue(&site, Some(2023), None, date, today).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("\ndate: 2023-05-01\n"), "{text}");
        // The distribution is shown, not frozen into the issue.
        assert!(
            !text.lines().any(|l| l.starts_with("distribution")),
            "{text}"
        );
    }
}

/// What `jianbao theme eject` did with one file.
#[derive(Debug, PartialEq, Eq)]
pub enum Ejected {
    Copied(PathBuf),
    /// Already there: left as it is.
    Kept(PathBuf),
}

/// `jianbao theme eject [名称…]`: copies built-in templates into
/// `<root>/templates/` (static files such as `style.css` into `static/`)
/// for editing; all the templates when no name is given. Never overwrites.
pub fn eject_theme(root: &Path, names: &[String]) -> Result<Vec<Ejected>> {
    use crate::render::templates::{builtin_static, builtin_templates};
    let templates = builtin_templates();
    let statics = builtin_static();
    let wanted: Vec<String> = if names.is_empty() {
        templates.iter().map(|(name, _)| name.to_string()).collect()
    } else {
        names.to_vec()
    };
    // Every name is checked before anything is written.
    let mut plan: Vec<(PathBuf, &[u8])> = Vec::new();
    for name in &wanted {
        let name = name
            .trim()
            .trim_start_matches("templates/")
            .trim_start_matches("static/");
        if let Some((_, text)) = templates.iter().find(|(n, _)| *n == name) {
            plan.push((root.join("templates").join(name), text.as_bytes()));
        } else if let Some((_, bytes)) = statics.iter().find(|(n, _)| *n == name) {
            plan.push((root.join("static").join(name), bytes));
        } else {
            let known: Vec<&str> = templates
                .iter()
                .map(|(n, _)| *n)
                .chain(statics.iter().map(|(n, _)| *n))
                .collect();
            bail!("内置主题中没有“{name}”。可复制的文件：{}", known.join("、"));
        }
    }
    let mut done = Vec::new();
    for (path, bytes) in plan {
        if path.exists() {
            done.push(Ejected::Kept(path));
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("无法创建文件夹 {}", parent.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("无法写入 {}", path.display()))?;
        done.push(Ejected::Copied(path));
    }
    Ok(done)
}
