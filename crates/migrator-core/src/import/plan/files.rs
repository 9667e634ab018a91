//! Planning a component's files.
//!
//! A file is copied when the target lacks it. An existing file is kept, unless the component's
//! policy overwrites it (LRA configuration, dial plan files); a file already identical is
//! unchanged. Destinations are install-relative paths: one that would leave the install tree,
//! land in this tool's own folder or pass through a link is refused before anything is written.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::archive::names::unsafe_reason;
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Destination, FilePolicy, Incoming, IncomingFile};
use crate::layout;

use super::rules_index::RuleIndex;
use super::{Action, ActionKind, FileCopy, Item, Payload};

/// Plans files, remembering what earlier components already planned.
pub(super) struct FilePlanner<'a> {
    install_dir: &'a Path,
    planned: HashMap<PathBuf, PathBuf>,
    checked_dirs: HashSet<PathBuf>,
}

impl<'a> FilePlanner<'a> {
    /// A planner for the install tree at `install_dir`.
    pub(super) fn new(install_dir: &'a Path) -> FilePlanner<'a> {
        FilePlanner {
            install_dir,
            planned: HashMap::new(),
            checked_dirs: HashSet::new(),
        }
    }

    /// Plans every file of `component`; returns how many are already as imported.
    pub(super) fn plan(
        &mut self,
        component: &Incoming,
        name: &Arc<str>,
        log: &RuleIndex,
        actions: &mut Vec<Action>,
    ) -> Result<usize> {
        let mut unchanged = 0;
        for file in &component.files {
            let archive_path = file.archive_path.replace('/', "\\");
            let rule = log.rule_for(&archive_path);
            let action = match &file.destination {
                Destination::Skip => {
                    Action::new(name, ActionKind::Skip, Item::File(archive_path), rule)
                }
                Destination::ExtractOnly => {
                    let item = Item::Extracted(archive_path);
                    let mut action = Action::new(name, ActionKind::ExtractOnly, item, rule);
                    action.set_detail("stays in the extraction folder".into());
                    action
                }
                Destination::Install(relative) => {
                    let rule = log.rule_for(relative).or(rule);
                    match self.install(name, file, relative)? {
                        Some(mut action) => {
                            action.rule = rule;
                            action
                        }
                        None => {
                            unchanged += 1;
                            continue;
                        }
                    }
                }
            };
            actions.push(action);
        }
        Ok(unchanged)
    }

    /// The action for a file going to `relative`, or `None` when the target's copy is
    /// already identical.
    fn install(
        &mut self,
        component: &Arc<str>,
        file: &IncomingFile,
        relative: &str,
    ) -> Result<Option<Action>> {
        let destination = self.destination(component, relative)?;
        let existing = match self.planned.get(&destination) {
            Some(source) => Some(source.clone()),
            None => existing_file(&destination)?,
        };
        let kind = match existing {
            None => ActionKind::CopyFile,
            Some(current) if same_content(&file.source, &current)? => return Ok(None),
            Some(_) if file.policy == FilePolicy::Overwrite => ActionKind::OverwriteFile,
            Some(_) => ActionKind::KeepFile,
        };
        let shown = relative.replace('/', "\\");
        let mut action = Action::new(component, kind, Item::File(shown), None);
        if kind == ActionKind::KeepFile {
            action.set_detail("the server's copy differs from the archive's".into());
        } else {
            self.planned
                .insert(destination.clone(), file.source.clone());
        }
        let size = fs::metadata(&file.source)
            .map_err(|e| Error::io("reading", &file.source, e))?
            .len();
        action.payload = Payload::File(Box::new(FileCopy {
            source: file.source.clone(),
            destination,
            size,
        }));
        Ok(Some(action))
    }

    /// The absolute destination of `relative`, checked to stay inside the install tree.
    fn destination(&mut self, component: &str, relative: &str) -> Result<PathBuf> {
        let parts = install_relative(relative).ok_or_else(|| escaping(component, relative))?;
        let mut path = self.install_dir.to_path_buf();
        for part in parts {
            path.push(part);
            if self.checked_dirs.contains(&path) {
                continue;
            }
            match fs::symlink_metadata(&path) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    return Err(escaping(component, relative))
                }
                Ok(meta) if meta.is_dir() => {
                    self.checked_dirs.insert(path.clone());
                }
                _ => {}
            }
        }
        Ok(path)
    }
}

/// The parts of an install-relative path, or `None` when it is absolute, names a drive, climbs
/// with `..`, or points into this tool's own folder.
pub(crate) fn install_relative(relative: &str) -> Option<Vec<&str>> {
    if unsafe_reason(&relative.replace('\\', "/")).is_some() || relative.ends_with(['\\', '/']) {
        return None;
    }
    let parts: Vec<&str> = relative.split(['\\', '/']).collect();
    match parts[0].eq_ignore_ascii_case(layout::MIGRATOR_DIR) {
        true => None,
        false => Some(parts),
    }
}

fn escaping(component: &str, relative: &str) -> Error {
    Error::new(
        ErrorKind::Refused,
        format!("component {component} places file {relative:?} outside the install tree"),
    )
    .with_hint("The archive was altered or not written by migrator: export the server again.")
}

/// The path of an existing regular file at `path`, `None` when nothing is there.
fn existing_file(path: &Path) -> Result<Option<PathBuf>> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Some(path.to_path_buf())),
        Ok(_) => Err(Error::new(
            ErrorKind::Refused,
            format!("{} is in the way of an imported file", path.display()),
        )
        .with_hint("Move that folder or link away, then run the import again.")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io("reading", path, e)),
    }
}

/// Whether two files hold the same bytes, read in blocks so that memory stays flat.
pub(crate) fn same_content(a: &Path, b: &Path) -> Result<bool> {
    let size = |p: &Path| {
        fs::metadata(p)
            .map(|m| m.len())
            .map_err(|e| Error::io("reading", p, e))
    };
    if size(a)? != size(b)? {
        return Ok(false);
    }
    let open = |p: &Path| fs::File::open(p).map_err(|e| Error::io("reading", p, e));
    let (mut left, mut right) = (open(a)?, open(b)?);
    let (mut x, mut y) = (vec![0u8; 1 << 16], vec![0u8; 1 << 16]);
    loop {
        let n = read_full(&mut left, &mut x).map_err(|e| Error::io("reading", a, e))?;
        let m = read_full(&mut right, &mut y).map_err(|e| Error::io("reading", b, e))?;
        if n != m || x[..n] != y[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}
