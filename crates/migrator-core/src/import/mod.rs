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
pub mod gates;
pub mod lock;
pub mod order;
pub mod plan;
pub mod progress;
pub mod report;
pub mod source;

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Local};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Incoming, RuleLog};
use crate::registry::RegTree;
use crate::restore::{self, RestorePoint};
use crate::server::{self, Identity, ServerImage};

use apply::{Applied, ApplyOptions, FaultHook};
use gates::{GateInput, ToolRelease};
use lock::ImportLock;
use plan::{ActionKind, Plan};
pub use progress::{Progress, Silent, Stage};
use report::{FailureReport, Report, StageTime, Status};
use source::{Origin, Source};

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
            _ => Err(Error::new(ErrorKind::Usage, format!("unknown import mode {text:?}"))
                .with_hint("Use --mode migration or --mode recovery.")),
        }
    }
}

/// Which components to import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selection {
    /// Every component of the archive.
    All,
    /// These, matched without regard to case.
    Only(Vec<String>),
}

impl Selection {
    /// Reads `all` or a comma-separated list such as `Users, Workgroups`.
    pub fn parse(text: &str) -> Selection {
        if text.trim().eq_ignore_ascii_case("all") {
            return Selection::All;
        }
        let names = text
            .split(',')
            .map(|name| name.trim().to_string())
            .filter(|name| !name.is_empty())
            .collect();
        Selection::Only(names)
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
    pub nodes: Selection,
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
    run.stage(Stage::OpenVerify, &run.archive.clone(), |_| source.verify(progress))?;
    let prepared = run.stage(Stage::Gates, "", |run| run.gates(source.origin()))?;
    let extract_to = request.extract_to.display().to_string();
    let mut incoming = run.stage(Stage::Extract, &extract_to, |run| {
        run.extract(source, &prepared.components)
    })?;
    let log = run.stage(Stage::Rules, "", |run| run.rules(&prepared, &mut incoming))?;
    let plan = run.stage(Stage::Plan, "", |_| {
        let install = prepared.image.install_dir();
        let target = plan::Target {
            tree: &prepared.tree,
            install_dir: &install,
        };
        plan::build(target, &incoming, &log, request.mode)
    })?;
    let mut warnings = prepared.warnings.clone();
    warnings.extend(plan_warnings(&plan, &log));
    if request.plan_only {
        return Ok(Outcome::Planned(Box::new(Planned {
            archive: run.archive,
            server: prepared.target.server,
            plan,
            warnings,
            log,
        })));
    }
    run.execute(prepared, plan, log, warnings, fault)
}

/// What the gates stage established.
struct Prepared {
    image: ServerImage,
    tree: RegTree,
    target: Identity,
    components: Vec<String>,
    warnings: Vec<String>,
    lock: Option<ImportLock>,
}

/// One import run: its request and the stages done so far.
struct Run<'a> {
    request: &'a Request,
    progress: &'a dyn Progress,
    stages: Vec<StageTime>,
    started: DateTime<Local>,
    archive: String,
}

