//! Deployment as IT staff do it: the site served by a real nginx (Debian's)
//! with the example configuration of packaging/nginx/jianbao.conf, under
//! the subpath /daibiao/ with gzip on, the static search working in
//! Chromium; and the Debian package built by `cargo deb`, installed with
//! dpkg, running `jianbao --version`.
//!
//! nginx, cargo-deb and root are installed or given by `.ci/run`: without
//! them these tests say why they skip, except in CI (CI=true), where they
//! fail.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

const NGINX: &str = "/usr/sbin/nginx";

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// nginx in the foreground on a free loopback port, serving `out` at
/// /daibiao/ by the example server block, its paths and port replaced.
struct Nginx {
    _running: server::Running,
    port: u16,
    _dir: tempfile::TempDir,
}

fn start_nginx(out: &Path) -> Nginx {
    let dir = temp_dir();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let example =
        std::fs::read_to_string(repository().join("packaging/nginx/jianbao.conf")).unwrap();
    assert!(example.contains("alias /srv/jianbao/public/;"), "{example}");
    let server_block = example
        .replace(
            "alias /srv/jianbao/public/;",
            &format!("alias {}/;", out.display()),
        )
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:80;", "");
    let temp = dir.path().display();
    // The main configuration Debian's /etc/nginx/nginx.conf would give,
    // with every path inside the test's folder. One process only
    // (`master_process off`): killing a master leaves its worker running,
    // holding the port and whatever the test run had open.
    let config = format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {temp}/nginx.pid;\nerror_log {temp}/error.log;\n\
         {user}events {{ worker_connections 64; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  \
         access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n  \
         fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n\
         {server_block}\n}}\n",
        // Workers read the test's files, which only their owner may.
        user = if is_root() { "user root;\n" } else { "" },
    );
    let conf = dir.path().join("nginx.conf");
    std::fs::write(&conf, config).unwrap();
    let check = Command::new(NGINX)
        .arg("-t")
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "nginx -t refuses the example: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let child = Command::new(NGINX)
        .arg("-c")
        .arg(&conf)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = server::Running(child);
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx {
        _running: running,
        port,
        _dir: dir,
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A response: status, headers (names lowercased), body bytes.
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `GET target` over HTTP/1.1 (nginx compresses for 1.1 only, its
/// default), optionally asking for gzip; a chunked body is joined.
fn get(port: u16, target: &str, gzip: bool) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let encoding = if gzip {
        "Accept-Encoding: gzip\r\n"
    } else {
        ""
    };
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n{encoding}\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete response");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut response = Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    };
    if response.header("transfer-encoding") == Some("chunked") {
        response.body = dechunk(&response.body);
    }
    response
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_line = String::from_utf8_lossy(&raw[..end]);
        let size = usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[end + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("a gzip body");
    text
}

#[test]
fn nginx_serves_the_site_under_a_subpath_with_gzip_and_the_search_works() {
    if !available(
        Path::new(NGINX).is_file(),
        "nginx is not installed (apt-get install nginx-light)",
    ) {
        return;
    }
    let site = Site::copy("basic");
    let out = site.path("public");
    site.build(&out, &[]).expect_code(0);
    let nginx = start_nginx(&out);
    let port = nginx.port;

    let home = get(port, "/daibiao/", true);
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-encoding"), Some("gzip"));
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("vary"), Some("Accept-Encoding"));
    assert_eq!(home.header("x-content-type-options"), Some("nosniff"));
    // Pages are checked again every time: a rebuild shows at once.
    assert_eq!(home.header("cache-control"), Some("no-cache"));
    let page = gunzip(&home.body);
    assert!(page.contains("<h1>代表工作</h1>"), "{page}");

    // The style sheet by its content-hashed address is kept a year.
    let css = attribute_values(&page, "href")
        .into_iter()
        .find(|h| h.contains("style.css?h="))
        .unwrap();
    let style = get(port, &css, true);
    assert_eq!(style.status, 200);
    assert_eq!(style.header("content-encoding"), Some("gzip"));
    assert_eq!(style.header("cache-control"), Some("max-age=31536000"));
    assert_eq!(
        gunzip(&style.body),
        std::fs::read_to_string(out.join("style.css")).unwrap()
    );

    // Chinese folder names, percent-encoded as the pages link them.
    let county = format!(
        "/daibiao/counties/{}/{}/",
        percent_encode("安阳市"),
        percent_encode("北关区")
    );
    let response = get(port, &county, false);
    assert_eq!(response.status, 200);
    assert!(String::from_utf8_lossy(&response.body).contains("北关区"));

    // Without the slash, to the folder; a wrong address, the site's 404.
    let bare = get(port, "/daibiao", false);
    assert_eq!(bare.status, 301);
    assert!(bare.header("location").unwrap().ends_with("/daibiao/"));
    let missing = get(port, "/daibiao/2024/99/", false);
    assert_eq!(missing.status, 404);
    assert!(String::from_utf8_lossy(&missing.body).contains("找不到页面"));
    assert_eq!(get(port, "/daibiao/.hidden", false).status, 404);

    // The static search in Chromium, through nginx.
    let Some(support) = browser_test_packages() else {
        return;
    };
    let url = format!(
        "http://127.0.0.1:{port}/daibiao/search/?q={}",
        percent_encode("代表联络站")
    );
    let lines = audit(
        &support,
        &[json!({ "url": url, "wait": "body[data-search-done]" })],
        &[1280],
    );
    let line = &lines[0];
    assert_eq!(line["consoleErrors"], json!([]), "{line}");
    assert_eq!(line["violations"], json!([]), "{line}");
    let status = line["status"].as_str().unwrap();
    assert!(status.starts_with("共找到"), "{line}");
    assert!(
        line["mainText"].as_str().unwrap().contains("息县"),
        "{line}"
    );
}

/// The newest `.deb` cargo-deb wrote.
fn built_package(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "deb"))
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .expect("cargo deb wrote a .deb")
}

