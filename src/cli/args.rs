//! The command line's arguments, as clap reads them. What every command
//! shares is written once: the help layout (`with_common_help`), and the
//! arguments several take (`SiteArgs`, `OutArgs`, `ReplaceOutArg`).

use std::path::{Path, PathBuf};

use clap::{ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand};

use super::report::EXIT_CODES;

const HELP_TEMPLATE: &str =
    "{before-help}{name} {version}\n{about}\n\n用法：{usage}\n\n{all-args}{after-help}";

/// The command line, parsed; help, version and usage errors as clap's.
pub(crate) fn parse() -> Result<Cli, clap::Error> {
    let command = Cli::command().mut_subcommands(|command| with_common_help(command, true));
    Cli::from_arg_matches(&command.try_get_matches()?)
}

/// Every command's help in the same Chinese layout; the exit codes under
/// each top-level command that runs something.
fn with_common_help(command: clap::Command, top_level: bool) -> clap::Command {
    let runs_something = !command.has_subcommands();
    let command = command
        .help_template(HELP_TEMPLATE)
        .subcommand_help_heading("命令")
        .mut_args(|arg| arg.help_heading("选项"))
        .mut_subcommands(|command| with_common_help(command, false));
    if top_level && runs_something {
        command.after_help(EXIT_CODES)
    } else {
        command
    }
}

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
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// 显示帮助
    #[arg(short = 'h', long = "help", action = ArgAction::Help, global = true)]
    help: Option<bool>,
    /// 显示版本号
    #[arg(short = 'V', long = "version", action = ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// 生成网站：读取 content/，把完整的网站写到输出文件夹（出错时原有输出不变）
    #[command(override_usage = "jianbao build [选项]")]
    Build {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        out: OutArgs,
        /// 同时发布草稿（content/drafts/ 中的报告和标有 draft: true 的报告）
        #[arg(long)]
        drafts: bool,
        /// 不生成检索索引（仅用于测量，网站的检索页将无法使用）
        #[arg(long)]
        no_search: bool,
        #[command(flatten)]
        replace_out: ReplaceOutArg,
        /// 有任何警告都算失败（退出码 1，不生成网站），用于定时构建和持续集成
        #[arg(long)]
        strict: bool,
    },
    /// 检查内容：列出所有错误和警告，不写出任何文件
    #[command(override_usage = "jianbao check [选项]")]
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
    #[command(override_usage = "jianbao search <查询> [选项]")]
    Search {
        /// 要查找的词语；多个词语用空格隔开（须同时出现）
        #[arg(value_name = "查询", allow_hyphen_values = true)]
        query: String,
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        out: OutArgs,
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
    #[command(override_usage = "jianbao pdf [年/期号 ...] [--all] [选项]")]
    Pdf(PdfArgs),
    /// 导入往期或来稿：把 Word（.docx、.doc、.wps）、PDF 或纯文本文件转换成内容文件
    #[command(override_usage = "jianbao import <文件>... [选项]")]
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
    #[command(override_usage = "jianbao init <文件夹>")]
    Init {
        /// 新网站的文件夹（须不存在或为空）
        #[arg(value_name = "文件夹")]
        dir: PathBuf,
    },
    /// 新建一期或一篇报告
    #[command(subcommand, override_usage = "jianbao new <issue|report> [选项]")]
    New(NewCommand),
    /// 主题：把内置模板复制到网站的 templates/ 中以便修改
    #[command(subcommand, override_usage = "jianbao theme eject [模板名...] [选项]")]
    Theme(ThemeCommand),
    /// 本地预览：构建网站，在本机端口上提供网页和检索接口（/api/search）
    #[command(override_usage = "jianbao serve [选项]")]
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        #[command(flatten)]
        out: OutArgs,
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
        #[command(flatten)]
        replace_out: ReplaceOutArg,
    },
}

#[derive(Subcommand)]
pub(crate) enum NewCommand {
    /// 新建下一期：建立期号文件夹和填好的 _issue.md
    #[command(override_usage = "jianbao new issue [选项]")]
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
    #[command(override_usage = "jianbao new report <县区> [选项]")]
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
pub(crate) enum ThemeCommand {
    /// 复制内置模板：放进 templates/（style.css 等静态文件放进 static/），已有的文件不覆盖
    #[command(override_usage = "jianbao theme eject [模板名...] [选项]")]
    Eject {
        /// 要复制的模板，如 base.html；不写则复制全部模板
        #[arg(value_name = "模板名")]
        names: Vec<String>,
        #[command(flatten)]
        site: SiteArgs,
    },
}

#[derive(Args)]
pub(crate) struct PdfArgs {
    /// 要印成 PDF 的期，写作 年/期号，如 2024/27；可写多个
    #[arg(value_name = "年/期号", value_parser = issue_spec)]
    pub(crate) issues: Vec<(i32, u32)>,
    #[command(flatten)]
    pub(crate) site: SiteArgs,
    #[command(flatten)]
    pub(crate) out: OutArgs,
    /// 印出全部各期
    #[arg(long)]
    pub(crate) all: bool,
    /// 同时运行几个浏览器（默认 2）
    #[arg(
        long,
        default_value_t = 2,
        value_name = "个数",
        hide_default_value = true
    )]
    pub(crate) jobs: usize,
    #[command(flatten)]
    pub(crate) replace_out: ReplaceOutArg,
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
pub(crate) struct SiteArgs {
    /// 网站文件夹（含 site.toml 和 content/；默认：当前文件夹）
    #[arg(
        long,
        value_name = "文件夹",
        default_value = ".",
        hide_default_value = true
    )]
    pub(crate) root: PathBuf,
}

/// `--out`: where the site is written.
#[derive(Args)]
pub(crate) struct OutArgs {
    /// 输出文件夹（默认：<网站文件夹>/public）
    #[arg(long = "out", value_name = "文件夹")]
    out: Option<PathBuf>,
}

impl OutArgs {
    /// The folder given, or the default beside the site's sources.
    pub(crate) fn folder(self, root: &Path) -> PathBuf {
        self.out
            .unwrap_or_else(|| jianbao::site::default_output(root))
    }
}

/// `--replace-out`.
#[derive(Args)]
pub(crate) struct ReplaceOutArg {
    /// 输出文件夹中有不是 jianbao 生成的文件时，仍用新网站取代其中的全部内容（默认拒绝，不删除任何文件）
    #[arg(long = "replace-out")]
    pub(crate) replace_out: bool,
}
