//! The target's registry as the plan leaves it, without a copy of it.
//!
//! Each component is planned against the target as the components before it leave it. Rather
//! than copy the target's tree and write every imported value into the copy, [`Planned`] reads
//! the target's tree as loaded and records beside it only the keys the plan touches: for each,
//! the values it sets (borrowed from the incoming data) or deletes, and the subkeys it creates
//! or deletes. Look-ups consult that record first, then the target. So its size follows what
//! the import writes, not the size of the target.
//!
//! Stored order is what a tree receiving the same writes would have: a value or key replaced
//! keeps its place, new ones follow the target's in the order they came, and one deleted and
//! written again comes last.

use std::hash::{Hash, Hasher};

use foldhash::fast::RandomState;
use indexmap::{Equivalent, IndexMap};

use crate::layout;
use crate::registry::{same_name, split_path, Key, RegTree, Value};

/// The target's registry with the plan's writes and deletions so far.
pub(super) struct Planned<'a> {
    root: Node<'a>,
}

impl<'a> Planned<'a> {
    /// The target's registry `target`, before any write.
    pub(super) fn new(target: &'a RegTree) -> Planned<'a> {
        Planned {
            root: Node::new(Some(target.root())),
        }
    }

    /// The key at the absolute `path`, if there is one.
    pub(super) fn find(&self, path: &str) -> Option<View<'_, 'a>> {
        split_path(path).try_fold(View::Node(&self.root), |key, part| key.subkey(part))
    }

    /// The key at the absolute `path`, created with its missing ancestors.
    pub(super) fn ensure(&mut self, path: &str) -> &mut Node<'a> {
        split_path(path).fold(&mut self.root, |key, part| key.ensure_subkey(part))
    }

    /// Where the `Interactive Intelligence` key is, 64-bit or 32-bit, if there is one.
    pub(super) fn ii_root(&self) -> Option<&'static str> {
        [layout::II_KEY, layout::II_KEY_WOW64]
            .into_iter()
            .find(|path| self.find(path).is_some())
    }
}

/// A key the plan touched.
pub(super) struct Node<'a> {
    /// The target's key at this place; `None` for a key the plan creates.
    base: Option<&'a Key>,
    /// The values set or deleted, by name as stored (the first spelling written).
    values: Map<Name<'a>, Slot<&'a Value>>,
    /// The subkeys touched, by name as stored.
    subkeys: Map<OwnedName, Slot<Node<'a>>>,
}

/// A map keeping insertion order, with a hash faster than the standard one (the names are
/// the archive's and the target's, hashed with a seed of the process's own).
type Map<K, V> = IndexMap<K, V, RandomState>;

/// Where a value or subkey the plan touched stands in its key's stored order.
enum Slot<T> {
    /// At the place the target's item of that name has.
    InPlace(T),
    /// After the target's items, in the order the plan added them.
    Added(T),
    /// Deleted.
    Deleted,
}

impl<'a> Node<'a> {
    fn new(base: Option<&'a Key>) -> Node<'a> {
        Node {
            base,
            values: Map::default(),
            subkeys: Map::default(),
        }
    }

    /// The value named `name`.
    pub(super) fn value(&self, name: &str) -> Option<&'a Value> {
        match self.values.get(&Name(name)) {
            Some(Slot::InPlace(written) | Slot::Added(written)) => Some(written),
            Some(Slot::Deleted) => None,
            None => self.base?.value(name),
        }
    }

    /// Sets `value`; an existing value of that name keeps its place and its spelling.
    pub(super) fn set_value(&mut self, value: &'a Value) {
        let name = Name(value.name());
        match self.values.get_index_of(&name) {
            Some(index) => match &mut self.values[index] {
                Slot::InPlace(written) | Slot::Added(written) => *written = value,
                Slot::Deleted => {
                    self.values.shift_remove_index(index);
                    self.values.insert(name, Slot::Added(value));
                }
            },
            None => match self.base.and_then(|base| base.value(name.0)) {
                Some(old) => {
                    self.values.insert(Name(old.name()), Slot::InPlace(value));
                }
                None => {
                    self.values.insert(name, Slot::Added(value));
                }
            },
        }
    }

    /// Deletes the value named `name`, if there is one.
    pub(super) fn remove_value(&mut self, name: &str) {
        let in_target = self.base.and_then(|base| base.value(name));
        match (self.values.get_index_of(&Name(name)), in_target) {
            (Some(index), Some(_)) => self.values[index] = Slot::Deleted,
            (Some(index), None) => {
                self.values.shift_remove_index(index);
            }
            (None, Some(old)) => {
                self.values.insert(Name(old.name()), Slot::Deleted);
            }
            (None, None) => {}
        }
    }

