//! Where a server's registry comes from and goes to.
//!
//! Every read and write of a server's `Interactive Intelligence` subtree goes through
//! [`RegistryBackend`]. Today there is one implementation, [`RegFileBackend`], for server
//! images (a `registry.reg` file in a folder). A live Windows registry backend and a hive-file
//! backend implement the same trait later; nothing above this module knows the difference.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::regfile;
use super::RegTree;
use crate::error::{Error, ErrorKind, Result};
use crate::layout;

/// Loads and stores the registry subtree of one server.
pub trait RegistryBackend {
    /// A short description of where the registry lives, for messages and logs.
    fn describe(&self) -> String;

    /// Reads the whole subtree as one consistent snapshot.
    fn load(&self) -> Result<RegTree>;

    /// Writes `tree` beside the stored subtree without replacing it yet: [`Staged::commit`]
    /// replaces it in one step, and dropping the [`Staged`] instead leaves the stored subtree
    /// as it was. An import writes the registry this way while its files are still copied,
    /// and commits it only once they are all in place.
    fn stage(&self, tree: &RegTree) -> Result<Staged>;

    /// Replaces the stored subtree with `tree`, atomically: after a failure the previous
    /// contents are intact.
    fn store(&self, tree: &RegTree) -> Result<()> {
        self.stage(tree)?.commit()
    }
}

/// A registry written in full but not yet in place; see [`RegistryBackend::stage`].
#[derive(Debug)]
pub struct Staged {
    file: StagedFile,
}

impl Staged {
    /// Puts the written registry in place of the stored one.
    ///
    /// # Errors
    ///
    /// `ErrorKind::Input` when the replacement fails, naming the file; the stored registry
    /// is then unchanged.
    pub fn commit(self) -> Result<()> {
        self.file.commit()
    }
}

/// A registry kept as a regedit export file, as in a server image.
#[derive(Clone, Debug)]
pub struct RegFileBackend {
    path: PathBuf,
}