#[test]
fn the_debian_package_installs_jianbao_and_its_scheduled_build() {
    let cargo_deb = Command::new("cargo")
        .args(["deb", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available(
        cargo_deb,
        "cargo-deb is not installed (cargo install cargo-deb --locked)",
    ) {
        return;
    }
    // The binary this test run built, packaged as it is (a release build
    // here would double the run's compile time; `cargo deb` alone makes
    // the release package).
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_jianbao"));
    let profile = binary
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let out = temp_dir();
    let build = Command::new("cargo")
        .args(["deb", "--no-build", "--profile"])
        .arg(if profile == "debug" { "dev" } else { &profile })
        .arg("--output")
        .arg(out.path())
        .current_dir(repository())
        .output()
        .unwrap();
    assert!(
        build.status.success(),
        "cargo deb failed:\n{}\n{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    let deb = built_package(out.path());

    // What it holds, from dpkg-deb itself.
    let listing = Command::new("dpkg-deb")
        .arg("--contents")
        .arg(&deb)
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    for path in [
        "./usr/bin/jianbao",
        "./usr/lib/systemd/system/jianbao-build.service",
        "./usr/lib/systemd/system/jianbao-build.timer",
        "./etc/default/jianbao",
        "./usr/share/doc/jianbao/examples/nginx-jianbao.conf",
        "./usr/share/doc/jianbao/README.md",
    ] {
        assert!(
            listing.contains(path),
            "{path} is not in the package:\n{listing}"
        );
    }
    let fields = Command::new("dpkg-deb")
        .arg("--field")
        .arg(&deb)
        .output()
        .unwrap();
    let fields = String::from_utf8_lossy(&fields.stdout);
    assert!(fields.contains("Package: jianbao"), "{fields}");
    assert!(
        fields.contains("Depends:") && fields.contains("adduser"),
        "{fields}"
    );

    // The units as systemd reads them.
    let unpacked = temp_dir();
    let extract = Command::new("dpkg-deb")
        .arg("-x")
        .arg(&deb)
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(extract.success());
    let service = std::fs::read_to_string(
        unpacked
            .path()
            .join("usr/lib/systemd/system/jianbao-build.service"),
    )
    .unwrap();
    assert!(
        service.contains("EnvironmentFile=/etc/default/jianbao"),
        "{service}"
    );
    assert!(
        service.contains(
            "ExecStart=/usr/bin/jianbao build --root ${JIANBAO_SITE} --out ${JIANBAO_OUTPUT}"
        ),
        "{service}"
    );
    let timer = std::fs::read_to_string(
        unpacked
            .path()
            .join("usr/lib/systemd/system/jianbao-build.timer"),
    )
    .unwrap();
    assert!(timer.contains("OnCalendar=") && timer.contains("Unit=jianbao-build.service"));

    // Installed for real, then removed again.
    if !available(is_root(), "installing the package needs root (dpkg -i)") {
        return;
    }
    let dpkg = |args: &[&str], deb: Option<&Path>| {
        let mut command = Command::new("flock");
        command.arg("/tmp/jianbao-apt.lock").arg("dpkg").args(args);
        if let Some(deb) = deb {
            command.arg(deb);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "dpkg {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    dpkg(&["-i"], Some(&deb));
    let version = Command::new("/usr/bin/jianbao")
        .arg("--version")
        .output()
        .unwrap();
    let shown = String::from_utf8_lossy(&version.stdout).into_owned();
    assert!(version.status.success());
    assert_eq!(
        shown.trim(),
        format!("jianbao {}", env!("CARGO_PKG_VERSION"))
    );
    let user = Command::new("getent")
        .args(["passwd", "jianbao"])
        .output()
        .unwrap();
    assert!(user.status.success(), "postinst made no jianbao user");
    assert!(Path::new("/srv/jianbao").is_dir());
    if Path::new("/usr/bin/systemd-analyze").is_file() {
        let verify = Command::new("systemd-analyze")
            .args([
                "verify",
                "/usr/lib/systemd/system/jianbao-build.service",
                "/usr/lib/systemd/system/jianbao-build.timer",
            ])
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&verify.stderr);
        assert!(
            !said.lines().any(|l| l.contains("jianbao-build")),
            "systemd-analyze verify: {said}"
        );
    }
    dpkg(&["-r", "jianbao"], None);
    assert!(!Path::new("/usr/bin/jianbao").exists());
}
