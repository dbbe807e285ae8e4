//! The command line's parts: its arguments, its commands, and how it
//! reports.

pub(crate) mod args;
pub(crate) mod commands;
pub(crate) mod report;
