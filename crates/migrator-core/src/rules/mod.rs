//! The import rules: small named units that adapt an archive's data to the server it is
//! imported into, before the import plans anything.
//!
//! Each rule lives in its own file and is registered in [`RULES`], with the components and
//! server kinds it applies to and the modes it runs in. [`apply_all`] runs every rule that
//! applies, in table order, over the incoming components: it renames and re-roots keys,
//! rewrites values, redirects or skips files and excludes paths, recording in a [`RuleLog`]
//! what each rule did, the old names it left behind and the steps left to the administrator.
//! The planner then names, for each action, the rule behind it (`RuleLog::rule_for`).
//!
//! Most rules run in Migration mode only; those the vendor applies in both modes (client
//! button icons, dial plan classifications, the production/custom decision on reports,
//! Secrets listed for reset, handlers kept out of the server) run in Recovery mode too.
//! [`resolve_parameters`] is not an import rule: it follows up the `_migrated` pairs that the
//! server parameter and IP table rules leave behind.

pub mod attendant;
pub mod client_buttons;
pub mod context;
pub mod data_sources;
pub mod deprecated_queue;
pub mod dev_mode;
pub mod dial_plan;
pub mod dnis;
pub mod handlers;
pub mod ip_tables;
pub mod language_packs;
pub mod media_server;
pub mod rename;
pub mod reports;
pub mod resolve_parameters;
pub mod secrets;
pub mod server_parameters;
pub mod support;
pub mod telephony;
pub mod users;

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod sample_migration;

pub use context::{NameMapping, RuleContext, RuleOptions};

use crate::error::Result;
use crate::incoming::{ImportMode, Incoming, RuleLog};
use crate::layout;
use crate::server::ServerKind;

/// Component names as the catalog spells them, for the rules' tables.
pub mod components {
    /// Server parameters of the server.
    pub const SERVER_PARAMETERS: &str = "Server Parameters";
    /// Interaction Processor tables.
    pub const IP_TABLES: &str = "IP Tables";
    /// The DNIS routing table.
    pub const DNIS_MAPPINGS: &str = "DNIS Mappings";
    /// Custom handler files.
    pub const HANDLERS: &str = "Handlers";
    /// Site-level Interaction Processor handler configuration.
    pub const IP_HANDLERS: &str = "IP\\Handlers";
    /// The server's Interaction Processor configuration; `<SERVER>` stands for its name.
    pub const SERVER_IP: &str = "<SERVER>\\IP";
    /// IC data sources.
    pub const DATA_SOURCES: &str = "Data Sources";
    /// Users.
    pub const USERS: &str = "Users";
    /// Stations.
    pub const WORKSTATIONS: &str = "Workstations";
    /// Lines.
    pub const LINES: &str = "Lines";
    /// Line groups.
    pub const LINE_GROUPS: &str = "Line Groups";
    /// Client buttons and their icons.
    pub const CLIENT_BUTTONS: &str = "Client Buttons";
    /// The dial plan and its files.
    pub const DIAL_PLAN: &str = "Dial Plan";
    /// Reports and their `.rpt` files.
    pub const REPORTS: &str = "Reports";
    /// Interaction Attendant configuration and prompts.
    pub const ATTENDANT: &str = "Interaction Attendant";
    /// Licence assignments.
    pub const ADMIN_CONFIG: &str = "AdminConfig";
    /// Interaction Recorder configuration.
    pub const RECORDER: &str = "Interaction Recorder";
    /// Structured parameters.
    pub const STRUCTURED_PARAMETERS: &str = "Structured Parameters";
    /// Language packs: localized prompts, attendant waves and handlers.
    pub const LANGUAGE_PACKS: &str = "Language Packs";
}

/// The signature of a rule: it changes one incoming component and records what it did.
pub type ApplyFn = fn(&RuleContext, &mut Incoming, &mut RuleLog) -> Result<()>;

/// Which components a rule looks at.
#[derive(Clone, Copy, Debug)]
pub enum Components {
    /// Every component of the archive.
    Every,
    /// Only these, by catalog name (`<SERVER>` matches any server name).
    Named(&'static [&'static str]),
}

impl Components {
    /// Whether the component named `name` is among these.
    pub fn contains(&self, name: &str) -> bool {
        match self {
            Components::Every => true,
            Components::Named(names) => names.iter().any(|pattern| matches(pattern, name)),
        }
    }

    /// The names, for documentation.
    pub fn describe(&self) -> String {
        match self {
            Components::Every => "every component".to_string(),
            Components::Named(names) => names.join(", "),
        }
    }
}

fn matches(pattern: &str, name: &str) -> bool {
    let (patterns, names): (Vec<&str>, Vec<&str>) =
        (pattern.split('\\').collect(), name.split('\\').collect());
    patterns.len() == names.len()
        && patterns
            .iter()
            .zip(&names)
            .all(|(p, n)| (*p == layout::SERVER && !n.is_empty()) || context::same(p, n))
}

/// One import rule and where it applies.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Its name, as the plan and the report show it.
    pub name: &'static str,
    /// What it does, in one line.
    pub description: &'static str,
    /// The components it looks at.
    pub components: Components,
    /// The kinds of archive it applies to.
    pub kinds: &'static [ServerKind],
    /// The modes it runs in.
    pub modes: &'static [ImportMode],
    /// The rule itself.
    pub apply: ApplyFn,
}

