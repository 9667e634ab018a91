//! The import report: per component counts, the final status and its exit code, the times,
//! and per item what happened; rendered as text for people and JSON for programs, and written
//! into the run's folder beside the restore point together with the post-import checklist.
//!
//! The JSON of a plan and of a run share their shape: both have `status` and `actions`, each
//! action with `component`, `action`, `path` and, where one applies, `rule`, so that what was
//! planned can be compared with what was applied.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::Serialize;

use crate::checklist::Checklist;
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Notice, RuleLog, Unresolved};
use crate::registry::backend::write_atomically;
use crate::restore::Rollback;

use super::apply::Outcome;
use super::plan::{Action, ActionKind, ComponentPlan, Plan, Tally};
use super::stage::Stage;
use super::{Mode, Planned};

/// The text report's file name in the run folder.
pub const REPORT_TEXT: &str = "report.txt";
/// The per-item JSON report's file name in the run folder.
pub const REPORT_JSON: &str = "report.json";
/// The post-import checklist's file name in the run folder.
pub const CHECKLIST: &str = "checklist.md";

/// How an import ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Status {
    /// Everything was imported; nothing needs attention beyond the checklist.
    Completed,
    /// Everything was imported, with warnings to read.
    CompletedWithWarnings,
    /// The import failed; see the failure (and whether it was rolled back).
    Failed,
}

/// Per component counts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// The component.
    pub component: String,
    /// Keys, values and files created.
    pub created: usize,
    /// Values and files replaced, values merged.
    pub updated: usize,
    /// Items already as imported.
    pub unchanged: usize,
    /// Items not written: excluded by a rule, kept existing files, extract-only files.
    pub skipped: usize,
    /// Keys created under a new name.
    pub renamed: usize,
    /// Values only the target has, left as they are.
    pub kept: usize,
    /// Keys and values only the target had, removed where the import replaces a key whole.
    pub deleted: usize,
    /// Items that failed.
    pub failed: usize,
    /// Items carried out, then undone by the rollback after a failure.
    pub undone: usize,
    /// Items not carried out because the run stopped before them.
    pub not_run: usize,
}

/// Why a run failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailureReport {
    /// The class of failure, deciding the exit code.
    #[serde(skip)]
    pub kind: ErrorKind,
    /// What happened, naming the failing item.
    pub message: String,
    /// What to do.
    pub hint: Option<String>,
}

impl FailureReport {
    /// The failure as a library error.
    pub fn to_error(&self) -> Error {
        let error = Error::new(self.kind, self.message.clone());
        match &self.hint {
            Some(hint) => error.with_hint(hint.clone()),
            None => error,
        }
    }
}

/// When a stage ran.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StageTime {
    /// The stage.
    pub stage: Stage,
    /// What it worked on.
    pub detail: String,
    /// When it started.
    #[serde(serialize_with = "rfc3339")]
    pub started: DateTime<Local>,
    /// How long it took, in seconds.
    pub seconds: f64,
}

/// The report of an import run.
#[derive(Clone, Debug)]
pub struct Report {
    /// How it ended.
    pub status: Status,
    /// Recovery or Migration.
    pub mode: Mode,
    /// The archive imported.
    pub archive: String,
    /// The target server image.
    pub server: String,
    /// When the import started.
    pub started: DateTime<Local>,
    /// When it ended.
    pub finished: DateTime<Local>,
    /// The stages with their times.
    pub stages: Vec<StageTime>,
    /// Per component counts, in import order.
    pub counts: Vec<Counts>,
    /// The plan carried out.
    pub plan: Plan,
    /// One outcome per action of the plan.
    pub outcomes: Vec<Outcome>,
    /// Components the pull rules added, and those the archive lacks.
    pub notes: Vec<String>,
    /// Things to read: forced gates, files kept, names no rule rewrote.
    pub warnings: Vec<String>,
    /// Why it failed, if it did.
    pub failure: Option<FailureReport>,
    /// The rollback made after a failure.
    pub rollback: Option<Rollback>,
    /// The restore point taken, by name.
    pub restore_point: Option<String>,
    /// The run's folder on the server.
    pub folder: Option<PathBuf>,
    /// Where the archive's components were extracted (extract-only files stay there).
    pub extraction: Option<PathBuf>,
    /// What the migration rules did.
    pub log: RuleLog,
    /// The steps left to the administrator, written as `checklist.md`.
    pub checklist: Checklist,
}

