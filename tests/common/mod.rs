//! Helpers shared by the integration tests: copy a fixture site into a
//! temporary folder, run the real `jianbao` binary on it, read and snapshot
//! what it wrote. No mocks: every test goes through the command line.

#![allow(dead_code, unreachable_pub)]

pub mod server;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

/// `tests/fixtures/<name>` in the source tree.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A temporary folder holding a copy of a fixture site, so a test may
/// change it and the binary may write next to it.
pub struct Site {
    pub dir: TempDir,
    pub root: PathBuf,
}

impl Site {
    /// Copies `tests/fixtures/<name>` to `<tmp>/site`.
    pub fn copy(name: &str) -> Site {
        Site::copy_from(&fixture(name))
    }

    pub fn copy_from(source: &Path) -> Site {
        Site::copy_into(source, temp_dir())
    }

    fn copy_into(source: &Path, dir: TempDir) -> Site {
        assert!(source.is_dir(), "no fixture at {}", source.display());
        let root = dir.path().join("site");
        copy_dir(source, &root);
        Site { dir, root }
    }

    /// `<tmp>/<name>`: a place for output beside the site.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn file(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn write(&self, relative: &str, text: &str) {
        let path = self.file(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// `jianbao build --root <site> --out <out>` plus `extra`.
    pub fn build(&self, out: &Path, extra: &[&str]) -> Run {
        let mut args = vec![
            "build".to_string(),
            "--root".into(),
            self.root.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        jianbao_in(self.dir.path(), &args)
    }

    /// `jianbao check --root <site>` plus `extra`.
    pub fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            "check".to_string(),
            "--root".into(),
            self.root.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        jianbao_in(self.dir.path(), &args)
    }
}

/// A temporary folder inside cargo's own scratch space for integration tests.
pub fn temp_dir() -> TempDir {
    temp_dir_named("jianbao-test-")
}

fn temp_dir_named(prefix: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("create a temporary folder")
}

/// A copy of `tests/fixtures/<name>` to edit freely.
pub fn copy_fixture(name: &str) -> TempDir {
    let dir = temp_dir();
    copy_dir(&fixture(name), dir.path());
    dir
}

/// Shared builds live in static cells, which are never dropped, so their
/// folders outlive the test run; they are named apart and swept later.
const SHARED_PREFIX: &str = "jianbao-shared-";

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the whole output unless the exit code is `code`.
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}, got {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        );
        self
    }

    pub fn expect_stderr(&self, fragment: &str) -> &Run {
        assert!(
            self.stderr.contains(fragment),
            "stderr lacks {fragment:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }

    pub fn expect_stdout(&self, fragment: &str) -> &Run {
        assert!(
            self.stdout.contains(fragment),
            "stdout lacks {fragment:?}\n--- stdout\n{}",
            self.stdout
        );
        self
    }

    /// The diagnostic line containing `fragment` is followed by its
    /// `处理办法：` (what to do) line.
    pub fn expect_hint_after(&self, fragment: &str) -> &Run {
        let lines: Vec<&str> = self.stderr.lines().collect();
        let at = lines
            .iter()
            .position(|line| line.contains(fragment))
            .unwrap_or_else(|| panic!("stderr lacks {fragment:?}\n{}", self.stderr));
        let next = lines.get(at + 1).copied().unwrap_or("");
        assert!(
            next.starts_with("    处理办法："),
            "no 处理办法 after {fragment:?}\n--- stderr\n{}",
            self.stderr
        );
        self
    }
}

/// Runs the real binary with `args` in `cwd`.
pub fn jianbao_in(cwd: &Path, args: &[String]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(args)
        .current_dir(cwd)
        .env_remove("RUST_LOG")
        .output()
        .expect("run the jianbao binary");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

pub fn jianbao(args: &[&str]) -> Run {
    let cwd = temp_dir();
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    jianbao_in(cwd.path(), &args)
}

/// A built site, shared by the tests of one test binary: building takes a
/// second (jieba loads its dictionary), the assertions take microseconds.
pub struct Built {
    pub site: Site,
    pub out: PathBuf,
    pub run: Run,
}

impl Built {
    pub fn new(fixture_name: &str, extra: &[&str]) -> Built {
        Built::in_dir(fixture_name, extra, temp_dir())
    }

    fn in_dir(fixture_name: &str, extra: &[&str], dir: TempDir) -> Built {
        let site = Site::copy_into(&fixture(fixture_name), dir);
        let out = site.path("out");
        let run = site.build(&out, extra);
        run.expect_code(0);
        Built { site, out, run }
    }

    /// The text of an output file; panics with the file list if absent.
    pub fn read(&self, relative: &str) -> String {
        read_output(&self.out, relative)
    }

    pub fn exists(&self, relative: &str) -> bool {
        self.out.join(relative).exists()
    }

    /// Every output file with its path relative to the output folder.
    pub fn files(&self) -> Vec<String> {
        snapshot(&self.out).into_keys().collect()
    }
}

pub fn read_output(out: &Path, relative: &str) -> String {
    let path = out.join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|err| {
        let files: Vec<String> = snapshot(out).into_keys().collect();
        panic!(
            "cannot read {relative}: {err}\noutput has:\n{}",
            files.join("\n")
        )
    })
}

/// Every file of a folder: `/`-separated relative path → bytes.
pub type Snapshot = BTreeMap<String, Vec<u8>>;

/// Every file under `dir`, with its bytes.
pub fn snapshot(dir: &Path) -> Snapshot {
    let mut files = BTreeMap::new();
    collect(dir, dir, &mut files);
    files
}

fn collect(base: &Path, dir: &Path, files: &mut Snapshot) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            collect(base, &path, files);
        } else {
            let relative = path
                .strip_prefix(base)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            files.insert(relative, std::fs::read(&path).unwrap());
        }
    }
}

