//! jianbao（简报）: the publishing pipeline of the bulletin 《代表工作》.
//!
//! load (`content`) → render (`render`) → write (`output`), driven by `site`.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod encoding;
pub mod font_coverage;
mod html;
pub mod import;
pub mod keywords;
pub mod live;
pub mod markdown;
mod output;
pub mod pdf;
mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod sources;
pub mod text;
mod theme;
