//! One import run, stage by stage: each stage is logged when it starts and ends, shown as a
//! progress phase and timed for the report. Everything up to the plan writes nothing to the
//! server; from the restore point on, a failure ends in a rollback and a Failed report rather
//! than an error.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};

use crate::checklist::{self, Checklist};
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Incoming, RuleLog};
use crate::layout;
use crate::progress::Progress;
use crate::registry::{same_name, RegTree};
use crate::restore::{self, RestorePoint, Rollback};
use crate::rules::{self, RuleContext, RuleOptions};
use crate::server::{self, Identity, ServerImage};

use super::apply::{self, Applied, ApplyOptions, FaultHook, Outcome as ItemOutcome, WriteStep};
use super::archive_source;
use super::gates::{self, GateInput, ToolRelease};
use super::lock::ImportLock;
use super::plan::{self, ActionKind, Plan};
use super::report::{self, FailureReport, Report, StageTime, Status};
use super::select::{self, Chosen};
use super::source::{Origin, Source};
use super::{Mode, Outcome, Planned, Request, Stage};

/// What the gates stage established.
pub(super) struct Prepared {
    pub image: ServerImage,
    pub tree: RegTree,
    pub target: Identity,
    pub chosen: Chosen,
    pub warnings: Vec<String>,
    pub lock: Option<ImportLock>,
}

/// One import run: its request and the stages done so far.
pub(super) struct Run<'a> {
    pub request: &'a Request,
    pub progress: &'a dyn Progress,
    pub stages: Vec<StageTime>,
    pub started: DateTime<Local>,
    pub archive: String,
    /// Folders this run made for extraction and rewriting, which a plan-only run removes.
    pub scratch: Vec<PathBuf>,
    /// Where the components were extracted.
    pub extraction: Option<PathBuf>,
}

/// What the rules stage hands on.
pub(super) struct Ruled {
    pub log: RuleLog,
    /// The steps left to the administrator.
    pub checklist: Checklist,
    /// Mappings that had nothing to rename.
    pub warnings: Vec<String>,
}

/// What the plan stage hands on.
pub(super) struct Planning {
    pub plan: Plan,
    pub log: RuleLog,
    pub checklist: Checklist,
    pub warnings: Vec<String>,
}

/// The warning of a Ctrl-C that came once every change was written.
const LATE_STOP: &str = "Ctrl-C came after the import had written everything, so it was not \
                         undone; `migrator rollback` undoes it";

