//! The Windows registry as this tool sees it: keys, values and their exact bytes.
//!
//! A [`RegTree`] is an ordered tree of [`Key`]s. Key and value names compare without regard to
//! case, as Windows does, and keep the case they were created with. Children and values keep
//! their insertion order, so a tree read from a `.reg` file writes back in the same order.
//! Value data is kept as the raw bytes the registry stores (strings as UTF-16LE with their
//! terminating NUL), so nothing is lost between reading, rewriting and importing.
//!
//! The `.reg` text codec lives in [`regfile`]; the ways a tree is loaded from and stored to a
//! server live in [`backend`].

pub mod backend;
pub mod regfile;

use std::cell::RefCell;

use indexmap::IndexMap;

/// The separator between key names in a registry path.
pub const SEPARATOR: char = '\\';

/// A registry value type, as the numeric code Windows stores with each value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ValueType {
    /// REG_NONE (0): data with no declared type.
    None,
    /// REG_SZ (1): a NUL-terminated UTF-16LE string.
    Sz,
    /// REG_EXPAND_SZ (2): a string with `%VARIABLE%` references.
    ExpandSz,
    /// REG_BINARY (3): raw bytes.
    Binary,
    /// REG_DWORD (4): a little-endian 32-bit number.
    Dword,
    /// REG_MULTI_SZ (7): a list of strings, each NUL-terminated, ending with an empty string.
    MultiSz,
    /// REG_QWORD (11): a little-endian 64-bit number.
    Qword,
    /// Any other type code, written as `hex(N)` in `.reg` files.
    Other(u32),
}

impl ValueType {
    /// The numeric type code Windows stores for this type.
    pub fn code(self) -> u32 {
        match self {
            ValueType::None => 0,
            ValueType::Sz => 1,
            ValueType::ExpandSz => 2,
            ValueType::Binary => 3,
            ValueType::Dword => 4,
            ValueType::MultiSz => 7,
            ValueType::Qword => 11,
            ValueType::Other(code) => code,
        }
    }

    /// The type for a numeric code; codes without a variant of their own become `Other`.
    pub fn from_code(code: u32) -> ValueType {
        match code {
            0 => ValueType::None,
            1 => ValueType::Sz,
            2 => ValueType::ExpandSz,
            3 => ValueType::Binary,
            4 => ValueType::Dword,
            7 => ValueType::MultiSz,
            11 => ValueType::Qword,
            other => ValueType::Other(other),
        }
    }

    /// The name Windows tools show for this type, such as `REG_SZ` or `hex(5)`.
    pub fn display_name(self) -> String {
        match self {
            ValueType::None => "REG_NONE".into(),
            ValueType::Sz => "REG_SZ".into(),
            ValueType::ExpandSz => "REG_EXPAND_SZ".into(),
            ValueType::Binary => "REG_BINARY".into(),
            ValueType::Dword => "REG_DWORD".into(),
            ValueType::MultiSz => "REG_MULTI_SZ".into(),
            ValueType::Qword => "REG_QWORD".into(),
            ValueType::Other(code) => format!("hex({code:x})"),
        }
    }
}

/// One named value of a key. The default value (`@` in `.reg` files) has the empty name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Value {
    // Boxed rather than growable: a large tree holds millions of names and data.
    name: Box<str>,
    kind: ValueType,
    data: Box<[u8]>,
}

impl Value {
    /// A value with raw data bytes, exactly as the registry stores them.
    pub fn new(name: impl Into<String>, kind: ValueType, data: Vec<u8>) -> Value {
        Value {
            name: name.into().into_boxed_str(),
            kind,
            data: data.into_boxed_slice(),
        }
    }

    /// A REG_SZ value holding `text`.
    pub fn sz(name: impl Into<String>, text: &str) -> Value {
        Value::new(name, ValueType::Sz, encode_sz(text))
    }

    /// A REG_EXPAND_SZ value holding `text`.
    pub fn expand_sz(name: impl Into<String>, text: &str) -> Value {
        Value::new(name, ValueType::ExpandSz, encode_sz(text))
    }

