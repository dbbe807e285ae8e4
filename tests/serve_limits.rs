//! `jianbao serve` against clients that misbehave, over raw TCP and real
//! WebSockets on loopback, with the server's open-file limit and timeouts
//! set low so that what takes a minute in use takes seconds here: closed
//! live-reload sockets are released at once, slow and idle clients are
//! closed by the server while others are answered, clients over the cap
//! are told to come back, request bodies are never waited for, and
//! stalled downloads of a large file neither grow memory nor stay open.
//! Counts are bounded and waits generous; nothing asserts a duration.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::Command;
use std::time::{Duration, Instant};

use common::server::{http_get, serve_configured, Running};
use common::Site;

/// Timeouts (`JIANBAO_SERVE_TIMEOUT`) in the tests that wait for them.
const TIMEOUT_SECONDS: u64 = 3;

/// The child gets at most `n` open files, soft and hard, so it cannot
/// raise the limit either.
fn open_files(command: &mut Command, n: u64) {
    // SAFETY: setrlimit is async-signal-safe, as pre_exec requires.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: n as libc::rlim_t,
                rlim_max: n as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
}

/// The basic fixture served with `configure` applied to the command.
fn server(
    configure: impl FnOnce(&mut Command),
) -> (Site, Running, u16, std::sync::mpsc::Receiver<String>) {
    let site = Site::copy("basic");
    let (running, port, log) = serve_configured(&site.root, Some(&site.path("out")), configure);
    assert_eq!(http_get(port, "/").0, 200);
    (site, running, port, log)
}

/// Descriptors the server holds open.
fn descriptors(server: &Running) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", server.0.id()))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Waits (up to 20 s) until the server holds at most `most` descriptors;
/// how many it holds then.
fn settle(server: &Running, most: usize) -> usize {
    let started = Instant::now();
    loop {
        let now = descriptors(server);
        if now <= most || started.elapsed() > Duration::from_secs(20) {
            return now;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Edits a report and waits for its page to show the edit: a rebuild
/// still works. The terminal must not report a failure.
fn rebuild_works(site: &Site, port: u16, log: &std::sync::mpsc::Receiver<String>, words: &str) {
    let report = site.file("content/2024/01/01-beiguan-zhuanye.md");
    let text = std::fs::read_to_string(&report).unwrap();
    std::fs::write(&report, format!("{text}\n\n{words}\n")).unwrap();
    let started = Instant::now();
    loop {
        let (status, body) = http_get(port, "/2024/01/01-beiguan-zhuanye/");
        if status == 200 && body.contains(words) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the rebuild never showed the edit"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let lines: Vec<String> = log.try_iter().collect();
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("构建失败") || l.contains("Too many open files")),
        "{lines:?}"
    );
}

/// A live-reload WebSocket, opened as the page's script does.
fn live_socket(port: u16) -> tungstenite::WebSocket<TcpStream> {
    use tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://127.0.0.1:{port}/__jianbao/live")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "origin",
        format!("http://127.0.0.1:{port}").parse().unwrap(),
    );
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    tungstenite::client::client(request, stream)
        .expect("the live-reload handshake")
        .0
}

#[test]
fn closed_live_reload_sockets_are_released_at_once() {
    // 256 descriptors: a server that kept closed sockets until the next
    // broadcast would run out long before 1,000 cycles.
    let (site, server, port, log) = server(|c| open_files(c, 256));
    let baseline = descriptors(&server);
    for i in 0..1000 {
        let mut socket = live_socket(port);
        if i % 2 == 0 {
            // A tab closing: the close handshake, which a server reading
            // its side answers.
            socket.close(None).ok();
            loop {
                match socket.read() {
                    Ok(_) => continue,
                    Err(tungstenite::Error::Io(e))
                        if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) =>
                    {
                        panic!("cycle {i}: the server never answered the close")
                    }
                    Err(_) => break,
                }
            }
        } else {
            // A tab killed: the connection just ends.
            drop(socket);
        }
    }
    let after = settle(&server, baseline + 8);
    assert!(
        after <= baseline + 8,
        "1,000 closed sockets left {after} descriptors open (from {baseline})"
    );

    // Open ones are held, and let go as soon as they close.
    let open: Vec<_> = (0..40).map(|_| live_socket(port)).collect();
    let held = descriptors(&server);
    assert!(
        held >= after + 30,
        "40 open sockets, {held} descriptors (from {after})"
    );
    assert_eq!(http_get(port, "/").0, 200);
    drop(open);
    let after = settle(&server, baseline + 8);
    assert!(
        after <= baseline + 8,
        "{after} descriptors after closing 40 (from {baseline})"
    );

    assert_eq!(http_get(port, "/").0, 200);
    rebuild_works(&site, port, &log, "一千次开关之后的修改。");
}

