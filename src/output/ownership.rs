//! Which output folders are jianbao's to replace. Every output carries a
//! record, `.jianbao-output`, listing each file jianbao wrote into it: the
//! build's own files, the PDFs `jianbao pdf` adds later, the files that
//! `serve`'s incremental writes add. A folder is jianbao's when every file
//! in it is on that list. Anything else (a `robots.txt` the IT staff put
//! in the web server's folder, another program's pages) stops the build
//! before anything is touched: replacing the folder would delete it.
//!
//! This is rsync's `--delete` and Hugo's `--cleanDestinationDir` turned
//! the safe way round: removing files nobody told jianbao to manage takes
//! an explicit option (`--replace-out`), and never happens silently.

use std::collections::HashSet;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The record of what jianbao wrote, at the top of every output.
pub const MANIFEST: &str = ".jianbao-output";

const HEADER: &str = "# jianbao 输出记录：这个文件夹由 jianbao 生成，下面每行是它写入的一个文件。
# 下次生成网站时整个文件夹会被替换；不在此列的文件会让 jianbao 停下，而不会被删除。
# 请不要修改或删除这个文件。
";

/// How many foreign files a message names before it only counts.
const LISTED: usize = 10;

/// Files that file browsers drop into any folder they show (Finder,
/// Explorer): caches they make again, nobody's work.
fn is_system_litter(name: &str) -> bool {
    matches!(
        name,
        ".DS_Store" | "Thumbs.db" | "desktop.ini" | "Desktop.ini"
    )
}

/// `.<name>.jianbao-<pid>`: a file being written by a rename, left by an
/// interrupted incremental write or `.pdf.part` of an interrupted print.
fn is_own_temporary(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    rest.rsplit_once(".jianbao-").is_some_and(|(stem, pid)| {
        !stem.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Why an output folder is not jianbao's to replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Foreign {
    /// A file (or a link to one) where the folder should be.
    NotAFolder,
    /// A folder with files but no record: another program's, or one made
    /// by hand.
    NoRecord,
    /// A folder jianbao built, with files added since.
    Unlisted,
}

/// The refusal, with the files that would have been lost.
#[derive(Debug, Clone)]
pub struct ForeignOutput {
    pub out: PathBuf,
    pub kind: Foreign,
    /// The first few foreign files, relative to the folder.
    pub files: Vec<String>,
    pub total: usize,
}

impl fmt::Display for ForeignOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let out = self.out.display();
        match self.kind {
            Foreign::NotAFolder => {
                return write!(
                    f,
                    "输出位置 {out} 是一个文件，不是文件夹；为免删除它，没有生成网站\n\
                     处理办法：请用 --out 指定一个不存在的或空的文件夹"
                )
            }
            Foreign::NoRecord => write!(
                f,
                "输出文件夹 {out} 不是 jianbao 生成的（其中没有输出记录 {MANIFEST}），里面已有 {} 个文件；为免删除它们，没有生成网站：",
                self.total
            )?,
            Foreign::Unlisted => write!(
                f,
                "输出文件夹 {out} 中有 {} 个文件不是 jianbao 写入的；为免删除它们，没有生成网站：",
                self.total
            )?,
        }
        for file in &self.files {
            write!(f, "\n  {file}")?;
        }
        if self.total > self.files.len() {
            write!(f, "\n  ……另有 {} 个", self.total - self.files.len())?;
        }
        write!(
            f,
            "\n处理办法：要随网站一起发布的文件（如 robots.txt）请放进网站的 static/ 文件夹，每次生成都会复制过去；\
             或者用 --out 指定一个不存在的或空的文件夹；\
             确认这个文件夹中的全部内容都可以删除、由新网站取代时，加上 --replace-out 再运行一次"
        )
    }
}

impl std::error::Error for ForeignOutput {}

/// The paths the record at the top of `out` lists; `None` without one.
pub fn read_record(out: &Path) -> Option<HashSet<String>> {
    let text = std::fs::read_to_string(out.join(MANIFEST)).ok()?;
    Some(
        text.lines()
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .map(String::from)
            .collect(),
    )
}

/// The record for a folder holding `paths` (relative, `/`-separated).
pub fn record_text(paths: &[String]) -> String {
    let mut sorted: Vec<&str> = paths.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut text = String::with_capacity(HEADER.len() + paths.len() * 32);
    text.push_str(HEADER);
    for path in sorted {
        // A path with a line break cannot be listed; it is not ours then.
        if !path.contains(['\n', '\r']) && path != MANIFEST {
            text.push_str(path);
            text.push('\n');
        }
    }
    text
}

