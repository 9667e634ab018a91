//! `resolve-parameters`: the review the vendor leaves to the administrator after a Migration
//! import, automated. Every server parameter and IP table named `X_migrated` is paired with
//! the target's own `X`: when both hold the same data the copy is deleted at once; when they
//! differ, the one chosen (`--keep imported|original`) stays under the original name and the
//! other goes; a custom item (no original) is renamed back. Without a choice, differing pairs
//! are shown and left as they are.
//!
//! [`plan`] reads a registry and says what would happen to each pair; [`apply`] does it;
//! [`resolve`] does both on a server image, under the import lock and after taking a restore
//! point that `migrator rollback` can return to. Values of parameters whose names suggest a
//! secret are never shown.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};
use crate::import::lock::ImportLock;
use crate::import::plan::Plan as ImportPlan;
use crate::import::Mode;
use crate::layout;
use crate::registry::backend::write_atomically;
use crate::registry::{fold, join, Key, RegTree};
use crate::restore;
use crate::server::{self, Identity, ServerImage, ServerKind};

use super::support::strings_of;

/// Which side of a differing pair to keep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    /// The imported `_migrated` data, under the original name.
    Imported,
    /// The target's original data.
    Original,
}

impl FromStr for Keep {
    type Err = Error;

    fn from_str(text: &str) -> Result<Keep> {
        match text.trim().to_ascii_lowercase().as_str() {
            "imported" => Ok(Keep::Imported),
            "original" => Ok(Keep::Original),
            _ => Err(
                Error::new(ErrorKind::Usage, format!("--keep {text:?} is not a side"))
                    .with_hint("Use --keep imported or --keep original."),
            ),
        }
    }
}

/// What a pair is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairKind {
    /// A server parameter.
    ServerParameter,
    /// An Interaction Processor table.
    IpTable,
}

impl PairKind {
    /// The container of this kind of item.
    fn layout_path(self) -> &'static str {
        match self {
            PairKind::ServerParameter => layout::SERVER_PARAMETERS,
            PairKind::IpTable => layout::IP_TABLES,
        }
    }

    /// How the item is called in messages.
    pub fn label(self) -> &'static str {
        match self {
            PairKind::ServerParameter => "server parameter",
            PairKind::IpTable => "IP table",
        }
    }
}

/// What happens to a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Resolution {
    /// Both hold the same data: the `_migrated` copy is deleted.
    Equal,
    /// The original stays; the `_migrated` copy is deleted.
    KeepOriginal,
    /// The imported data replaces the original under its name; the copy is deleted.
    KeepImported,
    /// There is no original: the `_migrated` item is renamed back.
    RenameBack,
    /// The data differs and no side was chosen: nothing changes.
    Undecided,
}

impl fmt::Display for Resolution {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Resolution::Equal => "equal: delete the _migrated copy",
            Resolution::KeepOriginal => "keep the original, delete the _migrated copy",
            Resolution::KeepImported => "keep the imported data under the original name",
            Resolution::RenameBack => "custom: rename back to the original name",
            Resolution::Undecided => "differs: choose with --keep imported|original",
        })
    }
}

/// One `_migrated` item and its original.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Pair {
    /// Server parameter or IP table.
    pub kind: PairKind,
    /// The original name.
    pub name: String,
    /// The `_migrated` name.
    pub migrated: String,
    /// The original's data as shown to people; `None` when there is no original.
    pub original: Option<String>,
    /// The imported data as shown to people.
    pub imported: String,
    /// What happens.
    pub resolution: Resolution,
}

/// Words in a parameter name that mark its value as secret, never shown.
const SECRET_WORDS: &[&str] = &["PASSWORD", "PASSWD", "PWD", "SECRET", "CREDENTIAL", "TOKEN"];

