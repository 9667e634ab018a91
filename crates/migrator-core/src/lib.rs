//! The domain library of `migrator`, a tool that exports the configuration of a Genesys
//! PureConnect CIC server or Interaction Media Server into one encrypted `.ininmigr` archive
//! and imports it onto the same server (Recovery mode) or another one (Migration mode).
//!
//! Layers, from the bottom: [`registry`] (the registry model and the `.reg` codec),
//! [`server`] (server images and identity), [`layout`] (where configuration lives) and
//! [`version`] (releases and their differences). The library never prints and never exits;
//! the `migrator` binary renders what it returns.

#![warn(missing_docs)]

pub mod error;
pub mod incoming;
pub mod layout;
pub mod registry;
pub mod sample;
pub mod server;
pub mod version;

pub use error::{Error, ErrorKind, Result};

/// This tool's version, as recorded in every archive.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
