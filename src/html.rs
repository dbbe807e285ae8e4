//! HTML as text: escaping what is put into a page, and reading back the
//! attributes of a page's tags (the addresses it links and loads).

/// `text` made safe inside an element or a double-quoted attribute.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