/// Every `_migrated` pair of the server, with what happens to it.
pub fn plan(tree: &RegTree, identity: &Identity, keep: Option<Keep>) -> Vec<Pair> {
    let mut pairs = Vec::new();
    for kind in [PairKind::ServerParameter, PairKind::IpTable] {
        let Some(container) = tree.find(&container_path(tree, identity, kind)) else {
            continue;
        };
        for item in container.subkeys() {
            if let Some(pair) = pair_of(container, item, kind, keep) {
                pairs.push(pair);
            }
        }
    }
    pairs
}

fn pair_of(container: &Key, item: &Key, kind: PairKind, keep: Option<Keep>) -> Option<Pair> {
    let suffix = fold(layout::MIGRATED_SUFFIX);
    let folded = fold(item.name());
    let stem_length = folded.strip_suffix(&suffix)?.len();
    let name = item.name().get(..stem_length)?.to_string();
    if name.is_empty() {
        return None;
    }
    let original = container.subkey(&name);
    let resolution = match (original, keep) {
        (None, _) => Resolution::RenameBack,
        (Some(own), _) if same_content(own, item) => Resolution::Equal,
        (Some(_), Some(Keep::Original)) => Resolution::KeepOriginal,
        (Some(_), Some(Keep::Imported)) => Resolution::KeepImported,
        (Some(_), None) => Resolution::Undecided,
    };
    Some(Pair {
        kind,
        original: original.map(|own| shown(kind, &name, own)),
        imported: shown(kind, &name, item),
        name,
        migrated: item.name().to_string(),
        resolution,
    })
}

fn container_path(tree: &RegTree, identity: &Identity, kind: PairKind) -> String {
    let ii = server::ii_key(tree).map_or(layout::II_KEY, |(path, _)| path);
    join(
        ii,
        &layout::resolve(kind.layout_path(), &identity.site, &identity.server),
    )
}

/// Whether two keys hold the same values and subkeys, whatever their own names.
pub fn same_content(a: &Key, b: &Key) -> bool {
    a.value_count() == b.value_count()
        && a.subkey_count() == b.subkey_count()
        && a.values().all(|value| {
            b.value(value.name())
                .is_some_and(|other| other.kind() == value.kind() && other.data() == value.data())
        })
        && a.subkeys().all(|child| {
            b.subkey(child.name())
                .is_some_and(|other| same_content(child, other))
        })
}

