//! Export: from a server image and a selection of components to one `.ininmigr` archive.
//!
//! It runs in two steps so the caller can show what will happen before any byte is written:
//! [`prepare`] opens the image, checks the destination, reads the registry once (one
//! consistent snapshot), closes the selection and collects every component's registry
//! fragment and file list; [`PreparedExport::write`] then hands them to the
//! [`ArchiveWriter`], which makes the archive appear only when complete.
//!
//! An export whose source service runs goes ahead with a warning, as the vendor's console
//! allows. A destination inside the install tree is refused, because files extracted there
//! later would overwrite the server's own.

use std::path::{Component as PathPart, Path, PathBuf};

use chrono::Local;
use secrecy::SecretString;

use crate::archive::{ArchiveWriter, ComponentInput, FileInput, ManifestHeader};
use crate::catalog::{self, CollectOptions, Collection, Reason, Scope, Selection};
use crate::error::{Error, ErrorKind, Result};
use crate::import::lock::ImportLock;
use crate::layout;
use crate::progress::Progress;
use crate::registry::regfile;
use crate::server::{self, Identity, ServerImage};

/// What to export and where to.
#[derive(Clone, Debug)]
pub struct ExportRequest {
    /// The server image folder.
    pub server: PathBuf,
    /// `all`, or component names separated by commas.
    pub nodes: String,
    /// The custom handler folder; the image's `Handlers\Custom` when `None`.
    pub custom_handlers: Option<PathBuf>,
    /// The folder the archive goes to; created when missing.
    pub out: PathBuf,
}

/// An export checked and collected, ready to be written.
#[derive(Debug)]
pub struct PreparedExport {
    /// Who the server is.
    pub identity: Identity,
    /// The closed selection, with what was pulled in and why.
    pub selection: Selection,
    /// Every selected component's data.
    pub collection: Collection,
    /// Whether the image says its service runs.
    pub service_running: bool,
    /// Warnings to show before writing: a running service, missing or unsafe files.
    pub warnings: Vec<String>,
    out: PathBuf,
}

/// What an export wrote.
#[derive(Clone, Debug)]
pub struct ExportReport {
    /// The archive's path.
    pub archive: PathBuf,
    /// Every component written, in archive order.
    pub components: Vec<ComponentSummary>,
}

/// The counts of one exported component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentSummary {
    /// Its name as displayed for the server.
    pub name: String,
    /// Why it is in the archive.
    pub reason: Reason,
    /// Its items (see [`catalog::Collected::items`]).
    pub items: usize,
    /// Registry keys.
    pub keys: usize,
    /// Registry values.
    pub values: usize,
    /// Files.
    pub files: usize,
    /// Bytes of files.
    pub file_bytes: u64,
}

/// Opens the image, checks the destination, reads the registry once and collects the
/// selected components. Nothing is written.
///
/// # Errors
///
/// `Refused` for a destination that is the install root or inside the install tree; `Usage`
/// for an unknown component name or a selection that names nothing; `Input` for an image that
/// cannot be read.
pub fn prepare(request: &ExportRequest) -> Result<PreparedExport> {
    let image = ServerImage::open(&request.server)?;
    let install = image.install_dir();
    if !install.is_dir() {
        return Err(Error::new(
            ErrorKind::Input,
            format!(
                "server image {} has no install tree {}: its files cannot be exported",
                image.dir().display(),
                install.display()
            ),
        )
        .with_hint(
            "Copy the server's install folder (the IC folder under I3) into the image as I3/IC, \
             then export again.",
        ));
    }
    // An import or rollback in progress leaves registry and files out of step until it ends.
    ImportLock::check_free(&image)?;
    refuse_inside_install(&request.out, &install, "the export destination")?;
    let registry = image.load_registry()?;
    let identity = server::identity(&registry, image.registry_file())?;
    let selection = catalog::select(&request.nodes, &Scope::of(&identity))?;
    let options = CollectOptions {
        custom_handlers: request.custom_handlers.clone(),
    };
    let collection = catalog::collect(&image, &registry, &identity, &selection, &options)?;
    let service_running = service_running(&image);
    let mut warnings = Vec::new();
    if service_running {
        warnings.push(running_warning(&identity));
    }
    warnings.extend(collection.warnings.iter().cloned());
    Ok(PreparedExport {
        identity,
        selection,
        collection,
        service_running,
        warnings,
        out: request.out.clone(),
    })
}

impl PreparedExport {
    /// The folder the archive goes to.
    pub fn destination(&self) -> &Path {
        &self.out
    }

    /// Writes the archive, encrypted with `password` when given.
    ///
    /// # Errors
    ///
    /// Whatever the archive writer reports (a full disk, an unreadable file, a cancellation);
    /// in every case no archive and no temporary file is left behind.
    pub fn write(
        self,
        password: Option<&SecretString>,
        progress: &dyn Progress,
    ) -> Result<ExportReport> {
        let created_dir = create_destination(&self.out)?;
        let result = self.write_archive(password, progress);
        if result.is_err() && created_dir {
            // Only an empty folder we made ourselves is removed; remove_dir refuses others.
            let _ = std::fs::remove_dir(&self.out);
        }
        result
    }

