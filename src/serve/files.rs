//! Files of the output folder, as a static web server sends them: streamed
//! from disk (memory does not grow with file size or with stalled
//! downloads), with `Range`, `ETag`/`If-None-Match`, `Last-Modified`/
//! `If-Modified-Since`, a content type from a complete table, and a
//! redirect for a folder asked without its slash. HTML pages are small and
//! read whole: they get the live-reload script and, after a failed
//! rebuild, the error overlay.

use std::hash::{Hash, Hasher};
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncSeekExt, ReadBuf};

use super::conditional::{byte_range, Range, Version};
use super::{ServerState, MAX_URI_BYTES};

/// Bytes read from disk at a time for a download.
const CHUNK: usize = 64 * 1024;
/// HTML pages up to this size are read whole to add the live-reload
/// script; a larger one (no page of the site is) is sent as it is.
const MAX_INJECTED: u64 = 16 * 1024 * 1024;

/// Maps a request path to a path under `out`, or `None` when the path
/// tries to leave it (`..`, absolute or encoded forms, NUL) or starts with
/// `//` (a redirect to it would lead to another site). A path ending in
/// `/` names the folder's `index.html`.
pub fn resolve(out: &Path, raw_path: &str) -> Option<PathBuf> {
    if raw_path.len() > MAX_URI_BYTES || !raw_path.starts_with('/') || raw_path.starts_with("//") {
        return None;
    }
    let decoded = crate::text::percent_decode(raw_path)?;
    if decoded.contains('\0') || decoded.contains('\\') || decoded.starts_with("//") {
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
    if decoded.ends_with('/') {
        path.push("index.html");
    }
    Some(path)
}

/// The content type for a file name, whatever the case of its extension.
/// mime_guess's table, with the types browsers expect where it lags
/// (RFC 9239 for JavaScript, RFC 8081 for fonts), and `charset=utf-8` on
/// text: the site writes nothing else.
pub fn content_type(path: &Path) -> String {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let essence = match extension.as_str() {
        "js" | "mjs" | "cjs" => "text/javascript".to_string(),
        "json" | "map" => "application/json".to_string(),
        "xml" | "xsl" => "application/xml".to_string(),
        "woff" => "font/woff".to_string(),
        "otf" => "font/otf".to_string(),
        "ico" => "image/vnd.microsoft.icon".to_string(),
        "gz" | "tgz" => "application/gzip".to_string(),
        "md" | "markdown" => "text/markdown".to_string(),
        _ => mime_guess::from_ext(&extension)
            .first_raw()
            .unwrap_or("application/octet-stream")
            .to_string(),
    };
    let textual = essence.starts_with("text/")
        || matches!(
            essence.as_str(),
            "application/json" | "application/xml" | "application/manifest+json"
        )
        || essence.ends_with("+xml") && essence != "image/svg+xml";
    if textual {
        format!("{essence}; charset=utf-8")
    } else {
        essence
    }
}

pub async fn static_file(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [
                (header::ALLOW, "GET, HEAD"),
                (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            ],
            "只支持 GET 和 HEAD 请求\n",
        )
            .into_response();
    }
    let uri = request.uri();
    if uri.path().len() > MAX_URI_BYTES || uri.query().map_or(0, str::len) > MAX_URI_BYTES {
        return plain(StatusCode::URI_TOO_LONG, "请求的网址太长\n");
    }
    let Some(path) = resolve(&state.out, uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "请求的路径无效\n");
    };
    let metadata = tokio::fs::metadata(&path).await.ok();
    if metadata.as_ref().is_some_and(|m| m.is_dir()) {
        // `/2024/01` → `/2024/01/`, as the folder's page expects for its
        // relative links.
        let location = match uri.query() {
            Some(query) => format!("{}/?{query}", uri.path()),
            None => format!("{}/", uri.path()),
        };
        return match HeaderValue::from_str(&location) {
            Ok(location) => (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response(),
            Err(_) => plain(StatusCode::BAD_REQUEST, "请求的路径无效\n"),
        };
    }
    match metadata.filter(|m| m.is_file()) {
        Some(metadata) => send(&state, &path, &metadata, request.headers(), &method).await,
        None => not_found(&state).await,
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text,
    )
        .into_response()
}

async fn send(
    state: &ServerState,
    path: &Path,
    metadata: &std::fs::Metadata,
    headers: &HeaderMap,
    method: &Method,
) -> Response {
    let kind = content_type(path);
    let injected = state.live && kind.starts_with("text/html") && metadata.len() <= MAX_INJECTED;
    let error = injected
        .then(|| state.error.read().expect("error lock").clone())
        .flatten();
    // A page's version includes what is added to it.
    let version = Version::of(metadata, injected.then(|| overlay_tag(error.as_deref())));
    if version.unchanged_for(headers) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        response.headers_mut().extend(version.headers());
        return response;
    }
    let mut response = if injected {
        match tokio::fs::read(path).await {
            Ok(page) => super::inject(page, error.as_deref()).into_response(),
            Err(_) => return not_found(state).await,
        }
    } else {
        match download(path, metadata.len(), &version, headers, method).await {
            Some(response) => response,
            None => return not_found(state).await,
        }
    };
    let answer = response.headers_mut();
    answer.extend(version.headers());
    if let Ok(kind) = HeaderValue::from_str(&kind) {
        answer.insert(header::CONTENT_TYPE, kind);
    }
    response
}