impl Status {
    /// The exit code: 0, 1 for warnings, the failure's own code otherwise.
    pub fn exit_code(self, failure: Option<&FailureReport>) -> i32 {
        match (self, failure) {
            (Status::Completed, _) => 0,
            (Status::CompletedWithWarnings, _) => 1,
            (Status::Failed, Some(failure)) => failure.kind.exit_code(),
            (Status::Failed, None) => ErrorKind::Internal.exit_code(),
        }
    }

    /// The status as people read it, such as `Completed with warnings`.
    pub fn words(self) -> &'static str {
        match self {
            Status::Completed => "Completed",
            Status::CompletedWithWarnings => "Completed with warnings",
            Status::Failed => "Failed",
        }
    }
}

impl Report {
    /// The exit code of the run.
    pub fn exit_code(&self) -> i32 {
        self.status.exit_code(self.failure.as_ref())
    }

    /// The checklist of what is left to do after the import; none after a failed import, whose
    /// steps would concern configuration the rollback took away again.
    pub fn steps_left(&self) -> Option<&Checklist> {
        (self.status != Status::Failed).then_some(&self.checklist)
    }

    /// The time the run took.
    pub fn duration(&self) -> chrono::Duration {
        self.finished - self.started
    }

    /// The report as a JSON document with every item, serialized as it is written (the
    /// items are not copied first).
    pub fn document(&self) -> impl Serialize + '_ {
        ReportDocument {
            status: self.status,
            mode: self.mode,
            archive: &self.archive,
            server: &self.server,
            started: self.started.to_rfc3339(),
            finished: self.finished.to_rfc3339(),
            duration_seconds: seconds(self.duration()),
            restore_point: self.restore_point.as_deref(),
            folder: self.folder.as_deref(),
            extraction: self.extraction.as_deref(),
            stages: &self.stages,
            components: &self.counts,
            notes: &self.notes,
            warnings: &self.warnings,
            failure: self.failure.as_ref(),
            rollback: self.rollback.as_ref(),
            notices: &self.log.notices,
            unresolved: &self.log.unresolved,
            checklist: self.steps_left(),
            actions: WithOutcomes(&self.plan.actions, &self.outcomes),
        }
    }

    /// The report as a JSON value (see [`Report::document`]).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.document()).expect("a report serializes")
    }

    /// The report for people: the summary and the stages; with `items`, every action too.
    pub fn to_text(&self, items: bool) -> String {
        let mut out = self.summary();
        stages_section(&mut out, &self.stages);
        if items {
            out.push_str(&actions_text(&self.plan, Some(&self.outcomes), true));
        }
        out
    }

    /// The head of the report: archive, times, status, failure, counts, added components,
    /// warnings and the checklist's steps.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Import of {} into {}", self.archive, self.server);
        let _ = writeln!(out, "Mode:             {}", self.mode.as_str());
        let _ = writeln!(out, "Import started:   {}", shown_time(self.started));
        let _ = writeln!(out, "Import completed: {}", shown_time(self.finished));
        let _ = writeln!(out, "Duration:         {}", shown_duration(self.duration()));
        let _ = writeln!(out, "Status:           {}", self.status.words());
        if self.plan.is_empty() && self.failure.is_none() {
            let _ = writeln!(
                out,
                "Changes:          none, the server already holds this data (so no restore point)"
            );
        }
        match (&self.restore_point, &self.rollback) {
            (Some(point), Some(_)) => {
                let _ = writeln!(
                    out,
                    "Restore point:    {point} (the server was rolled back to it)"
                );
            }
            (Some(point), None) => {
                let _ = writeln!(out, "Restore point:    {point}");
            }
            _ => {}
        }
        if let Some(folder) = &self.extraction {
            let _ = writeln!(out, "Extracted to:     {}", folder.display());
        }
        if let Some(failure) = &self.failure {
            let _ = writeln!(out, "Failure:          {}", failure.message);
            if let Some(hint) = &failure.hint {
                let _ = writeln!(out, "                  {hint}");
            }
        }
        out.push('\n');
        out.push_str(&counts_table(&self.counts));
        notices_section(&mut out, &self.log);
        list_section(&mut out, "Components added", &self.notes);
        list_section(&mut out, "Warnings", &self.warnings);
        if let Some(checklist) = self.steps_left() {
            let _ = writeln!(out, "\n{}", checklist.headline());
        }
        out
    }

    /// Writes the text report (summary and stages), the checklist, and with `per_item` the
    /// JSON report with every item, into `dir` (the checklist only when
    /// [`Report::steps_left`] has one).
    ///
    /// # Errors
    ///
    /// `ErrorKind::Input` when a file cannot be written.
    pub fn write(&self, dir: &Path, per_item: bool) -> Result<()> {
        let text = self.to_text(false);
        write_atomically(&dir.join(REPORT_TEXT), |out| out.write_all(text.as_bytes()))?;
        if let Some(checklist) = self.steps_left() {
            let checklist = checklist.to_markdown();
            write_atomically(&dir.join(CHECKLIST), |out| {
                out.write_all(checklist.as_bytes())
            })?;
        }
        if per_item {
            write_atomically(&dir.join(REPORT_JSON), |out| {
                serde_json::to_writer_pretty(out, &self.document()).map_err(std::io::Error::from)
            })?;
        }
        Ok(())
    }
}

