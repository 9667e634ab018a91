//! The logs of a run: a full-detail file per run, and the short console view.
//!
//! Every run writes one log file, `migrator-<run id>.log`, in the temporary folder's
//! `inin_tracing` folder (where the vendor tool traces too) or in `--log-dir`. Every line of it
//! starts with the time and the run's id, so lines of several runs pasted together stay
//! apart. The console shows warnings and errors by default; `-v` adds notes and detail, `-q`
//! leaves only errors and hides progress bars.
//!
//! Progress bars and log lines share the terminal through one [`MultiProgress`]
//! ([`progress`]): a console line is written while the bars are suspended, so neither tears
//! the other. Every line, in the file and on the console, passes through [`redact`], which
//! replaces any password registered with [`register_secret`].

use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, RwLock};
use std::time::Instant;

use indicatif::{MultiProgress, ProgressDrawTarget};
use secrecy::{ExposeSecret, SecretString};
use tracing::level_filters::LevelFilter;
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::Layer;

/// Target of events meant for the log file only (the binary prints their console form itself).
pub const FILE_ONLY: &str = "migrator::file_only";

/// The folder name the vendor tool traces into, under the temporary folder.
const TRACING_DIR: &str = "inin_tracing";

/// What replaces a password in any log line or message.
const MASK: &str = "********";

/// Console and log options, accepted by every subcommand.
#[derive(clap::Args, Debug, Default)]
pub struct LogArgs {
    /// Show more on the console: -v notes, -vv detail, -vvv everything.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    verbose: u8,
    /// Show less on the console: errors only, no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Folder for this run's log file [default: inin_tracing in the temporary folder].
    #[arg(long, value_name = "DIR", global = true)]
    log_dir: Option<PathBuf>,
}

/// This run's logging: its id and where its file is.
#[derive(Debug)]
pub struct Session {
    run_id: String,
    dir: PathBuf,
    file: Option<PathBuf>,
    started: Instant,
}

impl Session {
    /// The run's id, written on every log line.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// The folder holding the logs of this and earlier runs.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This run's log file, when it could be created.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> std::time::Duration {
        self.started.elapsed()
    }
}

static SESSION_FILE: OnceLock<PathBuf> = OnceLock::new();
static QUIET: OnceLock<bool> = OnceLock::new();
static MUTED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
static PROGRESS: OnceLock<MultiProgress> = OnceLock::new();
static SECRETS: RwLock<Vec<SecretString>> = RwLock::new(Vec::new());

/// The default log folder: the temporary folder's `inin_tracing`.
pub fn default_dir() -> PathBuf {
    std::env::temp_dir().join(TRACING_DIR)
}

/// Starts logging for this run. Never fails: without a log file the run goes on and says why.
pub fn init(args: &LogArgs) -> Session {
    QUIET.get_or_init(|| args.quiet);
    if args.quiet {
        progress().set_draw_target(ProgressDrawTarget::hidden());
    }
    let dir = args.log_dir.clone().unwrap_or_else(default_dir);
    let run_id = new_run_id();
    let (file, path) = match create_log_file(&dir, &run_id) {
        Ok((file, path)) => (Some(file), Ok(path)),
        Err(error) => (None, Err(error)),
    };
    install_subscriber(args, &run_id, file);
    let file = match path {
        Ok(path) => {
            let _ = SESSION_FILE.set(path.clone());
            Some(path)
        }
        Err(error) => {
            tracing::warn!(
                "cannot write the log file in {}: {error}; this run is not logged \
                 (choose another folder with --log-dir)",
                dir.display()
            );
            None
        }
    };
    Session {
        run_id,
        dir,
        file,
        started: Instant::now(),
    }
}

/// This run's log file, once [`init`] has created it; for messages about internal errors.
pub fn log_path() -> Option<&'static Path> {
    SESSION_FILE.get().map(PathBuf::as_path)
}

/// Whether progress bars may be shown (not with `-q`).
pub fn show_progress() -> bool {
    !QUIET.get().copied().unwrap_or(false)
}

/// The one set of progress bars of the run. Progress renderers add their bars here, so that
/// console log lines are printed between redraws instead of through a bar.
pub fn progress() -> &'static MultiProgress {
    PROGRESS.get_or_init(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr()))
}

