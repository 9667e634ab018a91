//! Checking a whole archive without extracting it: every component is decrypted, its SHA-256
//! compared with the manifest's, its inner ZIP opened and every entry read to the end (on
//! every core), which checks each entry's CRC-32. Faults are collected per component, so one
//! damaged component does not hide another. For an import, [`Archive::verify_for_extraction`]
//! leaves the CRC-32 checks to extraction and keeps the checked components for it.

use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

use serde::Serialize;

use super::manifest::ComponentRecord;
use super::parallel::{self, Inner};
use super::reader::{read_problem, Archive, Fault, InnerEntry};
use super::stream::{self, CopyControl, CopyError};
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// The outcome of checking one component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComponentCheck {
    /// The component's name.
    pub name: String,
    /// Its outer entry.
    pub entry: String,
    /// What is wrong with it; `None` when it is sound.
    pub problem: Option<String>,
}

/// The outcome of [`Archive::verify`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// The archive checked.
    pub archive: PathBuf,
    /// Every component, in manifest order.
    pub components: Vec<ComponentCheck>,
}

impl VerifyReport {
    /// Whether every component is sound.
    pub fn is_sound(&self) -> bool {
        self.components.iter().all(|c| c.problem.is_none())
    }

    /// The components with a problem.
    pub fn damaged(&self) -> impl Iterator<Item = &ComponentCheck> {
        self.components.iter().filter(|c| c.problem.is_some())
    }

    /// The report when sound, else a `DamagedArchive` error naming every damaged component.
    ///
    /// # Errors
    ///
    /// `DamagedArchive` as described.
    pub fn into_result(self) -> Result<VerifyReport> {
        if self.is_sound() {
            return Ok(self);
        }
        let faults: Vec<String> = self
            .damaged()
            .map(|c| {
                let problem = c.problem.as_deref().unwrap_or_default();
                format!("component {} ({}): {problem}", c.name, c.entry)
            })
            .collect();
        Err(Error::new(
            ErrorKind::DamagedArchive,
            format!(
                "{} is damaged: {}",
                self.archive.display(),
                faults.join("; ")
            ),
        )
        .with_hint("If the file was copied, copy it again in full; otherwise export again."))
    }
}

/// Sound components as [`Archive::verify_keeping`] decrypted them, each in an unnamed
/// temporary file that only this process can reach, so they can be extracted without being
/// read and checked again. The files go when this is dropped.
#[derive(Debug, Default)]
pub struct Verified {
    files: Vec<(String, File)>,
}

impl Verified {
    /// Takes the copy of the component whose outer entry is `entry`, if one was kept.
    pub(super) fn take(&mut self, entry: &str) -> Option<File> {
        let index = self.files.iter().position(|(name, _)| name == entry)?;
        Some(self.files.swap_remove(index).1)
    }

    fn bytes(&self) -> u64 {
        self.files
            .iter()
            .filter_map(|(_, file)| file.metadata().ok())
            .map(|meta| meta.len())
            .sum()
    }
}

/// How far [`Archive::verify_all`] goes.
#[derive(Clone, Copy)]
struct Check {
    /// Whether every entry is inflated to check its CRC-32.
    entries: bool,
    /// The most bytes of decrypted components kept for extraction.
    budget: u64,
}

impl Archive {
    /// Decrypts and checks every component; spools each through an unnamed temporary file
    /// in the system's temporary folder.
    ///
    /// # Errors
    ///
    /// `Input` when the archive or the temporary folder cannot be read or written, or the
    /// user cancelled. Damage is not an error here: it is in the report.
    pub fn verify(&self, progress: &dyn Progress) -> Result<VerifyReport> {
        let check = Check {
            entries: true,
            budget: 0,
        };
        self.verify_with(progress, check).map(|(report, _)| report)
    }

    /// [`Archive::verify`], keeping the decrypted copies of sound components while they take
    /// at most `budget` bytes of the temporary folder in all, for
    /// [`Archive::extract_verified`]. Should the temporary folder fill up, the copies are
    /// let go and the check goes on without them.
    ///
    /// # Errors
    ///
    /// As [`Archive::verify`].
    pub fn verify_keeping(
        &self,
        progress: &dyn Progress,
        budget: u64,
    ) -> Result<(VerifyReport, Verified)> {
        let check = Check {
            entries: true,
            budget,
        };
        self.verify_with(progress, check)
    }

