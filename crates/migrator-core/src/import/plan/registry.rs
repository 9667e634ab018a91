//! Planning a component's registry data: DS entries in overwrite mode.
//!
//! Imported values replace the target's; values and keys only the target has stay (their
//! values are listed as kept); nothing is deleted, except under a key a migration rule
//! replaces whole (the active attendant configuration, a DNIS row routing the same number):
//! there, what only the target has is deleted. Keys are matched by path without regard to
//! case, as Windows does. The archive's data may sit at the 64-bit or the 32-bit location of
//! the `Interactive Intelligence` key; it is written where the target keeps it.

use std::cell::OnceCell;
use std::sync::Arc;

use crate::catalog::RegistryPolicy;
use crate::error::{Error, ErrorKind, Result};
use crate::incoming::{Incoming, RuleChange, MERGED, RENAMED_FROM};
use crate::layout;
use crate::registry::{fold, is_within, join, Key, RegTree, Value};
use crate::server::ii_key;

use super::super::archive_source::NOT_IMPORTED;
use super::super::order;
use super::planned::{Node, Planned};
use super::rules_index::RuleIndex;
use super::shown::{is_secret_where, is_secrets_parameter, show_value, PARAMETER_TYPE};
use super::{Action, ActionKind, Item, Payload};

/// Registry items a rule excluded from the import.
struct Exclusions<'a> {
    keys: Vec<(&'a str, &'static str)>,
    values: Vec<(&'a str, &'a str, &'static str)>,
}

impl<'a> Exclusions<'a> {
    /// Reads `component.excluded`: a path naming a key excludes its subtree; `KEY@NAME`
    /// excludes that value.
    fn of(component: &'a Incoming) -> Exclusions<'a> {
        let mut exclusions = Exclusions {
            keys: Vec::new(),
            values: Vec::new(),
        };
        for (path, rule) in &component.excluded {
            match value_of(component, path) {
                Some((key, name)) => exclusions.values.push((key, name, *rule)),
                None => exclusions.keys.push((path, *rule)),
            }
        }
        exclusions
    }

    fn key(&self, path: &str) -> bool {
        self.keys
            .iter()
            .any(|(excluded, _)| is_within(path, excluded))
    }

    fn value(&self, key: &str, name: &str) -> bool {
        if self.values.is_empty() {
            return false;
        }
        let (key, name) = (fold(key), fold(name));
        self.values
            .iter()
            .any(|(k, n, _)| fold(k) == key && fold(n) == name)
    }
}

/// The key and value an exclusion names, when it names a value of the component's data.
/// Key and value names may hold `@`, so every split is tried against the data.
fn value_of<'a>(component: &Incoming, path: &'a str) -> Option<(&'a str, &'a str)> {
    let holds = |key: &str, name: &str| {
        component
            .tree
            .find(key)
            .is_some_and(|k| k.value(name).is_some())
    };
    path.match_indices('@')
        .map(|(index, _)| (&path[..index], &path[index + 1..]))
        .find(|(key, name)| holds(key, name))
}

/// Where the archive's `Interactive Intelligence` key is, and where the target's is.
struct Roots {
    incoming: &'static str,
    target: &'static str,
}

impl Roots {
    /// `path` moved from the archive's root to the target's; paths outside stay as they are.
    fn map(&self, path: &str) -> String {
        let rest = path
            .get(self.incoming.len()..)
            .filter(|_| is_within(path, self.incoming));
        match rest {
            Some(rest) if self.incoming != self.target => format!("{}{rest}", self.target),
            _ => path.to_string(),
        }
    }
}

/// Plans one component's registry data against `planned` (the target as the earlier
/// components leave it), which is updated as if the actions had run. Returns how many keys and
/// values are already as imported.
pub(super) fn plan<'a>(
    component: &'a Incoming,
    name: &Arc<str>,
    planned: &mut Planned<'a>,
    log: &RuleIndex,
    actions: &mut Vec<Action>,
) -> Result<usize> {
    if component.tree.is_empty() {
        return Ok(0);
    }
    let Some((incoming_root, _)) = ii_key(&component.tree) else {
        let first = component.tree.walk().pop().map(|(path, _)| path);
        return Err(outside(&component.component, &first.unwrap_or_default()));
    };
    let roots = Roots {
        incoming: incoming_root,
        target: planned.ii_root().unwrap_or(incoming_root),
    };
    let exclusions = Exclusions::of(component);
    skip_actions(name, &exclusions, &roots, log, actions);

    let mut planner = KeyPlanner {
        tree: &component.tree,
        component: name,
        merges: order::policy(&component.component).registry == RegistryPolicy::Merge,
        planned,
        log,
        exclusions: &exclusions,
        replaced: &component.replaced,
        actions,
        unchanged: 0,
    };
    for (path, key) in component.tree.walk() {
        if is_within(roots.incoming, &path) && fold(&path) != fold(roots.incoming) {
            if key.value_count() > 0 {
                return Err(outside(&component.component, &path));
            }
            continue;
        }
        if !is_within(&path, roots.incoming) {
            return Err(outside(&component.component, &path));
        }
        if exclusions.key(&path) {
            continue;
        }
        planner.key(&path, &roots.map(&path), key);
    }
    Ok(planner.unchanged)
}

