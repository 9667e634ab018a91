//! Restore points: what an import saves before its first write, so that the server can be
//! returned exactly to its state before the import.
//!
//! Every import run has a folder `Migrator/Imports/<time stamp>` in the server's install tree,
//! holding its report. Unless the user declines, it also holds `restore-point/`: a byte copy of
//! `registry.reg`, a copy of every file the import will overwrite, and `restore-point.json`
//! listing those copies with their SHA-256, every key, value, file and folder the import
//! will create, and every key and value it will delete. The JSON is written last, so a
//! restore point without it is incomplete and is never used. Beside it, `written.json` records
//! what the import left (see [`WRITTEN_FILE`]), so that a rollback can tell what someone changed
//! since. [`rollback`](rollback::rollback) puts the copies back and removes what was created;
//! while it runs, [`ROLLBACK_MARKER`] says it started.

mod rollback;
mod values;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, ErrorKind, Result};
use crate::import::plan::{ActionKind, Item, Plan};
use crate::registry::backend::{create_dirs, own_like, write_atomically};
use crate::server::ServerImage;

pub use rollback::{rollback, rollback_image, Rollback};

/// The folder of import runs inside the Migrator folder.
pub const IMPORTS_DIR: &str = "Imports";
/// The restore point's folder inside a run folder.
pub const POINT_DIR: &str = "restore-point";
/// The restore point's manifest.
pub const MANIFEST_FILE: &str = "restore-point.json";
/// The copy of the registry file.
pub const REGISTRY_COPY: &str = "registry.reg";
/// The copies of overwritten files, under their install-relative paths.
pub const FILES_DIR: &str = "files";
/// The record of what the import left: written with the restore point as "not finished yet",
/// then, once the import succeeded, with the size and time of every file it wrote and the size,
/// time and SHA-256 of `registry.reg`, so that a rollback can tell what someone changed since.
pub const WRITTEN_FILE: &str = "written.json";
/// The file that marks a restore point whose rollback started and did not finish, written
/// before the rollback's first change and removed once it is done.
pub const ROLLBACK_MARKER: &str = "rollback-started.txt";
/// The file that marks a run folder of an import that changed the server without a restore
/// point (`--no-restore-point`), written before its first change.
pub const NO_POINT_MARKER: &str = "no-restore-point.txt";

/// A saved copy of a file, with what it must hash to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// Install-relative path (`\`-separated) of the original; `registry.reg` for the registry.
    pub path: String,
    /// Its size in bytes.
    pub size: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
}

/// A registry value the import creates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedValue {
    /// The key's absolute path (shared with the plan's actions on the key).
    pub key: Arc<str>,
    /// The value's name.
    pub name: String,
}

/// What a restore point holds, as `restore-point.json` records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// The run's name (its time stamp).
    pub name: String,
    /// When the restore point was taken (RFC 3339).
    pub created: String,
    /// The archive imported.
    pub archive: String,
    /// The registry file as it was.
    pub registry: SavedFile,
    /// Files the import overwrites, as they were.
    pub overwritten: Vec<SavedFile>,
    /// Files the import creates (install-relative).
    pub created_files: Vec<String>,
    /// Folders the import creates (install-relative), parents first.
    pub created_dirs: Vec<String>,
    /// Registry keys the import creates (absolute).
    pub created_keys: Vec<String>,
    /// Registry values the import creates.
    #[serde(with = "values")]
    pub created_values: Vec<CreatedValue>,
    /// Registry keys (absolute, each with its subtree) the import deletes; the registry copy
    /// holds their data.
    #[serde(default)]
    pub deleted_keys: Vec<String>,
    /// Registry values the import deletes; the registry copy holds their data.
    #[serde(default, with = "values")]
    pub deleted_values: Vec<CreatedValue>,
    /// When the server was last rolled back to this point (RFC 3339), if ever.
    pub rolled_back: Option<String>,
}

/// A complete restore point on a server.
#[derive(Clone, Debug)]
pub struct RestorePoint {
    /// Its run folder.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
    /// What its import left, when recorded (see [`WRITTEN_FILE`]).
    written: Option<Written>,
}

