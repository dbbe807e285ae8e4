//! Templates and static files, resolved file by file: the site's own
//! `templates/` and `static/` override the theme's, which override the
//! built-in default theme compiled into the binary (`builtin`). Loading a
//! theme reads the disk; rendering with it (`render`) does not.

mod builtin;
mod template_errors;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use crate::diagnostics::{display_path, Diagnostic};
use builtin::{BUILTIN_STATIC, BUILTIN_TEMPLATES, LINKED_ASSETS};

/// The templates the renderer renders, each a file a theme may override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Template {
    Home,
    Issue,
    Print,
    Report,
    Issues,
    Terms,
    Term,
    Stats,
    Search,
    NotFound,
    Feed,
    Sitemap,
}

impl Template {
    /// The template's file name under `templates/`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Template::Home => "index.html",
            Template::Issue => "issue.html",
            Template::Print => "print.html",
            Template::Report => "report.html",
            Template::Issues => "issues.html",
            Template::Terms => "terms.html",
            Template::Term => "term.html",
            Template::Stats => "stats.html",
            Template::Search => "search.html",
            Template::NotFound => "404.html",
            Template::Feed => "atom.xml",
            Template::Sitemap => "sitemap.xml",
        }
    }
}

/// The built-in templates, by name: what `jianbao theme eject` copies.
pub(crate) fn builtin_templates() -> &'static [(&'static str, &'static str)] {
    BUILTIN_TEMPLATES
}

/// The built-in static files, by name.
pub(crate) fn builtin_static() -> &'static [(&'static str, &'static [u8])] {
    BUILTIN_STATIC
}

/// Where a file of the site comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    Builtin(&'static [u8]),
    File(PathBuf),
}

impl Origin {
    /// The file's bytes (built-in ones without reading anything).
    pub(crate) fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            Origin::Builtin(bytes) => Ok(std::borrow::Cow::Borrowed(bytes)),
            Origin::File(path) => std::fs::read(path).map(std::borrow::Cow::Owned),
        }
    }
}

/// The print stylesheet's faces (print.css): 仿宋, 黑体, 楷体 and the heavy
/// 宋体 of titles, by their paths among the static files.
const PRINT_FACES: [&str; 4] = [
    "fonts/FandolFang-Regular.woff2",
    "fonts/FandolHei-Regular.woff2",
    "fonts/FandolKai-Regular.woff2",
    "fonts/FandolSong-Bold.woff2",
];
const PRINT_FALLBACK: &str = "fonts/PlaceNames-Kai.woff2";

pub struct Theme {
    tera: Tera,
    /// Output path → where to copy it from.
    pub static_files: BTreeMap<String, Origin>,
    /// Template name → the file it came from (for messages).
    pub template_sources: BTreeMap<String, String>,
    /// Linked static file → a hash of its bytes.
    pub fingerprints: BTreeMap<String, String>,
}

impl Theme {
    /// `template` rendered with `context`; a failure as a diagnostic
    /// naming the template's file (the site's, the theme's or built-in).
    pub(crate) fn render(
        &self,
        template: Template,
        context: &tera::Context,
    ) -> Result<String, Diagnostic> {
        let name = template.name();
        self.tera.render(name, context).map_err(|err| {
            let origin = self
                .template_sources
                .get(name)
                .cloned()
                .unwrap_or_else(|| name.to_string());
            let explained = template_errors::explain_error(&err);
            let line = explained.first().and_then(|e| e.line);
            let message = explained
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join("；");
            Diagnostic::error(origin, line, format!("模板渲染失败：{message}"))
                .hint("模板中用到的变量须存在；可用 {% if x %} 判断可选的值。可用的变量见 README")
        })
    }

    /// What the print pages' fonts draw: every character all four faces
    /// of the print stylesheet have, and the place-name fallback's.
    /// `None` when a theme or site has no such font files (its print pages
    /// use other fonts, which this cannot know), or one is unreadable.
    pub(crate) fn print_font_coverage(&self) -> Option<crate::font_coverage::Coverage> {
        let read = |name: &str| self.static_files.get(name)?.read().ok();
        let faces = PRINT_FACES
            .iter()
            .map(|name| read(name))
            .collect::<Option<Vec<_>>>()?;
        let faces: Vec<&[u8]> = faces.iter().map(|bytes| bytes.as_ref()).collect();
        let coverage = crate::font_coverage::Coverage::of_all(&faces).ok()?;
        match read(PRINT_FALLBACK) {
            Some(fallback) => coverage.and_fallback(&fallback).ok(),
            None => Some(coverage),
        }
    }