    fn write_archive(
        &self,
        password: Option<&SecretString>,
        progress: &dyn Progress,
    ) -> Result<ExportReport> {
        let header = ManifestHeader {
            server: self.identity.server.clone(),
            site: self.identity.site.clone(),
            kind: self.identity.kind,
            cic_version: self.identity.version,
            install_root: self.identity.install_path.clone(),
            created: free_second(&self.out, &self.identity.server),
        };
        let mut writer = ArchiveWriter::create(&self.out, header, password, progress)?;
        let mut components = Vec::new();
        for collected in &self.collection.components {
            writer.add_component(component_input(collected)?)?;
            components.push(summary(collected));
        }
        let archive = writer.finish()?;
        Ok(ExportReport {
            archive,
            components,
        })
    }
}

/// The current local time, or the next second when an export of this server already took
/// this second's file name (archive names go down to the second; scripts export back to back).
fn free_second(out: &Path, server: &str) -> chrono::DateTime<Local> {
    let mut now = Local::now();
    for _ in 0..3 {
        if !out.join(crate::archive::file_name(server, &now)).exists() {
            break;
        }
        let wait = 1_000_000_000 - u64::from(now.timestamp_subsec_nanos() % 1_000_000_000);
        std::thread::sleep(std::time::Duration::from_nanos(wait + 1_000_000));
        now = Local::now();
    }
    now
}

fn component_input(collected: &catalog::Collected) -> Result<ComponentInput> {
    let registry = if collected.roots.is_empty() {
        None
    } else {
        let mut bytes = Vec::new();
        regfile::write_export(&collected.tree, &mut bytes).map_err(|e| {
            Error::new(
                ErrorKind::Internal,
                format!("writing the registry data of {}: {e}", collected.name),
            )
        })?;
        Some(bytes)
    };
    let reason_pulled_in = match &collected.reason {
        Reason::Chosen => None,
        Reason::PulledIn { by, reason } => Some(format!("pulled in by {by}: {reason}")),
    };
    Ok(ComponentInput {
        name: collected.name.clone(),
        items: collected.items as u64,
        reason_pulled_in,
        registry,
        files: collected
            .files
            .iter()
            .map(|file| FileInput {
                archive_path: file.archive_path.clone(),
                source: file.source.clone(),
                size: file.size,
            })
            .collect(),
    })
}

fn summary(collected: &catalog::Collected) -> ComponentSummary {
    ComponentSummary {
        name: collected.name.clone(),
        reason: collected.reason.clone(),
        items: collected.items,
        keys: collected.keys,
        values: collected.values,
        files: collected.files.len(),
        file_bytes: collected.file_bytes(),
    }
}

/// Creates the destination when missing; says whether it did.
fn create_destination(out: &Path) -> Result<bool> {
    if out.is_dir() {
        return Ok(false);
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io("creating", out, e))?;
    Ok(true)
}

/// Whether the image says its service (CIC or Media Server) runs: the marker file
/// [`layout::SERVICE_RUNNING_MARKER`] in the image folder.
pub fn service_running(image: &ServerImage) -> bool {
    image.dir().join(layout::SERVICE_RUNNING_MARKER).exists()
}

fn running_warning(identity: &Identity) -> String {
    format!(
        "the service of {} is running: the export goes ahead, but it is processor-heavy and \
         may trigger a Switchover; stop the service or export from the backup server",
        identity.server
    )
}

/// Refuses `folder` when it is the install root `install` or lies inside it: files written
/// there could overwrite the server's own. `what` names the folder in the message ("the
/// export destination", "the extraction folder"). Links are resolved where the path exists.
///
/// # Errors
///
/// `Refused` with a hint to choose a folder outside the install tree.
pub fn refuse_inside_install(folder: &Path, install: &Path, what: &str) -> Result<()> {
    let folder_real = real_path(folder)?;
    let install_real = real_path(install)?;
    if folder_real.starts_with(&install_real) {
        let place = if folder_real == install_real {
            "is the install root"
        } else {
            "is inside the install tree"
        };
        return Err(Error::new(
            ErrorKind::Refused,
            format!("{what} {} {place} {}", folder.display(), install.display()),
        )
        .with_hint(
            "Choose a folder outside the install tree: critical server files could be \
             overwritten there.",
        ));
    }
    Ok(())
}

/// The absolute form of `path` with `.` and `..` removed and links resolved in the part that
/// exists.
fn real_path(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path).map_err(|e| Error::io("resolving", path, e))?;
    let mut lexical = PathBuf::new();
    for part in absolute.components() {
        match part {
            PathPart::CurDir => {}
            PathPart::ParentDir => {
                lexical.pop();
            }
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.clone();
    let mut missing = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => missing.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut real = existing.canonicalize().unwrap_or(existing);
    real.extend(missing.iter().rev());
    Ok(real)
}

#[cfg(test)]
mod tests;
