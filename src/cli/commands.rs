//! The commands that are not search: each reads its arguments, makes one
//! library call, and says what happened.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use jianbao::diagnostics::{error_chain, ContentErrors};
use jianbao::site::{self, BuildOptions};

use super::args::{NewCommand, OutArgs, PdfArgs};
use super::report::{
    print_diagnostics, print_replaced, progress_reporter, report_error, EXIT_CONTENT_ERRORS,
    EXIT_FAILURE, EXIT_USAGE,
};

pub(crate) fn build(options: BuildOptions) -> anyhow::Result<ExitCode> {
    let summary = {
        let progress = progress_reporter();
        site::build(&options, &*progress)
    };
    let summary = summary?;
    print_diagnostics(&summary.diagnostics);
    print_replaced(&summary, &options.out);
    println!("{}", summary.line());
    println!("输出：{}", options.out.display());
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn check(root: PathBuf, drafts: bool, strict: bool) -> anyhow::Result<ExitCode> {
    let (archive, diagnostics) = site::load(&root, drafts);
    let mut diagnostics = diagnostics;
    // Templates are part of the site: a broken one fails the build, so
    // check renders too, in memory only; with broken content it still
    // checks the templates' syntax.
    match &archive {
        Some(archive) => match site::check_render(&root, archive) {
            Ok(_) => diagnostics.extend(site::print_font_warnings(&root, archive)),
            Err(err) => match err.downcast::<ContentErrors>() {
                Ok(ContentErrors(problems)) => diagnostics.extend(problems),
                Err(other) => return Err(other),
            },
        },
        None => diagnostics.extend(site::check_templates(&root)),
    }
    print_diagnostics(&diagnostics);
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    if errors > 0 {
        eprintln!("检查未通过：{errors} 处错误，{warnings} 处警告。");
        Ok(ExitCode::from(EXIT_CONTENT_ERRORS))
    } else if strict && warnings > 0 {
        eprintln!(
            "检查未通过：0 处错误，{warnings} 处警告（按 --strict 的要求，有警告就不通过）。"
        );
        Ok(ExitCode::from(EXIT_CONTENT_ERRORS))
    } else {
        let archive = archive.expect("no errors means an archive");
        println!(
            "检查通过：{} 期，{} 篇报告；{warnings} 处警告。",
            archive.issues.len(),
            archive.reports.len()
        );
        Ok(ExitCode::SUCCESS)
    }
}

/// Builds for `search` and `serve`; content errors are printed and turn
/// into the exit code.
pub(crate) fn build_quietly(
    root: &Path,
    out: &Path,
    replace_out: bool,
) -> anyhow::Result<Option<ExitCode>> {
    let mut options = BuildOptions::new(root.to_path_buf(), out.to_path_buf());
    options.replace_out = replace_out;
    match site::build(&options, &|_| {}) {
        Ok(summary) => {
            print_replaced(&summary, out);
            eprintln!("{}", summary.line());
            Ok(None)
        }
        Err(err) => Ok(Some(report_error(&err))),
    }
}

pub(crate) fn serve(
    root: PathBuf,
    out: OutArgs,
    address: std::net::SocketAddr,
    allow_host: &[String],
    drafts: bool,
    replace_out: bool,
) -> anyhow::Result<ExitCode> {
    let hosts = match jianbao::serve::AllowedHosts::new(allow_host) {
        Ok(hosts) => hosts,
        Err(message) => {
            eprintln!("错误：{message}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    // Said last, after the build's lines, where the editor looks.
    let exposed = (!address.ip().is_loopback()).then(|| {
        format!(
            "警告：--bind {} 使其他电脑也能打开这个预览：同一网络中的任何人都能看到整个档案{}。\n    预览服务器只供在本机查看；要让别人访问，请把输出文件夹交给正式的网页服务器（如 nginx）。",
            address.ip(),
            if drafts { "，包括草稿（--drafts）" } else { "" }
        )
    });
    let out = out.folder(&root);
    let options = BuildOptions {
        root: root.clone(),
        out: out.clone(),
        drafts,
        base_path: Some("/".into()),
        search_index: true,
        replace_out,
        strict: false,
    };
    let mut live_site = jianbao::live::LiveSite::new(options);
    let first_error = match live_site.first_build() {
        Ok(summary) => {
            print_diagnostics(&summary.diagnostics);
            println!("{}", summary.line());
            None
        }
        // With a previous site to show, a broken file does not stop the
        // preview: the old pages are served under the error overlay.
        Err(err) if out.join("search").join("meta.json").is_file() => {
            report_error(&err);
            Some(jianbao::live::error_text(&err))
        }
        Err(err) => return Ok(report_error(&err)),
    };
    let index = jianbao::serve::Searchable::load(&out)?;
    let state =
        std::sync::Arc::new(jianbao::serve::ServerState::new(out.clone(), index).allowing(hosts));
    let server = jianbao::serve::PreviewHandle::new(state.clone());
    server.show_errors(first_error);
    jianbao::live::watch(server, live_site)?;
    jianbao::serve::run(state, address, |bound| {
        println!("网站已就绪：http://{bound}/ （检索接口：http://{bound}/api/search?q=…；按 Ctrl+C 停止）");
        if let Some(warning) = exposed {
            eprintln!("{warning}");
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn pdf(args: PdfArgs) -> anyhow::Result<ExitCode> {
    let root = args.site.root;
    let out = args.out.folder(&root);
    if args.issues.is_empty() && !args.all {
        eprintln!("错误：请指明要印的期（如 jianbao pdf 2024/27），或用 --all 印出全部各期。");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let request = jianbao::pdf::PdfRequest {
        all: args.all,
        issues: args.issues,
        parallel: args.jobs,
        replace_out: args.replace_out.replace_out,
    };
    let outcome = jianbao::pdf::print_issues(&root, &out, &request, &|event| match event {
        jianbao::pdf::PdfEvent::Built(summary) => {
            print_replaced(summary, &out);
            eprintln!("{}", summary.line());
        }
        jianbao::pdf::PdfEvent::Printed { done, total, label } => {
            eprintln!("[{done}/{total}] {label}")
        }
    });
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(err) => match err.downcast::<jianbao::pdf::NoSuchIssues>() {
            Ok(missing) => {
                eprintln!("错误：{missing}");
                return Ok(ExitCode::from(EXIT_CONTENT_ERRORS));
            }
            Err(err) => return Err(err),
        },
    };
    for pdf in &outcome.printed {
        println!("已生成：{}", pdf.display());
    }
    if outcome.failures.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    for (label, err) in &outcome.failures {
        eprintln!("错误：{label} 未能印成 PDF：{}", error_chain(err));
    }
    eprintln!(
        "{} 期未能生成 PDF，其余 {} 期已生成。",
        outcome.failures.len(),
        outcome.printed.len()
    );
    Ok(ExitCode::from(EXIT_FAILURE))
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub(crate) fn init(dir: &Path) -> anyhow::Result<ExitCode> {
    let written = jianbao::scaffold::init(dir)?;
    println!("已新建网站：{}", dir.display());
    for path in written {
        println!("  {}", path.display());
    }
    println!(
        "接下来：cd {}，用 jianbao new issue 新建第一期，用 jianbao new report <县区> --issue <年/期号> 新建报告；\n\
         content/drafts/示例.md 是一篇示例报告（草稿，不会发布）；jianbao serve 在 http://127.0.0.1:1111/ 预览（加 --drafts 可看到草稿）",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn new(command: NewCommand) -> anyhow::Result<ExitCode> {
    match command {
        NewCommand::Issue {
            site,
            year,
            number,
            date,
        } => {
            let path = jianbao::scaffold::new_issue(&site.root, year, number, date, today())?;
            println!("已新建：{}", path.display());
            println!("请在同一文件夹中加入报告：jianbao new report <县区> --issue <年/期号>");
        }
        NewCommand::Report {
            county,
            site,
            issue,
            title,
        } => {
            let path = jianbao::scaffold::new_report(&site.root, &county, issue, title.as_deref())?;
            println!("已新建：{}", path.display());
            println!("新报告是草稿（draft: true），不会发布：写完后删去 draft 这一行。");
            if jianbao::scaffold::guess_supplier(&county).is_none() {
                println!("注意：县区“{county}”不在河南省行政区划名录中，供稿单位请自己填写。");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn eject(root: &Path, names: &[String]) -> anyhow::Result<ExitCode> {
    use jianbao::scaffold::Ejected;
    let done = match jianbao::scaffold::eject_theme(root, names) {
        Ok(done) => done,
        Err(err) => {
            eprintln!("错误：{err}");
            return Ok(ExitCode::from(EXIT_USAGE));
        }
    };
    for item in &done {
        match item {
            Ejected::Copied(path) => println!("已复制：{}", path.display()),
            Ejected::Kept(path) => println!("已存在，未覆盖：{}", path.display()),
        }
    }
    println!("修改这些文件后重新生成网站即可生效；删去某个文件就恢复使用内置的那一份。");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn import(
    root: &Path,
    files: &[PathBuf],
    issue: Option<(i32, u32)>,
    date: Option<chrono::NaiveDate>,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let options = jianbao::import::ImportOptions { issue, date, force };
    let written = jianbao::import::import(root, files, &options, &mut |line| println!("{line}"))?;
    for path in &written {
        println!("已写入：{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