impl Run<'_> {
    /// Runs one stage, logging, showing and timing it.
    pub fn stage<T>(
        &mut self,
        stage: Stage,
        detail: &str,
        work: impl FnOnce(&mut Self) -> Result<T>,
    ) -> Result<T> {
        tracing::info!(stage = %stage, detail, "stage started");
        if !stage.has_own_phases() {
            self.progress.start_phase(&stage.to_string(), 0, 0);
        }
        let started = Local::now();
        let result = work(self);
        let seconds = (Local::now() - started).num_microseconds().unwrap_or(0) as f64 / 1e6;
        if !stage.has_own_phases() {
            self.progress.end_phase();
        }
        match &result {
            Ok(_) => tracing::info!(stage = %stage, seconds, "stage done"),
            Err(e) => tracing::info!(stage = %stage, seconds, "stage failed: {}", e.message()),
        }
        self.stages.push(StageTime {
            stage,
            detail: detail.to_string(),
            started,
            seconds,
        });
        result
    }

    /// Reads the target, chooses the components (refusing damaged ones), checks every gate,
    /// then takes the lock (with `--plan`, only checks that nobody holds it).
    pub fn gates(&mut self, source: &dyn Source) -> Result<Prepared> {
        let request = self.request;
        let origin = source.origin();
        let image = ServerImage::open(&request.server)?;
        let tree = image.load_registry()?;
        let target = server::identity(&tree, image.registry_file())?;
        let chosen = select::choose(origin, &request.nodes)?;
        let damage = source.damage(&chosen.components)?;
        let input = GateInput {
            origin,
            tool: &ToolRelease::current(),
            target: &target,
            target_tree: &tree,
            image: &image,
            mode: request.mode,
            components: &chosen.components,
            extract_to: &request.extract_to,
            map_server: &request.map_server,
            map_site: &request.map_site,
            force: request.force,
        };
        let mut warnings = gates::check(&input)?;
        warnings.extend(damage);
        restore::check_no_unfinished_rollback(&image)?;
        let lock = match request.plan_only {
            true => ImportLock::check_free(&image).map(|()| None)?,
            false => Some(ImportLock::acquire(&image, "import")?),
        };
        for line in chosen.notes.iter().chain(&warnings) {
            tracing::warn!("{line}");
        }
        Ok(Prepared {
            image,
            tree,
            target,
            chosen,
            warnings,
            lock,
        })
    }

    /// Extracts the chosen components; when that fails, a folder it created is removed again.
    pub fn extract(
        &mut self,
        source: &mut dyn Source,
        components: &[String],
    ) -> Result<Vec<Incoming>> {
        let folder = &self.request.extract_to;
        let existed = folder.exists();
        let extracted = fs::create_dir_all(folder)
            .map_err(|e| Error::io("creating", folder, e))
            .and_then(|()| source.extract(components, folder, self.progress));
        if extracted.is_err() && !existed {
            let _ = fs::remove_dir_all(folder);
        }
        self.extraction = source.extraction_folder().map(Path::to_path_buf);
        let made = match existed {
            true => self.extraction.clone(),
            false => Some(folder.clone()),
        };
        self.scratch.extend(made);
        extracted
    }

    /// Runs the rules that apply to this mode (most adapt data for Migration mode; a few,
    /// such as keeping handlers out of the server, apply in both), then the components'
    /// import policies for whatever no rule covered.
    pub fn rules(
        &mut self,
        prepared: &Prepared,
        origin: &Origin,
        incoming: &mut [Incoming],
    ) -> Result<Ruled> {
        let request = self.request;
        let warnings = unused_mappings(request, origin, incoming)?;
        let install = prepared.image.install_dir();
        let work = archive_source::new_folder(&request.extract_to, "rewritten")?;
        let options = RuleOptions {
            dev_mode: request.dev_mode,
            map_server: request.map_server.clone(),
            map_site: request.map_site.clone(),
            new_telephony_platform: request.new_telephony_platform,
        };
        let source = source_identity(origin, incoming, &prepared.target);
        let target = prepared.target.clone();
        let tree = &prepared.tree;
        let ctx = RuleContext::new(request.mode, source, target, tree, &install, &work, options)?;
        let mut log = RuleLog::default();
        let applied = rules::apply_all(&ctx, incoming, &mut log);
        // Only rules that rewrite files leave something in the work folder.
        if fs::remove_dir(&work).is_err() {
            self.scratch.push(work.clone());
        }
        applied?;
        for component in incoming.iter_mut() {
            archive_source::apply_policy(component, ctx.site(), ctx.server());
        }
        let checklist = checklist::build(&ctx, incoming, &log);
        Ok(Ruled {
            log,
            checklist,
            warnings,
        })
    }

    /// Compares the incoming data with the target.
    pub fn plan(
        &mut self,
        prepared: &Prepared,
        incoming: &[Incoming],
        ruled: Ruled,
    ) -> Result<Planning> {
        let install = prepared.image.install_dir();
        let target = plan::Target {
            tree: &prepared.tree,
            install_dir: &install,
            kind: prepared.target.kind,
        };
        let plan = plan::build(target, incoming, &ruled.log, self.request.mode)?;
        let mut ruled = ruled;
        // A notice says what a component's writes will do; one that writes nothing has none
        // to say (a dial plan already as the archive has it is not "overwritten").
        if !ruled.log.notices.is_empty() {
            let writing: std::collections::HashSet<&str> = plan
                .actions
                .iter()
                .filter(|a| a.kind.writes())
                .map(|a| &*a.component)
                .collect();
            ruled
                .log
                .notices
                .retain(|notice| writing.contains(notice.component.as_str()));
        }
        let mut warnings = prepared.warnings.clone();
        warnings.extend(ruled.warnings);
        warnings.extend(plan_warnings(&plan, &ruled.log));
        Ok(Planning {
            plan,
            log: ruled.log,
            checklist: ruled.checklist,
            warnings,
        })
    }

    /// Removes what this run extracted and rewrote: after `--plan`, and when the run ends
    /// before any change to the server (no decrypted data is left behind for nothing).
    pub fn discard_scratch(&self) {
        for folder in self.scratch.iter().rev() {
            let _ = fs::remove_dir_all(folder);
        }
    }

    /// `--plan`: hands the plan back; nothing was written to the server, and what was
    /// extracted for planning is removed again.
    pub fn planned(self, prepared: Prepared, planning: Planning) -> Outcome {
        self.discard_scratch();
        Outcome::Planned(Box::new(Planned {
            archive: self.archive,
            server: prepared.target.server,
            plan: planning.plan,
            notes: prepared.chosen.notes,
            warnings: planning.warnings,
            log: planning.log,
            checklist: planning.checklist,
            stages: self.stages,
        }))
    }

    /// Takes the restore point, applies the plan (rolling back after a failure) and writes
    /// the report into the run's folder.
    pub fn execute(
        mut self,
        mut prepared: Prepared,
        mut planning: Planning,
        fault: Option<&FaultHook>,
    ) -> Result<Outcome> {
        let point = self
            .before_first_change(&prepared, &planning)
            .inspect_err(|_| self.discard_scratch())?;
        let (folder, point) = point;
        // Ctrl-C while the restore point was taken: nothing was changed yet, so nothing is
        // kept either.
        if self.progress.cancelled() {
            discard_run_folder(&folder);
            self.discard_scratch();
            return Err(cancelled_before_any_change());
        }
        // The plan no longer needs the target as loaded: apply works on it in place.
        let tree = std::mem::take(&mut prepared.tree);
        let image = &prepared.image;
        let applied = self.stage(Stage::Apply, "", |run| {
            let options = ApplyOptions {
                progress: run.progress,
                fault,
                stop_at_failure: point.is_some(),
            };
            Ok(apply::apply(image, tree, &planning.plan, options))
        })?;
        if let (None, Some(point)) = (&applied.failure, &point) {
            if let Err(error) = restore::record_written(image, point, &applied.file_checksums) {
                planning.warnings.push(format!(
                    "a rollback will not be able to tell files changed after this import: {}",
                    error.message()
                ));
            }
        }
        let stopped_before = self.progress.cancelled();
        if stopped_before && applied.failure.is_none() {
            planning.warnings.push(LATE_STOP.to_string());
        }
        let mut report = self.report(&prepared, planning, applied, point.as_ref(), &folder);
        let shown = folder.display().to_string();
        let written = self.stage(Stage::Report, &shown, |run| {
            report.stages = run.stages.clone();
            if let Some(fault) = fault {
                fault(WriteStep::Report)
                    .map_err(|e| Error::io("writing", &folder.join(report::REPORT_TEXT), e))?;
            }
            report.write(&folder, run.request.per_item_report)
        });
        // Ctrl-C while the report was written: the report says so too, written again.
        let late = !stopped_before && self.progress.cancelled() && report.failure.is_none();
        let written = match (written, late) {
            (Ok(()), true) => {
                report.warnings.push(LATE_STOP.to_string());
                report.status = Status::CompletedWithWarnings;
                report.write(&folder, self.request.per_item_report)
            }
            (written, _) => written,
        };
        if let Err(error) = written {
            report_unwritten(&mut report, &error, image);
        }
        report.stages = self.stages;
        drop(prepared.lock);
        Ok(Outcome::Imported(Box::new(report)))
    }

    /// Everything before the first change: a last check for Ctrl-C, the run's folder, and the
    /// restore point (or the mark of an import without one).
    fn before_first_change(
        &mut self,
        prepared: &Prepared,
        planning: &Planning,
    ) -> Result<(PathBuf, Option<RestorePoint>)> {
        if self.progress.cancelled() {
            return Err(cancelled_before_any_change());
        }
        let image = &prepared.image;
        let folder = restore::new_run_folder(image)?;
        let point = match self.request.restore_point && !planning.plan.is_empty() {
            true => self
                .stage(Stage::RestorePoint, "", |run| {
                    restore::create(image, &folder, &planning.plan, &run.archive)
                })
                .map(Some),
            false => Ok(None),
        };
        let marked = match (&point, planning.plan.is_empty()) {
            (Ok(None), false) => restore::mark_unprotected(&folder, &self.archive),
            _ => Ok(()),
        };
        match (point, marked) {
            (Ok(point), Ok(())) => Ok((folder, point)),
            (Err(error), _) | (_, Err(error)) => {
                discard_run_folder(&folder);
                Err(error)
            }
        }
    }

    /// Builds the report; after a failure, rolls back first when a restore point exists.
    fn report(
        &mut self,
        prepared: &Prepared,
        planning: Planning,
        applied: Applied,
        point: Option<&RestorePoint>,
        folder: &Path,
    ) -> Report {
        let Planning {
            plan,
            log,
            checklist,
            mut warnings,
        } = planning;
        let mut outcomes = applied.outcomes;
        let mut rollback = None;
        let failure = applied.failure.map(|failure| {
            let item = format!("{} ({})", failure.item, failure.component);
            let Some(point) = point else {
                return not_rolled_back(&item, &failure.error);
            };
            let undone = self.stage(Stage::Rollback, point.name(), |_| {
                restore::rollback(&prepared.image, point)
            });
            mark_undone(&plan, &mut outcomes);
            let report = rolled_back(
                &item,
                &failure.error,
                point,
                &prepared.image,
                undone.as_ref(),
            );
            if let Ok(done) = undone {
                // What the plan warned of was undone with it: only the rollback's own remain.
                warnings = done.warnings.clone();
                rollback = Some(done);
            }
            report
        });
        let status = match (&failure, warnings.is_empty()) {
            (Some(_), _) => Status::Failed,
            (None, true) => Status::Completed,
            (None, false) => Status::CompletedWithWarnings,
        };
        Report {
            status,
            mode: self.request.mode,
            archive: self.archive.clone(),
            server: prepared.target.server.clone(),
            started: self.started,
            finished: Local::now(),
            stages: Vec::new(),
            counts: report::counts(&plan, Some(&outcomes)),
            plan,
            outcomes,
            notes: prepared.chosen.notes.clone(),
            warnings,
            failure,
            rollback,
            restore_point: point.map(|p| p.name().to_string()),
            folder: Some(folder.to_path_buf()),
            extraction: self.extraction.clone(),
            log,
            checklist,
        }
    }
}

