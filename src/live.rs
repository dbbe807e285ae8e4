//! Live preview for `jianbao serve`: watch the site's sources, rebuild on
//! a change, and tell open tabs to reload. A failed rebuild keeps the last
//! good site served and shows the errors over every page until fixed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult};

use crate::diagnostics::ContentErrors;
use crate::serve::{Searchable, ServerState};
use crate::site::{self, BuildOptions};

/// What a change touches decides how it is reported; every kind is rebuilt
/// in full for now (see README: incremental rebuilds are not done yet).
fn describe(root: &Path, paths: &[PathBuf]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .map(|p| crate::diagnostics::display_path(root, p))
        .collect();
    shown.sort();
    shown.dedup();
    let more = if shown.len() > 3 {
        format!(" 等 {} 个文件", shown.len())
    } else {
        String::new()
    };
    shown.truncate(3);
    format!("{}{more}", shown.join("、"))
}

fn relevant(root: &Path, out: &Path, tantivy: &Path, path: &Path) -> bool {
    if path.starts_with(out) || path.starts_with(tantivy) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let first = relative
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    let hidden = relative.components().any(|c| {
        c.as_os_str().to_string_lossy().starts_with('.')
            || c.as_os_str().to_string_lossy().starts_with("~$")
    });
    !hidden
        && matches!(
            first.as_deref(),
            Some("content" | "templates" | "themes" | "static" | "site.toml")
        )
}

/// A failed build's errors, as the overlay lists them.
pub fn error_text(err: &anyhow::Error) -> String {
    match err.downcast_ref::<ContentErrors>() {
        Some(ContentErrors(diagnostics)) => diagnostics
            .sorted()
            .into_iter()
            .filter(|d| d.is_error())
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n"),
        None => format!("{err:#}"),
    }
}

/// Rebuilds and swaps what the server answers from; on failure records the
/// errors for the overlay. Returns a line for the terminal.
pub fn rebuild(state: &ServerState, options: &BuildOptions) -> String {
    let started = Instant::now();
    let summary = match site::build(options, &|_| {}) {
        Ok(summary) => summary,
        Err(err) => {
            let text = error_text(&err);
            *state.error.write().expect("error lock") = Some(text.clone());
            state.notify_reload();
            return format!("构建失败，继续提供上一次的网站：\n{text}");
        }
    };
    // The new pages are already served: the overlay goes with them.
    *state.error.write().expect("error lock") = None;
    let line = match Searchable::load(&options.out) {
        Ok(index) => {
            *state.index.write().expect("index lock") = Arc::new(index);
            format!(
                "已重新构建（全部）：{}，用时 {:.2} 秒",
                summary.line(),
                started.elapsed().as_secs_f64()
            )
        }
        Err(err) => {
            let text = format!("检索索引无法读取：{err:#}");
            *state.error.write().expect("error lock") = Some(text.clone());
            text
        }
    };
    state.notify_reload();
    line
}

/// Watches `root` and rebuilds on every change, until the process ends.
pub fn watch(state: Arc<ServerState>, options: BuildOptions) -> Result<()> {
    let root = options
        .root
        .canonicalize()
        .unwrap_or_else(|_| options.root.clone());
    let out = options
        .out
        .canonicalize()
        .unwrap_or_else(|_| options.out.clone());
    let tantivy = crate::serve::tantivy_dir(&out);
    let (sender, receiver) = std::sync::mpsc::channel::<DebounceEventResult>();
    let mut debouncer =
        new_debouncer(Duration::from_millis(120), None, sender).context("无法监视文件变化")?;
    debouncer
        .watch(&root, RecursiveMode::Recursive)
        .with_context(|| format!("无法监视 {}", root.display()))?;
    std::thread::spawn(move || {
        let _keep = debouncer;
        while let Ok(result) = receiver.recv() {
            let Ok(events) = result else { continue };
            // Reading files (the build itself reads every one) and touching
            // their metadata are not edits.
            let paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| {
                    !matches!(
                        e.kind,
                        EventKind::Access(_)
                            | EventKind::Modify(ModifyKind::Metadata(_))
                            | EventKind::Other
                    )
                })
                .flat_map(|e| e.paths.iter().cloned())
                .filter(|p| relevant(&root, &out, &tantivy, p))
                .collect();
            if paths.is_empty() {
                continue;
            }
            // Further changes that arrived during the rebuild are folded in.
            while receiver.try_recv().is_ok() {}
            println!("检测到修改：{}", describe(&root, &paths));
            println!("{}", rebuild(&state, &options));
        }
    });
    Ok(())
}