impl Rule {
    /// Whether the rule runs on `component` in this import.
    pub fn applies(&self, ctx: &RuleContext, component: &str) -> bool {
        self.modes.contains(&ctx.mode)
            && self.kinds.contains(&ctx.source.kind)
            && self.components.contains(component)
    }
}

/// Both modes.
pub(crate) const BOTH: &[ImportMode] = &[ImportMode::Migration, ImportMode::Recovery];
/// Migration mode only.
pub(crate) const MIGRATION: &[ImportMode] = &[ImportMode::Migration];
/// CIC archives only.
pub(crate) const CIC: &[ServerKind] = &[ServerKind::Cic];

/// Every rule, in the order they run. The server and site rename comes first, so the rules
/// after it see the data under the target's names.
pub const RULES: &[Rule] = &[
    rename::RULE,
    dev_mode::RULE,
    secrets::RULE,
    deprecated_queue::RULE,
    server_parameters::RULE,
    ip_tables::RULE,
    dnis::RULE,
    handlers::RULE,
    data_sources::RULE,
    reports::RULE,
    client_buttons::RULE,
    dial_plan::RULE,
    attendant::RULE,
    users::RULE,
    language_packs::RULE,
    media_server::RULE,
    telephony::RULE,
];

/// Runs every rule that applies to this import over the incoming components, in table order,
/// then (in Migration mode) lists the old names no rule rewrote.
pub fn apply_all(ctx: &RuleContext, incoming: &mut [Incoming], log: &mut RuleLog) -> Result<()> {
    let extra = media_server::command_server_renames(ctx, incoming)?;
    let mut ctx = ctx.clone().with_server_renames(extra);
    if ctx.source.install_path.is_empty() {
        ctx.source.install_path = infer_install_root(incoming).unwrap_or_default();
    }
    let ctx = &ctx;
    for rule in RULES {
        for component in incoming.iter_mut() {
            if rule.applies(ctx, &component.component) {
                (rule.apply)(ctx, component, log)?;
            }
        }
    }
    if ctx.mode == ImportMode::Migration {
        rename::find_unresolved(ctx, incoming, log)?;
    }
    Ok(())
}

/// The archive's install root, for an archive whose manifest does not record it: the part up
/// to `\I3\IC` of the first value that holds such a path (`D:\I3\IC\Server\Reports` gives
/// `D:\I3\IC`).
pub fn infer_install_root(incoming: &[Incoming]) -> Option<String> {
    let marker = format!("\\{}", crate::server::INSTALL_DIR.join("\\")).to_ascii_uppercase();
    incoming
        .iter()
        .flat_map(|component| component.tree.walk())
        .flat_map(|(_, key)| {
            key.values()
                .flat_map(support::strings_of)
                .collect::<Vec<_>>()
        })
        .find_map(|text| {
            let upper = text.to_ascii_uppercase();
            let drive = upper.as_bytes();
            let rooted = drive.len() > 2 && drive[0].is_ascii_alphabetic() && &upper[1..3] == ":\\";
            let end = upper.find(&marker)? + marker.len();
            let boundary = upper[end..].is_empty() || upper[end..].starts_with('\\');
            (rooted && boundary).then(|| text[..end].to_string())
        })
}

/// The rules as a markdown table, for the documentation.
pub fn rules_markdown() -> String {
    let mut text =
        String::from("| rule | modes | applies to | what it does |\n|---|---|---|---|\n");
    for rule in RULES {
        let modes: Vec<&str> = rule.modes.iter().map(|mode| mode.as_str()).collect();
        let kinds: Vec<&str> = rule.kinds.iter().map(|kind| kind.as_str()).collect();
        text.push_str(&format!(
            "| `{}` | {} | {} ({}) | {} |\n",
            rule.name,
            modes.join(", "),
            rule.components.describe().replace('<', "&lt;"),
            kinds.join(", "),
            rule.description
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique_and_rename_runs_first() {
        assert_eq!(RULES[0].name, rename::NAME);
        for (index, rule) in RULES.iter().enumerate() {
            assert!(
                RULES[..index].iter().all(|other| other.name != rule.name),
                "{} twice",
                rule.name
            );
        }
    }

    #[test]
    fn the_install_root_is_found_in_path_values() {
        let mut incoming = Incoming::new("Server Parameters");
        let key = incoming.tree.ensure("HKEY_LOCAL_MACHINE\\x");
        key.set_value(crate::registry::Value::sz(
            "a",
            "\\\\calliope\\I3\\IC\\share",
        ));
        key.set_value(crate::registry::Value::sz("b", "E:\\I3\\ICX\\x"));
        key.set_value(crate::registry::Value::sz(
            "c",
            "e:\\Apps\\i3\\ic\\Server\\",
        ));
        assert_eq!(
            infer_install_root(&[incoming]).as_deref(),
            Some("e:\\Apps\\i3\\ic")
        );
    }

    #[test]
    fn server_placeholders_match_one_name() {
        assert!(matches("<SERVER>\\IP", "calliope\\IP"));
        assert!(!matches("<SERVER>\\IP", "IP\\Handlers"));
        assert!(!matches("<SERVER>\\IP", "a\\b\\IP"));
        assert!(matches("IP\\Handlers", "ip\\handlers"));
    }

    #[test]
    fn the_rules_document_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/MIGRATION_RULES.md");
        let document = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            document.contains(&rules_markdown()),
            "docs/MIGRATION_RULES.md is out of date; its table should read:\n{}",
            rules_markdown()
        );
    }
}
