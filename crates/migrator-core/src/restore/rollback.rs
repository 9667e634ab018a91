//! Rollback: returns a server to the state a restore point saved.
//!
//! Every saved copy is checked against its SHA-256 before anything changes, so a damaged
//! restore point is refused with the server untouched. Then the registry copy is written
//! beside `registry.reg` under a temporary name (a full disk stops the rollback there, with
//! nothing changed), a marker says the rollback started, overwritten files are put back,
//! created files and (empty) created folders are removed, the registry file is put in place,
//! and the marker goes. Each write goes through a temporary file and a rename. A rollback that
//! stops part-way says so; run again, it counts what it already put back as unchanged and
//! finishes the job.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::import::lock::ImportLock;
use crate::registry::backend::{create_dirs, stage_atomically, write_atomically, StagedFile};
use crate::server::ServerImage;

use super::{
    find, hash_file, imports_dir, relative_path, survey, RestorePoint, SavedFile, FILES_DIR,
    MANIFEST_FILE, POINT_DIR, REGISTRY_COPY, ROLLBACK_MARKER,
};

/// What a rollback did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Rollback {
    /// The restore point used.
    pub point: String,
    /// Whether the registry file had changed and was put back.
    pub registry_restored: bool,
    /// Overwritten files put back.
    pub files_restored: usize,
    /// Created files removed.
    pub files_removed: usize,
    /// Created folders removed.
    pub dirs_removed: usize,
    /// What could not be undone exactly, such as a created folder someone filled since.
    pub warnings: Vec<String>,
    /// When the rollback that this one finished had started, if an earlier one stopped
    /// part-way.
    pub resumed: Option<String>,
}

/// Rolls `image` back to the restore point `name` (when `None`, the newest one not rolled back
/// yet), holding the import lock meanwhile. Imports made after that point and not rolled back
/// yet are undone first, newest first, so the server ends exactly as it was before the import
/// that took the point. An import made after that point without a restore point of its own,
/// or whose restore point is damaged, cannot be undone that way: the rollback is refused
/// unless `force`, and then says so in its warnings.
///
/// # Errors
///
/// `ErrorKind::Refused` when the server is in use, a restore point is damaged, a later import
/// cannot be undone, the point was rolled back already or none is left; `ErrorKind::Usage`
/// when there is no restore point of that name; I/O errors otherwise.
pub fn rollback_image(image: &ServerImage, name: Option<&str>, force: bool) -> Result<Rollback> {
    let _lock = ImportLock::acquire(image, "rollback")?;
    let survey = survey(image)?;
    let target = chosen_point(image, &survey, name)?;
    let mut done = Rollback {
        point: target.manifest.name.clone(),
        ..Rollback::default()
    };
    done.warnings
        .extend(imports_left_out(image, &survey, &target, force)?);
    let newer_first: Vec<&RestorePoint> = survey
        .points
        .iter()
        .rev()
        .filter(|p| p.manifest.rolled_back.is_none() && p.manifest.name >= target.manifest.name)
        .collect();
    // Every point of the chain is checked before the first is used, so that a damaged one
    // cannot stop the chain half-way.
    for point in &newer_first {
        verify_copies(point)?;
    }
    done.warnings
        .extend(changes_lost(image, &newer_first, force)?);
    for point in newer_first {
        done.resumed = done.resumed.take().or_else(|| point.rollback_unfinished());
        let step = undo(image, point)?;
        done.registry_restored |= step.registry_restored;
        done.files_restored += step.files_restored;
        done.files_removed += step.files_removed;
        done.dirs_removed += step.dirs_removed;
        done.warnings.extend(step.warnings);
    }
    Ok(done)
}

/// The restore point named `name`, or the newest one not rolled back yet; never one that was
/// rolled back already.
fn chosen_point(
    image: &ServerImage,
    survey: &super::Survey,
    name: Option<&str>,
) -> Result<RestorePoint> {
    let target = match name {
        Some(_) => find(image, name)?,
        None => survey
            .points
            .iter()
            .rev()
            .find(|p| p.manifest.rolled_back.is_none())
            .cloned()
            .ok_or_else(|| nothing_to_roll_back(image, survey))?,
    };
    if let Some(when) = &target.manifest.rolled_back {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "restore point {} was rolled back already, on {when}",
                target.manifest.name
            ),
        )
        .with_hint("The server is as it was before that import; see `--list` for the others."));
    }
    Ok(target)
}

