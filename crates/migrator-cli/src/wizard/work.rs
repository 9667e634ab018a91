//! The export or import the wizard runs, on a thread of its own so the screen stays live.
//!
//! The thread calls the same library entry points as the `export` and `import` commands and
//! reports through the library's [`Progress`] trait, whose calls become [`Event`]s on a
//! channel the screen drains. The Stop key sets the flag that [`Progress::cancelled`]
//! returns; the library then stops at its next chunk and removes what it wrote.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use migrator_core::export::{self, ExportRequest};
use migrator_core::import::{self, archive_source::ArchiveSource, Outcome};
use migrator_core::progress::Progress;
use migrator_core::{Error, Result};
use secrecy::SecretString;

/// What to run.
pub enum Job {
    /// An export, as `migrator export` runs it.
    Export {
        /// What to export and where to.
        request: ExportRequest,
        /// The archive password, when one was set.
        password: Option<SecretString>,
    },
    /// An import, as `migrator import` runs it.
    Import {
        /// The archive.
        archive: PathBuf,
        /// What to import and how.
        request: import::Request,
        /// The archive password, when it has one.
        password: Option<SecretString>,
    },
}

/// How a finished job went.
#[derive(Clone, Debug)]
pub enum Finished {
    /// The archive written, with its component and item counts.
    Exported {
        /// The archive's path.
        archive: PathBuf,
        /// How many components it holds.
        components: usize,
        /// How many items.
        items: usize,
    },
    /// The import's final status, and the headline lines of its report.
    Imported {
        /// Completed, CompletedWithWarnings or Failed.
        status: String,
        /// The report as text.
        report: String,
        /// The checklist's headline: how many steps, and the first.
        checklist: String,
        /// The exit code the import's status maps to.
        code: u8,
    },
}

/// What the job thread tells the screen.
pub enum Event {
    /// A phase began.
    Phase {
        /// Its name.
        name: String,
        /// Items to do.
        items: u64,
        /// Bytes to do.
        bytes: u64,
    },
    /// Items and bytes done.
    Advance(u64, u64),
    /// A warning to show.
    Warning(String),
    /// The job ended.
    Done(Result<Finished>),
}

/// A job running on its thread.
pub struct Running {
    /// Events from the thread.
    pub events: Receiver<Event>,
    cancel: Arc<AtomicBool>,
    started: Instant,
}

impl Running {
    /// Asks the job to stop cleanly.
    pub fn stop(&self) {
        self.cancel.store(true, Ordering::SeqCst);
    }

    /// Whether Stop was pressed.
    pub fn stopping(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Time since the job started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
}

/// Starts `job` on a new thread.
pub fn start(job: Job) -> Running {
    let (sender, events) = mpsc::channel();
    let cancel = Arc::new(AtomicBool::new(false));
    let progress = ChannelProgress {
        sender: sender.clone(),
        cancel: Arc::clone(&cancel),
    };
    std::thread::spawn(move || {
        let outcome = run(job, &progress);
        let _ = sender.send(Event::Done(outcome));
    });
    Running {
        events,
        cancel,
        started: Instant::now(),
    }
}

fn run(job: Job, progress: &ChannelProgress) -> Result<Finished> {
    match job {
        Job::Export { request, password } => run_export(&request, password, progress),
        Job::Import {
            archive,
            request,
            password,
        } => run_import(&archive, &request, password, progress),
    }
}

fn run_export(
    request: &ExportRequest,
    password: Option<SecretString>,
    progress: &ChannelProgress,
) -> Result<Finished> {
    let prepared = export::prepare(request)?;
    for warning in &prepared.warnings {
        let _ = progress.sender.send(Event::Warning(warning.clone()));
    }
    let report = prepared.write(password.as_ref(), progress)?;
    Ok(Finished::Exported {
        components: report.components.len(),
        items: report.components.iter().map(|c| c.items).sum(),
        archive: report.archive,
    })
}

fn run_import(
    archive: &std::path::Path,
    request: &import::Request,
    password: Option<SecretString>,
    progress: &ChannelProgress,
) -> Result<Finished> {
    let mut source = ArchiveSource::open(archive, password.as_ref())?;
    match import::run(request, &mut source, progress)? {
        Outcome::Imported(report) => Ok(Finished::Imported {
            status: report.status.words().to_owned(),
            report: report.to_text(false),
            checklist: report
                .steps_left()
                .map_or_else(String::new, |checklist| checklist.headline()),
            code: u8::try_from(report.exit_code()).unwrap_or(70),
        }),
        Outcome::Planned(_) => Err(Error::new(
            migrator_core::ErrorKind::Internal,
            "the wizard's import stopped at the plan",
        )),
    }
}

/// Progress sent as events, with the Stop flag as the cancellation.
struct ChannelProgress {
    sender: Sender<Event>,
    cancel: Arc<AtomicBool>,
}

impl Progress for ChannelProgress {
    fn start_phase(&self, phase: &str, items: u64, bytes: u64) {
        let name = phase.to_owned();
        let _ = self.sender.send(Event::Phase { name, items, bytes });
    }

    fn advance(&self, items: u64, bytes: u64) {
        let _ = self.sender.send(Event::Advance(items, bytes));
    }

    fn end_phase(&self) {}

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}
