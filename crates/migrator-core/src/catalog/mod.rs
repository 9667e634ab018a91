//! The catalog of data components ("nodes"): what can be exported from a CIC server and from
//! an Interaction Media Server, where each component's data lives, what it pulls in, and how
//! the import treats it.
//!
//! The definitions are data, kept in one place ([`table`]): the components themselves, the
//! rules that pull interdependent components in, and the import order with a reason on each
//! entry. Everything else reads them: [`select()`] turns what a user typed into a closed
//! [`Selection`], [`collect`](collect::collect) gathers each selected component's registry
//! fragment and files from a server image, and [`markdown`] writes the reference page
//! `docs/COMPONENTS.md`. The export builds its archive from what `collect` returns; the import
//! reads the policy and the order from here.
//!
//! Registry locations are names from [`layout`], relative to the `Interactive
//! Intelligence` key, with the `<SITE>` and `<SERVER>` placeholders. File locations are
//! install-relative, `\`-separated, as in the layout table.

pub mod collect;
pub mod markdown;
pub mod select;
pub mod table;
pub mod view;

pub use collect::{collect, CollectOptions, Collected, CollectedFile, Collection};
pub use select::{close, lookup, select, Reason, Scope, Selected, Selection};
pub use view::{describe, ComponentView};

use serde::Serialize;

use crate::incoming::FilePolicy;
use crate::layout;
use crate::server::ServerKind;
use crate::version::CicVersion;

/// One data component: a unit the user selects for export and import.
#[derive(Debug)]
pub struct Component {
    /// The name users type, matched without regard to case. May hold the `<SERVER>`
    /// placeholder, shown with the real server name when one is known.
    pub name: &'static str,
    /// Other names accepted for it (the vendor's wording, older names).
    pub aliases: &'static [&'static str],
    /// The kind of server that has it.
    pub kind: ServerKind,
    /// What it holds, in a few words.
    pub summary: &'static str,
    /// Its registry subtrees: [`layout`] paths relative to the `Interactive Intelligence` key.
    pub registry: &'static [&'static str],
    /// Registry subtrees exported with it that hold data about its entries rather than
    /// entries of their own (user status): not counted as items.
    pub companions: &'static [&'static str],
    /// Keys whose own values (not their subkeys) belong to it: settings kept on a key that
    /// also holds other components' subtrees.
    pub values_of: &'static [&'static str],
    /// Its files.
    pub files: &'static [FileSource],
    /// The releases that have it.
    pub versions: Versions,
    /// The components its data refers to (informational; what is pulled in automatically is
    /// in [`table::PULLS`]).
    pub depends_on: &'static [&'static str],
    /// How the import treats it.
    pub import: ImportPolicy,
}

/// Where some of a component's files live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileSource {
    /// Every file under this install-relative folder, all sub-folders included.
    Tree(&'static str),
    /// Every file under this install-relative folder (all sub-folders) whose name ends with
    /// `suffix`, compared without regard to case.
    Suffix {
        /// The install-relative folder.
        dir: &'static str,
        /// The ending, such as `.rpt`.
        suffix: &'static str,
    },
    /// One install-relative file.
    File(&'static str),
    /// The files of `dir` named by value `value` of each entry (direct subkey) of the
    /// registry location `entries`.
    NamedBy {
        /// A registry location of the same component, whose subkeys are entries.
        entries: &'static str,
        /// The value naming the file.
        value: &'static str,
        /// The install-relative folder holding the files.
        dir: &'static str,
    },
    /// The custom handler folder with all sub-folders (by default [`layout::CUSTOM_HANDLERS_DIR`];
    /// another with `--custom-handlers`), stored under `Handlers/Custom`.
    CustomHandlers,
}

impl FileSource {
    /// A short description for listings and docs, such as `Server\DialPlan\**`.
    pub fn describe(&self) -> String {
        match self {
            FileSource::Tree(dir) => format!("{dir}\\**"),
            FileSource::Suffix { dir, suffix } => format!("{dir}\\**\\*{suffix}"),
            FileSource::File(path) => (*path).to_string(),
            FileSource::NamedBy { value, dir, .. } => format!("{dir}\\<{value}>"),
            FileSource::CustomHandlers => format!(
                "{}\\** (or the folder given with --custom-handlers)",
                layout::CUSTOM_HANDLERS_DIR
            ),
        }
    }
}

/// The releases that have a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Versions {
    /// The first release that has it.
    pub since: CicVersion,
    /// The last release that has it, when it was removed.
    pub until: Option<CicVersion>,
}

