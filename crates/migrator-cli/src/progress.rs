//! Renders the library's [`Progress`] reports: a bar per phase with counts and bytes on a
//! terminal, one plain line per phase start and end on a pipe, and the elapsed time at the
//! end. Everything goes to standard error, so standard output stays clean for JSON.
//!
//! It also turns Ctrl-C into a cancellation the library sees through
//! [`Progress::cancelled`]: the work stops at its next chunk and removes what it wrote. A
//! second Ctrl-C ends the process at once, unless the run changes a server image (see
//! [`protect_server_changes`]).

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, HumanDuration, ProgressBar, ProgressStyle};
use migrator_core::progress::Progress;
use migrator_core::text::counted;

/// A line on standard error, as `eprintln!` writes it but without its panic when standard error
/// is gone (a closed terminal after SIGHUP): the run goes on all the same.
macro_rules! to_stderr {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The process's Ctrl-C flag, shared by every renderer.
static INTERRUPTED: OnceLock<&'static AtomicBool> = OnceLock::new();

/// The exit code of a process ended by a second Ctrl-C, as shells report SIGINT.
const INTERRUPT_EXIT: i32 = 130;

/// Set by runs that change a server image: a second Ctrl-C then asks to wait instead of
/// quitting, which would leave the image half changed and its lock behind.
static CHANGING_SERVER: AtomicBool = AtomicBool::new(false);

/// Set by runs that cannot stop part-way once they have started (rollback): Ctrl-C only says
/// so.
static UNSTOPPABLE: AtomicBool = AtomicBool::new(false);

/// Marks this run as one that changes a server image (import, rollback, resolve-parameters);
/// `stoppable` when it stops cleanly at Ctrl-C (an import rolls back), not when it can only
/// finish what it started.
pub fn protect_server_changes(stoppable: bool) {
    CHANGING_SERVER.store(true, Ordering::Relaxed);
    UNSTOPPABLE.store(!stoppable, Ordering::Relaxed);
    install_interrupt_handler();
}

/// How progress is shown.
enum Mode {
    Bars,
    Lines,
    /// `-q`: nothing shown.
    Hidden,
}

/// The phase being shown.
struct Phase {
    name: String,
    items: u64,
    bytes: u64,
    started: Instant,
    bar: Option<ProgressBar>,
}

/// A [`Progress`] that draws on standard error.
pub struct Renderer {
    mode: Mode,
    started: Instant,
    phase: Mutex<Option<Phase>>,
    items_done: AtomicU64,
    bytes_done: AtomicU64,
}

impl Renderer {
    /// Bars when standard error is a terminal, plain lines otherwise. Installs the Ctrl-C
    /// handler the first time.
    pub fn new() -> Renderer {
        install_interrupt_handler();
        let mode = if !crate::logging::show_progress() {
            Mode::Hidden
        } else if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Lines
        };
        Renderer {
            mode,
            started: Instant::now(),
            phase: Mutex::new(None),
            items_done: AtomicU64::new(0),
            bytes_done: AtomicU64::new(0),
        }
    }

    /// Prints how long the whole run took, as `<what> in 3.2s`.
    pub fn finish(&self, what: &str) {
        self.end_phase();
        if matches!(self.mode, Mode::Hidden) {
            return;
        }
        to_stderr!("{what} in {}", seconds(self.started.elapsed()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Phase>> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bar(&self, phase: &str, items: u64, bytes: u64) -> ProgressBar {
        let (length, counts) = if bytes > 0 {
            (bytes, "{bytes}/{total_bytes} {msg}")
        } else {
            (items, "{pos}/{len} items")
        };
        let template = format!("{{prefix:>16}} [{{bar:30}}] {counts} ({{elapsed}})");
        let style = ProgressStyle::with_template(&template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
        // In the run's shared set of bars, so log lines are printed between redraws.
        let bar = crate::logging::progress().add(ProgressBar::new(length));
        bar.set_style(style);
        bar.set_prefix(phase.to_string());
        if items > 0 {
            bar.set_message(format!("0/{items} items"));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    }
}

impl Default for Renderer {
    fn default() -> Renderer {
        Renderer::new()
    }
}

impl Progress for Renderer {
    fn start_phase(&self, phase: &str, items: u64, bytes: u64) {
        self.end_phase();
        self.items_done.store(0, Ordering::Relaxed);
        self.bytes_done.store(0, Ordering::Relaxed);
        let bar = match self.mode {
            Mode::Bars => Some(self.bar(phase, items, bytes)),
            Mode::Lines => {
                match (items, bytes) {
                    // A step that counts nothing (a check, the plan) is named only.
                    (0, 0) => to_stderr!("{phase} ..."),
                    _ => to_stderr!("{phase}: {}", amounts(items, bytes)),
                }
                None
            }
            Mode::Hidden => None,
        };
        *self.lock() = Some(Phase {
            name: phase.to_string(),
            items,
            bytes,
            started: Instant::now(),
            bar,
        });
    }

    fn advance(&self, items: u64, bytes: u64) {
        let done_items = self.items_done.fetch_add(items, Ordering::Relaxed) + items;
        self.bytes_done.fetch_add(bytes, Ordering::Relaxed);
        let guard = self.lock();
        let Some(Phase {
            bar: Some(bar),
            items: total,
            bytes: total_bytes,
            ..
        }) = guard.as_ref()
        else {
            return;
        };
        if *total_bytes > 0 {
            bar.inc(bytes);
            if items > 0 {
                bar.set_message(format!("{done_items}/{total} items"));
            }
        } else {
            bar.inc(items);
        }
    }

    fn end_phase(&self) {
        let Some(phase) = self.lock().take() else {
            return;
        };
        let took = seconds(phase.started.elapsed());
        if let Some(bar) = phase.bar {
            bar.finish_and_clear();
        }
        if matches!(self.mode, Mode::Hidden) {
            return;
        }
        let (items, bytes) = (
            self.items_done.load(Ordering::Relaxed),
            self.bytes_done.load(Ordering::Relaxed),
        );
        match (phase.items, phase.bytes, items, bytes) {
            (0, 0, 0, 0) => to_stderr!("{}: done in {took}", phase.name),
            _ => to_stderr!("{}: done, {} in {took}", phase.name, amounts(items, bytes)),
        }
    }

    fn cancelled(&self) -> bool {
        INTERRUPTED
            .get()
            .is_some_and(|flag| flag.load(Ordering::Relaxed))
    }
}

/// What a phase counts, in words: a phase of bytes alone (a component with only registry
/// data) says no "0 items".
fn amounts(items: u64, bytes: u64) -> String {
    match (items, bytes) {
        (0, 1..) => HumanBytes(bytes).to_string(),
        (_, 1..) => format!("{}, {}", counted(items as usize, "item"), HumanBytes(bytes)),
        _ => counted(items as usize, "item"),
    }
}

fn seconds(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(60) {
        format!("{:.1}s", elapsed.as_secs_f64())
    } else {
        HumanDuration(elapsed).to_string()
    }
}

/// The first Ctrl-C (or SIGTERM, or SIGHUP) asks the work to stop cleanly; a second one ends
/// the process.
fn install_interrupt_handler() {
    INTERRUPTED.get_or_init(|| {
        let flag: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
        let handler = move || {
            if UNSTOPPABLE.load(Ordering::Relaxed) {
                say(
                    "this cannot stop half-way without leaving the server image half changed: \
                     it finishes in a moment, please wait",
                );
                return;
            }
            if flag.swap(true, Ordering::Relaxed) {
                if CHANGING_SERVER.load(Ordering::Relaxed) {
                    say(
                        "still stopping: the server image is being put back in order; \
                         quitting now would leave it half changed, so please wait",
                    );
                    return;
                }
                std::process::exit(INTERRUPT_EXIT);
            }
            match CHANGING_SERVER.load(Ordering::Relaxed) {
                true => say("stopping at the next safe point and cleaning up"),
                false => say("stopping and cleaning up (Ctrl-C again to quit at once)"),
            }
        };
        // Without a handler Ctrl-C still stops the run, only less tidily; nothing to report.
        let _ = ctrlc::set_handler(handler);
        flag
    });
}

/// One line on standard error from the signal handler; after SIGHUP the terminal may be gone,
/// and the run must go on cleaning up all the same.
fn say(text: &str) {
    let _ = writeln!(std::io::stderr(), "\n{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_name_only_what_a_phase_counts() {
        assert_eq!(amounts(0, 2048), "2.00 KiB");
        assert_eq!(amounts(1, 2048), "1 item, 2.00 KiB");
        assert_eq!(amounts(3, 0), "3 items");
    }
}
