//! The import lock: one file in the server's Migrator folder, held for a whole import or
//! rollback, so that two of them never change a server at the same time.
//!
//! The file names the process, host and start time of its holder. A lock whose process no
//! longer runs is stale: it is reported with how to clear it, never taken over silently,
//! because the import that left it may have stopped half-way.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, ErrorKind, Result};
use crate::registry::backend;
use crate::server::ServerImage;

/// The lock file's name in the Migrator folder.
pub const LOCK_FILE: &str = "import.lock";

/// Who holds a lock.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// The holding process.
    pub pid: u32,
    /// The host it runs on.
    pub host: String,
    /// When it took the lock (RFC 3339).
    pub started: String,
    /// What it does (`import`, `rollback`).
    pub purpose: String,
}

/// A held lock; dropping it releases it.
#[derive(Debug)]
pub struct ImportLock {
    path: PathBuf,
    contents: String,
    created_dir: Option<PathBuf>,
}

impl ImportLock {
    /// Takes the lock of `image` for `purpose`.
    ///
    /// # Errors
    ///
    /// `ErrorKind::Refused` when another process holds it or a stale lock is left, with what to
    /// do; `ErrorKind::Input` when the Migrator folder cannot be written.
    pub fn acquire(image: &ServerImage, purpose: &str) -> Result<ImportLock> {
        let dir = image.migrator_dir();
        let created_dir = (!dir.exists()).then(|| dir.clone());
        backend::create_dirs(&dir).map_err(|e| Error::io("creating", &dir, e))?;
        let path = dir.join(LOCK_FILE);
        let holder = Holder {
            pid: std::process::id(),
            host: host_name(),
            started: chrono::Local::now().to_rfc3339(),
            purpose: purpose.to_string(),
        };
        let contents = serde_json::to_string(&holder).expect("a lock holder serializes");
        let taken = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut file| {
                file.write_all(contents.as_bytes())?;
                file.sync_all()
            });
        match taken {
            Ok(()) => {
                sweep_temporaries(image);
                Ok(ImportLock {
                    path,
                    contents,
                    created_dir,
                })
            }
            Err(e) => {
                let error = match e.kind() {
                    io::ErrorKind::AlreadyExists => held(image, &path),
                    _ => {
                        let _ = fs::remove_file(&path);
                        Error::io("writing", &path, e)
                    }
                };
                remove_if_empty(created_dir.as_deref());
                Err(error)
            }
        }
    }

    /// Checks that nobody holds the lock of `image`, without taking it (for `--plan`).
    ///
    /// # Errors
    ///
    /// The same refusals as [`ImportLock::acquire`].
    pub fn check_free(image: &ServerImage) -> Result<()> {
        let path = image.migrator_dir().join(LOCK_FILE);
        match path.exists() {
            true => Err(held(image, &path)),
            false => Ok(()),
        }
    }

    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for ImportLock {
    fn drop(&mut self) {
        let ours = fs::read_to_string(&self.path).is_ok_and(|c| c == self.contents);
        if ours {
            let _ = fs::remove_file(&self.path);
        }
        remove_if_empty(self.created_dir.as_deref());
    }
}

/// Removes the temporary files a run killed part-way left in `image` (beside `registry.reg`
/// and anywhere in the install tree). Only the lock's holder writes them, so with the lock
/// taken every one found is debris; each removal is logged, and one that fails only noted.
fn sweep_temporaries(image: &ServerImage) {
    let root = fs::read_dir(image.dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path());
    let tree = walkdir::WalkDir::new(image.install_dir())
        .into_iter()
        .flatten()
        .filter(|entry| entry.file_type().is_file())
        .map(walkdir::DirEntry::into_path);
    let debris = root.chain(tree).filter(|path| {
        path.is_file()
            && path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(backend::is_temporary)
    });
    for path in debris {
        match fs::remove_file(&path) {
            Ok(()) => tracing::warn!(
                "removed {}, a temporary file left by a run that was stopped part-way",
                path.display()
            ),
            Err(e) => tracing::info!(
                "could not remove the temporary file {}: {e}",
                path.display()
            ),
        }
    }
}

/// Removes the Migrator folder the lock created, unless a run left its reports in it.
fn remove_if_empty(dir: Option<&Path>) {
    if let Some(dir) = dir {
        let _ = fs::remove_dir(dir);
    }
}

/// Whether the process that holds a lock still runs. Only Unix can tell yet; elsewhere every
/// holder is `Unknown` and reported as possibly running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(not(unix), allow(dead_code))]
enum Liveness {
    Running,
    Gone,
    Unknown,
}