    /// The direct subkey named `name`, created (after the others) when missing.
    fn ensure_subkey(&mut self, name: &str) -> &mut Node<'a> {
        let index = match self.subkeys.get_index_of(&Name(name)) {
            Some(index) if !matches!(self.subkeys[index], Slot::Deleted) => index,
            Some(index) => {
                self.subkeys.shift_remove_index(index);
                let slot = Slot::Added(Node::new(None));
                self.subkeys.insert_full(OwnedName(name.into()), slot).0
            }
            None => {
                let (name, slot) = match self.base.and_then(|base| base.subkey(name)) {
                    Some(base) => (base.name(), Slot::InPlace(Node::new(Some(base)))),
                    None => (name, Slot::Added(Node::new(None))),
                };
                self.subkeys.insert_full(OwnedName(name.into()), slot).0
            }
        };
        match &mut self.subkeys[index] {
            Slot::InPlace(node) | Slot::Added(node) => node,
            Slot::Deleted => unreachable!("a deleted subkey was replaced above"),
        }
    }

    /// Deletes the direct subkey named `name` with everything under it, if there is one.
    pub(super) fn remove_subkey(&mut self, name: &str) {
        let in_target = self.base.and_then(|base| base.subkey(name));
        match (self.subkeys.get_index_of(&Name(name)), in_target) {
            (Some(index), Some(_)) => self.subkeys[index] = Slot::Deleted,
            (Some(index), None) => {
                self.subkeys.shift_remove_index(index);
            }
            (None, Some(old)) => {
                self.subkeys
                    .insert(OwnedName(old.name().into()), Slot::Deleted);
            }
            (None, None) => {}
        }
    }
}

/// A key as the plan leaves it: one it touched, or one of the target's as loaded.
#[derive(Clone, Copy)]
pub(super) enum View<'p, 'a> {
    /// A key the plan touched.
    Node(&'p Node<'a>),
    /// A key of the target the plan has not touched, nor anything under it.
    Target(&'a Key),
}

impl<'p, 'a> View<'p, 'a> {
    /// The value named `name`.
    pub(super) fn value(self, name: &str) -> Option<&'a Value> {
        match self {
            View::Node(node) => node.value(name),
            View::Target(key) => key.value(name),
        }
    }

    /// The values in stored order, each with its name as stored.
    pub(super) fn values(self) -> Vec<(&'a str, &'a Value)> {
        let node = match self {
            View::Node(node) => node,
            View::Target(key) => return key.values().map(|v| (v.name(), v)).collect(),
        };
        let mut out = Vec::new();
        for old in node.base.into_iter().flat_map(Key::values) {
            match node.values.get(&Name(old.name())) {
                None => out.push((old.name(), old)),
                Some(Slot::InPlace(written)) => out.push((old.name(), *written)),
                Some(Slot::Added(_) | Slot::Deleted) => {}
            }
        }
        out.extend(node.values.iter().filter_map(|(name, slot)| match slot {
            Slot::Added(written) => Some((name.0, *written)),
            _ => None,
        }));
        out
    }

    /// The direct subkey named `name`.
    pub(super) fn subkey(self, name: &str) -> Option<View<'p, 'a>> {
        let node = match self {
            View::Node(node) => node,
            View::Target(key) => return key.subkey(name).map(View::Target),
        };
        match node.subkeys.get(&Name(name)) {
            Some(Slot::InPlace(child) | Slot::Added(child)) => Some(View::Node(child)),
            Some(Slot::Deleted) => None,
            None => node.base?.subkey(name).map(View::Target),
        }
    }

    /// The names of the direct subkeys, in stored order.
    pub(super) fn subkey_names(self) -> Vec<&'p str> {
        let node = match self {
            View::Node(node) => node,
            View::Target(key) => return key.subkeys().map(Key::name).collect(),
        };
        let mut out = Vec::new();
        for old in node.base.into_iter().flat_map(Key::subkeys) {
            match node.subkeys.get_key_value(&Name(old.name())) {
                None => out.push(old.name()),
                Some((name, Slot::InPlace(_))) => out.push(&name.0),
                Some((_, Slot::Added(_) | Slot::Deleted)) => {}
            }
        }
        out.extend(node.subkeys.iter().filter_map(|(name, slot)| match slot {
            Slot::Added(_) => Some(&*name.0),
            _ => None,
        }));
        out
    }

    /// The number of keys in this subtree, this one included, and the number of values.
    pub(super) fn size(self) -> (usize, usize) {
        if let View::Target(key) = self {
            return (key.key_count(), key.total_value_count());
        }
        let own = (1, self.values().len());
        self.subkey_names()
            .into_iter()
            .filter_map(|name| self.subkey(name))
            .map(View::size)
            .fold(own, |(keys, values), (k, v)| (keys + k, values + v))
    }
}