/// Counts per component of a plan, as if every action succeeded.
pub fn planned_counts(plan: &Plan) -> Vec<Counts> {
    counts(plan, None)
}

/// Counts per component of a run.
pub fn counts(plan: &Plan, outcomes: Option<&[Outcome]>) -> Vec<Counts> {
    let mut table: Vec<Counts> = plan
        .components
        .iter()
        .map(|c| Counts {
            component: c.name.clone(),
            unchanged: c.unchanged,
            ..Counts::default()
        })
        .collect();
    for (index, action) in plan.actions.iter().enumerate() {
        let Some(row) = table
            .iter_mut()
            .find(|row| *row.component == *action.component)
        else {
            continue;
        };
        match outcomes.map(|o| &o[index]) {
            Some(Outcome::Undone) => {
                row.undone += 1;
                continue;
            }
            Some(Outcome::NotRun) => {
                row.not_run += 1;
                continue;
            }
            Some(Outcome::Failed(_)) => {
                row.failed += 1;
                continue;
            }
            Some(Outcome::Done) | None => {}
        }
        match action.kind.tally() {
            Tally::Created => row.created += 1,
            Tally::Updated => row.updated += 1,
            Tally::Renamed => row.renamed += 1,
            Tally::Skipped => row.skipped += 1,
            Tally::Kept => row.kept += 1,
            Tally::Deleted => row.deleted += 1,
        }
    }
    table
}

/// The plan as a JSON document for programs: `status` is `Planned`.
pub fn plan_document(planned: &Planned) -> impl Serialize + '_ {
    let plan = &planned.plan;
    PlanDocument {
        status: "Planned",
        mode: plan.mode,
        archive: &planned.archive,
        server: &planned.server,
        changes: plan.change_count(),
        stages: &planned.stages,
        components: planned_counts(plan),
        order: &plan.components,
        notes: &planned.notes,
        warnings: &planned.warnings,
        notices: &planned.log.notices,
        unresolved: &planned.log.unresolved,
        checklist: &planned.checklist,
        actions: &plan.actions,
    }
}

/// The plan as a JSON value (see [`plan_document`]).
pub fn plan_json(planned: &Planned) -> serde_json::Value {
    serde_json::to_value(plan_document(planned)).expect("a plan serializes")
}