impl RestorePoint {
    /// The run's name (time stamp), which `migrator rollback` takes.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// When a rollback to this point started without finishing (the server is then partly
    /// rolled back, and running the rollback again finishes it); `None` otherwise.
    pub fn rollback_unfinished(&self) -> Option<String> {
        if self.manifest.rolled_back.is_some() {
            return None;
        }
        let text = fs::read_to_string(self.point_dir().join(ROLLBACK_MARKER)).ok()?;
        Some(text.trim().to_string())
    }

    fn point_dir(&self) -> PathBuf {
        self.dir.join(POINT_DIR)
    }
}

/// Refuses to change `image` while a rollback of it stopped part-way: the server is partly
/// rolled back, and an import or other change made now would mix with what the rollback has
/// still to put back. Only the markers are looked at, not the restore points' lists.
///
/// # Errors
///
/// `ErrorKind::Refused`, naming the point and the rollback to run.
pub fn check_no_unfinished_rollback(image: &ServerImage) -> Result<()> {
    let Ok(entries) = fs::read_dir(imports_dir(image)) else {
        return Ok(());
    };
    let unfinished = entries
        .flatten()
        .filter(|entry| entry.path().join(POINT_DIR).join(ROLLBACK_MARKER).is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .max();
    let Some(point) = unfinished else {
        return Ok(());
    };
    Err(Error::new(
        ErrorKind::Refused,
        format!(
            "server image {} is partly rolled back: the rollback to restore point {point} \
             started and did not finish",
            image.dir().display()
        ),
    )
    .with_hint(format!(
        "Nothing was changed. Finish that rollback first: `migrator rollback --server {} \
         {point}`, then run this again.",
        image.dir().display()
    )))
}

/// The folder holding the runs of `image`.
pub fn imports_dir(image: &ServerImage) -> PathBuf {
    image.migrator_dir().join(IMPORTS_DIR)
}

/// Creates the folder of a new import run, named after the local time.
///
/// # Errors
///
/// `ErrorKind::Input` when the folder cannot be created.
pub fn new_run_folder(image: &ServerImage) -> Result<PathBuf> {
    let parent = imports_dir(image);
    create_dirs(&parent).map_err(|e| Error::io("creating", &parent, e))?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    for attempt in 1.. {
        let name = match attempt {
            1 => stamp.clone(),
            n => format!("{stamp}-{n}"),
        };
        let dir = parent.join(&name);
        match fs::create_dir(&dir).map(|()| own_like(&dir, &parent)) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("creating", &dir, e)),
        }
    }
    unreachable!("the attempts never end")
}

/// Takes a restore point in the run folder `run_dir` for `plan`: copies the registry file and
/// every file the plan overwrites, then records what the plan creates. On failure the partial
/// restore point is removed and the server is untouched.
///
/// # Errors
///
/// `ErrorKind::Input` for a write failure (a full disk), naming the file.
pub fn create(
    image: &ServerImage,
    run_dir: &Path,
    plan: &Plan,
    archive: &str,
) -> Result<RestorePoint> {
    let point = run_dir.join(POINT_DIR);
    let taken = take(image, &point, run_dir, plan, archive);
    if taken.is_err() {
        let _ = fs::remove_dir_all(&point);
    }
    taken
}

fn take(
    image: &ServerImage,
    point: &Path,
    run_dir: &Path,
    plan: &Plan,
    archive: &str,
) -> Result<RestorePoint> {
    create_dirs(point).map_err(|e| Error::io("creating", point, e))?;
    let registry = save(
        image.registry_file(),
        &point.join(REGISTRY_COPY),
        REGISTRY_COPY,
    )?;
    let install = image.install_dir();
    let mut manifest = Manifest {
        name: file_name(run_dir),
        created: chrono::Local::now().to_rfc3339(),
        archive: archive.to_string(),
        registry,
        overwritten: Vec::new(),
        created_files: Vec::new(),
        created_dirs: Vec::new(),
        created_keys: Vec::new(),
        created_values: Vec::new(),
        deleted_keys: Vec::new(),
        deleted_values: Vec::new(),
        rolled_back: None,
    };
    for action in &plan.actions {
        record(&mut manifest, action, &install, point)?;
    }
    // Before the manifest, so that a complete restore point always has this record: one
    // without it was altered, and a rollback could not tell the changes it would lose.
    let written = Written::default();
    store_written(&point.join(WRITTEN_FILE), &written)?;
    store_manifest(&point.join(MANIFEST_FILE), &manifest)?;
    Ok(RestorePoint {
        dir: run_dir.to_path_buf(),
        manifest,
        written: Some(written),
    })
}

