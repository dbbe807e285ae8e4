//! The `jianbao` command line. Every message is in Chinese; every error
//! prints its whole cause chain; exit codes are documented in `--help`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{ArgAction, Args, Parser, Subcommand};

use jianbao::diagnostics::{error_chain, io_reason, ContentErrors, Diagnostics};
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
    override_usage = "jianbao <命令> [选项]",
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
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXIT_CODES,
        next_help_heading = "选项",
        override_usage = "jianbao build [选项]"
    )]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// 输出文件夹（默认：<网站文件夹>/public）
        #[arg(long, value_name = "文件夹")]
        out: Option<PathBuf>,
        /// 同时发布草稿（content/drafts/ 中的报告和标有 draft: true 的报告）
        #[arg(long)]
        drafts: bool,
        /// 不生成检索索引（仅用于测量，网站的检索页将无法使用）
        #[arg(long)]
        no_search: bool,
        /// 输出文件夹中有不是 jianbao 生成的文件时，仍用新网站取代其中的全部内容（默认拒绝，不删除任何文件）
        #[arg(long)]
        replace_out: bool,
        /// 有任何警告都算失败（退出码 1，不生成网站），用于定时构建和持续集成
        #[arg(long)]
        strict: bool,
    },
    /// 检查内容：列出所有错误和警告，不写出任何文件
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXIT_CODES,
        next_help_heading = "选项",
        override_usage = "jianbao check [选项]"
    )]
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// 同时检查草稿
        #[arg(long)]
        drafts: bool,
        /// 有任何警告都算不通过（退出码 1），用于定时检查和持续集成
        #[arg(long)]
        strict: bool,
    },
    /// 全文检索：在最近一次构建的索引中查找（索引过期或不存在时先构建）
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXIT_CODES,
        next_help_heading = "选项",
        override_usage = "jianbao search <查询> [选项]"
    )]
    Search {
        /// 要查找的词语；多个词语用空格隔开（须同时出现）
        #[arg(value_name = "查询", allow_hyphen_values = true)]
        query: String,
        #[command(flatten)]
        site: SiteArgs,
        /// 网站输出文件夹（默认：<网站文件夹>/public）
        #[arg(long, value_name = "文件夹")]
        out: Option<PathBuf>,
        /// 以 JSON 输出
        #[arg(long)]
        json: bool,
        /// 最多显示多少条（默认 10）
        #[arg(
            long,
            default_value_t = 10,
            value_name = "条数",
            hide_default_value = true
        )]
        limit: usize,
        /// 跳过前多少条，用于翻页（默认 0）
        #[arg(
            long,
            default_value_t = 0,
            value_name = "条数",
            hide_default_value = true
        )]
        offset: usize,
        /// 年份或年份范围，如 2024 或 2020-2024
        #[arg(long, value_name = "年份")]
        year: Option<String>,
        /// 省辖市或县区，如 安阳市、北关区
        #[arg(long, value_name = "县区")]
        county: Option<String>,
        /// 专辑名称
        #[arg(long, value_name = "专辑")]
        series: Option<String>,
    },
    /// 印成 PDF：用本机的 Chromium 把各期的印刷版印成 PDF，放在该期的网页旁边
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXIT_CODES,
        next_help_heading = "选项",
        override_usage = "jianbao pdf [年/期号 ...] [--all] [选项]"
    )]
    Pdf(PdfArgs),
    /// 导入往期或来稿：把 Word（.docx、.doc、.wps）、PDF 或纯文本文件转换成内容文件
    #[command(help_template = HELP_TEMPLATE, after_help = EXIT_CODES, next_help_heading = "选项", override_usage = "jianbao import <文件>... [选项]")]
    Import {
        /// 要导入的文件：.docx、.doc、.wps、.pdf、.txt、.md（文本为 UTF-8 或 GBK）
        #[arg(value_name = "文件", required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        site: SiteArgs,
        /// 这一期的 年/期号（报头缺失时用）
        #[arg(long, value_name = "年/期号", value_parser = issue_spec)]
        issue: Option<(i32, u32)>,
        /// 这一期的日期（报头缺失时用），如 2024-05-14
        #[arg(long, value_name = "日期", value_parser = date_arg)]
        date: Option<chrono::NaiveDate>,
        /// 覆盖已有的内容文件
        #[arg(long)]
        force: bool,
    },
    /// 新建网站：在一个新文件夹中建立 site.toml、示例的一期和模板覆盖目录
    #[command(help_template = HELP_TEMPLATE, after_help = EXIT_CODES, next_help_heading = "选项", override_usage = "jianbao init <文件夹>")]
    Init {
        /// 新网站的文件夹（须不存在或为空）
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
    },
    /// 新建一期或一篇报告
    #[command(subcommand, help_template = HELP_TEMPLATE, next_help_heading = "选项", subcommand_help_heading = "命令", override_usage = "jianbao new <issue|report> [选项]")]
    New(NewCommand),
    /// 主题：把内置模板复制到网站的 templates/ 中以便修改
    #[command(subcommand, help_template = HELP_TEMPLATE, next_help_heading = "选项", subcommand_help_heading = "命令", override_usage = "jianbao theme eject [模板名...] [选项]")]
    Theme(ThemeCommand),
    /// 本地预览：构建网站，在本机端口上提供网页和检索接口（/api/search）
    #[command(
        help_template = HELP_TEMPLATE,
        after_help = EXIT_CODES,
        next_help_heading = "选项",
        override_usage = "jianbao serve [选项]"
    )]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// 输出文件夹（默认：<网站文件夹>/public）
        #[arg(long, value_name = "文件夹")]
        out: Option<PathBuf>,
        /// 端口（默认 1111；0 表示任选一个空闲端口）
        #[arg(
            long,
            default_value_t = 1111,
            value_name = "端口",
            hide_default_value = true
        )]
        port: u16,
        /// 监听地址（默认 127.0.0.1，只接受本机访问）
        #[arg(
            long,
            default_value = "127.0.0.1",
            value_name = "地址",
            hide_default_value = true
        )]
        bind: std::net::IpAddr,
        /// 另外允许用这个主机名访问（可写多次；以 . 开头表示其下所有名称，如 .example.org）。
        /// 默认只接受 localhost、127.0.0.1 和 IP 地址
        #[arg(long = "allow-host", value_name = "主机名")]
        allow_host: Vec<String>,
        /// 同时发布草稿
        #[arg(long)]
        drafts: bool,
        /// 输出文件夹中有不是 jianbao 生成的文件时，仍用新网站取代其中的全部内容（默认拒绝，不删除任何文件）
        #[arg(long)]
        replace_out: bool,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// 新建下一期：建立期号文件夹和填好的 _issue.md
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项", override_usage = "jianbao new issue [选项]")]
    Issue {
        #[command(flatten)]
        site: SiteArgs,
        /// 年份（默认：出版日期所在的年份）
        #[arg(long, value_name = "年份")]
        year: Option<i32>,
        /// 期号（默认：这一年已有的最大期号加一）
        #[arg(long, value_name = "期号")]
        number: Option<u32>,
        /// 出版日期，如 2024-07-15（默认：今天）
        #[arg(long, value_name = "日期", value_parser = date_arg)]
        date: Option<chrono::NaiveDate>,
    },
    /// 新建报告：填好元数据的 .md 文件，放在指定的期或草稿中
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项", override_usage = "jianbao new report <县区> [选项]")]
    Report {
        /// 县区，如 新蔡县、安阳市北关区
        #[arg(value_name = "县区")]
        county: String,
        #[command(flatten)]
        site: SiteArgs,
        /// 放进哪一期，写作 年/期号，如 2024/27（默认：放进草稿 content/drafts/）
        #[arg(long, value_name = "年/期号", value_parser = issue_spec)]
        issue: Option<(i32, u32)>,
        /// 标题
        #[arg(long, value_name = "标题")]
        title: Option<String>,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// 复制内置模板：放进 templates/（style.css 等静态文件放进 static/），已有的文件不覆盖
    #[command(help_template = HELP_TEMPLATE, next_help_heading = "选项", override_usage = "jianbao theme eject [模板名...] [选项]")]
    Eject {
        /// 要复制的模板，如 base.html；不写则复制全部模板
        #[arg(value_name = "模板名")]
        names: Vec<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Args)]
