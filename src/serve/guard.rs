//! What keeps other websites out of the preview: every request must name
//! this server in its `Host` (so a page that rebinds its own domain to
//! 127.0.0.1 gets nothing), a WebSocket must come from the server's own
//! pages (browsers apply no same-origin rule to WebSockets), and every
//! answer carries headers that stop browsers from sniffing types, leaking
//! addresses to other sites and running scripts from anywhere else.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ServerState;

/// The names a request may give in `Host` besides loopback names and IP
/// addresses: those named with `--allow-host`.
#[derive(Debug, Clone, Default)]
pub struct AllowedHosts {
    /// Lower-case names; one starting with `.` also allows the names under
    /// it (`.example.org`: `example.org`, `a.example.org`), as Vite's
    /// `server.allowedHosts` does.
    names: Vec<String>,
}

impl AllowedHosts {
    /// Checks the names given on the command line: a host name, or one
    /// with a leading `.`; no port, no scheme.
    pub fn new(names: &[String]) -> Result<AllowedHosts, String> {
        let mut allowed = Vec::new();
        for name in names {
            let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
            let bare = lower.strip_prefix('.').unwrap_or(&lower);
            if !is_host_name(bare) {
                return Err(format!(
                    "--allow-host 的值“{name}”不是主机名：只写名称（如 office-pc 或 .example.org），不带 http:// 和端口"
                ));
            }
            allowed.push(lower);
        }
        Ok(AllowedHosts { names: allowed })
    }

    /// Whether `host` (the name part of `Host`, lower case) is this
    /// server. IP addresses always are: a rebinding attack needs a name
    /// the attacker controls, and a browser sends an address only when it
    /// connected to that address. `localhost` and names under it resolve
    /// to loopback in browsers themselves (RFC 6761).
    fn allows(&self, host: &str, port: &str, bound_port: Option<u16>) -> bool {
        if self.names_user(host) {
            // A reverse proxy in front may give its own port, or none.
            return true;
        }
        let local = Self::is_local(host);
        // A loopback name or an address must also give the port this
        // server listens on, as a browser that connected here does. One
        // without a port is let through: a browser leaves the port out only
        // for 80 and 443, so it is a tool on this computer (curl, wget).
        local
            && (port.is_empty() || bound_port.is_none_or(|bound| port.parse::<u16>() == Ok(bound)))
    }

    fn is_local(host: &str) -> bool {
        host.parse::<std::net::Ipv4Addr>().is_ok()
            || host
                .strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .is_some_and(|h| h.parse::<std::net::Ipv6Addr>().is_ok())
            || host == "localhost"
            || host.ends_with(".localhost")
    }

    fn names_user(&self, host: &str) -> bool {
        self.names.iter().any(|name| match name.strip_prefix('.') {
            Some(domain) => host == domain || host.ends_with(name.as_str()),
            None => host == name,
        })
    }
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The authority a request is for: the target's in absolute form (RFC
/// 9112 §3.2.2 says to ignore `Host` then), otherwise `Host`; lower case,
/// checked to be a host with an optional numeric port.
fn authority(request: &Request) -> Option<String> {
    let raw = match request.uri().authority() {
        Some(authority) => authority.as_str().to_string(),
        None => request
            .headers()
            .get(header::HOST)?
            .to_str()
            .ok()?
            .to_string(),
    };
    let lower = raw.trim().to_ascii_lowercase();
    let (host, port) = split_port(&lower)?;
    let name = host.strip_suffix('.').unwrap_or(host);
    let valid = if name.starts_with('[') {
        name.ends_with(']')
            && name[1..name.len() - 1]
                .parse::<std::net::Ipv6Addr>()
                .is_ok()
    } else {
        is_host_name(name)
    };
    (valid && port.bytes().all(|b| b.is_ascii_digit())).then_some(lower)
}

/// `host:port` → (`host`, `port`); `[::1]:80` → (`[::1]`, `80`).
fn split_port(authority: &str) -> Option<(&str, &str)> {
    if authority.starts_with('[') {
        let end = authority.find(']')?;
        let rest = &authority[end + 1..];
        return match rest.strip_prefix(':') {
            Some(port) => Some((&authority[..=end], port)),
            None if rest.is_empty() => Some((authority, "")),
            None => None,
        };
    }
    Some(authority.split_once(':').unwrap_or((authority, "")))
}

/// Refuses requests for any other host, and adds the protective headers
/// to every answer.
pub async fn guard(
    State(state): State<Arc<ServerState>>,
    request: Request,
    next: Next,
) -> Response {
    let authority = authority(&request);
    let bound_port = state.bound_port.get().copied();
    let Some(authority) = authority.filter(|a| {
        let (host, port) = split_port(a).unwrap_or(("", ""));
        state
            .hosts
            .allows(host.strip_suffix('.').unwrap_or(host), port, bound_port)
    }) else {
        let shown = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
            .to_string();
        return protect(refused_host(&shown, bound_port), None);
    };
    let response = next.run(request).await;
    protect(response, Some(&authority))
}

/// The headers every answer gets; HTML and SVG documents also get the
/// content security policy (it means nothing to other types, and
/// Chromium's PDF viewer is better left without one).
fn protect(mut response: Response, authority: Option<&str>) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Drafts' addresses never reach another site.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Other sites may not embed these files.
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    let document = headers
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html") || t.starts_with("image/svg+xml"));
    if document {
        if let Ok(policy) = HeaderValue::from_str(&content_security_policy(authority)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        }
    }
    response
}

