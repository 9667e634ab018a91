//! The import's [`Source`] for `.ininmigr` archives: opens and verifies them with
//! [`Archive`], extracts each chosen component into its own folder, and reads it into
//! [`Incoming`] data following the component's import policy from the catalog. The checked
//! components stay decrypted in unnamed temporary files (up to 2 GiB in all) from
//! verification to extraction, which then neither reads nor checks them again.
//!
//! One import run extracts into a new folder `<extraction folder>/<archive name>` (with a
//! number added when an earlier run left one), so no earlier extraction is ever overwritten.
//! When any component fails to extract, that folder is removed again.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use crate::archive::{Archive, ExtractedComponent, Verified, VerifyReport};
use crate::catalog::{RegistryPolicy, Special};
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Destination, Incoming, IncomingFile};
use crate::layout;
use crate::progress::Progress;
use crate::registry::{is_within, join, regfile, RegTree};

use super::order;
use super::source::{Origin, Source};

/// The rule name shown for registry data a component's policy leaves out.
pub const NOT_IMPORTED: &str = "import policy: not imported";

/// The most bytes of checked components kept decrypted in the temporary folder between
/// verification and extraction, so extraction need not read and check them again.
const KEPT_BYTES: u64 = 2 << 30;

/// An opened archive as the import's source.
pub struct ArchiveSource {
    archive: Archive,
    /// The components verification checked and kept, until they are extracted.
    verified: Verified,
    /// What verification found, component by component.
    checked: Option<VerifyReport>,
    /// The archive's full path, as reports and restore points name it.
    name: String,
    origin: Origin,
    extracted_to: Option<PathBuf>,
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
            install_root: manifest.install_root.clone(),
            components: manifest.components.iter().map(|c| c.name.clone()).collect(),
        };
        let name = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        Ok(ArchiveSource {
            archive,
            verified: Verified::default(),
            checked: None,
            name: name.display().to_string(),
            origin,
            extracted_to: None,
        })
    }

    fn extract_all(
        &mut self,
        components: &[String],
        base: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Incoming>> {
        let mut incoming = Vec::with_capacity(components.len());
        for name in components {
            let folder = base.join(safe_name(name));
            fs::create_dir(&folder).map_err(|e| Error::io("creating", &folder, e))?;
            let extracted =
                self.archive
                    .extract_verified(name, &folder, &mut self.verified, progress)?;
            incoming.push(read_extracted(extracted, &self.origin)?);
        }
        Ok(incoming)
    }
}

/// Reads an extracted component following its import policy.
fn read_extracted(extracted: ExtractedComponent, origin: &Origin) -> Result<Incoming> {
    let tree = match &extracted.registry {
        Some(bytes) => {
            let options =
                regfile::ReadOptions::new(format!("registry data of component {}", extracted.name));
            let parsed = regfile::parse(bytes, &options).map_err(|e| {
                Error::new(ErrorKind::DamagedArchive, e.to_string())
                    .with_hint("The archive was altered or not written by migrator: export again.")
            })?;
            parsed.to_tree()
        }
        None => RegTree::new(),
    };
    let files = extracted
        .files
        .into_iter()
        .map(|file| (file.archive_path, file.path))
        .collect();
    Ok(component_incoming(&extracted.name, tree, files, origin))
}

/// A component's data as extracted: every file bound for its install-relative path with the
/// component's file policy from the catalog, and registry data the catalog does not import
/// excluded (under the source's names; [`apply_policy`] repeats it after the rules rename).
/// `files` are `(archive path, extracted copy)` pairs.
pub(crate) fn component_incoming(
    name: &str,
    tree: RegTree,
    files: Vec<(String, PathBuf)>,
    origin: &Origin,
) -> Incoming {
    let policy = order::policy(name);
    let mut incoming = Incoming::new(name);
    incoming.tree = tree;
    apply_registry_policy(&mut incoming, &origin.site, &origin.server);
    incoming.files = files
        .into_iter()
        .map(|(archive_path, source)| IncomingFile {
            destination: Destination::Install(archive_path.replace('/', "\\")),
            archive_path,
            source,
            policy: policy.files,
        })
        .collect();
    incoming
}

