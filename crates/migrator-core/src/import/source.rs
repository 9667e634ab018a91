//! Where an import's data comes from: an archive that says which server and tool wrote it,
//! can be verified, and extracts components into [`Incoming`] data.
//!
//! The import stages only talk to a [`Source`], so the plan, gates and apply stages can be
//! exercised on hand-made data as well as on real archives.

use std::path::Path;

use serde::Serialize;

use crate::error::Result;
use crate::incoming::Incoming;
use crate::server::ServerKind;
use crate::version::CicVersion;

use crate::progress::Progress;

/// What an archive records about the server it was exported from and the tool that wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Origin {
    /// The version of the tool that wrote the archive.
    pub tool_version: String,
    /// The build of that version.
    pub tool_build: String,
    /// The source server's name.
    pub server: String,
    /// The source server's site (empty for a Media Server).
    pub site: String,
    /// CIC server or Media Server.
    pub kind: ServerKind,
    /// The source server's release.
    pub cic_version: CicVersion,
    /// The source server's Windows install root; empty when the archive does not record it.
    pub install_root: String,
    /// The components the archive holds, in its order.
    pub components: Vec<String>,
}

/// An opened archive, ready to be verified and extracted.
pub trait Source {
    /// The archive's name for messages and reports.
    fn describe(&self) -> String;

    /// What the archive says about where it came from.
    fn origin(&self) -> &Origin;

    /// Checks every component's integrity and keeps what it found for [`Source::damage`].
    ///
    /// # Errors
    ///
    /// `ErrorKind::DamagedArchive` when the archive as a whole cannot be checked.
    fn verify(&mut self, progress: &dyn Progress) -> Result<()>;

    /// After [`Source::verify`]: refuses when any of `components` is damaged, and returns a
    /// warning for each other damaged component, which is then simply not imported.
    ///
    /// # Errors
    ///
    /// `ErrorKind::DamagedArchive` naming every damaged component among `components`.
    fn damage(&self, components: &[String]) -> Result<Vec<String>> {
        let _ = components;
        Ok(Vec::new())
    }

    /// Extracts `components` into `dir` and reads each into an [`Incoming`]. Nothing is
    /// written when any entry would land outside `dir`.
    ///
    /// # Errors
    ///
    /// `ErrorKind::Refused` for an escaping entry; I/O and damage errors otherwise.
    fn extract(
        &mut self,
        components: &[String],
        dir: &Path,
        progress: &dyn Progress,
    ) -> Result<Vec<Incoming>>;

    /// The folder the last extraction created, which a plan-only run removes again.
    fn extraction_folder(&self) -> Option<&Path> {
        None
    }
}
