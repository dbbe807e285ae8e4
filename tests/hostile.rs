//! Hostile and unusual input on a real site: every case ends in a clear
//! message or inert text, never a panic, and a failed build keeps the
//! previous output.

mod common;

use common::{snapshot, Site};

const REPORT_HEAD: &str =
    "---\nissue: 1\ncounty: 新蔡县\ntitle: 测试\nsupplier: 驻马店市人大常委会代表工委\n---\n\n";

fn failed_build_keeps_output(site: &Site, stderr_has: &[&str]) {
    let out = site.path("out");
    let before = snapshot(&out);
    let run = site.build(&out, &[]);
    run.expect_code(1);
    for fragment in stderr_has {
        run.expect_stderr(fragment);
    }
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before, "the previous output changed");
}

#[test]
fn a_50_mb_report_is_refused_with_its_name() {
    let site = Site::copy("basic");
    site.build(&site.path("out"), &[]).expect_code(0);
    let mut text = String::from(REPORT_HEAD);
    let line = "代表联络站开展活动。".repeat(100) + "\n\n";
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&line);
    }
    site.write("content/2024/01/09-huge.md", &text);
    failed_build_keeps_output(
        &site,
        &["content/2024/01/09-huge.md: 错误：文件太大", "处理办法："],
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_site_is_refused() {
    let site = Site::copy("basic");
    site.build(&site.path("out"), &[]).expect_code(0);
    let secret = site.path("secret.md");
    std::fs::write(&secret, format!("{REPORT_HEAD}机密")).unwrap();
    std::os::unix::fs::symlink(&secret, site.file("content/2024/01/09-link.md")).unwrap();
    failed_build_keeps_output(
        &site,
        &["content/2024/01/09-link.md: 错误：符号链接指向网站文件夹之外"],
    );
}

#[test]
fn two_reports_whose_addresses_differ_only_in_case_are_refused() {
    let site = Site::copy("basic");
    site.build(&site.path("out"), &[]).expect_code(0);
    site.write("content/2024/01/Same.md", &format!("{REPORT_HEAD}甲"));
    site.write("content/2024/01/same.md", &format!("{REPORT_HEAD}乙"));
    failed_build_keeps_output(&site, &["网址相同"]);
}

#[test]
fn a_utf16_report_is_read_with_a_warning() {
    let site = Site::copy("basic");
    let mut bytes = vec![0xFF, 0xFE];
    for unit in format!("{REPORT_HEAD}以 UTF-16 保存的正文。\r\n").encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(site.file("content/2024/01/09-utf16.md"), bytes).unwrap();
    let out = site.path("out");
    site.build(&out, &[])
        .expect_code(0)
        .expect_stderr("content/2024/01/09-utf16.md: 警告：文件以 UTF-16 编码保存，已自动转换");
    let page = std::fs::read_to_string(out.join("2024/01/09-utf16/index.html")).unwrap();
    assert!(page.contains("以 UTF-16 保存的正文。"));
}

#[test]
fn template_syntax_in_a_report_stays_text_everywhere() {
    let site = Site::copy("basic");
    let text = "---\nissue: 1\ncounty: 新蔡县\ntitle: \"{{ site.title }} {% if true %}注入{% endif %}\"\nsupplier: 驻马店市人大常委会代表工委\n---\n\n正文里的 {{ page_title }} 与 {% raw %} 也照原样。\n";
    site.write("content/2024/01/09-tera.md", text);
    let out = site.path("out");
    site.build(&out, &[]).expect_code(0);
    for file in [
        "2024/01/09-tera/index.html",
        "2024/01/index.html",
        "atom.xml",
    ] {
        let page = std::fs::read_to_string(out.join(file)).unwrap();
        assert!(
            page.contains("{{ site.title }} {% if true %}注入{% endif %}"),
            "{file} lost the title's braces"
        );
    }
    let page = std::fs::read_to_string(out.join("2024/01/09-tera/index.html")).unwrap();
    assert!(page.contains("正文里的 {{ page_title }} 与 {% raw %} 也照原样。"));
}
