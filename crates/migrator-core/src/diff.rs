//! What changed between two archives of the same server, component by component and key by
//! key: the version-control view of a series of scheduled exports.
//!
//! Components are matched by name. A component whose inner ZIP has the same SHA-256 in both
//! archives is unchanged and not opened. Otherwise both sides are extracted into temporary
//! folders (removed afterwards) and compared: registry keys added or removed, values added,
//! removed or changed (with old and new type and data), and files added, removed or changed
//! (by size and SHA-256; file contents are never shown). Values whose names mark them as
//! secrets have their data masked, while a change to them is still reported.

use std::collections::BTreeMap;
use std::path::Path;

use secrecy::SecretString;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::{Archive, ComponentRecord, Manifest};
use crate::error::{Error, Result};
use crate::layout;
use crate::progress::NoProgress;
use crate::registry::regfile::{self, ReadOptions};
use crate::registry::{fold, Key, RegTree, Value};

/// What replaces the data of a secret value.
pub const MASK: &str = "********";

/// Words in a value name that mark its data as secret.
const SECRET_WORDS: &[&str] = &[
    "password",
    "secret",
    "passphrase",
    "privatekey",
    "credential",
];

/// One archive of a comparison.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    /// The archive file.
    pub path: String,
    /// The server it was exported from.
    pub server: String,
    /// Its site.
    pub site: String,
    /// Its CIC release.
    pub cic_version: String,
    /// When it was created (RFC 3339).
    pub created: String,
}

/// How an item differs between the two archives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Only in the newer archive (B).
    Added,
    /// Only in the older archive (A).
    Removed,
    /// In both, different.
    Changed,
}

/// The type and data of a value, as shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Data {
    /// `REG_SZ`, `REG_DWORD`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// The data as text, as hex bytes for binary data, or the mask for a secret.
    pub data: String,
}

/// A registry key added or removed.
#[derive(Clone, Debug, Serialize)]
pub struct KeyChange {
    /// The key's path under the `Interactive Intelligence` key.
    pub path: String,
    /// Added or removed.
    pub change: Change,
}

/// A registry value added, removed or changed.
#[derive(Clone, Debug, Serialize)]
pub struct ValueChange {
    /// The path of its key.
    pub key: String,
    /// The value's name (`@` for the default value).
    pub name: String,
    /// Added, removed or changed.
    pub change: Change,
    /// Its type and data in A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Data>,
    /// Its type and data in B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Data>,
    /// Whether the data is masked because the value holds a secret.
    pub masked: bool,
}

/// A file added, removed or changed.
#[derive(Clone, Debug, Serialize)]
pub struct FileChange {
    /// Its install-relative path.
    pub path: String,
    /// Added, removed or changed.
    pub change: Change,
    /// Its size in A.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_size: Option<u64>,
    /// Its size in B.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_size: Option<u64>,
}

/// The differences within one component.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentDiff {
    /// The component's name.
    pub name: String,
    /// Whether the whole component was added or removed, or changed inside.
    pub change: Change,
    /// Keys added or removed.
    pub keys: Vec<KeyChange>,
    /// Values added, removed or changed.
    pub values: Vec<ValueChange>,
    /// Files added, removed or changed.
    pub files: Vec<FileChange>,
}

/// The comparison of two archives.
#[derive(Clone, Debug, Serialize)]
pub struct ArchiveDiff {
    /// The older archive.
    pub a: Side,
    /// The newer archive.
    pub b: Side,
    /// Whether both come from the same server (same name and site).
    pub same_server: bool,
    /// The components that differ, in A's order then B's additions.
    pub components: Vec<ComponentDiff>,
    /// How many components are in both archives unchanged.
    pub unchanged: usize,
}

impl ArchiveDiff {
    /// Whether the archives hold the same configuration.
    pub fn is_empty(&self) -> bool {
        self.components.is_empty()
    }
}

/// An archive to compare: its path and password.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The `.ininmigr` file.
    pub path: &'a Path,
    /// Its password, when it has one.
    pub password: Option<&'a SecretString>,
}