/// A name compared as Windows compares names, without regard to case, and hashed alike,
/// without building its folded copy.
#[derive(Clone, Copy, Debug)]
struct Name<'a>(&'a str);

/// A subkey's name as stored, compared and hashed as [`Name`] is.
#[derive(Debug)]
struct OwnedName(Box<str>);

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        same_name(self.0, other.0)
    }
}

impl Eq for Name<'_> {}

impl Hash for Name<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_folded(self.0, state);
    }
}

impl PartialEq for OwnedName {
    fn eq(&self, other: &Self) -> bool {
        same_name(&self.0, &other.0)
    }
}

impl Eq for OwnedName {}

impl Hash for OwnedName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_folded(&self.0, state);
    }
}

impl Equivalent<OwnedName> for Name<'_> {
    fn equivalent(&self, key: &OwnedName) -> bool {
        same_name(self.0, &key.0)
    }
}

/// Feeds `state` the bytes of the upper-case form of `name`, as [`same_name`] compares it,
/// through a small buffer.
fn hash_folded<H: Hasher>(name: &str, state: &mut H) {
    let mut buffer = [0u8; 64];
    let mut used = 0;
    if name.is_ascii() {
        for chunk in name.as_bytes().chunks(buffer.len()) {
            let part = &mut buffer[..chunk.len()];
            part.copy_from_slice(chunk);
            part.make_ascii_uppercase();
            state.write(part);
        }
    } else {
        for c in name.chars().flat_map(char::to_uppercase) {
            if used + c.len_utf8() > buffer.len() {
                state.write(&buffer[..used]);
                used = 0;
            }
            used += c.encode_utf8(&mut buffer[used..]).len();
        }
        state.write(&buffer[..used]);
    }
    state.write_u8(0xff);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Value;

    fn shown(view: View) -> Vec<String> {
        let mut out: Vec<String> = view
            .values()
            .into_iter()
            .map(|(name, value)| format!("{name}={:?}", value.as_text()))
            .collect();
        for name in view.subkey_names() {
            let child = view.subkey(name).expect("a listed subkey is found");
            out.extend(
                shown(child)
                    .into_iter()
                    .map(|line| format!("{name}\\{line}")),
            );
            out.push(format!("[{name}]"));
        }
        out
    }

    fn shown_key(key: &Key) -> Vec<String> {
        let mut out: Vec<String> = key
            .values()
            .map(|value| format!("{}={:?}", value.name(), value.as_text()))
            .collect();
        for child in key.subkeys() {
            let name = child.name();
            out.extend(
                shown_key(child)
                    .into_iter()
                    .map(|line| format!("{name}\\{line}")),
            );
            out.push(format!("[{name}]"));
        }
        out
    }

    #[test]
    fn writes_and_deletions_read_back_as_a_tree_receiving_them_would() {
        let mut target = RegTree::new();
        let key = target.ensure("HKLM\\K");
        for (name, text) in [("A", "1"), ("B", "2"), ("C", "3")] {
            key.set_value(Value::sz(name, text));
        }
        target
            .ensure("HKLM\\K\\X\\Deep")
            .set_value(Value::sz("D", "4"));
        target.ensure("HKLM\\K\\Y");
        let new_a = Value::sz("a", "10");
        let new_b = Value::sz("B", "20");
        let new_e = Value::sz("E", "5");

        // The same writes on a copy of the tree, and on the overlay.
        let mut expected = target.clone();
        let key = expected.ensure("HKLM\\K");
        key.set_value(new_a.clone());
        key.set_value(new_e.clone());
        key.remove_value("B");
        key.set_value(new_b.clone());
        key.remove_value("E");
        key.set_value(new_e.clone());
        key.remove_subkey("x");
        expected.ensure("HKLM\\K\\New\\Leaf");
        expected.ensure("HKLM\\K\\X");

        let mut planned = Planned::new(&target);
        let key = planned.ensure("HKLM\\K");
        key.set_value(&new_a);
        key.set_value(&new_e);
        key.remove_value("B");
        key.set_value(&new_b);
        key.remove_value("E");
        key.set_value(&new_e);
        key.remove_subkey("x");
        planned.ensure("HKLM\\K\\New\\Leaf");
        planned.ensure("HKLM\\K\\X");

        let (view, hklm) = (
            planned.find("hklm").unwrap(),
            expected.find("HKLM").unwrap(),
        );
        assert_eq!(shown(view), shown_key(hklm));
        assert_eq!(view.size(), (hklm.key_count(), hklm.total_value_count()));
        assert!(planned.find("HKLM\\K\\X\\Deep").is_none());
        assert!(planned.find("HKLM\\K\\y").is_some());
    }
}