    /// What extraction relies on, for a caller that extracts next: each component decrypted
    /// and compared with the manifest's SHA-256, its inner ZIP opened and every entry's name,
    /// size and expansion checked, as [`Archive::verify_keeping`] does, but the entries are
    /// not inflated: extraction checks each one's CRC-32 as it writes it, and removes what it
    /// wrote when one fails.
    ///
    /// # Errors
    ///
    /// As [`Archive::verify`].
    pub fn verify_for_extraction(
        &self,
        progress: &dyn Progress,
        budget: u64,
    ) -> Result<(VerifyReport, Verified)> {
        let check = Check {
            entries: false,
            budget,
        };
        self.verify_with(progress, check)
    }

    fn verify_with(
        &self,
        progress: &dyn Progress,
        check: Check,
    ) -> Result<(VerifyReport, Verified)> {
        let records = &self.manifest().components;
        let total = records
            .iter()
            .map(|r| r.size + if check.entries { r.bytes } else { 0 })
            .sum();
        progress.start_phase("verifying", records.len() as u64, total);
        let result = self.verify_all(progress, check);
        progress.end_phase();
        result
    }

    fn verify_all(
        &self,
        progress: &dyn Progress,
        check: Check,
    ) -> Result<(VerifyReport, Verified)> {
        let mut outer = self.outer()?;
        let temp_dir = std::env::temp_dir();
        let control = CopyControl {
            progress,
            abort: None,
            report_bytes: true,
        };
        let mut components = Vec::new();
        let mut verified = Verified::default();
        let mut budget = check.budget;
        for record in &self.manifest().components {
            let keep = verified.bytes().saturating_add(record.size) <= budget;
            let mut checked =
                self.check_component(&mut outer, record, &temp_dir, check.entries, keep, control);
            if matches!(checked, Err(Fault::Fatal(_))) && !verified.files.is_empty() {
                // Perhaps the kept copies filled the temporary folder: without them, once more.
                verified = Verified::default();
                budget = 0;
                checked = self.check_component(
                    &mut outer,
                    record,
                    &temp_dir,
                    check.entries,
                    false,
                    control,
                );
            }
            let problem = match checked {
                Ok(Some(file)) => {
                    verified.files.push((record.entry.clone(), file));
                    None
                }
                Ok(None) => None,
                Err(Fault::Damaged(problem) | Fault::Refused(problem)) => Some(problem),
                Err(Fault::Fatal(error)) => return Err(error),
            };
            components.push(ComponentCheck {
                name: record.name.clone(),
                entry: record.entry.clone(),
                problem,
            });
            progress.advance(1, 0);
        }
        let report = VerifyReport {
            archive: self.path().to_path_buf(),
            components,
        };
        Ok((report, verified))
    }

    /// Checks one component, each entry's data too when `entries` says so; returns its
    /// decrypted copy when `keep` says so.
    fn check_component(
        &self,
        outer: &mut super::reader::Outer,
        record: &ComponentRecord,
        temp_dir: &std::path::Path,
        entries: bool,
        keep: bool,
        control: CopyControl<'_>,
    ) -> Result<Option<File>, Fault> {
        let spooled = self.spool(outer, record, temp_dir, control)?;
        let kept = match keep {
            true => Some(
                spooled
                    .try_clone()
                    .map_err(|e| Error::io("keeping a temporary file in", temp_dir, e))?,
            ),
            false => None,
        };
        let (inner, list) = self.open_inner(spooled, record)?;
        if entries {
            parallel::each_entry(&inner, &list, |inner, entry| {
                read_entry(inner, entry, control)
            })?;
        }
        Ok(kept)
    }
}

/// Reads one inner entry to its end, which makes the ZIP reader check its CRC-32.
fn read_entry(
    inner: &mut Inner,
    entry: &InnerEntry,
    control: CopyControl<'_>,
) -> Result<(), Fault> {
    let mut file = inner
        .by_index(entry.index)
        .map_err(|e| Fault::Damaged(format!("file {}: {e}", entry.name)))?;
    let copied = stream::copy(
        &mut file as &mut dyn Read,
        &mut io::sink(),
        entry.size,
        None,
        control,
    );
    match copied {
        Ok(size) if size == entry.size => Ok(()),
        Ok(_) | Err(CopyError::TooLong) => Err(Fault::Damaged(format!(
            "file {}: its size differs from its header",
            entry.name
        ))),
        Err(CopyError::Read(e)) => Err(Fault::Damaged(format!(
            "file {}: {}",
            entry.name,
            read_problem(&e)
        ))),
        Err(CopyError::Write(e)) => {
            Err(Fault::Fatal(Error::new(ErrorKind::Internal, e.to_string())))
        }
        Err(CopyError::Stopped) => Err(Fault::Fatal(super::cancelled())),
    }
}
