//! `jianbao serve`: builds the site, serves it and the search API on a
//! loopback port. Only files under the output folder are served; requests
//! that try to leave it are refused.

use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub use crate::search::api::{year_range, SearchParams};
pub use crate::search::service::{tantivy_dir, Searchable};

/// Longest request path or query string accepted.
const MAX_URI_BYTES: usize = 8 * 1024;
const MAX_LIMIT: usize = 100;

pub struct ServerState {
    pub out: PathBuf,
    pub index: RwLock<Arc<Searchable>>,
    /// The errors of the last failed rebuild, shown over every page.
    pub error: RwLock<Option<String>>,
    /// Tells open tabs to reload: `*` for all, or the addresses of the
    /// pages that changed, one per line.
    pub reload: tokio::sync::broadcast::Sender<Arc<str>>,
    /// Pages get the live-reload script (the preview server, not tests of
    /// the plain static files).
    pub live: bool,
}

impl ServerState {
    pub fn new(out: PathBuf, index: Searchable) -> ServerState {
        ServerState {
            out,
            index: RwLock::new(Arc::new(index)),
            error: RwLock::new(None),
            reload: tokio::sync::broadcast::channel(16).0,
            live: true,
        }
    }

    /// Every open tab reloads (a full build, the overlay coming or going).
    pub fn notify_reload(&self) {
        self.reload.send(Arc::from("*")).ok();
    }

    /// Tabs showing one of these output files reload; others stay as they
    /// are (an edit to one report touches a handful of pages).
    pub fn notify_changed(&self, paths: &[String]) {
        if paths.is_empty() {
            return;
        }
        let addresses: Vec<String> = paths
            .iter()
            .map(|p| format!("/{}", p.strip_suffix("index.html").unwrap_or(p)))
            .collect();
        self.reload.send(Arc::from(addresses.join("\n"))).ok();
    }
}

/// Path of the live-reload WebSocket.
pub const LIVE_PATH: &str = "/__jianbao/live";

const LIVE_SCRIPT: &str = "<script>(function(){function c(){var s=new WebSocket((location.protocol==='https:'?'wss://':'ws://')+location.host+'/__jianbao/live');s.onmessage=function(e){var p=decodeURIComponent(location.pathname).replace(/index\\.html$/,'');if(e.data==='*'||e.data.split('\\n').indexOf(p)>=0)location.reload();};s.onclose=function(){setTimeout(c,1000);};}c();})();</script>";

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The live-reload script, and the error overlay while the last rebuild
/// failed, put before `</body>`.
fn inject(page: Vec<u8>, error: Option<&str>) -> Vec<u8> {
    let Ok(text) = String::from_utf8(page.clone()) else {
        return page;
    };
    let mut extra = String::from(LIVE_SCRIPT);
    if let Some(error) = error {
        extra.push_str(&format!(
            "<div id=\"jianbao-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(30,0,0,.92);color:#fff;padding:2em;font:16px/1.6 sans-serif\"><h2 style=\"color:#ffb4b4;margin-top:0\">构建失败：网页显示的是上一次成功的结果</h2><p>请按下面的提示改正，保存后会自动重新构建。</p><pre style=\"white-space:pre-wrap;font:15px/1.6 monospace\">{}</pre></div>",
            escape_html(error)
        ));
    }
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

pub fn router(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/api/search", get(search_api))
        .route(LIVE_PATH, get(live_socket))
        .fallback(static_file)
        .with_state(state)
}

async fn live_socket(State(state): State<Arc<ServerState>>, upgrade: WebSocketUpgrade) -> Response {
    let mut reload = state.reload.subscribe();
    upgrade.on_upgrade(move |mut socket| async move {
        while let Ok(message) = reload.recv().await {
            if socket
                .send(Message::Text(message.as_ref().into()))
                .await
                .is_err()
            {
                break;
            }
        }
    })
}

async fn search_api(State(state): State<Arc<ServerState>>, request: Request<Body>) -> Response {
    if request.uri().query().map_or(0, str::len) > MAX_URI_BYTES {
        return error(StatusCode::URI_TOO_LONG, "查询太长");
    }
    let params: SearchParams = match Query::try_from_uri(request.uri()) {
        Ok(Query(params)) => params,
        Err(_) => return error(StatusCode::BAD_REQUEST, "查询参数有误"),
    };
    let limit = match params.limit.as_deref().map(|l| l.parse::<usize>()) {
        None => 10,
        Some(Ok(limit)) => limit.min(MAX_LIMIT),
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "limit 应为数字"),
    };
    let offset = match params.offset.as_deref().map(|l| l.parse::<usize>()) {
        None => 0,
        Some(Ok(offset)) => offset,
        Some(Err(_)) => return error(StatusCode::BAD_REQUEST, "offset 应为数字"),
    };
    let index = state.index.read().expect("index lock").clone();
    let query = params.q.clone().unwrap_or_default();
    let filters = params.filters();
    let results =
        tokio::task::spawn_blocking(move || index.search(&query, &filters, offset, limit)).await;
    match results {
        Ok(results) => json(StatusCode::OK, &results.web()),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "检索出错"),
    }
}

