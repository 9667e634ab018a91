//! The domain library of `migrator`, a tool that exports the configuration of a Genesys
//! PureConnect CIC server or Interaction Media Server into one encrypted `.ininmigr` archive
//! and imports it onto the same server (Recovery mode) or another one (Migration mode).
//!
//! Layers, from the bottom: [`registry`] (the registry model and the `.reg` codec),
//! [`server`] (server images and identity), [`layout`] (where configuration lives) and
//! [`version`] (releases and their differences). The library never prints and never exits;
//! the `migrator` binary renders what it returns.

#![warn(missing_docs)]

pub mod archive;
pub mod catalog;
pub mod checklist;
pub mod diff;
pub mod error;
pub mod export;
pub mod import;
pub mod incoming;
pub mod layout;
pub mod progress;
pub mod registry;
pub mod restore;
pub mod retention;
pub mod rules;
pub mod sample;
pub mod server;
pub mod text;
pub mod version;

pub use error::{Error, ErrorKind, Result};

/// This tool's version, as recorded in every archive.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// This tool's build identifier, as recorded in every archive: the value of the
/// `MIGRATOR_BUILD` environment variable when the crate was compiled (release builds set it,
/// for example to a commit hash or a CI run number), else `local`.
pub const BUILD: &str = match option_env!("MIGRATOR_BUILD") {
    Some(build) => build,
    None => "local",
};
