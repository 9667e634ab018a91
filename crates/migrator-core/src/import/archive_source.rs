//! The import's [`Source`] for `.ininmigr` archives: opens and verifies them with
//! [`Archive`], extracts each chosen component into its own folder, and reads it into
//! [`Incoming`] data following the component's import policy from the catalog.
//!
//! One import run extracts into a new folder `<extraction folder>/<archive name>` (with a
//! number added when an earlier run left one), so no earlier extraction is ever overwritten.
//! When any component fails to extract, that folder is removed again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::archive::{Archive, ExtractedComponent};
use crate::catalog::{ImportPolicy, RegistryPolicy, Special};
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Destination, Incoming, IncomingFile};
use crate::layout;
use crate::progress::Progress;
use crate::registry::{join, regfile};

use super::order;
use super::source::{Origin, Source};

/// The rule name shown for registry data a component's policy leaves out.
pub const NOT_IMPORTED: &str = "import policy: not imported";

/// An opened archive as the import's source.
pub struct ArchiveSource {
    archive: Archive,
    origin: Origin,
}

impl ArchiveSource {
    /// Opens the archive at `path` with `password`.
    ///
    /// # Errors
    ///
    /// `WrongPassword`, `DamagedArchive` or `Input`, as [`Archive::open`].
    pub fn open(path: &Path, password: Option<&SecretString>) -> Result<ArchiveSource> {
        let archive = Archive::open(path, password)?;
        let manifest = archive.manifest();
        let origin = Origin {
            tool_version: manifest.tool_version.clone(),
            tool_build: manifest.build.clone(),
            server: manifest.server.clone(),
            site: manifest.site.clone(),
            kind: manifest.kind,
            cic_version: manifest.cic_version,
            components: manifest.components.iter().map(|c| c.name.clone()).collect(),
        };
        Ok(ArchiveSource { archive, origin })
    }

    fn extract_all(
        &self,
        components: &[String],
        base: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Incoming>> {
        let mut incoming = Vec::with_capacity(components.len());
        for name in components {
            let folder = base.join(safe_name(name));
            fs::create_dir(&folder).map_err(|e| Error::io("creating", &folder, e))?;
            let extracted = self.archive.extract_component(name, &folder, progress)?;
            incoming.push(self.incoming(extracted)?);
        }
        Ok(incoming)
    }

    /// Reads an extracted component following its import policy.
    fn incoming(&self, extracted: ExtractedComponent) -> Result<Incoming> {
        let policy = order::policy(&extracted.name);
        let mut incoming = Incoming::new(extracted.name.clone());
        if let Some(bytes) = &extracted.registry {
            let options =
                regfile::ReadOptions::new(format!("registry data of component {}", extracted.name));
            let parsed = regfile::parse(bytes, &options).map_err(|e| {
                Error::new(ErrorKind::DamagedArchive, e.to_string())
                    .with_hint("The archive was altered or not written by migrator: export again.")
            })?;
            incoming.tree = parsed.to_tree();
        }
        if policy.registry == RegistryPolicy::NotImported {
            incoming.excluded = self.policy_exclusions(&incoming);
        }
        incoming.files = extracted
            .files
            .into_iter()
            .map(|file| IncomingFile {
                destination: destination(&policy, &file.archive_path),
                archive_path: file.archive_path,
                source: file.path,
                policy: policy.files,
            })
            .collect();
        Ok(incoming)
    }

    /// The component's registry locations present in its data, all left out.
    fn policy_exclusions(&self, incoming: &Incoming) -> Vec<(String, &'static str)> {
        let Some(component) = order::lookup(&incoming.component) else {
            return Vec::new();
        };
        component
            .registry
            .iter()
            .map(|path| layout::resolve(path, &self.origin.site, &self.origin.server))
            .map(|path| join(layout::II_KEY, &path))
            .filter(|path| incoming.tree.find(path).is_some())
            .map(|path| (path, NOT_IMPORTED))
            .collect()
    }
}

fn destination(policy: &ImportPolicy, archive_path: &str) -> Destination {
    match policy.has(Special::FilesExtractOnly) {
        true => Destination::ExtractOnly,
        false => Destination::Install(archive_path.replace('/', "\\")),
    }
}

impl Source for ArchiveSource {
    fn describe(&self) -> String {
        self.archive.path().display().to_string()
    }

    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn verify(&mut self, progress: &dyn Progress) -> Result<()> {
        self.archive.verify(progress)?.into_result().map(|_| ())
    }

    fn extract(
        &mut self,
        components: &[String],
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Incoming>> {
        let base = new_folder(dir, &archive_stem(self.archive.path()))?;
        let extracted = self.extract_all(components, &base, progress);
        if extracted.is_err() {
            let _ = fs::remove_dir_all(&base);
        }
        extracted
    }
}

fn archive_stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| safe_name(&stem.to_string_lossy()))
        .unwrap_or_else(|| "archive".to_string())
}

/// Creates `dir/name`, or `dir/name-2` and so on when taken.
fn new_folder(dir: &Path, name: &str) -> Result<PathBuf> {
    for attempt in 1u32.. {
        let folder = match attempt {
            1 => dir.join(name),
            n => dir.join(format!("{name}-{n}")),
        };
        match fs::create_dir(&folder) {
            Ok(()) => return Ok(folder),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(Error::io("creating", &folder, e)),
        }
    }
    unreachable!("the attempts never end")
}

/// A component name as a folder name: characters Windows forbids become `_`.
fn safe_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| match c {
            '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*' => '_',
            c if c.is_control() => '_',
            c => c,
        })
        .collect();
    let safe = safe.trim_end_matches(['.', ' ']).to_string();
    match safe.trim_start_matches('.').is_empty() {
        true => "component".to_string(),
        false => safe,
    }
}
