//! The import plan: every action the import will take, item by item, before anything is
//! written.
//!
//! [`build`] compares the incoming components (after the migration rules, if any) with the
//! target server and lists, in import order, one [`Action`] per item: registry keys and values
//! created or overwritten, values only the target has (kept), items a rule skipped or renamed,
//! files copied, kept or overwritten, and files left in the extraction folder. Items that are
//! already as the archive has them are counted as unchanged and are not actions, so importing
//! the same data twice plans no change. The apply stage executes exactly this list.

mod files;
mod planned;
mod registry;
mod rules_index;
mod shown;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::ser::SerializeMap;
use serde::Serialize;

use crate::error::Result;
use crate::incoming::{Incoming, RuleLog};
use crate::registry::{RegTree, Value, ValueType};
use crate::server::ServerKind;

pub use shown::{is_secret_value, show_value};

use super::order;
use super::Mode;

/// What one action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Create a registry key the target lacks.
    CreateKey,
    /// Set a value the target's key lacks.
    SetValue,
    /// Replace a value the target has with the imported data (DS overwrite mode).
    OverwriteValue,
    /// Leave a value that only the target has, in a key the import writes to.
    KeepValue,
    /// Leave out an item the archive holds, because a rule excluded it.
    Skip,
    /// Create a key under the new name a rule gave it.
    Rename,
    /// Write a value a rule merged with the target's data.
    Merge,
    /// Copy a file the target lacks into the install tree.
    CopyFile,
    /// Leave a file the target has, although the archive's copy differs.
    KeepFile,
    /// Replace a file of the target (only where the component's policy says so).
    OverwriteFile,
    /// Leave a file in the extraction folder only, for the administrator.
    ExtractOnly,
    /// Delete a key (with its subtree) the target has under a key the import replaces whole.
    DeleteKey,
    /// Delete a value the target has in a key the import replaces whole.
    DeleteValue,
}

impl ActionKind {
    /// The words people read in the plan, such as `create key`.
    pub fn label(self) -> &'static str {
        match self {
            ActionKind::CreateKey => "create key",
            ActionKind::SetValue => "set value",
            ActionKind::OverwriteValue => "overwrite value",
            ActionKind::KeepValue => "keep value",
            ActionKind::Skip => "skip",
            ActionKind::Rename => "rename",
            ActionKind::Merge => "merge",
            ActionKind::CopyFile => "copy file",
            ActionKind::KeepFile => "keep existing file",
            ActionKind::OverwriteFile => "overwrite file",
            ActionKind::ExtractOnly => "extract only",
            ActionKind::DeleteKey => "delete key",
            ActionKind::DeleteValue => "delete value",
        }
    }

    /// Whether the action writes to the server; the others only report.
    pub fn writes(self) -> bool {
        matches!(
            self,
            ActionKind::CreateKey
                | ActionKind::SetValue
                | ActionKind::OverwriteValue
                | ActionKind::Rename
                | ActionKind::Merge
                | ActionKind::CopyFile
                | ActionKind::OverwriteFile
                | ActionKind::DeleteKey
                | ActionKind::DeleteValue
        )
    }

    /// Where the action is counted in the report.
    pub fn tally(self) -> Tally {
        match self {
            ActionKind::CreateKey | ActionKind::SetValue | ActionKind::CopyFile => Tally::Created,
            ActionKind::OverwriteValue | ActionKind::Merge | ActionKind::OverwriteFile => {
                Tally::Updated
            }
            ActionKind::Rename => Tally::Renamed,
            ActionKind::KeepValue => Tally::Kept,
            ActionKind::Skip | ActionKind::KeepFile | ActionKind::ExtractOnly => Tally::Skipped,
            ActionKind::DeleteKey | ActionKind::DeleteValue => Tally::Deleted,
        }
    }
}

/// The report column an action is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tally {
    /// A new key, value or file.
    Created,
    /// An existing value or file replaced.
    Updated,
    /// A key created under a new name.
    Renamed,
    /// An item of the archive not written to the server.
    Skipped,
    /// A value only the target has, left as it is.
    Kept,
    /// A key or value only the target had, removed because the import replaces its key whole.
    Deleted,
}

