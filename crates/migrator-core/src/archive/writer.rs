//! Writing an archive: [`ArchiveWriter`] collects the components of an export, then builds
//! their inner ZIPs in parallel and copies them, with the manifest first, into the outer
//! archive.
//!
//! The archive appears only when complete. Inner ZIPs are unnamed temporary files; the outer
//! archive is written under a hidden temporary name in the destination folder, synced, then
//! renamed to its final name without replacing anything already there. A failure, a full
//! disk or a cancellation removes the temporary file and leaves every earlier export alone.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use zip::write::{FileOptions, SimpleFileOptions};
use zip::{AesMode, CompressionMethod, ZipWriter};

use super::inner::{self, Built, Settings, LARGE_FILE};
use super::manifest::{component_entry, ComponentRecord, Manifest, ManifestHeader, MANIFEST_ENTRY};
use super::names::{self, REGISTRY_ENTRY};
use super::stream::{self, CopyControl, CopyError, DiscardAfterError};
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// The deflate level of inner ZIPs: chosen by `scripts/bench-archive.sh` to stay within 5 %
/// of 7-Zip's `-mx=5` size at well under its time.
pub const DEFAULT_LEVEL: i64 = 6;

/// The most compression workers used by default, whatever the number of cores.
pub const MAX_WORKERS: usize = 4;

/// A file to put into a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileInput {
    /// The install-relative path inside the component, with forward slashes, such as
    /// `Resources/Prompts/welcome.wav`.
    pub archive_path: String,
    /// Where the file is read from.
    pub source: PathBuf,
    /// Its size when listed; used to share work between cores and for progress totals.
    pub size: u64,
}

/// One component of an export, as the caller hands it to [`ArchiveWriter::add_component`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentInput {
    /// The component's name, such as `Users`.
    pub name: String,
    /// How many configuration items it holds.
    pub items: u64,
    /// Why it was pulled in by another component; `None` when the user chose it.
    pub reason_pulled_in: Option<String>,
    /// Its registry data as a `.reg` file, when it has any.
    pub registry: Option<Vec<u8>>,
    /// Its files.
    pub files: Vec<FileInput>,
}

impl ComponentInput {
    /// The bytes of registry data and files it holds.
    pub fn bytes(&self) -> u64 {
        let registry = self.registry.as_ref().map_or(0, |r| r.len() as u64);
        registry + self.files.iter().map(|f| f.size).sum::<u64>()
    }
}

/// Writes one `.ininmigr` archive: [`create`](Self::create), then
/// [`add_component`](Self::add_component) for each component, then [`finish`](Self::finish).
/// Dropping it before `finish` writes nothing.
pub struct ArchiveWriter<'p> {
    dest_dir: PathBuf,
    final_path: PathBuf,
    header: ManifestHeader,
    password: Option<SecretString>,
    progress: &'p dyn Progress,
    components: Vec<ComponentInput>,
    level: i64,
    workers: usize,
}

