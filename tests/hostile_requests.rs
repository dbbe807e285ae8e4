//! Hostile requests to a real `jianbao serve`, sent as raw bytes over TCP
//! (an HTTP client would normalise the paths): the server listens on
//! loopback only, never serves a file outside the output folder, caps
//! request sizes, answers malformed requests with 4xx, and keeps answering.

mod common;

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream, UdpSocket};
use std::time::Duration;

use common::server::{http_get, serve, Running};
use common::Site;

/// A server over the basic fixture, with a file beside the output that no
/// request may reach. One per test: a server kept in a static would never
/// be dropped, and so never stopped, when the test binary exits.
fn server() -> (Site, Running, u16) {
    let site = Site::copy_from(&common::fixture("basic"));
    std::fs::write(site.path("secret.txt"), "SECRET-OUTSIDE-OUTPUT").unwrap();
    let (running, port) = serve(&site.root, Some(&site.path("out")));
    assert_eq!(http_get(port, "/").0, 200);
    (site, running, port)
}

/// Sends `bytes` and returns the status of the answer (0 when the server
/// closed the connection without one) and the whole answer.
fn raw(port: u16, bytes: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The server may answer and close before reading everything.
    stream.write_all(bytes).ok();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok();
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .strip_prefix("HTTP/1.1 ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, text)
}

fn get(port: u16, target: &[u8]) -> (u16, String) {
    let mut request = b"GET ".to_vec();
    request.extend_from_slice(target);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    raw(port, &request)
}

/// The server still answers a plain request.
fn still_answers(port: u16) {
    assert_eq!(http_get(port, "/").0, 200, "the server stopped answering");
}

#[test]
fn listens_on_loopback_unless_told_otherwise() {
    let (_site, _server, port) = server();
    // The machine's address on its default route, if it has one.
    let outward = UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|_| s))
        .and_then(|s| s.local_addr())
        .map(|a| a.ip())
        .ok()
        .filter(|ip| !ip.is_loopback() && !ip.is_unspecified());
    if let Some(ip) = outward {
        let refused = TcpStream::connect_timeout(&(ip, port).into(), Duration::from_secs(2));
        assert!(refused.is_err(), "serve answers on {ip}:{port}");
    }
    // And the kernel's table says the same: bound to 127.0.0.1 only.
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let listening: Vec<&str> = table
        .lines()
        .filter(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.len() > 3 && cols[3] == "0A" && cols[1].ends_with(&format!(":{port:04X}"))
        })
        .collect();
    if !table.is_empty() {
        assert!(!listening.is_empty(), "no listening socket on port {port}");
        for line in listening {
            let local = line.split_whitespace().nth(1).unwrap();
            assert!(
                local.starts_with("0100007F:"),
                "bound to {local}, not 127.0.0.1"
            );
        }
    }
    let v6 = std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    assert!(
        !v6.lines().any(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            cols.len() > 3 && cols[3] == "0A" && cols[1].ends_with(&format!(":{port:04X}"))
        }),
        "serve also listens on IPv6"
    );
    let _ = IpAddr::from([127, 0, 0, 1]);
}

#[test]
fn traversal_in_every_spelling_is_refused() {
    let (_site, _server, port) = server();
    for target in [
        &b"/../secret.txt"[..],
        b"/../../secret.txt",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/secret.txt",
        b"/.%2e/secret.txt",
        b"/%2e./secret.txt",
        b"/2024/%2f..%2f..%2fsecret.txt",
        b"/%2F..%2Fsecret.txt",
        b"/..%2fsecret.txt",
        b"/..%5csecret.txt",
        b"/..%5C..%5Csecret.txt",
        b"/..\\secret.txt",
        b"/%252e%252e/secret.txt",
        b"/%25%32%65%25%32%65/secret.txt",
        b"/%c0%ae%c0%ae/secret.txt",
        b"/%e0%80%ae%e0%80%ae/secret.txt",
        b"/%00/../secret.txt",
        b"/style.css%00.html",
        b"/2024/01/../../../secret.txt",
        b"http://127.0.0.1/../secret.txt",
        b"//secret.txt",
        b"/etc/passwd",
        b"//etc/passwd",
        b"/%2fetc%2fpasswd",
        b"file:///etc/passwd",
        b"C:\\Windows\\win.ini",
        b"*",
    ] {
        let shown = String::from_utf8_lossy(target);
        let (status, answer) = get(port, target);
        assert!(
            (400..500).contains(&status),
            "{shown}: expected 4xx, got {status}"
        );
        assert!(!answer.contains("SECRET-OUTSIDE-OUTPUT"), "{shown} leaked");
        assert!(!answer.contains("root:x:0:0"), "{shown} served /etc/passwd");
        assert!(!answer.contains("base_url"), "{shown} served site.toml");
    }
    still_answers(port);
}

