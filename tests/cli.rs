//! The command line itself: Chinese help, documented exit codes, Chinese
//! usage errors, the default site and output folders.

mod common;

use common::{jianbao, jianbao_in, Site};

#[test]
fn help_is_in_chinese_with_commands_options_and_exit_codes() {
    for args in [&["--help"][..], &["-h"][..]] {
        let run = jianbao(args);
        run.expect_code(0);
        for word in [
            "用法：",
            "命令",
            "选项",
            "退出码：",
            "build",
            "check",
            "显示帮助",
        ] {
            run.expect_stdout(word);
        }
        for code in [
            "0  成功",
            "1  内容有错误",
            "2  命令行用法有误",
            "3  其他失败",
        ] {
            run.expect_stdout(code);
        }
    }
}

#[test]
fn command_help_is_in_chinese() {
    let run = jianbao(&["build", "--help"]);
    run.expect_code(0)
        .expect_stdout("用法：")
        .expect_stdout("选项")
        .expect_stdout("--root <文件夹>")
        .expect_stdout("--out <文件夹>")
        .expect_stdout("--drafts")
        .expect_stdout("退出码：");
    let run = jianbao(&["check", "--help"]);
    run.expect_code(0)
        .expect_stdout("检查内容")
        .expect_stdout("不写出任何文件")
        .expect_stdout("--root <文件夹>");
}

#[test]

fn command_help_has_no_english_left() {
    let run = jianbao(&["build", "--help"]);
    run.expect_code(0);
    assert!(!run.stdout.contains("[default"), "{}", run.stdout);
}

#[test]
fn unknown_option_is_a_usage_error_in_chinese() {
    let run = jianbao(&["build", "--bogus"]);
    run.expect_code(2)
        .expect_stderr("错误：不认识的选项")
        .expect_stderr("--bogus")
        .expect_stderr("请运行 jianbao --help 查看用法。");
    assert!(run.stdout.is_empty());
}

#[test]
fn unknown_command_and_missing_command_are_usage_errors() {
    jianbao(&["publish"])
        .expect_code(2)
        .expect_stderr("错误：不认识的命令");
    let run = jianbao(&[]);
    run.expect_code(2);
    assert!(
        format!("{}{}", run.stdout, run.stderr).contains("用法："),
        "{run:?}"
    );
}

#[test]
fn version_is_printed() {
    jianbao(&["--version"])
        .expect_code(0)
        .expect_stdout(env!("CARGO_PKG_VERSION"));
}

#[test]
fn build_defaults_to_the_current_folder_and_its_public_folder() {
    let site = Site::copy("warnings/numbering-gap");
    jianbao_in(&site.root, &["build".to_string()])
        .expect_code(0)
        .expect_stdout("构建完成：2 期，2 篇报告");
    assert!(site.file("public/2024/04/index.html").is_file());
    jianbao_in(&site.root, &["check".to_string()])
        .expect_code(0)
        .expect_stdout("检查通过：2 期，2 篇报告；1 处警告。");
}

#[test]
fn missing_site_folder_is_reported() {
    let site = Site::copy("warnings/numbering-gap");
    let nowhere = site.path("no-such-site");
    let run = jianbao(&["check", "--root", nowhere.to_str().unwrap()]);
    run.expect_code(1)
        .expect_stderr("site.toml: 错误：找不到网站设置文件")
        .expect_stderr("处理办法：");
}

#[test]
fn theme_eject_copies_built_in_templates_for_editing_and_never_overwrites() {
    let site = Site::copy("basic");
    let before = site.path("before");
    site.build(&before, &[]).expect_code(0);
    let root = site.root.display().to_string();
    let run = jianbao_in(
        site.dir.path(),
        &[
            "theme".into(),
            "eject".into(),
            "--root".into(),
            root.clone(),
        ],
    );
    run.expect_code(0).expect_stdout("已复制：");
    for name in [
        "base.html",
        "issue.html",
        "print.html",
        "search.html",
        "atom.xml",
    ] {
        let copy = std::fs::read_to_string(site.file(&format!("templates/{name}"))).unwrap();
        let original = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("themes/default/templates")
                .join(name),
        )
        .unwrap();
        assert_eq!(copy, original, "{name}");
    }
    // The copies build the same site.
    let after = site.path("after");
    site.build(&after, &[]).expect_code(0);
    assert_eq!(
        common::read_output(&before, "2024/01/index.html"),
        common::read_output(&after, "2024/01/index.html")
    );
    // An edited copy is kept by a second eject, and used.
    let base = site.file("templates/base.html");
    let edited = std::fs::read_to_string(&base)
        .unwrap()
        .replace("<main id=\"main\">", "<main id=\"main\" class=\"edited\">");
    std::fs::write(&base, &edited).unwrap();
    let run = jianbao_in(
        site.dir.path(),
        &[
            "theme".into(),
            "eject".into(),
            "base.html".into(),
            "style.css".into(),
            "--root".into(),
            root.clone(),
        ],
    );
    run.expect_code(0)
        .expect_stdout("已存在，未覆盖：")
        .expect_stdout("static/style.css");
    assert_eq!(std::fs::read_to_string(&base).unwrap(), edited);
    site.build(&after, &[]).expect_code(0);
    assert!(common::read_output(&after, "index.html").contains("class=\"edited\""));
    // A name the theme does not have: a usage error naming what it has.
    let run = jianbao_in(
        site.dir.path(),
        &[
            "theme".into(),
            "eject".into(),
            "bsae.html".into(),
            "--root".into(),
            root,
        ],
    );
    run.expect_code(2)
        .expect_stderr("内置主题中没有“bsae.html”")
        .expect_stderr("base.html");
}