/// Compares archive `a` (older) with `b` (newer).
///
/// # Errors
///
/// Whatever opening or extracting either archive reports: a wrong password, damage, a full
/// disk for the temporary folders; a component whose registry data cannot be parsed.
pub fn compare(a: Input<'_>, b: Input<'_>) -> Result<ArchiveDiff> {
    let archive_a = Archive::open(a.path, a.password)?;
    let archive_b = Archive::open(b.path, b.password)?;
    let (ma, mb) = (archive_a.manifest(), archive_b.manifest());
    let mut diff = ArchiveDiff {
        a: side(a.path, ma),
        b: side(b.path, mb),
        same_server: fold(&ma.server) == fold(&mb.server) && fold(&ma.site) == fold(&mb.site),
        components: Vec::new(),
        unchanged: 0,
    };
    for record in &ma.components {
        match mb.component(&record.name) {
            None => diff.components.push(whole(record, Change::Removed)),
            Some(other) if other.sha256 == record.sha256 => diff.unchanged += 1,
            Some(other) => {
                let inner = compare_component(&archive_a, record, &archive_b, other)?;
                if inner.keys.is_empty() && inner.values.is_empty() && inner.files.is_empty() {
                    diff.unchanged += 1;
                } else {
                    diff.components.push(inner);
                }
            }
        }
    }
    for record in &mb.components {
        if ma.component(&record.name).is_none() {
            diff.components.push(whole(record, Change::Added));
        }
    }
    Ok(diff)
}

fn side(path: &Path, manifest: &Manifest) -> Side {
    Side {
        path: path.display().to_string(),
        server: manifest.server.clone(),
        site: manifest.site.clone(),
        cic_version: manifest.cic_version.to_string(),
        created: manifest.created.clone(),
    }
}

fn whole(record: &ComponentRecord, change: Change) -> ComponentDiff {
    ComponentDiff {
        name: record.name.clone(),
        change,
        keys: Vec::new(),
        values: Vec::new(),
        files: Vec::new(),
    }
}

/// One side of a component, read into memory: its registry and its files' sizes and hashes.
struct Contents {
    registry: RegTree,
    files: BTreeMap<String, (u64, String)>,
}

fn compare_component(
    archive_a: &Archive,
    record_a: &ComponentRecord,
    archive_b: &Archive,
    record_b: &ComponentRecord,
) -> Result<ComponentDiff> {
    let old = read_component(archive_a, &record_a.name)?;
    let new = read_component(archive_b, &record_b.name)?;
    let mut diff = whole(record_a, Change::Changed);
    compare_registry(&old.registry, &new.registry, &mut diff);
    diff.files = compare_files(&old.files, &new.files);
    Ok(diff)
}

fn read_component(archive: &Archive, name: &str) -> Result<Contents> {
    let scratch = tempfile::tempdir()
        .map_err(|e| Error::io("creating a temporary folder in", &std::env::temp_dir(), e))?;
    let extracted = archive.extract_component(name, scratch.path(), &NoProgress)?;
    let registry = match &extracted.registry {
        Some(bytes) => {
            let source = format!("{name} registry data in {}", archive.path().display());
            regfile::parse(bytes, &ReadOptions::new(source))
                .map_err(Error::from)?
                .to_tree()
        }
        None => RegTree::new(),
    };
    let mut files = BTreeMap::new();
    for file in &extracted.files {
        files.insert(file.archive_path.clone(), hash_file(&file.path)?);
    }
    Ok(Contents { registry, files })
}

fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("reading", path, e))?;
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io("reading", path, e))?;
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

fn keys_by_path(tree: &RegTree) -> BTreeMap<String, (String, &Key)> {
    tree.walk()
        .into_iter()
        .map(|(path, key)| (fold(&path), (shown_path(&path), key)))
        .collect()
}

/// The path under the `Interactive Intelligence` key, as the layout table writes paths.
fn shown_path(path: &str) -> String {
    for prefix in [layout::II_KEY, layout::II_KEY_WOW64] {
        let within = path
            .get(..prefix.len())
            .filter(|head| head.eq_ignore_ascii_case(prefix))
            .map(|_| path[prefix.len()..].trim_start_matches('\\'));
        if let Some(rest) = within {
            return rest.to_owned();
        }
    }
    path.to_owned()
}

fn compare_registry(old: &RegTree, new: &RegTree, diff: &mut ComponentDiff) {
    let old_keys = keys_by_path(old);
    let new_keys = keys_by_path(new);
    for (folded, (path, key)) in &old_keys {
        match new_keys.get(folded) {
            Some((_, other)) => compare_values(path, key, other, &mut diff.values),
            None => {
                diff.keys.push(KeyChange {
                    path: path.clone(),
                    change: Change::Removed,
                });
                let values = key
                    .values()
                    .map(|v| one_sided(path, key, v, Change::Removed));
                diff.values.extend(values);
            }
        }
    }
    for (folded, (path, key)) in &new_keys {
        if !old_keys.contains_key(folded) {
            diff.keys.push(KeyChange {
                path: path.clone(),
                change: Change::Added,
            });
            let values = key.values().map(|v| one_sided(path, key, v, Change::Added));
            diff.values.extend(values);
        }
    }
}

