//! Gathers the data of selected components from a server image: for each, a registry fragment
//! holding only its subtrees and the list of its files.
//!
//! The caller reads the registry once and hands the snapshot in, so every component comes
//! from the same consistent state. Fragments keep absolute paths under
//! `HKEY_LOCAL_MACHINE\SOFTWARE\Interactive Intelligence` (a 32-bit `Wow6432Node` source is
//! written at that 64-bit path) and the key names' case as the source has it. File paths are
//! install-relative with `/`; custom handlers are stored under `Handlers/Custom` whatever
//! folder they came from.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::select::{Reason, Selection};
use super::{Component, FileSource};
use crate::error::{Error, ErrorKind, Result};
use crate::layout;
use crate::registry::{fold, is_within, join, split_path, Key, RegTree};
use crate::server::{self, Identity, ServerImage};

/// Where to look for what the image alone does not say.
#[derive(Clone, Debug, Default)]
pub struct CollectOptions {
    /// The custom handler folder; the image's `Handlers\Custom` when `None`.
    pub custom_handlers: Option<PathBuf>,
}

/// One file of a component.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectedFile {
    /// Its install-relative path with `/`, as stored in the archive.
    pub archive_path: String,
    /// Where it is read from.
    pub source: PathBuf,
    /// Its size in bytes when listed.
    pub size: u64,
}

/// The data of one selected component.
#[derive(Clone, Debug)]
pub struct Collected {
    /// The component.
    pub component: &'static Component,
    /// Its name as displayed for this server.
    pub name: String,
    /// Why it was selected.
    pub reason: Reason,
    /// Its registry fragment: only its subtrees (and their ancestors), absolute paths.
    pub tree: RegTree,
    /// The absolute paths of its data in `tree`: each subtree found, then each key whose
    /// values alone belong to the component (see [`Component::values_of`]).
    pub roots: Vec<String>,
    /// Its files, sorted by archive path.
    pub files: Vec<CollectedFile>,
    /// Registry keys in its subtrees (roots included).
    pub keys: usize,
    /// Registry values in its subtrees.
    pub values: usize,
    /// Its items: the entries (direct subkeys) of each registry location, one more for a
    /// location that has values of its own, plus one per file. Companion subtrees are not
    /// counted.
    pub items: usize,
}

impl Collected {
    /// The total size of its files in bytes.
    pub fn file_bytes(&self) -> u64 {
        self.files.iter().map(|file| file.size).sum()
    }
}

/// What [`collect`] found.
#[derive(Clone, Debug)]
pub struct Collection {
    /// One entry per selected component, in selection order.
    pub components: Vec<Collected>,
    /// Things worth telling the user that did not stop the collection (a missing icon file,
    /// an unsafe file name in a registry value).
    pub warnings: Vec<String>,
}

/// Gathers every selected component's registry fragment and files.
///
/// `registry` is the image's registry snapshot and `identity` what it says about the server.
///
/// # Errors
///
/// A custom handler folder that does not exist, a folder that cannot be read, and a server
/// name that makes two components' registry locations overlap.
pub fn collect(
    image: &ServerImage,
    registry: &RegTree,
    identity: &Identity,
    selection: &Selection,
    options: &CollectOptions,
) -> Result<Collection> {
    let (_, ii) = server::ii_key(registry).ok_or_else(|| {
        Error::new(
            ErrorKind::Input,
            format!(
                "{} has no {} key",
                image.registry_file().display(),
                layout::II_KEY
            ),
        )
    })?;
    check_disjoint(selection, identity)?;
    let context = Context {
        ii,
        identity,
        install: image.install_dir(),
        custom_handlers: custom_handlers_dir(image, options)?,
    };
    let mut warnings = Vec::new();
    let mut components = Vec::new();
    for entry in &selection.entries {
        let mut collected = collect_registry(&context, entry.component);
        collected.name = entry.name.clone();
        collected.reason = entry.reason.clone();
        collected.files = collect_files(&context, entry.component, &mut warnings)?;
        collected.items += collected.files.len();
        components.push(collected);
    }
    check_unique_files(&components)?;
    Ok(Collection {
        components,
        warnings,
    })
}

struct Context<'a> {
    ii: &'a Key,
    identity: &'a Identity,
    install: PathBuf,
    custom_handlers: PathBuf,
}

impl Context<'_> {
    fn resolve(&self, location: &str) -> String {
        layout::resolve(location, &self.identity.site, &self.identity.server)
    }
}

fn custom_handlers_dir(image: &ServerImage, options: &CollectOptions) -> Result<PathBuf> {
    match &options.custom_handlers {
        Some(dir) if dir.is_dir() => Ok(dir.clone()),
        Some(dir) => Err(Error::new(
            ErrorKind::Input,
            format!("custom handler folder {} does not exist", dir.display()),
        )
        .with_hint(
            "Give the folder that holds the custom handlers, or leave out --custom-handlers.",
        )),
        None => Ok(image
            .install_dir()
            .join(layout::file_path(layout::CUSTOM_HANDLERS_DIR))),
    }
}

