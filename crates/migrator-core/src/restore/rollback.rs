//! Rollback: returns a server to the state a restore point saved.
//!
//! Every saved copy is checked against its SHA-256 before anything changes, so a damaged
//! restore point is refused with the server untouched. Then overwritten files are put back,
//! created files and (empty) created folders are removed, and the registry file is restored
//! byte for byte. Each write goes through a temporary file and a rename; a rollback that fails
//! part-way can simply be run again.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::import::lock::ImportLock;
use crate::registry::backend::write_atomically;
use crate::server::ServerImage;

use super::{
    copy_hashed, find, imports_dir, relative_path, survey, RestorePoint, SavedFile, FILES_DIR,
    MANIFEST_FILE, POINT_DIR, REGISTRY_COPY,
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
/// `ErrorKind::Refused` when the server is in use, a restore point is damaged or a later
/// import cannot be undone, `ErrorKind::Usage` when there is no such restore point or it was
/// rolled back already, I/O errors otherwise.
pub fn rollback_image(image: &ServerImage, name: Option<&str>, force: bool) -> Result<Rollback> {
    let _lock = ImportLock::acquire(image, "rollback")?;
    let survey = survey(image)?;
    let points = &survey.points;
    let target = match name {
        Some(_) => find(image, name)?,
        None => points
            .iter()
            .rev()
            .find(|p| p.manifest.rolled_back.is_none())
            .cloned()
            .ok_or_else(|| {
                Error::new(
                    ErrorKind::Usage,
                    format!(
                        "server image {} has no restore point left to roll back to",
                        image.dir().display()
                    ),
                )
                .with_hint("Every import there was rolled back already; see `--list`.")
            })?,
    };
    if let Some(when) = &target.manifest.rolled_back {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "restore point {} was rolled back already, on {when}",
                target.manifest.name
            ),
        )
        .with_hint("The server is as it was before that import; see `--list` for the others."));
    }
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
    if !gaps.is_empty() && !force {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "rolling back to restore point {} cannot undo every import made since: {}; the \
                 registry would return to its state before {}, but files those imports created \
                 or overwrote would stay",
                target.manifest.name,
                gaps.join(", "),
                target.manifest.name
            ),
        )
        .with_hint(format!(
            "Read those imports' reports in {}, then run again with --force to roll back \
             anyway and deal with their files by hand.",
            imports_dir(image).display()
        )));
    }
    let mut done = Rollback {
        point: target.manifest.name.clone(),
        warnings: gaps
            .iter()
            .map(|gap| format!("--force given: {gap}; its files were left as they are"))
            .collect(),
        ..Rollback::default()
    };
    let newer_first = points
        .iter()
        .rev()
        .filter(|p| p.manifest.rolled_back.is_none() && p.manifest.name >= target.manifest.name);
    for point in newer_first {
        let step = rollback(image, point)?;
        done.registry_restored |= step.registry_restored;
        done.files_restored += step.files_restored;
        done.files_removed += step.files_removed;
        done.dirs_removed += step.dirs_removed;
        done.warnings.extend(step.warnings);
    }
    Ok(done)
}

/// Rolls `image` back to `point`. The caller holds the import lock.
///
/// # Errors
///
/// As [`rollback_image`].
pub fn rollback(image: &ServerImage, point: &RestorePoint) -> Result<Rollback> {
    let saved = point.point_dir();
    verify_copies(point, &saved)?;
    let install = image.install_dir();
    let manifest = &point.manifest;
    let mut done = Rollback {
        point: manifest.name.clone(),
        ..Rollback::default()
    };
    for file in &manifest.overwritten {
        let copy = saved.join(FILES_DIR).join(relative_path(&file.path));
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
        remove_created_dir(&install.join(relative_path(relative)), &mut done);
    }
    done.registry_restored =
        restore_registry(image, &saved.join(REGISTRY_COPY), &manifest.registry)?;
    mark_rolled_back(point)?;
    Ok(done)
}

fn verify_copies(point: &RestorePoint, saved: &Path) -> Result<()> {
    let manifest = &point.manifest;
    check_copy(&saved.join(REGISTRY_COPY), &manifest.registry)?;
    for file in &manifest.overwritten {
        check_copy(&saved.join(FILES_DIR).join(relative_path(&file.path)), file)?;
    }
    Ok(())
}

fn check_copy(copy: &Path, expected: &SavedFile) -> Result<()> {
    let actual = hash_file(copy)?;
    if actual != (expected.size, expected.sha256.clone()) {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "restore point copy {} of {} is damaged (its SHA-256 no longer matches)",
                copy.display(),
                expected.path
            ),
        )
        .with_hint("Nothing was changed. Choose another restore point with `--list`."));
    }
    Ok(())
}

fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    copy_hashed(&mut file, &mut io::sink()).map_err(|e| Error::io("reading", path, e))
}

fn put_back(copy: &Path, original: &Path) -> Result<()> {
    if let Some(parent) = original.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    let permissions = fs::metadata(copy).map(|meta| meta.permissions());
    let mut input = fs::File::open(copy).map_err(|e| Error::io("reading", copy, e))?;
    write_atomically(original, |out| io::copy(&mut input, out).map(|_| ()))?;
    // The copy kept the original's permissions; a temporary file starts private.
    if let Ok(permissions) = permissions {
        let _ = fs::set_permissions(original, permissions);
    }
    Ok(())
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

/// Puts the registry file back unless it is already identical; returns whether it wrote.
fn restore_registry(image: &ServerImage, copy: &Path, saved: &SavedFile) -> Result<bool> {
    let current = image.registry_file();
    if current.is_file() && hash_file(current)? == (saved.size, saved.sha256.clone()) {
        return Ok(false);
    }
    put_back(copy, current)?;
    Ok(true)
}

fn mark_rolled_back(point: &RestorePoint) -> Result<()> {
    let mut manifest = point.manifest.clone();
    manifest.rolled_back = Some(chrono::Local::now().to_rfc3339());
    let path = point.dir.join(POINT_DIR).join(MANIFEST_FILE);
    write_atomically(&path, |out| {
        serde_json::to_writer_pretty(out, &manifest).map_err(io::Error::from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::fixture::{self, ImageSource};
    use crate::import::{self, Mode, Nodes, Request};
    use crate::progress::NoProgress;

    #[test]
    fn a_damaged_restore_point_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        let mut source = ImageSource::export(&image, "all");
        fs::remove_file(image.install_dir().join("Server/LRA/LRAConfig.xml")).unwrap();
        let extract = tempfile::tempdir().unwrap();
        let request = Request {
            server: dir.path().to_path_buf(),
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
