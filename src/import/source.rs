//! What an input file is and whether it may be read: the format from its
//! first bytes (the extension only breaks ties), size caps checked before
//! anything is read, and the errors an editor sees, in Chinese, each
//! saying what to do. Also the one way the importer runs another program
//! (`pdftotext`, `soffice`): output to files, a time limit, no shell.

use std::fmt;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// Larger than any bulletin, with its pictures, that a word processor or
/// a PDF printer writes; checked before the file is read.
pub const MAX_DOCUMENT_BYTES: u64 = 100 * 1024 * 1024;
/// A text file of an issue is some tens of kilobytes.
pub const MAX_TEXT_BYTES: u64 = 16 * 1024 * 1024;
/// How long a converter may take on one file.
pub const TOOL_TIMEOUT: Duration = Duration::from_secs(180);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    /// Office Open XML (Word 2007+, WPS).
    Docx,
    Pdf,
    /// Word 97–2003, WPS 文字 or RTF: read through LibreOffice.
    Legacy,
    /// An OLE container holding an encrypted Office document.
    EncryptedOffice,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    TooLarge {
        size: u64,
        limit: u64,
    },
    Unreadable(String),
    Text(crate::content::source::DecodeProblem),
    /// The extension promises a format the bytes are not.
    WrongContent {
        extension: String,
    },
    /// A zip archive without a Word document in it.
    NotWord,
    Corrupt(String),
    Encrypted,
    /// A part would decompress to more than the cap (a zip bomb).
    Oversized {
        part: String,
        limit: u64,
    },
    /// A PDF whose pages are pictures.
    NoText {
        pages: usize,
    },
    CopyForbidden,
    MissingTool {
        program: &'static str,
        install: &'static str,
    },
    ToolFailed {
        program: &'static str,
        detail: String,
    },
    Timeout {
        program: &'static str,
    },
}

fn megabytes(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1024.0 / 1024.0)
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::TooLarge { size, limit } => write!(
                f,
                "文件太大（{}，上限 {}），没有读取。往期文档不会这么大：请确认选对了文件；\
                 PDF 中如有大量图片，可先用文字处理软件另存为较小的文件",
                megabytes(*size),
                megabytes(*limit)
            ),
            ReadError::Unreadable(detail) => write!(f, "无法读取（{detail}）"),
            ReadError::Text(problem) => write!(f, "{}", problem.message()),
            ReadError::WrongContent { extension } => write!(
                f,
                "扩展名是 .{extension}，但内容不是这种文件（文件可能已损坏，或扩展名改错了）。\
                 请用原来的软件打开它，重新另存一次"
            ),
            ReadError::NotWord => write!(
                f,
                "这是一个压缩包，但不是 Word 文档（里面没有 word/document.xml）。\
                 请导入 .docx、.pdf、.doc、.wps 或文本文件"
            ),
            ReadError::Corrupt(detail) => write!(
                f,
                "文件已损坏，无法读取（{detail}）。请用原来的软件打开它，重新另存一次"
            ),
            ReadError::Encrypted => write!(
                f,
                "文件设有打开密码，无法读取。请在 Word、WPS 或 PDF 阅读器中输入密码打开，\
                 去掉密码后另存，再导入"
            ),
            ReadError::Oversized { part, limit } => write!(
                f,
                "文件中的 {part} 解压后超过 {}，没有继续读取（文件异常，可能是恶意构造的压缩包）",
                megabytes(*limit)
            ),
            ReadError::NoText { pages } => write!(
                f,
                "这个 PDF（{pages} 页）没有文字层，页面是扫描的图片，需要先做文字识别（OCR）才能导入。\
                 可用 WPS、Adobe Acrobat 或 ocrmypdf（Debian：apt-get install ocrmypdf \
                 tesseract-ocr-chi-sim）识别后另存为带文字的 PDF，再导入"
            ),
            ReadError::CopyForbidden => write!(
                f,
                "这个 PDF 设置了禁止复制文字，无法提取。请向制作单位索要未加限制的文件"
            ),
            ReadError::MissingTool { program, install } => {
                write!(f, "需要 {program}，但本机没有安装。{install}")
            }
            ReadError::ToolFailed { program, detail } => {
                write!(f, "{program} 处理失败（{detail}）")
            }
            ReadError::Timeout { program } => write!(
                f,
                "{program} 处理超过 {} 秒仍未完成，已停止。文件可能异常，请用原来的软件打开后重新另存",
                TOOL_TIMEOUT.as_secs()
            ),
        }
    }
}

impl std::error::Error for ReadError {}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The format of `bytes`, read from `path`.
pub fn detect(path: &Path, bytes: &[u8]) -> Result<Format, ReadError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let head = &bytes[..bytes.len().min(1024)];
    if contains(head, b"%PDF-") {
        return Ok(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Docx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An encrypted .docx is an OLE file holding the package encrypted.
        let utf16 =
            |name: &str| -> Vec<u8> { name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
        if contains(bytes, &utf16("EncryptedPackage")) {
            return Ok(Format::EncryptedOffice);
        }
        return Ok(Format::Legacy);
    }
    if bytes.starts_with(b"{\\rtf") {
        return Ok(Format::Legacy);
    }
    match extension.as_str() {
        "docx" | "pdf" | "doc" | "wps" | "docm" | "dotx" => {
            Err(ReadError::WrongContent { extension })
        }
        _ => Ok(Format::Text),
    }
}

/// Reads a file whole after checking its size against the cap.
pub fn read_capped(path: &Path) -> Result<Vec<u8>, ReadError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))?
        .len();
    if size > MAX_DOCUMENT_BYTES {
        return Err(ReadError::TooLarge {
            size,
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    std::fs::read(path).map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))
}

/// Runs `command` with its output and errors going to files in `scratch`,
/// no input, and `TOOL_TIMEOUT`; returns the exit status and what it wrote
/// to standard error. `program` names it in messages; `install` says how to
/// install it when it is missing.
pub fn run_tool(
    mut command: Command,
    scratch: &Path,
    program: &'static str,
    install: &'static str,
) -> Result<(ExitStatus, String), ReadError> {
    let stderr_path = scratch.join("stderr.txt");
    let stderr = std::fs::File::create(&stderr_path)
        .map_err(|e| ReadError::Unreadable(crate::diagnostics::io_reason(&e)))?;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ReadError::MissingTool { program, install },
            _ => ReadError::ToolFailed {
                program,
                detail: crate::diagnostics::io_reason(&e),
            },
        })?;
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > TOOL_TIMEOUT => {
                child.kill().ok();
                child.wait().ok();
                return Err(ReadError::Timeout { program });
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => {
                return Err(ReadError::ToolFailed {
                    program,
                    detail: crate::diagnostics::io_reason(&e),
                })
            }
        }
    };
    let mut stderr = std::fs::read(&stderr_path).unwrap_or_default();
    stderr.truncate(4096);
    Ok((status, String::from_utf8_lossy(&stderr).into_owned()))
}