/// Refuses a selection whose resolved registry locations nest, which happens only when the
/// server's name is also the name of a site-level container. A key whose values alone belong
/// to a component may hold other components' subtrees, but may not lie inside one.
fn check_disjoint(selection: &Selection, identity: &Identity) -> Result<()> {
    let resolve = |location: &str| layout::resolve(location, &identity.site, &identity.server);
    let mut subtrees: Vec<(String, &str)> = Vec::new();
    let mut value_keys: Vec<(String, &str)> = Vec::new();
    for entry in &selection.entries {
        subtrees.extend(
            entry
                .component
                .subtrees()
                .map(|l| (resolve(l), entry.name.as_str())),
        );
        value_keys.extend(
            entry
                .component
                .values_of
                .iter()
                .map(|l| (resolve(l), entry.name.as_str())),
        );
    }
    for (i, (path, owner)) in subtrees.iter().enumerate() {
        let clash = subtrees[i + 1..].iter().find(|(other, other_owner)| {
            other_owner != owner && (is_within(path, other) || is_within(other, path))
        });
        if let Some((_, other_owner)) = clash {
            return Err(overlap(path, other_owner, owner));
        }
    }
    for (i, (path, owner)) in value_keys.iter().enumerate() {
        let inside = subtrees.iter().find(|(tree, _)| is_within(path, tree));
        let same = value_keys[i + 1..]
            .iter()
            .find(|(other, _)| fold(other) == fold(path));
        if let Some((_, other_owner)) = inside.or(same) {
            return Err(overlap(path, other_owner, owner));
        }
    }
    Ok(())
}

fn overlap(path: &str, first: &str, second: &str) -> Error {
    Error::new(
        ErrorKind::Input,
        format!("registry key {path} would belong to both {first} and {second}"),
    )
    .with_hint("The server's name equals a container name; export these components apart.")
}

fn collect_registry(context: &Context, component: &'static Component) -> Collected {
    let mut collected = Collected {
        component,
        name: String::new(),
        reason: Reason::Chosen,
        tree: RegTree::new(),
        roots: Vec::new(),
        files: Vec::new(),
        keys: 0,
        values: 0,
        items: 0,
    };
    for location in component.subtrees() {
        let relative = context.resolve(location);
        let Some(root) = copy_subtree(context.ii, &relative, &mut collected.tree) else {
            continue;
        };
        collected.keys += root.key_count();
        collected.values += root.total_value_count();
        if component.registry.contains(&location) {
            collected.items += root.subkey_count() + usize::from(root.value_count() > 0);
        }
        collected.roots.push(root_path(context.ii, &relative));
    }
    for location in component.values_of {
        let relative = context.resolve(location);
        let Some(key) = copy_values(context.ii, &relative, &mut collected.tree) else {
            continue;
        };
        collected.keys += 1;
        collected.values += key.value_count();
        collected.items += usize::from(key.value_count() > 0);
        collected.roots.push(root_path(context.ii, &relative));
    }
    collected
}

/// Copies the values of the key at `relative` (not its subkeys) into `out`, as
/// [`copy_subtree`] copies a whole subtree. Returns the source key.
fn copy_values<'a>(ii: &'a Key, relative: &str, out: &mut RegTree) -> Option<&'a Key> {
    let source = ii.find(relative)?;
    let target = ensure_parent(ii, relative, out)?.ensure_subkey(source.name());
    for value in source.values() {
        target.set_value(value.clone());
    }
    Some(source)
}

/// Copies the key at `relative` (under the `Interactive Intelligence` key `ii`) into `out`,
/// with its ancestors spelled as the source spells them. Returns the copied key.
fn copy_subtree<'a>(ii: &'a Key, relative: &str, out: &mut RegTree) -> Option<&'a Key> {
    let source = ii.find(relative)?;
    ensure_parent(ii, relative, out)?.insert_subkey(source.clone());
    Some(source)
}

/// The parent in `out` of the key at `relative`, created with its ancestors spelled as the
/// source spells them.
fn ensure_parent<'o>(ii: &Key, relative: &str, out: &'o mut RegTree) -> Option<&'o mut Key> {
    let parts: Vec<&str> = split_path(relative).collect();
    let mut source = ii;
    let mut target = out.ensure(layout::II_KEY);
    for part in &parts[..parts.len().saturating_sub(1)] {
        source = source.subkey(part)?;
        target = target.ensure_subkey(source.name());
    }
    Some(target)
}

fn root_path(ii: &Key, relative: &str) -> String {
    let mut path = layout::II_KEY.to_string();
    let mut key = ii;
    for part in split_path(relative) {
        match key.subkey(part) {
            Some(child) => {
                path = join(&path, child.name());
                key = child;
            }
            None => path = join(&path, part),
        }
    }
    path
}