/// Names in `dir` (not recursive), sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The values of `attr="…"` in an HTML text, in order.
pub fn attribute_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut values = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&needle) {
        let after = &rest[start + needle.len()..];
        let end = after.find('"').unwrap_or(after.len());
        values.push(after[..end].to_string());
        rest = &after[end..];
    }
    values
}

/// A temporary folder holding `site/` with only the repository's
/// `site.toml`: where `jianbao import` starts an archive.
pub fn empty_site() -> TempDir {
    let dir = temp_dir();
    std::fs::create_dir_all(dir.path().join("site")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("site.toml"),
        dir.path().join("site/site.toml"),
    )
    .unwrap();
    dir
}

/// `jianbao import --root site [extra…] files…`, run in `dir`.
pub fn import_into(dir: &Path, files: &[PathBuf], extra: &[&str]) -> Run {
    let mut args: Vec<String> = vec!["import".into(), "--root".into(), "site".into()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(files.iter().map(|f| f.display().to_string()));
    jianbao_in(dir, &args)
}

/// `%XX` for every byte but unreserved ASCII: `安` → `%E5%AE%89`.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The headless Chromium the browser tests drive (`.ci/run` installs it):
/// `JIANBAO_CHROMIUM` when it names a file, as for `jianbao pdf`.
pub fn chromium() -> PathBuf {
    if let Some(named) = std::env::var_os("JIANBAO_CHROMIUM")
        .map(PathBuf::from)
        .filter(|p| p.is_file())
    {
        return named;
    }
    for candidate in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(candidate).exists() {
            return PathBuf::from(candidate);
        }
    }
    panic!("headless Chromium is needed: apt-get install chromium (.ci/run installs it)");
}

/// Headless Chromium with the flags every test run of it needs (no
/// sandbox, GPU, first-run or background work) and its own profile.
pub fn headless_chromium(profile: &Path) -> Command {
    let mut command = Command::new(chromium());
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
        ])
        .arg(format!("--user-data-dir={}", profile.display()));
    command
}