#[test]
fn absolute_form_targets_serve_only_the_output() {
    let (_site, _server, port) = server();
    // RFC 9112 absolute-form: the host part is ignored, the path served
    // from the output folder as usual.
    let (status, answer) = get(port, b"http://evil.example/style.css");
    assert!(status == 200 || (400..500).contains(&status), "{status}");
    if status == 200 {
        assert!(answer.contains("text/css"), "{answer}");
    }
    let (status, _) = get(port, b"http://evil.example/../secret.txt");
    assert!((400..500).contains(&status), "{status}");
}

#[test]
fn over_long_targets_are_refused() {
    let (_site, _server, port) = server();
    for (what, target) in [
        ("path", format!("/{}", "a".repeat(20_000))),
        (
            "search query",
            format!("/api/search?q={}", "a".repeat(20_000)),
        ),
        ("100 KB path", format!("/{}", "a".repeat(100_000))),
    ] {
        let (status, _) = get(port, target.as_bytes());
        assert!(
            status == 414 || status == 400 || status == 431,
            "{what}: expected 414 or 400, got {status}"
        );
    }
    still_answers(port);
}

/// The 8 KB cap on request targets holds for pages too, not only for the
/// search API: a 20 KB query string on a page is refused like one on
/// `/api/search`.
#[test]
fn over_long_query_on_a_page_is_refused() {
    let (_site, _server, port) = server();
    for target in [
        format!("/?q={}", "a".repeat(20_000)),
        format!("/style.css?{}", "a".repeat(20_000)),
    ] {
        let (status, _) = get(port, target.as_bytes());
        assert!(
            status == 414 || status == 400,
            "expected 414 or 400, got {status}"
        );
    }
    still_answers(port);
}

#[test]
fn huge_headers_and_bodies_are_refused_or_never_read() {
    let (_site, _server, port) = server();
    let big_header = format!(
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(1024 * 1024)
    );
    let (status, _) = raw(port, big_header.as_bytes());
    assert!(
        status == 431 || status == 400 || status == 413,
        "a 1 MB header: {status}"
    );
    let mut many = String::from("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for i in 0..500 {
        many.push_str(&format!("X-{i}: a\r\n"));
    }
    many.push_str("\r\n");
    let (status, _) = raw(port, many.as_bytes());
    assert!(status == 431 || status == 400, "500 header lines: {status}");
    // A body of a claimed gigabyte: answered (or refused) without waiting
    // for it, and never held in memory.
    for target in ["/api/search?q=a", "/"] {
        for method in ["GET", "POST"] {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(20)))
                .unwrap();
            write!(
                stream,
                "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000000\r\n\r\n"
            )
            .unwrap();
            let chunk = vec![b'a'; 64 * 1024];
            for _ in 0..16 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
            let mut head = [0u8; 12];
            stream
                .read_exact(&mut head)
                .expect("an answer before the body ends");
            let status: u16 = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
            let expected = if method == "POST" { 405 } else { 200 };
            assert!(
                status == expected || status == 413,
                "{method} {target} with a 1 GB body: {status}"
            );
        }
    }
    still_answers(port);
}

#[test]
fn malformed_requests_get_400() {
    let (_site, _server, port) = server();
    for request in [
        &b"GARBAGE\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / FOO/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /\x01\x02 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header Without Colon\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -1\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
    ] {
        let (status, _) = raw(port, request);
        assert!(
            (400..500).contains(&status) || status == 0,
            "{:?}: {status}",
            String::from_utf8_lossy(request)
        );
        if request.starts_with(b"GET") {
            assert_eq!(status, 400, "{:?}", String::from_utf8_lossy(request));
        }
    }
    let (status, _) = get(port, b"/api/search?q=%ZZ");
    assert!((200..500).contains(&status) && status != 0, "{status}");
    let (status, _) = get(port, b"/api/search?limit=-1&q=a");
    assert_eq!(status, 400);
    still_answers(port);
}

#[test]
fn only_get_and_head_reach_files() {
    let (_site, _server, port) = server();
    for method in [
        "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND",
    ] {
        for target in ["/style.css", "/", "/api/search?q=a", "/2024/01/"] {
            let request = format!(
                "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let (status, answer) = raw(port, request.as_bytes());
            assert_eq!(status, 405, "{method} {target}: {answer}");
        }
    }
    let (status, answer) = raw(
        port,
        b"HEAD /style.css HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status, 200);
    assert!(!answer.contains('{'), "HEAD sent a body: {answer}");
    still_answers(port);
}

#[test]
fn idle_and_half_sent_connections_do_not_block_others() {
    let (_site, _server, port) = server();
    let mut idle = Vec::new();
    for i in 0..200 {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        if i % 2 == 0 {
            stream
                .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                .unwrap();
        }
        idle.push(stream);
    }
    for _ in 0..20 {
        still_answers(port);
    }
    drop(idle);
    still_answers(port);
}
