//! Extracting one component into a folder, for the import.
//!
//! The component is first decrypted and checked against its SHA-256 (into an unnamed
//! temporary file in the destination), unless [`Archive::verify_keeping`] kept a checked
//! copy; then every entry name is checked; only when all are safe is anything written: first
//! every folder, then the files, on every core. Files are created new, never over an existing
//! file, and never through a symbolic link. If extraction fails part-way, the files and
//! folders it created are removed again.

use std::collections::HashSet;
use std::fs::{self, File, OpenOptions};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use super::names::REGISTRY_ENTRY;
use super::parallel::{self, Inner};
use super::reader::{read_problem, Archive, Fault, InnerEntry};
use super::stream::{self, CopyControl, CopyError};
use super::verify::Verified;
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// A file extracted from a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractedFile {
    /// Its install-relative path in the archive, with forward slashes.
    pub archive_path: String,
    /// Where it was written.
    pub path: PathBuf,
}

/// What [`Archive::extract_component`] produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExtractedComponent {
    /// The component's name as the manifest gives it.
    pub name: String,
    /// Its registry data (a `.reg` file), when it has any; never written to disk.
    pub registry: Option<Vec<u8>>,
    /// Its files, in archive order.
    pub files: Vec<ExtractedFile>,
}

impl Archive {
    /// Extracts the component `name` (matched case-insensitively) into the existing folder
    /// `dest_dir`, files under their install-relative paths.
    ///
    /// # Errors
    ///
    /// `Input` when the archive has no such component, `dest_dir` is not a folder, a file
    /// exists already or the disk is full; `DamagedArchive` when the component fails its
    /// checks; `Refused` when an entry would land outside `dest_dir` (then nothing is written).
    pub fn extract_component(
        &self,
        name: &str,
        dest_dir: &Path,
        progress: &dyn Progress,
    ) -> Result<ExtractedComponent> {
        self.extract_verified(name, dest_dir, &mut Verified::default(), progress)
    }

    /// [`Archive::extract_component`] from the decrypted copy of the component that
    /// [`Archive::verify_keeping`] kept in `verified`, when it kept one: the archive is then not
    /// read again. The copy is let go.
    ///
    /// # Errors
    ///
    /// As [`Archive::extract_component`].
    pub fn extract_verified(
        &self,
        name: &str,
        dest_dir: &Path,
        verified: &mut Verified,
        progress: &dyn Progress,
    ) -> Result<ExtractedComponent> {
        let record = self.manifest().component(name).ok_or_else(|| {
            Error::new(
                ErrorKind::Input,
                format!("{} has no component {name}", self.path().display()),
            )
            .with_hint("Run migrator inspect on the archive to see its components.")
        })?;
        if !dest_dir.is_dir() {
            return Err(Error::new(
                ErrorKind::Input,
                format!("{} is not a folder", dest_dir.display()),
            )
            .with_hint("Create the folder first."));
        }
        let kept = verified.take(&record.entry);
        // A component verification kept is not read from the archive again.
        let spooled = if kept.is_some() { 0 } else { record.size };
        progress.start_phase(
            &format!("extracting {}", record.name),
            record.files,
            spooled + record.bytes,
        );
        let result = self.extract_checked(record, dest_dir, kept, progress);
        progress.end_phase();
        result.map_err(|fault| self.fault_error(&record.name, fault))
    }

    fn extract_checked(
        &self,
        record: &super::ComponentRecord,
        dest_dir: &Path,
        kept: Option<File>,
        progress: &dyn Progress,
    ) -> Result<ExtractedComponent, Fault> {
        let control = CopyControl {
            progress,
            abort: None,
            report_bytes: true,
        };
        let spooled = match kept {
            Some(file) => file,
            None => self.spool(&mut self.outer()?, record, dest_dir, control)?,
        };
        let (inner, entries) = self.open_inner(spooled, record)?;
        let mut writer = Extraction::new(dest_dir);
        match writer.write_all(&inner, &entries, control) {
            Ok((registry, files)) => Ok(ExtractedComponent {
                name: record.name.clone(),
                registry,
                files,
            }),
            Err(fault) => {
                writer.undo();
                Err(fault)
            }
        }
    }

    fn fault_error(&self, component: &str, fault: Fault) -> Error {
        let archive = self.path().display();
        match fault {
            Fault::Damaged(problem) => Error::new(
                ErrorKind::DamagedArchive,
                format!("component {component} of {archive} is damaged: {problem}"),
            )
            .with_hint("If the file was copied, copy it again in full; otherwise export again."),
            Fault::Refused(problem) => Error::new(
                ErrorKind::Refused,
                format!("component {component} of {archive} was not extracted: {problem}"),
            )
            .with_hint(
                "Nothing was written. Do not use this archive; export again from the server.",
            ),
            Fault::Fatal(error) => error,
        }
    }
}

/// The files and folders one extraction created, so a failure can remove them.
struct Extraction<'a> {
    dest: &'a Path,
    created_files: Mutex<Vec<PathBuf>>,
    created_dirs: Vec<PathBuf>,
    checked_dirs: HashSet<PathBuf>,
}

/// What one entry became.
enum Written {
    Registry(Vec<u8>),
    Folder,
    File(ExtractedFile),
}