/// Imports made after `target` that the chain of restore points cannot undo (no restore point
/// of their own, or a damaged one): a refusal, or with `force` a warning for each.
fn imports_left_out(
    image: &ServerImage,
    survey: &super::Survey,
    target: &RestorePoint,
    force: bool,
) -> Result<Vec<String>> {
    let after = |run: &str| run > target.manifest.name.as_str();
    let gaps: Vec<String> = survey
        .unprotected
        .iter()
        .filter(|run| after(run))
        .map(|run| format!("import {run} took no restore point"))
        .chain(
            survey
                .damaged
                .iter()
                .filter(|d| after(&d.name))
                .map(|d| format!("the restore point of import {} is damaged", d.name)),
        )
        .collect();
    if gaps.is_empty() || force {
        return Ok(gaps
            .iter()
            .map(|gap| format!("--force given: {gap}; its files were left as they are"))
            .collect());
    }
    Err(Error::new(
        ErrorKind::Refused,
        format!(
            "rolling back to restore point {} cannot undo every import made since: {}; the \
             registry would return to its state before {}, but files those imports created or \
             overwrote would stay",
            target.manifest.name,
            gaps.join(", "),
            target.manifest.name
        ),
    )
    .with_hint(format!(
        "Read those imports' reports in {}, then run again with --force to roll back anyway \
         and deal with their files by hand.",
        imports_dir(image).display()
    )))
}

/// Files the imports of the chain wrote and someone changed since: a refusal, or with `force`
/// a warning for each, since rolling back replaces or removes them.
fn changes_lost(
    image: &ServerImage,
    newer_first: &[&RestorePoint],
    force: bool,
) -> Result<Vec<String>> {
    let mut changed = changed_files(image, newer_first);
    if registry_changed(image, newer_first) {
        changed.insert(0, crate::server::REGISTRY_FILE.to_string());
    }
    // An import that did not record what it left (cut short, or its disk full) cannot tell
    // later changes apart: the rollback goes on, and says so.
    let unchecked = newer_first
        .iter()
        .filter(|point| !point.written.as_ref().is_some_and(|w| w.finished))
        .map(|point| {
            format!(
                "the import of restore point {} did not record what it wrote (it was cut short \
                 or could not write the record), so changes made since to its files or to \
                 registry.reg could not be told apart: any were undone too",
                point.name()
            )
        });
    if changed.is_empty() || force {
        return Ok(changed
            .iter()
            .map(|path| {
                format!(
                    "--force given: {path} had been changed since the import; those changes are \
                     gone"
                )
            })
            .chain(unchecked)
            .collect());
    }
    let shown: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
    let more = match changed.len() {
        n if n > shown.len() => format!(" and {} more", n - shown.len()),
        _ => String::new(),
    };
    Err(Error::new(
        ErrorKind::Refused,
        format!(
            "{} file(s) the import wrote were changed since: {}{more}; rolling back would replace \
             or remove them and lose those changes",
            changed.len(),
            shown.join(", ")
        ),
    )
    .with_hint("Nothing was changed. Copy what you want to keep, then run again with --force."))
}

/// The files the imports of `newer_first` wrote and someone changed since. A file a newer
/// import of the chain wrote again is judged by that import's record only.
fn changed_files(image: &ServerImage, newer_first: &[&RestorePoint]) -> Vec<String> {
    let mut judged = std::collections::HashSet::new();
    let mut changed = Vec::new();
    for point in newer_first {
        match super::changed_since(image, point, &judged) {
            Some(files) => changed.extend(files),
            None if super::written_paths(point).next().is_some() => tracing::info!(
                point = point.name(),
                "the import did not record the files it wrote (it did not finish): files \
                 changed since cannot be told apart and are not checked"
            ),
            None => {}
        }
        judged.extend(super::written_paths(point).map(str::to_string));
    }
    changed
}