/// Scripts only from the site itself (the live-reload script is a file of
/// its own, `/__jianbao/live.js`), no plugins, no framing by other sites,
/// connections to this server only (the live-reload WebSocket named
/// outright too, for browsers whose `'self'` does not cover `ws:`). Inline
/// styles stay allowed: reports pasted from word processors keep theirs,
/// and the error overlay uses them. Images may come from other sites, as
/// on the published site.
pub fn content_security_policy(authority: Option<&str>) -> String {
    let live = authority
        .map(|a| format!(" ws://{a} wss://{a}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'{live}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    )
}

fn refused_host(shown: &str, bound_port: Option<u16>) -> Response {
    let shown = super::escape_html(shown);
    let example = bound_port.map_or(String::new(), |port| {
        format!("（如 <code>http://127.0.0.1:{port}/</code>）")
    });
    let page = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>拒绝访问</title></head><body><h1>拒绝访问</h1><p>这是 jianbao 的本机预览服务器，只接受用 localhost、127.0.0.1 或本机 IP 地址加上本服务的端口打开的网址{example}，不接受网址中的“{shown}”（这样可以防止其他网站借用别的名称读取预览的档案）。</p><p>如果确实要用这个名称访问，请在启动时加上 <code>--allow-host 名称</code>。</p></body></html>"
    );
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// A WebSocket handshake may come from this server's own pages, or from a
/// client that is no browser and so sends no `Origin` (a script on this
/// computer could read the output folder anyway). Browsers always send
/// it, so another site's page, or a sandboxed one (`null`), is refused.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let (Some(origin), Some(host)) = (
        origin.to_str().ok(),
        headers.get(header::HOST).and_then(|h| h.to_str().ok()),
    ) else {
        return false;
    };
    let origin = origin.trim().to_ascii_lowercase();
    let host = host.trim().to_ascii_lowercase();
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest == host)
}

pub fn refused_origin() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        Body::from("拒绝连接：自动刷新只对本预览服务器自己的网页开放。\n"),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(extra: &[&str], host: &str) -> bool {
        let names: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        AllowedHosts::new(&names).unwrap().allows(host, "", None)
    }

    #[test]
    fn loopback_names_and_addresses_are_allowed_others_only_when_named() {
        for host in [
            "localhost",
            "127.0.0.1",
            "[::1]",
            "a.localhost",
            "192.168.1.5",
        ] {
            assert!(allowed(&[], host), "{host}");
        }
        for host in [
            "attacker.example",
            "localhost.attacker.example",
            "127.0.0.1.nip.io",
            "",
        ] {
            assert!(!allowed(&[], host), "{host}");
        }
        assert!(allowed(&["office-pc"], "office-pc"));
        assert!(!allowed(&["office-pc"], "x.office-pc"));
        assert!(allowed(&[".example.org"], "example.org"));
        assert!(allowed(&[".example.org"], "a.example.org"));
        assert!(!allowed(&[".example.org"], "badexample.org"));
        assert!(AllowedHosts::new(&["http://x:80".to_string()]).is_err());
    }

    #[test]
    fn local_names_must_give_the_port_served_if_any_named_hosts_need_not() {
        let hosts = AllowedHosts::new(&["office-pc".to_string()]).unwrap();
        assert!(hosts.allows("localhost", "1111", Some(1111)));
        assert!(hosts.allows("127.0.0.1", "1111", Some(1111)));
        assert!(!hosts.allows("localhost", "8080", Some(1111)));
        assert!(hosts.allows("localhost", "", Some(1111)));
        assert!(!hosts.allows("localhost", "x", Some(1111)));
        assert!(hosts.allows("office-pc", "", Some(1111)));
        assert!(hosts.allows("office-pc", "443", Some(1111)));
    }

    #[test]
    fn ports_split_from_names_and_v6_addresses() {
        assert_eq!(split_port("localhost:1111"), Some(("localhost", "1111")));
        assert_eq!(split_port("[::1]:80"), Some(("[::1]", "80")));
        assert_eq!(split_port("[::1]"), Some(("[::1]", "")));
        assert_eq!(split_port("[::1]x"), None);
    }
}
