//! The one error type of the library, and the exit codes the binary maps it to.
//!
//! Message rule: `message` says what happened and to what, starting in lower case, without a
//! final full stop, naming the file, line or item concerned; `hint` is a full sentence saying
//! what the user can do. Neither ever holds a password or a secret value.

use std::fmt;
use std::path::Path;

/// The broad class of a failure; each maps to one documented exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The command line was wrong.
    Usage,
    /// The archive's password was missing or wrong.
    WrongPassword,
    /// A safety gate refused the operation before anything was written.
    Refused,
    /// An import failed part-way and was rolled back.
    RolledBack,
    /// An archive is damaged: truncated, altered or not an archive of this tool.
    DamagedArchive,
    /// An input or output failed: a malformed file, a missing folder, a full disk.
    Input,
    /// The user stopped the work (Ctrl-C, the wizard's Stop) before it finished; what it had
    /// written was removed.
    Cancelled,
    /// A bug in this tool.
    Internal,
}

impl ErrorKind {
    /// The process exit code for this kind of failure (see the README's table).
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Usage => 2,
            ErrorKind::WrongPassword => 3,
            ErrorKind::Refused => 4,
            ErrorKind::RolledBack => 5,
            ErrorKind::DamagedArchive => 6,
            ErrorKind::Input => 7,
            ErrorKind::Internal => 70,
            ErrorKind::Cancelled => 130,
        }
    }
}

/// A failure, with what to do about it.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    hint: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A new error of `kind`; see the module documentation for the wording rule.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            hint: None,
            source: None,
        }
    }

    /// Adds what the user can do about it.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Error {
        self.hint = Some(hint.into());
        self
    }

    /// Adds the underlying cause.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Error {
        self.source = Some(Box::new(source));
        self
    }

    /// An I/O failure on `path` while doing `action` ("reading", "writing", ...).
    pub fn io(action: &str, path: &Path, source: std::io::Error) -> Error {
        let hint = match source.kind() {
            std::io::ErrorKind::NotFound => "Check that the path exists and is spelled right.",
            std::io::ErrorKind::PermissionDenied => {
                "Check the permissions of the path, or run as a user who may write there."
            }
            _ if is_disk_full(&source) => "Free some space on that disk, or choose another folder.",
            _ => "Check the path and the disk, then run the command again.",
        };
        Error::new(
            ErrorKind::Input,
            format!("{action} {}: {source}", path.display()),
        )
        .with_hint(hint)
        .with_source(source)
    }

    /// The class of the failure.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// What happened, to what.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What the user can do, when known.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
}

/// Whether an I/O error means the disk is full.
pub fn is_disk_full(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::StorageFull || error.raw_os_error() == Some(28)
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}