    /// A REG_MULTI_SZ value holding `items`.
    pub fn multi_sz<S: AsRef<str>>(name: impl Into<String>, items: &[S]) -> Value {
        Value::new(name, ValueType::MultiSz, encode_multi_sz(items))
    }

    /// A REG_DWORD value holding `number`.
    pub fn dword(name: impl Into<String>, number: u32) -> Value {
        Value::new(name, ValueType::Dword, number.to_le_bytes().to_vec())
    }

    /// A REG_QWORD value holding `number`.
    pub fn qword(name: impl Into<String>, number: u64) -> Value {
        Value::new(name, ValueType::Qword, number.to_le_bytes().to_vec())
    }

    /// A REG_BINARY value holding `bytes`.
    pub fn binary(name: impl Into<String>, bytes: Vec<u8>) -> Value {
        Value::new(name, ValueType::Binary, bytes)
    }

    /// The value's name; empty for the default value.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether this is the key's default value (`@`).
    pub fn is_default(&self) -> bool {
        self.name.is_empty()
    }

    /// The value's type.
    pub fn kind(&self) -> ValueType {
        self.kind
    }

    /// The raw data bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Replaces the data and type, keeping the name.
    pub fn set(&mut self, kind: ValueType, data: Vec<u8>) {
        self.kind = kind;
        self.data = data.into_boxed_slice();
    }

    /// The data read as text: the string of a REG_SZ or REG_EXPAND_SZ, the items of a
    /// REG_MULTI_SZ joined with newlines, the number of a REG_DWORD or REG_QWORD. `None` for
    /// binary data and for strings that are not valid UTF-16.
    pub fn as_text(&self) -> Option<String> {
        match self.kind {
            ValueType::Sz | ValueType::ExpandSz => decode_sz(&self.data),
            ValueType::MultiSz => decode_multi_sz(&self.data).map(|items| items.join("\n")),
            ValueType::Dword if self.data.len() == 4 => {
                Some(u32::from_le_bytes(self.data[..4].try_into().ok()?).to_string())
            }
            ValueType::Qword if self.data.len() == 8 => {
                Some(u64::from_le_bytes(self.data[..8].try_into().ok()?).to_string())
            }
            _ => None,
        }
    }

    /// The items of a REG_MULTI_SZ, or the single string of a REG_SZ/REG_EXPAND_SZ.
    pub fn as_strings(&self) -> Option<Vec<String>> {
        match self.kind {
            ValueType::MultiSz => decode_multi_sz(&self.data),
            ValueType::Sz | ValueType::ExpandSz => decode_sz(&self.data).map(|s| vec![s]),
            _ => None,
        }
    }
}

/// Encodes `text` as the registry stores a string: UTF-16LE with a terminating NUL.
pub fn encode_sz(text: &str) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(text.len() * 2 + 2);
    for unit in text.encode_utf16().chain(std::iter::once(0)) {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// Encodes a list as the registry stores a REG_MULTI_SZ: each string NUL-terminated, then
/// one more NUL.
pub fn encode_multi_sz<S: AsRef<str>>(items: &[S]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for item in items {
        bytes.extend(encode_sz(item.as_ref()));
    }
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

/// Decodes UTF-16LE string data, dropping the terminating NUL and anything after it.
pub fn decode_sz(data: &[u8]) -> Option<String> {
    let units = utf16_units(data)?;
    let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
    String::from_utf16(&units[..end]).ok()
}

/// Decodes REG_MULTI_SZ data into its strings. An empty string inside the list is kept;
/// the final empty terminator is not.
pub fn decode_multi_sz(data: &[u8]) -> Option<Vec<String>> {
    let mut units = utf16_units(data)?;
    while units.last() == Some(&0) {
        units.pop();
    }
    if units.is_empty() {
        return Some(Vec::new());
    }
    units
        .split(|&u| u == 0)
        .map(|part| String::from_utf16(part).ok())
        .collect()
}

fn utf16_units(data: &[u8]) -> Option<Vec<u16>> {
    if data.len() % 2 != 0 {
        return None;
    }
    Some(
        data.chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .collect(),
    )
}

/// The form of a name used for comparisons: Windows compares key and value names by their
/// upper-case form.
pub fn fold(name: &str) -> String {
    match name.is_ascii() {
        true => name.to_ascii_uppercase(),
        false => name.to_uppercase(),
    }
}

/// Calls `work` with the folded form of `name`, built in a buffer kept for the thread, so
/// looking a name up allocates nothing (a nested call builds its own).
fn with_folded<R>(name: &str, work: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
    }
    BUFFER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            match name.is_ascii() {
                true => {
                    buffer.push_str(name);
                    buffer.make_ascii_uppercase();
                }
                false => buffer.extend(folded_chars(name)),
            }
            work(&buffer)
        }
        Err(_) => work(&fold(name)),
    })
}