/// Writes `restore-point.json`. Compact: for an import into an empty server it lists hundreds
/// of thousands of created values, and indenting them would double its size.
pub(crate) fn store_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    write_atomically(path, |out| {
        serde_json::to_writer(out, manifest).map_err(io::Error::from)
    })
}

fn record(
    manifest: &mut Manifest,
    action: &crate::import::plan::Action,
    install: &Path,
    point: &Path,
) -> Result<()> {
    match (action.kind, &action.item) {
        (ActionKind::CreateKey | ActionKind::Rename, Item::Key(path)) => {
            manifest.created_keys.push(path.to_string())
        }
        (ActionKind::SetValue | ActionKind::Merge, Item::Value { key, name })
            if action.old_shown().is_none() =>
        {
            manifest.created_values.push(CreatedValue {
                key: Arc::clone(key),
                name: name.to_string(),
            })
        }
        (ActionKind::DeleteKey, Item::Key(path)) => manifest.deleted_keys.push(path.to_string()),
        (ActionKind::DeleteValue, Item::Value { key, name }) => {
            manifest.deleted_values.push(CreatedValue {
                key: Arc::clone(key),
                name: name.to_string(),
            })
        }
        (ActionKind::CopyFile, Item::File(relative)) => {
            note_created_dirs(manifest, install, relative);
            manifest.created_files.push(relative.clone());
        }
        (ActionKind::OverwriteFile, Item::File(relative)) => {
            let original = install.join(relative_path(relative));
            let copy = point.join(FILES_DIR).join(relative_path(relative));
            let saved = save(&original, &copy, relative)?;
            manifest.overwritten.push(saved);
        }
        _ => {}
    }
    Ok(())
}

/// Notes every missing folder on the way to `relative`, parents first.
fn note_created_dirs(manifest: &mut Manifest, install: &Path, relative: &str) {
    let parts: Vec<&str> = relative.split('\\').collect();
    let mut path = install.to_path_buf();
    for depth in 1..parts.len() {
        path.push(parts[depth - 1]);
        let folder = parts[..depth].join("\\");
        if !path.exists() && !manifest.created_dirs.contains(&folder) {
            manifest.created_dirs.push(folder);
        }
    }
}

/// Copies `from` to `to` (creating folders), returning its size and hash.
fn save(from: &Path, to: &Path, label: &str) -> Result<SavedFile> {
    if let Some(parent) = to.parent() {
        create_dirs(parent).map_err(|e| Error::io("creating", parent, e))?;
    }
    let mut input = fs::File::open(from).map_err(|e| Error::io("reading", from, e))?;
    let mut output = fs::File::create(to).map_err(|e| Error::io("writing", to, e))?;
    if let Some(parent) = to.parent() {
        own_like(to, parent);
    }
    let (size, sha256) =
        copy_hashed(&mut input, &mut output).map_err(|e| Error::io("copying to", to, e))?;
    // The copy keeps the original's time too, which a rollback gives back with its bytes: an
    // older import's record of the file then still matches once a newer one is rolled back.
    if let Ok(modified) = input.metadata().and_then(|meta| meta.modified()) {
        let _ = output.set_modified(modified);
    }
    output.sync_all().map_err(|e| Error::io("syncing", to, e))?;
    if let Ok(meta) = input.metadata() {
        let _ = output.set_permissions(meta.permissions());
    }
    Ok(SavedFile {
        path: label.to_string(),
        size,
        sha256,
    })
}

/// Copies `input` to `output` in blocks, hashing what passes.
pub(crate) fn copy_hashed(
    input: &mut impl Read,
    output: &mut impl Write,
) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let size = copy_seeing(input, output, |bytes| hasher.update(bytes))?;
    Ok((size, hex(&hasher.finalize())))
}