fn skip_actions(
    name: &Arc<str>,
    exclusions: &Exclusions,
    roots: &Roots,
    log: &RuleIndex,
    actions: &mut Vec<Action>,
) {
    for (path, rule) in &exclusions.keys {
        let item = Item::Key(roots.map(path).into());
        // Data the catalog does not import is named by the rule that also left it out.
        let rule = match *rule == NOT_IMPORTED {
            true => log.rule_for(path).unwrap_or(rule),
            false => rule,
        };
        actions.push(Action::new(name, ActionKind::Skip, item, Some(rule)));
    }
    for (key, value, rule) in &exclusions.values {
        let item = Item::Value {
            key: roots.map(key).into(),
            name: (*value).into(),
        };
        actions.push(Action::new(name, ActionKind::Skip, item, Some(*rule)));
    }
}

fn outside(component: &str, path: &str) -> Error {
    Error::new(
        ErrorKind::Refused,
        format!(
            "component {component} holds registry key {path}, outside {}",
            layout::II_KEY
        ),
    )
    .with_hint("The archive was altered or not written by migrator: export the server again.")
}

/// A key's path as the target has it, made shareable by the first action that names it: the
/// actions on a key and on its values share one copy.
struct KeyPath<'s> {
    path: &'s str,
    shared: OnceCell<Arc<str>>,
}

impl<'s> KeyPath<'s> {
    fn new(path: &'s str) -> KeyPath<'s> {
        KeyPath {
            path,
            shared: OnceCell::new(),
        }
    }

    fn shared(&self) -> Arc<str> {
        Arc::clone(self.shared.get_or_init(|| self.path.into()))
    }

    fn value(&self, name: &str) -> Item {
        Item::Value {
            key: self.shared(),
            name: name.into(),
        }
    }
}

/// Plans the keys of one component, one at a time.
struct KeyPlanner<'p, 'a> {
    /// The component's data, for where each created key stands among its siblings.
    tree: &'a RegTree,
    component: &'p Arc<str>,
    /// Whether the component's rows are merged with the target's (the rule says which).
    merges: bool,
    planned: &'p mut Planned<'a>,
    log: &'p RuleIndex<'p>,
    exclusions: &'p Exclusions<'p>,
    /// Keys (as in the archive) a rule replaces whole, with the rule.
    replaced: &'p [(String, &'static str)],
    actions: &'p mut Vec<Action>,
    unchanged: usize,
}