/// Applies the component's import policy where no rule did: registry data the catalog says
/// is not imported is excluded, files it says stay in the extraction folder are kept there.
/// `site` and `server` are the names the data carries after the rules.
pub(crate) fn apply_policy(incoming: &mut Incoming, site: &str, server: &str) {
    apply_registry_policy(incoming, site, server);
    let Some(component) = order::lookup(&incoming.component) else {
        return;
    };
    if component.import.has(Special::FilesExtractOnly) {
        for file in &mut incoming.files {
            file.destination = Destination::ExtractOnly;
        }
    }
}

/// Excludes the registry data of a component the catalog does not import.
fn apply_registry_policy(incoming: &mut Incoming, site: &str, server: &str) {
    let Some(component) = order::lookup(&incoming.component) else {
        return;
    };
    if component.import.registry == RegistryPolicy::NotImported {
        for path in component.registry {
            let path = join(layout::II_KEY, &layout::resolve(path, site, server));
            let excluded = incoming.excluded.iter().any(|(p, _)| is_within(&path, p));
            if !excluded && incoming.tree.find(&path).is_some() {
                incoming.excluded.push((path, NOT_IMPORTED));
            }
        }
    }
}

impl Source for ArchiveSource {
    fn describe(&self) -> String {
        self.name.clone()
    }

    fn origin(&self) -> &Origin {
        &self.origin
    }

    fn verify(&mut self, progress: &dyn Progress) -> Result<()> {
        // Extraction checks each entry's CRC-32 as it writes it: here the rest.
        let (report, verified) = self.archive.verify_for_extraction(progress, KEPT_BYTES)?;
        self.checked = Some(report);
        self.verified = verified;
        Ok(())
    }

    fn damage(&self, components: &[String]) -> Result<Vec<String>> {
        let Some(report) = &self.checked else {
            return Ok(Vec::new());
        };
        let (hit, spared): (Vec<_>, Vec<_>) = report
            .damaged()
            .cloned()
            .partition(|c| components.contains(&c.name));
        if !hit.is_empty() {
            let intact: Vec<&str> = report
                .components
                .iter()
                .filter(|c| c.problem.is_none())
                .map(|c| c.name.as_str())
                .collect();
            let only_damaged = VerifyReport {
                archive: report.archive.clone(),
                components: hit,
            };
            let error = only_damaged.into_result().expect_err("damaged components");
            return Err(match intact.is_empty() {
                true => error,
                false => {
                    let hint = format!(
                        "{} To import the intact components now, name them with --nodes: {}.",
                        error.hint().unwrap_or_default(),
                        intact.join(", ")
                    );
                    error.with_hint(hint)
                }
            });
        }
        Ok(spared
            .iter()
            .map(|c| {
                format!(
                    "component {} of the archive is damaged ({}); it is not imported",
                    c.name,
                    c.problem.as_deref().unwrap_or_default()
                )
            })
            .collect())
    }

    fn extract(
        &mut self,
        components: &[String],
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Incoming>> {
        let base = new_folder(dir, &archive_stem(self.archive.path()))?;
        let extracted = self.extract_all(components, &base, progress);
        // What was kept for components not chosen goes now.
        self.verified = Verified::default();
        match extracted.is_err() {
            true => {
                let _ = fs::remove_dir_all(&base);
            }
            false => self.extracted_to = Some(base),
        }
        extracted
    }

    fn extraction_folder(&self) -> Option<&Path> {
        self.extracted_to.as_deref()
    }
}

fn archive_stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| safe_name(&stem.to_string_lossy()))
        .unwrap_or_else(|| "archive".to_string())
}

/// Creates `dir/name`, or `dir/name-2` and so on when taken.
pub(crate) fn new_folder(dir: &Path, name: &str) -> Result<PathBuf> {
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
