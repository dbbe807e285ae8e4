//! What a site folder holds that jianbao reads: `site.toml`, `content/`
//! and the theme's folders. Watching, staleness checks and the output's
//! safety checks all go by this one list.

use std::path::Path;
use std::time::SystemTime;

use crate::config::CONFIG_FILE;
use crate::content::CONTENT_DIR;

/// What a source is, for what a change to it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `site.toml`.
    Config,
    /// The editors' files under `content/`.
    Content,
    /// Templates and static files: the site's own, or a theme's.
    Theme,
}

/// Every top-level entry of a site folder that jianbao reads.
pub const SOURCES: [(&str, Source); 5] = [
    (CONFIG_FILE, Source::Config),
    (CONTENT_DIR, Source::Content),
    ("templates", Source::Theme),
    ("themes", Source::Theme),
    ("static", Source::Theme),
];

/// What `relative` (a path inside the site folder) is a source of, if
/// anything.
pub fn kind_of(relative: &Path) -> Option<Source> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    SOURCES
        .iter()
        .find(|(name, _)| *name == first)
        .map(|(_, kind)| *kind)
}

/// The newest modification time among the site's sources: an output older
/// than this is stale.
pub fn newest_modification(root: &Path) -> Option<SystemTime> {
    SOURCES
        .iter()
        .flat_map(|(name, _)| walkdir::WalkDir::new(root.join(name)).into_iter().flatten())
        .filter_map(|entry| entry.metadata().ok()?.modified().ok())
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_known_by_their_first_folder() {
        assert_eq!(
            kind_of(Path::new("content/2024/01/a.md")),
            Some(Source::Content)
        );
        assert_eq!(
            kind_of(Path::new("themes/default/x.html")),
            Some(Source::Theme)
        );
        assert_eq!(kind_of(Path::new("site.toml")), Some(Source::Config));
        assert_eq!(kind_of(Path::new("public/index.html")), None);
        assert_eq!(kind_of(Path::new("")), None);
    }
}