fn compare_values(path: &str, old: &Key, new: &Key, out: &mut Vec<ValueChange>) {
    for value in old.values() {
        match new.value(value.name()) {
            None => out.push(one_sided(path, old, value, Change::Removed)),
            Some(other) if other.kind() != value.kind() || other.data() != value.data() => {
                let masked = is_secret_in(old, value) || is_secret_in(new, other);
                out.push(ValueChange {
                    key: path.to_owned(),
                    name: shown_name(value),
                    change: Change::Changed,
                    old: Some(data(value, masked)),
                    new: Some(data(other, masked)),
                    masked,
                });
            }
            Some(_) => {}
        }
    }
    for value in new.values() {
        if old.value(value.name()).is_none() {
            out.push(one_sided(path, new, value, Change::Added));
        }
    }
}

fn one_sided(path: &str, key: &Key, value: &Value, change: Change) -> ValueChange {
    let masked = is_secret_in(key, value);
    let shown = Some(data(value, masked));
    let (old, new) = match change {
        Change::Removed => (shown, None),
        _ => (None, shown),
    };
    ValueChange {
        key: path.to_owned(),
        name: shown_name(value),
        change,
        old,
        new,
        masked,
    }
}

fn shown_name(value: &Value) -> String {
    if value.is_default() {
        "@".to_owned()
    } else {
        value.name().to_owned()
    }
}

/// Whether `value` of `key` holds a secret: by its name, or as a value of a structured
/// parameter of type Secrets (all but the type itself).
fn is_secret_in(key: &Key, value: &Value) -> bool {
    let secrets_parameter = key
        .text(layout::STRUCTURED_TYPE)
        .is_some_and(|kind| kind.eq_ignore_ascii_case("Secrets"));
    is_secret(value.name())
        || (secrets_parameter && !value.name().eq_ignore_ascii_case(layout::STRUCTURED_TYPE))
}

/// Whether a value's name says it holds a secret.
pub fn is_secret(value_name: &str) -> bool {
    let squeezed: String = value_name
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    SECRET_WORDS.iter().any(|word| squeezed.contains(word))
}

fn data(value: &Value, masked: bool) -> Data {
    let kind = value.kind().display_name();
    if masked {
        return Data {
            kind,
            data: MASK.to_owned(),
        };
    }
    let data = value.as_text().unwrap_or_else(|| {
        let bytes: Vec<String> = value.data().iter().map(|b| format!("{b:02x}")).collect();
        bytes.join(",")
    });
    Data { kind, data }
}