impl Run<'_> {
    /// Runs one stage, reporting and timing it.
    fn stage<T>(&mut self, stage: Stage, detail: &str, work: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        self.progress.stage(stage, detail);
        let started = Local::now();
        let result = work(self);
        let seconds = (Local::now() - started).num_microseconds().unwrap_or(0) as f64 / 1e6;
        self.stages.push(StageTime {
            stage,
            detail: detail.to_string(),
            started,
            seconds,
        });
        if result.is_ok() {
            self.progress.stage_done(stage, detail);
        }
        result
    }

    fn gates(&mut self, origin: &Origin) -> Result<Prepared> {
        let request = self.request;
        let image = ServerImage::open(&request.server)?;
        let tree = image.load_registry()?;
        let target = server::identity(&tree, image.registry_file())?;
        let components = select(origin, &request.nodes)?;
        let input = GateInput {
            origin,
            tool: &ToolRelease::current(),
            target: &target,
            target_tree: &tree,
            image: &image,
            mode: request.mode,
            components: &components,
            extract_to: &request.extract_to,
            force: request.force,
        };
        let warnings = gates::check(&input)?;
        let lock = match request.plan_only {
            true => ImportLock::check_free(&image).map(|()| None)?,
            false => Some(ImportLock::acquire(&image, "import")?),
        };
        for warning in &warnings {
            self.progress.warn(warning);
        }
        Ok(Prepared {
            image,
            tree,
            target,
            components,
            warnings,
            lock,
        })
    }

    /// Extracts the chosen components; when that fails, a folder it created is removed again.
    fn extract(&mut self, source: &mut dyn Source, components: &[String]) -> Result<Vec<Incoming>> {
        let folder = &self.request.extract_to;
        let existed = folder.exists();
        let extracted = fs::create_dir_all(folder)
            .map_err(|e| Error::io("creating", folder, e))
            .and_then(|()| source.extract(components, folder, self.progress));
        if extracted.is_err() && !existed {
            let _ = fs::remove_dir_all(folder);
        }
        extracted
    }

    /// The migration rules adapt the data in Migration mode; Recovery imports it as it is.
    /// The rules are not part of this build yet, so Migration imports the data as it is too,
    /// without Recovery's gates.
    fn rules(&mut self, _prepared: &Prepared, _incoming: &mut [Incoming]) -> Result<RuleLog> {
        Ok(RuleLog::default())
    }

    fn execute(
        mut self,
        prepared: Prepared,
        plan: Plan,
        log: RuleLog,
        warnings: Vec<String>,
        fault: Option<&FaultHook>,
    ) -> Result<Outcome> {
        if self.progress.cancelled() {
            return Err(Error::new(ErrorKind::Input, "import cancelled by the user before any change")
                .with_hint("Nothing was written. Run the import again when ready."));
        }
        let image = &prepared.image;
        let folder = restore::new_run_folder(image)?;
        let point = match self.request.restore_point && !plan.is_empty() {
            true => {
                let taken = self.stage(Stage::RestorePoint, "", |run| {
                    restore::create(image, &folder, &plan, &run.archive)
                });
                if taken.is_err() {
                    let _ = fs::remove_dir_all(&folder);
                }
                Some(taken?)
            }
            false => None,
        };
        let applied = self.stage(Stage::Apply, "", |run| {
            let options = ApplyOptions {
                progress: run.progress,
                fault,
                stop_at_failure: point.is_some(),
            };
            Ok(apply::apply(image, prepared.tree.clone(), &plan, options))
        })?;
        let mut report = self.report(&prepared, plan, log, warnings, applied, point.as_ref(), &folder);
        self.stage(Stage::Report, &folder.display().to_string(), |_| Ok(()))?;
        report.stages = self.stages;
        report.write(&folder, self.request.per_item_report)?;
        drop(prepared.lock);
        Ok(Outcome::Imported(Box::new(report)))
    }

    /// Builds the report; after a failure, rolls back first when a restore point exists.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &mut self,
        prepared: &Prepared,
        plan: Plan,
        log: RuleLog,
        mut warnings: Vec<String>,
        applied: Applied,
        point: Option<&RestorePoint>,
        folder: &Path,
    ) -> Report {
        let Applied {
            mut outcomes,
            failure,
            cancelled: _,
        } = applied;
        let mut rollback = None;
        let failure = failure.map(|failure| {
            let item = format!("{} ({})", failure.item, failure.component);
            match point {
                Some(point) => {
                    let undone = self.stage(Stage::Rollback, point.name(), |_| {
                        restore::rollback(&prepared.image, point)
                    });
                    mark_undone(&plan, &mut outcomes);
                    let report = rolled_back(&item, &failure.error, point, &prepared.image, undone.as_ref());
                    if let Ok(done) = undone {
                        warnings.extend(done.warnings.iter().cloned());
                        rollback = Some(done);
                    }
                    report
                }
                None => not_rolled_back(&item, &failure.error),
            }
        });
        let status = match (&failure, warnings.is_empty()) {
            (Some(_), _) => Status::Failed,
            (None, true) => Status::Completed,
            (None, false) => Status::CompletedWithWarnings,
        };
        let counts = report::counts(&plan, Some(&outcomes));
        Report {
            status,
            mode: self.request.mode,
            archive: self.archive.clone(),
            server: prepared.target.server.clone(),
            started: self.started,
            finished: Local::now(),
            stages: Vec::new(),
            counts,
            plan,
            outcomes,
            warnings,
            failure,
            rollback,
            restore_point: point.map(|p| p.name().to_string()),
            folder: Some(folder.to_path_buf()),
            log,
        }
    }
}

