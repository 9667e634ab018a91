//! How a run ends: the one table of exit codes, the rendering of errors, and what happens on
//! a panic or a closed output pipe.
//!
//! Subcommands return `Result<u8>`: [`SUCCESS`] or [`WARNINGS`] when they finish, an
//! [`Error`] when they fail; [`code_of`] maps the error's kind to its code. `main` prints the
//! error as `error: ...` and `hint: ...` lines with [`report`]. The README's exit-code table
//! is checked against [`TABLE`] by a test.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

use migrator_core::{Error, ErrorKind};

use crate::logging;

/// The run did what was asked.
pub const SUCCESS: u8 = 0;
/// The run did what was asked but has warnings to review (a report says which).
pub const WARNINGS: u8 = 1;

/// Every exit code: code, name, meaning. The README's table shows exactly these rows.
pub const TABLE: &[(u8, &str, &str)] = &[
    (SUCCESS, "success", "the command did what was asked"),
    (
        WARNINGS,
        "completed with warnings",
        "done, with warnings to review in the report",
    ),
    (
        2,
        "usage error",
        "the command line or an option value was wrong",
    ),
    (
        3,
        "wrong password",
        "the archive's password is missing or wrong",
    ),
    (
        4,
        "refused by a gate",
        "a safety check refused the operation; nothing was changed",
    ),
    (
        5,
        "failed and rolled back",
        "an import failed part-way; the server is back in its earlier state",
    ),
    (
        6,
        "damaged archive",
        "the archive is truncated, altered or not one of ours",
    ),
    (
        7,
        "input/output failure",
        "a file or folder could not be read or written",
    ),
    (
        70,
        "internal error",
        "a bug in migrator; the log file has the details",
    ),
    (
        130,
        "interrupted",
        "stopped by Ctrl-C (or a stop signal) before it finished; what it had written was \
         removed, except by an import without a restore point (its report counts what stays, \
         and `--json` lists it)",
    ),
];

/// The exit-code table for `migrator --help`.
pub fn help_text() -> String {
    let mut text = String::from("Exit codes:\n");
    for (code, name, meaning) in TABLE {
        text.push_str(&format!("  {code:>2}  {name}: {meaning}\n"));
    }
    text
}

/// The exit code of a failure of `kind`.
pub fn code_of(kind: ErrorKind) -> u8 {
    u8::try_from(kind.exit_code()).unwrap_or(70)
}

/// The exit code of a usage error.
pub fn code_of_usage() -> u8 {
    code_of(ErrorKind::Usage)
}

/// Prints `error` for the user, logs it, and returns its exit code.
pub fn report(error: &Error) -> u8 {
    if is_broken_pipe(error) {
        return SUCCESS;
    }
    tracing::error!(target: logging::FILE_ONLY, kind = ?error.kind(), "{}", error.message());
    let mut text = render(error);
    if error.kind() == ErrorKind::Internal {
        text.push_str(&log_hint());
    }
    let text = logging::redact(&text).into_owned();
    logging::progress().suspend(|| {
        let _ = std::io::stderr().write_all(text.as_bytes());
    });
    code_of(error.kind())
}

/// The `error:` and `hint:` lines of `error`, each ending with a line break.
pub fn render(error: &Error) -> String {
    let mut text = format!("error: {}\n", error.message());
    if let Some(hint) = error.hint() {
        text.push_str(&format!("hint: {hint}\n"));
    }
    text
}

/// Whether `error` only says that whoever read our output stopped reading.
pub fn is_broken_pipe(error: &Error) -> bool {
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return true;
            }
        }
        source = cause.source();
    }
    false
}

/// The exit code a caught panic ends the run with.
static PANIC_CODE: AtomicU8 = AtomicU8::new(70);

