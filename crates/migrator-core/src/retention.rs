//! Retention of scheduled exports: keep the newest N archives of one server in a folder.
//!
//! Export files are named `<Server>_<MMDDYYYYHHMMSS>.ininmigr` (local time of the export).
//! [`prune`] reads only names of exactly that form for the given server, orders them by the
//! time stamp in the name, and removes all but the newest `keep`. Other servers' archives,
//! files of other names and unfinished temporary files are never touched. The export calls it
//! only after its own archive is complete, so a failed export never costs an older copy.

use std::path::{Path, PathBuf};

use crate::error::{Error, ErrorKind, Result};

/// The extension of export archives.
const EXTENSION: &str = ".ininmigr";

/// Removes all but the newest `keep` exports of `server` in `export_dir`; returns the files
/// removed, oldest first.
///
/// # Errors
///
/// A usage error for `keep` 0 (it would remove the export just made), an input error when
/// the folder cannot be listed or a file cannot be removed (files removed before it stay
/// removed; the error names the one that failed).
pub fn prune(export_dir: &Path, server_name: &str, keep: usize) -> Result<Vec<PathBuf>> {
    if keep == 0 {
        return Err(
            Error::new(ErrorKind::Usage, "--keep 0 would remove every export")
                .with_hint("Give --keep 1 or more: the number of newest exports to keep."),
        );
    }
    let mut exports = exports_of(export_dir, server_name)?;
    exports.sort();
    let surplus = exports.len().saturating_sub(keep);
    let mut removed = Vec::with_capacity(surplus);
    for (_, path) in exports.into_iter().take(surplus) {
        std::fs::remove_file(&path).map_err(|e| Error::io("removing the old export", &path, e))?;
        tracing::info!(path = %path.display(), "removed an old export (retention)");
        removed.push(path);
    }
    Ok(removed)
}

/// The exports of `server_name` in `dir`, each with its sortable time stamp.
fn exports_of(dir: &Path, server_name: &str) -> Result<Vec<(String, PathBuf)>> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("listing", dir, e))?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("listing", dir, e))?;
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        let name = entry.file_name();
        let stamp = name.to_str().and_then(|n| sortable_stamp(n, server_name));
        if let (true, Some(stamp)) = (is_file, stamp) {
            found.push((stamp, entry.path()));
        }
    }
    Ok(found)
}

/// Removes all but the newest `keep` exports of the server that `archive` (an export just
/// written) belongs to, in `archive`'s folder; returns the files removed.
///
/// # Errors
///
/// As [`prune`]; a usage error when `archive` is not named as an export.
pub fn prune_beside(archive: &Path, keep: usize) -> Result<Vec<PathBuf>> {
    let name = archive
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let server = name
        .strip_suffix(EXTENSION)
        .and_then(|stem| stem.rsplit_once('_'))
        .map(|(server, _)| server)
        .filter(|server| sortable_stamp(name, server).is_some())
        .ok_or_else(|| {
            Error::new(
                ErrorKind::Usage,
                format!(
                    "{} is not named as an export (<Server>_<time>.ininmigr)",
                    name
                ),
            )
        })?;
    let dir = archive.parent().unwrap_or(Path::new("."));
    prune(dir, server, keep)
}

/// `YYYYMMDDHHMMSS` from a file name `<server>_<MMDDYYYYHHMMSS>.ininmigr`, when the name is
/// one of `server`'s exports (server names compared in any case, as Windows does).
fn sortable_stamp(file_name: &str, server: &str) -> Option<String> {
    let lower = file_name.to_ascii_lowercase();
    let stem = lower.strip_suffix(EXTENSION)?;
    let prefix = format!("{}_", server.to_ascii_lowercase());
    let stamp = stem.strip_prefix(&prefix)?;
    if stamp.len() != 14 || !stamp.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (month_day, rest) = stamp.split_at(4);
    let (year, time) = rest.split_at(4);
    Some(format!("{year}{month_day}{time}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str) {
        std::fs::write(dir.join(name), b"x").unwrap();
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn keeps_the_newest_by_the_time_in_the_name_across_years() {
        let dir = tempfile::tempdir().unwrap();
        // Month-first stamps: name order is not time order.
        touch(dir.path(), "calliope_12312023235959.ininmigr");
        touch(dir.path(), "calliope_01012024000000.ininmigr");
        touch(dir.path(), "calliope_06152024120000.ininmigr");
        let removed = prune(dir.path(), "calliope", 2).unwrap();
        assert_eq!(
            removed,
            [dir.path().join("calliope_12312023235959.ininmigr")]
        );
        assert_eq!(
            names(dir.path()),
            [
                "calliope_01012024000000.ininmigr",
                "calliope_06152024120000.ininmigr"
            ]
        );
    }

    #[test]
    fn other_servers_and_other_files_are_untouched() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "calliope_01012024000000.ininmigr");
        touch(dir.path(), "CALLIOPE_01022024000000.ininmigr");
        touch(dir.path(), "calliope_b_01012020000000.ininmigr");
        touch(dir.path(), "helios_01012020000000.ininmigr");
        touch(dir.path(), "calliope_01012020000000.ininmigr.zip");
        touch(dir.path(), ".calliope_01012020000000.ininmigr.tmp");
        touch(dir.path(), "calliope_2020.ininmigr");
        std::fs::create_dir(dir.path().join("calliope_01012019000000.ininmigr")).unwrap();
        let removed = prune(dir.path(), "Calliope", 1).unwrap();
        assert_eq!(
            removed,
            [dir.path().join("calliope_01012024000000.ininmigr")]
        );
        assert_eq!(names(dir.path()).len(), 7);
    }

    #[test]
    fn fewer_exports_than_keep_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "calliope_01012024000000.ininmigr");
        assert!(prune(dir.path(), "calliope", 5).unwrap().is_empty());
    }

    #[test]
    fn keep_zero_is_refused_before_anything_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "calliope_01012024000000.ininmigr");
        let error = prune(dir.path(), "calliope", 0).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Usage);
        assert_eq!(names(dir.path()).len(), 1);
    }

    #[test]
    fn prune_beside_reads_the_server_from_the_new_archive() {
        let dir = tempfile::tempdir().unwrap();
        touch(dir.path(), "my_server_01012024000000.ininmigr");
        touch(dir.path(), "my_server_01022024000000.ininmigr");
        touch(dir.path(), "server_01012020000000.ininmigr");
        let newest = dir.path().join("my_server_01022024000000.ininmigr");
        let removed = prune_beside(&newest, 1).unwrap();
        assert_eq!(
            removed,
            [dir.path().join("my_server_01012024000000.ininmigr")]
        );
        assert!(prune_beside(&dir.path().join("notes.txt"), 1).is_err());
    }

    #[test]
    fn a_missing_folder_is_an_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let error = prune(&dir.path().join("nope"), "calliope", 1).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Input);
        assert!(error.message().contains("nope"), "{}", error.message());
    }
}
