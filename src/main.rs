//! The `jianbao` command line. Every message is in Chinese; every error
//! prints its whole cause chain; exit codes are documented in `--help`.
//! The commands are thin: arguments (`cli/args.rs`) in, one library call,
//! what happened out (`cli/commands.rs`, `cli/report.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use jianbao::site::BuildOptions;

mod cli;

use cli::args::{Command, OutArgs, ThemeCommand};
use cli::commands::{self, build_quietly};
use cli::report::{report_error, usage_error, EXIT_USAGE};

fn main() -> ExitCode {
    let cli = match cli::args::parse() {
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
        } => commands::build(BuildOptions {
            out: out.folder(&site.root),
            root: site.root,
            drafts,
            base_path: None,
            search_index: !no_search,
            replace_out: replace_out.replace_out,
            strict,
        }),
        Command::Check {
            site,
            drafts,
            strict,
        } => commands::check(site.root, drafts, strict),
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
        Command::Pdf(args) => commands::pdf(args),
        Command::Init { dir } => commands::init(&dir),
        Command::Import {
            files,
            site,
            issue,
            date,
            force,
        } => commands::import(&site.root, &files, issue, date, force),
        Command::New(command) => commands::new(command),
        Command::Theme(ThemeCommand::Eject { names, site }) => commands::eject(&site.root, &names),
        Command::Serve {
            site,
            out,
            port,
            bind,
            allow_host,
            drafts,
            replace_out,
        } => commands::serve(
            site.root,
            out,
            std::net::SocketAddr::new(bind, port),
            &allow_host,
            drafts,
            replace_out.replace_out,
        ),
    };
    match result {
        Ok(code) => code,
        Err(err) => report_error(&err),
    }
}

fn search(
    root: PathBuf,
    out: OutArgs,
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
    let out = out.folder(&root);
    let meta = out.join("search").join("meta.json");
    let built = std::fs::metadata(&meta).and_then(|m| m.modified()).ok();
    let stale = match (built, jianbao::sources::newest_modification(&root)) {
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