/// The plan for people: counts, notes, warnings, then every action.
pub fn plan_text(planned: &Planned, show_kept: bool) -> String {
    let plan = &planned.plan;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Plan: import {} into {} ({} mode)",
        planned.archive,
        planned.server,
        plan.mode.as_str()
    );
    let _ = match plan.change_count() {
        0 => writeln!(
            out,
            "Nothing to change: the server already holds this data."
        ),
        n => writeln!(
            out,
            "{}; nothing on the server changes until the import runs (what was extracted to \
             plan them was removed again).",
            crate::text::counted(n, "change")
        ),
    };
    out.push('\n');
    out.push_str(&counts_table(&planned_counts(plan)));
    notices_section(&mut out, &planned.log);
    list_section(&mut out, "Components added", &planned.notes);
    list_section(&mut out, "Warnings", &planned.warnings);
    out.push_str(&actions_text(plan, None, show_kept));
    out
}

/// The fields of the JSON report, in order.
#[derive(Serialize)]
struct ReportDocument<'a> {
    status: Status,
    mode: Mode,
    archive: &'a str,
    server: &'a str,
    started: String,
    finished: String,
    duration_seconds: f64,
    restore_point: Option<&'a str>,
    folder: Option<&'a Path>,
    extraction: Option<&'a Path>,
    stages: &'a [StageTime],
    components: &'a [Counts],
    notes: &'a [String],
    warnings: &'a [String],
    failure: Option<&'a FailureReport>,
    rollback: Option<&'a Rollback>,
    notices: &'a [Notice],
    unresolved: &'a [Unresolved],
    #[serde(skip_serializing_if = "Option::is_none")]
    checklist: Option<&'a Checklist>,
    actions: WithOutcomes<'a>,
}

/// The fields of the JSON plan, in order.
#[derive(Serialize)]
struct PlanDocument<'a> {
    status: &'static str,
    mode: Mode,
    archive: &'a str,
    server: &'a str,
    changes: usize,
    stages: &'a [StageTime],
    components: Vec<Counts>,
    order: &'a [ComponentPlan],
    notes: &'a [String],
    warnings: &'a [String],
    notices: &'a [Notice],
    unresolved: &'a [Unresolved],
    checklist: &'a Checklist,
    actions: &'a [Action],
}

/// Each action with what happened to it: the action's fields, then `result` and `error`.
struct WithOutcomes<'a>(&'a [Action], &'a [Outcome]);

impl Serialize for WithOutcomes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut items = serializer.serialize_seq(Some(self.0.len()))?;
        for (action, outcome) in self.0.iter().zip(self.1) {
            items.serialize_element(&ActionOutcome(action, outcome))?;
        }
        items.end()
    }
}

struct ActionOutcome<'a>(&'a Action, &'a Outcome);

impl Serialize for ActionOutcome<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.0.serialize_fields(&mut map)?;
        match self.1 {
            Outcome::Done => map.serialize_entry("result", "done")?,
            Outcome::NotRun => map.serialize_entry("result", "not_run")?,
            Outcome::Undone => map.serialize_entry("result", "undone")?,
            Outcome::Failed(error) => {
                map.serialize_entry("result", "failed")?;
                map.serialize_entry("error", error)?;
            }
        }
        map.end()
    }
}

fn counts_table(counts: &[Counts]) -> String {
    let width = counts
        .iter()
        .map(|c| c.component.chars().count())
        .chain([9])
        .max()
        .unwrap_or(9);
    // The last two columns show only when a run stopped part-way.
    let undone = counts.iter().any(|c| c.undone > 0);
    let not_run = counts.iter().any(|c| c.not_run > 0);
    let mut out = format!(
        "{:width$}  created  updated  deleted  unchanged  skipped  renamed  kept  failed",
        "component"
    );
    out.push_str(if undone { "  undone" } else { "" });
    out.push_str(if not_run { "  not run\n" } else { "\n" });
    for c in counts {
        let _ = write!(
            out,
            "{:width$}  {:>7}  {:>7}  {:>7}  {:>9}  {:>7}  {:>7}  {:>4}  {:>6}",
            c.component,
            c.created,
            c.updated,
            c.deleted,
            c.unchanged,
            c.skipped,
            c.renamed,
            c.kept,
            c.failed
        );
        if undone {
            let _ = write!(out, "  {:>6}", c.undone);
        }
        if not_run {
            let _ = write!(out, "  {:>7}", c.not_run);
        }
        out.push('\n');
    }
    out
}

fn list_section(out: &mut String, title: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{title}:");
    for item in items {
        let _ = writeln!(out, "  - {item}");
    }
}