fn held(image: &ServerImage, path: &Path) -> Error {
    let holder: Option<Holder> = fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    let Some(holder) = holder else {
        return Error::new(
            ErrorKind::Refused,
            format!(
                "server image {} is locked by {}, which names no process",
                image.dir().display(),
                path.display()
            ),
        )
        .with_hint(format!(
            "If no import or rollback runs on this server, delete {} and run again.",
            path.display()
        ));
    };
    let who = format!(
        "{} (process {} on {}, started {})",
        holder.purpose, holder.pid, holder.host, holder.started
    );
    match liveness(&holder) {
        Liveness::Gone => Error::new(
            ErrorKind::Refused,
            format!(
                "server image {} holds a stale lock {}: the {who} no longer runs",
                image.dir().display(),
                path.display()
            ),
        )
        .with_hint(format!(
            "That run stopped before finishing and may have left the server half-changed: \
             delete {}, then see its restore points with `migrator rollback --server {} --list` \
             and roll back to the newest one if the import had started writing.",
            path.display(),
            image.dir().display()
        )),
        Liveness::Running | Liveness::Unknown => Error::new(
            ErrorKind::Refused,
            format!(
                "server image {} is in use: the {who} holds {}",
                image.dir().display(),
                path.display()
            ),
        )
        .with_hint(format!(
            "Wait until it finishes. If it does not run any more, delete {} and run again.",
            path.display()
        )),
    }
}

fn liveness(holder: &Holder) -> Liveness {
    if holder.host != host_name() {
        return Liveness::Unknown;
    }
    process_liveness(holder.pid)
}

#[cfg(unix)]
fn process_liveness(pid: u32) -> Liveness {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return Liveness::Unknown;
    };
    // SAFETY: signal 0 only asks whether the process exists; nothing is sent.
    let result = unsafe { libc::kill(pid, 0) };
    if result == 0 {
        return Liveness::Running;
    }
    match io::Error::last_os_error().raw_os_error() {
        Some(libc::ESRCH) => Liveness::Gone,
        _ => Liveness::Running,
    }
}

#[cfg(not(unix))]
fn process_liveness(_pid: u32) -> Liveness {
    Liveness::Unknown
}

/// This machine's name, for telling local lock holders from remote ones.
pub fn host_name() -> String {
    ["COMPUTERNAME", "HOSTNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .or_else(|| {
            fs::read_to_string("/etc/hostname")
                .ok()
                .map(|name| name.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::fixture;

    #[test]
    fn one_holder_at_a_time_and_nothing_left_behind() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        let lock = ImportLock::acquire(&image, "import").unwrap();
        let error = ImportLock::acquire(&image, "rollback").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused);
        assert!(error.message().contains("in use"), "{}", error.message());
        assert!(ImportLock::check_free(&image).is_err());
        drop(lock);
        assert!(
            !image.migrator_dir().exists(),
            "the folder the lock made is gone"
        );
        ImportLock::check_free(&image).unwrap();
    }

    #[test]
    fn taking_the_lock_removes_the_temporary_files_a_killed_run_left() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        let left = [
            dir.path().join(".migrator-Oq9zY5.tmp"),
            image
                .install_dir()
                .join("Server/DialPlan/.migrator-a1B2c3.tmp"),
        ];
        // Files that only look alike are the administrator's and stay.
        let kept = [
            dir.path().join("migrator-notes.tmp"),
            image.install_dir().join("Server/.migrator-.tmp"),
        ];
        for path in left.iter().chain(&kept) {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, b"half a file").unwrap();
        }
        let lock = ImportLock::acquire(&image, "rollback").unwrap();
        for path in &left {
            assert!(!path.exists(), "{}", path.display());
        }
        for path in &kept {
            assert!(path.exists(), "{}", path.display());
        }
        drop(lock);
    }

    #[cfg(unix)]
    #[test]
    fn a_lock_of_a_process_that_ended_is_reported_with_how_to_clear_it() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        let holder = Holder {
            pid,
            host: host_name(),
            started: "2024-03-07T09:05:02+01:00".into(),
            purpose: "import".into(),
        };
        fs::create_dir_all(image.migrator_dir()).unwrap();
        let path = image.migrator_dir().join(LOCK_FILE);
        fs::write(&path, serde_json::to_string(&holder).unwrap()).unwrap();
        let error = ImportLock::acquire(&image, "import").unwrap_err();
        assert!(
            error.message().contains("stale lock"),
            "{}",
            error.message()
        );
        let hint = error.hint().unwrap();
        assert!(hint.contains(&path.display().to_string()) && hint.contains("delete"));
        assert!(path.exists(), "a stale lock is never taken over silently");
    }

    #[test]
    fn an_unreadable_lock_still_refuses() {
        let dir = tempfile::tempdir().unwrap();
        let image = fixture::write_image(dir.path());
        fs::create_dir_all(image.migrator_dir()).unwrap();
        fs::write(image.migrator_dir().join(LOCK_FILE), "garbage").unwrap();
        let error = ImportLock::acquire(&image, "import").unwrap_err();
        assert!(
            error.message().contains("names no process"),
            "{}",
            error.message()
        );
    }
}