    pub fn load(root: &Path, theme: &str) -> Result<Theme, Vec<Diagnostic>> {
        let mut sources: BTreeMap<String, (String, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(name, text)| {
                (
                    name.to_string(),
                    (text.to_string(), format!("（内置模板）{name}")),
                )
            })
            .collect();
        let mut static_files: BTreeMap<String, Origin> = BUILTIN_STATIC
            .iter()
            .map(|(name, bytes)| (name.to_string(), Origin::Builtin(bytes)))
            .collect();
        let mut problems = Vec::new();

        let theme_dir = root.join("themes").join(theme);
        if theme_dir.is_dir() {
            overlay_templates(
                root,
                &theme_dir.join("templates"),
                &mut sources,
                &mut problems,
            );
            overlay_static(&theme_dir.join("static"), &mut static_files);
        } else if theme != "default" {
            problems.push(
                Diagnostic::error(
                    "site.toml",
                    None,
                    format!("找不到主题“{theme}”（应在 themes/{theme}/ 中）"),
                )
                .hint("请检查 site.toml 中 theme 的拼写，或删去这一行以使用内置的默认主题"),
            );
            return Err(problems);
        }
        overlay_templates(root, &root.join("templates"), &mut sources, &mut problems);
        overlay_static(&root.join("static"), &mut static_files);

        if !problems.is_empty() {
            return Err(problems);
        }
        // Tera stops at the first broken template; take it out and try
        // again so one run names every broken file.
        let tera = loop {
            let mut tera = Tera::new();
            tera.autoescape_on(vec![".html", ".xml"]);
            let result = tera.add_raw_templates(
                sources
                    .iter()
                    .map(|(name, (text, _))| (name.clone(), text.clone())),
            );
            let err = match result {
                Ok(()) if problems.is_empty() => break tera,
                Ok(()) => return Err(problems),
                Err(err) => err,
            };
            let mut taken_out = false;
            let mut unplaced = Vec::new();
            for explained in template_errors::explain_error(&err) {
                let origin = explained
                    .template
                    .as_ref()
                    .and_then(|name| sources.get(name))
                    .map(|(_, origin)| origin.clone());
                match origin {
                    Some(origin) => {
                        problems.push(
                            Diagnostic::error(
                                origin,
                                explained.line,
                                format!("模板语法有误：{}", explained.message),
                            )
                            .hint("请检查 {{ }} 与 {% %} 是否成对、标签名是否拼写正确；模板语法见 Tera 2 文档"),
                        );
                        if let Some(name) = &explained.template {
                            taken_out |= sources.remove(name).is_some();
                        }
                    }
                    None => unplaced.push(explained.message),
                }
            }
            if !taken_out {
                for message in unplaced {
                    problems.push(
                        Diagnostic::error(
                            "templates",
                            None,
                            format!("模板之间的引用有误：{message}"),
                        )
                        .hint("请检查 extends / include 引用的模板名是否存在"),
                    );
                }
                return Err(problems);
            }
        };
        let fingerprints = fingerprints(&static_files);
        Ok(Theme {
            tera,
            fingerprints,
            static_files,
            template_sources: sources
                .into_iter()
                .map(|(name, (_, origin))| (name, origin))
                .collect(),
        })
    }
}

fn fingerprints(static_files: &BTreeMap<String, Origin>) -> BTreeMap<String, String> {
    LINKED_ASSETS
        .iter()
        .filter_map(|name| {
            let bytes = match static_files.get(*name)? {
                Origin::Builtin(bytes) => std::borrow::Cow::Borrowed(*bytes),
                // Unreadable: copying it fails later, with its own message.
                Origin::File(path) => std::fs::read(path).ok()?.into(),
            };
            Some((name.to_string(), content_hash(&bytes)))
        })
        .collect()
}

/// 64-bit FNV-1a, in hex: enough to tell one version of a file from the
/// next (no one forges a style sheet to collide with it).
pub(crate) fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:010x}", hash >> 24)
}

fn overlay_templates(
    root: &Path,
    dir: &Path,
    sources: &mut BTreeMap<String, (String, String)>,
    problems: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if name.starts_with('.') || !(name.ends_with(".html") || name.ends_with(".xml")) {
            continue;
        }
        let display = display_path(root, entry.path());
        match std::fs::read(entry.path()).map(|bytes| crate::encoding::decode(&bytes)) {
            Ok(Ok(decoded)) => {
                sources.insert(name, (decoded.text, display));
            }
            Ok(Err(problem)) => problems
                .push(Diagnostic::error(display, None, problem.message()).hint(problem.hint())),
            Err(err) => problems.push(Diagnostic::error(
                display,
                None,
                format!("无法读取模板：{}", crate::diagnostics::io_reason(&err)),
            )),
        }
    }
}

fn overlay_static(dir: &Path, static_files: &mut BTreeMap<String, Origin>) {
    if !dir.is_dir() {
        return;
    }
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .flatten()
    {
        if entry.file_type().is_file() {
            let name = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .to_string_lossy()
                .replace('\\', "/");
            if !name.split('/').any(|part| part.starts_with('.')) {
                static_files.insert(name, Origin::File(entry.path().to_path_buf()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file added to the default theme but not embedded would work only
    /// in sites that carry a copy of the theme.
    #[test]
    fn every_file_of_the_default_theme_is_embedded() {
        let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        // Each file under `dir`, by its `/`-separated path there.
        let files = |dir: &Path| -> Vec<(String, PathBuf)> {
            walkdir::WalkDir::new(dir)
                .into_iter()
                .flatten()
                .filter(|entry| entry.file_type().is_file())
                .map(|entry| {
                    let name = entry
                        .path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/");
                    (name, entry.path().to_path_buf())
                })
                .collect()
        };
        for (name, _) in files(&theme.join("templates")) {
            assert!(
                BUILTIN_TEMPLATES.iter().any(|(n, _)| *n == name),
                "template {name} is not embedded"
            );
        }
        for (name, path) in files(&theme.join("static")) {
            let embedded = BUILTIN_STATIC.iter().find(|(n, _)| *n == name);
            let bytes = std::fs::read(path).unwrap();
            assert!(
                embedded.is_some_and(|(_, b)| *b == bytes.as_slice()),
                "static file {name} is not embedded"
            );
        }
    }
}