fn collect_files(
    context: &Context,
    component: &Component,
    warnings: &mut Vec<String>,
) -> Result<Vec<CollectedFile>> {
    let mut files = Vec::new();
    for source in component.files {
        match *source {
            FileSource::Tree(dir) => walk(&context.install, dir, None, &mut files, warnings)?,
            FileSource::Suffix { dir, suffix } => {
                walk(&context.install, dir, Some(suffix), &mut files, warnings)?
            }
            FileSource::File(path) => {
                let full = context.install.join(layout::file_path(path));
                if full.is_file() {
                    files.push(file(&full, archive_path(path))?);
                }
            }
            FileSource::NamedBy {
                entries,
                value,
                dir,
            } => named_files(context, (entries, value, dir), &mut files, warnings)?,
            FileSource::CustomHandlers => walk_dir(
                &context.custom_handlers,
                &archive_path(layout::CUSTOM_HANDLERS_DIR),
                None,
                &mut files,
                warnings,
            )?,
        }
    }
    files.sort_by(|a, b| a.archive_path.cmp(&b.archive_path));
    files.dedup_by(|a, b| a.archive_path == b.archive_path);
    Ok(files)
}

/// The archive form of an install-relative layout path: `/` between elements.
fn archive_path(layout_path: &str) -> String {
    split_path(layout_path).collect::<Vec<_>>().join("/")
}

fn file(path: &Path, archive_path: String) -> Result<CollectedFile> {
    let metadata = std::fs::metadata(path).map_err(|e| Error::io("reading", path, e))?;
    Ok(CollectedFile {
        archive_path,
        source: path.to_path_buf(),
        size: metadata.len(),
    })
}

fn walk(
    install: &Path,
    dir: &str,
    suffix: Option<&str>,
    files: &mut Vec<CollectedFile>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let root = install.join(layout::file_path(dir));
    walk_dir(&root, &archive_path(dir), suffix, files, warnings)
}

/// Lists every regular file under `root` (all sub-folders), stored under `prefix`. Links are
/// not followed; names that are not valid Unicode are left out with a warning.
fn walk_dir(
    root: &Path,
    prefix: &str,
    suffix: Option<&str>,
    files: &mut Vec<CollectedFile>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    if !root.is_dir() {
        return Ok(());
    }
    let walker = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name();
    for entry in walker {
        let entry = entry.map_err(|e| walk_error(root, e))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root).unwrap_or(entry.path());
        let Some(relative) = unicode_path(relative) else {
            warnings.push(format!(
                "left out {}: its name is not valid Unicode",
                entry.path().display()
            ));
            continue;
        };
        if suffix.is_some_and(|s| !fold(&relative).ends_with(&fold(s))) {
            continue;
        }
        files.push(file(entry.path(), format!("{prefix}/{relative}"))?);
    }
    Ok(())
}

fn unicode_path(relative: &Path) -> Option<String> {
    let parts: Option<Vec<&str>> = relative.iter().map(|part| part.to_str()).collect();
    Some(parts?.join("/"))
}

fn walk_error(root: &Path, error: walkdir::Error) -> Error {
    let path = error.path().unwrap_or(root).to_path_buf();
    match error.into_io_error() {
        Some(io) => Error::io("reading", &path, io),
        None => Error::new(
            ErrorKind::Input,
            format!("reading {}: a link loops back on itself", path.display()),
        ),
    }
}

/// The files of `dir` named by a value of each entry under a registry location.
fn named_files(
    context: &Context,
    (entries, value, dir): (&str, &str, &str),
    files: &mut Vec<CollectedFile>,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let Some(key) = context.ii.find(&context.resolve(entries)) else {
        return Ok(());
    };
    for entry in key.subkeys() {
        let Some(name) = entry.text(value).filter(|name| !name.is_empty()) else {
            continue;
        };
        if !is_plain_file_name(&name) {
            warnings.push(format!(
                "left out file {name:?} named by {value} of {}: not a plain file name",
                entry.name()
            ));
            continue;
        }
        let full = context.install.join(layout::file_path(dir)).join(&name);
        if full.is_file() {
            files.push(file(&full, format!("{}/{name}", archive_path(dir)))?);
        } else {
            warnings.push(format!(
                "file {name} named by {value} of {} is missing from {dir}",
                entry.name()
            ));
        }
    }
    Ok(())
}

/// Whether a name read from the registry is one file name, with no way out of its folder.
fn is_plain_file_name(name: &str) -> bool {
    !name.contains(['/', '\\', ':', '\0']) && name != "." && name != ".."
}

/// Refuses two components listing the same file (compared as Windows does, without case).
fn check_unique_files(components: &[Collected]) -> Result<()> {
    let mut owners: HashMap<String, &str> = HashMap::new();
    for collected in components {
        for file in &collected.files {
            if let Some(other) = owners.insert(fold(&file.archive_path), &collected.name) {
                if other != collected.name {
                    return Err(Error::new(
                        ErrorKind::Input,
                        format!(
                            "file {} would belong to both {other} and {}",
                            file.archive_path, collected.name
                        ),
                    )
                    .with_hint("Choose a custom handler folder outside the install tree."));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn plain_file_names_have_no_way_out() {
        assert!(is_plain_file_name("phone.ico"));
        for name in ["..", "../x.ico", "a\\b.ico", "C:x.ico", "."] {
            assert!(!is_plain_file_name(name), "{name}");
        }
    }

    #[test]
    fn archive_paths_use_slashes() {
        assert_eq!(archive_path("Server\\DialPlan"), "Server/DialPlan");
    }
}
