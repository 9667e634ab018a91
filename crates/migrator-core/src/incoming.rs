//! What an archive brings to a target server, between extraction and planning.
//!
//! The import reads each selected component of an archive into an [`Incoming`]: its registry
//! data as a tree with absolute paths under the `Interactive Intelligence` key, and its files
//! with where each should go. In Migration mode the migration rules then change this data
//! (rename keys, rewrite values, redirect files), noting in a [`RuleLog`] what each rule did.
//! Finally the planner compares the changed data with the target and lists every action,
//! naming the rule behind it from the log. Recovery mode skips the rules.

use std::path::PathBuf;

use serde::Serialize;

use crate::registry::{fold, RegTree};

/// How an archive is imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImportMode {
    /// Onto another server, usually of a newer release: the migration rules adapt the data.
    Migration,
    /// Back onto the server it came from, as it was exported.
    Recovery,
}

impl ImportMode {
    /// The word used on the command line and in JSON: `migration` or `recovery`.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportMode::Migration => "migration",
            ImportMode::Recovery => "recovery",
        }
    }
}

/// Whether an existing file on the target is replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilePolicy {
    /// An existing file is kept (the usual rule for file items).
    KeepExisting,
    /// An existing file is overwritten (LRA configuration, dial plan files).
    Overwrite,
}

/// Where an incoming file goes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "to", content = "path")]
pub enum Destination {
    /// Into the target's install tree, at this install-relative path (`\`-separated).
    Install(String),
    /// Nowhere on the server: it stays in the extraction folder only (custom handlers).
    ExtractOnly,
    /// Not imported at all; the rule that decided so says why in the log.
    Skip,
}

/// One file of a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncomingFile {
    /// Its path inside the archive's component, install-relative, `/`-separated.
    pub archive_path: String,
    /// Its extracted copy in the extraction folder.
    pub source: PathBuf,
    /// Where it goes.
    pub destination: Destination,
    /// What happens when the destination exists.
    pub policy: FilePolicy,
}

/// One component of an archive, ready to be planned.
#[derive(Clone, Debug)]
pub struct Incoming {
    /// The component's name as the catalog spells it.
    pub component: String,
    /// Its registry data, absolute paths under `HKEY_LOCAL_MACHINE\SOFTWARE\Interactive
    /// Intelligence`.
    pub tree: RegTree,
    /// Registry paths (absolute, as in `tree`) whose keys and values must not be imported,
    /// each with the rule that excluded them. A path names a key (with its subtree), or one
    /// value as `KEY@NAME`.
    pub excluded: Vec<(String, &'static str)>,
    /// Registry keys (absolute, as in `tree`) that replace the target's key as a whole, each
    /// with the rule that asked for it: under them, keys and values only the target has are
    /// deleted rather than kept (the active attendant configuration, a replaced DNIS row).
    pub replaced: Vec<(String, &'static str)>,
    /// Its files.
    pub files: Vec<IncomingFile>,
}

impl Incoming {
    /// An incoming component with no data yet.
    pub fn new(component: impl Into<String>) -> Incoming {
        Incoming {
            component: component.into(),
            tree: RegTree::new(),
            excluded: Vec::new(),
            replaced: Vec::new(),
            files: Vec::new(),
        }
    }
}

/// How [`RuleLog::renamed`] starts the detail of a rename; the planner reads it back.
pub const RENAMED_FROM: &str = "renamed from ";
/// How [`RuleLog::merged`] starts the detail of a merge; the planner reads it back.
pub const MERGED: &str = "merged: ";

/// One change a rule made to incoming data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    /// The component changed.
    pub component: String,
    /// The registry path (absolute, after the change) or install-relative file path concerned.
    pub path: String,
    /// The rule's name.
    pub rule: &'static str,
    /// What the rule did, in a few words ("renamed from X", "icon copied to resources").
    pub detail: String,
}

/// An occurrence of an old server or site name that no rule rewrote.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    /// Registry path (with `@value` name when in a value) or file path.
    pub path: String,
    /// The old name found there.
    pub name: String,
}

/// A step the administrator has to take after the import, with the items concerned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    /// A stable identifier of the step, such as `publish-handlers`.
    pub id: &'static str,
    /// The step, as one sentence.
    pub step: String,
    /// The items it concerns (parameter names, handler files, ...).
    pub items: Vec<String>,
}

/// Something the plan must say before its actions, such as a component that overwrites the
/// target's data instead of merging with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The component concerned.
    pub component: String,
    /// The rule that raised it.
    pub rule: &'static str,
    /// What the administrator should know, as one sentence.
    pub text: String,
}

/// What the migration rules did to the incoming data: the changes, the names left behind and
/// the steps left to the administrator.
#[derive(Clone, Debug, Default, Serialize)]
pub struct RuleLog {
    /// Every change, in the order made.
    pub changes: Vec<RuleChange>,
    /// Old names no rule rewrote.
    pub unresolved: Vec<Unresolved>,
    /// Steps for the post-import checklist.
    pub checklist: Vec<ChecklistItem>,
    /// What the plan says first, before its actions.
    pub notices: Vec<Notice>,
}

impl RuleLog {
    /// Records a change.
    pub fn change(&mut self, component: &str, path: &str, rule: &'static str, detail: String) {
        self.changes.push(RuleChange {
            component: component.to_string(),
            path: path.to_string(),
            rule,
            detail,
        });
    }

    /// The rule that last changed `path` or one of its ancestors, for the plan.
    pub fn rule_for(&self, path: &str) -> Option<&'static str> {
        self.change_for(path).map(|change| change.rule)
    }

    /// The last change made to `path` or one of its ancestors.
    pub fn change_for(&self, path: &str) -> Option<&RuleChange> {
        let folded = fold(path);
        self.changes.iter().rev().find(|change| {
            let changed = fold(&change.path);
            folded == changed || folded.starts_with(&format!("{changed}\\"))
        })
    }

    /// Records that a rule gave a key or file a new name; the plan shows it as a rename.
    pub fn renamed(&mut self, component: &str, path: &str, rule: &'static str, from: &str) {
        self.change(component, path, rule, format!("{RENAMED_FROM}{from}"));
    }

    /// Records that a rule merged imported data with the target's at `path`; the plan shows
    /// the writes under it as merges.
    pub fn merged(&mut self, component: &str, path: &str, rule: &'static str, detail: &str) {
        self.change(component, path, rule, format!("{MERGED}{detail}"));
    }

    /// Records something the plan must say before its actions.
    pub fn notice(&mut self, component: &str, rule: &'static str, text: String) {
        self.notices.push(Notice {
            component: component.to_string(),
            rule,
            text,
        });
    }

    /// The changes made by the rule named `rule`, in the order made.
    pub fn changes_by<'a>(&'a self, rule: &'a str) -> impl Iterator<Item = &'a RuleChange> + 'a {
        self.changes
            .iter()
            .filter(move |change| change.rule == rule)
    }

    /// Adds items to the checklist step `id`, creating it with `step` when new.
    pub fn checklist(&mut self, id: &'static str, step: &str, items: Vec<String>) {
        match self.checklist.iter_mut().find(|item| item.id == id) {
            Some(existing) => existing.items.extend(items),
            None => self.checklist.push(ChecklistItem {
                id,
                step: step.to_string(),
                items,
            }),
        }
    }
}