fn compare_files(
    old: &BTreeMap<String, (u64, String)>,
    new: &BTreeMap<String, (u64, String)>,
) -> Vec<FileChange> {
    let mut changes = Vec::new();
    for (path, (size, hash)) in old {
        let change = match new.get(path) {
            None => Some((Change::Removed, None)),
            Some((new_size, new_hash)) if new_hash != hash => {
                Some((Change::Changed, Some(*new_size)))
            }
            Some(_) => None,
        };
        if let Some((change, new_size)) = change {
            changes.push(FileChange {
                path: path.clone(),
                change,
                old_size: Some(*size),
                new_size,
            });
        }
    }
    for (path, (size, _)) in new {
        if !old.contains_key(path) {
            changes.push(FileChange {
                path: path.clone(),
                change: Change::Added,
                old_size: None,
                new_size: Some(*size),
            });
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::ValueType;

    fn tree(values: &[(&str, Value)]) -> RegTree {
        let mut tree = RegTree::new();
        for (path, value) in values {
            tree.ensure(path).set_value(value.clone());
        }
        tree
    }

    fn diff_of(old: &RegTree, new: &RegTree) -> ComponentDiff {
        let mut diff = ComponentDiff {
            name: "Users".into(),
            change: Change::Changed,
            keys: Vec::new(),
            values: Vec::new(),
            files: Vec::new(),
        };
        compare_registry(old, new, &mut diff);
        diff
    }

    const USERS: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Interactive Intelligence\\Users";

    #[test]
    fn changed_values_show_old_and_new_data() {
        let old = tree(&[(USERS, Value::sz("Extension", "1234"))]);
        let new = tree(&[(USERS, Value::sz("Extension", "4567"))]);
        let diff = diff_of(&old, &new);
        assert!(diff.keys.is_empty());
        assert_eq!(diff.values.len(), 1);
        let change = &diff.values[0];
        assert_eq!(change.key, "Users");
        assert_eq!(change.change, Change::Changed);
        assert_eq!(change.old.as_ref().unwrap().data, "1234");
        assert_eq!(change.new.as_ref().unwrap().data, "4567");
        assert_eq!(change.new.as_ref().unwrap().kind, "REG_SZ");
    }

    #[test]
    fn key_names_match_in_any_case_and_added_keys_bring_their_values() {
        let old = tree(&[(USERS, Value::dword("Cost", 1))]);
        let new = tree(&[
            (&USERS.to_uppercase(), Value::dword("cost", 1)),
            (&format!("{USERS}\\alice"), Value::sz("Extension", "100")),
        ]);
        let diff = diff_of(&old, &new);
        assert_eq!(diff.keys.len(), 1);
        assert_eq!(diff.keys[0].path, "USERS\\alice", "as B spells it");
        assert_eq!(diff.keys[0].change, Change::Added);
        assert_eq!(diff.values.len(), 1);
        assert_eq!(diff.values[0].new.as_ref().unwrap().data, "100");
    }

    #[test]
    fn secret_values_are_masked_but_their_change_is_reported() {
        let old = tree(&[(USERS, Value::sz("WebConfigLoginPassword", "0badc0de"))]);
        let new = tree(&[(USERS, Value::sz("WebConfigLoginPassword", "feedbeef"))]);
        let diff = diff_of(&old, &new);
        let change = &diff.values[0];
        assert!(change.masked);
        assert_eq!(change.old.as_ref().unwrap().data, MASK);
        assert_eq!(change.new.as_ref().unwrap().data, MASK);
        let json = serde_json::to_string(&diff).unwrap();
        assert!(
            !json.contains("0badc0de") && !json.contains("feedbeef"),
            "{json}"
        );
    }

    #[test]
    fn values_of_a_secrets_structured_parameter_are_masked() {
        let key = |data: &str| {
            tree(&[
                (USERS, Value::sz(layout::STRUCTURED_TYPE, "Secrets")),
                (USERS, Value::multi_sz(layout::STRUCTURED_VALUES, &[data])),
            ])
        };
        let diff = diff_of(&key("s3cr3t-a"), &key("s3cr3t-b"));
        assert_eq!(diff.values.len(), 1);
        assert!(diff.values[0].masked);
        assert_eq!(diff.values[0].new.as_ref().unwrap().data, MASK);
    }

    #[test]
    fn binary_data_is_shown_as_hex_and_type_changes_count() {
        let old = tree(&[(USERS, Value::binary("Blob", vec![1, 0xab]))]);
        let new = tree(&[(USERS, Value::new("Blob", ValueType::None, vec![1, 0xab]))]);
        let diff = diff_of(&old, &new);
        assert_eq!(diff.values[0].old.as_ref().unwrap().data, "01,ab");
        assert_eq!(diff.values[0].new.as_ref().unwrap().kind, "REG_NONE");
    }

    #[test]
    fn secret_names_are_recognised_in_any_spelling() {
        for name in [
            "Password",
            "NotifierPassword",
            "Client_Secret",
            "private key",
        ] {
            assert!(is_secret(name), "{name}");
        }
        for name in ["Extension", "Home Site", "Passage"] {
            assert!(!is_secret(name), "{name}");
        }
    }

    #[test]
    fn files_compare_by_hash_and_size() {
        let old = BTreeMap::from([
            ("a.ihd".to_owned(), (3, "h1".to_owned())),
            ("b.ihd".to_owned(), (4, "h2".to_owned())),
        ]);
        let new = BTreeMap::from([
            ("a.ihd".to_owned(), (5, "h3".to_owned())),
            ("c.ihd".to_owned(), (6, "h4".to_owned())),
        ]);
        let changes = compare_files(&old, &new);
        let summary: Vec<(&str, Change)> = changes
            .iter()
            .map(|c| (c.path.as_str(), c.change))
            .collect();
        assert_eq!(
            summary,
            [
                ("a.ihd", Change::Changed),
                ("b.ihd", Change::Removed),
                ("c.ihd", Change::Added)
            ]
        );
    }
}