/// After a rollback, no write of the plan remains: every writing action that ran is undone.
fn mark_undone(plan: &Plan, outcomes: &mut [apply::Outcome]) {
    for (action, outcome) in plan.actions.iter().zip(outcomes.iter_mut()) {
        if action.kind.writes() && *outcome == apply::Outcome::Done {
            *outcome = apply::Outcome::Failed("undone by the rollback".into());
        }
    }
}

fn rolled_back(
    item: &str,
    cause: &Error,
    point: &RestorePoint,
    image: &ServerImage,
    undone: std::result::Result<&restore::Rollback, &Error>,
) -> FailureReport {
    match undone {
        Ok(_) => FailureReport {
            kind: ErrorKind::RolledBack,
            message: format!(
                "import failed at {item}: {}; the server was rolled back to restore point {}",
                cause.message(),
                point.name()
            ),
            hint: Some(format!(
                "{}The server is as it was before the import.",
                cause.hint().map(|h| format!("{h} ")).unwrap_or_default()
            )),
        },
        Err(error) => FailureReport {
            kind: ErrorKind::Input,
            message: format!(
                "import failed at {item}: {}; rolling back failed too: {}",
                cause.message(),
                error.message()
            ),
            hint: Some(format!(
                "Fix the cause, then run `migrator rollback --server {} {}`.",
                image.dir().display(),
                point.name()
            )),
        },
    }
}

fn not_rolled_back(item: &str, cause: &Error) -> FailureReport {
    FailureReport {
        kind: cause.kind(),
        message: format!(
            "import failed at {item}: {}; other items were imported and nothing was rolled back \
             (no restore point)",
            cause.message()
        ),
        hint: Some(
            "Fix the cause and run the import again: items already imported are unchanged then."
                .into(),
        ),
    }
}

/// The components chosen, in the archive's spelling; unknown names are a usage error.
fn select(origin: &Origin, nodes: &Selection) -> Result<Vec<String>> {
    let Selection::Only(names) = nodes else {
        return Ok(origin.components.clone());
    };
    let mut chosen = Vec::new();
    for name in names {
        let found = origin
            .components
            .iter()
            .find(|c| c.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::new(ErrorKind::Usage, format!("the archive has no component {name:?}"))
                    .with_hint(format!("It holds: {}.", origin.components.join(", ")))
            })?;
        if !chosen.contains(found) {
            chosen.push(found.clone());
        }
    }
    Ok(chosen)
}

/// Warnings the plan itself raises: files kept although they differ, names no rule rewrote.
fn plan_warnings(plan: &Plan, log: &RuleLog) -> Vec<String> {
    let mut warnings: Vec<String> = plan
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::KeepFile)
        .map(|a| format!("{} ({}): kept the server's file, which differs from the archive's", a.item.path(), a.component))
        .collect();
    warnings.extend(
        log.unresolved
            .iter()
            .map(|u| format!("{}: old name {:?} left as it is", u.path, u.name)),
    );
    warnings
}
