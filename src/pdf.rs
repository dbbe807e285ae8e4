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

/// Finds a Chromium-family browser: `$JIANBAO_CHROMIUM`, then where
/// Chromium, Google Chrome and Microsoft Edge are usually installed on
/// this system (see `candidates`).
pub fn find_chromium() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("JIANBAO_CHROMIUM") {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("环境变量 JIANBAO_CHROMIUM 指向的 {} 不存在", path.display());
    }
    let os = std::env::consts::OS;
    if let Some(found) = candidates(os, &|name| std::env::var_os(name))
        .into_iter()
        .find(|candidate| candidate.is_file())
    {
        return Ok(found);
    }
    let install = match os {
        "windows" => "请安装 Google Chrome 或 Microsoft Edge",
        "macos" => "请把 Google Chrome、Chromium 或 Microsoft Edge 安装到“应用程序”文件夹",
        _ => "请安装 Chromium：Debian/Ubuntu 执行 sudo apt-get install chromium",
    };
    bail!(
        "找不到 Chromium、Chrome 或 Edge 浏览器，无法生成 PDF。{install}；\
         或用环境变量 JIANBAO_CHROMIUM 指明浏览器程序的位置"
    )
}

/// Where a Chromium-family browser may be, in the order tried, on `os`
/// (as `std::env::consts::OS` names it), with `env` reading environment
/// variables: the usual install places, then the usual names on `PATH`.
/// Written out with `os`'s own separators, so each list can be checked on
/// any machine.
fn candidates(os: &str, env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> Vec<PathBuf> {
    let var = |name: &str| {
        env(name)
            .map(|value| value.to_string_lossy().into_owned())
            .filter(|value| !value.is_empty())
    };
    let (separator, list_separator) = if os == "windows" {
        ('\\', ';')
    } else {
        ('/', ':')
    };
    let mut found: Vec<String> = Vec::new();
    let names: &[&str] = match os {
        "windows" => {
            // Per machine (64- and 32-bit) and per user installs.
            let program_files = ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"];
            let installs = [
                r"Google\Chrome\Application\chrome.exe",
                r"Microsoft\Edge\Application\msedge.exe",
                r"Chromium\Application\chrome.exe",
            ];
            for install in installs {
                for base in program_files.iter().filter_map(|name| var(name)) {
                    found.push(format!("{}\\{install}", base.trim_end_matches('\\')));
                }
            }
            &["chrome.exe", "msedge.exe", "chromium.exe"]
        }
        "macos" => {
            let apps = [
                "Google Chrome.app/Contents/MacOS/Google Chrome",
                "Chromium.app/Contents/MacOS/Chromium",
                "Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            ];
            let mut folders = vec!["/Applications".to_string()];
            folders.extend(
                var("HOME").map(|home| format!("{}/Applications", home.trim_end_matches('/'))),
            );
            for app in apps {
                for folder in &folders {
                    found.push(format!("{folder}/{app}"));
                }
            }
            &["chromium", "google-chrome", "chrome"]
        }
        _ => &[
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
            "chrome",
            "microsoft-edge",
            "microsoft-edge-stable",
        ],
    };
    let path = var("PATH").unwrap_or_default();
    let dirs: Vec<&str> = path
        .split(list_separator)
        .map(|dir| dir.trim_matches('"'))
        .filter(|dir| !dir.is_empty())
        .collect();
    for name in names {
        for dir in &dirs {
            found.push(format!(
                "{}{separator}{name}",
                dir.trim_end_matches(separator)
            ));
        }
    }
    if !matches!(os, "windows" | "macos") {
        // Installed but not on PATH: the snap, Google's and Microsoft's
        // packages.
        found.extend(
            [
                "/snap/bin/chromium",
                "/opt/google/chrome/chrome",
                "/opt/microsoft/msedge/msedge",
            ]
            .map(String::from),
        );
    }
    let mut seen = std::collections::HashSet::new();
    found
        .into_iter()
        .filter(|candidate| seen.insert(candidate.clone()))
        .map(PathBuf::from)
        .collect()
}

/// The `file://` URL of an absolute path, as a browser's command line
/// takes it: `/tmp/a b/x.html` → `file:///tmp/a%20b/x.html`,
/// `C:\网站\x.html` (or `\\?\C:\…`, as `canonicalize` writes it on
/// Windows) → `file:///C:/%E7%BD%91%E7%AB%99/x.html`.
fn file_url(path: &str) -> String {
    let path = path.strip_prefix(r"\\?\").unwrap_or(path);
    let (host, path) = match path.strip_prefix(r"UNC\") {
        // \\?\UNC\server\share\x.html → file://server/share/x.html
        Some(unc) => {
            let unc = unc.replace('\\', "/");
            let (server, rest) = unc.split_once('/').unwrap_or((&unc, ""));
            (server.to_string(), format!("/{rest}"))
        }
        None => (String::new(), path.replace('\\', "/")),
    };
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    let (prefix, rest) = if drive {
        (format!("/{}", &path[..2]), &path[2..])
    } else {
        (String::new(), path.as_str())
    };
    format!("file://{host}{prefix}{}", crate::text::encode_path(rest))
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
        .arg(file_url(&html.to_string_lossy()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn list(os: &str, vars: &[(&str, &str)]) -> Vec<String> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        candidates(os, &|name| vars.get(name).cloned())
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn windows_looks_for_chrome_and_edge_where_they_install() {
        let found = list(
            "windows",
            &[
                ("ProgramFiles", r"C:\Program Files"),
                ("ProgramFiles(x86)", r"C:\Program Files (x86)"),
                ("LOCALAPPDATA", r"C:\Users\编辑\AppData\Local"),
                ("PATH", r"C:\Windows\system32;C:\Tools\"),
            ],
        );
        let at = |wanted: &str| {
            found
                .iter()
                .position(|c| c == wanted)
                .unwrap_or_else(|| panic!("{wanted} is not a candidate: {found:#?}"))
        };
        let chrome = at(r"C:\Program Files\Google\Chrome\Application\chrome.exe");
        at(r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe");
        at(r"C:\Users\编辑\AppData\Local\Google\Chrome\Application\chrome.exe");
        let edge = at(r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe");
        at(r"C:\Program Files\Microsoft\Edge\Application\msedge.exe");
        let on_path = at(r"C:\Tools\msedge.exe");
        at(r"C:\Windows\system32\chrome.exe");
        assert!(chrome < edge && edge < on_path, "{found:#?}");
        assert!(
            found.iter().all(|c| !c.contains('/')),
            "Windows paths use backslashes: {found:#?}"
        );
    }

    #[test]
    fn windows_without_its_variables_still_searches_path() {
        let found = list("windows", &[("PATH", r"D:\Browsers")]);
        assert_eq!(
            found,
            [
                r"D:\Browsers\chrome.exe",
                r"D:\Browsers\msedge.exe",
                r"D:\Browsers\chromium.exe"
            ]
        );
    }

    #[test]
    fn macos_looks_in_both_applications_folders() {
        let found = list(
            "macos",
            &[
                ("HOME", "/Users/bianji"),
                ("PATH", "/usr/bin:/opt/homebrew/bin"),
            ],
        );
        let expected_start = [
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Users/bianji/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
            "/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Users/bianji/Applications/Chromium.app/Contents/MacOS/Chromium",
            "/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            "/Users/bianji/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge",
            "/usr/bin/chromium",
            "/opt/homebrew/bin/chromium",
        ];
        assert_eq!(&found[..expected_start.len()], expected_start);
        assert!(found.contains(&"/opt/homebrew/bin/google-chrome".to_string()));
    }

    #[test]
    fn linux_tries_path_names_then_known_places() {
        let found = list("linux", &[("PATH", "/usr/local/bin:/usr/bin:/usr/bin")]);
        assert_eq!(found[0], "/usr/local/bin/chromium");
        assert_eq!(found[1], "/usr/bin/chromium");
        assert!(found.contains(&"/usr/bin/google-chrome-stable".to_string()));
        assert!(found.contains(&"/usr/bin/microsoft-edge".to_string()));
        assert_eq!(
            &found[found.len() - 3..],
            [
                "/snap/bin/chromium",
                "/opt/google/chrome/chrome",
                "/opt/microsoft/msedge/msedge"
            ]
        );
        let unique: std::collections::HashSet<_> = found.iter().collect();
        assert_eq!(
            unique.len(),
            found.len(),
            "a directory twice on PATH: {found:#?}"
        );
    }

    /// The real search on this machine (Linux, Debian's chromium in CI).
    #[cfg(target_os = "linux")]
    #[test]
    fn this_machine_has_a_browser_among_the_candidates() {
        let found = candidates("linux", &|name| std::env::var_os(name));
        assert!(
            found.iter().any(|c| c.is_file()),
            "no Chromium among {found:#?}"
        );
    }

    #[test]
    fn file_urls_are_absolute_and_encoded() {
        assert_eq!(
            file_url("/tmp/a b/2024/27/print.html"),
            "file:///tmp/a%20b/2024/27/print.html"
        );
        assert_eq!(
            file_url(r"\\?\C:\网站\public\2024\27\print.html"),
            "file:///C:/%E7%BD%91%E7%AB%99/public/2024/27/print.html"
        );
        assert_eq!(
            file_url(r"C:\Users\x#1\print.html"),
            "file:///C:/Users/x%231/print.html"
        );
        assert_eq!(
            file_url(r"\\?\UNC\server\share\print.html"),
            "file://server/share/print.html"
        );
    }
}