impl RegFileBackend {
    /// The backend for the `.reg` file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> RegFileBackend {
        RegFileBackend { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl RegistryBackend for RegFileBackend {
    fn describe(&self) -> String {
        format!("registry file {}", self.path.display())
    }

    fn load(&self) -> Result<RegTree> {
        let bytes = fs::read(&self.path).map_err(|e| Error::io("reading", &self.path, e))?;
        let options = regfile::ReadOptions::for_file(&self.path);
        let file = regfile::parse(&bytes, &options)?;
        Ok(file.to_tree())
    }

    fn stage(&self, tree: &RegTree) -> Result<Staged> {
        // `reg export` of a server starts at the Interactive Intelligence key itself, even
        // when that key has no values of its own; name it so the file reads the same.
        let root = [layout::II_KEY, layout::II_KEY_WOW64]
            .into_iter()
            .find(|path| holds_only(tree, path));
        let file = stage_atomically(&self.path, |out| match root {
            Some(path) => regfile::write_export_at(tree, path, out),
            None => regfile::write_export(tree, out),
        })?;
        Ok(Staged { file })
    }
}

/// Whether the key at `path` exists and its ancestors hold nothing but the way to it.
fn holds_only(tree: &RegTree, path: &str) -> bool {
    let mut key = tree.root();
    for part in super::split_path(path) {
        if key.value_count() != 0 || key.subkey_count() != 1 {
            return false;
        }
        match key.subkey(part) {
            Some(child) => key = child,
            None => return false,
        }
    }
    true
}

/// Writes a file so that it appears only when complete: the content goes to a temporary file
/// in the same folder, is synced, and is renamed over `path`. On any failure the temporary file
/// is removed and `path` keeps its old content. A replaced file keeps its permissions; a new
/// one is readable by its owner only.
pub fn write_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    stage_atomically(path, fill)?.commit()
}

/// A file written and synced under a temporary name beside its destination, not yet renamed
/// into place. Dropped without [`StagedFile::commit`], the temporary file is removed.
#[derive(Debug)]
pub struct StagedFile {
    temp: tempfile::NamedTempFile,
    path: PathBuf,
}

impl StagedFile {
    /// Renames the file over its destination and syncs the folder.
    ///
    /// # Errors
    ///
    /// `ErrorKind::Input` when the rename fails, naming the destination.
    pub fn commit(self) -> Result<()> {
        let StagedFile { temp, path } = self;
        temp.persist(&path)
            .map_err(|e| Error::io("replacing", &path, e.error))?;
        sync_dir(folder_of(&path));
        Ok(())
    }
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// How the names of this tool's temporary files start and end: a file so named that is left
/// in a server image after its run ended (a killed process) is debris, safe to remove.
const TEMPORARY_AFFIXES: (&str, &str) = (".migrator-", ".tmp");

/// A new private temporary file in `dir`, named as [`is_temporary`] recognises.
///
/// # Errors
///
/// The file system's error when the file cannot be created.
pub fn temporary_in(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let (prefix, suffix) = TEMPORARY_AFFIXES;
    tempfile::Builder::new()
        .prefix(prefix)
        .suffix(suffix)
        .tempfile_in(dir)
}

/// Gives `file`, a new file about to replace `like` (or to be created there), the owner and
/// group of `like`, or of its folder when it does not exist yet: a file of the service account
/// stays the service account's when an administrator's tool replaces it. Best effort: only a
/// privileged run may give a file away, and elsewhere the file is the runner's anyway.
pub fn take_owner(file: &fs::File, like: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let owner = fs::metadata(like).or_else(|_| fs::metadata(folder_of(like)));
        if let Ok(owner) = owner {
            let _ = std::os::unix::fs::fchown(file, Some(owner.uid()), Some(owner.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (file, like);
}

/// Creates the folder `dir` and any missing parents, each owned like the nearest folder that
/// already existed (see [`take_owner`]), as `fs::create_dir_all` does otherwise.
///
/// # Errors
///
/// The file system's error when a folder cannot be created.
pub fn create_dirs(dir: &Path) -> std::io::Result<()> {
    let mut missing = Vec::new();
    let mut at = dir;
    while !at.as_os_str().is_empty() && !at.exists() {
        missing.push(at.to_path_buf());
        match at.parent() {
            Some(parent) => at = parent,
            None => break,
        }
    }
    fs::create_dir_all(dir)?;
    for created in missing.iter().rev() {
        own_like(created, at);
    }
    Ok(())
}

/// Gives `path` the owner and group of `like`. Best effort, as in [`take_owner`].
pub fn own_like(path: &Path, like: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if let Ok(owner) = fs::metadata(like) {
            let _ = std::os::unix::fs::chown(path, Some(owner.uid()), Some(owner.gid()));
        }
    }
    #[cfg(not(unix))]
    let _ = (path, like);
}

/// Whether `name` is that of a temporary file this tool writes.
pub fn is_temporary(name: &str) -> bool {
    let (prefix, suffix) = TEMPORARY_AFFIXES;
    name.len() > prefix.len() + suffix.len() && name.starts_with(prefix) && name.ends_with(suffix)
}

/// The first half of [`write_atomically`]: everything but the rename.
pub fn stage_atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<StagedFile> {
    // A link stays a link: the file it points to is the one replaced.
    let target = match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| Error::io("following the link", path, e))?
        }
        _ => path.to_path_buf(),
    };
    let dir = folder_of(&target);
    let mut temp =
        temporary_in(dir).map_err(|e| Error::io("creating a temporary file in", dir, e))?;
    {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 20, temp.as_file_mut());
        fill(&mut buffered).map_err(|e| Error::io("writing", path, e))?;
        buffered
            .flush()
            .map_err(|e| Error::io("writing", path, e))?;
    }
    if let Ok(existing) = fs::metadata(&target) {
        temp.as_file()
            .set_permissions(existing.permissions())
            .map_err(|e| Error::io("setting the permissions of", path, e))?;
    }
    take_owner(temp.as_file(), &target);
    temp.as_file()
        .sync_all()
        .map_err(|e| Error::io("syncing", path, e))?;
    Ok(StagedFile { temp, path: target })
}

/// Syncs a folder so that a rename inside it survives a crash. Best effort: not every platform
/// can open a folder for syncing.
pub fn sync_dir(dir: &Path) {
    if let Ok(handle) = fs::File::open(dir) {
        let _ = handle.sync_all();
    }
}

impl From<regfile::RegFileError> for Error {
    fn from(error: regfile::RegFileError) -> Error {
        let hint = error.hint();
        Error::new(ErrorKind::Input, error.to_string()).with_hint(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_file_reached_through_a_link_is_replaced_and_the_link_stays() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("store/registry.reg");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, b"old").unwrap();
        let link = dir.path().join("registry.reg");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomically(&link, |out| out.write_all(b"new")).unwrap();
        let meta = fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink());
        assert_eq!(fs::read(&real).unwrap(), b"new");
        // No temporary file left beside either.
        let names = |dir: &Path| fs::read_dir(dir).unwrap().count();
        assert_eq!(names(dir.path()), 2);
        assert_eq!(names(real.parent().unwrap()), 1);
    }
}
