//! A real `jianbao serve` on a free loopback port, and a bare HTTP/1.1
//! client for it: the tests speak to the server as a browser would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed when the test ends, pass or fail.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.kill().ok();
        self.0.wait().ok();
    }
}

/// Starts `jianbao serve --port 0` on `site` (output in `out`, or the
/// site's `public/`) and returns it with the port it printed.
pub fn serve(site: &Path, out: Option<&Path>) -> (Running, u16) {
    // The lines still get read (and dropped), so the server never blocks
    // on a full pipe.
    let (running, port, _lines) = serve_with_log(site, out);
    (running, port)
}

/// `serve`, also handing over every line it prints after its address (the
/// terminal an editor watches: what was rebuilt, and how).
pub fn serve_with_log(
    site: &Path,
    out: Option<&Path>,
) -> (Running, u16, std::sync::mpsc::Receiver<String>) {
    serve_configured(site, out, |_| {})
}

/// `serve_with_log`, with the command adjusted first (more options, the
/// environment, limits set before it starts).
pub fn serve_configured(
    site: &Path,
    out: Option<&Path>,
    configure: impl FnOnce(&mut Command),
) -> (Running, u16, std::sync::mpsc::Receiver<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jianbao"));
    command.args(["serve", "--port", "0", "--root"]).arg(site);
    if let Some(out) = out {
        command.arg("--out").arg(out);
    }
    configure(&mut command);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the jianbao binary");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let port = loop {
        let line = lines.next().expect("serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            sender.send(line).ok();
        }
    });
    (Running(child), port, receiver)
}

/// `GET target`, returning the status and the body.
pub fn http_get(port: u16, target: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).to_string();
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}