/// What the rules say must be known before the actions, such as an overwrite without merge.
fn notices_section(out: &mut String, log: &RuleLog) {
    let notices: Vec<String> = log
        .notices
        .iter()
        .map(|n| format!("{} [rule {}]: {}", n.component, n.rule, n.text))
        .collect();
    list_section(out, "Before the actions", &notices);
}

fn stages_section(out: &mut String, stages: &[StageTime]) {
    if stages.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nStages:");
    for stage in stages {
        let _ = writeln!(
            out,
            "  {}  {:>8.3}s  {}{}",
            stage.started.format("%H:%M:%S%.3f"),
            stage.seconds,
            stage.stage,
            match stage.detail.is_empty() {
                true => String::new(),
                false => format!(": {}", stage.detail),
            }
        );
    }
}

/// Every action, grouped by component; kept values only counted unless `show_kept`.
fn actions_text(plan: &Plan, outcomes: Option<&[Outcome]>, show_kept: bool) -> String {
    let mut out = String::new();
    for component in &plan.components {
        let _ = writeln!(out, "\n{} ({})", component.name, component.order_reason);
        let mut kept = 0;
        for (index, action) in plan.actions.iter().enumerate() {
            if *action.component != *component.name {
                continue;
            }
            if action.kind == ActionKind::KeepValue && !show_kept {
                kept += 1;
                continue;
            }
            let outcome = outcomes.map(|o| &o[index]);
            out.push_str(&action_line(action, outcome));
        }
        if kept > 0 {
            let _ = writeln!(
                out,
                "  keep value        {kept} values only the server has (--show-kept lists them)"
            );
        }
    }
    out
}

fn action_line(action: &Action, outcome: Option<&Outcome>) -> String {
    let mut line = format!(
        "  {:<17} {}",
        action.kind.label(),
        short_path(&action.item.describe())
    );
    if let Some(rule) = action.rule {
        let _ = write!(line, "  [rule {rule}]");
    }
    match (action.old_shown(), action.new_shown()) {
        (Some(old), Some(new)) => {
            let _ = write!(line, "\n{:20}{old} -> {new}", "");
        }
        (None, Some(new)) => {
            let _ = write!(line, "\n{:20}= {new}", "");
        }
        _ => {}
    }
    if let Some(detail) = action.detail() {
        let _ = write!(line, "\n{:20}{detail}", "");
    }
    if let Some(Outcome::Failed(reason)) = outcome {
        let _ = write!(line, "\n{:20}FAILED: {reason}", "");
    } else if let Some(Outcome::NotRun) = outcome {
        if action.kind.writes() {
            let _ = write!(line, "\n{:20}not run", "");
        }
    } else if let Some(Outcome::Undone) = outcome {
        let _ = write!(line, "\n{:20}undone by the rollback", "");
    }
    line.push('\n');
    line
}

/// A registry path without the `HKEY_LOCAL_MACHINE\SOFTWARE\Interactive Intelligence\`
/// prefix every imported key shares.
fn short_path(path: &str) -> &str {
    for root in [crate::layout::II_KEY, crate::layout::II_KEY_WOW64] {
        let head = path.get(..root.len());
        let rest = path.get(root.len() + 1..).filter(|rest| !rest.is_empty());
        if let (Some(head), Some(rest)) = (head, rest) {
            if head.eq_ignore_ascii_case(root) && path.as_bytes()[root.len()] == b'\\' {
                return rest;
            }
        }
    }
    path
}

fn shown_time(time: DateTime<Local>) -> String {
    time.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// A duration as `HH:MM:SS.mmm`.
pub fn shown_duration(duration: chrono::Duration) -> String {
    let millis = duration.num_milliseconds().max(0);
    let (seconds, millis) = (millis / 1000, millis % 1000);
    format!(
        "{:02}:{:02}:{:02}.{millis:03}",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60
    )
}

fn rfc3339<S: serde::Serializer>(time: &DateTime<Local>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&time.to_rfc3339())
}

fn seconds(duration: chrono::Duration) -> f64 {
    duration.num_milliseconds() as f64 / 1000.0
}