impl<'a> KeyPlanner<'_, 'a> {
    /// Plans the key at `path` (as in the archive, after the rules) written at `target`.
    fn key(&mut self, path: &str, target: &str, key: &'a Key) {
        let position = self.log.position(path);
        let change = position.map(|index| self.log.at(index));
        let existed = self.planned.find(target).is_some();
        let target = KeyPath::new(target);
        // A key without values of its own that only leads to others is structure: neither
        // counted as unchanged nor a reason to list the target's values as kept.
        let structural = key.value_count() == 0 && key.subkey_count() > 0;
        if existed && !structural {
            self.unchanged += 1;
        } else if !existed {
            self.create(path, &target, change);
        }
        self.values(path, &target, key, position);
        match self.replacing(path) {
            Some(rule) if existed => self.delete_target_only(path, &target, key, rule),
            None if existed && !structural => self.keep_target_values(&target, key),
            _ => {}
        }
    }

    /// The name of the key the archive has just before the key at `path`, under the same
    /// parent; `None` when it is the first.
    fn sibling_before(&self, path: &str) -> Option<Box<str>> {
        let (parent, name) = path.rsplit_once('\\')?;
        let before = self.tree.find(parent)?.subkey_before(name)?;
        Some(before.name().into())
    }

    /// The rule that replaces the key at `path` whole, directly or through an ancestor.
    fn replacing(&self, path: &str) -> Option<&'static str> {
        self.replaced
            .iter()
            .find(|(replaced, _)| is_within(path, replaced))
            .map(|(_, rule)| *rule)
    }

    /// Deletes the values and subkeys of the target's key that the archive's key lacks, but
    /// those a rule excluded from the import (the target's stay).
    fn delete_target_only(&mut self, path: &str, target: &KeyPath, key: &Key, rule: &'static str) {
        let Some(target_key) = self.planned.find(target.path) else {
            return;
        };
        let exclusions = self.exclusions;
        // Whether each is secret is read before any goes: the key's type value may be one.
        let values: Vec<(&'a str, &'a Value, bool)> = target_key
            .values()
            .into_iter()
            .filter(|(name, _)| key.value(name).is_none() && !exclusions.value(path, name))
            .map(|(name, value)| {
                let parameter_type = || target_key.value(PARAMETER_TYPE);
                let secret = is_secret_where(name, || is_secrets_parameter(parameter_type()));
                (name, value, secret)
            })
            .collect();
        let subkeys: Vec<(String, (usize, usize))> = target_key
            .subkey_names()
            .into_iter()
            .filter(|name| key.subkey(name).is_none() && !exclusions.key(&join(path, name)))
            .map(|name| {
                let size = target_key.subkey(name).map_or((1, 0), |k| k.size());
                (name.to_string(), size)
            })
            .collect();
        let target_key = self.planned.ensure(target.path);
        for (name, value, secret) in values {
            target_key.remove_value(name);
            let item = target.value(name);
            let mut action = Action::new(self.component, ActionKind::DeleteValue, item, Some(rule));
            action.set_old(show_value(value, secret));
            self.actions.push(action);
        }
        for (name, (keys, values)) in subkeys {
            target_key.remove_subkey(&name);
            let item = Item::Key(join(target.path, &name).into());
            let mut action = Action::new(self.component, ActionKind::DeleteKey, item, Some(rule));
            action.set_detail(subtree_size(keys - 1, values));
            self.actions.push(action);
        }
    }

    /// A key the target lacks: a rename when a rule gave it its name, else a creation.
    fn create(&mut self, path: &str, target: &KeyPath, change: Option<&RuleChange>) {
        let exact = change.filter(|c| fold(&c.path) == fold(path));
        let renamed = exact.is_some_and(|c| c.detail.starts_with(RENAMED_FROM));
        let kind = match renamed {
            true => ActionKind::Rename,
            false => ActionKind::CreateKey,
        };
        let mut action = self.action(kind, Item::Key(target.shared()), change.map(|c| c.rule));
        if let Some(change) = change.filter(|_| renamed) {
            action.set_detail(change.detail.clone());
        }
        action.payload = Payload::KeyAfter(self.sibling_before(path));
        // The key itself is added to the planned registry with its values, next.
        self.actions.push(action);
    }

    /// Plans the values of `key`, writing them into the planned registry as it goes.
    fn values(&mut self, path: &str, target: &KeyPath, key: &'a Key, position: Option<usize>) {
        // Field by field, so the target key is looked up once for all its values.
        let target_key = self.planned.ensure(target.path);
        let mut told = false;
        for value in key.values() {
            if self.exclusions.value(path, value.name()) {
                continue;
            }
            let Some((kind, old)) = compare(target_key, value) else {
                self.unchanged += 1;
                continue;
            };
            let change = self.log.change_for_child(position, path, value.name());
            let merged = change.is_some_and(|c| self.merges || c.detail.starts_with(MERGED));
            // Secret by its name, or in a parameter of type Secrets in the archive or the target.
            let secret = is_secret_where(value.name(), || {
                is_secrets_parameter(key.value(PARAMETER_TYPE))
                    || is_secrets_parameter(target_key.value(PARAMETER_TYPE))
            });
            let kind = if merged { ActionKind::Merge } else { kind };
            let item = target.value(value.name());
            let mut action = Action::new(self.component, kind, item, change.map(|c| c.rule));
            // What the merge replaced, such as the target's DNIS row, is said once.
            let replaced = change.and_then(|c| c.detail.strip_prefix(MERGED));
            if let Some(replaced) = replaced.filter(|_| merged && !told) {
                action.set_detail(replaced.to_string());
                told = true;
            }
            if let Some(old) = old {
                action.set_old(show_value(old, secret));
            }
            action.secret = secret;
            action.payload = Payload::Value {
                kind: value.kind(),
                data: value.data().into(),
            };
            self.actions.push(action);
            target_key.set_value(value);
        }
    }

    /// Lists the values of an existing target key that the archive does not have.
    fn keep_target_values(&mut self, target: &KeyPath, key: &Key) {
        let Some(target_key) = self.planned.find(target.path) else {
            return;
        };
        let kept: Vec<Item> = target_key
            .values()
            .into_iter()
            .filter(|(name, _)| key.value(name).is_none())
            .map(|(name, _)| target.value(name))
            .collect();
        for item in kept {
            let action = self.action(ActionKind::KeepValue, item, None);
            self.actions.push(action);
        }
    }

    fn action(&self, kind: ActionKind, item: Item, rule: Option<&'static str>) -> Action {
        Action::new(self.component, kind, item, rule)
    }
}

/// How much a deleted key takes with it, as the plan shows it.
fn subtree_size(keys: usize, values: usize) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    format!(
        "with {keys} subkey{} and {values} value{}",
        plural(keys),
        plural(values)
    )
}

/// What writing `value` into `target_key` does: nothing when it is already there, else an
/// overwrite (with the value replaced) or a new value.
fn compare<'a>(target_key: &Node<'a>, value: &Value) -> Option<(ActionKind, Option<&'a Value>)> {
    match target_key.value(value.name()) {
        Some(old) if old.kind() == value.kind() && old.data() == value.data() => None,
        Some(old) => Some((ActionKind::OverwriteValue, Some(old))),
        None => Some((ActionKind::SetValue, None)),
    }
}
