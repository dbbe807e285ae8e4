//! The default theme compiled into the binary: every template and static
//! file of `themes/default/`, so a site needs no theme folder at all.

/// The default theme, embedded so a site needs no theme folder at all.
pub(super) const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "issue.html",
        include_str!("../../themes/default/templates/issue.html"),
    ),
    (
        "report.html",
        include_str!("../../themes/default/templates/report.html"),
    ),
    (
        "print.html",
        include_str!("../../themes/default/templates/print.html"),
    ),
    (
        "issues.html",
        include_str!("../../themes/default/templates/issues.html"),
    ),
    (
        "terms.html",
        include_str!("../../themes/default/templates/terms.html"),
    ),
    (
        "term.html",
        include_str!("../../themes/default/templates/term.html"),
    ),
    (
        "stats.html",
        include_str!("../../themes/default/templates/stats.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "search.html",
        include_str!("../../themes/default/templates/search.html"),
    ),
    (
        "atom.xml",
        include_str!("../../themes/default/templates/atom.xml"),
    ),
    (
        "sitemap.xml",
        include_str!("../../themes/default/templates/sitemap.xml"),
    ),
];

pub(super) const BUILTIN_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../themes/default/static/style.css"),
    ),
    (
        "search.js",
        include_bytes!("../../themes/default/static/search.js"),
    ),
    (
        "print.css",
        include_bytes!("../../themes/default/static/print.css"),
    ),
    (
        "print.js",
        include_bytes!("../../themes/default/static/print.js"),
    ),
    (
        "favicon.svg",
        include_bytes!("../../themes/default/static/favicon.svg"),
    ),
    (
        "favicon.ico",
        include_bytes!("../../themes/default/static/favicon.ico"),
    ),
    // The print page's fonts (13.7 MB of WOFF2, most of the binary's
    // built-in theme): with them a new site prints the same PDF on every
    // machine. fonts/README.txt says where they come from.
    (
        "fonts/FandolFang-Regular.woff2",
        include_bytes!("../../themes/default/static/fonts/FandolFang-Regular.woff2"),
    ),
    (
        "fonts/FandolHei-Regular.woff2",
        include_bytes!("../../themes/default/static/fonts/FandolHei-Regular.woff2"),
    ),
    (
        "fonts/FandolKai-Regular.woff2",
        include_bytes!("../../themes/default/static/fonts/FandolKai-Regular.woff2"),
    ),
    (
        "fonts/FandolSong-Bold.woff2",
        include_bytes!("../../themes/default/static/fonts/FandolSong-Bold.woff2"),
    ),
    (
        "fonts/FandolSong-Regular-digits.woff2",
        include_bytes!("../../themes/default/static/fonts/FandolSong-Regular-digits.woff2"),
    ),
    (
        "fonts/PlaceNames-Kai.woff2",
        include_bytes!("../../themes/default/static/fonts/PlaceNames-Kai.woff2"),
    ),
    (
        "fonts/COPYING.ARPHIC",
        include_bytes!("../../themes/default/static/fonts/COPYING.ARPHIC"),
    ),
    (
        "fonts/README.txt",
        include_bytes!("../../themes/default/static/fonts/README.txt"),
    ),
    (
        "fonts/COPYING",
        include_bytes!("../../themes/default/static/fonts/COPYING"),
    ),
];

/// Static files the templates link to by a content-hashed address
/// (`style.css?h=…`): a redeploy never leaves a reader on a stale copy,
/// and a server may let browsers keep them long.
pub(super) const LINKED_ASSETS: &[&str] = &["style.css", "search.js", "favicon.svg"];
