//! The `jianbao` command line. Every message is in Chinese; every error
//! prints its whole cause chain; exit codes are documented in `--help`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, Parser, Subcommand};

use jianbao::diagnostics::{ContentErrors, Diagnostics};
use jianbao::site::{self, BuildOptions};

/// Exit codes, as documented in `--help` and the README.
const EXIT_CONTENT_ERRORS: u8 = 1;
const EXIT_USAGE: u8 = 2;
const EXIT_FAILURE: u8 = 3;

const HELP_TEMPLATE: &str =
    "{before-help}{name} {version}\n{about}\n\n用法：{usage}\n\n{all-args}{after-help}";

const EXIT_CODES: &str = "退出码：
  0  成功（可能有警告）
  1  内容有错误：构建或检查未通过，原有输出保持不变
  2  命令行用法有误
  3  其他失败（如无法读写文件）";

#[derive(Parser)]
#[command(
    name = "jianbao",
    version,
    about = "简报：把《代表工作》的 Markdown 稿件生成网站、印刷版和全文检索",
    help_template = HELP_TEMPLATE,
    after_help = EXIT_CODES,
    disable_help_flag = true,
    disable_version_flag = true,
    disable_help_subcommand = true,
    subcommand_help_heading = "命令",
    next_help_heading = "选项"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// 生成网站：读取 content/，把完整的网站写到输出文件夹（出错时原有输出不变）
    #[command(help_template = HELP_TEMPLATE, after_help = EXIT_CODES, next_help_heading = "选项")]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 输出文件夹（默认：<网站文件夹>/public）
        #[arg(long, value_name = "文件夹")]
        out: Option<PathBuf>,
        /// 同时发布草稿（content/drafts/ 中的报告和标有 draft: true 的报告）
        #[arg(long)]
        drafts: bool,
    },
    /// 检查内容：列出所有错误和警告，不写出任何文件
    #[command(help_template = HELP_TEMPLATE, after_help = EXIT_CODES, next_help_heading = "选项")]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// 同时检查草稿
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// 网站文件夹（含 site.toml 和 content/；默认：当前文件夹）
    #[arg(long, value_name = "文件夹", default_value = ".")]
    root: PathBuf,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let result = match cli.command {
        Command::Build { site, out, drafts } => build(site.root.clone(), out, drafts),
        Command::Check { site, drafts } => check(site.root, drafts),
    };
    match result {
        Ok(code) => code,
        Err(err) => report_error(&err),
    }
}

fn usage_error(err: clap::Error) -> ExitCode {
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
    let detail = err.render().to_string();
    let detail = detail
        .lines()
        .next()
        .unwrap_or("")
        .trim_start_matches("error: ");
    eprintln!("错误：{what}（{detail}）");
    eprintln!("请运行 jianbao --help 查看用法。");
    ExitCode::from(EXIT_USAGE)
}

/// Prints an error and its whole cause chain.
fn report_error(err: &anyhow::Error) -> ExitCode {
    if let Some(ContentErrors(diagnostics)) = err.downcast_ref::<ContentErrors>() {
        print_diagnostics(diagnostics);
        eprintln!("{err}");
        return ExitCode::from(EXIT_CONTENT_ERRORS);
    }
    eprintln!("错误：{err}");
    for cause in err.chain().skip(1) {
        eprintln!("  原因：{cause}");
    }
    ExitCode::from(EXIT_FAILURE)
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    for diagnostic in diagnostics.sorted() {
        eprintln!("{diagnostic}");
    }
}

fn progress_reporter() -> Box<dyn Fn(&str)> {
    if std::io::stderr().is_terminal() {
        let spinner = indicatif::ProgressBar::new_spinner();
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        Box::new(move |stage: &str| spinner.set_message(format!("{stage}……")))
    } else {
        Box::new(|_: &str| {})
    }
}

fn build(root: PathBuf, out: Option<PathBuf>, drafts: bool) -> anyhow::Result<ExitCode> {
    let out = out.unwrap_or_else(|| root.join("public"));
    let options = BuildOptions {
        root,
        out,
        drafts,
        base_path: None,
    };
    let summary = {
        let progress = progress_reporter();
        site::build(&options, &*progress)
    };
    let summary = summary?;
    print_diagnostics(&summary.diagnostics);
    println!("{}", summary.line());
    println!("输出：{}", options.out.display());
    Ok(ExitCode::SUCCESS)
}

fn check(root: PathBuf, drafts: bool) -> anyhow::Result<ExitCode> {
    let (archive, diagnostics) = site::load(&root, drafts);
    let mut diagnostics = diagnostics;
    if let Some(archive) = &archive {
        // Templates are part of the site: a broken one fails the build, so
        // check renders too, in memory only.
        if let Err(problems) = site::render(&root, archive, None) {
            diagnostics.extend(problems);
        }
    }
    print_diagnostics(&diagnostics);
    let errors = diagnostics.error_count();
    let warnings = diagnostics.warning_count();
    if errors > 0 {
        eprintln!("检查未通过：{errors} 处错误，{warnings} 处警告。");
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