/// A parameter's value, or a table's size; hidden when the name suggests a secret.
fn shown(kind: PairKind, name: &str, key: &Key) -> String {
    match kind {
        PairKind::ServerParameter if SECRET_WORDS.iter().any(|w| fold(name).contains(w)) => {
            "(hidden)".to_string()
        }
        PairKind::ServerParameter => key
            .value(layout::PARAMETER_VALUE)
            .map(|value| strings_of(value).join("; "))
            .unwrap_or_default(),
        PairKind::IpTable => format!(
            "{} value{}, {} subkey{}",
            key.value_count(),
            plural(key.value_count()),
            key.subkey_count(),
            plural(key.subkey_count())
        ),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

/// What [`resolve`] found and did.
#[derive(Clone, Debug, Serialize)]
pub struct Resolved {
    /// The server.
    pub server: String,
    /// Every pair, with what happened to it.
    pub pairs: Vec<Pair>,
    /// How many pairs were changed on the server (none with `plan_only`).
    pub changed: usize,
    /// The run folder holding the restore point, when one was taken.
    pub restore_point: Option<PathBuf>,
}

impl Resolved {
    /// The pairs still left for the administrator: those whose data differs and for which no
    /// side was chosen.
    pub fn undecided(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| p.resolution == Resolution::Undecided)
            .count()
    }
}

/// The name recorded as the "archive" of the restore point this command takes.
pub const RESTORE_LABEL: &str = "resolve-parameters";

/// Resolves the `_migrated` pairs of the CIC server image `image`. With `plan_only` it only
/// says what it would do. Otherwise it holds the import lock, takes a restore point (the
/// registry as it was, in a new run folder of the Migrator folder, so `migrator rollback`
/// undoes it) and writes the registry once.
///
/// # Errors
///
/// `ErrorKind::Refused` for a Media Server, a running service, a held lock or a rollback that
/// did not finish; `Input` for a
/// registry that cannot be read or written.
pub fn resolve(image: &ServerImage, keep: Option<Keep>, plan_only: bool) -> Result<Resolved> {
    crate::restore::check_no_unfinished_rollback(image)?;
    let lock = match plan_only {
        true => ImportLock::check_free(image).map(|()| None)?,
        false => Some(ImportLock::acquire(image, RESTORE_LABEL)?),
    };
    let mut tree = image.load_registry()?;
    let identity = server::identity(&tree, image.registry_file())?;
    check_target(image, &identity)?;
    let pairs = plan(&tree, &identity, keep);
    let mut resolved = Resolved {
        server: identity.server.clone(),
        pairs,
        changed: 0,
        restore_point: None,
    };
    let work = resolved
        .pairs
        .iter()
        .any(|p| p.resolution != Resolution::Undecided);
    if plan_only || !work {
        return Ok(resolved);
    }
    let folder = restore::new_run_folder(image)?;
    let empty = ImportPlan {
        mode: Mode::Migration,
        components: Vec::new(),
        actions: Vec::new(),
    };
    let point = restore::create(image, &folder, &empty, RESTORE_LABEL)?;
    resolved.changed = apply(&mut tree, &identity, &resolved.pairs);
    image.store_registry(&tree)?;
    // Without this record a rollback cannot tell registry changes made since, and says so in
    // its log; the parameters are settled either way.
    let _ = restore::record_written(image, &point, &Default::default());
    let record = folder.join(RECORD_FILE);
    let json = serde_json::to_vec_pretty(&resolved.pairs).expect("pairs serialize");
    write_atomically(&record, |out| out.write_all(&json))?;
    resolved.restore_point = Some(folder);
    drop(lock);
    Ok(resolved)
}

/// What the command did, kept beside its restore point.
pub const RECORD_FILE: &str = "resolve-parameters.json";

fn check_target(image: &ServerImage, identity: &Identity) -> Result<()> {
    if identity.kind != ServerKind::Cic {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "{} is an Interaction Media Server, which has no server parameters",
                identity.server
            ),
        )
        .with_hint("Run resolve-parameters on the CIC server the archive was imported into."));
    }
    let marker = image.dir().join(layout::SERVICE_RUNNING_MARKER);
    if marker.exists() {
        return Err(Error::new(
            ErrorKind::Refused,
            format!(
                "the CIC service of {} is running ({} is present)",
                identity.server,
                marker.display()
            ),
        )
        .with_hint(format!(
            "Stop the CIC service first (for a server image, remove {} once it is stopped).",
            layout::SERVICE_RUNNING_MARKER
        )));
    }
    Ok(())
}

