//! Problems found in an editor's files, collected rather than thrown, so that
//! one run of `build` or `check` reports every mistake at once.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root, with `/` separators, as editors see it.
    pub path: String,
    pub line: Option<usize>,
    pub message: String,
    /// What the editor should do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(path: impl Into<String>, line: Option<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        path: impl Into<String>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, message)
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        match self.line {
            Some(line) => write!(f, "{}:{}: {}：{}", self.path, line, label, self.message)?,
            None => write!(f, "{}: {}：{}", self.path, label, self.message)?,
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n    处理办法：{hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run, in the order files were read.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file then line, so the listing reads like a to-do list.
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.items.iter().collect();
        all.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
        all
    }
}

/// The error a failed build or check returns: it carries every problem
/// found. Warnings alone fail only a strict build (`--strict`).
#[derive(Debug)]
pub struct ContentErrors(pub Diagnostics);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.error_count() {
            0 => write!(
                f,
                "发现 {} 处警告；按 --strict 的要求，有警告就不生成网站（原有的输出保持不变）",
                self.0.warning_count()
            ),
            errors => write!(
                f,
                "发现 {errors} 处错误，没有生成网站（原有的输出保持不变）"
            ),
        }
    }
}

impl std::error::Error for ContentErrors {}

/// A path as editors see it: relative to the site root, `/`-separated.
pub fn display_path(root: &Path, path: &Path) -> String {
    let relative: PathBuf = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    relative.to_string_lossy().replace('\\', "/")
}
/// An operating-system error as editors read it: what happened in Chinese,
/// the system's own words after it for the IT staff.
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let what = match err.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在",
        ErrorKind::PermissionDenied => "没有读写权限",
        ErrorKind::AlreadyExists => "已有同名的文件或文件夹",
        ErrorKind::NotADirectory => "路径中有一个同名的文件挡住了文件夹",
        ErrorKind::IsADirectory => "这是文件夹，不是文件",
        ErrorKind::DirectoryNotEmpty => "文件夹不是空的",
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => "磁盘空间不足",
        ErrorKind::ReadOnlyFilesystem => "磁盘是只读的",
        ErrorKind::FileTooLarge => "文件太大",
        ErrorKind::AddrInUse => "端口已被占用",
        ErrorKind::AddrNotAvailable => "本机没有这个地址",
        ErrorKind::TimedOut => "操作超时",
        ErrorKind::InvalidFilename => "文件名不合规",
        _ => "系统报告了错误",
    };
    format!("{what}（系统信息：{err}）")
}

/// An error with every cause after it, each operating-system error told
/// in Chinese: for the terminal and the preview's error overlay.
pub fn error_chain(err: &anyhow::Error) -> String {
    err.chain()
        .map(|cause| match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io_reason(io),
            None => cause.to_string(),
        })
        .collect::<Vec<_>>()
        .join("：")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_errors_are_told_in_chinese_with_the_systems_words_kept() {
        let missing = std::fs::read("/no/such/jianbao/file").unwrap_err();
        let text = io_reason(&missing);
        assert!(text.starts_with("文件或文件夹不存在（系统信息："), "{text}");
        assert!(text.contains("os error 2"), "{text}");
        let err = anyhow::Error::new(missing).context("无法读取 site.toml");
        assert!(
            error_chain(&err).starts_with("无法读取 site.toml：文件或文件夹不存在"),
            "{}",
            error_chain(&err)
        );
    }
}