/// Whether two names are the same as [`fold`] compares them, without building the folded
/// forms.
pub fn same_name(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        return a.eq_ignore_ascii_case(b);
    }
    folded_chars(a).eq(folded_chars(b))
}

/// The characters of the folded form of `name`, one by one.
fn folded_chars(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().flat_map(char::to_uppercase)
}

/// One registry key: a name, ordered values and ordered subkeys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Key {
    name: String,
    values: IndexMap<Box<str>, Value>,
    subkeys: IndexMap<Box<str>, Key>,
}

impl Key {
    /// An empty key named `name`.
    pub fn new(name: impl Into<String>) -> Key {
        Key {
            name: name.into(),
            values: IndexMap::new(),
            subkeys: IndexMap::new(),
        }
    }

    /// The key's own name (one path element), in the case it was created with.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Renames the key in place. The parent's index is not touched: use
    /// [`Key::rename_subkey`] on the parent for a child that is already attached.
    pub fn set_name(&mut self, name: impl Into<String>) {
        self.name = name.into();
    }

    /// The values in stored order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator {
        self.values.values()
    }

    /// The values in stored order, mutable.
    pub fn values_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Value> {
        self.values.values_mut()
    }

    /// The number of values.
    pub fn value_count(&self) -> usize {
        self.values.len()
    }

    /// The value named `name`, compared without regard to case.
    pub fn value(&self, name: &str) -> Option<&Value> {
        with_folded(name, |folded| self.values.get(folded))
    }

    /// The value named `name`, mutable.
    pub fn value_mut(&mut self, name: &str) -> Option<&mut Value> {
        let index = with_folded(name, |folded| self.values.get_index_of(folded))?;
        self.values.get_index_mut(index).map(|(_, value)| value)
    }

    /// The text of the value named `name` (see [`Value::as_text`]).
    pub fn text(&self, name: &str) -> Option<String> {
        self.value(name).and_then(Value::as_text)
    }

    /// Sets a value. An existing value with the same name (in any case) is replaced in its
    /// place and keeps its original spelling; a new one is appended.
    pub fn set_value(&mut self, value: Value) {
        match with_folded(&value.name, |folded| self.values.get_index_of(folded)) {
            Some(index) => {
                let existing = &mut self.values[index];
                existing.kind = value.kind;
                existing.data = value.data;
            }
            None => {
                self.values.insert(fold(&value.name).into(), value);
            }
        }
    }

    /// Removes the value named `name`, keeping the order of the others.
    pub fn remove_value(&mut self, name: &str) -> Option<Value> {
        self.values.shift_remove(fold(name).as_str())
    }

    /// The subkeys in stored order.
    pub fn subkeys(&self) -> impl DoubleEndedIterator<Item = &Key> + ExactSizeIterator {
        self.subkeys.values()
    }

    /// The subkeys in stored order, mutable.
    pub fn subkeys_mut(&mut self) -> impl ExactSizeIterator<Item = &mut Key> {
        self.subkeys.values_mut()
    }

    /// The number of direct subkeys.
    pub fn subkey_count(&self) -> usize {
        self.subkeys.len()
    }

    /// The direct subkey named `name`.
    pub fn subkey(&self, name: &str) -> Option<&Key> {
        with_folded(name, |folded| self.subkeys.get(folded))
    }

    /// The direct subkey named `name`, mutable.
    pub fn subkey_mut(&mut self, name: &str) -> Option<&mut Key> {
        let index = with_folded(name, |folded| self.subkeys.get_index_of(folded))?;
        self.subkeys.get_index_mut(index).map(|(_, key)| key)
    }

    /// The direct subkey named `name`, created (appended) when missing.
    pub fn ensure_subkey(&mut self, name: &str) -> &mut Key {
        match with_folded(name, |folded| self.subkeys.get_index_of(folded)) {
            Some(index) => &mut self.subkeys[index],
            None => self
                .subkeys
                .entry(fold(name).into())
                .or_insert_with(|| Key::new(name)),
        }
    }

    /// The subkey stored just before the subkey `name`; `None` when `name` is the first (or
    /// not a subkey).
    pub fn subkey_before(&self, name: &str) -> Option<&Key> {
        let index = with_folded(name, |folded| self.subkeys.get_index_of(folded))?;
        let before = index.checked_sub(1)?;
        self.subkeys.get_index(before).map(|(_, key)| key)
    }

    /// The direct subkey named `name`, created when missing at the place the archive gave it:
    /// right after the subkey `after` when this key has it (else last), first when `after` is
    /// `None`. So a key deleted and imported again comes back where it was.
    pub fn ensure_subkey_after(&mut self, name: &str, after: Option<&str>) -> &mut Key {
        if let Some(index) = with_folded(name, |folded| self.subkeys.get_index_of(folded)) {
            return &mut self.subkeys[index];
        }
        let index = match after {
            None => 0,
            Some(after) => with_folded(after, |folded| self.subkeys.get_index_of(folded))
                .map_or(self.subkeys.len(), |index| index + 1),
        };
        self.subkeys
            .shift_insert(index, fold(name).into(), Key::new(name));
        &mut self.subkeys[index]
    }

    /// Attaches `key` as a subkey. A subkey with the same name is replaced in its place.
    pub fn insert_subkey(&mut self, key: Key) {
        let folded: Box<str> = fold(&key.name).into();
        match self.subkeys.get_mut(&folded) {
            Some(existing) => *existing = key,
            None => {
                self.subkeys.insert(folded, key);
            }
        }
    }

    /// Removes the direct subkey named `name` with everything under it.
    pub fn remove_subkey(&mut self, name: &str) -> Option<Key> {
        self.subkeys.shift_remove(fold(name).as_str())
    }

    /// Removes every direct subkey with everything under it; returns them in stored order.
    pub fn take_subkeys(&mut self) -> Vec<Key> {
        std::mem::take(&mut self.subkeys).into_values().collect()
    }

    /// Renames a direct subkey, keeping its place. Fails (returns false) when `from` is
    /// missing or another subkey already has the name `to`.
    pub fn rename_subkey(&mut self, from: &str, to: &str) -> bool {
        let (from_f, to_f) = (fold(from), fold(to));
        let Some(index) = self.subkeys.get_index_of(from_f.as_str()) else {
            return false;
        };
        if from_f != to_f && self.subkeys.contains_key(to_f.as_str()) {
            return false;
        }
        let (_, mut key) = self
            .subkeys
            .shift_remove_index(index)
            .expect("index is valid");
        key.name = to.to_string();
        self.subkeys.shift_insert(index, to_f.into(), key);
        true
    }

    /// The key at `path` (backslash-separated, relative to this key). The empty path is
    /// this key.
    pub fn find(&self, path: &str) -> Option<&Key> {
        split_path(path).try_fold(self, |key, part| key.subkey(part))
    }

    /// The key at `path`, mutable.
    pub fn find_mut(&mut self, path: &str) -> Option<&mut Key> {
        split_path(path).try_fold(self, |key, part| key.subkey_mut(part))
    }

    /// The key at `path`, created with its missing ancestors.
    pub fn ensure(&mut self, path: &str) -> &mut Key {
        split_path(path).fold(self, |key, part| key.ensure_subkey(part))
    }

    /// Removes the key at `path` (relative, at least one element) with its subtree.
    pub fn remove(&mut self, path: &str) -> Option<Key> {
        let (parent, leaf) = match path.rsplit_once(SEPARATOR) {
            Some((parent, leaf)) => (self.find_mut(parent)?, leaf),
            None => (self, path),
        };
        parent.remove_subkey(leaf)
    }

    /// Every key of this subtree, this one first, depth-first in stored order, each with its
    /// path relative to this key (empty for this key).
    pub fn walk(&self) -> Vec<(String, &Key)> {
        let mut out = Vec::new();
        let mut stack: Vec<(String, &Key)> = vec![(String::new(), self)];
        while let Some((path, key)) = stack.pop() {
            for child in key.subkeys().rev() {
                stack.push((join(&path, child.name()), child));
            }
            out.push((path, key));
        }
        out
    }

    /// The number of keys in this subtree, this one included.
    pub fn key_count(&self) -> usize {
        1 + self.subkeys().map(Key::key_count).sum::<usize>()
    }

    /// The number of values in this subtree.
    pub fn total_value_count(&self) -> usize {
        self.value_count() + self.subkeys().map(Key::total_value_count).sum::<usize>()
    }
}