/// Carries out the resolutions; returns how many pairs changed.
pub fn apply(tree: &mut RegTree, identity: &Identity, pairs: &[Pair]) -> usize {
    let mut changed = 0;
    for pair in pairs {
        let path = container_path(tree, identity, pair.kind);
        let Some(container) = tree.find_mut(&path) else {
            continue;
        };
        let done = match pair.resolution {
            Resolution::Equal | Resolution::KeepOriginal => {
                container.remove_subkey(&pair.migrated).is_some()
            }
            Resolution::KeepImported => match container.remove_subkey(&pair.migrated) {
                Some(mut imported) => {
                    let original = container.subkey(&pair.name).map(|k| k.name().to_string());
                    imported.set_name(original.unwrap_or_else(|| pair.name.clone()));
                    container.insert_subkey(imported);
                    true
                }
                None => false,
            },
            Resolution::RenameBack => container.rename_subkey(&pair.migrated, &pair.name),
            Resolution::Undecided => false,
        };
        changed += usize::from(done);
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::super::fixtures::{self, Fixture};
    use super::*;
    use crate::incoming::RuleLog;
    use crate::registry::Value;

    /// helios after a Migration import of calliope's server parameters and IP tables.
    fn migrated_helios() -> (RegTree, Identity) {
        let fx = Fixture::new();
        let mut incoming = vec![
            fixtures::incoming(
                "Server Parameters",
                &fx.source_tree,
                &[layout::SERVER_PARAMETERS],
            ),
            fixtures::incoming("IP Tables", &fx.source_tree, &[layout::IP_TABLES]),
        ];
        let mut log = RuleLog::default();
        super::super::apply_all(&fx.migration(), &mut incoming, &mut log).unwrap();
        let mut tree = fx.target_tree.clone();
        for component in &incoming {
            for (path, key) in component.tree.walk() {
                let into = tree.ensure(&path);
                for value in key.values() {
                    into.set_value(value.clone());
                }
            }
        }
        (tree, fx.target())
    }

    fn summary(pairs: &[Pair]) -> Vec<(&str, Resolution)> {
        pairs
            .iter()
            .map(|p| (p.name.as_str(), p.resolution))
            .collect()
    }

    #[test]
    fn pairs_are_planned_by_content() {
        let (tree, helios) = migrated_helios();
        let pairs = plan(&tree, &helios, None);
        assert_eq!(
            summary(&pairs),
            [
                ("Report File Path", Resolution::Equal),
                ("Recording Share", Resolution::Equal),
                ("Notifier Host", Resolution::Equal),
                ("Greeting", Resolution::RenameBack),
                ("LineQueueReportingInterval", Resolution::RenameBack),
                ("QueuePeriodStatisticsInterval", Resolution::RenameBack),
                ("Custom Escalation Minutes", Resolution::RenameBack),
                ("Holidays", Resolution::Undecided),
                ("VIP Callers", Resolution::RenameBack),
            ]
        );
        let holidays = pairs.iter().find(|p| p.name == "Holidays").unwrap();
        assert_eq!(holidays.original.as_deref(), Some("1 value, 0 subkeys"));
    }

    #[test]
    fn applying_leaves_one_item_per_name() {
        let (mut tree, helios) = migrated_helios();
        let pairs = plan(&tree, &helios, Some(Keep::Imported));
        assert_eq!(apply(&mut tree, &helios, &pairs), 9);
        let tables = container_path(&tree, &helios, PairKind::IpTable);
        let names: Vec<&str> = tree
            .find(&tables)
            .unwrap()
            .subkeys()
            .map(Key::name)
            .collect();
        assert_eq!(names, ["Holidays", "VIP Callers"]);
        let holidays = tree.find(&join(&tables, "Holidays")).unwrap();
        assert_eq!(
            holidays.value("Rows").unwrap().as_strings().unwrap(),
            ["2016-12-25", "2016-07-04"]
        );
        assert!(
            plan(&tree, &helios, None).is_empty(),
            "a second run finds nothing"
        );
    }

    #[test]
    fn keep_original_drops_the_imported_copy() {
        let (mut tree, helios) = migrated_helios();
        let pairs = plan(&tree, &helios, Some(Keep::Original));
        apply(&mut tree, &helios, &pairs);
        let tables = container_path(&tree, &helios, PairKind::IpTable);
        let holidays = tree.find(&join(&tables, "Holidays")).unwrap();
        assert_eq!(
            holidays.value("Rows").unwrap().as_strings().unwrap(),
            ["2023-12-25"]
        );
    }

    #[test]
    fn secret_looking_parameters_are_never_shown() {
        let mut container = Key::new("Server Parameters");
        for name in ["SMTP Password", "SMTP Password_migrated"] {
            container
                .ensure_subkey(name)
                .set_value(Value::sz("Value", name));
        }
        let item = container.subkey("SMTP Password_migrated").unwrap();
        let pair = pair_of(&container, item, PairKind::ServerParameter, None).unwrap();
        assert_eq!(pair.original.as_deref(), Some("(hidden)"));
        assert_eq!(pair.imported, "(hidden)");
    }
}
