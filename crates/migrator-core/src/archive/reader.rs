//! Opening an archive: [`Archive::open`] reads and checks the manifest; the component checks
//! shared by [`verify`](Archive::verify) and [`extract_component`](Archive::extract_component)
//! live here too.
//!
//! Every read is bounded, so a hostile archive gets a clean error rather than exhausting
//! memory or disk: the manifest's size, the number of entries, the sizes each entry declares
//! (a stream that yields more is cut off), the expansion ratio of each entry, overlapping
//! entries (the trick of non-recursive ZIP bombs) and the total size of a component.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive, ZipReadOptions};

use super::manifest::{
    ComponentRecord, Manifest, MANIFEST_ENTRY, MAX_COMPONENTS, MAX_MANIFEST_BYTES,
};
use super::names::{self, REGISTRY_ENTRY};
use super::parallel::{Inner, SharedFile};
use super::salvage;
use super::stream::{self, CopyControl, CopyError};
use crate::error::{Error, ErrorKind, Result};

/// Bounds a reader puts on an archive, whoever wrote it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The most entries one component may hold.
    pub max_entries: usize,
    /// The most uncompressed bytes one component may hold.
    pub max_component_bytes: u64,
    /// The largest registry data of one component, which is read into memory.
    pub max_registry_bytes: u64,
    /// The highest expansion ratio of an entry larger than 1 MiB; deflate itself cannot
    /// exceed about 1,032, so anything above comes from a crafted header.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 1_000_000,
            max_component_bytes: 1 << 40,
            max_registry_bytes: 1 << 30,
            max_ratio: 1_100,
        }
    }
}

/// An opened `.ininmigr` archive whose manifest has been read and checked.
pub struct Archive {
    path: PathBuf,
    password: Option<SecretString>,
    encrypted: bool,
    manifest: Manifest,
    limits: Limits,
}

/// The outer ZIP of an archive, read through a buffer.
pub(super) type Outer = ZipArchive<BufReader<File>>;

/// Why a component cannot be used; verify collects these, extraction turns them into errors.
#[derive(Debug)]
pub(super) enum Fault {
    /// The component's bytes are not what the manifest says.
    Damaged(String),
    /// The component holds something that must not be extracted.
    Refused(String),
    /// Nothing about the component: the disk, a cancellation.
    Fatal(Error),
}

impl From<Error> for Fault {
    fn from(error: Error) -> Fault {
        Fault::Fatal(error)
    }
}

/// One entry of a checked inner ZIP.
#[derive(Clone, Debug)]
pub(super) struct InnerEntry {
    pub index: usize,
    pub name: String,
    pub size: u64,
    pub is_dir: bool,
}

impl Archive {
    /// Opens the archive at `path`, decrypting its manifest with `password` when it has one.
    ///
    /// # Errors
    ///
    /// `WrongPassword` when the archive needs a password and none or a wrong one is given;
    /// `DamagedArchive` when it is not a readable ZIP, has no valid manifest or holds entries
    /// the manifest does not list; `Input` when it cannot be read or is of a newer format.
    pub fn open(path: &Path, password: Option<&SecretString>) -> Result<Archive> {
        let mut file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
        if !salvage::ends_complete(&mut file).map_err(|e| Error::io("reading", path, e))? {
            let what = salvage::describe(path, password);
            return Err(damaged_archive(format!(
                "{} is cut short: {what}",
                path.display()
            )));
        }
        let mut outer = open_outer(path)?;
        check_outer_shape(&mut outer, path)?;
        let encrypted = manifest_is_encrypted(&outer, path)?;
        if encrypted && password.is_none() {
            return Err(Error::new(
                ErrorKind::WrongPassword,
                format!("{} is protected by a password", path.display()),
            )
            .with_hint("Give its password with --password-file or MIGRATOR_PASSWORD."));
        }
        let bytes = read_manifest(&mut outer, path, password)?;
        let manifest = Manifest::from_json(&bytes, &path.display().to_string())?;
        check_listed(&outer, &manifest, path)?;
        Ok(Archive {
            path: path.to_path_buf(),
            password: password.cloned(),
            encrypted,
            manifest,
            limits: Limits::default(),
        })
    }

    /// Replaces the default [`Limits`].
    pub fn with_limits(mut self, limits: Limits) -> Archive {
        self.limits = limits;
        self
    }