/// The item an action concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A registry key, by absolute path.
    Key(Arc<str>),
    /// A registry value: its key's absolute path and its name (empty for the default value).
    Value {
        /// The key's absolute path, shared by the actions on the key and its values.
        key: Arc<str>,
        /// The value's name.
        name: Box<str>,
    },
    /// A file of the install tree, by install-relative path (`\`-separated).
    File(String),
    /// A file left in the extraction folder, by its path inside the archive's component.
    Extracted(String),
}

impl Item {
    /// The path shown for the item: the key path, or the file path.
    pub fn path(&self) -> &str {
        match self {
            Item::Key(path) => path,
            Item::File(path) | Item::Extracted(path) => path,
            Item::Value { key, .. } => key,
        }
    }

    /// The value's name, for value items.
    pub fn value_name(&self) -> Option<&str> {
        match self {
            Item::Value { name, .. } => Some(name),
            _ => None,
        }
    }

    /// One line naming the item for messages: `KEY @ "Value"` or the path.
    pub fn describe(&self) -> String {
        match self {
            Item::Value { key, name } if name.is_empty() => format!("{key} @ (default)"),
            Item::Value { key, name } => format!("{key} @ \"{name}\""),
            other => other.path().to_string(),
        }
    }
}

/// What the apply stage needs to carry out an action.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Payload {
    /// Nothing: the action only reports, or creates an empty key.
    None,
    /// The data of the value to set; the value's name is the item's.
    Value {
        /// The value's type.
        kind: ValueType,
        /// The raw data bytes.
        data: Box<[u8]>,
    },
    /// The file to copy (boxed: few actions are files, and every action is as large as the
    /// largest payload).
    File(Box<FileCopy>),
    /// Where a created key goes among its siblings: after the one the archive has before it,
    /// or first (`None`), so that a key deleted and imported again comes back in its place.
    KeyAfter(Option<Box<str>>),
}

/// The extracted file to copy, and the destination in the image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FileCopy {
    /// The extracted copy.
    pub(crate) source: PathBuf,
    /// The absolute destination path.
    pub(crate) destination: PathBuf,
    /// The extracted copy's size in bytes.
    pub(crate) size: u64,
}

/// One action of the plan.
///
/// A plan may hold hundreds of thousands of actions, so each is kept small: the component's
/// name and the key's path are shared, and the data written is shown from the data the action
/// carries rather than kept a second time as text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    /// The component the item belongs to, shared by all its actions.
    pub component: Arc<str>,
    /// What is done.
    pub kind: ActionKind,
    /// To what.
    pub item: Item,
    /// The migration rule behind the action, where one applies.
    pub rule: Option<&'static str>,
    /// What few actions say besides (boxed: most say nothing more).
    notes: Option<Box<Notes>>,
    /// Whether the value written holds a secret, shown as its type and length only.
    secret: bool,
    pub(crate) payload: Payload,
}

/// The text an action may carry besides its item.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Notes {
    /// More about the action, such as `renamed from X`.
    detail: Option<String>,
    /// The target's data before, as shown to people (secrets hidden).
    old: Option<String>,
}

impl Action {
    fn new(
        component: &Arc<str>,
        kind: ActionKind,
        item: Item,
        rule: Option<&'static str>,
    ) -> Action {
        Action {
            component: Arc::clone(component),
            kind,
            item,
            rule,
            notes: None,
            secret: false,
            payload: Payload::None,
        }
    }

    /// More about the action, such as `renamed from X`.
    pub fn detail(&self) -> Option<&str> {
        self.notes.as_ref()?.detail.as_deref()
    }

    /// The target's data before, as shown to people (secrets hidden): for values overwritten,
    /// merged or deleted.
    pub fn old_shown(&self) -> Option<&str> {
        self.notes.as_ref()?.old.as_deref()
    }

    fn set_detail(&mut self, detail: String) {
        self.notes.get_or_insert_default().detail = Some(detail);
    }

    fn set_old(&mut self, old: String) {
        self.notes.get_or_insert_default().old = Some(old);
    }

    /// The data written, as shown to people (secrets hidden): for values set, overwritten or
    /// merged.
    pub fn new_shown(&self) -> Option<String> {
        match &self.payload {
            Payload::Value { kind, data } => Some(shown::show_data(*kind, data, self.secret)),
            _ => None,
        }
    }

    /// The value an action sets, overwrites or merges.
    pub(crate) fn value(&self) -> Option<Value> {
        match (&self.item, &self.payload) {
            (Item::Value { name, .. }, Payload::Value { kind, data }) => {
                Some(Value::new(&**name, *kind, data.to_vec()))
            }
            _ => None,
        }
    }

