//! `jianbao serve` against other websites, over raw TCP and real
//! WebSockets on loopback: a request naming another host (DNS rebinding)
//! gets a Chinese refusal and nothing of the archive, a WebSocket from
//! another origin is refused, answers carry nosniff, a referrer policy and
//! a content security policy under which pages, search and live reload
//! work in real Chromium; files are sent as a static server sends them;
//! malformed search parameters get 400 with a Chinese message; `--bind`
//! beyond loopback warns.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::server::{serve_configured, Running};
use common::{percent_encode, Site};

/// One answer: status, head (lower-cased names) and body.
struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().find_map(|line| {
            line.to_ascii_lowercase()
                .starts_with(&prefix)
                .then(|| line[prefix.len()..].trim().to_string())
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `request` as it is and reads the answer to the end.
fn exchange(port: u16, request: &str) -> Answer {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).ok();
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer head: {:?}", String::from_utf8_lossy(&bytes)));
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    Answer {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

/// `METHOD target` with `Host: 127.0.0.1:port` (unless `headers` names
/// another) and `headers`.
fn ask(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = format!("{method} {target} HTTP/1.1\r\n");
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        request.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("Connection: close\r\n\r\n");
    exchange(port, &request)
}

fn get(port: u16, target: &str) -> Answer {
    ask(port, "GET", target, &[])
}

/// The basic fixture served with drafts, as an editor previews them.
fn server(extra: &[&str]) -> (Site, Running, u16) {
    let site = Site::copy("basic");
    let (running, port, _log) = serve_configured(&site.root, Some(&site.path("out")), |c| {
        c.args(extra);
    });
    (site, running, port)
}

#[test]
fn requests_naming_another_host_get_a_refusal_and_nothing_of_the_archive() {
    let (_site, _server, port) = server(&["--drafts", "--allow-host", "office-pc"]);
    let draft_query = format!("/api/search?q={}", percent_encode("尚未定稿"));
    // What the archive holds, drafts included, asked properly.
    assert!(get(port, "/drafts/xinxiang/").text().contains("新乡县"));
    assert!(get(port, &draft_query).text().contains("03-draft"));

    for host in [
        "attacker.example".to_string(),
        format!("attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        "office-pc.attacker.example".to_string(),
        // A loopback name or an address with another port: not what a
        // browser that connected here sends.
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for target in [
            "/",
            "/drafts/xinxiang/",
            &draft_query,
            "/style.css",
            "/2024/01",
        ] {
            let answer = ask(port, "GET", target, &[("Host", &host)]);
            assert_eq!(answer.status, 403, "Host {host} {target}: {}", answer.head);
            let text = answer.text();
            assert!(
                text.contains("拒绝访问"),
                "Host {host}: a Chinese page: {text}"
            );
            assert!(text.contains("--allow-host"), "it says what to do: {text}");
            assert!(
                !text.contains("新乡县") && !text.contains("代表联络站"),
                "{text}"
            );
        }
    }
    // No Host at all (HTTP/1.0), and the absolute form naming another host.
    let answer = exchange(port, "GET /drafts/xinxiang/ HTTP/1.0\r\n\r\n");
    assert_eq!(answer.status, 403);
    let answer = exchange(
        port,
        &format!("GET http://attacker.example/drafts/xinxiang/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(answer.status, 403);

    // Loopback names and addresses with the port served (or none, as curl
    // sends for port 80), and the name given with --allow-host (with any
    // port or none: a reverse proxy may be in front) are this server.
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("[::1]:{port}"),
        format!("preview.localhost:{port}"),
        "127.0.0.1".to_string(),
        format!("office-pc:{port}"),
        "office-pc".to_string(),
    ] {
        let answer = ask(port, "GET", "/drafts/xinxiang/", &[("Host", &host)]);
        assert_eq!(answer.status, 200, "Host {host}");
    }
}

#[test]
fn allow_host_takes_only_host_names() {
    let site = Site::copy("basic");
    let output = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args([
            "serve",
            "--port",
            "0",
            "--allow-host",
            "http://office-pc:8080",
            "--root",
        ])
        .arg(&site.root)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("不是主机名"), "{stderr}");
}

/// A WebSocket handshake to the live-reload endpoint, with these extra
/// headers; the status the server answered with.
fn handshake(
    port: u16,
    headers: &[(&str, &str)],
) -> Result<tungstenite::WebSocket<TcpStream>, u16> {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}/__jianbao/live")
        .into_client_request()
        .unwrap();
    for (name, value) in headers {
        request.headers_mut().insert(
            tungstenite::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    match tungstenite::client::client(request, stream) {
        Ok((socket, _)) => Ok(socket),
        Err(tungstenite::handshake::HandshakeError::Failure(tungstenite::Error::Http(answer))) => {
            Err(answer.status().as_u16())
        }
        Err(other) => panic!("handshake: {other}"),
    }
}

#[test]
fn live_reload_sockets_from_other_origins_are_refused() {
    let (site, _server, port) = server(&[]);
    let own = format!("http://127.0.0.1:{port}");
    for origin in [
        "https://attacker.example",
        "http://attacker.example",
        "http://127.0.0.1:1",
        "null",
        "file://",
    ] {
        assert_eq!(
            handshake(port, &[("Origin", origin)]).err(),
            Some(403),
            "Origin {origin}"
        );
    }
    // Rebinding: the attacker's name in both Host and Origin.
    assert_eq!(
        handshake(
            port,
            &[
                ("Host", "attacker.example"),
                ("Origin", "http://attacker.example")
            ]
        )
        .err(),
        Some(403)
    );

    // The server's own pages, and a client that is no browser, are served:
    // both hear of the next rebuild.
    let mut tab = handshake(port, &[("Origin", &own)]).expect("own origin");
    let mut tool = handshake(port, &[]).expect("no Origin");
    let report = site.file("content/2024/01/01-beiguan-zhuanye.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n\n新加的一段。\n")).unwrap();
    for socket in [&mut tab, &mut tool] {
        let notice = loop {
            match socket.read().expect("a reload notice") {
                tungstenite::Message::Text(text) => break text.to_string(),
                _ => continue,
            }
        };
        assert!(notice == "*" || notice.contains("/2024/01/"), "{notice}");
    }
}

#[test]
fn answers_carry_protective_headers_and_pages_a_content_security_policy() {
    let (_site, _server, port) = server(&[]);
    for target in [
        "/",
        "/style.css",
        "/api/search?q=a",
        "/no/such/page/",
        "/__jianbao/live.js",
    ] {
        let answer = get(port, target);
        assert_eq!(
            answer.header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{target}"
        );
        assert_eq!(
            answer.header("referrer-policy").as_deref(),
            Some("same-origin"),
            "{target}"
        );
    }
    let page = get(port, "/");
    let policy = page
        .header("content-security-policy")
        .expect("pages have a CSP");
    for directive in [
        "script-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'self'",
        "base-uri 'self'",
    ] {
        assert!(policy.contains(directive), "{policy}");
    }
    assert!(!policy.contains("'unsafe-eval'"), "{policy}");
    assert!(
        !policy
            .split(';')
            .any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")),
        "{policy}"
    );
    // The live-reload script is a file the policy allows, not inline.
    let text = page.text();
    assert!(text.contains("<script src=\"/__jianbao/live.js\"></script>"));
    assert!(get(port, "/__jianbao/live.js")
        .text()
        .contains("/__jianbao/live"));
    assert!(
        !text.contains("<script>"),
        "no inline script the policy would block"
    );
}

#[test]
fn folders_asked_without_their_slash_are_redirected_keeping_the_query() {
    let (_site, _server, port) = server(&[]);
    for (target, location) in [
        ("/2024/01", "/2024/01/"),
        ("/2024/01?from=feed&x=1", "/2024/01/?from=feed&x=1"),
        ("/keywords", "/keywords/"),
    ] {
        let answer = get(port, target);
        assert!(
            matches!(answer.status, 301 | 308),
            "{target}: {}",
            answer.status
        );
        assert_eq!(
            answer.header("location").as_deref(),
            Some(location),
            "{target}"
        );
    }
    // Never to another site.
    for target in [
        "//attacker.example",
        "/%2Fattacker.example",
        "/\\attacker.example",
    ] {
        let answer = get(port, target);
        assert!(
            answer.header("location").is_none() && (400..500).contains(&answer.status),
            "{target}: {}",
            answer.head
        );
    }
}

#[test]
fn files_are_sent_with_their_types_ranges_and_versions() {
    let site = Site::copy("basic");
    let files: &[(&str, &str)] = &[
        ("archive.gz", "application/gzip"),
        ("favicon.ico", "image/vnd.microsoft.icon"),
        ("font.woff2", "font/woff2"),
        ("module.mjs", "text/javascript; charset=utf-8"),
        ("code.wasm", "application/wasm"),
        ("old.htm", "text/html; charset=utf-8"),
        ("photo.avif", "image/avif"),
        ("SCAN.PDF", "application/pdf"),
        ("Photo.JPG", "image/jpeg"),
    ];
    for (name, _) in files {
        site.write(&format!("static/{name}"), "0123456789abcdefghij");
    }
    let (_server, port, _log) = serve_configured(&site.root, Some(&site.path("out")), |_| {});
    for (name, expected) in files {
        let answer = get(port, &format!("/{name}"));
        assert_eq!(answer.status, 200, "/{name}");
        assert_eq!(
            answer.header("content-type").as_deref(),
            Some(*expected),
            "/{name}"
        );
    }

    let whole = get(port, "/archive.gz");
    assert_eq!(whole.body, b"0123456789abcdefghij");
    assert_eq!(whole.header("accept-ranges").as_deref(), Some("bytes"));
    // Not re-encoded: the browser gets the gzip file itself.
    assert!(whole.header("content-encoding").is_none());
    let etag = whole.header("etag").expect("an ETag");
    let modified = whole.header("last-modified").expect("a Last-Modified");

    let part = ask(port, "GET", "/archive.gz", &[("Range", "bytes=5-9")]);
    assert_eq!(part.status, 206);
    assert_eq!(part.body, b"56789");
    assert_eq!(
        part.header("content-range").as_deref(),
        Some("bytes 5-9/20")
    );
    let tail = ask(port, "GET", "/archive.gz", &[("Range", "bytes=-3")]);
    assert_eq!((tail.status, tail.body.as_slice()), (206, &b"hij"[..]));
    let beyond = ask(port, "GET", "/archive.gz", &[("Range", "bytes=50-")]);
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range").as_deref(),
        Some("bytes */20")
    );
    // A range of an older version is not mixed into the new one.
    let stale = ask(
        port,
        "GET",
        "/archive.gz",
        &[("Range", "bytes=5-9"), ("If-Range", "\"another-version\"")],
    );
    assert_eq!((stale.status, stale.body.len()), (200, 20));
    let current = ask(
        port,
        "GET",
        "/archive.gz",
        &[("Range", "bytes=5-9"), ("If-Range", &etag)],
    );
    assert_eq!(current.status, 206);

    for conditional in [
        ("If-None-Match", etag.clone()),
        ("If-None-Match", format!("\"x\", W/{etag}")),
        ("If-Modified-Since", modified.clone()),
    ] {
        let answer = ask(
            port,
            "GET",
            "/archive.gz",
            &[(conditional.0, &conditional.1)],
        );
        assert_eq!(answer.status, 304, "{conditional:?}");
        assert!(answer.body.is_empty());
        assert_eq!(answer.header("etag").as_deref(), Some(etag.as_str()));
    }
    let changed = ask(
        port,
        "GET",
        "/archive.gz",
        &[("If-None-Match", "\"other\"")],
    );
    assert_eq!(changed.status, 200);

    // Pages too: the copy with the live-reload script is versioned, and a
    // changed page (here: the overlay coming) is a new version.
    let page = get(port, "/");
    let page_tag = page.header("etag").expect("pages have an ETag");
    assert_eq!(
        ask(port, "GET", "/", &[("If-None-Match", &page_tag)]).status,
        304
    );
    site.write("content/2024/01/_issue.md", "---\ndate: 不是日期\n---\n");
    let started = Instant::now();
    loop {
        let answer = ask(port, "GET", "/", &[("If-None-Match", &page_tag)]);
        if answer.status == 200 {
            assert!(answer.text().contains("jianbao-error"));
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the overlay never came"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    let head = ask(port, "HEAD", "/SCAN.PDF", &[]);
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length").as_deref(), Some("20"));
    assert!(head.body.is_empty());
}

#[test]
fn malformed_search_parameters_get_400_with_a_chinese_message() {
    let (site, _server, port) = server(&[]);
    for query in [
        "q=a&year=99999",
        "q=a&year=abc",
        "q=a&year=2024-2020",
        "q=a&year_from=abc",
        "q=a&year_to=20245",
        "q=a&year_from=2024&year_to=2020",
        "q=a&limit=abc",
        "q=a&limit=-1",
        "q=a&offset=abc",
        "q=a&offset=1.5",
    ] {
        let answer = get(port, &format!("/api/search?{query}"));
        assert_eq!(answer.status, 400, "{query}: {}", answer.text());
        assert!(
            answer
                .header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{query}"
        );
        let json: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        let message = json["message"]
            .as_str()
            .unwrap_or_else(|| panic!("{query}: {json}"));
        assert!(
            message
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{query}: {message}"
        );
    }
    for query in [
        "q=a&year=2024",
        "q=a&year=2020-2024",
        "q=a&year_from=2020&year_to=2024",
        "q=a&year=",
    ] {
        assert_eq!(
            get(port, &format!("/api/search?{query}")).status,
            200,
            "{query}"
        );
    }
    // The command line says the same.
    let output = Command::new(env!("CARGO_BIN_EXE_jianbao"))
        .args(["search", "代表", "--year", "99999", "--root"])
        .arg(&site.root)
        .arg("--out")
        .arg(site.path("out"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("四位年份"));
}

/// Whether this machine can give a process a network namespace of its own.
fn namespaces() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .is_ok_and(|s| s.success())
}

/// `jianbao serve` with `args` until it is ready; whether it got ready,
/// and what it wrote on stderr. `isolated` runs it in a network namespace
/// of its own, where listening on every address reaches no network.
fn serve_stderr(site: &Path, args: &[&str], isolated: bool) -> (bool, String) {
    let mut command = if isolated {
        let mut command = Command::new("unshare");
        command.arg("-n").arg(env!("CARGO_BIN_EXE_jianbao"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_jianbao"))
    };
    let mut child = command
        .args(["serve", "--port", "0", "--root"])
        .arg(site)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let ready = loop {
        line.clear();
        if std::io::BufRead::read_line(&mut stdout, &mut line).unwrap_or(0) == 0 {
            break false;
        }
        if line.contains("网站已就绪") {
            break true;
        }
    };
    // The warning follows the ready line.
    std::thread::sleep(Duration::from_millis(500));
    child.kill().ok();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .ok();
    child.wait().ok();
    (ready, stderr)
}

#[test]
fn binding_beyond_loopback_warns_that_the_archive_is_visible() {
    let site = Site::copy("basic");
    let (ready, quiet) = serve_stderr(&site.root, &[], false);
    assert!(ready, "{quiet}");
    assert!(!quiet.contains("警告：--bind"), "{quiet}");
    if !namespaces() {
        eprintln!("skipped the 0.0.0.0 half: no network namespaces here (unshare -n)");
        return;
    }
    for (args, drafts) in [
        (&["--bind", "0.0.0.0", "--drafts"][..], true),
        (&["--bind", "::"][..], false),
    ] {
        let (ready, stderr) = serve_stderr(&site.root, args, true);
        assert!(ready, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("警告：--bind {}", args[1])),
            "{stderr}"
        );
        assert!(stderr.contains("其他电脑"), "{stderr}");
        assert_eq!(stderr.contains("包括草稿"), drafts, "{stderr}");
    }
}

#[test]
fn pages_search_and_live_reload_work_under_the_policy_in_chromium() {
    let site = Site::copy("basic");
    let (_server, port, _log) = serve_configured(&site.root, Some(&site.path("out")), |_| {});
    let base = format!("http://127.0.0.1:{port}");
    let urls = [
        format!("{base}/"),
        format!("{base}/2024/01/"),
        format!("{base}/2024/01/print.html"),
        format!("{base}/search/?q={}", percent_encode("代表")),
        format!("{base}/stats/"),
    ];
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/csp_check.mjs");
    let output = Command::new("node")
        .args(["--experimental-websocket", "--no-warnings"])
        .arg(&script)
        .arg(common::chromium())
        .args(&urls)
        .output()
        .expect("node is installed");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let reports: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(reports.len(), urls.len(), "{stdout}");
    for report in &reports {
        let url = report["url"].as_str().unwrap();
        assert_eq!(
            report["violations"],
            serde_json::json!([]),
            "{url}: {report}"
        );
        assert_eq!(report["log"], serde_json::json!([]), "{url}: {report}");
        assert_eq!(
            report["exceptions"],
            serde_json::json!([]),
            "{url}: {report}"
        );
        assert_eq!(
            report["websocket"], true,
            "{url}: live reload connects: {report}"
        );
        assert_eq!(report["styled"], true, "{url}: {report}");
        if url.contains("/search/") {
            assert_eq!(report["searchDone"], "1", "{report}");
            assert!(report["results"].as_u64().unwrap() > 0, "{report}");
        }
    }
}
