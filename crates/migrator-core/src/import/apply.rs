//! Apply: carries out a plan on a server image, action by action, in plan order.
//!
//! Files are written as their actions come, each through a temporary file renamed into place,
//! on a thread of their own. Registry actions change a copy of the registry in memory, which
//! is written under a temporary name while the files are copied and put in place, atomically,
//! after the last file: a failure before that leaves `registry.reg` untouched. Between
//! actions the user's Ctrl-C is honoured. A fault hook lets tests make any write fail.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::registry::backend::{create_dirs, sync_dir, take_owner, temporary_in, Staged};
use crate::registry::RegTree;
use crate::server::ServerImage;

use super::plan::{Action, ActionKind, Item, Payload, Plan};
use crate::progress::Progress;

/// A write the apply stage is about to make, as a fault hook sees it.
#[derive(Clone, Copy, Debug)]
pub enum WriteStep<'a> {
    /// One action of the plan.
    Action(&'a Action),
    /// Storing the registry file after the last action.
    Registry,
    /// Writing the report files, once the plan was carried out (or rolled back).
    Report,
}

/// A function called before every write; an error it returns is treated as that write's
/// failure. Tests use it to inject faults at chosen points.
pub type FaultHook = dyn Fn(WriteStep) -> io::Result<()> + Sync;

/// What happened to one action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "error")]
pub enum Outcome {
    /// Carried out (or, for reporting actions, reported).
    Done,
    /// It failed, for this reason.
    Failed(String),
    /// The run stopped before it.
    NotRun,
    /// Carried out, then undone by the rollback that followed a later failure.
    Undone,
}

/// The action the run stopped at, and why.
#[derive(Debug)]
pub struct Failure {
    /// The component of the failing item.
    pub component: String,
    /// The failing item.
    pub item: String,
    /// The cause.
    pub error: Error,
}

/// What the apply stage did.
#[derive(Debug)]
pub struct Applied {
    /// One outcome per action of the plan, in plan order.
    pub outcomes: Vec<Outcome>,
    /// The first failure, if any.
    pub failure: Option<Failure>,
    /// Whether the user stopped the run.
    pub cancelled: bool,
    /// The CRC-32 of every file copied, by destination, computed as it was written.
    pub file_checksums: std::collections::HashMap<PathBuf, u32>,
}

/// How to apply.
#[derive(Clone, Copy)]
pub struct ApplyOptions<'a> {
    /// Receives progress and answers cancellation.
    pub progress: &'a dyn Progress,
    /// Fails chosen writes, for tests.
    pub fault: Option<&'a FaultHook>,
    /// Stop at the first failure (when a restore point can undo the rest) rather than carry
    /// on with the other items.
    pub stop_at_failure: bool,
}

/// Carries out `plan` on `image`, whose registry was loaded as `tree` when planning.
///
/// Files are copied on a thread of their own, in plan order, while this one makes the
/// registry changes in memory and writes the new registry file under a temporary name. The
/// registry file is put in place last, once every file is copied and synced.
pub fn apply(image: &ServerImage, tree: RegTree, plan: &Plan, options: ApplyOptions) -> Applied {
    let writes = plan.actions.iter().filter(|a| a.kind.writes());
    let bytes = writes.filter_map(Action::size).sum();
    options
        .progress
        .start_phase("writing", plan.change_count() as u64, bytes);
    let stop = AtomicBool::new(false);
    let (files, registry) = std::thread::scope(|scope| {
        let copier = scope.spawn(|| carry_out_part(plan, Part::Files, None, &options, &stop));
        let registry = write_registry(image, tree, plan, &options, &stop);
        let files = copier
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (files, registry)
    });
    let mut applied = Applied {
        outcomes: plan
            .actions
            .iter()
            .enumerate()
            .map(|(index, action)| match Part::of(action) {
                Some(Part::Files) => files.outcome(index),
                Some(Part::Registry) => registry.ran.outcome(index),
                None => Outcome::Done,
            })
            .collect(),
        failure: None,
        cancelled: files.cancelled || registry.ran.cancelled,
        file_checksums: std::collections::HashMap::new(),
    };
    applied.file_checksums = files.checksums.into_iter().collect();
    // The failure reported is the earliest in plan order, as if one thread did everything.
    let mut failures: Vec<(usize, Failure)> = Vec::new();
    failures.extend(files.failure);
    failures.extend(registry.ran.failure);
    let staged = match registry.staged {
        Ok(staged) => staged,
        Err(error) => {
            failures.push((usize::MAX, registry_failure(image, error)));
            None
        }
    };
    applied.failure = failures
        .into_iter()
        .min_by_key(|(index, _)| *index)
        .map(|(_, failure)| failure);
    let stopped = applied.cancelled || (applied.failure.is_some() && options.stop_at_failure);
    // The last chance to stop: the registry is put in place in one step.
    if !stopped && options.progress.cancelled() && applied.failure.is_none() {
        let error = Error::new(ErrorKind::Cancelled, "import cancelled by the user");
        note_failure(&mut applied, "registry", "the registry file".into(), error);
        applied.cancelled = true;
    }
    let committed = match staged {
        Some(staged) if !applied.cancelled && !stopped => {
            commit_registry(image, staged, &mut applied)
        }
        _ => false,
    };
    if !committed {
        registry_not_written(plan, &mut applied);
    }
    options.progress.end_phase();
    applied
}