struct PdfArgs {
    /// 要印成 PDF 的期，写作 年/期号，如 2024/27；可写多个
    #[arg(value_name = "年/期号", value_parser = issue_spec)]
    issues: Vec<(i32, u32)>,
    #[command(flatten)]
    site: SiteArgs,
    /// 网站输出文件夹（默认：<网站文件夹>/public）
    #[arg(long, value_name = "文件夹")]
    out: Option<PathBuf>,
    /// 印出全部各期
    #[arg(long)]
    all: bool,
    /// 同时运行几个浏览器（默认 2）
    #[arg(
        long,
        default_value_t = 2,
        value_name = "个数",
        hide_default_value = true
    )]
    jobs: usize,
    /// 输出文件夹中有不是 jianbao 生成的文件时，仍用新网站取代其中的全部内容（默认拒绝，不删除任何文件）
    #[arg(long)]
    replace_out: bool,
}

/// `2024/27` → (2024, 27), for `pdf` and `new report`.
fn issue_spec(text: &str) -> Result<(i32, u32), String> {
    text.split_once('/')
        .and_then(|(y, n)| Some((y.trim().parse().ok()?, n.trim().parse().ok()?)))
        .ok_or_else(|| format!("“{text}”不是期号，请写成 年/期号，如 2024/27"))
}