    /// The manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the archive is password-protected.
    pub fn is_encrypted(&self) -> bool {
        self.encrypted
    }

    /// The bounds this reader applies.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// A fresh handle on the outer ZIP, so several operations may run side by side.
    pub(super) fn outer(&self) -> Result<Outer> {
        open_outer(&self.path)
    }

    /// Decrypts the component's entry into an unnamed temporary file in `dir`, checking its
    /// size and SHA-256 against the manifest; returns the file, rewound.
    pub(super) fn spool(
        &self,
        outer: &mut Outer,
        record: &ComponentRecord,
        dir: &Path,
        control: CopyControl<'_>,
    ) -> Result<File, Fault> {
        let index = self.check_entry(outer, record)?;
        let password = self.password.as_ref().map(|p| p.expose_secret().as_bytes());
        let options = ZipReadOptions::new()
            .password(password.filter(|_| self.encrypted))
            .enforce_header_consistency(true);
        let mut entry = outer
            .by_index_with_options(index, options)
            .map_err(|e| self.entry_fault(e))?;
        let mut temp = tempfile::tempfile_in(dir)
            .map_err(|e| Error::io("creating a temporary file in", dir, e))?;
        let mut hasher = Sha256::new();
        let copied = stream::copy(
            &mut entry,
            &mut temp,
            record.size,
            Some(&mut hasher),
            control,
        );
        drop(entry);
        match copied {
            Ok(size) if size != record.size => {
                return Err(Fault::Damaged(format!(
                    "it holds {size} bytes where the manifest says {}",
                    record.size
                )))
            }
            Ok(_) => {}
            Err(CopyError::Read(e)) => return Err(Fault::Damaged(read_problem(&e))),
            Err(CopyError::TooLong) => {
                return Err(Fault::Damaged(
                    "it holds more bytes than the manifest says".into(),
                ))
            }
            Err(CopyError::Write(e)) => {
                return Err(Error::io("writing a temporary file in", dir, e).into())
            }
            Err(CopyError::Stopped) => return Err(super::cancelled().into()),
        }
        if stream::hex(&hasher.finalize()) != record.sha256 {
            return Err(Fault::Damaged(
                "its SHA-256 does not match the manifest".into(),
            ));
        }
        temp.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io("reading a temporary file in", dir, e))?;
        Ok(temp)
    }

    fn check_entry(&self, outer: &Outer, record: &ComponentRecord) -> Result<usize, Fault> {
        let Some(index) = outer.index_for_name(&record.entry) else {
            return Err(Fault::Damaged(format!(
                "its entry {} is missing",
                record.entry
            )));
        };
        let data = outer
            .by_index_data(index)
            .map_err(|e| Fault::Damaged(e.to_string()))?;
        if data.encrypted() != self.encrypted {
            return Err(Fault::Damaged(
                "its encryption differs from the manifest's, so it was altered".into(),
            ));
        }
        if data.compression() != CompressionMethod::Stored || data.size() != record.size {
            return Err(Fault::Damaged(
                "its entry header does not match the manifest".into(),
            ));
        }
        Ok(index)
    }

    fn entry_fault(&self, error: ZipError) -> Fault {
        match error {
            ZipError::InvalidPassword => Fault::Damaged(
                "it cannot be decrypted with the password that opens the manifest".into(),
            ),
            ZipError::Io(e) => Fault::Fatal(Error::io("reading", &self.path, e)),
            other => Fault::Damaged(other.to_string()),
        }
    }

    /// Opens a spooled inner ZIP and checks every entry before anything is extracted.
    pub(super) fn open_inner(
        &self,
        file: File,
        record: &ComponentRecord,
    ) -> Result<(Inner, Vec<InnerEntry>), Fault> {
        let file = SharedFile::new(file)
            .map_err(|e| Error::io("reading a temporary copy of", &self.path, e))?;
        let mut inner = open_zip(file)
            .map_err(|e| Fault::Damaged(format!("its inner ZIP cannot be read: {e}")))?;
        if inner.len() > self.limits.max_entries {
            return Err(Fault::Refused(format!("it holds {} entries", inner.len())));
        }
        if inner.has_overlapping_entries().unwrap_or(true) {
            return Err(Fault::Refused(
                "its inner ZIP has overlapping entries (a ZIP bomb)".into(),
            ));
        }
        let entries = (0..inner.len())
            .map(|index| self.check_inner_entry(&inner, index))
            .collect::<Result<Vec<_>, Fault>>()?;
        self.check_totals(&entries, record)?;
        Ok((inner, entries))
    }

    fn check_inner_entry(&self, inner: &Inner, index: usize) -> Result<InnerEntry, Fault> {
        let data = inner
            .by_index_data(index)
            .map_err(|e| Fault::Damaged(e.to_string()))?;
        let name = String::from_utf8_lossy(data.name_raw()).into_owned();
        if let Some(reason) = names::unsafe_reason(&name) {
            return Err(Fault::Refused(format!(
                "entry {name:?} would land outside the destination: {reason}"
            )));
        }
        if data.is_symlink() {
            return Err(Fault::Refused(format!("entry {name:?} is a symbolic link")));
        }
        if data.encrypted() {
            return Err(Fault::Damaged(format!(
                "entry {name:?} is encrypted inside"
            )));
        }
        if !matches!(
            data.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(Fault::Damaged(format!(
                "entry {name:?} uses an unsupported compression method"
            )));
        }
        let ratio_cap = data.compressed_size().saturating_mul(self.limits.max_ratio);
        if data.size() > (1 << 20) && data.size() > ratio_cap {
            return Err(Fault::Refused(format!(
                "entry {name:?} would expand {} times (a ZIP bomb)",
                data.size() / data.compressed_size().max(1)
            )));
        }
        Ok(InnerEntry {
            index,
            size: data.size(),
            is_dir: data.is_dir(),
            name,
        })
    }

    fn check_totals(&self, entries: &[InnerEntry], record: &ComponentRecord) -> Result<(), Fault> {
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = entries.iter().find(|e| !seen.insert(e.name.to_lowercase())) {
            return Err(Fault::Refused(format!(
                "entry {:?} appears twice",
                twice.name
            )));
        }
        let total = entries
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.size));
        if total > self.limits.max_component_bytes {
            return Err(Fault::Refused(format!("it would expand to {total} bytes")));
        }
        let registry = entries.iter().find(|e| e.name == REGISTRY_ENTRY);
        if registry.is_some_and(|r| r.size > self.limits.max_registry_bytes) {
            return Err(Fault::Refused(
                "its registry data is too large to load".into(),
            ));
        }
        let files = entries
            .iter()
            .filter(|e| !e.is_dir && e.name != REGISTRY_ENTRY)
            .count() as u64;
        if total != record.bytes || files != record.files || registry.is_some() != record.registry {
            return Err(Fault::Damaged(
                "its contents do not match the counts in the manifest".into(),
            ));
        }
        Ok(())
    }
}

