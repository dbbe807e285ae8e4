//! The connection layer of `jianbao serve`: accepts TCP connections up to a
//! cap, speaks HTTP/1.1 through hyper with timeouts in line with nginx's
//! defaults, and gives every write a deadline. A slow, idle or stalled
//! client is closed by the server itself and holds one of a bounded number
//! of slots meanwhile; a normal request is answered beside it.
//!
//! Only HTTP/1.1 is spoken: browsers use HTTP/2 only over TLS, which a
//! preview on one's own computer does not have.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// nginx: `client_header_timeout 60s`, `keepalive_timeout 75s`.
const HEADER_TIMEOUT: Duration = Duration::from_secs(60);
/// nginx: `send_timeout 60s`.
const SEND_TIMEOUT: Duration = Duration::from_secs(60);
/// nginx: `worker_connections 512`.
const MAX_CONNECTIONS: usize = 512;
/// Largest request head: nginx allows 4 lines of 8 KB; hyper's read
/// buffer bounds the head as a whole (and its write buffer, per stalled
/// download).
const MAX_BUFFER: usize = 64 * 1024;
/// Descriptors sought when the soft limit is lower and the hard limit
/// allows: enough for the cap, the files being sent and a rebuild.
const WANTED_DESCRIPTORS: u64 = 4096;
/// Refusals being sent at once when the cap is reached; past this a new
/// connection is closed without one.
const REFUSING_AT_ONCE: usize = 32;

/// How long clients may take, and how many may be connected.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Reading a request head, and waiting for the next request on a
    /// kept-alive connection (hyper runs one timer for both).
    pub header: Duration,
    /// Longest a write may wait for the client to take data.
    pub send: Duration,
    /// Connections open at once, WebSockets included.
    pub connections: usize,
}

impl Limits {
    /// The defaults, with the cap fitted to the open-file limit.
    /// `JIANBAO_SERVE_TIMEOUT=<seconds>` shortens the timeouts (the tests
    /// use it to see slow clients closed without waiting a minute).
    pub fn for_this_process() -> Limits {
        let descriptors = raise_descriptor_limit();
        let timeout = std::env::var("JIANBAO_SERVE_TIMEOUT")
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|&s| s > 0)
            .map(Duration::from_secs);
        Limits {
            header: timeout.unwrap_or(HEADER_TIMEOUT),
            send: timeout.unwrap_or(SEND_TIMEOUT),
            connections: connection_cap(descriptors),
        }
    }
}

/// A connection holds its socket and, while it downloads, the open file:
/// a quarter of the descriptors go to connections, the rest stay for the
/// files being sent, the search index and a rebuild.
fn connection_cap(descriptors: u64) -> usize {
    ((descriptors / 4) as usize).clamp(8, MAX_CONNECTIONS)
}

/// Raises the soft open-file limit towards `WANTED_DESCRIPTORS` where the
/// hard limit allows (Debian's soft limit is 1,024), and returns it.
#[cfg(unix)]
fn raise_descriptor_limit() -> u64 {
    // SAFETY: getrlimit and setrlimit only read and write the struct given.
    unsafe {
        let mut limit = std::mem::zeroed::<libc::rlimit>();
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 1024;
        }
        let wanted = (WANTED_DESCRIPTORS as libc::rlim_t).min(limit.rlim_max);
        if limit.rlim_cur < wanted {
            let raised = libc::rlimit {
                rlim_cur: wanted,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = wanted;
            }
        }
        limit.rlim_cur as u64
    }
}

#[cfg(not(unix))]
fn raise_descriptor_limit() -> u64 {
    WANTED_DESCRIPTORS
}

/// Accepts and serves connections until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.connections));
    let refusing = Arc::new(Semaphore::new(REFUSING_AT_ONCE));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or a connection reset before it was
                // taken: wait a moment rather than spin.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => return,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            if let Ok(permit) = refusing.clone().try_acquire_owned() {
                tokio::spawn(refuse_busy(stream, permit));
            }
            continue;
        };
        stream.set_nodelay(true).ok();
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let io = TokioIo::new(Connection::new(stream, limits.send, slot));
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header)
                .max_buf_size(MAX_BUFFER)
                .serve_connection(io, service)
                .with_upgrades();
            // Errors here are the client's doing (a reset, a timeout, a
            // malformed request already answered with 400).
            connection.await.ok();
        });
    }
}

const BUSY: &str = "服务器繁忙：同时打开的连接太多，请稍后刷新。\n";

/// Tells a client over the cap to come back later, then closes. The
/// request is drained for a moment first: closing with it unread would
/// reset the connection and lose the answer.
async fn refuse_busy(mut stream: TcpStream, _permit: OwnedSemaphorePermit) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n{BUSY}",
        BUSY.len()
    );
    let drain = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await?;
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        io::Result::Ok(())
    };
    tokio::time::timeout(Duration::from_secs(1), drain)
        .await
        .ok();
}

/// A client's socket with a deadline on writes: a write that makes no
/// progress for `send` fails, and the connection (a stalled download, a
/// WebSocket nobody reads) is closed. It also holds the connection's
/// slot, given back when the socket is dropped, after an upgrade too.
struct Connection {
    stream: TcpStream,
    send: Duration,
    stall: Pin<Box<Sleep>>,
    stalled: bool,
    _slot: OwnedSemaphorePermit,
}

impl Connection {
    fn new(stream: TcpStream, send: Duration, slot: OwnedSemaphorePermit) -> Connection {
        Connection {
            stream,
            send,
            stall: Box::pin(tokio::time::sleep(send)),
            stalled: false,
            _slot: slot,
        }
    }

    /// Passes on a write's outcome; a pending write starts (or keeps) the
    /// clock, and fails once it has run out.
    fn deadline<T>(
        &mut self,
        cx: &mut Context<'_>,
        outcome: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match outcome {
            Poll::Pending => {
                if !self.stalled {
                    self.stalled = true;
                    let at = Instant::now() + self.send;
                    self.stall.as_mut().reset(at);
                }
                match self.stall.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client took nothing for the send timeout",
                    ))),
                    Poll::Pending => Poll::Pending,
                }
            }
            ready => {
                self.stalled = false;
                ready
            }
        }
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.deadline(cx, outcome)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let outcome = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.deadline(cx, outcome)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.stream).poll_flush(cx);
        self.deadline(cx, outcome)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let outcome = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.deadline(cx, outcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_leaves_most_descriptors_to_files_and_rebuilds() {
        assert_eq!(connection_cap(1024), 256);
        assert_eq!(connection_cap(4096), 512);
        assert_eq!(connection_cap(256), 64);
        assert_eq!(connection_cap(10), 8);
    }
}