impl<'p> ArchiveWriter<'p> {
    /// Prepares an archive in `dest_dir` for the export described by `header`, encrypted with
    /// `password` when given. The file name comes from the server name and creation time (see
    /// [`super::file_name`]).
    ///
    /// # Errors
    ///
    /// `Input` when `dest_dir` is not a folder or the password is empty; `Refused` when a file
    /// of that name exists already.
    pub fn create(
        dest_dir: &Path,
        header: ManifestHeader,
        password: Option<&SecretString>,
        progress: &'p dyn Progress,
    ) -> Result<ArchiveWriter<'p>> {
        if !dest_dir.is_dir() {
            return Err(Error::new(
                ErrorKind::Input,
                format!("the destination {} is not a folder", dest_dir.display()),
            )
            .with_hint("Create the folder first, or choose another one."));
        }
        if password.is_some_and(|p| p.expose_secret().is_empty()) {
            return Err(
                Error::new(ErrorKind::Input, "the archive password is empty")
                    .with_hint("Give a non-empty password, or none for an unencrypted archive."),
            );
        }
        let final_path = dest_dir.join(super::file_name(&header.server, &header.created));
        refuse_existing(&final_path)?;
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(ArchiveWriter {
            dest_dir: dest_dir.to_path_buf(),
            final_path,
            header,
            password: password.cloned(),
            progress,
            components: Vec::new(),
            level: DEFAULT_LEVEL,
            workers: workers.clamp(1, MAX_WORKERS),
        })
    }

    /// Sets the deflate level of inner ZIPs (1 fastest to 9 smallest).
    pub fn compression_level(mut self, level: i64) -> Self {
        self.level = level.clamp(1, 9);
        self
    }

    /// Sets how many workers compress at once (at least 1).
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = workers.max(1);
        self
    }

    /// The path the archive will have once finished.
    pub fn path(&self) -> &Path {
        &self.final_path
    }

    /// Adds a component. Nothing is read or written until [`finish`](Self::finish).
    ///
    /// # Errors
    ///
    /// `Input` when the name is empty or already added, or a file's archive path is not a
    /// safe install-relative path, is `registry.reg` or appears twice.
    pub fn add_component(&mut self, component: ComponentInput) -> Result<()> {
        check_component(&component, &self.components)?;
        self.components.push(component);
        Ok(())
    }

    /// Builds the archive and gives its final path.
    ///
    /// # Errors
    ///
    /// `Input` when no component was added, a source file cannot be read, the disk is full or
    /// the user cancelled; `Refused` when a file of the final name appeared meanwhile. In
    /// every case no archive and no temporary file is left behind.
    pub fn finish(self) -> Result<PathBuf> {
        if self.components.is_empty() {
            return Err(Error::new(
                ErrorKind::Input,
                "nothing to export: no component was chosen",
            )
            .with_hint("Choose at least one component that this server has."));
        }
        let built = self.build_components()?;
        let records = self.records(&built);
        let manifest = Manifest::new(&self.header, records);
        self.write_outer(&manifest, built)
    }

    fn build_components(&self) -> Result<Vec<Built>> {
        let files: u64 = self.components.iter().map(|c| c.files.len() as u64).sum();
        let registries = self
            .components
            .iter()
            .filter(|c| c.registry.is_some())
            .count();
        let bytes = self.components.iter().map(ComponentInput::bytes).sum();
        self.progress
            .start_phase("compressing", files + registries as u64, bytes);
        let settings = Settings {
            level: self.level,
            workers: self.workers,
            created: inner::zip_time_of(self.header.created.naive_local()),
            min_part_bytes: inner::MIN_PART_BYTES,
        };
        let built = inner::build_all(&self.components, &self.dest_dir, settings, self.progress);
        self.progress.end_phase();
        built
    }

    fn records(&self, built: &[Built]) -> Vec<ComponentRecord> {
        self.components
            .iter()
            .zip(built)
            .enumerate()
            .map(|(index, (input, built))| ComponentRecord {
                name: input.name.clone(),
                entry: component_entry(index),
                chosen: input.reason_pulled_in.is_none(),
                reason: input.reason_pulled_in.clone(),
                items: input.items,
                registry: input.registry.is_some(),
                files: input.files.len() as u64,
                bytes: built.bytes,
                size: built.size,
                sha256: built.sha256.clone(),
            })
            .collect()
    }

    fn write_outer(&self, manifest: &Manifest, built: Vec<Built>) -> Result<PathBuf> {
        let total = built.iter().map(|b| b.size).sum();
        self.progress
            .start_phase("writing archive", built.len() as u64, total);
        let temp = tempfile::Builder::new()
            .prefix(".ininmigr-")
            .suffix(".tmp")
            .tempfile_in(&self.dest_dir)
            .map_err(|e| Error::io("creating a temporary file in", &self.dest_dir, e))?;
        let (file, temp_path) = temp.into_parts();
        let file = self.write_entries(file, manifest, built)?;
        file.sync_all().map_err(|e| self.write_error(e))?;
        drop(file);
        self.progress.end_phase();
        self.publish(temp_path)
    }

    fn write_entries(&self, file: File, manifest: &Manifest, built: Vec<Built>) -> Result<File> {
        let buffered = BufWriter::with_capacity(1 << 20, DiscardAfterError::new(file));
        let mut zip = ZipWriter::new(buffered);
        let json = manifest.to_json();
        let options = self.outer_options(CompressionMethod::Deflated, json.len() as u64);
        zip.start_file(MANIFEST_ENTRY, options)
            .map_err(|e| self.zip_error(e))?;
        zip.write_all(&json).map_err(|e| self.write_error(e))?;
        for (record, built) in manifest.components.iter().zip(built) {
            self.copy_component(&mut zip, record, built)?;
            self.progress.advance(1, 0);
        }
        let buffered = zip.finish().map_err(|e| self.zip_error(e))?;
        let file = buffered
            .into_inner()
            .map_err(|e| self.write_error(e.into_error()))?;
        Ok(file.into_inner())
    }

    fn copy_component(
        &self,
        zip: &mut ZipWriter<BufWriter<DiscardAfterError<File>>>,
        record: &ComponentRecord,
        mut built: Built,
    ) -> Result<()> {
        let options = self.outer_options(CompressionMethod::Stored, built.size);
        zip.start_file(record.entry.as_str(), options)
            .map_err(|e| self.zip_error(e))?;
        built
            .file
            .seek(SeekFrom::Start(0))
            .map_err(|e| Error::io("reading a temporary file in", &self.dest_dir, e))?;
        let mut reader = BufReader::with_capacity(stream::CHUNK, built.file);
        let control = CopyControl {
            progress: self.progress,
            abort: None,
            report_bytes: true,
        };
        match stream::copy(&mut reader, zip, u64::MAX, None, control) {
            Ok(_) => Ok(()),
            Err(CopyError::Stopped) => Err(super::cancelled()),
            Err(CopyError::Read(e)) => {
                Err(Error::io("reading a temporary file in", &self.dest_dir, e))
            }
            Err(CopyError::Write(e)) => Err(self.write_error(e)),
            Err(CopyError::TooLong) => Err(Error::new(ErrorKind::Internal, "unlimited copy")),
        }
    }

    fn outer_options(&self, method: CompressionMethod, size: u64) -> FileOptions<'_, 'static, ()> {
        let time = inner::zip_time_of(self.header.created.naive_local());
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(time)
            .unix_permissions(0o644)
            .large_file(size >= LARGE_FILE);
        match &self.password {
            Some(password) => options
                .with_aes_encryption_bytes(AesMode::Aes256, password.expose_secret().as_bytes()),
            None => options,
        }
    }

    /// Gives the finished temporary file its final name, never replacing a file.
    fn publish(&self, temp_path: tempfile::TempPath) -> Result<PathBuf> {
        if let Err(error) = temp_path.persist_noclobber(&self.final_path) {
            refuse_existing(&self.final_path)?;
            return Err(Error::io("renaming into", &self.final_path, error.error));
        }
        sync_dir(&self.dest_dir);
        Ok(self.final_path.clone())
    }

    fn write_error(&self, error: std::io::Error) -> Error {
        Error::io("writing", &self.final_path, error)
    }

    fn zip_error(&self, error: zip::result::ZipError) -> Error {
        match error {
            zip::result::ZipError::Io(e) => self.write_error(e),
            other => Error::new(
                ErrorKind::Internal,
                format!("writing {}: {other}", self.final_path.display()),
            )
            .with_source(other),
        }
    }
}