/// After a rollback no write of the plan remains: every writing action that ran is undone.
fn mark_undone(plan: &Plan, outcomes: &mut [ItemOutcome]) {
    for (action, outcome) in plan.actions.iter().zip(outcomes.iter_mut()) {
        if action.kind.writes() && *outcome == ItemOutcome::Done {
            *outcome = ItemOutcome::Undone;
        }
    }
}

fn rolled_back(
    item: &str,
    cause: &Error,
    point: &RestorePoint,
    image: &ServerImage,
    undone: std::result::Result<&Rollback, &Error>,
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

/// Removes the folder of a run that ended before its first change: nothing was changed, so no
/// trace of the run is left either, not even an empty folder of imports.
fn discard_run_folder(folder: &Path) {
    let _ = fs::remove_dir_all(folder);
    if let Some(imports) = folder.parent() {
        let _ = fs::remove_dir(imports);
    }
}

fn cancelled_before_any_change() -> Error {
    Error::new(ErrorKind::Cancelled, "import cancelled before any change")
        .with_hint("Nothing was written. Run the import again when ready.")
}

/// The report could not be written (a full disk, say): the run's outcome stands, and the
/// report shown on the console says what became of the server and that the files are missing.
fn report_unwritten(report: &mut Report, error: &Error, image: &ServerImage) {
    let state = match (&report.failure, &report.restore_point) {
        (Some(_), _) => String::new(),
        (None, Some(_)) => format!(
            "; the import itself was applied (`migrator rollback --server {}` undoes it)",
            image.dir().display()
        ),
        (None, None) => "; the import itself was applied".to_string(),
    };
    let warning = format!(
        "the report could not be written: {}{state}. {}",
        error.message(),
        error.hint().unwrap_or_default()
    );
    tracing::info!("{warning}");
    report.warnings.insert(0, warning.trim_end().to_string());
    if report.status == Status::Completed {
        report.status = Status::CompletedWithWarnings;
    }
}

fn not_rolled_back(item: &str, cause: &Error) -> FailureReport {
    FailureReport {
        kind: cause.kind(),
        message: format!(
            "import failed at {item}: {}; the other items were imported and nothing was rolled \
             back (no restore point)",
            cause.message()
        ),
        hint: Some(format!(
            "{}Fix the cause and run the import again: items already imported are unchanged \
             then.",
            cause.hint().map(|h| format!("{h} ")).unwrap_or_default()
        )),
    }
}

/// Warnings the plan itself raises: files kept although they differ, names no rule rewrote.
fn plan_warnings(plan: &Plan, log: &RuleLog) -> Vec<String> {
    let kept = plan
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::KeepFile)
        .map(|a| {
            format!(
                "{} ({}): the server's own file stays; it differs from the archive's",
                a.item.path(),
                a.component
            )
        });
    let unresolved = log
        .unresolved
        .iter()
        .map(|u| format!("{}: the old name {:?} is left as it is", u.path, u.name));
    kept.chain(unresolved).collect()
}