/// Makes panics print an internal-error message that names the log file, and makes a closed
/// output pipe end the run quietly. `main` catches the unwind and calls [`panic_exit_code`].
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = panic_message(info.payload());
        if is_pipe_closed(&message) {
            PANIC_CODE.store(SUCCESS, Ordering::SeqCst);
            return;
        }
        if message.starts_with(STDOUT_FAILED) {
            PANIC_CODE.store(code_of(ErrorKind::Input), Ordering::SeqCst);
            let _ = writeln!(
                std::io::stderr(),
                "error: {message}\nhint: Check the file or disk the output goes to."
            );
            return;
        }
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let backtrace = std::backtrace::Backtrace::force_capture();
        tracing::error!(
            target: logging::FILE_ONLY,
            "internal error: {message}{location}\n{backtrace}"
        );
        let text = format!(
            "error: internal error: {message}{location}\nhint: This is a bug in migrator; \
             nothing more was written after it.{}\n",
            log_hint()
        );
        let text = logging::redact(&text).into_owned();
        logging::progress().suspend(|| {
            let _ = std::io::stderr().write_all(text.as_bytes());
        });
    }));
}

/// The exit code after a caught panic: quiet success for a closed pipe, an input/output
/// failure when the output could not be written, else internal error.
pub fn panic_exit_code() -> u8 {
    PANIC_CODE.load(Ordering::SeqCst)
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "unknown panic".to_owned()
    }
}

/// How `println!` starts its panic message when the output cannot be written.
const STDOUT_FAILED: &str = "failed printing to stdout";
/// How `eprintln!` starts its panic message when the error output cannot be written.
const STDERR_FAILED: &str = "failed printing to stderr";

/// `println!` (or `eprintln!`) panics so when the reader closed the pipe
/// (`migrator nodes | head`).
fn is_pipe_closed(message: &str) -> bool {
    let printing = message.starts_with(STDOUT_FAILED) || message.starts_with(STDERR_FAILED);
    printing && (message.contains("os error 32") || message.contains("os error 232"))
}

fn log_hint() -> String {
    match logging::log_path() {
        Some(path) => format!(
            "\nhint: Please send the log file {} to support \
             (migrator support-bundle collects it).",
            path.display()
        ),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [ErrorKind; 8] = [
        ErrorKind::Usage,
        ErrorKind::WrongPassword,
        ErrorKind::Refused,
        ErrorKind::RolledBack,
        ErrorKind::DamagedArchive,
        ErrorKind::Input,
        ErrorKind::Internal,
        ErrorKind::Cancelled,
    ];

    #[test]
    fn every_error_kind_has_a_row_in_the_table() {
        for kind in KINDS {
            let code = code_of(kind);
            assert!(TABLE.iter().any(|row| row.0 == code), "{kind:?} -> {code}");
        }
    }

    #[test]
    fn codes_are_distinct() {
        let mut codes: Vec<u8> = TABLE.iter().map(|row| row.0).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), TABLE.len());
    }

    #[test]
    fn readme_table_matches_the_code() {
        let readme = include_str!("../../../README.md");
        for (code, name, meaning) in TABLE {
            let row = format!("| {code} | {name} | {meaning} |");
            assert!(readme.contains(&row), "README lacks the row {row}");
        }
    }

    #[test]
    fn errors_render_as_error_and_hint_lines() {
        let error = Error::new(ErrorKind::Input, "reading x.reg: not found").with_hint("Check it.");
        assert_eq!(
            render(&error),
            "error: reading x.reg: not found\nhint: Check it.\n"
        );
    }

    #[test]
    fn broken_pipe_is_recognised_through_the_cause() {
        let io = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = Error::io("writing", std::path::Path::new("stdout"), io);
        assert!(is_broken_pipe(&error));
        let other = Error::io(
            "writing",
            std::path::Path::new("x"),
            std::io::Error::from(std::io::ErrorKind::NotFound),
        );
        assert!(!is_broken_pipe(&other));
    }

    #[test]
    fn closed_stdout_panics_are_recognised() {
        assert!(is_pipe_closed(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(is_pipe_closed(
            "failed printing to stderr: Broken pipe (os error 32)"
        ));
        assert!(!is_pipe_closed("index out of bounds"));
        assert!(!is_pipe_closed(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
    }
}