/// `2024-07-15` (or 2024年7月15日 …) for `--date`.
fn date_arg(text: &str) -> Result<chrono::NaiveDate, String> {
    jianbao::text::parse_date(text)
        .ok_or_else(|| format!("日期“{text}”无法识别，请写成 YYYY-MM-DD，如 2024-07-15"))
}

#[derive(Args)]
struct SiteArgs {
    /// 网站文件夹（含 site.toml 和 content/；默认：当前文件夹）
    #[arg(
        long,
        value_name = "文件夹",
        default_value = ".",
        hide_default_value = true
    )]
    root: PathBuf,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let result = match cli.command {
        Command::Build {
            site,
            out,
            drafts,
            no_search,
            replace_out,
            strict,
        } => build(BuildOptions {
            out: out.unwrap_or_else(|| site.root.join("public")),
            root: site.root,
            drafts,
            base_path: None,
            search_index: !no_search,
            replace_out,
            strict,
        }),
        Command::Check {
            site,
            drafts,
            strict,
        } => check(site.root, drafts, strict),
        Command::Search {
            query,
            site,
            out,
            json,
            limit,
            offset,
            year,
            county,
            series,
        } => {
            let params = jianbao::search::api::SearchParams {
                year,
                county,
                series,
                ..Default::default()
            };
            search(site.root, out, &query, json, limit, offset, &params)
        }
        Command::Pdf(args) => pdf(args),
        Command::Init { dir } => init(&dir),
        Command::Import {
            files,
            site,
            issue,
            date,
            force,
        } => import(&site.root, &files, issue, date, force),
        Command::New(command) => new(command),
        Command::Theme(ThemeCommand::Eject { names, site }) => eject(&site.root, &names),
        Command::Serve {
            site,
            out,
            port,
            bind,
            allow_host,
            drafts,
            replace_out,
        } => serve(
            site.root,
            out,
            std::net::SocketAddr::new(bind, port),
            &allow_host,
            drafts,
            replace_out,
        ),
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
fn report_error(err: &anyhow::Error) -> ExitCode {
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

fn build(options: BuildOptions) -> anyhow::Result<ExitCode> {
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

/// What `--replace-out` cost, said once it happened.
fn print_replaced(summary: &site::BuildSummary, out: &std::path::Path) {
    if summary.replaced_foreign > 0 {
        eprintln!(
            "按 --replace-out 的要求，{} 中原有的 {} 个不是 jianbao 生成的文件已被新网站取代。",
            out.display(),
            summary.replaced_foreign
        );
    }
}

fn check(root: PathBuf, drafts: bool, strict: bool) -> anyhow::Result<ExitCode> {
    let (archive, diagnostics) = site::load(&root, drafts);
    let mut diagnostics = diagnostics;
    // Templates are part of the site: a broken one fails the build, so
    // check renders too, in memory only; with broken content it still
    // checks the templates' syntax.
    match &archive {
        Some(archive) => match site::render(&root, archive, None, false, &|_| Ok(())) {
            Ok(_) => {}
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

/// Newest modification time among the site's sources.
fn newest_source(root: &std::path::Path) -> Option<std::time::SystemTime> {
    let mut newest = std::fs::metadata(root.join("site.toml"))
        .and_then(|m| m.modified())
        .ok();
    for dir in ["content", "templates", "themes", "static"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            if let Some(modified) = entry.metadata().ok().and_then(|m| m.modified().ok()) {
                newest = Some(newest.map_or(modified, |n: std::time::SystemTime| n.max(modified)));
            }
        }
    }
    newest
}

fn search(
    root: PathBuf,
    out: Option<PathBuf>,
    query: &str,
    json: bool,
    limit: usize,
    offset: usize,
    params: &jianbao::search::api::SearchParams,
) -> anyhow::Result<ExitCode> {
    if let Err(message) = params.check() {
        eprintln!("错误：{}", message.replacen("year", "--year", 1));
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let out = out.unwrap_or_else(|| root.join("public"));
    let meta = out.join("search").join("meta.json");
    let built = std::fs::metadata(&meta).and_then(|m| m.modified()).ok();
    let stale = match (built, newest_source(&root)) {
        (None, _) => true,
        (Some(built), Some(newest)) => newest > built,
        (Some(_), None) => false,
    };
    if stale {
        eprintln!("检索索引不存在或已过期，先构建网站……");
        if let Some(code) = build_quietly(&root, &out, false)? {
            return Ok(code);
        }
    }
    // Only the files this query needs are read, as the browser does.
    let index = jianbao::search::reader::StaticIndex::open(&out.join("search"))?;
    let request = jianbao::search::api::Request {
        query: query.to_string(),
        filters: params.filters(),
        offset,
        limit,
    };
    let results = jianbao::search::engine::search(&index, &request)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&results)?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(message) = &results.message {
        eprintln!("{message}");
        return Ok(ExitCode::SUCCESS);
    }
    if results.total == 0 {
        println!("没有找到同时包含这些词语的报告。");
        if !results.related.is_empty() {
            println!("相关结果：");
            for hit in &results.related {
                println!(
                    "  {}（{} {}）\n    {}",
                    hit.title, hit.issue, hit.date, hit.url
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    println!("共找到 {} 篇报告：", results.total);
    let marks = highlight_marks();
    for (i, hit) in results.hits.iter().enumerate() {
        println!(
            "{}. {}（{} {} {}）\n   content/{}\n   {}",
            offset + i + 1,
            hit.title,
            hit.issue,
            hit.date,
            hit.county,
            hit.path,
            highlighted(&hit.snippet, &hit.highlights, marks)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// How the terminal shows a highlighted span: bold red on a terminal
/// (unless NO_COLOR is set), 【】 brackets in a pipe or a file.
fn highlight_marks() -> (&'static str, &'static str) {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none() {
        ("\x1b[1;31m", "\x1b[0m")
    } else {
        ("【", "】")
    }
}

fn highlighted(snippet: &str, spans: &[[u32; 2]], (open, close): (&str, &str)) -> String {
    let mut out = String::with_capacity(snippet.len() + spans.len() * 8);
    let mut spans = spans.iter().peekable();
    for (i, c) in snippet.chars().enumerate() {
        let i = i as u32;
        if spans.peek().is_some_and(|s| s[0] == i) {
            out.push_str(open);
        }
        out.push(c);
        if spans.peek().is_some_and(|s| s[1] == i + 1) {
            out.push_str(close);
            spans.next();
        }
    }
    out
}

/// Builds for `search` and `serve`; content errors are printed and turn
/// into the exit code.
fn build_quietly(
    root: &std::path::Path,
    out: &std::path::Path,
    replace_out: bool,
) -> anyhow::Result<Option<ExitCode>> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        out: out.to_path_buf(),
        drafts: false,
        base_path: None,
        search_index: true,
        replace_out,
        strict: false,
    };
    match site::build(&options, &|_| {}) {
        Ok(summary) => {
            print_replaced(&summary, out);
            eprintln!("{}", summary.line());
            Ok(None)
        }
        Err(err) => Ok(Some(report_error(&err))),
    }
}

fn serve(
    root: PathBuf,
    out: Option<PathBuf>,
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
    let out = out.unwrap_or_else(|| root.join("public"));
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
    if first_error.is_some() {
        *state.error.write().expect("error lock") = first_error;
    }
    jianbao::live::watch(state.clone(), live_site)?;
    jianbao::serve::run(state, address, |bound| {
        println!("网站已就绪：http://{bound}/ （检索接口：http://{bound}/api/search?q=…；按 Ctrl+C 停止）");
        if let Some(warning) = exposed {
            eprintln!("{warning}");
        }
    })?;
    Ok(ExitCode::SUCCESS)
}

fn pdf(args: PdfArgs) -> anyhow::Result<ExitCode> {
    let root = args.site.root;
    let out = args.out.unwrap_or_else(|| root.join("public"));
    if args.issues.is_empty() && !args.all {
        eprintln!("错误：请指明要印的期（如 jianbao pdf 2024/27），或用 --all 印出全部各期。");
        return Ok(ExitCode::from(EXIT_USAGE));
    }
    let chromium = jianbao::pdf::find_chromium()?;
    // Held from the first build to the second: no other build swaps the
    // output while the PDFs are printed into it.
    let _lock = jianbao::output::lock(&out)?;
    if let Some(code) = build_quietly(&root, &out, args.replace_out)? {
        return Ok(code);
    }
    let mut wanted: Vec<(i32, u32)> = Vec::new();
    if args.all {
        let (archive, _) = site::load(&root, false);
        let archive =
            archive.ok_or_else(|| anyhow::anyhow!("内容有错误，请先运行 jianbao check"))?;
        wanted.extend(archive.issues.iter().map(|i| (i.year, i.number)));
    }
    wanted.extend(args.issues.iter().copied());
    wanted.sort_unstable();
    wanted.dedup();
    let mut jobs = Vec::new();
    let mut missing = Vec::new();
    for (year, number) in wanted {
        let folder = out.join(format!("{year}/{number:02}"));
        let html = folder.join("print.html");
        if html.is_file() {
            jobs.push(jianbao::pdf::Job {
                label: format!("{year}年第{number}期"),
                html,
                pdf: folder.join(jianbao::pdf::file_name(year, number)),
            });
        } else {
            missing.push(format!("{year}/{number:02}"));
        }
    }
    if !missing.is_empty() {
        eprintln!(
            "错误：没有这些期：{}（请检查年份和期号）",
            missing.join("、")
        );
        return Ok(ExitCode::from(EXIT_CONTENT_ERRORS));
    }
    // The PDFs (and Chromium's partial files) are jianbao's: recorded
    // before they are written, so the next build replaces them even when
    // this run is interrupted.
    let printed: Vec<String> = jobs
        .iter()
        .flat_map(|job| {
            let path = job.pdf.strip_prefix(&out).unwrap_or(&job.pdf);
            let path = path.to_string_lossy().replace('\\', "/");
            [format!("{path}.part"), path]
        })
        .collect();
    jianbao::output::add_to_record(&out, &printed)?;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = jobs.len();
    let failures = jianbao::pdf::print_all(&chromium, &jobs, args.jobs, &|job| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        eprintln!("[{n}/{total}] {}", job.label);
    });
    // A second build links the issue pages to their new PDFs.
    if let Some(code) = build_quietly(&root, &out, false)? {
        return Ok(code);
    }
    for job in &jobs {
        if !failures.iter().any(|(label, _)| label == &job.label) {
            println!("已生成：{}", job.pdf.display());
        }
    }
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        for (label, err) in &failures {
            eprintln!("错误：{label} 未能印成 PDF：{}", error_chain(err));
        }
        eprintln!(
            "{} 期未能生成 PDF，其余 {} 期已生成。",
            failures.len(),
            total - failures.len()
        );
        Ok(ExitCode::from(EXIT_FAILURE))
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn init(dir: &std::path::Path) -> anyhow::Result<ExitCode> {
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

fn new(command: NewCommand) -> anyhow::Result<ExitCode> {
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

fn eject(root: &std::path::Path, names: &[String]) -> anyhow::Result<ExitCode> {
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

fn import(
    root: &std::path::Path,
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
