//! `jianbao serve`: builds the site, serves it and the search API on a
//! loopback port. Only files under the output folder are served; requests
//! that try to leave it are refused. A preview on the editor's own
//! computer, safe from other websites (`guard`) and from clients that are
//! slow or hostile (`listen`); files go out as a static server sends them
//! (`files`), and open tabs reload through a WebSocket (`reload`).

mod conditional;
mod files;
mod guard;
mod listen;
mod reload;

pub use guard::AllowedHosts;
pub use listen::Limits;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use anyhow::{Context, Result};
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
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
    /// Replaced only through a `PreviewHandle`.
    index: RwLock<Arc<Searchable>>,
    /// The errors of the last failed rebuild, shown over every page.
    error: RwLock<Option<String>>,
    /// Tells open tabs to reload: `*` for all, or the addresses of the
    /// pages that changed, one per line.
    pub reload: tokio::sync::broadcast::Sender<Arc<str>>,
    /// Pages get the live-reload script (the preview server, not tests of
    /// the plain static files).
    pub live: bool,
    /// Names besides loopback ones and addresses that requests may use.
    pub hosts: AllowedHosts,
    /// Timeouts and the connection cap.
    pub limits: Limits,
    /// The port listened on, once bound: `Host` must name it.
    pub bound_port: std::sync::OnceLock<u16>,
}

impl ServerState {
    /// The state of a server about to start: this also raises the
    /// process's open-file limit where allowed (see `Limits`).
    pub fn new(out: PathBuf, index: Searchable) -> ServerState {
        ServerState {
            out,
            index: RwLock::new(Arc::new(index)),
            error: RwLock::new(None),
            reload: tokio::sync::broadcast::channel(16).0,
            live: true,
            hosts: AllowedHosts::default(),
            limits: Limits::for_this_process(),
            bound_port: std::sync::OnceLock::new(),
        }
    }

    /// Also answers requests that name one of `hosts` (`--allow-host`).
    pub fn allowing(mut self, hosts: AllowedHosts) -> ServerState {
        self.hosts = hosts;
        self
    }

    /// Every open tab reloads (a full build, the overlay coming or going).
    fn notify_reload(&self) {
        self.reload.send(Arc::from("*")).ok();
    }

    /// Tabs showing one of these output files reload; others stay as they
    /// are (an edit to one report touches a handful of pages).
    fn notify_changed(&self, paths: &[String]) {
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

/// What the live preview may do to a running server, and all it may: show
/// or lift the error overlay, swap in a new search index, tell open tabs
/// to reload. The preview is given one; it never reaches into the
/// server's state itself.
#[derive(Clone)]
pub struct PreviewHandle {
    state: Arc<ServerState>,
}

impl PreviewHandle {
    pub fn new(state: Arc<ServerState>) -> PreviewHandle {
        PreviewHandle { state }
    }

    /// Shows `errors` over every page (a failed rebuild), or nothing.
    pub fn show_errors(&self, errors: Option<String>) {
        *self.state.error.write().expect("error lock") = errors;
    }

    /// Lifts the error overlay; whether there was one.
    pub fn lift_errors(&self) -> bool {
        self.state
            .error
            .write()
            .expect("error lock")
            .take()
            .is_some()
    }

    /// The search index requests are answered from.
    pub fn search_index(&self) -> Arc<Searchable> {
        self.state.index.read().expect("index lock").clone()
    }

    /// Answers searches from `index` from now on.
    pub fn replace_search_index(&self, index: Searchable) {
        *self.state.index.write().expect("index lock") = Arc::new(index);
    }

    /// Every open tab reloads.
    pub fn reload_all(&self) {
        self.state.notify_reload();
    }

    /// Tabs showing one of these output files reload.
    pub fn pages_changed(&self, paths: &[String]) {
        self.state.notify_changed(paths);
    }
}

/// Path of the live-reload WebSocket.
pub const LIVE_PATH: &str = "/__jianbao/live";

/// What pages load to reload themselves (see `reload`).
const LIVE_SCRIPT_TAG: &str = "<script src=\"/__jianbao/live.js\"></script>";

/// The live-reload script, and the error overlay while the last rebuild
/// failed, put before `</body>`.
fn inject(page: Vec<u8>, error: Option<&str>) -> Vec<u8> {
    let text = match String::from_utf8(page) {
        Ok(text) => text,
        Err(not_text) => return not_text.into_bytes(),
    };
    let mut extra = String::from(LIVE_SCRIPT_TAG);
    if let Some(error) = error {
        extra.push_str(&format!(
            "<div id=\"jianbao-error\" role=\"alert\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(30,0,0,.92);color:#fff;padding:2em;font:16px/1.6 sans-serif\"><h2 style=\"color:#ffb4b4;margin-top:0\">构建失败：网页显示的是上一次成功的结果</h2><p>请按下面的提示改正，保存后会自动重新构建。</p><pre style=\"white-space:pre-wrap;font:15px/1.6 monospace\">{}</pre></div>",
            crate::html::escape(error)
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
        .route(LIVE_PATH, get(reload::socket))
        .route("/__jianbao/live.js", get(reload::script))
        .fallback(files::static_file)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .with_state(state)
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
    if let Err(message) = params.check() {
        return error(StatusCode::BAD_REQUEST, &message);
    }
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
    json(status, &serde_json::json!({ "message": message }))
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
        state.bound_port.set(bound.port()).ok();
        ready(bound);
        let limits = state.limits;
        listen::serve(listener, router(state), limits, async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await;
        Ok(())
    })
}