/// Refuses `dest_dir` when it is the server's install folder `install_dir` or inside it: an
/// archive there could be taken for, or overwrite, the server's own files. Call it before
/// [`ArchiveWriter::create`] when exporting from a server.
///
/// # Errors
///
/// `Refused` as described; `Input` when `dest_dir` does not exist.
pub fn check_destination(dest_dir: &Path, install_dir: &Path) -> Result<()> {
    let dest = dest_dir
        .canonicalize()
        .map_err(|e| Error::io("opening", dest_dir, e))?;
    let Ok(install) = install_dir.canonicalize() else {
        // An install folder that does not exist cannot contain the destination.
        return Ok(());
    };
    if dest.starts_with(&install) {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "the destination {} is inside the server's install folder {}",
                dest_dir.display(),
                install_dir.display()
            ),
        )
        .with_hint(
            "Choose a folder outside the install tree, where no server file can be overwritten.",
        ));
    }
    Ok(())
}

fn refuse_existing(path: &Path) -> Result<()> {
    if path.symlink_metadata().is_ok() {
        return Err(Error::new(
            ErrorKind::Refused,
            format!("{} exists already", path.display()),
        )
        .with_hint(
            "Move the earlier export away or choose another folder; migrator never overwrites one.",
        ));
    }
    Ok(())
}

/// Makes the rename durable; some systems cannot open a folder for that, which is harmless.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
}

fn check_component(component: &ComponentInput, earlier: &[ComponentInput]) -> Result<()> {
    let refuse = |what: String| {
        Error::new(ErrorKind::Input, what)
            .with_hint("This is a fault of the export; report it with the server's details.")
    };
    if component.name.trim().is_empty() {
        return Err(refuse("a component has an empty name".into()));
    }
    if earlier
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case(&component.name))
    {
        return Err(refuse(format!(
            "component {} is added twice",
            component.name
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for file in &component.files {
        let path = &file.archive_path;
        if let Some(reason) = names::unsafe_reason(path) {
            return Err(refuse(format!(
                "component {}: file {} cannot be archived: {reason}",
                component.name,
                file.source.display()
            )));
        }
        if path.ends_with('/') || path.eq_ignore_ascii_case(REGISTRY_ENTRY) {
            return Err(refuse(format!(
                "component {}: {path} is not a valid file name in an archive",
                component.name
            )));
        }
        if !seen.insert(path.to_lowercase()) {
            return Err(refuse(format!(
                "component {}: {path} is listed twice",
                component.name
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_destination_in_the_install_tree_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let install = root.path().join("I3/IC");
        let inside = install.join("Logs");
        let outside = root.path().join("exports");
        for dir in [&inside, &outside] {
            std::fs::create_dir_all(dir).unwrap();
        }
        for refused in [&install, &inside, &inside.join("..")] {
            let error = check_destination(refused, &install).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Refused, "{}", refused.display());
        }
        assert!(check_destination(&outside, &install).is_ok());
        assert!(check_destination(root.path(), &install).is_ok());
    }
}