/// Copies `input` to `output` in blocks, showing each block to `see` first; the byte count.
fn copy_seeing(
    input: &mut impl Read,
    output: &mut impl Write,
    mut see: impl FnMut(&[u8]),
) -> io::Result<u64> {
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = match input.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        see(&buffer[..n]);
        output.write_all(&buffer[..n])?;
        size += n as u64;
    }
    Ok(size)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An install-relative `\`-separated path as a relative filesystem path.
pub(crate) fn relative_path(relative: &str) -> PathBuf {
    relative.split(['\\', '/']).collect()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A run folder whose restore point cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DamagedPoint {
    /// The run's name (its folder's name).
    pub name: String,
    /// The manifest that could not be read.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

/// What the runs folder of a server holds.
#[derive(Clone, Debug, Default)]
pub struct Survey {
    /// Every complete restore point, oldest first.
    pub points: Vec<RestorePoint>,
    /// Restore points whose manifest is damaged, by name.
    pub damaged: Vec<DamagedPoint>,
    /// Imports that changed the server without a restore point, by run name, oldest first.
    pub unprotected: Vec<String>,
}

/// Every complete restore point of `image`, oldest first; damaged ones are left out (see
/// [`survey`]).
///
/// # Errors
///
/// `ErrorKind::Input` when the runs folder cannot be read.
pub fn list(image: &ServerImage) -> Result<Vec<RestorePoint>> {
    Ok(survey(image)?.points)
}

/// The restore points of `image`, those that are damaged, and the imports that took none.
///
/// # Errors
///
/// `ErrorKind::Input` when the runs folder cannot be read.
pub fn survey(image: &ServerImage) -> Result<Survey> {
    let parent = imports_dir(image);
    let entries = match fs::read_dir(&parent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Survey::default()),
        Err(e) => return Err(Error::io("reading", &parent, e)),
    };
    let mut survey = Survey::default();
    for entry in entries {
        let dir = entry.map_err(|e| Error::io("reading", &parent, e))?.path();
        let manifest = dir.join(POINT_DIR).join(MANIFEST_FILE);
        if manifest.is_file() {
            match load(&dir) {
                Ok(point) => survey.points.push(point),
                Err(error) => survey.damaged.push(DamagedPoint {
                    name: file_name(&dir),
                    path: manifest,
                    problem: error.message().to_string(),
                }),
            }
        } else if dir.join(POINT_DIR).is_dir() {
            // Taking it was cut short (its manifest comes last), or the manifest was removed.
            survey.damaged.push(DamagedPoint {
                name: file_name(&dir),
                problem: format!(
                    "restore point {} is incomplete: it has no {MANIFEST_FILE}",
                    dir.join(POINT_DIR).display()
                ),
                path: manifest,
            });
        } else if dir.join(NO_POINT_MARKER).is_file() {
            survey.unprotected.push(file_name(&dir));
        }
    }
    // Oldest first by the time each was taken; names alone can tie within one second.
    survey.points.sort_by_key(|p| {
        let taken = chrono::DateTime::parse_from_rfc3339(&p.manifest.created).ok();
        (taken, p.manifest.name.clone())
    });
    survey.damaged.sort_by(|a, b| a.name.cmp(&b.name));
    survey.unprotected.sort();
    Ok(survey)
}

/// As [`survey`], and every saved copy of each restore point is checked against its SHA-256
/// too: a point with a damaged copy is listed as damaged.
///
/// # Errors
///
/// `ErrorKind::Input` when the runs folder cannot be read.
pub fn survey_checked(image: &ServerImage) -> Result<Survey> {
    let mut survey = survey(image)?;
    let mut sound = Vec::with_capacity(survey.points.len());
    for point in survey.points {
        match rollback::verify_copies(&point) {
            Ok(()) => sound.push(point),
            Err(error) => survey.damaged.push(DamagedPoint {
                name: point.manifest.name.clone(),
                path: point.point_dir().join(MANIFEST_FILE),
                problem: error.message().to_string(),
            }),
        }
    }
    survey.points = sound;
    survey.damaged.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(survey)
}

/// Marks the run folder `run_dir` as that of an import changing the server without a restore
/// point, so that a later rollback to an earlier point knows it cannot undo that import.
///
/// # Errors
///
/// `ErrorKind::Input` when the file cannot be written.
pub fn mark_unprotected(run_dir: &Path, archive: &str) -> Result<()> {
    let text = format!(
        "This import of {archive} changed the server without a restore point: it cannot be \
         rolled back.\n"
    );
    write_atomically(&run_dir.join(NO_POINT_MARKER), |out| {
        out.write_all(text.as_bytes())
    })
}

/// The restore point named `name`, or the newest when `name` is `None`.
///
/// # Errors
///
/// `ErrorKind::Usage` when there is none or no such name, listing what there is.
pub fn find(image: &ServerImage, name: Option<&str>) -> Result<RestorePoint> {
    let survey = survey(image)?;
    if let Some(damaged) = survey
        .damaged
        .iter()
        .find(|d| Some(d.name.as_str()) == name)
    {
        return Err(Error::new(ErrorKind::Refused, damaged.problem.clone()).with_hint(
            "Nothing was changed. Choose another restore point with `migrator rollback --list`.",
        ));
    }
    if let Some(run) = survey
        .unprotected
        .iter()
        .find(|run| Some(run.as_str()) == name)
    {
        return Err(Error::new(
            ErrorKind::Usage,
            format!(
                "import {run} took no restore point (--no-restore-point): it cannot be rolled back"
            ),
        )
        .with_hint("Roll back to an earlier restore point with --force, or undo it by hand."));
    }
    let mut points = survey.points;
    // The hint offers only the points that can still be used.
    let names: Vec<String> = points
        .iter()
        .filter(|p| p.manifest.rolled_back.is_none())
        .map(|p| p.manifest.name.clone())
        .collect();
    let found = match name {
        None => points.pop(),
        Some(name) => points.into_iter().find(|p| p.manifest.name == name),
    };
    found.ok_or_else(|| {
        let message = match name {
            Some(name) => format!(
                "server image {} has no restore point {name}",
                image.dir().display()
            ),
            None => format!(
                "server image {} has no restore point",
                image.dir().display()
            ),
        };
        let hint = match names.is_empty() {
            true => "None is left to use there; an import takes one unless \
                     --no-restore-point is given."
                .to_string(),
            false => format!(
                "Restore points there not rolled back yet: {}.",
                names.join(", ")
            ),
        };
        Error::new(ErrorKind::Usage, message).with_hint(hint)
    })
}

fn load(dir: &Path) -> Result<RestorePoint> {
    let path = dir.join(POINT_DIR).join(MANIFEST_FILE);
    let text = fs::read(&path).map_err(|e| Error::io("reading", &path, e))?;
    let damaged = |what: String| {
        Error::new(
            ErrorKind::Refused,
            format!("restore point {} is damaged: {what}", path.display()),
        )
        .with_hint(
            "Nothing was changed. Choose another restore point with `migrator rollback --list`.",
        )
    };
    let manifest: Manifest = serde_json::from_slice(&text).map_err(|e| damaged(e.to_string()))?;
    if let Some(escaping) = escaping_path(&manifest) {
        return Err(damaged(format!(
            "it names {escaping:?}, which is not a path inside the install tree"
        )));
    }
    let mut point = RestorePoint {
        dir: dir.to_path_buf(),
        manifest,
        written: None,
    };
    point.written = load_written(&point).map_err(damaged)?;
    Ok(point)
}

/// The record of what the import of `point` left. A point that was not rolled back and whose
/// import wrote files must have one, or the files changed since could not be told apart: the
/// message says what is wrong with it.
fn load_written(point: &RestorePoint) -> std::result::Result<Option<Written>, String> {
    let path = point.point_dir().join(WRITTEN_FILE);
    let needed = point.manifest.rolled_back.is_none() && written_paths(point).next().is_some();
    let text = match fs::read(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !needed => return Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(format!(
                "{WRITTEN_FILE} beside it, the record of the files its import wrote, is missing, \
                 so the files someone changed since could not be told apart"
            ))
        }
        Err(e) => return Err(format!("{WRITTEN_FILE} beside it cannot be read ({e})")),
    };
    match serde_json::from_slice::<StoredWritten>(&text) {
        Ok(StoredWritten::Current(written)) => Ok(Some(written)),
        Ok(StoredWritten::FilesOnly(files)) => Ok(Some(Written {
            finished: true,
            files,
            registry: None,
        })),
        Err(_) if !needed => Ok(None),
        Err(e) => Err(format!("{WRITTEN_FILE} beside it cannot be read ({e})")),
    }
}

/// The first file or folder path of `manifest` that would not stay inside the install tree:
/// every one must be relative, made of plain names only (no `..`, `.`, drive or root).
fn escaping_path(manifest: &Manifest) -> Option<&str> {
    let stays_inside = |relative: &str| {
        relative
            .split(['\\', '/'])
            .all(|part| !part.is_empty() && part != "." && part != ".." && !part.contains(':'))
    };
    manifest
        .overwritten
        .iter()
        .map(|file| file.path.as_str())
        .chain(manifest.created_files.iter().map(String::as_str))
        .chain(manifest.created_dirs.iter().map(String::as_str))
        .find(|path| !stays_inside(path))
}

/// What an import left, as `written.json` records it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Written {
    /// Whether the import finished and recorded what follows; until then nothing is known.
    finished: bool,
    /// Every file it wrote.
    #[serde(default)]
    files: Vec<WrittenFile>,
    /// The registry file.
    #[serde(default)]
    registry: Option<WrittenRegistry>,
}

/// `written.json` in either of its forms.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredWritten {
    /// The form of [`Written`].
    Current(Written),
    /// The first form, written only once an import succeeded: its files, no registry.
    FilesOnly(Vec<WrittenFile>),
}

/// A file as the import left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct WrittenFile {
    /// Install-relative path.
    path: String,
    /// Size in bytes.
    size: u64,
    /// Last modification, in seconds and nanoseconds since 1970.
    modified: (u64, u32),
    /// CRC-32 of the content written, when the writer computed it: a file copied or touched
    /// since, with the same content, is then still as the import left it. (A checksum, not a
    /// digest: it tells an edit from a copy, cheaply enough to compute on every file copied.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    crc32: Option<u32>,
}

/// The registry file as the import left it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct WrittenRegistry {
    /// Size in bytes.
    size: u64,
    /// Last modification, in seconds and nanoseconds since 1970.
    modified: (u64, u32),
    /// SHA-256, lower-case hex.
    sha256: String,
}

fn store_written(path: &Path, written: &Written) -> Result<()> {
    write_atomically(path, |out| {
        serde_json::to_writer(out, written).map_err(io::Error::from)
    })
}

/// The size and time of `relative` now, if it exists.
fn stamp(install: &Path, relative: &str) -> Option<WrittenFile> {
    let (size, modified) = size_and_time(&install.join(relative_path(relative)))?;
    Some(WrittenFile {
        path: relative.to_string(),
        size,
        modified,
        crc32: None,
    })
}

impl WrittenFile {
    /// Whether the file holds nothing a rollback would lose: it is gone, or as recorded (the
    /// same content where a checksum was recorded, whatever its time says; else the same size
    /// and time).
    fn unchanged(&self, install: &Path) -> bool {
        let path = install.join(relative_path(&self.path));
        let Some((size, modified)) = size_and_time(&path) else {
            return true;
        };
        match self.crc32 {
            Some(crc32) => size == self.size && crc32_of(&path).is_ok_and(|now| now == crc32),
            None => (size, modified) == (self.size, self.modified),
        }
    }
}

/// The size and last modification (seconds and nanoseconds since 1970) of `path`, if it
/// exists.
fn size_and_time(path: &Path) -> Option<(u64, (u64, u32))> {
    let meta = fs::metadata(path).ok()?;
    let since = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    Some((meta.len(), (since.as_secs(), since.subsec_nanos())))
}

/// Every file the import of `point` created or overwrote.
fn written_paths(point: &RestorePoint) -> impl Iterator<Item = &str> {
    let manifest = &point.manifest;
    manifest
        .overwritten
        .iter()
        .map(|file| file.path.as_str())
        .chain(manifest.created_files.iter().map(String::as_str))
}

/// Records, once the import of `point` has succeeded, the size and time of every file it
/// wrote (with the CRC-32 its writer computed, from `checksums`, keyed by the file's path) and
/// the size, time and SHA-256 of the registry file, so that a rollback can tell what someone
/// changed since.
///
/// # Errors
///
/// `ErrorKind::Input` when the registry file cannot be read or the record cannot be written
/// (the import itself stands).
pub fn record_written(
    image: &ServerImage,
    point: &RestorePoint,
    checksums: &std::collections::HashMap<PathBuf, u32>,
) -> Result<()> {
    let install = image.install_dir();
    let files: Vec<WrittenFile> = written_paths(point)
        .filter_map(|relative| {
            let mut file = stamp(&install, relative)?;
            file.crc32 = checksums
                .get(&install.join(relative_path(relative)))
                .copied();
            Some(file)
        })
        .collect();
    let registry = image.registry_file();
    let (size, sha256) = hash_file(registry)?;
    let modified = size_and_time(registry).map_or((0, 0), |(_, modified)| modified);
    let written = Written {
        finished: true,
        files,
        registry: Some(WrittenRegistry {
            size,
            modified,
            sha256,
        }),
    };
    store_written(&point.point_dir().join(WRITTEN_FILE), &written)
}

/// Copies `input` to `output`, returning the byte count and the CRC-32 of what was copied.
///
/// # Errors
///
/// The first read or write error.
pub(crate) fn copy_checksummed(
    input: &mut impl Read,
    output: &mut impl Write,
) -> io::Result<(u64, u32)> {
    let mut crc = crc32fast::Hasher::new();
    let size = copy_seeing(input, output, |bytes| crc.update(bytes))?;
    Ok((size, crc.finalize()))
}

/// The CRC-32 of the file at `path`.
fn crc32_of(path: &Path) -> io::Result<u32> {
    let mut file = fs::File::open(path)?;
    copy_checksummed(&mut file, &mut io::sink()).map(|(_, crc)| crc)
}

/// The size and SHA-256 of the file at `path`.
pub(crate) fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    copy_hashed(&mut file, &mut io::sink()).map_err(|e| Error::io("reading", path, e))
}

/// Whether the file at `path` holds exactly `size` bytes hashing to `sha256`.
fn holds(path: &Path, size: u64, sha256: &str) -> bool {
    fs::metadata(path).is_ok_and(|meta| meta.len() == size)
        && hash_file(path).is_ok_and(|(_, actual)| actual == sha256)
}

/// The files the import of `point` wrote that are different now (install-relative), leaving
/// out those in `skip`; `None` when the import did not record them (it failed or was cut
/// short). A file counts as unchanged when it is as the import left it, or already as the
/// restore point holds it (put back or removed by a rollback that stopped part-way).
pub(crate) fn changed_since(
    image: &ServerImage,
    point: &RestorePoint,
    skip: &std::collections::HashSet<String>,
) -> Option<Vec<String>> {
    let written = point.written.as_ref().filter(|w| w.finished)?;
    let install = image.install_dir();
    let saved: std::collections::HashMap<&str, &SavedFile> = point
        .manifest
        .overwritten
        .iter()
        .map(|file| (file.path.as_str(), file))
        .collect();
    let put_back = |relative: &str| {
        saved.get(relative).is_some_and(|copy| {
            holds(
                &install.join(relative_path(relative)),
                copy.size,
                &copy.sha256,
            )
        })
    };
    let changed = written
        .files
        .iter()
        .filter(|file| !skip.contains(&file.path))
        .filter(|file| !file.unchanged(&install))
        .filter(|file| !put_back(&file.path))
        .map(|file| file.path.clone())
        .collect();
    Some(changed)
}

/// Whether the registry file is different now from what the import of `point` left; `None`
/// when the import did not record it (a restore point taken before such records, or an
/// import that failed or was cut short). It counts as unchanged when it is as the import left
/// it, or already as the restore point holds it.
pub(crate) fn registry_changed(image: &ServerImage, point: &RestorePoint) -> Option<bool> {
    let written = point.written.as_ref().filter(|w| w.finished)?;
    let recorded = written.registry.as_ref()?;
    let path = image.registry_file();
    if !path.exists() {
        // Nothing there to lose: the rollback writes it anew.
        return Some(false);
    }
    // Compared by content even when size and time match: an edit may keep both.
    let copy = &point.manifest.registry;
    Some(!holds(path, recorded.size, &recorded.sha256) && !holds(path, copy.size, &copy.sha256))
}
