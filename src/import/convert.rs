//! `.doc`, `.wps` and `.rtf` (binary word-processor formats no Rust crate
//! reads well) turned into `.docx` by LibreOffice, headless, in a scratch
//! folder with its own profile, so a LibreOffice the editor has open is
//! not disturbed and nothing is left behind.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::source::{run_tool, ReadError, MAX_DOCUMENT_BYTES};

const INSTALL: &str = "导入 .doc、.wps 文件要用 LibreOffice 转换。请安装 LibreOffice\
     （Debian/Ubuntu：sudo apt-get install libreoffice-writer-nogui；Windows、macOS：从 LibreOffice 官网下载安装），\
     或设置环境变量 JIANBAO_SOFFICE 指明 soffice 的位置；也可以在 Word 或 WPS 中把文件另存为 .docx 再导入";

fn soffice() -> PathBuf {
    if let Some(path) = std::env::var_os("JIANBAO_SOFFICE") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in ["soffice", "libreoffice", "soffice.exe"] {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    for known in [
        "C:\\Program Files\\LibreOffice\\program\\soffice.exe",
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "/opt/libreoffice/program/soffice",
    ] {
        if Path::new(known).is_file() {
            return PathBuf::from(known);
        }
    }
    PathBuf::from("soffice")
}

/// The `.docx` LibreOffice makes of `bytes` (a file of `extension`).
pub fn to_docx(bytes: &[u8], extension: &str) -> Result<Vec<u8>, ReadError> {
    let scratch = tempfile::tempdir()
        .map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))?;
    // A plain name: the converted file is named after it.
    let extension: String = extension
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(8)
        .collect();
    let input = scratch
        .path()
        .join(format!("input.{}", extension.to_lowercase()));
    std::fs::write(&input, bytes)
        .map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))?;
    let out = scratch.path().join("out");
    let profile = scratch.path().join("profile");
    let mut command = Command::new(soffice());
    command
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display().to_string().replace('\\', "/")
        ))
        .args([
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
        ])
        .arg(&out)
        .arg(&input);
    let (status, stderr) = run_tool(command, scratch.path(), "LibreOffice", INSTALL)?;
    let converted = out.join("input.docx");
    let size = std::fs::metadata(&converted).map(|m| m.len()).unwrap_or(0);
    if !status.success() || size == 0 {
        let detail = stderr
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("没有生成 .docx；文件可能设有密码或已损坏")
            .to_string();
        return Err(ReadError::ToolFailed {
            program: "LibreOffice",
            detail,
        });
    }
    if size > MAX_DOCUMENT_BYTES {
        return Err(ReadError::TooLarge {
            size,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    std::fs::read(&converted).map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))
}