/// Splits a backslash path into its non-empty elements.
pub fn split_path(path: &str) -> impl Iterator<Item = &str> {
    path.split(SEPARATOR).filter(|part| !part.is_empty())
}

/// Joins two registry paths with one backslash; either may be empty.
pub fn join(base: &str, rest: &str) -> String {
    match (base.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (_, true) => base.to_string(),
        _ => format!("{base}{SEPARATOR}{rest}"),
    }
}

/// Whether `path` is `ancestor` or lies under it, compared without regard to case.
pub fn is_within(path: &str, ancestor: &str) -> bool {
    // Upper-casing never makes or removes a separator, so the ancestor's trailing ones can be
    // trimmed before comparing.
    let ancestor = ancestor.trim_end_matches(SEPARATOR);
    if ancestor.is_empty() {
        return true;
    }
    if path.is_ascii() && ancestor.is_ascii() {
        let (path, len) = (path.as_bytes(), ancestor.len());
        return path.len() >= len
            && path[..len].eq_ignore_ascii_case(ancestor.as_bytes())
            && path.get(len).is_none_or(|&byte| byte == SEPARATOR as u8);
    }
    let mut path = folded_chars(path);
    folded_chars(ancestor).all(|c| path.next() == Some(c))
        && path.next().is_none_or(|c| c == SEPARATOR)
}

