//! Turning the bytes of an editor's file into text. Windows editors save
//! with a BOM, CRLF line ends, sometimes in GBK or UTF-16: all of these are
//! read correctly or refused with a message that says what to do.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8WithBom,
    Utf16,
    Gb18030,
}

#[derive(Debug, Clone)]
pub struct DecodedText {
    /// Text with `\n` line ends and no BOM.
    pub text: String,
    pub encoding: Encoding,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeProblem {
    Binary,
    UnknownEncoding,
    /// A Word document (or WPS, Excel …) given a text file's name: Word
    /// cannot save Markdown, so editors rename the file and hope.
    Office(OfficeKind),
    Pdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeKind {
    /// `.docx`: a zip holding `word/`.
    Word,
    /// `.doc`, `.wps`, `.xls`: the old compound-file format.
    Legacy,
    /// `.xlsx`, `.pptx` or another zip.
    OtherZip,
}

impl DecodeProblem {
    pub fn message(&self) -> String {
        match self {
            DecodeProblem::Binary => "这不是文本文件（含有二进制数据），无法读取".into(),
            DecodeProblem::UnknownEncoding => {
                "文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030".into()
            }
            DecodeProblem::Office(OfficeKind::Word) => {
                "这是一个改了扩展名的 Word 文档（.docx），不是文本文件".into()
            }
            DecodeProblem::Office(OfficeKind::Legacy) => {
                "这是一个改了扩展名的 Word、WPS 或 Excel 文档（.doc、.wps、.xls），不是文本文件"
                    .into()
            }
            DecodeProblem::Office(OfficeKind::OtherZip) => {
                "这是一个改了扩展名的 Excel、PowerPoint 文档或压缩包，不是文本文件".into()
            }
            DecodeProblem::Pdf => "这是一个改了扩展名的 PDF 文件，不是文本文件".into(),
        }
    }

    pub fn hint(&self) -> String {
        match self {
            DecodeProblem::Binary => {
                "内容文件夹中的 .md 文件必须是文本；Word 文档请先另存为纯文本或 Markdown".into()
            }
            DecodeProblem::UnknownEncoding => {
                "请用记事本或 WPS 打开此文件，“另存为”时将编码选为 UTF-8".into()
            }
            DecodeProblem::Office(OfficeKind::Word) => {
                "Word 不能另存为 Markdown，改扩展名也不行：请用 jianbao import 导入这个 Word 文档（如 jianbao import 原稿.docx），它会写出 .md 文件；然后删去这个文件".into()
            }
            DecodeProblem::Office(OfficeKind::Legacy) => {
                "请把扩展名改回 .doc（或 .wps），在 Word 或 WPS 中另存为 .docx，再用 jianbao import 导入".into()
            }
            DecodeProblem::Office(OfficeKind::OtherZip) => {
                "报告请写成 .md 文本文件；Word 文档请用 jianbao import 导入".into()
            }
            DecodeProblem::Pdf => {
                "请用 jianbao import 导入这个 PDF（如 jianbao import 第27期.pdf），它会写出 .md 文件；然后删去这个文件".into()
            }
        }
    }
}

impl Encoding {
    /// A warning for editors when the file was readable but not in the
    /// recommended encoding.
    pub fn note(&self) -> Option<&'static str> {
        match self {
            Encoding::Utf8 | Encoding::Utf8WithBom => None,
            Encoding::Utf16 => Some("文件以 UTF-16 编码保存，已自动转换"),
            Encoding::Gb18030 => Some("文件以 GBK/GB18030 编码保存，已自动转换"),
        }
    }
}

pub fn decode(bytes: &[u8]) -> Result<DecodedText, DecodeProblem> {
    if let Some(problem) = known_document(bytes) {
        return Err(problem);
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| DecodeProblem::UnknownEncoding)?;
        (text.to_string(), Encoding::Utf8WithBom)
    } else if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, _, had_errors) = encoding_rs::UTF_16LE.decode(bytes);
        if had_errors {
            return Err(DecodeProblem::UnknownEncoding);
        }
        (text.into_owned(), Encoding::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), Encoding::Utf8)
    } else {
        if looks_binary(bytes) {
            return Err(DecodeProblem::Binary);
        }
        let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
        if had_errors {
            return Err(DecodeProblem::UnknownEncoding);
        }
        (text.into_owned(), Encoding::Gb18030)
    };
    // A second BOM (a tool adding one to a file that had one) is as
    // invisible to editors as the first.
    let boms = text.len() - text.trim_start_matches('\u{feff}').len();
    let text = if boms > 0 {
        text[boms..].to_string()
    } else {
        text
    };
    if text.contains('\0') {
        return Err(DecodeProblem::Binary);
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    Ok(DecodedText { text, encoding })
}

/// Documents editors rename to `.md`, told by their first bytes.
fn known_document(bytes: &[u8]) -> Option<DecodeProblem> {
    if bytes.starts_with(b"PK\x03\x04") {
        // The names of a zip's entries are stored as they are.
        let head = &bytes[..bytes.len().min(64 * 1024)];
        let has = |name: &[u8]| head.windows(name.len()).any(|w| w == name);
        let kind = if has(b"word/") {
            OfficeKind::Word
        } else {
            OfficeKind::OtherZip
        };
        return Some(DecodeProblem::Office(kind));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        return Some(DecodeProblem::Office(OfficeKind::Legacy));
    }
    bytes.starts_with(b"%PDF-").then_some(DecodeProblem::Pdf)
}

/// NUL bytes or many control characters: an image, a .docx, a PDF.
fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C)))
        .count();
    sample.contains(&0) || controls * 20 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_just_work() {
        let decoded = decode("\u{feff}---\r\ntitle: 甲\r\n---\r\n".as_bytes()).unwrap();
        assert_eq!(decoded.text, "---\ntitle: 甲\n---\n");
        assert_eq!(decoded.encoding, Encoding::Utf8WithBom);
    }

    #[test]
    fn gbk_is_decoded() {
        let (bytes, _, _) = encoding_rs::GBK.encode("新蔡县：依托代表联络站点");
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, "新蔡县：依托代表联络站点");
        assert_eq!(decoded.encoding, Encoding::Gb18030);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "代表工作\r\n".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().text, "代表工作\n");
    }

    #[test]
    fn a_doubled_bom_is_dropped_too() {
        let decoded = decode(b"\xEF\xBB\xBF\xEF\xBB\xBF---\n").unwrap();
        assert_eq!(decoded.text, "---\n");
        let decoded = decode(b"\xFF\xFE\xFF\xFE-\0").unwrap();
        assert_eq!(decoded.text, "-");
    }

    #[test]
    fn word_and_pdf_files_renamed_to_md_are_named() {
        let docx = b"PK\x03\x04\x14\0\0\0\x08\0[Content_Types].xmlword/document.xml";
        assert_eq!(
            decode(docx).unwrap_err(),
            DecodeProblem::Office(OfficeKind::Word)
        );
        let doc = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0";
        assert_eq!(
            decode(doc).unwrap_err(),
            DecodeProblem::Office(OfficeKind::Legacy)
        );
        assert_eq!(
            decode(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap_err(),
            DecodeProblem::Pdf
        );
    }

    #[test]
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert_eq!(decode(png).unwrap_err(), DecodeProblem::Binary);
    }
}
