//! Apply: carries out a plan on a server image, action by action, in plan order.
//!
//! Files are written as their actions come, each through a temporary file renamed into place.
//! Registry actions change a copy of the registry in memory, which is stored once, atomically,
//! after the last action: a failure before that leaves `registry.reg` untouched. Between
//! actions the user's Ctrl-C is honoured. A fault hook lets tests make any write fail.

use std::fs;
use std::io;
use std::path::Path;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::registry::backend::sync_dir;
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
pub fn apply(
    image: &ServerImage,
    mut tree: RegTree,
    plan: &Plan,
    options: ApplyOptions,
) -> Applied {
    let mut applied = Applied {
        outcomes: vec![Outcome::NotRun; plan.actions.len()],
        failure: None,
        cancelled: false,
    };
    let writes = plan.actions.iter().filter(|a| a.kind.writes());
    let bytes = writes.filter_map(Action::size).sum();
    options
        .progress
        .start_phase("writing", plan.change_count() as u64, bytes);
    for (index, action) in plan.actions.iter().enumerate() {
        if !action.kind.writes() {
            applied.outcomes[index] = Outcome::Done;
            continue;
        }
        if options.progress.cancelled() {
            let error = Error::new(ErrorKind::Cancelled, "import cancelled by the user");
            note_failure(
                &mut applied,
                &action.component,
                action.item.describe(),
                error,
            );
            applied.cancelled = true;
            options.progress.end_phase();
            return applied;
        }
        match carry_out(&mut tree, action, &options) {
            Ok(()) => {
                applied.outcomes[index] = Outcome::Done;
                options.progress.advance(1, action.size().unwrap_or(0));
            }
            Err(error) => {
                applied.outcomes[index] = Outcome::Failed(error.message().to_string());
                note_failure(
                    &mut applied,
                    &action.component,
                    action.item.describe(),
                    error,
                );
                if options.stop_at_failure {
                    options.progress.end_phase();
                    return applied;
                }
            }
        }
    }
    if let Err(error) = sync_written(plan, &applied.outcomes) {
        note_failure(&mut applied, "files", "the copied files".into(), error);
        if options.stop_at_failure {
            options.progress.end_phase();
            return applied;
        }
    }
    // The last chance to stop: the registry is written in one go.
    if options.progress.cancelled() && applied.failure.is_none() {
        let error = Error::new(ErrorKind::Cancelled, "import cancelled by the user");
        note_failure(&mut applied, "registry", "the registry file".into(), error);
        applied.cancelled = true;
        options.progress.end_phase();
        return applied;
    }
    if plan.writes_registry() {
        store_registry(image, &tree, plan, &options, &mut applied);
    }
    options.progress.end_phase();
    applied
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

fn carry_out(tree: &mut RegTree, action: &Action, options: &ApplyOptions) -> Result<()> {
    if let Some(fault) = options.fault {
        fault(WriteStep::Action(action))
            .map_err(|e| Error::io("writing", Path::new(action.item.path()), e))?;
    }
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
        (_, Payload::File(copy)) => copy_file(&copy.source, &copy.destination),
        _ => Err(Error::new(
            ErrorKind::Internal,
            format!("plan action {} carries no data", action.item.describe()),
        )),
    }
}

/// Copies `source` over `destination` through a temporary file in the destination folder,
/// renamed into place when complete. File to file, so the kernel copies the bytes.
fn copy_file(source: &Path, destination: &Path) -> Result<()> {
    let folder = destination.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(folder).map_err(|e| Error::io("creating", folder, e))?;
    let mut input = fs::File::open(source).map_err(|e| Error::io("reading", source, e))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".migrator-")
        .suffix(".tmp")
        .tempfile_in(folder)
        .map_err(|e| Error::io("creating a temporary file in", folder, e))?;
    io::copy(&mut input, temp.as_file_mut()).map_err(|e| Error::io("writing", destination, e))?;
    // The temporary file is private; the imported one gets the extracted copy's permissions.
    if let Ok(meta) = input.metadata() {
        let _ = temp.as_file().set_permissions(meta.permissions());
    }
    temp.persist(destination)
        .map_err(|e| Error::io("replacing", destination, e.error))?;
    Ok(())
}

/// Makes the copied files durable before the registry, the last write, names them: one sync
/// of each folder written rather than one per file.
fn sync_written(plan: &Plan, outcomes: &[Outcome]) -> Result<()> {
    let mut folders = std::collections::BTreeSet::new();
    for (action, outcome) in plan.actions.iter().zip(outcomes) {
        if let (Some(path), Outcome::Done) = (action.destination(), outcome) {
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

fn store_registry(
    image: &ServerImage,
    tree: &RegTree,
    plan: &Plan,
    options: &ApplyOptions,
    applied: &mut Applied,
) {
    let file = image.registry_file();
    let permissions = fs::metadata(file).map(|meta| meta.permissions());
    let stored = match options.fault {
        Some(fault) => fault(WriteStep::Registry).map_err(|e| Error::io("writing", file, e)),
        None => Ok(()),
    }
    .and_then(|()| image.store_registry(tree));
    let Err(error) = stored else {
        // Stored through a private temporary file: the registry file keeps its permissions.
        if let Ok(permissions) = permissions {
            let _ = fs::set_permissions(file, permissions);
        }
        return;
    };
    // The registry is written as a whole, so every registry action shares its fate.
    for (index, action) in plan.actions.iter().enumerate() {
        let registry = matches!(action.item, Item::Key(_) | Item::Value { .. });
        if registry && action.kind.writes() && applied.outcomes[index] == Outcome::Done {
            applied.outcomes[index] = Outcome::Failed(error.message().to_string());
        }
    }
    note_failure(applied, "registry", file.display().to_string(), error);
}