/// The page at `url` as a fresh headless Chromium tab leaves it once its
/// scripts have run (for at most `budget_ms` of virtual time), and what
/// Chromium said on stderr.
pub fn dump_dom(url: &str, budget_ms: u32) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = headless_chromium(profile.path())
        .args(["--disable-component-update", "--disable-sync", "--dump-dom"])
        .arg(format!("--virtual-time-budget={budget_ms}"))
        .arg(url)
        .output()
        .expect("run headless Chromium");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `%E5%AE%89` → `安`.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("percent-encoded UTF-8")
}

/// Occurrences of `needle` in `haystack`.
pub fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

/// Where `needle` first occurs; panics with context when it does not.
pub fn position(haystack: &str, needle: &str) -> usize {
    haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found in:\n{haystack}"))
}

/// The `<main>` of a page, so assertions skip the shared header and footer.
pub fn main_of(html: &str) -> &str {
    let start = position(html, "<main");
    let end = html.rfind("</main>").expect("</main>");
    &html[start..end]
}

/// A built copy of a fixture, made once per test binary and shared by its
/// tests. It lives in cargo's scratch folder for integration tests; copies
/// left by runs more than an hour ago are removed.
pub fn shared_build(
    cell: &'static std::sync::OnceLock<Built>,
    fixture_name: &str,
    extra: &[&str],
) -> &'static Built {
    cell.get_or_init(|| Built::in_dir(fixture_name, extra, shared_temp_dir()))
}

/// A temporary folder for something kept in a static cell for the whole
/// run (see `shared_build`).
pub fn shared_temp_dir() -> TempDir {
    remove_stale_scratch();
    temp_dir_named(SHARED_PREFIX)
}

fn remove_stale_scratch() {
    let hour = std::time::Duration::from_secs(60 * 60);
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > hour);
        if old
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with(SHARED_PREFIX)
        {
            std::fs::remove_dir_all(entry.path()).ok();
        }
    }
}

/// For tests that need something `.ci/run` installs (npm packages, nginx,
/// root for dpkg): true when it is there. Missing in CI (`CI=true`) it is
/// a failure; elsewhere the test prints why it is skipped and passes.
pub fn available(present: bool, what: &str) -> bool {
    if present {
        return true;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
        panic!("{what}: CI=true, and .ci/run should have installed it");
    }
    eprintln!("skipped: {what} (bash .ci/run installs it)");
    false
}

/// The browser-test packages (axe-core, playwright-core) `npm ci` put in
/// tests/support/node_modules.
pub fn browser_test_packages() -> Option<PathBuf> {
    let support = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support");
    let present = support.join("node_modules/axe-core/axe.min.js").is_file()
        && support
            .join("node_modules/playwright-core/package.json")
            .is_file();
    available(
        present,
        "axe-core and playwright-core are not in tests/support/node_modules (cd tests/support && npm ci)",
    )
    .then_some(support)
}

/// Runs tests/support/audit.mjs on `pages` (JSON objects, see the script)
/// at `widths` and returns its one JSON object per page and width.
pub fn audit(
    support: &Path,
    pages: &[serde_json::Value],
    widths: &[u32],
) -> Vec<serde_json::Value> {
    let jobs = serde_json::json!({ "pages": pages, "widths": widths });
    let output = Command::new("node")
        .arg(support.join("audit.mjs"))
        .arg(chromium())
        .arg(jobs.to_string())
        .output()
        .expect("run node (apt-get install nodejs)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "audit.mjs failed\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect()
}

/// A plain static file server on loopback (Python's, which knows nothing
/// of jianbao) serving `dir`, and its port.
pub fn python_static_host(dir: &Path) -> (server::Running, u16) {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let child = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dir)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("python3 is installed");
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed().as_secs() < 10,
            "static host did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    (server::Running(child), port)
}
