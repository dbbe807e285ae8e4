//! `site.toml`: the site's settings, typed and validated. A key we do not
//! know is an error, because a misspelt setting would otherwise be ignored.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::Diagnostic;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The bulletin's name, printed large on the masthead.
    #[serde(default = "default_title", alias = "刊名")]
    pub title: String,
    #[serde(default, alias = "简介")]
    pub description: String,
    /// Where the site is published, e.g. `https://example.org/daibiao/`.
    /// Only its path is used in links; the whole URL in feeds and the sitemap.
    #[serde(default = "default_base_url", alias = "网址")]
    pub base_url: String,
    /// 编印单位 on the masthead.
    #[serde(default = "default_publisher", alias = "编印单位")]
    pub publisher: String,
    /// 印发单位 in the issuing line; defaults to the publisher.
    #[serde(default, alias = "印发单位")]
    pub printer: Option<String>,
    #[serde(default = "default_theme", alias = "主题")]
    pub theme: String,
    #[serde(default, alias = "分送")]
    pub distribution: DistributionConfig,
    /// How many reports the Atom feed carries.
    #[serde(default = "default_feed_limit", alias = "订阅条数")]
    pub feed_limit: usize,
    /// How many recent issues the home page lists.
    #[serde(default = "default_recent_issues", alias = "首页期数")]
    pub recent_issues: usize,
    /// How many keywords jieba extracts per report for keyword pages and
    /// related reports.
    #[serde(default = "default_keywords_per_report", alias = "关键词数")]
    pub keywords_per_report: usize,
    /// Every internal link and asset relative to its page, folder links
    /// ending in `index.html`: the output works opened from a folder.
    #[serde(default, alias = "相对链接")]
    pub relative_links: bool,
    /// 主办单位, shown in every page's footer (政府网站发展指引).
    #[serde(default, alias = "主办单位")]
    pub organizer: String,
    /// 联系方式: an address, a telephone number, a mailbox.
    #[serde(default, alias = "联系方式")]
    pub contact: String,
    /// ICP备案号, e.g. 豫ICP备12345678号; linked to the MIIT record site.
    #[serde(default, alias = "ICP备案号")]
    pub icp_record: String,
    /// 公安备案号, e.g. 豫公网安备 41010502000123号; linked to its record.
    #[serde(default, alias = "公安备案号")]
    pub police_record: String,
    /// 网站标识码, e.g. 4100000001.
    #[serde(default, alias = "网站标识码")]
    pub site_code: String,
    /// How the print pages and their PDFs are laid out.
    #[serde(default, alias = "印刷")]
    pub print: PrintConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrintConfig {
    /// Double-sided printing: the distribution block falls on an even page
    /// (the back of the last sheet), after a blank page where needed.
    #[serde(default, alias = "双面")]
    pub duplex: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DistributionConfig {
    #[serde(default, alias = "送")]
    pub to: Vec<String>,
    #[serde(default, alias = "发")]
    pub cc: Vec<String>,
}

fn default_title() -> String {
    "代表工作".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_publisher() -> String {
    "河南省人大常委会代表工作委员会".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_feed_limit() -> usize {
    30
}
fn default_recent_issues() -> usize {
    10
}
fn default_keywords_per_report() -> usize {
    8
}

impl SiteConfig {
    /// Reads and validates `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<SiteConfig, Diagnostic> {
        Self::load_noting_encoding(root).map(|(config, _)| config)
    }

    /// As `load`, with a warning when the file was not saved as UTF-8
    /// (GBK, UTF-16): read correctly, but other tools may not.
    pub fn load_noting_encoding(
        root: &Path,
    ) -> Result<(SiteConfig, Option<Diagnostic>), Diagnostic> {
        let path = root.join(CONFIG_FILE);
        let bytes = std::fs::read(&path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                Diagnostic::error(CONFIG_FILE, None, format!("找不到网站设置文件 {}", path.display()))
                    .hint("请在网站文件夹中放置 site.toml（可用 jianbao init 生成），或用 --root 指定网站文件夹")
            } else {
                Diagnostic::error(CONFIG_FILE, None, format!("无法读取 site.toml：{}", crate::diagnostics::io_reason(&err)))
            }
        })?;
        let decoded = crate::content::source::decode(&bytes).map_err(|problem| {
            Diagnostic::error(CONFIG_FILE, None, problem.message()).hint(problem.hint())
        })?;
        let note = decoded.encoding.note().map(|note| {
            Diagnostic::warning(CONFIG_FILE, None, note)
                .hint("建议用“另存为”把编码改为 UTF-8，以免别的工具读错")
        });
        Ok((Self::parse(&decoded.text)?, note))
    }

    pub fn parse(text: &str) -> Result<SiteConfig, Diagnostic> {
        let config: SiteConfig = toml::from_str(text).map_err(|err| {
            let line = err.span().map(|span| line_of_offset(text, span.start));
            let (message, hint) = explain_toml_error(err.message());
            Diagnostic::error(CONFIG_FILE, line, format!("site.toml 写法有误：{message}"))
                .hint(hint)
        })?;
        config.validate(text)?;
        Ok(config)
    }

    fn validate(&self, text: &str) -> Result<(), Diagnostic> {
        // A bare path (`/daibiao/`) is fine; anything else must be a full
        // address, or every link and the feed would point nowhere.
        let url = self.base_url.trim();
        let scheme_ok = ["http://", "https://"].iter().any(|scheme| {
            url.get(..scheme.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
                && url.len() > scheme.len()
        });
        if !(url.starts_with('/') || scheme_ok) {
            let line = key_line(text, &["base_url", "网址"]);
            return Err(Diagnostic::error(
                CONFIG_FILE,
                line,
                format!("网址（base_url）“{url}”不是完整的网址：缺少开头的 http:// 或 https://"),
            )
            .hint(format!(
                "请写成完整的网址，如 base_url = \"https://{}\"；只发布在某个路径下而不写域名时，写成以 / 开头的路径，如 \"/daibiao/\"",
                url.trim_start_matches('/').split("://").last().unwrap_or(url)
            )));
        }
        if self.title.trim().is_empty() {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                None,
                "刊名（title）不能为空",
            ));
        }
        if self.keywords_per_report > 50 {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                None,
                "关键词数（keywords_per_report）不能超过 50",
            ));
        }
        if !self.police_record.trim().is_empty() && self.police_record_code().is_none() {
            return Err(Diagnostic::error(
                CONFIG_FILE,
                None,
                format!(
                    "公安备案号（police_record）“{}”中没有备案编号",
                    self.police_record
                ),
            )
            .hint("请照公安机关给出的备案号填写，如 \"豫公网安备 41010502000123号\""));
        }
        Ok(())
    }

    /// The digits of the 公安 record number, which its record page is
    /// looked up by: `豫公网安备 41010502000123号` → `41010502000123`.
    pub fn police_record_code(&self) -> Option<String> {
        let digits: String = self
            .police_record
            .chars()
            .filter_map(|c| match c {
                '0'..='9' => Some(c),
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                _ => None,
            })
            .collect();
        (!digits.is_empty()).then_some(digits)
    }

    pub fn printer(&self) -> &str {
        self.printer.as_deref().unwrap_or(&self.publisher)
    }

    /// The path part of `base_url`, always starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let after_scheme = match self.base_url.find("://") {
            Some(i) => &self.base_url[i + 3..],
            None => self.base_url.as_str(),
        };
        let path = if self.base_url.contains("://") {
            after_scheme
                .find('/')
                .map(|i| &after_scheme[i..])
                .unwrap_or("/")
        } else {
            after_scheme
        };
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            "/".into()
        } else {
            format!("/{trimmed}/")
        }
    }

    /// `base_url` without its trailing slash, for absolute links in feeds.
    pub fn absolute_prefix(&self) -> String {
        if self.base_url.contains("://") {
            let base = self.base_url.trim_end_matches('/');
            let path = self.base_path();
            base.strip_suffix(path.trim_end_matches('/'))
                .unwrap_or(base)
                .to_string()
        } else {
            String::new()
        }
    }
}

