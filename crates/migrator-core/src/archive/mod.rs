//! The `.ininmigr` archive: one file holding everything an export took from a server.
//!
//! It is a standard ZIP (rename it to `.zip` to browse it). The first entry is
//! `manifest.json` (see [`manifest`]); then one stored entry `components/NNN.zip` per
//! component, itself a ZIP holding the component's registry data as `registry.reg` and its
//! files under their install-relative paths. With a password, every outer entry, the
//! manifest included, is WinZip AES-256 encrypted; entry names never carry server, user or
//! component names. `docs/FORMAT.md` gives the full layout.
//!
//! [`ArchiveWriter`] writes archives (the export builds on it); [`Archive`] opens, checks and
//! extracts them (inspect, verify and the import build on it). Both stream file data through
//! fixed-size buffers, so memory does not grow with file sizes, and report through
//! [`Progress`](crate::progress::Progress).

mod extract;
mod inner;
pub mod manifest;
pub mod names;
mod parallel;
pub mod password;
mod reader;
mod salvage;
mod stream;
mod verify;
mod writer;

pub use extract::{ExtractedComponent, ExtractedFile};
pub use manifest::{ComponentRecord, Manifest, ManifestHeader};
pub use reader::{Archive, Limits};
pub use verify::{ComponentCheck, Verified, VerifyReport};
pub use writer::{check_destination, ArchiveWriter, ComponentInput, FileInput};

use chrono::{DateTime, Local};

use crate::error::{Error, ErrorKind};

/// The file extension of archives, without the dot.
pub const EXTENSION: &str = "ininmigr";

/// The archive file name for an export of `server` at `created`:
/// `<ServerName>_<MMDDYYYYHHMMSS>.ininmigr`, in the exporting machine's local time.
/// Characters Windows forbids in file names become `_`.
pub fn file_name(server: &str, created: &DateTime<Local>) -> String {
    let safe: String = server
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let safe = if safe.trim().is_empty() {
        "server".to_string()
    } else {
        safe
    };
    format!("{safe}_{}.{EXTENSION}", created.format("%m%d%Y%H%M%S"))
}

/// The error of work the user cancelled.
fn cancelled() -> Error {
    Error::new(ErrorKind::Cancelled, "cancelled: nothing was written")
        .with_hint("Run the command again to start over.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_file_name_is_server_and_local_time() {
        let created = Local.with_ymd_and_hms(2024, 3, 7, 9, 5, 2).unwrap();
        assert_eq!(
            file_name("CIC01", &created),
            "CIC01_03072024090502.ininmigr"
        );
        assert_eq!(
            file_name("a/b:c", &created),
            "a_b_c_03072024090502.ininmigr"
        );
    }
}