impl std::fmt::Debug for Archive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("path", &self.path)
            .field("encrypted", &self.encrypted)
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

/// What an entry's read error means, in words for the user.
pub(super) fn read_problem(error: &std::io::Error) -> String {
    let text = error.to_string();
    let lower = text.to_lowercase();
    if lower.contains("authentication code") {
        // The password opened the entry (its check passed), so the data itself was altered;
        // the library's own words would blame the password.
        "its data fails its authentication code: it was altered after the export".to_string()
    } else if lower.contains("checksum") || lower.contains("hmac") {
        format!("its data fails its integrity check ({text})")
    } else {
        format!("its data cannot be read ({text})")
    }
}

fn open_outer(path: &Path) -> Result<Outer> {
    let file = File::open(path).map_err(|e| Error::io("opening", path, e))?;
    open_zip(BufReader::with_capacity(stream::CHUNK, file)).map_err(|e| match e {
        ZipError::Io(io) if io.kind() != std::io::ErrorKind::UnexpectedEof => {
            Error::io("reading", path, io)
        }
        other => damaged_archive(format!(
            "{} is damaged: its table of contents cannot be read ({other})",
            path.display()
        )),
    })
}

/// Opens a ZIP that must start at the first byte of `reader`, as ours do; the default would
/// also accept a ZIP found further in, such as a stored inner ZIP of a truncated archive.
pub(super) fn open_zip<R: Read + Seek>(reader: R) -> zip::result::ZipResult<ZipArchive<R>> {
    let config = zip::read::Config {
        archive_offset: zip::read::ArchiveOffset::Known(0),
    };
    ZipArchive::with_config(config, reader)
}

