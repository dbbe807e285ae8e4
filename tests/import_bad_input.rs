//! `jianbao import` on files it cannot use: each gets a Chinese error that
//! names the file and says what to do, no panic, and nothing is written —
//! not even for the good files given beside it.
//!
//! The damaged files are made by real programs where one exists
//! (msoffcrypto-tool encrypts a Word file, LibreOffice exports a PDF with
//! a password or of a page that is only a picture).

mod common;
mod import_support;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{empty_site, import_into};
use import_support::{libreoffice, repo, report_only_spec, write_document};

/// A real Word file of one report.
fn word_file(dir: &Path) -> PathBuf {
    let path = dir.join("来稿.docx");
    write_document(
        &report_only_spec(&repo().join("content/drafts/tongbai.md")),
        &path,
        &[],
    );
    path
}

fn python(script: &str, args: &[&Path]) {
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Imports `bad` together with a good text file; asserts the refusal.
fn refused(bad: &Path, words: &[&str]) {
    let dir = empty_site();
    let good = repo().join("../shared/seeds/001_e7d2d72c62ce8faf.txt");
    let run = import_into(dir.path(), &[good, bad.to_path_buf()], &[]);
    assert_ne!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let name = bad.file_name().unwrap().to_string_lossy();
    assert!(
        run.stderr.contains(&*name),
        "names the file: {}",
        run.stderr
    );
    for word in words {
        assert!(run.stderr.contains(word), "{word}: {}", run.stderr);
    }
    assert!(run.stderr.contains("没有写入任何文件"), "{}", run.stderr);
    assert!(
        !dir.path().join("site/content").exists(),
        "nothing is written"
    );
}

#[test]
fn a_damaged_word_file_is_refused() {
    let work = common::temp_dir();
    let bytes = std::fs::read(word_file(work.path())).unwrap();
    let cut = work.path().join("截断.docx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    refused(&cut, &["已损坏"]);
}

#[test]
fn a_zip_that_is_not_a_word_file_is_refused() {
    let work = common::temp_dir();
    let zip = work.path().join("资料.docx");
    python(
        "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z: z.writestr('说明.txt', '不是文档')",
        &[&zip],
    );
    refused(&zip, &["不是 Word 文档"]);
}

#[test]
fn a_zip_bomb_costs_little() {
    let work = common::temp_dir();
    let bomb = work.path().join("炸弹.docx");
    // 64 MB of one byte, deflated to some 60 KB.
    python(
        "import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z: z.writestr('word/document.xml', b' ' * (64 << 20))",
        &[&bomb],
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 1 << 20);
    refused(&bomb, &["解压后超过"]);
}

#[test]
fn a_password_protected_word_file_is_refused() {
    let work = common::temp_dir();
    let plain = word_file(work.path());
    let locked = work.path().join("加密.docx");
    python(
        "import sys, msoffcrypto\nfrom msoffcrypto.format.ooxml import OOXMLFile\nwith open(sys.argv[1], 'rb') as i, open(sys.argv[2], 'wb') as o: OOXMLFile(i).encrypt('secret', o)",
        &[&plain, &locked],
    );
    refused(&locked, &["密码"]);
}

#[test]
fn a_password_protected_pdf_is_refused() {
    let work = common::temp_dir();
    let filter = r#"pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"secret"}}"#;
    let pdf = libreoffice(&word_file(work.path()), filter, work.path());
    let locked = work.path().join("加密.pdf");
    std::fs::rename(pdf, &locked).unwrap();
    refused(&locked, &["密码"]);
}

#[test]
fn a_scanned_pdf_asks_for_ocr() {
    let work = common::temp_dir();
    // A page that is only a picture: a PDF page rendered to PNG by
    // poppler, placed in a page by LibreOffice.
    let text_pdf = libreoffice(
        &word_file(work.path()),
        "pdf:writer_pdf_Export",
        work.path(),
    );
    let status = Command::new("pdftoppm")
        .args(["-r", "60", "-f", "1", "-l", "1", "-png"])
        .arg(&text_pdf)
        .arg(work.path().join("page"))
        .status()
        .expect("pdftoppm (poppler-utils)");
    assert!(status.success());
    let html = work.path().join("扫描件.html");
    std::fs::write(
        &html,
        r#"<html><body><p><img src="page-1.png" width="600"></p></body></html>"#,
    )
    .unwrap();
    let scan = libreoffice(&html, "pdf:writer_web_pdf_Export", work.path());
    refused(&scan, &["文字识别（OCR）"]);
}

#[test]
fn a_damaged_pdf_is_refused() {
    let work = common::temp_dir();
    let pdf = work.path().join("损坏.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage\n").unwrap();
    refused(&pdf, &["已损坏"]);
}

#[test]
fn a_200_mb_file_is_refused_before_it_is_read() {
    let work = common::temp_dir();
    let big = work.path().join("全年合订本.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(200 * 1024 * 1024)
        .unwrap();
    refused(&big, &["文件太大", "200 MB"]);
}

#[test]
fn a_file_whose_content_is_not_what_its_name_says_is_refused() {
    let work = common::temp_dir();
    let fake = work.path().join("改了扩展名.docx");
    std::fs::write(&fake, "这其实是一个文本文件。").unwrap();
    refused(&fake, &["扩展名是 .docx"]);
}

#[test]
fn missing_converters_are_named_with_how_to_install_them() {
    let work = common::temp_dir();
    let pdf = libreoffice(
        &word_file(work.path()),
        "pdf:writer_pdf_Export",
        work.path(),
    );
    let rtf = work.path().join("旧稿.rtf");
    std::fs::write(&rtf, "{\\rtf1\\ansi 旧稿}").unwrap();
    for (file, variable, words) in [
        (&pdf, "JIANBAO_PDFTOTEXT", ["pdftotext", "poppler-utils"]),
        (
            &rtf,
            "JIANBAO_SOFFICE",
            ["LibreOffice", "libreoffice-writer-nogui"],
        ),
    ] {
        let dir = empty_site();
        let output = Command::new(env!("CARGO_BIN_EXE_jianbao"))
            .args(["import", "--root", "site"])
            .arg(file)
            .current_dir(dir.path())
            .env(variable, "/nonexistent/program")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success());
        for word in words {
            assert!(stderr.contains(word), "{word}: {stderr}");
        }
        assert!(!dir.path().join("site/content").exists());
    }
}