/// Whether someone changed the registry file since the newest import of `newer_first`, the
/// only one whose record can tell.
fn registry_changed(image: &ServerImage, newer_first: &[&RestorePoint]) -> bool {
    let Some(newest) = newer_first.first() else {
        return false;
    };
    // Between two runs of the chain: the registry the later one found (its copy) is not the
    // one the earlier one left. Undoing the later run brings that change back, and undoing the
    // earlier one would lose it.
    let between = newer_first.windows(2).any(|pair| {
        let (later, earlier) = (pair[0], pair[1]);
        let left = earlier
            .written
            .as_ref()
            .filter(|written| written.finished)
            .and_then(|written| written.registry.as_ref());
        left.is_some_and(|left| left.sha256 != later.manifest.registry.sha256)
    });
    if between {
        return true;
    }
    match super::registry_changed(image, newest) {
        Some(changed) => changed,
        None => {
            tracing::info!(
                point = newest.name(),
                "the restore point has no record of registry.reg after its import (taken \
                 before such records, or the import did not finish): changes made to it since \
                 are not checked"
            );
            false
        }
    }
}

/// Why there is no default restore point: none was ever taken, the only ones are damaged, or
/// every one was used already.
fn nothing_to_roll_back(image: &ServerImage, survey: &super::Survey) -> Error {
    let server = image.dir().display();
    let (message, hint) = match (&survey.damaged[..], survey.points.is_empty()) {
        ([], true) => (
            format!("server image {server} has no restore point"),
            match survey.unprotected.is_empty() {
                true => "An import takes one unless --no-restore-point is given; there is \
                         nothing to roll back."
                    .to_string(),
                false => format!(
                    "The imports made there took none ({}): they cannot be rolled back.",
                    survey.unprotected.join(", ")
                ),
            },
        ),
        ([], false) => (
            format!("server image {server} has no restore point left to roll back to"),
            "Every import there was rolled back already; see `--list`.".to_string(),
        ),
        (damaged, _) => {
            let names: Vec<&str> = damaged.iter().map(|d| d.name.as_str()).collect();
            return Error::new(
                ErrorKind::Refused,
                format!(
                    "server image {server} has no usable restore point left: {} is damaged ({})",
                    names.join(", "),
                    damaged[0].problem
                ),
            )
            .with_hint("Nothing was changed. Restore the server from a backup, or see `--list`.");
        }
    };
    // Nothing is wrong with the command line: the server has nothing to undo.
    Error::new(ErrorKind::Refused, message).with_hint(hint)
}

/// Rolls `image` back to `point`. The caller holds the import lock.
///
/// # Errors
///
/// As [`rollback_image`].
pub fn rollback(image: &ServerImage, point: &RestorePoint) -> Result<Rollback> {
    verify_copies(point)?;
    undo(image, point)
}

/// Rolls `image` back to `point`, whose copies were checked.
fn undo(image: &ServerImage, point: &RestorePoint) -> Result<Rollback> {
    let install = image.install_dir();
    let manifest = &point.manifest;
    let inside = Inside::new(&install);
    for file in &manifest.overwritten {
        inside.check(&file.path)?;
    }
    for relative in &manifest.created_files {
        inside.check(relative)?;
    }
    let registry = stage_registry(image, point).map_err(|error| {
        let hint = format!("Nothing was changed. {}", error.hint().unwrap_or_default());
        error.with_hint(hint.trim_end().to_string())
    })?;
    let marker = point.point_dir().join(ROLLBACK_MARKER);
    let started = chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    write_atomically(&marker, |out| io::Write::write_all(out, started.as_bytes()))?;

    let mut done = Rollback {
        point: manifest.name.clone(),
        registry_restored: registry.is_some(),
        ..Rollback::default()
    };
    undo_files(&install, point, &mut done)
        .and_then(|()| registry.map_or(Ok(()), StagedFile::commit))
        .map_err(|error| stopped_part_way(point, error))?;
    if done.registry_restored {
        like_copy(
            &point.point_dir().join(REGISTRY_COPY),
            image.registry_file(),
        );
    }

    // The server is back; only the record of it can fail now (a full disk).
    match mark_rolled_back(point) {
        Ok(()) => {
            let _ = fs::remove_file(&marker);
        }
        Err(error) => done.warnings.push(format!(
            "the server is back as before the import, but recording that in the restore point \
             failed ({}); `--list` shows the rollback to {} as not finished: run it again once \
             there is room, to record it",
            error.message(),
            manifest.name
        )),
    }
    Ok(done)
}

