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
}

impl DecodeProblem {
    pub fn message(&self) -> String {
        match self {
            DecodeProblem::Binary => "这不是文本文件（含有二进制数据），无法读取".into(),
            DecodeProblem::UnknownEncoding => {
                "文件编码无法识别：既不是 UTF-8，也不是 GBK/GB18030".into()
            }
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
    fn binary_is_refused() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
        assert_eq!(decode(png).unwrap_err(), DecodeProblem::Binary);
    }
}
