//! `jianbao pdf`: prints each issue's print page to PDF with a headless
//! Chromium found on the machine, several at a time; one issue failing
//! does not stop the others.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

/// The PDF's file name beside an issue's pages.
pub fn file_name(year: i32, number: u32) -> String {
    format!("代表工作-{year}-第{number:02}期.pdf")
}

/// Finds Chromium: `$JIANBAO_CHROMIUM`, then the usual names on `PATH`.
pub fn find_chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("JIANBAO_CHROMIUM") {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("环境变量 JIANBAO_CHROMIUM 指向的 {} 不存在", path.display());
    }
    let names = [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
        "chrome",
    ];
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in names {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "找不到 Chromium 浏览器，无法生成 PDF。请安装：Debian/Ubuntu 执行 sudo apt-get install chromium；\
         或用环境变量 JIANBAO_CHROMIUM 指明浏览器程序的位置"
    )
}

/// Prints one HTML file to PDF.
pub fn print(chromium: &Path, html: &Path, pdf: &Path) -> Result<()> {
    let profile = tempfile::tempdir().context("无法创建浏览器的临时配置文件夹")?;
    let html = html
        .canonicalize()
        .with_context(|| format!("找不到印刷版页面 {}", html.display()))?;
    let partial = pdf.with_extension("pdf.part");
    let output = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
            "--run-all-compositor-stages-before-draw",
            "--virtual-time-budget=15000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", partial.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .with_context(|| format!("无法运行 {}", chromium.display()))?;
    let printed = std::fs::metadata(&partial)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if !output.status.success() || !printed {
        std::fs::remove_file(&partial).ok();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        bail!(
            "Chromium 没有生成 PDF（退出状态 {}）：{last}",
            output.status
        );
    }
    std::fs::rename(&partial, pdf).with_context(|| format!("无法写入 {}", pdf.display()))?;
    Ok(())
}

pub struct Job {
    pub label: String,
    pub html: PathBuf,
    pub pdf: PathBuf,
}

/// Prints every job, `parallel` at a time; returns the failures.
pub fn print_all(
    chromium: &Path,
    jobs: &[Job],
    parallel: usize,
    progress: &(dyn Fn(&Job) + Sync),
) -> Vec<(String, anyhow::Error)> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(parallel.max(1))
        .build();
    let run = || {
        jobs.par_iter()
            .filter_map(|job| {
                let result = print(chromium, &job.html, &job.pdf);
                progress(job);
                result.err().map(|err| (job.label.clone(), err))
            })
            .collect()
    };
    match pool {
        Ok(pool) => pool.install(run),
        Err(_) => run(),
    }
}