impl Versions {
    /// Every supported release.
    pub const ALL: Versions = Versions {
        since: CicVersion::OLDEST,
        until: None,
    };

    /// Whether `version` has the component.
    pub fn contains(&self, version: CicVersion) -> bool {
        version >= self.since && self.until.is_none_or(|until| version <= until)
    }

    /// `all`, `2018 R1 and later`, or `2015 R1 to 2017 R4`.
    pub fn describe(&self) -> String {
        match (self.since == CicVersion::OLDEST, self.until) {
            (true, None) => "all".to_string(),
            (false, None) => format!("{} and later", self.since),
            (_, Some(until)) => format!("{} to {until}", self.since),
        }
    }
}

/// How the import writes a component's registry data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistryPolicy {
    /// DS overwrite mode: imported values replace the target's; keys and values only the
    /// target has stay; nothing is deleted.
    Overwrite,
    /// The imported rows are merged into the target's table (see [`Special::MergeRows`]).
    Merge,
    /// The registry data is exported for reference and not imported.
    NotImported,
}

impl RegistryPolicy {
    /// One line for docs and listings.
    pub fn describe(self) -> &'static str {
        match self {
            RegistryPolicy::Overwrite => "overwrite",
            RegistryPolicy::Merge => "merge",
            RegistryPolicy::NotImported => "not imported",
        }
    }
}

/// Special handling a component gets on import, beyond its registry and file policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Special {
    /// Migration mode: each imported entry is written as `<name>_migrated`; the target's own
    /// entry stays untouched.
    MigratedSuffix,
    /// The routing table is merged: target rows stay, imported rows are added, a row with the
    /// same key is replaced by the imported one.
    MergeRows,
    /// Handler registrations are not imported; they are recreated by setup.
    RegistrationsNotImported,
    /// Custom handler files go to the extraction folder only; never published.
    FilesExtractOnly,
    /// Migration mode: default entries (value `Default` = `Yes`) are skipped.
    SkipDefault,
    /// Icon files go to the target's resources folder; `Valid Icon` is set to `Yes`.
    ValidIcon,
    /// The `Classifications` value receives every classification with the target's class
    /// name; entries and files overwrite the target's, no merge.
    Classifications,
    /// A report whose `.rpt` exists in the target's report path is a production report and
    /// its file is not imported.
    ProductionReports,
    /// Migration mode: overwrites the active configuration and the default profile.
    ActiveConfig,
    /// Migration mode: home site follows the target; user status moves to Live Data.
    HomeSiteAndStatus,
    /// Structured parameters of type Secrets are listed for reset.
    ResetSecrets,
    /// `--dev-mode`: the Recordings Rescue ID attribute is not imported.
    DevModeRescueId,
    /// Licence allocation is reviewed after import; needs Tracker Config on the target.
    LicenceReview,
    /// Language folders are renamed to the target release's convention.
    LanguageFolders,
    /// Host-bound values (licence file, web password) are not imported.
    HostBoundValues,
    /// Command server references follow the server mapping; re-pairing is needed.
    CommandServers,
}

impl Special {
    /// One line for docs and listings.
    pub fn describe(self) -> &'static str {
        match self {
            Special::MigratedSuffix => "Migration mode: imported entries get the suffix _migrated",
            Special::MergeRows => "rows merged; a row with the same DNIS is replaced",
            Special::RegistrationsNotImported => "handler registrations are not imported",
            Special::FilesExtractOnly => "files go to the extraction folder only, never published",
            Special::SkipDefault => "Migration mode: default data sources are skipped",
            Special::ValidIcon => "icons copied to resources, Valid Icon set to Yes",
            Special::Classifications => {
                "Classifications value completed with the target's class name; no merge"
            }
            Special::ProductionReports => "a report whose .rpt exists on the target keeps it",
            Special::ActiveConfig => {
                "Migration mode: overwrites the active configuration and default profile"
            }
            Special::HomeSiteAndStatus => {
                "Migration mode: home site follows the target, status moves to Live Data"
            }
            Special::ResetSecrets => "Secrets parameters are listed for reset",
            Special::DevModeRescueId => "--dev-mode leaves out the Recordings Rescue ID",
            Special::LicenceReview => "licence allocation to review; needs Tracker Config",
            Special::LanguageFolders => "language folders renamed to the target's convention",
            Special::HostBoundValues => "licence file and web password are not imported",
            Special::CommandServers => "command servers follow the server mapping; re-pair",
        }
    }
}

