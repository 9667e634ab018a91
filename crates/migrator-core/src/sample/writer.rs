//! Writes a generated sample to disk so that the image appears whole or not at all.
//!
//! Everything is written into a fresh folder beside the destination, then that folder is
//! renamed to the destination. If anything fails, the fresh folder is removed and the
//! destination is left as it was. Files are written by two threads, and the registry file by a
//! third: prompt generation and registry formatting are the bulk of the work of a large
//! sample.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::image::{SampleFile, SampleImage};
use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::registry::backend::sync_dir;
use crate::registry::regfile;
use crate::server::{install_dir_of, REGISTRY_FILE};

/// Threads that write files.
const WRITERS: usize = 2;
/// Buffer of each file writer.
const BUFFER: usize = 1 << 18;

/// Refuses a destination that exists and is not an empty folder, before any work is done.
pub fn check_destination(dir: &Path) -> Result<()> {
    if !dir.exists() {
        return Ok(());
    }
    if !dir.is_dir() {
        return Err(refused(dir, "it exists and is not a folder"));
    }
    let mut entries = fs::read_dir(dir).map_err(|e| Error::io("reading", dir, e))?;
    if entries.next().is_some() {
        return Err(refused(dir, "the folder is not empty"));
    }
    Ok(())
}

fn refused(dir: &Path, why: &str) -> Error {
    Error::new(
        ErrorKind::Refused,
        format!(
            "will not write a sample server into {}: {why}",
            dir.display()
        ),
    )
    .with_hint("Give a new or empty folder with --out; a sample never overwrites anything.")
}

/// Writes `image` as a server image at `dir` and returns the number of bytes written.
pub fn write_image(image: &SampleImage, dir: &Path) -> Result<u64> {
    check_destination(dir)?;
    let staging = Staging::create(dir)?;
    let install = install_dir_of(&staging.path);
    create_folders(&image.files, &install)?;
    // The registry file is formatted while the prompts are generated: both take seconds on a
    // large sample, and neither waits for the other.
    let (registry, files) = std::thread::scope(|scope| {
        let registry = scope.spawn(|| write_registry(image, &staging.path));
        let files = write_files(&image.files, &install);
        (registry.join(), files)
    });
    let registry = registry.unwrap_or_else(|_| {
        Err(Error::new(
            ErrorKind::Internal,
            "writing the registry file stopped unexpectedly",
        ))
    });
    let bytes = registry? + files?;
    staging.publish(dir)?;
    Ok(bytes)
}

/// A folder beside the destination that is removed unless it is published.
struct Staging {
    path: PathBuf,
    published: bool,
}

impl Staging {
    fn create(dir: &Path) -> Result<Staging> {
        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "sample".to_string());
        for attempt in 0..100u32 {
            let path = parent.join(format!(".{name}.partial-{}-{attempt}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(Staging {
                        path,
                        published: false,
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io("creating", &path, e)),
            }
        }
        Err(Error::new(
            ErrorKind::Input,
            format!("could not create a working folder in {}", parent.display()),
        )
        .with_hint("Remove leftover .partial folders there, then run the command again."))
    }

    /// Renames the staging folder to `dir`, which is missing or an empty folder.
    fn publish(mut self, dir: &Path) -> Result<()> {
        check_destination(dir)?;
        if dir.exists() {
            fs::remove_dir(dir).map_err(|e| Error::io("replacing", dir, e))?;
        }
        fs::rename(&self.path, dir).map_err(|e| Error::io("renaming the sample to", dir, e))?;
        self.published = true;
        if let Some(parent) = dir.parent() {
            sync_dir(parent);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.published {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

fn write_registry(image: &SampleImage, dir: &Path) -> Result<u64> {
    let path = dir.join(REGISTRY_FILE);
    let file = fs::File::create(&path).map_err(|e| Error::io("creating", &path, e))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    regfile::write_export(&image.tree, &mut out).map_err(|e| Error::io("writing", &path, e))?;
    let file = out
        .into_inner()
        .map_err(|e| Error::io("writing", &path, e.into_error()))?;
    file.sync_all()
        .map_err(|e| Error::io("syncing", &path, e))?;
    let len = file
        .metadata()
        .map_err(|e| Error::io("reading", &path, e))?
        .len();
    Ok(len)
}

/// Writes every file under `install`, sharing the work between threads.
fn write_files(files: &[SampleFile], install: &Path) -> Result<u64> {
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..WRITERS {
            scope.spawn(|| loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(index) else { break };
                if let Err(error) = write_file(file, install) {
                    failure
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .get_or_insert(error);
                    next.store(files.len(), Ordering::Relaxed);
                    break;
                }
            });
        }
    });
    match failure.into_inner().unwrap_or_else(|e| e.into_inner()) {
        Some(error) => Err(error),
        None => Ok(files.iter().map(|f| f.content.len()).sum()),
    }
}

fn create_folders(files: &[SampleFile], install: &Path) -> Result<()> {
    let mut folders: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| {
            install
                .join(layout::file_path(&f.path))
                .parent()
                .map(Path::to_path_buf)
        })
        .collect();
    folders.dedup();
    for folder in folders {
        fs::create_dir_all(&folder).map_err(|e| Error::io("creating", &folder, e))?;
    }
    Ok(())
}

fn write_file(file: &SampleFile, install: &Path) -> Result<()> {
    let path = install.join(layout::file_path(&file.path));
    let handle = fs::File::create(&path).map_err(|e| Error::io("creating", &path, e))?;
    let mut out = BufWriter::with_capacity(BUFFER, handle);
    file.content
        .write_to(&mut out)
        .and_then(|()| out.flush())
        .map_err(|e| Error::io("writing", &path, e))
}