/// Puts back the files `point` saved and removes those and the folders its import created.
fn undo_files(install: &Path, point: &RestorePoint, done: &mut Rollback) -> Result<()> {
    let manifest = &point.manifest;
    for file in &manifest.overwritten {
        let copy = point
            .point_dir()
            .join(FILES_DIR)
            .join(relative_path(&file.path));
        put_back(&copy, &install.join(relative_path(&file.path)))?;
        done.files_restored += 1;
    }
    for relative in &manifest.created_files {
        let path = install.join(relative_path(relative));
        match fs::remove_file(&path) {
            Ok(()) => done.files_removed += 1,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("removing", &path, e)),
        }
    }
    for relative in manifest.created_dirs.iter().rev() {
        remove_created_dir(&install.join(relative_path(relative)), done);
    }
    Ok(())
}

/// The failure of a rollback that had started changing the server.
fn stopped_part_way(point: &RestorePoint, error: Error) -> Error {
    let again = "run the same `migrator rollback` again: it finishes what this one started.";
    let hint = match error.hint() {
        Some(hint) => format!("{hint} Then {again}"),
        None => format!("Fix the cause, then {again}"),
    };
    Error::new(
        error.kind(),
        format!(
            "the rollback to restore point {} stopped part-way, so the server is partly rolled \
             back: {}",
            point.name(),
            error.message()
        ),
    )
    .with_hint(hint)
    .with_source(error)
}

/// The install tree as the file system resolves it, to keep a rollback's writes and removals
/// inside it even where a folder on the way has become a link to elsewhere.
struct Inside {
    install: std::path::PathBuf,
    resolved: std::path::PathBuf,
}

impl Inside {
    fn new(install: &Path) -> Inside {
        Inside {
            install: install.to_path_buf(),
            resolved: fs::canonicalize(install).unwrap_or_else(|_| install.to_path_buf()),
        }
    }

    /// Refuses an install-relative path whose existing folders lead outside the install tree.
    fn check(&self, relative: &str) -> Result<()> {
        let path = self.install.join(relative_path(relative));
        let mut existing = path.parent();
        while let Some(dir) = existing {
            if let Ok(resolved) = fs::canonicalize(dir) {
                if resolved.starts_with(&self.resolved) {
                    return Ok(());
                }
                return Err(Error::new(
                    ErrorKind::Refused,
                    format!(
                        "the restore point's file {relative} leads outside the install tree {} \
                         (through the link {})",
                        self.install.display(),
                        dir.display()
                    ),
                )
                .with_hint("Nothing was changed. Remove the link, then roll back again."));
            }
            existing = dir.parent();
        }
        Ok(())
    }
}

/// Checks every saved copy of `point` against its SHA-256.
pub(super) fn verify_copies(point: &RestorePoint) -> Result<()> {
    let saved = point.point_dir();
    let manifest = &point.manifest;
    check_copy(&saved.join(REGISTRY_COPY), &manifest.registry)?;
    for file in &manifest.overwritten {
        check_copy(&saved.join(FILES_DIR).join(relative_path(&file.path)), file)?;
    }
    Ok(())
}

fn check_copy(copy: &Path, expected: &SavedFile) -> Result<()> {
    let problem = match fs::metadata(copy) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => "it is missing",
        _ if hash_file(copy)? != (expected.size, expected.sha256.clone()) => {
            "its SHA-256 no longer matches"
        }
        _ => return Ok(()),
    };
    Err(Error::new(
        ErrorKind::Refused,
        format!(
            "restore point copy {} of {} is damaged: {problem}",
            copy.display(),
            expected.path
        ),
    )
    .with_hint(
        "Nothing was changed. Choose another restore point with `migrator rollback --list`.",
    ))
}

