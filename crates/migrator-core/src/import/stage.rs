//! The stages of an import, in the order they run. Each is logged when it starts and ends,
//! timed for the report, and shown to the user as a progress phase.

use std::fmt;

use serde::Serialize;

/// One stage of an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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

impl Stage {
    /// Whether the stage's own work reports progress phases (the archive's verify and
    /// extraction, and the writes of apply), so the stage itself does not open one.
    pub fn has_own_phases(self) -> bool {
        matches!(self, Stage::OpenVerify | Stage::Extract | Stage::Apply)
    }
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