/// Which of a plan's writing actions a thread carries out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Files,
    Registry,
}

impl Part {
    /// The part a writing action belongs to; `None` for an action that only reports.
    fn of(action: &Action) -> Option<Part> {
        match (action.kind.writes(), &action.payload) {
            (false, _) => None,
            (true, Payload::File(_)) => Some(Part::Files),
            (true, _) => Some(Part::Registry),
        }
    }
}

/// What one thread did with its actions: it ran them in plan order up to `stopped_at` (the
/// first it did not run, if any); those in `failed` failed and the others were done.
#[derive(Default)]
struct PartRun {
    /// The CRC-32 of each file copied, by destination.
    checksums: Vec<(PathBuf, u32)>,
    stopped_at: Option<usize>,
    failed: Vec<(usize, String)>,
    failure: Option<(usize, Failure)>,
    cancelled: bool,
}

impl PartRun {
    /// The outcome of the action at `index`, one of this part's.
    fn outcome(&self, index: usize) -> Outcome {
        if self.stopped_at.is_some_and(|stop| index >= stop) {
            return Outcome::NotRun;
        }
        match self.failed.binary_search_by_key(&index, |(at, _)| *at) {
            Ok(found) => Outcome::Failed(self.failed[found].1.clone()),
            Err(_) => Outcome::Done,
        }
    }
}

/// Carries out the actions of one part in plan order, until the end, the user's Ctrl-C, a
/// failure that stops the run, or the other part stopping it. The file part then syncs what
/// it copied.
fn carry_out_part(
    plan: &Plan,
    part: Part,
    mut tree: Option<&mut RegTree>,
    options: &ApplyOptions,
    stop: &AtomicBool,
) -> PartRun {
    let mut run = PartRun::default();
    let actions = &plan.actions;
    let mut index = 0;
    while index < actions.len() {
        let action = &actions[index];
        if Part::of(action) != Some(part) {
            index += 1;
            continue;
        }
        // Values set one after the other under the same key: the key is looked up once.
        if let (Some(tree), Some(key)) = (tree.as_deref_mut(), set_under(action)) {
            let end = index
                + actions[index..]
                    .iter()
                    .take_while(|a| set_under(a).is_some_and(|k| Arc::ptr_eq(k, key)))
                    .count();
            let target = tree.ensure(key);
            for (at, action) in actions.iter().enumerate().take(end).skip(index) {
                if !run.may_go_on(at, action, options, stop) {
                    return run;
                }
                let done = fault_check(action, options).map(|()| {
                    if let Some(value) = action.value() {
                        target.set_value(value);
                    }
                });
                if !run.note(at, action, done, options, stop) {
                    return run;
                }
            }
            index = end;
            continue;
        }
        if !run.may_go_on(index, action, options, stop) {
            return run;
        }
        let done = carry_out(tree.as_deref_mut(), action, options, &mut run.checksums);
        if !run.note(index, action, done, options, stop) {
            return run;
        }
        index += 1;
    }
    if part == Part::Files {
        if let Err(error) = sync_copied(plan, &run) {
            let failure = Failure {
                component: "files".to_string(),
                item: "the copied files".to_string(),
                error,
            };
            // After every action of the plan, before the registry's own failure.
            run.failure = run.failure.or(Some((usize::MAX - 1, failure)));
            if options.stop_at_failure {
                stop.store(true, Ordering::Relaxed);
            }
        }
    }
    run
}