/// Settings editors may write, with their Chinese names.
const KNOWN_KEYS: &[(&str, &str)] = &[
    ("title", "刊名"),
    ("description", "简介"),
    ("base_url", "网址"),
    ("publisher", "编印单位"),
    ("printer", "印发单位"),
    ("theme", "主题"),
    ("distribution", "分送"),
    ("feed_limit", "订阅条数"),
    ("recent_issues", "首页期数"),
    ("keywords_per_report", "关键词数"),
    ("relative_links", "相对链接"),
    ("organizer", "主办单位"),
    ("contact", "联系方式"),
    ("icp_record", "ICP备案号"),
    ("police_record", "公安备案号"),
    ("site_code", "网站标识码"),
    ("to", "送"),
    ("cc", "发"),
    ("print", "印刷"),
    ("duplex", "双面"),
];

/// toml's messages are English; the common ones are said again in Chinese.
fn explain_toml_error(message: &str) -> (String, String) {
    let general =
        "请对照 README 中的 site.toml 示例修改；中文键名须加引号，如 \"送\" = [\"…\"]".to_string();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let closest = KNOWN_KEYS
            .iter()
            .map(|(name, alias)| {
                let distance = crate::content::front_matter::edit_distance(key, name)
                    .min(crate::content::front_matter::edit_distance(key, alias));
                (distance, name, alias)
            })
            .filter(|(distance, _, _)| *distance <= 2)
            .min_by_key(|(distance, _, _)| *distance);
        let hint = match closest {
            Some((_, name, alias)) => format!("是不是想写“{name}”（{alias}）？否则请删去这一项"),
            None => format!(
                "请删去这一项。可用的设置：{}",
                KNOWN_KEYS
                    .iter()
                    .map(|(n, a)| format!("{n}（{a}）"))
                    .collect::<Vec<_>>()
                    .join("，")
            ),
        };
        return (format!("未知的设置项“{key}”"), hint);
    }
    // The parser's own words are English; none of them is passed on.
    let types = "文字要加英文双引号，数字不加，列表写成 [\"甲\", \"乙\"]".to_string();
    if message.starts_with("invalid type") {
        return ("设置的值类型不对".into(), types);
    }
    if message.starts_with("duplicate key") {
        return (
            "同一个设置项写了两次".into(),
            "请删去其中一个（中文键名和英文键名指同一项）".into(),
        );
    }
    if message.contains("string") || message.contains("quote") {
        return ("文字没有放在引号中，或引号没有配对".into(), types);
    }
    ("这一行不符合 TOML 的写法".into(), general)
}