/// A warning for each `--map-server` mapping of a server other than the archive's own whose
/// old name no imported data holds: it renamed nothing, most likely through a typing error.
fn unused_mappings(
    request: &Request,
    origin: &Origin,
    incoming: &[Incoming],
) -> Result<Vec<String>> {
    let others: Vec<&str> = request
        .map_server
        .iter()
        .map(|mapping| mapping.old.as_str())
        .filter(|old| !same_name(old, &origin.server))
        .collect();
    if request.mode != Mode::Migration || others.is_empty() {
        return Ok(Vec::new());
    }
    let absent = rules::rename::names_absent(incoming, &others)?;
    Ok(request
        .map_server
        .iter()
        .filter(|mapping| absent.iter().any(|name| same_name(name, &mapping.old)))
        .map(|mapping| {
            format!(
                "--map-server {}={} renamed nothing: no imported data names a server {} (the \
                 archive's own server is {}); check the spelling",
                mapping.old, mapping.new, mapping.old, origin.server
            )
        })
        .collect())
}

/// The source server as the rules need it. Its install root is the manifest's; an archive
/// written before the manifest recorded it gives it in its data when a component carries the
/// `Target` value, else the target's is assumed (and no install path is rewritten).
fn source_identity(origin: &Origin, incoming: &[Incoming], target: &Identity) -> Identity {
    let from_data = || {
        incoming
            .iter()
            .find_map(|c| server::ii_key(&c.tree)?.1.text(layout::TARGET_VALUE))
            .map(|text| server::install_root_from_target(&text))
    };
    let install_path = Some(origin.install_root.clone())
        .filter(|root| !root.is_empty())
        .or_else(from_data)
        .unwrap_or_else(|| target.install_path.clone());
    Identity {
        server: origin.server.clone(),
        site: origin.site.clone(),
        version: origin.cic_version,
        kind: origin.kind,
        install_path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::ServerKind;

    fn origin(install_root: &str) -> Origin {
        super::super::fixture::calliope_origin(&["Server Parameters"], install_root)
    }

    #[test]
    fn the_source_install_root_comes_from_the_manifest_then_the_data_then_the_target() {
        let target = Identity {
            server: "helios".into(),
            site: "Chicago".into(),
            version: "2023 R3".parse().unwrap(),
            kind: ServerKind::Cic,
            install_path: "F:\\I3\\IC".into(),
        };
        let mut carrying = Incoming::new("Server Settings");
        carrying
            .tree
            .ensure(layout::II_KEY)
            .set_value(crate::registry::Value::sz(
                layout::TARGET_VALUE,
                "E:\\I3\\IC\\Server\\",
            ));
        let incoming = [carrying];
        let recorded = source_identity(&origin("D:\\I3\\IC"), &incoming, &target);
        assert_eq!(recorded.install_path, "D:\\I3\\IC");
        let from_data = source_identity(&origin(""), &incoming, &target);
        assert_eq!(from_data.install_path, "E:\\I3\\IC");
        let neither = source_identity(&origin(""), &[], &target);
        assert_eq!(neither.install_path, "F:\\I3\\IC");
    }
}