/// Tells apart the overlays a page may carry (none, or one error text).
fn overlay_tag(error: Option<&str>) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    super::LIVE_SCRIPT_TAG.hash(&mut hasher);
    error.hash(&mut hasher);
    hasher.finish()
}

/// The whole file, or the one range asked for, streamed from disk.
async fn download(
    path: &Path,
    length: u64,
    version: &Version,
    headers: &HeaderMap,
    method: &Method,
) -> Option<Response> {
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(spec) if *method == Method::GET && version.matches_if_range(headers) => {
            match byte_range(spec, length) {
                Range::Whole => None,
                Range::Part(start, end) => Some((start, end)),
                Range::Unsatisfiable => {
                    return Some(
                        (
                            StatusCode::RANGE_NOT_SATISFIABLE,
                            [(header::CONTENT_RANGE, format!("bytes */{length}"))],
                        )
                            .into_response(),
                    )
                }
            }
        }
        _ => None,
    };
    let mut file = tokio::fs::File::open(path).await.ok()?;
    let (status, start, end) = match range {
        Some((start, end)) => (StatusCode::PARTIAL_CONTENT, start, end),
        None => (StatusCode::OK, 0, length.saturating_sub(1)),
    };
    let size = if length == 0 { 0 } else { end - start + 1 };
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start)).await.ok()?;
    }
    let mut response = Response::new(Body::new(FileBody {
        file,
        remaining: size,
        buffer: Vec::new(),
    }));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if status == StatusCode::PARTIAL_CONTENT {
        let range = format!("bytes {start}-{end}/{length}");
        headers.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&range).expect("digits"),
        );
    }
    Some(response)
}

/// A file's bytes, read a chunk at a time as the client takes them: what
/// a stalled download holds is one chunk, not the file.
struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
    buffer: Vec<u8>,
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = this.remaining.min(CHUNK as u64) as usize;
        if this.buffer.len() < want {
            this.buffer.resize(want, 0);
        }
        let mut read = ReadBuf::new(&mut this.buffer[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(err)) => Poll::Ready(Some(Err(err))),
            Poll::Ready(Ok(())) if read.filled().is_empty() => Poll::Ready(Some(Err(
                std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "the file got shorter"),
            ))),
            Poll::Ready(Ok(())) => {
                let chunk = Bytes::copy_from_slice(read.filled());
                this.remaining -= chunk.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.remaining == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.remaining)
    }
}

/// The site's `404.html`, with the live-reload script: a tab left on a
/// missing page reloads when a rebuild brings it.
async fn not_found(state: &ServerState) -> Response {
    let page = tokio::fs::read(state.out.join("404.html"))
        .await
        .unwrap_or_default();
    let page = if state.live {
        let error = state.error.read().expect("error lock").clone();
        super::inject(page, error.as_deref())
    } else {
        page
    };
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        page,
    )
        .into_response()
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
        assert_eq!(
            resolve(out, "/2024/27"),
            Some(PathBuf::from("/srv/public/2024/27"))
        );
        assert_eq!(resolve(out, "/../etc/passwd"), None);
        assert_eq!(resolve(out, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(out, "/a/..%2F..%2Fetc"), None);
        assert_eq!(resolve(out, "/%00"), None);
        assert_eq!(resolve(out, "/a\\..\\b"), None);
        assert_eq!(resolve(out, "//evil.example"), None);
        assert_eq!(resolve(out, "/%2Fevil.example"), None);
        assert_eq!(
            resolve(out, "/keywords/%E7%A5%A8%E5%86%B3/"),
            Some(PathBuf::from("/srv/public/keywords/票决/index.html"))
        );
    }

    #[test]
    fn content_types_ignore_case_and_cover_what_sites_hold() {
        for (name, expected) in [
            ("a.html", "text/html; charset=utf-8"),
            ("a.HTM", "text/html; charset=utf-8"),
            ("a.PDF", "application/pdf"),
            ("a.gz", "application/gzip"),
            ("a.ico", "image/vnd.microsoft.icon"),
            ("a.woff2", "font/woff2"),
            ("a.mjs", "text/javascript; charset=utf-8"),
            ("a.wasm", "application/wasm"),
            ("a.avif", "image/avif"),
            ("a.JPG", "image/jpeg"),
            ("a.svg", "image/svg+xml"),
            ("atom.xml", "application/xml; charset=utf-8"),
            ("a.json", "application/json; charset=utf-8"),
            (
                "a.docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
            ("a.unknown", "application/octet-stream"),
            ("noextension", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), expected, "{name}");
        }
    }
}
