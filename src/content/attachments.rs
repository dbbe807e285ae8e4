//! Which files beside the reports are published. Editors leave all sorts
//! in an issue folder: the Word original, a Notepad note, a zip from the
//! county, a chart saved as SVG, Word's "save as web page" leftovers. Only
//! files a web page shows as they are go out: images, PDFs, audio and
//! video, each checked to be what its name says. Everything else is left
//! out with a warning naming it, so nothing private goes public by
//! accident and the editor knows.
//!
//! Files a browser runs (HTML, SVG, XML, scripts) are never published,
//! rather than sanitised: served from the site's own address, any script
//! in them runs with the site's rights, and SVG and XML carry script in
//! more ways than a sanitiser reliably finds (the history of DOMPurify's
//! SVG bypasses). No report needs one: the page is made from the
//! Markdown, and a chart is as good as a PNG.

use std::io::Read;
use std::path::Path;

use super::Asset;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// What a file's name says it is, as far as publishing goes.
enum Kind {
    /// Shown by browsers as it is; its first bytes must say the same.
    Inert(Magic),
    Executable,
    Office,
    Text,
    Archive,
    Other,
}

#[derive(Clone, Copy)]
enum Magic {
    Png,
    Jpeg,
    Gif,
    Webp,
    Bmp,
    /// AVIF, MP4 and its kin: an ISO media file (`ftyp` box).
    IsoMedia,
    Pdf,
    Mp3,
    Ogg,
    Wav,
    Webm,
}

impl Magic {
    fn label(self) -> &'static str {
        match self {
            Magic::Png => "PNG 图片",
            Magic::Jpeg => "JPEG 图片",
            Magic::Gif => "GIF 图片",
            Magic::Webp => "WebP 图片",
            Magic::Bmp => "BMP 图片",
            Magic::IsoMedia => "AVIF 图片或 MP4 音视频",
            Magic::Pdf => "PDF 文件",
            Magic::Mp3 => "MP3 音频",
            Magic::Ogg => "Ogg 音视频",
            Magic::Wav => "WAV 音频",
            Magic::Webm => "WebM 视频",
        }
    }

    fn matches(self, head: &[u8]) -> bool {
        let at =
            |offset: usize, bytes: &[u8]| head.get(offset..offset + bytes.len()) == Some(bytes);
        match self {
            Magic::Png => at(0, b"\x89PNG\r\n\x1a\n"),
            Magic::Jpeg => at(0, b"\xff\xd8\xff"),
            Magic::Gif => at(0, b"GIF87a") || at(0, b"GIF89a"),
            Magic::Webp => at(0, b"RIFF") && at(8, b"WEBP"),
            Magic::Bmp => at(0, b"BM"),
            Magic::IsoMedia => at(4, b"ftyp"),
            Magic::Pdf => at(0, b"%PDF-"),
            Magic::Mp3 => {
                at(0, b"ID3") || (head.len() > 1 && head[0] == 0xff && head[1] & 0xe0 == 0xe0)
            }
            Magic::Ogg => at(0, b"OggS"),
            Magic::Wav => at(0, b"RIFF") && at(8, b"WAVE"),
            Magic::Webm => at(0, b"\x1a\x45\xdf\xa3"),
        }
    }
}

fn kind(extension: &str) -> Kind {
    match extension {
        "png" => Kind::Inert(Magic::Png),
        "jpg" | "jpeg" => Kind::Inert(Magic::Jpeg),
        "gif" => Kind::Inert(Magic::Gif),
        "webp" => Kind::Inert(Magic::Webp),
        "bmp" => Kind::Inert(Magic::Bmp),
        "avif" | "mp4" | "m4a" | "m4v" => Kind::Inert(Magic::IsoMedia),
        "pdf" => Kind::Inert(Magic::Pdf),
        "mp3" => Kind::Inert(Magic::Mp3),
        "ogg" | "oga" | "ogv" | "opus" => Kind::Inert(Magic::Ogg),
        "wav" => Kind::Inert(Magic::Wav),
        "webm" => Kind::Inert(Magic::Webm),
        "html" | "htm" | "xhtml" | "shtml" | "mht" | "mhtml" | "svg" | "svgz" | "xml" | "xsl"
        | "xslt" | "js" | "mjs" | "swf" | "wasm" => Kind::Executable,
        "doc" | "docx" | "docm" | "dot" | "dotx" | "wps" | "wpt" | "xls" | "xlsx" | "xlsm"
        | "et" | "csv" | "ppt" | "pptx" | "dps" | "odt" | "ods" | "odp" | "rtf" => Kind::Office,
        "txt" | "text" | "log" => Kind::Text,
        "zip" | "rar" | "7z" | "tar" | "gz" | "tgz" | "bz2" | "xz" | "zst" | "cab" => Kind::Archive,
        _ => Kind::Other,
    }
}

