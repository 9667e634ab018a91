//! How the demo shows the plan and the report: short enough to read in a terminal, with the
//! full text left in the files the import writes.
//!
//! The plan is summed up per component and action, followed by one sample action for each of
//! the first few migration rules it uses; the report is the import's own summary with its
//! warnings cut to a handful.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::Path;

use migrator_core::import::plan::{Action, ActionKind, Plan};
use migrator_core::import::report::Report;
use migrator_core::import::Planned;
use migrator_core::layout;

/// How many sample actions the plan summary shows, one per rule.
const SAMPLE_ACTIONS: usize = 6;

/// How many warnings the demo prints; the report file lists them all.
const SHOWN_WARNINGS: usize = 5;

/// The order action counts are listed in: writes first, then what is only reported.
const KIND_ORDER: [ActionKind; 13] = [
    ActionKind::CreateKey,
    ActionKind::SetValue,
    ActionKind::Rename,
    ActionKind::OverwriteValue,
    ActionKind::Merge,
    ActionKind::CopyFile,
    ActionKind::OverwriteFile,
    ActionKind::DeleteKey,
    ActionKind::DeleteValue,
    ActionKind::KeepValue,
    ActionKind::KeepFile,
    ActionKind::ExtractOnly,
    ActionKind::Skip,
];

/// The plan in short: changes, counts per component and action, a few actions with their
/// rules, and how many warnings and notices there are.
pub fn plan_summary(planned: &Planned) -> String {
    let plan = &planned.plan;
    let mut out = format!(
        "{} changes planned for {} ({} mode); the server is not changed until the import runs.\n\n",
        plan.change_count(),
        planned.server,
        plan.mode.as_str()
    );
    out.push_str(&component_lines(plan));
    out.push_str(&sample_actions(plan));
    let (warnings, notices) = (planned.warnings.len(), planned.log.notices.len());
    if warnings + notices > 0 {
        let _ = writeln!(
            out,
            "\n{warnings} warnings and {notices} notices; the report lists every one."
        );
    }
    out
}

/// One line per component with something to do, then the names of those without.
fn component_lines(plan: &Plan) -> String {
    let tallies = tally(plan);
    let width = plan
        .components
        .iter()
        .map(|c| c.name.chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let mut idle = Vec::new();
    for (component, counts) in plan.components.iter().zip(&tallies) {
        let mut parts: Vec<String> = KIND_ORDER
            .iter()
            .zip(counts)
            .filter(|(_, n)| **n > 0)
            .map(|(kind, n)| format!("{n} {}", kind.label()))
            .collect();
        if component.unchanged > 0 {
            parts.push(format!("{} unchanged", component.unchanged));
        }
        match parts.is_empty() {
            true => idle.push(component.name.as_str()),
            false => {
                let _ = writeln!(out, "  {:width$}  {}", component.name, parts.join(", "));
            }
        }
    }
    if !idle.is_empty() {
        let _ = writeln!(out, "  nothing to import for: {}", idle.join(", "));
    }
    out
}

/// Counts per component (in plan order) and action kind (in [`KIND_ORDER`]).
fn tally(plan: &Plan) -> Vec<[usize; KIND_ORDER.len()]> {
    let index: HashMap<&str, usize> = plan
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.name.as_str(), i))
        .collect();
    let mut tallies = vec![[0; KIND_ORDER.len()]; plan.components.len()];
    for action in &plan.actions {
        let column = KIND_ORDER.iter().position(|k| *k == action.kind);
        if let (Some(&row), Some(column)) = (index.get(&*action.component), column) {
            tallies[row][column] += 1;
        }
    }
    tallies
}

/// The first action of each of the first few rules the plan uses.
fn sample_actions(plan: &Plan) -> String {
    let mut seen = Vec::new();
    let mut out = String::new();
    for action in &plan.actions {
        let Some(rule) = action.rule else { continue };
        if seen.contains(&rule) {
            continue;
        }
        seen.push(rule);
        out.push_str(&action_lines(action, rule));
        if seen.len() == SAMPLE_ACTIONS {
            break;
        }
    }
    match out.is_empty() {
        true => out,
        false => format!("\nSome actions and the migration rules behind them:\n{out}"),
    }
}

fn action_lines(action: &Action, rule: &str) -> String {
    let mut out = format!(
        "  {} {} ({})  [rule {rule}]\n",
        action.kind.label(),
        short_path(&action.item.describe()),
        action.component
    );
    match (action.old_shown(), action.new_shown()) {
        (Some(old), Some(new)) => {
            let _ = writeln!(out, "      {old} -> {new}");
        }
        (None, Some(new)) => {
            let _ = writeln!(out, "      = {new}");
        }
        _ => {}
    }
    if let Some(detail) = action.detail() {
        let _ = writeln!(out, "      {detail}");
    }
    out
}

/// A registry path without the `Interactive Intelligence` root every imported key shares.
fn short_path(path: &str) -> &str {
    let root = format!("{}\\", layout::II_KEY);
    match path.get(..root.len()) {
        Some(head) if head.eq_ignore_ascii_case(&root) => &path[root.len()..],
        _ => path,
    }
}

/// The import's summary with the warnings cut to a few, pointing to `full` for the rest.
pub fn report_summary(mut report: Report, full: &Path) -> String {
    let hidden = report.warnings.len().saturating_sub(SHOWN_WARNINGS);
    if hidden > 0 {
        report.warnings.truncate(SHOWN_WARNINGS);
        report.warnings.push(format!(
            "... and {hidden} more, listed in {}",
            full.display()
        ));
    }
    report.summary()
}
