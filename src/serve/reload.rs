//! The live-reload WebSocket, `/__jianbao/live`, and the script pages load
//! to use it. The server reads its side of every socket, so a tab that
//! closes releases its socket at once (a socket nobody reads never sees
//! the close), and pings a quiet one, so a client that vanished without
//! closing is let go too.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

use super::{guard, ServerState};

/// Clients send nothing but pongs and the close: anything larger than
/// this is refused rather than buffered.
const MAX_MESSAGE: usize = 4096;

/// Reloads the tab when the server names its page (or `*`), and comes back
/// a second after the server went away (a restart).
const SCRIPT: &str = "(function(){function c(){var s=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/__jianbao/live');s.onmessage=function(e){var p=decodeURIComponent(location.pathname).replace(/index\\.html$/,'');if(e.data==='*'||e.data.split('\\n').indexOf(p)>=0)location.reload();};s.onclose=function(){setTimeout(c,1000);};}c();})();\n";

/// `/__jianbao/live.js`: a file of its own, so the content security
/// policy needs no exception for inline scripts.
pub async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

pub async fn socket(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !guard::same_origin(&headers) {
        return guard::refused_origin();
    }
    let reload = state.reload.subscribe();
    let quiet = state.limits.header;
    upgrade
        .max_message_size(MAX_MESSAGE)
        .max_frame_size(MAX_MESSAGE)
        .on_upgrade(move |socket| talk(socket, reload, quiet))
}

/// Passes reload notices on until the client goes: it closes, its socket
/// ends, or it answers no ping for `quiet`.
async fn talk(
    mut socket: WebSocket,
    mut reload: tokio::sync::broadcast::Receiver<Arc<str>>,
    quiet: Duration,
) {
    let mut ping = tokio::time::interval_at(Instant::now() + quiet / 2, quiet / 2);
    let mut heard = Instant::now();
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                Some(Ok(_)) => heard = Instant::now(),
            },
            notice = reload.recv() => {
                let text: Arc<str> = match notice {
                    Ok(text) => text,
                    // Notices were missed: reload whatever the tab shows.
                    Err(RecvError::Lagged(_)) => Arc::from("*"),
                    Err(RecvError::Closed) => break,
                };
                if socket.send(Message::Text(text.as_ref().into())).await.is_err() {
                    break;
                }
            }
            _ = ping.tick() => {
                if heard.elapsed() > quiet {
                    break;
                }
                if socket.send(Message::Ping(Default::default())).await.is_err() {
                    break;
                }
            }
        }
    }
}