/// The key of an action that sets a value in it (not one that only reports a value).
fn set_under(action: &Action) -> Option<&Arc<str>> {
    match (&action.item, &action.payload) {
        (Item::Value { key, .. }, Payload::Value { .. })
            if action.kind.writes() && action.kind != ActionKind::DeleteValue =>
        {
            Some(key)
        }
        _ => None,
    }
}

impl PartRun {
    /// Whether the action at `index` may run: not when the other part stopped the run or the
    /// user pressed Ctrl-C (noted as this action's failure).
    fn may_go_on(
        &mut self,
        index: usize,
        action: &Action,
        options: &ApplyOptions,
        stop: &AtomicBool,
    ) -> bool {
        if stop.load(Ordering::Relaxed) {
            self.stopped_at = Some(index);
            return false;
        }
        if options.progress.cancelled() {
            let error = Error::new(ErrorKind::Cancelled, "import cancelled by the user");
            self.failure = Some((index, failure(action, error)));
            self.cancelled = true;
            self.stopped_at = Some(index);
            stop.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Notes what became of the action at `index`; whether the part goes on.
    fn note(
        &mut self,
        index: usize,
        action: &Action,
        done: Result<()>,
        options: &ApplyOptions,
        stop: &AtomicBool,
    ) -> bool {
        let Err(error) = done else {
            options.progress.advance(1, action.size().unwrap_or(0));
            return true;
        };
        self.failed.push((index, error.message().to_string()));
        if self.failure.is_none() {
            self.failure = Some((index, failure(action, error)));
        }
        if options.stop_at_failure {
            self.stopped_at = Some(index + 1);
            stop.store(true, Ordering::Relaxed);
            return false;
        }
        true
    }
}

fn failure(action: &Action, error: Error) -> Failure {
    Failure {
        component: action.component.to_string(),
        item: action.item.describe(),
        error,
    }
}

/// The registry's part: its actions in memory, then the new registry file written under a
/// temporary name (`Ok(None)` when the plan leaves the registry alone or the run stopped).
struct RegistryRun {
    ran: PartRun,
    staged: Result<Option<Staged>>,
}

fn write_registry(
    image: &ServerImage,
    mut tree: RegTree,
    plan: &Plan,
    options: &ApplyOptions,
    stop: &AtomicBool,
) -> RegistryRun {
    let ran = carry_out_part(plan, Part::Registry, Some(&mut tree), options, stop);
    if !plan.writes_registry() || stop.load(Ordering::Relaxed) {
        return RegistryRun {
            ran,
            staged: Ok(None),
        };
    }
    let staged = match options.fault {
        Some(fault) => {
            fault(WriteStep::Registry).map_err(|e| Error::io("writing", image.registry_file(), e))
        }
        None => Ok(()),
    }
    .and_then(|()| image.stage_registry(&tree));
    if staged.is_err() && options.stop_at_failure {
        stop.store(true, Ordering::Relaxed);
    }
    RegistryRun {
        ran,
        staged: staged.map(Some),
    }
}

fn note_failure(applied: &mut Applied, component: &str, item: String, error: Error) {
    if applied.failure.is_none() {
        applied.failure = Some(Failure {
            component: component.to_string(),
            item,
            error,
        });
    }
}

/// The fault hook's answer for an action, for tests.
fn fault_check(action: &Action, options: &ApplyOptions) -> Result<()> {
    match options.fault {
        Some(fault) => fault(WriteStep::Action(action))
            .map_err(|e| Error::io("writing", Path::new(action.item.path()), e)),
        None => Ok(()),
    }
}

/// Carries out one action: a file action on disk, a registry action on `tree`.
fn carry_out(
    tree: Option<&mut RegTree>,
    action: &Action,
    options: &ApplyOptions,
    checksums: &mut Vec<(PathBuf, u32)>,
) -> Result<()> {
    fault_check(action, options)?;
    if let Payload::File(copy) = &action.payload {
        let crc32 = copy_file(&copy.source, &copy.destination)?;
        checksums.push((copy.destination.clone(), crc32));
        return Ok(());
    }
    let Some(tree) = tree else {
        return Err(Error::new(
            ErrorKind::Internal,
            format!(
                "registry action {} without the registry",
                action.item.describe()
            ),
        ));
    };
    match (&action.item, &action.payload) {
        (Item::Key(path), _) if action.kind == ActionKind::DeleteKey => {
            tree.remove(path);
            Ok(())
        }
        (Item::Value { key, name }, _) if action.kind == ActionKind::DeleteValue => {
            if let Some(key) = tree.find_mut(key) {
                key.remove_value(name);
            }
            Ok(())
        }
        (Item::Key(path), Payload::KeyAfter(after)) => {
            tree.ensure_after(path, after.as_deref());
            Ok(())
        }
        (Item::Key(path), _) => {
            tree.ensure(path);
            Ok(())
        }
        (Item::Value { key, .. }, Payload::Value { .. }) => {
            if let Some(value) = action.value() {
                tree.ensure(key).set_value(value);
            }
            Ok(())
        }
        _ => Err(Error::new(
            ErrorKind::Internal,
            format!("plan action {} carries no data", action.item.describe()),
        )),
    }
}

/// Copies `source` over `destination` through a temporary file in the destination folder,
/// renamed into place when complete. File to file, so the kernel copies the bytes.
/// Copies `source` over `destination` through a temporary file; the CRC-32 of what it wrote.
fn copy_file(source: &Path, destination: &Path) -> Result<u32> {
    let folder = destination.parent().unwrap_or(Path::new("."));
    create_dirs(folder).map_err(|e| Error::io("creating", folder, e))?;
    let mut input = fs::File::open(source).map_err(|e| Error::io("reading", source, e))?;
    let mut temp =
        temporary_in(folder).map_err(|e| Error::io("creating a temporary file in", folder, e))?;
    let (_, crc32) = crate::restore::copy_checksummed(&mut input, temp.as_file_mut())
        .map_err(|e| Error::io("writing", destination, e))?;
    // The temporary file is private: a file replaced keeps its own permissions (an
    // administrator may have narrowed them), a new one gets the extracted copy's.
    let permissions = match fs::metadata(destination) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => input.metadata().ok().map(|meta| meta.permissions()),
    };
    if let Some(permissions) = permissions {
        let _ = temp.as_file().set_permissions(permissions);
    }
    take_owner(temp.as_file(), destination);
    temp.persist(destination)
        .map_err(|e| Error::io("replacing", destination, e.error))?;
    Ok(crc32)
}

/// Makes the copied files durable before the registry, the last write, names them: one sync
/// of each folder written rather than one per file.
fn sync_copied(plan: &Plan, run: &PartRun) -> Result<()> {
    let mut folders = std::collections::BTreeSet::new();
    for (index, action) in plan.actions.iter().enumerate() {
        if Part::of(action) != Some(Part::Files) {
            continue;
        }
        if let (Some(path), Outcome::Done) = (action.destination(), run.outcome(index)) {
            let file = fs::File::open(path).map_err(|e| Error::io("syncing", path, e))?;
            file.sync_all().map_err(|e| Error::io("syncing", path, e))?;
            folders.extend(path.parent().map(Path::to_path_buf));
        }
    }
    for folder in folders {
        sync_dir(&folder);
    }
    Ok(())
}

fn registry_failure(image: &ServerImage, error: Error) -> Failure {
    Failure {
        component: "registry".to_string(),
        item: image.registry_file().display().to_string(),
        error,
    }
}

/// The registry is written as a whole: when the new registry file was not put in place (a
/// failure, Ctrl-C), no registry action was carried out, whatever was done in memory. The
/// failure itself names the registry file, or the item the run stopped at.
fn registry_not_written(plan: &Plan, applied: &mut Applied) {
    for (index, action) in plan.actions.iter().enumerate() {
        let registry = matches!(action.item, Item::Key(_) | Item::Value { .. });
        if registry && action.kind.writes() && applied.outcomes[index] == Outcome::Done {
            applied.outcomes[index] = Outcome::NotRun;
        }
    }
}

/// Puts the new registry file in place; whether it is.
fn commit_registry(image: &ServerImage, staged: Staged, applied: &mut Applied) -> bool {
    let file = image.registry_file();
    let permissions = fs::metadata(file).map(|meta| meta.permissions());
    match staged.commit() {
        Ok(()) => {
            // Written through a private temporary file: the registry keeps its permissions.
            if let Ok(permissions) = permissions {
                let _ = fs::set_permissions(file, permissions);
            }
            true
        }
        Err(error) => {
            note_failure(applied, "registry", file.display().to_string(), error);
            false
        }
    }
}