/// The line of the first of `keys` set at the start of a line.
fn key_line(text: &str, keys: &[&str]) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            keys.iter().any(|key| {
                [key.to_string(), format!("\"{key}\"")].iter().any(|k| {
                    line.strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
            })
        })
        .map(|index| index + 1)
}

pub fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_an_empty_file() {
        let config = SiteConfig::parse("").unwrap();
        assert_eq!(config.title, "代表工作");
        assert_eq!(config.printer(), "河南省人大常委会代表工作委员会");
        assert_eq!(config.base_path(), "/");
    }

    #[test]
    fn chinese_and_english_keys_mean_the_same() {
        let config = SiteConfig::parse(
            "\"编印单位\" = \"甲\"\n[distribution]\n\"送\" = [\"乙\"]\ncc = [\"丙\"]\n",
        )
        .unwrap();
        assert_eq!(config.publisher, "甲");
        assert_eq!(config.distribution.to, vec!["乙"]);
        assert_eq!(config.distribution.cc, vec!["丙"]);
    }

    #[test]
    fn unknown_keys_are_errors_with_their_line() {
        let err = SiteConfig::parse("title = \"代表工作\"\ntitel = \"x\"\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("titel"), "{}", err.message);
    }

    #[test]
    fn base_url_is_a_full_address_or_a_path() {
        for good in [
            "/",
            "/daibiao/",
            "https://example.org/daibiao/",
            "HTTP://example.org",
        ] {
            assert!(
                SiteConfig::parse(&format!("base_url = \"{good}\"")).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "example.org/daibiao/",
            "www.example.org",
            "ftp://example.org/",
            "https://",
        ] {
            let text = format!("title = \"代表工作\"\n\n\"网址\" = \"{bad}\"\n");
            let err = SiteConfig::parse(&text).unwrap_err();
            assert_eq!(err.line, Some(3), "{bad}");
            assert!(err.message.contains("base_url"), "{}", err.message);
        }
    }

    #[test]
    fn toml_mistakes_are_told_without_the_parsers_english() {
        for text in [
            "title = 代表工作\n",
            "title = \"甲\"\ntitle = \"乙\"\n",
            "feed_limit = \"三十\"\n",
            "[distribution\n",
        ] {
            let err = SiteConfig::parse(text).unwrap_err();
            let words = format!("{} {}", err.message, err.hint.unwrap_or_default());
            let english: Vec<&str> = words
                .split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() > 2 && !["site", "toml", "TOML", "README"].contains(w))
                .collect();
            assert!(english.is_empty(), "{words}");
        }
    }

    #[test]
    fn footer_keys_read_in_chinese_and_the_police_record_yields_its_code() {
        let config = SiteConfig::parse(
            "\"主办单位\" = \"河南省人大常委会\"\n\"ICP备案号\" = \"豫ICP备12345678号\"\n\"公安备案号\" = \"豫公网安备 ４1010502000123号\"\n\"相对链接\" = true\n",
        )
        .unwrap();
        assert_eq!(config.organizer, "河南省人大常委会");
        assert_eq!(config.icp_record, "豫ICP备12345678号");
        assert_eq!(
            config.police_record_code().as_deref(),
            Some("41010502000123")
        );
        assert!(config.relative_links);
        let err = SiteConfig::parse("\"公安备案号\" = \"豫公网安备\"\n").unwrap_err();
        assert!(err.message.contains("没有备案编号"), "{}", err.message);
        let err = SiteConfig::parse("\"ICP备案\" = \"x\"\n").unwrap_err();
        assert!(
            err.hint.as_deref().unwrap_or("").contains("ICP备案号"),
            "{err:?}"
        );
    }

    #[test]
    fn duplex_printing_is_off_unless_asked_for() {
        assert!(!SiteConfig::parse("").unwrap().print.duplex);
        assert!(
            SiteConfig::parse("[print]\nduplex = true\n")
                .unwrap()
                .print
                .duplex
        );
        assert!(
            SiteConfig::parse("[\"印刷\"]\n\"双面\" = true\n")
                .unwrap()
                .print
                .duplex
        );
        let err = SiteConfig::parse("[print]\nduplx = true\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.hint.as_deref().unwrap_or("").contains("duplex"),
            "{err:?}"
        );
    }

    #[test]
    fn base_path_comes_from_base_url() {
        let mut config = SiteConfig::parse("base_url = \"https://example.org/daibiao\"").unwrap();
        assert_eq!(config.base_path(), "/daibiao/");
        assert_eq!(config.absolute_prefix(), "https://example.org");
        config.base_url = "https://example.org".into();
        assert_eq!(config.base_path(), "/");
        assert_eq!(config.absolute_prefix(), "https://example.org");
    }
}