/// A registry tree with absolute paths. Its root is nameless; its children are the hive roots
/// (`HKEY_LOCAL_MACHINE`, ...), so `tree.find("HKEY_LOCAL_MACHINE\\SOFTWARE")` works.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegTree {
    root: Key,
}

impl RegTree {
    /// An empty tree.
    pub fn new() -> RegTree {
        RegTree::default()
    }

    /// The nameless root; its subkeys are hive roots.
    pub fn root(&self) -> &Key {
        &self.root
    }

    /// The nameless root, mutable.
    pub fn root_mut(&mut self) -> &mut Key {
        &mut self.root
    }

    /// The key at an absolute path such as `HKEY_LOCAL_MACHINE\SOFTWARE\Interactive
    /// Intelligence`.
    pub fn find(&self, path: &str) -> Option<&Key> {
        self.root.find(path)
    }

    /// The key at an absolute path, mutable.
    pub fn find_mut(&mut self, path: &str) -> Option<&mut Key> {
        self.root.find_mut(path)
    }

    /// The key at an absolute path, created with its missing ancestors.
    pub fn ensure(&mut self, path: &str) -> &mut Key {
        self.root.ensure(path)
    }

    /// The key at an absolute path; when missing, created with its ancestors and placed among
    /// its siblings as [`Key::ensure_subkey_after`] places it.
    pub fn ensure_after(&mut self, path: &str, after: Option<&str>) -> &mut Key {
        match path.rsplit_once('\\') {
            Some((parent, name)) => self.root.ensure(parent).ensure_subkey_after(name, after),
            None => self.root.ensure_subkey_after(path, after),
        }
    }

    /// Removes the key at an absolute path with its subtree.
    pub fn remove(&mut self, path: &str) -> Option<Key> {
        self.root.remove(path)
    }

    /// Every key with its absolute path, depth-first in stored order, the nameless root left
    /// out.
    pub fn walk(&self) -> Vec<(String, &Key)> {
        self.root.walk().into_iter().skip(1).collect()
    }

