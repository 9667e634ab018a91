//! How an import reports its progress and learns that the user wants it to stop.
//!
//! The library never prints: the binary implements [`Progress`] to show stages and counts on a
//! terminal, and to answer [`Progress::cancelled`] after Ctrl-C.

use std::fmt;

use super::plan::Action;

/// The stages of an import, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Opening the archive and checking every component.
    OpenVerify,
    /// The safety checks, before anything is written.
    Gates,
    /// Extracting the chosen components into the extraction folder.
    Extract,
    /// Applying the migration rules (Migration mode).
    Rules,
    /// Comparing the archive with the target.
    Plan,
    /// Saving what the import will change.
    RestorePoint,
    /// Writing to the server.
    Apply,
    /// Undoing a failed import.
    Rollback,
    /// Writing the report.
    Report,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::OpenVerify => "open and verify the archive",
            Stage::Gates => "check that the import may run",
            Stage::Extract => "extract the components",
            Stage::Rules => "apply the migration rules",
            Stage::Plan => "plan",
            Stage::RestorePoint => "take a restore point",
            Stage::Apply => "apply",
            Stage::Rollback => "roll back",
            Stage::Report => "write the report",
        })
    }
}

/// Receives progress; every method has a silent default.
pub trait Progress: Sync {
    /// A stage begins.
    fn stage(&self, _stage: Stage, _detail: &str) {}

    /// A stage ends.
    fn stage_done(&self, _stage: Stage, _detail: &str) {}

    /// A warning the user should see.
    fn warn(&self, _message: &str) {}

    /// The apply stage starts `total` writing actions.
    fn start_items(&self, _total: u64) {}

    /// One action was carried out.
    fn item_done(&self, _action: &Action) {}

    /// Whether the user asked to stop (Ctrl-C); checked between items.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress that shows nothing and never cancels.
#[derive(Clone, Copy, Debug, Default)]
pub struct Silent;

impl Progress for Silent {}