/// How the import treats a component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImportPolicy {
    /// What happens to its registry data.
    pub registry: RegistryPolicy,
    /// What happens to its files when they exist on the target.
    pub files: FilePolicy,
    /// Special handling.
    pub special: &'static [Special],
}

impl ImportPolicy {
    /// DS overwrite, existing files kept, nothing special: the usual policy.
    pub const PLAIN: ImportPolicy = ImportPolicy {
        registry: RegistryPolicy::Overwrite,
        files: FilePolicy::KeepExisting,
        special: &[],
    };

    /// The usual policy with special handling.
    pub const fn with(special: &'static [Special]) -> ImportPolicy {
        ImportPolicy {
            registry: RegistryPolicy::Overwrite,
            files: FilePolicy::KeepExisting,
            special,
        }
    }

    /// Whether the policy includes `special`.
    pub fn has(&self, special: Special) -> bool {
        self.special.contains(&special)
    }
}

/// A rule of interdependence: selecting any component of `when` selects every component of
/// `pulls`.
#[derive(Clone, Copy, Debug)]
pub struct Pull {
    /// Components whose selection triggers the rule.
    pub when: &'static [&'static str],
    /// Components it selects.
    pub pulls: &'static [&'static str],
    /// Why, in one line.
    pub reason: &'static str,
}

/// One entry of the import order.
#[derive(Clone, Copy, Debug)]
pub struct Priority {
    /// The component.
    pub component: &'static str,
    /// Why it comes at this place, in one line.
    pub reason: &'static str,
}

impl Component {
    /// The name to show: the `<SERVER>` placeholder replaced by `server` when given.
    pub fn display_name(&self, server: Option<&str>) -> String {
        match server {
            Some(server) => self.name.replace(layout::SERVER, server),
            None => self.name.to_string(),
        }
    }

    /// Every registry subtree of the component: its locations, then its companions.
    pub fn subtrees(&self) -> impl Iterator<Item = &'static str> {
        self.registry.iter().chain(self.companions).copied()
    }

    /// Whether a server of `kind` at `version` has this component.
    pub fn available(&self, kind: ServerKind, version: CicVersion) -> bool {
        self.kind == kind && self.versions.contains(version)
    }

    /// Its place in the import order (0 first) with the reason.
    pub fn priority(&self) -> (usize, &'static Priority) {
        let order = table::import_order(self.kind);
        let index = order
            .iter()
            .position(|entry| entry.component == self.name)
            .expect("every component is in the import order (checked by a test)");
        (index, &order[index])
    }

    /// The pull rules this component triggers.
    pub fn pull_rules(&self) -> impl Iterator<Item = &'static Pull> + '_ {
        table::PULLS
            .iter()
            .filter(|rule| rule.when.contains(&self.name))
    }

    /// The names of the components it pulls in directly (itself excluded).
    pub fn pulls(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for rule in self.pull_rules() {
            for &name in rule.pulls {
                if name != self.name && !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }
}

/// Every component of the catalog, CIC server components first, in catalog order.
pub fn all() -> &'static [Component] {
    table::COMPONENTS
}

/// The component named exactly `name` (catalog spelling, placeholder included).
pub fn by_name(name: &str) -> Option<&'static Component> {
    all().iter().find(|component| component.name == name)
}

/// The components a server of `kind` at `version` has, in catalog order.
pub fn available(kind: ServerKind, version: CicVersion) -> Vec<&'static Component> {
    all()
        .iter()
        .filter(|component| component.available(kind, version))
        .collect()
}

#[cfg(test)]
pub(crate) mod fixture;
#[cfg(test)]
mod tests;