fn json<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn error(status: StatusCode, message: &str) -> Response {
    json(status, &serde_json::json!({ "error": message }))
}

/// Maps a request path to a file under `out`, or `None` when the path
/// tries to leave it (`..`, absolute or encoded forms, NUL).
pub fn resolve(out: &Path, raw_path: &str) -> Option<PathBuf> {
    if raw_path.len() > MAX_URI_BYTES || !raw_path.starts_with('/') {
        return None;
    }
    let decoded = crate::text::percent_decode(raw_path)?;
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut path = out.to_path_buf();
    for component in Path::new(decoded.trim_start_matches('/')).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if decoded.ends_with('/') || path.is_dir() {
        path.push("index.html");
    }
    Some(path)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

async fn static_file(State(state): State<Arc<ServerState>>, request: Request<Body>) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (StatusCode::METHOD_NOT_ALLOWED, "只支持 GET").into_response();
    }
    let uri = request.uri();
    if uri.path().len() > MAX_URI_BYTES || uri.query().map_or(0, str::len) > MAX_URI_BYTES {
        return error(StatusCode::URI_TOO_LONG, "请求的网址太长");
    }
    let Some(path) = resolve(&state.out, request.uri().path()) else {
        return (StatusCode::BAD_REQUEST, "请求的路径无效").into_response();
    };
    match tokio::fs::read(&path).await {
        Ok(bytes) => {
            let bytes = if content_type(&path).starts_with("text/html") && state.live {
                let error = state.error.read().expect("error lock").clone();
                inject(bytes, error.as_deref())
            } else {
                bytes
            };
            let mut response = (StatusCode::OK, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&path)),
            );
            response
        }
        Err(_) => {
            let not_found = tokio::fs::read(state.out.join("404.html"))
                .await
                .unwrap_or_default();
            let mut response = (StatusCode::NOT_FOUND, not_found).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
    }
}

/// Serves until interrupted.
pub fn run(
    state: Arc<ServerState>,
    address: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("无法启动服务")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("无法监听 {address}：端口可能已被占用，可用 --port 换一个"))?;
        let bound = listener.local_addr()?;
        ready(bound);
        axum::serve(listener, router(state))
            .with_graceful_shutdown(async {
                tokio::signal::ctrl_c().await.ok();
            })
            .await
            .context("服务意外停止")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let out = Path::new("/srv/public");
        assert_eq!(
            resolve(out, "/2024/27/"),
            Some(PathBuf::from("/srv/public/2024/27/index.html"))
        );
        assert_eq!(resolve(out, "/../etc/passwd"), None);
        assert_eq!(resolve(out, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(out, "/a/..%2F..%2Fetc"), None);
        assert_eq!(resolve(out, "/%00"), None);
        assert_eq!(resolve(out, "/a\\..\\b"), None);
        assert_eq!(
            resolve(out, "/keywords/%E7%A5%A8%E5%86%B3/"),
            Some(PathBuf::from("/srv/public/keywords/票决/index.html"))
        );
    }
}
