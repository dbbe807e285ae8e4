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
            let params = jianbao::serve::SearchParams {
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
    params: &jianbao::serve::SearchParams,
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
    let index = jianbao::serve::Searchable::load(&out)?;
    let results = index.search(query, &params.filters(), offset, limit);
    if json {
        println!("{}", serde_json::to_string_pretty(&*results)?);
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
    for (i, hit) in results.hits.iter().enumerate() {
        let snippet = hit.snippet.replace("<mark>", "【").replace("</mark>", "】");
        println!(
            "{}. {}（{} {} {}）\n   content/{}\n   {}",
            offset + i + 1,
            hit.title,
            hit.issue,
            hit.date,
            hit.county,
            hit.path,
            html_unescape(&snippet)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn html_unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