/// Adds `paths` to the record of `out`, which jianbao writes to outside a
/// build (`serve`'s new files, `pdf`'s PDFs). A folder without a record is
/// left without one: a few listed files would not make it jianbao's.
/// The caller holds the output lock.
pub fn add_to_record(out: &Path, paths: &[String]) -> Result<()> {
    let Some(listed) = read_record(out) else {
        return Ok(());
    };
    let mut new: Vec<&String> = paths.iter().filter(|p| !listed.contains(*p)).collect();
    if new.is_empty() {
        return Ok(());
    }
    new.sort_unstable();
    new.dedup();
    let mut all: Vec<String> = listed.into_iter().collect();
    all.extend(new.into_iter().cloned());
    let target = out.join(MANIFEST);
    let temporary = out.join(format!("{MANIFEST}.jianbao-{}", std::process::id()));
    let mut file = std::fs::File::create(&temporary)
        .with_context(|| format!("无法写入 {}", temporary.display()))?;
    file.write_all(record_text(&all).as_bytes())
        .with_context(|| format!("无法写入 {}", temporary.display()))?;
    drop(file);
    std::fs::rename(&temporary, &target).with_context(|| format!("无法写入 {}", target.display()))
}

/// What in `out` jianbao did not write; `None` when the folder is missing,
/// empty, or jianbao's own.
pub fn foreign_files(out: &Path) -> Result<Option<ForeignOutput>> {
    let meta = match std::fs::metadata(out) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            // A dangling link: nothing of anyone's is lost in its place.
            return Ok(None);
        }
        Err(err) => return Err(err).with_context(|| format!("无法读取 {}", out.display())),
    };
    if !meta.is_dir() {
        return Ok(Some(ForeignOutput {
            out: out.to_path_buf(),
            kind: Foreign::NotAFolder,
            files: Vec::new(),
            total: 1,
        }));
    }
    let record = read_record(out);
    let mut files = Vec::new();
    let mut total = 0;
    let walker = walkdir::WalkDir::new(out)
        .min_depth(1)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = entry.with_context(|| format!("无法读取输出文件夹 {}", out.display()))?;
        // A folder is accounted for when everything in it is; an empty
        // one holds nothing to lose.
        if entry.file_type().is_dir() {
            continue;
        }
        let relative = entry
            .path()
            .strip_prefix(out)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let name = entry.file_name().to_string_lossy();
        let ours = relative == MANIFEST
            || is_system_litter(&name)
            || record
                .as_ref()
                .is_some_and(|listed| listed.contains(&relative) || is_own_temporary(&name));
        if !ours {
            total += 1;
            if files.len() < LISTED {
                files.push(relative);
            }
        }
    }
    Ok((total > 0).then(|| ForeignOutput {
        out: out.to_path_buf(),
        kind: if record.is_some() {
            Foreign::Unlisted
        } else {
            Foreign::NoRecord
        },
        files,
        total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporaries_of_renamed_writes_are_recognised() {
        assert!(is_own_temporary(".index.html.jianbao-123"));
        assert!(is_own_temporary(".jianbao-output.jianbao-9"));
        assert!(!is_own_temporary("index.html.jianbao-123"));
        assert!(!is_own_temporary(".jianbao-123"));
        assert!(!is_own_temporary(".x.jianbao-12a"));
    }

    #[test]
    fn a_folder_is_ours_when_every_file_is_listed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        assert!(foreign_files(&out).unwrap().is_none(), "missing");
        std::fs::create_dir_all(out.join("2024/01")).unwrap();
        std::fs::create_dir_all(out.join("empty")).unwrap();
        assert!(foreign_files(&out).unwrap().is_none(), "empty folders only");
        std::fs::write(out.join("index.html"), "x").unwrap();
        std::fs::write(out.join("2024/01/index.html"), "x").unwrap();
        let found = foreign_files(&out).unwrap().unwrap();
        assert_eq!(found.kind, Foreign::NoRecord);
        assert_eq!(found.files, ["2024/01/index.html", "index.html"]);
        std::fs::write(
            out.join(MANIFEST),
            record_text(&["index.html".into(), "2024/01/index.html".into()]),
        )
        .unwrap();
        std::fs::write(out.join(".DS_Store"), "x").unwrap();
        std::fs::write(out.join("2024/01/.index.html.jianbao-77"), "x").unwrap();
        assert!(foreign_files(&out).unwrap().is_none());
        std::fs::write(out.join("robots.txt"), "x").unwrap();
        let found = foreign_files(&out).unwrap().unwrap();
        assert_eq!(found.kind, Foreign::Unlisted);
        assert_eq!(found.files, ["robots.txt"]);
        add_to_record(&out, &["robots.txt".into()]).unwrap();
        assert!(foreign_files(&out).unwrap().is_none());
    }
}