fn put_back(copy: &Path, original: &Path) -> Result<()> {
    if let Some(parent) = original.parent() {
        create_dirs(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    let mut input = fs::File::open(copy).map_err(|e| Error::io("reading", copy, e))?;
    write_atomically(original, |out| io::copy(&mut input, out).map(|_| ()))?;
    like_copy(copy, original);
    Ok(())
}

/// Gives `original`, just put back, the permissions and modification time its copy kept of
/// it (a temporary file starts private and new). Best effort: the bytes are what matters.
fn like_copy(copy: &Path, original: &Path) {
    let Ok(meta) = fs::metadata(copy) else {
        return;
    };
    if let Ok(modified) = meta.modified() {
        let file = fs::File::options()
            .write(true)
            .open(original)
            .or_else(|_| fs::File::open(original));
        if let Ok(file) = file {
            let _ = file.set_modified(modified);
        }
    }
    let _ = fs::set_permissions(original, meta.permissions());
}

fn remove_created_dir(path: &Path, done: &mut Rollback) {
    match fs::remove_dir(path) {
        Ok(()) => done.dirs_removed += 1,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(_) => done.warnings.push(format!(
            "folder {} was created by the import but holds other files now; it was kept",
            path.display()
        )),
    }
}

/// Writes the registry copy of `point` beside the registry file under a temporary name, to be
/// put in place once the files are back; `None` when the registry file is already identical.
fn stage_registry(image: &ServerImage, point: &RestorePoint) -> Result<Option<StagedFile>> {
    let current = image.registry_file();
    let saved = &point.manifest.registry;
    if current.is_file() && hash_file(current)? == (saved.size, saved.sha256.clone()) {
        return Ok(None);
    }
    let copy = point.point_dir().join(REGISTRY_COPY);
    let mut input = fs::File::open(&copy).map_err(|e| Error::io("reading", &copy, e))?;
    stage_atomically(current, |out| io::copy(&mut input, out).map(|_| ())).map(Some)
}

fn mark_rolled_back(point: &RestorePoint) -> Result<()> {
    let mut manifest = point.manifest.clone();
    manifest.rolled_back =
        Some(chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false));
    let path = point.dir.join(POINT_DIR).join(MANIFEST_FILE);
    super::store_manifest(&path, &manifest)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::fixture::{self, ImageSource};
    use crate::import::{self, Mode, Nodes, Request};
    use crate::progress::NoProgress;
    use std::collections::BTreeMap;

    /// Imports the fixture's own export into it after removing a file, in Recovery mode;
    /// returns the image and its snapshot before the import.
    fn imported(dir: &Path) -> (ServerImage, BTreeMap<String, Option<Vec<u8>>>) {
        let image = fixture::write_image(dir);
        let mut source = ImageSource::export(&image, "all");
        fs::remove_file(image.install_dir().join("Server/LRA/LRAConfig.xml")).unwrap();
        let before = fixture::snapshot(dir);
        let extract = tempfile::tempdir().unwrap();
        let request = Request {
            server: dir.to_path_buf(),
            extract_to: extract.path().to_path_buf(),
            mode: Mode::Recovery,
            nodes: Nodes::All,
            restore_point: true,
            plan_only: false,
            force: false,
            dev_mode: false,
            map_server: Vec::new(),
            map_site: Vec::new(),
            new_telephony_platform: false,
            per_item_report: false,
        };
        import::run(&request, &mut source, &NoProgress).unwrap();
        (image, before)
    }

    #[test]
    fn a_restore_point_recorded_before_the_registry_was_still_rolls_back() {
        let dir = tempfile::tempdir().unwrap();
        let (image, before) = imported(dir.path());
        let point = find(&image, None).unwrap();
        // The first form of written.json: a bare list of the files, no registry.
        let record = point.point_dir().join(super::super::WRITTEN_FILE);
        let current: serde_json::Value =
            serde_json::from_slice(&fs::read(&record).unwrap()).unwrap();
        assert!(current["registry"].is_object(), "{current}");
        fs::write(&record, current["files"].to_string()).unwrap();
        let mut registry = fs::read(image.registry_file()).unwrap();
        registry.extend_from_slice(b"\r\n");
        fs::write(image.registry_file(), registry).unwrap();

        let done = rollback_image(&image, None, false).unwrap();
        assert!(done.warnings.is_empty(), "{:?}", done.warnings);
        assert_eq!(fixture::snapshot(dir.path()), before);
    }

    #[test]
    fn a_damaged_restore_point_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (image, _) = imported(dir.path());
        let point = find(&image, None).unwrap();
        let copy = point.point_dir().join(REGISTRY_COPY);
        let mut bytes = fs::read(&copy).unwrap();
        bytes[10] ^= 1;
        fs::write(&copy, bytes).unwrap();
        let after_import = fixture::snapshot(dir.path());

        let error = rollback_image(&image, None, false).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused);
        assert!(error.message().contains("damaged"), "{}", error.message());
        assert_eq!(fixture::snapshot(dir.path()), after_import);
    }

    #[test]
    fn asking_for_a_restore_point_that_is_not_there_lists_those_that_are() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        let error = rollback_image(&image, Some("20990101-000000"), false).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Usage);
        assert!(error.hint().unwrap().contains("--no-restore-point"));
    }
}