/// Reads until the server closes the connection; false when it was still
/// open after 20 s.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut sink = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false
            }
            // A reset is a close too.
            Err(_) => return true,
        }
    }
}

#[test]
fn slow_and_idle_clients_are_closed_by_the_server_while_others_are_answered() {
    let (_site, server, port, _log) = server(|c| {
        c.env("JIANBAO_SERVE_TIMEOUT", TIMEOUT_SECONDS.to_string());
    });
    let baseline = descriptors(&server);
    let connect = || TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut slow = Vec::new();
    for i in 0..200 {
        let mut stream = connect();
        match i % 4 {
            // Connects and says nothing.
            0 => {}
            // Stops in the middle of the request line.
            1 => stream.write_all(b"GET /2024/01/ HT").unwrap(),
            // Stops in the middle of the headers.
            2 => stream
                .write_all(
                    format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Slow: ").as_bytes(),
                )
                .unwrap(),
            // One request, then idle on the kept-alive connection.
            _ => stream
                .write_all(
                    format!("GET /style.css HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").as_bytes(),
                )
                .unwrap(),
        }
        slow.push(stream);
    }
    // And some that send their headers a byte at a time, forever.
    let trickling = std::thread::spawn(move || {
        let mut streams: Vec<TcpStream> = (0..20)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        let request = b"GET / HTTP/1.1\r\nX-Trickle: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
        let started = Instant::now();
        let mut at = 0;
        while !streams.is_empty() && started.elapsed() < Duration::from_secs(30) {
            let byte = [request[at % request.len()]];
            streams.retain_mut(|s| s.write_all(&byte).is_ok());
            at += 1;
            std::thread::sleep(Duration::from_millis(200));
        }
        streams.len()
    });

    // Beside them, ordinary requests are answered.
    for target in [
        "/",
        "/2024/01/",
        "/style.css",
        "/api/search?q=%E4%BB%A3%E8%A1%A8",
    ] {
        for _ in 0..5 {
            assert_eq!(http_get(port, target).0, 200, "{target}");
        }
    }

    // The server closes every slow client by itself.
    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(
            closed_by_server(stream),
            "slow client {i} (kind {}) still open",
            i % 4
        );
    }
    assert_eq!(
        trickling.join().unwrap(),
        0,
        "clients sending a byte at a time were kept open"
    );
    drop(slow);
    let after = settle(&server, baseline + 8);
    assert!(
        after <= baseline + 8,
        "{after} descriptors left (from {baseline})"
    );
    assert_eq!(http_get(port, "/").0, 200);
}

/// A live-reload handshake that may be refused: the status of the
/// refusal.
fn try_live_socket(port: u16) -> Result<tungstenite::WebSocket<TcpStream>, String> {
    use tungstenite::client::IntoClientRequest;
    let request = format!("ws://127.0.0.1:{port}/__jianbao/live")
        .into_client_request()
        .unwrap();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    tungstenite::client::client(request, stream)
        .map(|(socket, _)| socket)
        .map_err(|err| match err {
            tungstenite::handshake::HandshakeError::Failure(tungstenite::Error::Http(answer)) => {
                format!(
                    "{} {}",
                    answer.status().as_u16(),
                    String::from_utf8_lossy(answer.body().as_deref().unwrap_or_default())
                )
            }
            other => other.to_string(),
        })
}

#[test]
fn clients_over_the_cap_are_told_to_come_back_and_service_resumes() {
    // 256 descriptors: the cap is a quarter of them, 64 connections. Open
    // tabs' live-reload sockets hold the slots (they time out by no clock).
    let (site, server, port, log) = server(|c| open_files(c, 256));
    let mut open = Vec::new();
    let mut refused = Vec::new();
    for _ in 0..100 {
        match try_live_socket(port) {
            Ok(socket) => open.push(socket),
            Err(answer) => refused.push(answer),
        }
    }
    assert!(
        (56..=64).contains(&open.len()),
        "{} of 100 sockets were taken under a cap of 64",
        open.len()
    );
    for answer in &refused {
        assert!(answer.starts_with("503 服务器繁忙"), "{answer}");
    }
    // An ordinary request hears so at once, in Chinese.
    let (status, body) = http_get(port, "/");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("服务器繁忙"), "{body}");
    assert!(
        descriptors(&server) < 256 - 64,
        "the cap leaves room for files"
    );

    // The tabs close: service resumes, and a rebuild has descriptors.
    drop(open);
    assert!(settle(&server, 40) <= 40);
    assert_eq!(http_get(port, "/").0, 200);
    rebuild_works(&site, port, &log, "连接数到顶之后的修改。");
}

