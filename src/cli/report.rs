//! What the command line tells the user: errors with their whole cause
//! chain, the content's diagnostics, a build's progress, and exit codes.

use std::io::IsTerminal;
use std::process::ExitCode;

use jianbao::diagnostics::{io_reason, ContentErrors, Diagnostics};
use jianbao::site;

/// Exit codes, as documented in `--help` and the README.
pub(crate) const EXIT_CONTENT_ERRORS: u8 = 1;
pub(crate) const EXIT_USAGE: u8 = 2;
pub(crate) const EXIT_FAILURE: u8 = 3;

pub(crate) const EXIT_CODES: &str = "退出码：
  0  成功（可能有警告）
  1  内容有错误：构建或检查未通过，原有输出保持不变
  2  命令行用法有误
  3  其他失败（如无法读写文件）";

pub(crate) fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            return if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::SUCCESS
            };
        }
        _ => {}
    }
    let what = match err.kind() {
        ErrorKind::UnknownArgument => "不认识的选项",
        ErrorKind::InvalidSubcommand => "不认识的命令",
        ErrorKind::MissingRequiredArgument => "缺少必需的参数",
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => "参数值无效",
        ErrorKind::ArgumentConflict => "选项不能同时使用",
        ErrorKind::TooManyValues => "参数过多",
        _ => "命令行用法有误",
    };
    let rendered = err.render().to_string();
    let first = rendered
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    // Our own value parsers explain in Chinese after clap's English lead.
    let detail = match err.kind() {
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            first.rsplit(": ").next().unwrap_or(first)
        }
        _ => first,
    };
    eprintln!("错误：{what}（{detail}）");
    eprintln!("请运行 jianbao --help 查看用法。");
    ExitCode::from(EXIT_USAGE)
}

/// Prints an error and its whole cause chain.
pub(crate) fn report_error(err: &anyhow::Error) -> ExitCode {
    if let Some(ContentErrors(diagnostics)) = err.downcast_ref::<ContentErrors>() {
        print_diagnostics(diagnostics);
        eprintln!("{err}");
        return ExitCode::from(EXIT_CONTENT_ERRORS);
    }
    eprintln!("错误：{err}");
    for cause in err.chain().skip(1) {
        match cause.downcast_ref::<std::io::Error>() {
            Some(io) => eprintln!("  原因：{}", io_reason(io)),
            None => eprintln!("  原因：{cause}"),
        }
    }
    ExitCode::from(EXIT_FAILURE)
}

pub(crate) fn print_diagnostics(diagnostics: &Diagnostics) {
    for diagnostic in diagnostics.sorted() {
        eprintln!("{diagnostic}");
    }
}

pub(crate) fn progress_reporter() -> Box<dyn Fn(site::Stage)> {
    if std::io::stderr().is_terminal() {
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        Box::new(move |stage: site::Stage| spinner.set_message(format!("{}……", stage.label())))
    } else {
        Box::new(|_: site::Stage| {})
    }
}

/// What `--replace-out` cost, said once it happened.
pub(crate) fn print_replaced(summary: &site::BuildSummary, out: &std::path::Path) {
    if summary.replaced_foreign > 0 {
        eprintln!(
            "按 --replace-out 的要求，{} 中原有的 {} 个不是 jianbao 生成的文件已被新网站取代。",
            out.display(),
            summary.replaced_foreign
        );
    }
}