/// The first bytes of a file, enough for every signature above.
fn head(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(16);
    if let Ok(file) = std::fs::File::open(path) {
        file.take(16).read_to_end(&mut bytes).ok();
    }
    bytes
}

/// The assets that may be published; a warning for each one left out.
pub fn screen(assets: Vec<Asset>, diagnostics: &mut Diagnostics) -> Vec<Asset> {
    assets
        .into_iter()
        .filter(|asset| match verdict(asset) {
            None => true,
            Some((message, hint)) => {
                diagnostics
                    .push(Diagnostic::warning(asset.display.clone(), None, message).hint(hint));
                false
            }
        })
        .collect()
}

/// Why `asset` stays unpublished, with what to do; `None` to publish it.
fn verdict(asset: &Asset) -> Option<(String, String)> {
    let name = asset
        .source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let extension = Path::new(&name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let left_out = "不会发布到网站上";
    let (why, hint) = match kind(&extension) {
        Kind::Inert(magic) => {
            if magic.matches(&head(&asset.source)) {
                return None;
            }
            (
                format!("文件名是 .{extension}，内容却不是 {}", magic.label()),
                "请检查文件是否损坏，或是不是把别的文件改了扩展名；改正后重新生成".to_string(),
            )
        }
        Kind::Executable => (
            format!(".{extension} 文件可以含有浏览器会运行的脚本，放在本站上可能被用来冒充本站"),
            if matches!(extension.as_str(), "svg" | "svgz") {
                "图表请另存为 PNG 或 JPEG 图片再引用".to_string()
            } else {
                "网页内容请写进报告的 Markdown 正文；Word“另存为网页”得到的文件不要放在 content/ 中".to_string()
            },
        ),
        Kind::Office => (
            "办公文档（Word、WPS、Excel 等）".to_string(),
            "报告请写成 .md 文件（Word 文档可以用 jianbao import 导入）；要让读者下载，请另存为 PDF".to_string(),
        ),
        Kind::Text => (
            "纯文本文件".to_string(),
            "如果它是报告正文，请把扩展名改为 .md 并写上元数据；否则请移出 content/".to_string(),
        ),
        Kind::Archive => (
            "压缩包".to_string(),
            "请解压，把其中的报告和图片分别放好；压缩包本身请移出 content/".to_string(),
        ),
        Kind::Other => (
            if extension.is_empty() {
                "这个文件没有扩展名".to_string()
            } else {
                format!(".{extension} 文件不在可发布的类型之列")
            },
            "期文件夹中只发布图片（PNG、JPEG、GIF、WebP）、PDF 和音视频；其他文件请移出 content/".to_string(),
        ),
    };
    Some((format!("{why}，{left_out}"), hint))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_tell_real_images_from_renamed_files() {
        assert!(Magic::Png.matches(b"\x89PNG\r\n\x1a\n\0\0"));
        assert!(!Magic::Png.matches(b"<svg onload=alert(1)>"));
        assert!(Magic::Jpeg.matches(b"\xff\xd8\xff\xe0"));
        assert!(Magic::Webp.matches(b"RIFF\0\0\0\0WEBPVP8 "));
        assert!(!Magic::Webp.matches(b"RIFF\0\0\0\0WAVEfmt "));
        assert!(Magic::IsoMedia.matches(b"\0\0\0\x20ftypavif"));
        assert!(Magic::Pdf.matches(b"%PDF-1.7\n"));
        assert!(!Magic::Pdf.matches(b"PK\x03\x04"));
    }
}