/// Stops (or resumes) console log lines, while a full-screen interface owns the terminal; the
/// log file still gets every line.
pub fn mute_console(muted: bool) {
    MUTED.store(muted, std::sync::atomic::Ordering::SeqCst);
}

/// Makes sure `secret` never appears in a log line, a console line or an error message.
pub fn register_secret(secret: &SecretString) {
    if secret.expose_secret().is_empty() {
        return;
    }
    let mut secrets = SECRETS
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    secrets.push(SecretString::from(secret.expose_secret().to_owned()));
}

/// `text` with every registered secret replaced by a mask.
pub fn redact(text: &str) -> Cow<'_, str> {
    let secrets = SECRETS
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let mut text = Cow::Borrowed(text);
    for secret in secrets.iter() {
        let secret = secret.expose_secret();
        if text.contains(secret) {
            text = Cow::Owned(text.replace(secret, MASK));
        }
    }
    text
}

/// The command line as it may be logged: the value of any password option masked.
pub fn masked_command_line(args: &[std::ffi::OsString]) -> String {
    let mut shown = Vec::with_capacity(args.len());
    let mut mask_next = false;
    for arg in args {
        let arg = arg.to_string_lossy();
        if mask_next {
            shown.push(MASK.to_owned());
            mask_next = false;
            continue;
        }
        let lower = arg.to_ascii_lowercase();
        let name = lower.split('=').next().unwrap_or_default();
        let is_password = name.starts_with('-') && names_a_password(name);
        if is_password && arg.contains('=') {
            shown.push(format!("{}={MASK}", &arg[..name.len()]));
        } else {
            mask_next = is_password;
            shown.push(arg.into_owned());
        }
    }
    shown.join(" ")
}

/// Whether an option name (lower case, with its dashes) is or looks like a password option,
/// misspellings included: the value of a mistyped `-pasword=` is as secret as the right one.
/// Options naming a password file are not.
fn names_a_password(option: &str) -> bool {
    let name = option.trim_start_matches('-');
    if name.ends_with("file") {
        return false;
    }
    ["pass", "pwd", "pw"].iter().any(|part| name.contains(part))
        || migrator_core::text::edit_distance(name, "password") <= 2
}

/// A run id: the local start time and four hex digits that tell apart runs of one second.
fn new_run_id() -> String {
    let now = chrono::Local::now();
    let nanos = now.timestamp_subsec_nanos();
    let salt = (std::process::id() ^ nanos ^ (nanos >> 16)) & 0xffff;
    format!("{}-{salt:04x}", now.format("%Y%m%d-%H%M%S"))
}

