//! Finding content files and reading them as text. The folder layout is the
//! contract: `<year>/<nn>/_issue.md`, `<year>/<nn>/<slug>.md`,
//! `drafts/<slug>.md`; anything else in the wrong place is reported.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use super::{Asset, Location, SourceFile, CONTENT_DIR, DRAFTS_DIR, ISSUE_FILE};
use crate::diagnostics::{display_path, Diagnostic, Diagnostics};

/// A report bigger than this is a mistake (a pasted image, a wrong file).
pub const MAX_CONTENT_FILE_BYTES: u64 = 8 * 1024 * 1024;

pub struct Found {
    pub sources: Vec<SourceFile>,
    pub assets: Vec<Asset>,
}

pub fn discover(root: &Path, diagnostics: &mut Diagnostics) -> Found {
    let content = root.join(CONTENT_DIR);
    let mut found = Found {
        sources: Vec::new(),
        assets: Vec::new(),
    };
    if !content.is_dir() {
        diagnostics.push(
            Diagnostic::error(CONTENT_DIR, None, "找不到内容文件夹 content/")
                .hint("请在网站文件夹中建立 content/，每期一个文件夹：content/<年>/<期号>/"),
        );
        return found;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    // (year, number) → folder names seen, and whether _issue.md is there.
    let mut issue_folders: BTreeMap<(i32, u32), (Vec<String>, bool)> = BTreeMap::new();
    let mut bad_years = std::collections::HashSet::new();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0 || !is_ignored(&entry.file_name().to_string_lossy())
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err
                    .path()
                    .map(|p| display_path(root, p))
                    .unwrap_or_else(|| CONTENT_DIR.into());
                diagnostics.push(Diagnostic::error(
                    path,
                    None,
                    format!(
                        "无法读取：{}",
                        err.io_error()
                            .map(crate::diagnostics::io_reason)
                            .unwrap_or_else(|| err.to_string())
                    ),
                ));
                continue;
            }
        };
        let path = entry.path().to_path_buf();
        let display = display_path(root, &path);
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canonical_root) && target.is_file() => {}
                Ok(target) if target.starts_with(&canonical_root) => {
                    diagnostics.push(
                        Diagnostic::warning(display, None, "指向文件夹的符号链接已忽略")
                            .hint("请把文件直接放进 content/ 中"),
                    );
                    continue;
                }
                _ => {
                    diagnostics.push(
                        Diagnostic::error(
                            display,
                            None,
                            "符号链接指向网站文件夹之外（或已失效），出于安全原因不予读取",
                        )
                        .hint("请把要发布的文件复制到 content/ 中，不要链接到别处"),
                    );
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        let relative_path: PathBuf = path.strip_prefix(&content).unwrap_or(&path).to_path_buf();
        let parts: Vec<String> = relative_path
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let relative = parts.join("/");
        let is_markdown = matches!(
            relative_path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .as_deref(),
            Some("md" | "markdown")
        );
        let issue_folder = issue_folder_of(&parts);
        if !is_markdown {
            let target = match issue_folder {
                Some((year, number)) => format!("{year}/{number:02}/{}", parts[2..].join("/")),
                None => relative.clone(),
            };
            found.assets.push(Asset {
                source: path,
                display,
                draft: parts[0] == DRAFTS_DIR,
                target,
            });
            continue;
        }
        let location = match (parts.len(), issue_folder) {
            (3, Some((year, number))) => {
                let entry = issue_folders.entry((year, number)).or_default();
                if !entry.0.contains(&parts[1]) {
                    entry.0.push(parts[1].clone());
                }
                if parts[2] == ISSUE_FILE {
                    entry.1 = true;
                    Location::Issue { year, number }
                } else {
                    Location::Report { year, number }
                }
            }
            (2, _) if parts[0] == DRAFTS_DIR => Location::Draft,
            _ => {
                match year_problem(&parts) {
                    // Once for the folder, not once for each file in it.
                    Some(problem) => {
                        if bad_years.insert(parts[0].clone()) {
                            diagnostics.push(problem);
                        }
                    }
                    None => diagnostics.push(misplaced(&display, &parts)),
                }
                continue;
            }
        };
        if let Ok(meta) = std::fs::metadata(&path) {
            if meta.len() > MAX_CONTENT_FILE_BYTES {
                diagnostics.push(
                    Diagnostic::error(
                        display,
                        None,
                        format!("文件太大（{:.1} MB），一篇报告通常只有几十 KB", meta.len() as f64 / 1048576.0),
                    )
                    .hint("请检查是否误把图片、表格或整本文档存进了这个文件；图片请另存为图片文件并在正文中引用"),
                );
                continue;
            }
        }
        found.sources.push(SourceFile {
            path,
            display,
            relative,
            location,
        });
    }

    for ((year, number), (folders, has_issue_file)) in &issue_folders {
        if folders.len() > 1 {
            diagnostics.push(
                Diagnostic::error(
                    format!("{CONTENT_DIR}/{year}/{}", folders[1]),
                    None,
                    format!(
                        "{year} 年有两个第 {number} 期的文件夹：{}",
                        folders
                            .iter()
                            .map(|f| format!("content/{year}/{f}/"))
                            .collect::<Vec<_>>()
                            .join(" 和 ")
                    ),
                )
                .hint("同一年中每个期号只能有一个文件夹，请合并或改正期号"),
            );
        }
        if !has_issue_file {
            diagnostics.push(
                Diagnostic::error(
                    format!("{CONTENT_DIR}/{year}/{}/{ISSUE_FILE}", folders[0]),
                    None,
                    format!("{year} 年第 {number} 期的文件夹中没有 {ISSUE_FILE}"),
                )
                .hint(format!(
                    "请新建 {ISSUE_FILE}，至少写上出版日期：\n---\ndate: {year}-01-01\n---"
                )),
            );
        }
    }
    found
}

