//! Checking a whole archive without extracting it: every component is decrypted, its SHA-256
//! compared with the manifest's, its inner ZIP opened and every entry read to the end (on
//! every core), which checks each entry's CRC-32. Faults are collected per component, so one
//! damaged component does not hide another.

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

impl Archive {
    /// Decrypts and checks every component; spools each through an unnamed temporary file
    /// in the system's temporary folder.
    ///
    /// # Errors
    ///
    /// `Input` when the archive or the temporary folder cannot be read or written, or the
    /// user cancelled. Damage is not an error here: it is in the report.
    pub fn verify(&self, progress: &dyn Progress) -> Result<VerifyReport> {
        let records = &self.manifest().components;
        let total = records.iter().map(|r| r.size + r.bytes).sum();
        progress.start_phase("verifying", records.len() as u64, total);
        let result = self.verify_all(progress);
        progress.end_phase();
        result
    }

    fn verify_all(&self, progress: &dyn Progress) -> Result<VerifyReport> {
        let mut outer = self.outer()?;
        let temp_dir = std::env::temp_dir();
        let control = CopyControl {
            progress,
            abort: None,
            report_bytes: true,
        };
        let mut components = Vec::new();
        for record in &self.manifest().components {
            let problem = match self.check_component(&mut outer, record, &temp_dir, control) {
                Ok(()) => None,
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
        Ok(VerifyReport {
            archive: self.path().to_path_buf(),
            components,
        })
    }

    fn check_component(
        &self,
        outer: &mut super::reader::Outer,
        record: &ComponentRecord,
        temp_dir: &std::path::Path,
        control: CopyControl<'_>,
    ) -> Result<(), Fault> {
        let spooled = self.spool(outer, record, temp_dir, control)?;
        let (inner, entries) = self.open_inner(spooled, record)?;
        parallel::each_entry(&inner, &entries, |inner, entry| {
            read_entry(inner, entry, control)
        })?;
        Ok(())
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