    /// Whether the tree holds no key at all.
    pub fn is_empty(&self) -> bool {
        self.root.subkey_count() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_compare_without_case_and_keep_their_spelling() {
        let mut tree = RegTree::new();
        tree.ensure("HKEY_LOCAL_MACHINE\\Software\\Vendor")
            .set_value(Value::sz("Path", "a"));
        let key = tree.find("hkey_local_machine\\SOFTWARE\\vendor").unwrap();
        assert_eq!(key.name(), "Vendor");
        assert_eq!(key.text("PATH").as_deref(), Some("a"));
    }

    #[test]
    fn replacing_a_value_keeps_its_place_and_spelling() {
        let mut key = Key::new("k");
        key.set_value(Value::sz("First", "1"));
        key.set_value(Value::sz("Second", "2"));
        key.set_value(Value::dword("FIRST", 7));
        let names: Vec<_> = key.values().map(|v| v.name().to_string()).collect();
        assert_eq!(names, ["First", "Second"]);
        assert_eq!(key.value("first").unwrap().kind(), ValueType::Dword);
    }

    #[test]
    fn rename_keeps_position_and_refuses_collisions() {
        let mut key = Key::new("k");
        for name in ["a", "b", "c"] {
            key.ensure_subkey(name);
        }
        assert!(key.rename_subkey("b", "B2"));
        assert!(!key.rename_subkey("a", "c"));
        let names: Vec<_> = key.subkeys().map(|k| k.name().to_string()).collect();
        assert_eq!(names, ["a", "B2", "c"]);
    }

    #[test]
    fn multi_sz_keeps_inner_empty_strings() {
        let value = Value::multi_sz("m", &["a", "", "b"]);
        assert_eq!(value.as_strings().unwrap(), ["a", "", "b"]);
        assert_eq!(
            Value::multi_sz::<&str>("m", &[])
                .as_strings()
                .unwrap()
                .len(),
            0
        );
    }

    proptest::proptest! {
        /// Names mixing ASCII, letters whose upper case is longer (ß) or ASCII (ſ, ı) and
        /// separators compare as their folded forms do.
        #[test]
        fn comparisons_agree_with_the_folded_forms(
            a in "[aAsSß\u{17f}iI\u{131}\u{130}\\\\]{0,6}",
            b in "[aAsSß\u{17f}iI\u{131}\u{130}\\\\]{0,6}",
        ) {
            proptest::prop_assert_eq!(same_name(&a, &b), fold(&a) == fold(&b));
            let (p, ancestor) = (fold(&a), fold(&b));
            let ancestor = ancestor.trim_end_matches(SEPARATOR);
            let within = ancestor.is_empty()
                || p == ancestor
                || p.starts_with(&format!("{ancestor}{SEPARATOR}"));
            proptest::prop_assert_eq!(is_within(&a, &b), within);
        }
    }

    #[test]
    fn a_key_created_after_a_sibling_takes_its_place() {
        let mut key = Key::new("Users");
        for name in ["ann", "cid"] {
            key.ensure_subkey(name);
        }
        key.ensure_subkey_after("bob", Some("ANN"));
        key.ensure_subkey_after("abe", None);
        key.ensure_subkey_after("zoe", Some("nobody"));
        key.ensure_subkey_after("cid", None);
        let names: Vec<&str> = key.subkeys().map(Key::name).collect();
        assert_eq!(names, ["abe", "ann", "bob", "cid", "zoe"]);
        assert_eq!(key.subkey_before("bob").map(Key::name), Some("ann"));
        assert!(key.subkey_before("abe").is_none());
    }

    #[test]
    fn walk_is_depth_first_in_stored_order() {
        let mut root = Key::new("");
        root.ensure("a\\x");
        root.ensure("b");
        root.ensure("a\\y");
        let paths: Vec<_> = root.walk().into_iter().map(|(p, _)| p).collect();
        assert_eq!(paths, ["", "a", "a\\x", "a\\y", "b"]);
        assert!(is_within("A\\X", "a"));
        assert!(!is_within("ab", "a"));
    }
}