fn damaged_archive(message: String) -> Error {
    Error::new(ErrorKind::DamagedArchive, message).with_hint(
        "If the file was copied, copy it again in full; otherwise export again. A file that \
         is not an .ininmigr archive gives this error too.",
    )
}

fn damaged(path: &Path, what: &str) -> Error {
    Error::new(
        ErrorKind::DamagedArchive,
        format!("{} is damaged: {what}", path.display()),
    )
    .with_hint("If the file was copied, copy it again in full; otherwise export again.")
}

fn check_outer_shape(outer: &mut Outer, path: &Path) -> Result<()> {
    if outer.len() > MAX_COMPONENTS + 1 {
        return Err(damaged(path, "it holds more entries than any export"));
    }
    if outer.has_overlapping_entries().unwrap_or(true) {
        return Err(damaged(path, "its entries overlap"));
    }
    Ok(())
}

fn manifest_is_encrypted(outer: &Outer, path: &Path) -> Result<bool> {
    let index = outer.index_for_name(MANIFEST_ENTRY).ok_or_else(|| {
        Error::new(
            ErrorKind::DamagedArchive,
            format!(
                "{} has no manifest.json: it is not an .ininmigr archive",
                path.display()
            ),
        )
        .with_hint("Check that this is the file the export wrote.")
    })?;
    let data = outer
        .by_index_data(index)
        .map_err(|e| damaged(path, &e.to_string()))?;
    if data.size() > MAX_MANIFEST_BYTES {
        return Err(damaged(
            path,
            "its manifest is larger than any export writes",
        ));
    }
    Ok(data.encrypted())
}

fn read_manifest(
    outer: &mut Outer,
    path: &Path,
    password: Option<&SecretString>,
) -> Result<Vec<u8>> {
    let password = password.map(|p| p.expose_secret().as_bytes());
    let options = ZipReadOptions::new()
        .password(password)
        .enforce_header_consistency(true);
    let failure = match outer.by_name_with_options(MANIFEST_ENTRY, options) {
        Ok(entry) => {
            let mut bytes = Vec::new();
            entry
                .take(MAX_MANIFEST_BYTES)
                .read_to_end(&mut bytes)
                .map_err(|e| damaged(path, &format!("its manifest is damaged ({e})")))?;
            return Ok(bytes);
        }
        Err(failure) => failure,
    };
    Err(match failure {
        ZipError::InvalidPassword if opens_every_component(outer, password) => damaged(
            path,
            "its manifest's encryption header is damaged: the password opens the components \
             but not the manifest",
        ),
        ZipError::InvalidPassword => Error::new(
            ErrorKind::WrongPassword,
            format!("the password does not open {}", path.display()),
        )
        .with_hint("Give the password that was used for the export."),
        other => damaged(path, &format!("its manifest cannot be read ({other})")),
    })
}

/// Whether `password` passes the check of the first few component entries (each has its own
/// salt and password check). When it does, a manifest that refuses it has a damaged
/// encryption header: a wrong password passes one such check once in 65,536 tries, so three
/// make a wrong verdict all but impossible.
fn opens_every_component(outer: &mut Outer, password: Option<&[u8]>) -> bool {
    let Some(password) = password else {
        return false;
    };
    let components: Vec<usize> = (0..outer.len())
        .filter(|&index| {
            outer
                .name_for_index(index)
                .and_then(|name| name.ok())
                .is_some_and(|name| name != MANIFEST_ENTRY)
        })
        .take(3)
        .collect();
    !components.is_empty()
        && components.iter().all(|&index| {
            let options = ZipReadOptions::new().password(Some(password));
            outer.by_index_with_options(index, options).is_ok()
        })
}

/// Every outer entry must be the manifest or a component it lists.
fn check_listed(outer: &Outer, manifest: &Manifest, path: &Path) -> Result<()> {
    for name in outer.file_names() {
        let name = name.map_err(|e| damaged(path, &e.to_string()))?;
        let listed = name == MANIFEST_ENTRY || manifest.components.iter().any(|c| c.entry == name);
        if !listed {
            return Err(damaged(
                path,
                &format!("it holds an entry the manifest does not list: {name:?}"),
            ));
        }
    }
    Ok(())
}