/// Creates the log folder (private to the user where the OS allows) and a new log file.
fn create_log_file(dir: &Path, run_id: &str) -> io::Result<(File, PathBuf)> {
    create_private_dir(dir)?;
    let path = dir.join(format!("migrator-{run_id}.log"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(&path)?;
    Ok((file, path))
}

fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

fn install_subscriber(args: &LogArgs, run_id: &str, file: Option<File>) {
    let console = tracing_subscriber::fmt::layer()
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .event_format(ConsoleFormat)
        .with_writer(ConsoleSink)
        .with_filter(console_filter(args));
    let file_layer = file.map(|file| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .event_format(FileFormat {
                run_id: run_id.to_owned(),
            })
            .with_writer(FileSink(Mutex::new(file)))
            .with_filter(file_filter())
    });
    let _ = tracing_subscriber::registry()
        .with(console)
        .with(file_layer)
        .try_init();
}

/// Everything of ours, and what the libraries we use say at info level and above.
fn file_filter() -> Targets {
    Targets::new()
        .with_default(LevelFilter::INFO)
        .with_target("migrator", LevelFilter::TRACE)
        .with_target("migrator_core", LevelFilter::TRACE)
}

fn console_filter(args: &LogArgs) -> Targets {
    let ours = match (args.quiet, args.verbose) {
        (true, _) => LevelFilter::ERROR,
        (false, 0) => LevelFilter::WARN,
        (false, 1) => LevelFilter::INFO,
        (false, 2) => LevelFilter::DEBUG,
        (false, _) => LevelFilter::TRACE,
    };
    let others = if args.quiet {
        LevelFilter::ERROR
    } else {
        LevelFilter::WARN
    };
    Targets::new()
        .with_default(others)
        .with_target("migrator", ours)
        .with_target("migrator_core", ours)
        .with_target(FILE_ONLY, LevelFilter::OFF)
}

/// Console lines: `warning: message`, as the error lines of the binary read.
struct ConsoleFormat;

impl<S, N> FormatEvent<S, N> for ConsoleFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let label = match *event.metadata().level() {
            tracing::Level::ERROR => "error",
            tracing::Level::WARN => "warning",
            tracing::Level::INFO => "note",
            tracing::Level::DEBUG => "debug",
            tracing::Level::TRACE => "trace",
        };
        write!(writer, "{label}: ")?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// File lines: local time, run id, level, where, spans, message and fields.
struct FileFormat {
    run_id: String,
}

impl<S, N> FormatEvent<S, N> for FileFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let time = chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f");
        write!(
            writer,
            "{time} run={} {:<5} {}: ",
            self.run_id,
            meta.level(),
            meta.target()
        )?;
        if let Some(scope) = ctx.event_scope() {
            for span in scope.from_root() {
                write!(writer, "{}: ", span.name())?;
            }
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Writes console lines to stderr between progress bar redraws.
struct ConsoleSink;

/// One console line being written.
struct ConsoleWriter;

impl<'a> MakeWriter<'a> for ConsoleSink {
    type Writer = ConsoleWriter;

    fn make_writer(&'a self) -> ConsoleWriter {
        ConsoleWriter
    }
}

impl Write for ConsoleWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if MUTED.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(buf.len());
        }
        let text = String::from_utf8_lossy(buf);
        let text = redact(&text);
        progress().suspend(|| io::stderr().write_all(text.as_bytes()))?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

/// The run's log file, shared by all threads.
struct FileSink(Mutex<File>);

/// One log line being written to the file.
struct FileWriter<'a>(std::sync::MutexGuard<'a, File>);

impl<'a> MakeWriter<'a> for FileSink {
    type Writer = FileWriter<'a>;

    fn make_writer(&'a self) -> FileWriter<'a> {
        FileWriter(
            self.0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}

impl Write for FileWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<std::ffi::OsString> {
        args.iter().map(|a| a.into()).collect()
    }

    #[test]
    fn command_line_masks_every_password_form() {
        let line = masked_command_line(&os(&[
            "migrator",
            "export",
            "--password",
            "hunter2",
            "--password=opensesame",
            "-Password=foo",
        ]));
        assert!(!line.contains("hunter2"), "{line}");
        assert!(!line.contains("opensesame"), "{line}");
        assert!(!line.contains("foo"), "{line}");
        assert!(line.contains("--password ********"), "{line}");
        assert!(line.contains("-Password=********"), "{line}");
    }

    #[test]
    fn command_line_masks_misspelt_password_switches() {
        for (typed, secret) in [
            (&["-pasword=hunter2"][..], "hunter2"),
            (&["-passwrd", "hunter3"][..], "hunter3"),
            (&["--paswort=hunter4"][..], "hunter4"),
            (&["-pwd=hunter5"][..], "hunter5"),
        ] {
            let mut args = vec!["migrator", "-import"];
            args.extend_from_slice(typed);
            let line = masked_command_line(&os(&args));
            assert!(!line.contains(secret), "{line}");
            assert!(line.contains(MASK), "{line}");
        }
        let line = masked_command_line(&os(&["migrator", "-server=/srv/x", "-exportFolder=/e"]));
        assert_eq!(line, "migrator -server=/srv/x -exportFolder=/e");
    }

    #[test]
    fn command_line_keeps_password_file_paths() {
        let line = masked_command_line(&os(&["migrator", "--password-file", "/etc/pw"]));
        assert_eq!(line, "migrator --password-file /etc/pw");
    }

    #[test]
    fn run_ids_name_the_start_time() {
        let id = new_run_id();
        assert_eq!(id.len(), "20240101-120000-abcd".len(), "{id}");
        assert!(id[..8].chars().all(|c| c.is_ascii_digit()), "{id}");
    }
}
