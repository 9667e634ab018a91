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

use std::path::PathBuf;

use chrono::Local;

use crate::checklist::Checklist;
use crate::error::Result;
pub use crate::incoming::ImportMode as Mode;
use crate::incoming::RuleLog;
use crate::progress::Progress;
use crate::rules::NameMapping;

use apply::FaultHook;
use plan::Plan;
use report::Report;
use run::Run;
pub use select::Nodes;
use source::Source;
pub use stage::Stage;

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
    /// `--map-server OLD=NEW`: server names the rules map, overriding the target's.
    pub map_server: Vec<NameMapping>,
    /// `--map-site OLD=NEW`: site names the rules map, overriding the target's.
    pub map_site: Vec<NameMapping>,
    /// The target uses another telephony platform: lines, line groups and stations are not
    /// imported.
    pub new_telephony_platform: bool,
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
    /// The steps the administrator will have to take after the import.
    pub checklist: Checklist,
    /// The stages run, with their times.
    pub stages: Vec<report::StageTime>,
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
        scratch: Vec::new(),
        extraction: None,
    };
    let archive = run.archive.clone();
    run.stage(Stage::OpenVerify, &archive, |_| source.verify(progress))?;
    let prepared = run.stage(Stage::Gates, "", |run| run.gates(&*source))?;
    let folder = request.extract_to.display().to_string();
    let mut incoming = run.stage(Stage::Extract, &folder, |run| {
        run.extract(source, &prepared.chosen.components)
    })?;
    let origin = source.origin();
    let rules = run.stage(Stage::Rules, "", |run| {
        run.rules(&prepared, origin, &mut incoming)
    });
    let planning = rules
        .and_then(|rules| run.stage(Stage::Plan, "", |run| run.plan(&prepared, &incoming, rules)));
    let planning = planning.inspect_err(|_| run.discard_scratch())?;
    // The plan carries every value and file path it needs; the incoming trees can go.
    drop(incoming);
    match request.plan_only {
        true => Ok(run.planned(prepared, planning)),
        false => run.execute(prepared, planning, fault),
    }
}

#[cfg(test)]
mod tests;
