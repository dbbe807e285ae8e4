//! jianbao（简报）: the publishing pipeline of the bulletin 《代表工作》.
//!
//! load (`content`) → render (`render`) → write (`output`), driven by `site`.

pub mod config;
pub mod content;
pub mod diagnostics;
pub mod font_coverage;
pub mod import;
pub mod keywords;
pub mod live;
pub mod markdown;
pub mod output;
pub mod pdf;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod text;