#[test]
fn a_flood_of_idle_connections_beyond_the_descriptor_limit_does_not_freeze_the_server() {
    // More idle connections than the server may open files: it must not
    // run out (a 1,024-descriptor server froze under 1,100 such sockets).
    let (site, server, port, log) = server(|c| {
        open_files(c, 256);
        c.env("JIANBAO_SERVE_TIMEOUT", TIMEOUT_SECONDS.to_string());
    });
    let mut flood: Vec<TcpStream> = (0..400)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    assert!(
        descriptors(&server) < 256 - 64,
        "{} descriptors: the flood took the room files need",
        descriptors(&server)
    );
    for (i, stream) in flood.iter_mut().enumerate() {
        assert!(
            closed_by_server(stream),
            "idle connection {i} was never closed"
        );
    }
    drop(flood);
    assert_eq!(http_get(port, "/").0, 200);
    rebuild_works(&site, port, &log, "四百个空连接之后的修改。");
}

#[test]
fn request_bodies_are_never_waited_for() {
    let (_site, _server, port, _log) = server(|_| {});
    for (method, expected) in [("POST", "405"), ("GET", "200")] {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            stream,
            "{method} / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 100000\r\n\r\nten bytes."
        )
        .unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        assert!(
            String::from_utf8_lossy(&head).ends_with(expected),
            "{method}: {}",
            String::from_utf8_lossy(&head)
        );
        // The rest of the body never comes; the connection does not wait
        // for it (the default timeouts are a minute: this is not them).
        assert!(
            closed_by_server(&mut stream),
            "{method}: kept open for its body"
        );
    }
}

/// `RssAnon` of a process in kB: its heap and stacks.
fn heap_kb(server: &Running) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.0.id())).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("RssAnon:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("RssAnon in /proc/<pid>/status")
}

const BIG: u64 = 100 * 1024 * 1024;

fn start_download(port: u16, extra: &str) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n"
    )
    .unwrap();
    stream
}

#[test]
fn stalled_downloads_of_a_large_file_keep_memory_flat_and_are_closed() {
    let (site, server, port, _log) = server(|c| {
        c.env("JIANBAO_SERVE_TIMEOUT", "5");
    });
    // 100 MB (sparse: the server reads it as any file).
    let big = std::fs::File::create(site.path("out/big.bin")).unwrap();
    big.set_len(BIG).unwrap();
    drop(big);

    // One whole download, which also warms the server up.
    let mut whole = start_download(port, "");
    let mut received = Vec::new();
    whole.read_to_end(&mut received).unwrap();
    let split = received.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&received[..split]).to_lowercase();
    assert!(head.contains(&format!("content-length: {BIG}")), "{head}");
    assert_eq!((received.len() - split) as u64, BIG);
    drop(received);
    let mut tail = start_download(port, "Range: bytes=-10\r\n");
    let mut answer = Vec::new();
    tail.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 206"));
    assert!(answer.ends_with(&[0u8; 10]) && answer.len() < 1000);

    let before = heap_kb(&server);
    let mut stalled: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut stream = start_download(port, "");
            let mut first = [0u8; 64 * 1024];
            stream.read_exact(&mut first).unwrap();
            stream
        })
        .collect();
    // Time for the server to fill every socket and stall on each.
    std::thread::sleep(Duration::from_secs(2));
    let during = heap_kb(&server);
    assert_eq!(
        http_get(port, "/").0,
        200,
        "answers beside stalled downloads"
    );
    println!("heap before {before} kB, with 20 stalled downloads {during} kB");
    // Read whole, 20 downloads would take 2 GB; streamed, a chunk or two each.
    assert!(
        during <= before + 64 * 1024,
        "20 stalled downloads grew the heap from {before} kB to {during} kB"
    );

    // No progress for the send timeout: the server gives up on them.
    std::thread::sleep(Duration::from_secs(6));
    for stream in &mut stalled {
        let mut got = 0u64;
        let mut chunk = vec![0u8; 1024 * 1024];
        let ended = loop {
            match stream.read(&mut chunk) {
                Ok(0) => break true,
                Ok(n) => got += n as u64,
                Err(e) => break !matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
            }
        };
        assert!(ended, "a stalled download was never closed");
        assert!(got < BIG, "a stalled download was sent whole ({got} bytes)");
    }
}
