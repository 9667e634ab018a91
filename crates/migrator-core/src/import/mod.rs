//! The import: carries an archive's components onto a server, in Recovery mode (the same
//! server, data as it is) or Migration mode (another server or release, through the migration
//! rules).
//!
//! [`run`] goes through the stages in order, reporting each to a [`Progress`]: open and verify
//! the archive; the [`gates`] (nothing is written before they all pass, and the [`lock`] is
//! held from then on); extraction; the rules; the [`plan`]; a restore point
//! ([`crate::restore`]); [`apply`]; the [`report`]. A failure while applying rolls the server
//! back by itself when a restore point was taken.

pub mod apply;
pub mod archive_source;
#[cfg(test)]
pub(crate) mod fixture;
pub mod gates;
pub mod lock;
pub mod order;
pub mod plan;
pub mod report;
mod run;
pub mod select;
pub mod source;
pub mod stage;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use chrono::Local;
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::incoming::RuleLog;
use crate::progress::Progress;

use apply::FaultHook;
use plan::Plan;
use report::Report;
use run::Run;
pub use select::Nodes;
use source::Source;
pub use stage::Stage;

/// How the archive's data is treated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Onto another server or release: the migration rules adapt the data.
    Migration,
    /// Back onto the server it came from, as it is.
    Recovery,
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Mode::Migration => "migration",
            Mode::Recovery => "recovery",
        })
    }
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(text: &str) -> Result<Mode> {
        match text.to_ascii_lowercase().as_str() {
            "migration" => Ok(Mode::Migration),
            "recovery" => Ok(Mode::Recovery),
            _ => Err(
                Error::new(ErrorKind::Usage, format!("unknown import mode {text:?}"))
                    .with_hint("Use --mode migration or --mode recovery."),
            ),
        }
    }
}

/// What the user asked for.
#[derive(Clone, Debug)]
pub struct Request {
    /// The target server image.
    pub server: PathBuf,
    /// The extraction folder (created when missing).
    pub extract_to: PathBuf,
    /// Recovery or Migration.
    pub mode: Mode,
    /// The components to import.
    pub nodes: Nodes,
    /// Take a restore point before the first write.
    pub restore_point: bool,
    /// Stop after the plan: change nothing on the server.
    pub plan_only: bool,
    /// Override the gates that allow it.
    pub force: bool,
    /// Leave out the Recordings Rescue ID of Interaction Recorder (development targets).
    pub dev_mode: bool,
    /// `OLD=NEW` server name mapping for the rules.
    pub map_server: Option<(String, String)>,
    /// `OLD=NEW` site name mapping for the rules.
    pub map_site: Option<(String, String)>,
    /// Also write the per-item JSON report beside the restore point.
    pub per_item_report: bool,
}

/// A plan made with `--plan`, with what it needs to be shown.
#[derive(Clone, Debug)]
pub struct Planned {
    /// The archive.
    pub archive: String,
    /// The target server's name.
    pub server: String,
    /// The plan.
    pub plan: Plan,
    /// Components added by the pull rules, and those the archive lacks.
    pub notes: Vec<String>,
    /// Warnings of overridden gates and of the plan.
    pub warnings: Vec<String>,
    /// What the rules did.
    pub log: RuleLog,
}

/// How [`run`] ended, when it got as far as planning.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// `--plan`: the plan, nothing changed.
    Planned(Box<Planned>),
    /// The import ran; its report says how it ended (it may have failed and rolled back).
    Imported(Box<Report>),
}

/// Runs an import of `source` as `request` says.
///
/// # Errors
///
/// Everything that stops an import before it writes: a wrong password or damaged archive
/// (from the source), a refused gate, a held lock, an unknown component, a failed extraction
/// or restore point. Failures while applying are not errors: they end in a report with status
/// Failed, after the automatic rollback.
pub fn run(request: &Request, source: &mut dyn Source, progress: &dyn Progress) -> Result<Outcome> {
    run_with_fault(request, source, progress, None)
}

/// [`run`], with a hook that can make any write fail (for tests of the rollback).
///
/// # Errors
///
/// As [`run`].
pub fn run_with_fault(
    request: &Request,
    source: &mut dyn Source,
    progress: &dyn Progress,
    fault: Option<&FaultHook>,
) -> Result<Outcome> {
    let mut run = Run {
        request,
        progress,
        stages: Vec::new(),
        started: Local::now(),
        archive: source.describe(),
    };
    let archive = run.archive.clone();
    run.stage(Stage::OpenVerify, &archive, |_| source.verify(progress))?;
    let prepared = run.stage(Stage::Gates, "", |run| run.gates(source.origin()))?;
    let folder = request.extract_to.display().to_string();
    let mut incoming = run.stage(Stage::Extract, &folder, |run| {
        run.extract(source, &prepared.chosen.components)
    })?;
    let log = run.stage(Stage::Rules, "", |run| run.rules(&prepared, &mut incoming))?;
    let planning = run.stage(Stage::Plan, "", |run| run.plan(&prepared, &incoming, log))?;
    match request.plan_only {
        true => Ok(run.planned(prepared, planning)),
        false => run.execute(prepared, planning, fault),
    }
}

#[cfg(test)]
mod tests;
