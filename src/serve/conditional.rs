//! Which version of a file a client holds and which part it asks for:
//! `ETag`/`If-None-Match`, `Last-Modified`/`If-Modified-Since`, `Range`
//! and `If-Range`, as RFC 9110 describes them.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, HeaderValue};

/// What identifies a version of a file: its size and modification time
/// (as nginx does). The build rewrites only files whose bytes changed.
pub struct Version {
    etag: String,
    modified: SystemTime,
}

impl Version {
    pub fn of(metadata: &std::fs::Metadata, extra: Option<u64>) -> Version {
        let modified = metadata.modified().unwrap_or(UNIX_EPOCH);
        let since = modified.duration_since(UNIX_EPOCH).unwrap_or_default();
        let etag = match extra {
            Some(extra) => format!(
                "\"{:x}-{:x}-{:x}-{extra:x}\"",
                since.as_secs(),
                since.subsec_nanos(),
                metadata.len()
            ),
            None => format!(
                "\"{:x}-{:x}-{:x}\"",
                since.as_secs(),
                since.subsec_nanos(),
                metadata.len()
            ),
        };
        Version { etag, modified }
    }

    /// `If-None-Match` (weak comparison, as RFC 9110 says for it), or
    /// failing that `If-Modified-Since`: the client's copy is current.
    pub fn unchanged_for(&self, headers: &HeaderMap) -> bool {
        if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
            let tags = tags.to_str().unwrap_or("");
            return tags
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == self.etag);
        }
        headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok())
            .is_some_and(|since| whole_seconds(self.modified) <= whole_seconds(since))
    }

    /// `If-Range`: the range applies only to the version it names.
    pub fn matches_if_range(&self, headers: &HeaderMap) -> bool {
        let Some(value) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok()) else {
            return true;
        };
        let value = value.trim();
        if value.starts_with('"') {
            return value == self.etag;
        }
        httpdate::parse_http_date(value)
            .is_ok_and(|date| whole_seconds(date) == whole_seconds(self.modified))
    }

    pub fn headers(&self) -> [(header::HeaderName, HeaderValue); 3] {
        [
            (
                header::ETAG,
                HeaderValue::from_str(&self.etag).expect("hex digits"),
            ),
            (
                header::LAST_MODIFIED,
                HeaderValue::from_str(&httpdate::fmt_http_date(self.modified)).expect("a date"),
            ),
            // The preview changes under the reader: always ask again.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ]
    }
}

fn whole_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[derive(Debug, PartialEq)]
pub enum Range {
    /// No usable range (several ranges, another unit, a malformed one):
    /// the whole file, as RFC 9110 allows.
    Whole,
    Part(u64, u64),
    Unsatisfiable,
}

/// One `bytes=` range of a file of `length` bytes: `a-b`, `a-` or `-n`.
pub fn byte_range(spec: &str, length: u64) -> Range {
    let Some(set) = spec.trim().strip_prefix("bytes=") else {
        return Range::Whole;
    };
    if set.contains(',') {
        return Range::Whole;
    }
    let Some((first, last)) = set.trim().split_once('-') else {
        return Range::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        let s = s.trim();
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first.trim().is_empty(), number(first), number(last)) {
        // The last n bytes.
        (true, _, Some(n)) => match n {
            0 => Range::Unsatisfiable,
            _ if length == 0 => Range::Unsatisfiable,
            n => Range::Part(length.saturating_sub(n), length - 1),
        },
        (false, Some(start), end) if last.trim().is_empty() || end.is_some() => {
            if start >= length {
                return Range::Unsatisfiable;
            }
            let end = end.map_or(length - 1, |e| e.min(length - 1));
            if end < start {
                Range::Whole
            } else {
                Range::Part(start, end)
            }
        }
        _ => Range::Whole,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Range::Part(0, 9));
        assert_eq!(byte_range("bytes=90-", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=90-500", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=-10", 100), Range::Part(90, 99));
        assert_eq!(byte_range("bytes=-500", 100), Range::Part(0, 99));
        assert_eq!(byte_range("bytes=100-", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=-0", 100), Range::Unsatisfiable);
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Range::Whole);
        assert_eq!(byte_range("bytes=9-1", 100), Range::Whole);
        assert_eq!(byte_range("items=0-1", 100), Range::Whole);
        assert_eq!(byte_range("bytes=a-b", 100), Range::Whole);
        assert_eq!(byte_range("bytes=0-0", 0), Range::Unsatisfiable);
    }
}