impl<'a> Extraction<'a> {
    fn new(dest: &'a Path) -> Extraction<'a> {
        Extraction {
            dest,
            created_files: Mutex::new(Vec::new()),
            created_dirs: Vec::new(),
            checked_dirs: HashSet::new(),
        }
    }

    /// Creates every folder first, then writes the files on every core.
    fn write_all(
        &mut self,
        inner: &Inner,
        entries: &[InnerEntry],
        control: CopyControl<'_>,
    ) -> Result<(Option<Vec<u8>>, Vec<ExtractedFile>), Fault> {
        for entry in entries {
            if entry.name == REGISTRY_ENTRY {
                continue;
            }
            let folder = match entry.is_dir {
                true => entry.name.as_str(),
                false => entry.name.rsplit_once('/').map_or("", |(parent, _)| parent),
            };
            self.make_dirs(folder)?;
        }
        let this = &*self;
        let written = parallel::each_entry(inner, entries, |inner, entry| {
            if entry.name == REGISTRY_ENTRY {
                return Ok(Written::Registry(read_registry(inner, entry, control)?));
            }
            if entry.is_dir {
                return Ok(Written::Folder);
            }
            let path = this.write_file(inner, entry, control)?;
            control.progress.advance(1, 0);
            Ok(Written::File(ExtractedFile {
                archive_path: entry.name.clone(),
                path,
            }))
        })?;
        let mut registry = None;
        let mut files = Vec::new();
        for item in written {
            match item {
                Written::Registry(bytes) => registry = Some(bytes),
                Written::Folder => {}
                Written::File(file) => files.push(file),
            }
        }
        Ok((registry, files))
    }

    fn write_file(
        &self,
        inner: &mut Inner,
        entry: &InnerEntry,
        control: CopyControl<'_>,
    ) -> Result<PathBuf, Fault> {
        let path = self.dest.join(&entry.name);
        let mut out = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| Error::io("creating", &path, e))?;
        self.created_files
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(path.clone());
        let mut source = inner
            .by_index(entry.index)
            .map_err(|e| Fault::Damaged(format!("file {}: {e}", entry.name)))?;
        match stream::copy(
            &mut source as &mut dyn Read,
            &mut out,
            entry.size,
            None,
            control,
        ) {
            Ok(size) if size == entry.size => {}
            Ok(_) | Err(CopyError::TooLong) => {
                return Err(Fault::Damaged(format!(
                    "file {}: its size differs from its header",
                    entry.name
                )))
            }
            Err(CopyError::Read(e)) => {
                return Err(Fault::Damaged(format!(
                    "file {}: {}",
                    entry.name,
                    read_problem(&e)
                )))
            }
            Err(CopyError::Write(e)) => return Err(Error::io("writing", &path, e).into()),
            Err(CopyError::Stopped) => return Err(super::cancelled().into()),
        }
        Ok(path)
    }

    /// Creates the folders of `relative` under the destination one by one, refusing any
    /// existing one that is a symbolic link.
    fn make_dirs(&mut self, relative: &str) -> Result<(), Fault> {
        let mut path = self.dest.to_path_buf();
        for segment in relative.split('/').filter(|s| !s.is_empty()) {
            path.push(segment);
            if self.checked_dirs.contains(&path) {
                continue;
            }
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => {
                    return Err(Fault::Refused(format!(
                        "{} exists and is not a plain folder",
                        path.display()
                    )))
                }
                Err(_) => {
                    fs::create_dir(&path).map_err(|e| Error::io("creating", &path, e))?;
                    self.created_dirs.push(path.clone());
                }
            }
            self.checked_dirs.insert(path.clone());
        }
        Ok(())
    }

    /// Removes what this extraction created, deepest first; best effort, as the error that
    /// led here is the one to report.
    fn undo(&mut self) {
        let files = self
            .created_files
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        for file in files.drain(..).rev() {
            let _ = fs::remove_file(file);
        }
        for dir in self.created_dirs.drain(..).rev() {
            let _ = fs::remove_dir(dir);
        }
    }
}

fn read_registry(
    inner: &mut Inner,
    entry: &InnerEntry,
    control: CopyControl<'_>,
) -> Result<Vec<u8>, Fault> {
    let mut source = inner
        .by_index(entry.index)
        .map_err(|e| Fault::Damaged(format!("{REGISTRY_ENTRY}: {e}")))?;
    let mut bytes = Vec::with_capacity(entry.size.min(1 << 24) as usize);
    match stream::copy(
        &mut source as &mut dyn Read,
        &mut bytes,
        entry.size,
        None,
        control,
    ) {
        Ok(size) if size == entry.size => Ok(bytes),
        Ok(_) | Err(CopyError::TooLong) => Err(Fault::Damaged(format!(
            "{REGISTRY_ENTRY}: its size differs from its header"
        ))),
        Err(CopyError::Read(e)) => Err(Fault::Damaged(format!(
            "{REGISTRY_ENTRY}: {}",
            read_problem(&e)
        ))),
        Err(CopyError::Write(e)) => Err(Error::new(ErrorKind::Internal, e.to_string()).into()),
        Err(CopyError::Stopped) => Err(super::cancelled().into()),
    }
}