/// The report file at `path` as `discover` would list it, to read it again
/// after an edit. `None` for anything else (an issue file, an asset, a
/// file out of place, a symbolic link, an oversized file): those go
/// through a full load, which also says what is wrong with them.
pub fn report_source(root: &Path, path: &Path) -> Option<SourceFile> {
    let content = root.join(CONTENT_DIR);
    let relative_path = path.strip_prefix(&content).ok()?;
    let parts: Vec<String> = relative_path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.iter().any(|p| is_ignored(p)) {
        return None;
    }
    let extension = relative_path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("md" | "markdown")) {
        return None;
    }
    let location = match (parts.len(), issue_folder_of(&parts)) {
        (3, Some((year, number))) if parts[2] != ISSUE_FILE => Location::Report { year, number },
        (2, _) if parts[0] == DRAFTS_DIR => Location::Draft,
        _ => return None,
    };
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_CONTENT_FILE_BYTES {
        return None;
    }
    Some(SourceFile {
        path: path.to_path_buf(),
        display: display_path(root, path),
        relative: parts.join("/"),
        location,
    })
}

/// `<year>/<nn>/…` with a plausible year and issue number.
fn issue_folder_of(parts: &[String]) -> Option<(i32, u32)> {
    if parts.len() < 3 {
        return None;
    }
    let year: i32 = parts[0]
        .parse()
        .ok()
        .filter(|y| YEARS.contains(y) && parts[0].len() == 4)?;
    let number: u32 = parts[1].parse().ok().filter(|n| {
        *n > 0 && parts[1].len() <= 3 && parts[1].chars().all(|c| c.is_ascii_digit())
    })?;
    Some((year, number))
}

/// Years the archive may hold: what `parse_date` accepts.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// A folder under `content/` holding issues that is no year: all digits
/// but not four of them, or a year out of range (`content/1024/01/`).
fn year_problem(parts: &[String]) -> Option<Diagnostic> {
    let folder = parts.first().filter(|_| parts.len() >= 2)?;
    if folder.is_empty() || !folder.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let message = if folder.len() != 4 {
        format!("文件夹“{folder}”不是年份：年份要写四位数字")
    } else if !YEARS.contains(&folder.parse().ok()?) {
        format!(
            "年份文件夹“{folder}”不对：年份应在 {} 到 {} 之间",
            YEARS.start(),
            YEARS.end()
        )
    } else {
        return None;
    };
    Some(
        Diagnostic::error(format!("{CONTENT_DIR}/{folder}"), None, message)
            .hint("请把文件夹改名为出版的年份，如 content/2024/；其中的期文件夹和报告不用改动"),
    )
}

fn misplaced(display: &str, parts: &[String]) -> Diagnostic {
    let in_year = parts.len() >= 2 && parts[0].len() == 4 && parts[0].parse::<i32>().is_ok();
    let message = if parts.len() == 1 {
        "报告不在任何一期的文件夹中".to_string()
    } else if in_year && parts.len() == 2 {
        // content/<year>/<file>: no issue folder at all.
        format!(
            "报告直接放在了年份文件夹 content/{}/ 中，不在任何一期的文件夹中",
            parts[0]
        )
    } else if issue_folder_of(parts).is_some() {
        // content/<year>/<nn>/<sub>/…: the issue folder is fine, the
        // report sits one level too deep.
        format!(
            "报告放在了期文件夹 content/{}/{}/ 的子文件夹“{}”中",
            parts[0], parts[1], parts[2]
        )
    } else if in_year {
        format!("文件夹名“{}”不是期号", parts[1])
    } else if parts[0] == DRAFTS_DIR {
        format!(
            "草稿放在了 content/{DRAFTS_DIR}/ 的子文件夹“{}”中",
            parts[1]
        )
    } else {
        format!("文件夹“{}”不是年份，也不是 drafts", parts[0])
    };
    let hint = match issue_folder_of(parts) {
        Some(_) => format!(
            "请把文件直接移到 content/{}/{}/ 中：期文件夹中不要再分子文件夹",
            parts[0], parts[1]
        ),
        None if parts[0] == DRAFTS_DIR => {
            format!("请把文件直接移到 content/{DRAFTS_DIR}/ 中：草稿文件夹中不要再分子文件夹")
        }
        None => "报告应放在 content/<年>/<期号>/ 中（如 content/2024/27/），尚未编入某期的放在 content/drafts/".to_string(),
    };
    Diagnostic::error(display.to_string(), None, message).hint(hint)
}

/// Editor and system litter: hidden files, Word lock files, backups.
fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name == "Thumbs.db"
        || name.eq_ignore_ascii_case("desktop.ini")
}

pub fn read_text(root: &Path, file: &SourceFile, diagnostics: &mut Diagnostics) -> Option<String> {
    let _ = root;
    let bytes = match std::fs::read(&file.path) {
        Ok(bytes) => bytes,
        Err(err) => {
            diagnostics.push(Diagnostic::error(
                file.display.clone(),
                None,
                format!("无法读取文件：{}", crate::diagnostics::io_reason(&err)),
            ));
            return None;
        }
    };
    match super::source::decode(&bytes) {
        Ok(decoded) => {
            if let Some(note) = decoded.encoding.note() {
                diagnostics.push(
                    Diagnostic::warning(file.display.clone(), None, note)
                        .hint("建议用“另存为”把编码改为 UTF-8，以免别的工具读错"),
                );
            }
            Some(decoded.text)
        }
        Err(problem) => {
            diagnostics.push(
                Diagnostic::error(file.display.clone(), None, problem.message())
                    .hint(problem.hint()),
            );
            None
        }
    }
}