    /// The size of a file action's data in bytes.
    pub fn size(&self) -> Option<u64> {
        match &self.payload {
            Payload::File(copy) => Some(copy.size),
            _ => None,
        }
    }

    /// The absolute destination of a file action in the image.
    pub fn destination(&self) -> Option<&Path> {
        match &self.payload {
            Payload::File(copy) => Some(&copy.destination),
            _ => None,
        }
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        self.serialize_fields(&mut map)?;
        map.end()
    }
}

impl Action {
    /// Writes the action's fields into a JSON object being built, so that a report can add
    /// what happened to it.
    pub fn serialize_fields<M: SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
        map.serialize_entry("component", &*self.component)?;
        map.serialize_entry("action", &self.kind)?;
        map.serialize_entry("path", self.item.path())?;
        if let Some(name) = self.item.value_name() {
            map.serialize_entry("value", name)?;
        }
        if let Some(rule) = self.rule {
            map.serialize_entry("rule", rule)?;
        }
        if let Some(detail) = self.detail() {
            map.serialize_entry("detail", detail)?;
        }
        if let Some(old) = self.old_shown() {
            map.serialize_entry("old", old)?;
        }
        if let Some(new) = self.new_shown() {
            map.serialize_entry("new", &new)?;
        }
        Ok(())
    }
}

/// One component of the plan, with what its actions do not show.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ComponentPlan {
    /// The component's name.
    pub name: String,
    /// Why it comes at its place in the import order.
    pub order_reason: &'static str,
    /// Keys, values and files already as the archive has them.
    pub unchanged: usize,
}

/// Every action of an import, in order.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// Recovery or Migration.
    pub mode: Mode,
    /// The components, in import order.
    pub components: Vec<ComponentPlan>,
    /// The actions, component by component in import order.
    pub actions: Vec<Action>,
}

impl Plan {
    /// The number of actions that write to the server.
    pub fn change_count(&self) -> usize {
        self.actions.iter().filter(|a| a.kind.writes()).count()
    }

    /// Whether the plan writes nothing: the server already holds what the archive brings.
    pub fn is_empty(&self) -> bool {
        self.change_count() == 0
    }

    /// Whether any action writes to the registry.
    pub fn writes_registry(&self) -> bool {
        self.actions
            .iter()
            .any(|a| a.kind.writes() && matches!(a.item, Item::Key(_) | Item::Value { .. }))
    }

    /// The actions of `component`.
    pub fn actions_of<'a>(&'a self, component: &'a str) -> impl Iterator<Item = &'a Action> {
        self.actions
            .iter()
            .filter(move |a| *a.component == *component)
    }
}

/// What the plan is compared with: the target's registry and its install tree.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    /// The target's registry as loaded.
    pub tree: &'a RegTree,
    /// The target's install tree (`I3/IC` of the image).
    pub install_dir: &'a Path,
    /// The target's kind, which decides the import order.
    pub kind: ServerKind,
}

/// Plans the import of `incoming` onto `target`. Components are taken in import order; each
/// sees the target as the components before it leave it. `log` names the rule behind each
/// changed item.
///
/// # Errors
///
/// Refuses (`ErrorKind::Refused`) registry data outside the `Interactive Intelligence` key and
/// files whose destination would leave the install tree; fails on an unreadable target file.
pub fn build(target: Target, incoming: &[Incoming], log: &RuleLog, mode: Mode) -> Result<Plan> {
    let mut planned = planned::Planned::new(target.tree);
    let mut files = files::FilePlanner::new(target.install_dir);
    let mut plan = Plan {
        mode,
        components: Vec::new(),
        actions: Vec::new(),
    };
    let rules = rules_index::RuleIndex::new(log);
    for component in order::sorted(incoming, target.kind) {
        let name: Arc<str> = component.component.as_str().into();
        let mut unchanged =
            registry::plan(component, &name, &mut planned, &rules, &mut plan.actions)?;
        unchanged += files.plan(component, &name, &rules, &mut plan.actions)?;
        plan.components.push(ComponentPlan {
            name: component.component.clone(),
            order_reason: order::reason(&component.component, target.kind),
            unchanged,
        });
    }
    // The plan is kept until the import ends: without the room its growth left.
    plan.actions.shrink_to_fit();
    Ok(plan)
}

#[cfg(test)]
mod tests;
