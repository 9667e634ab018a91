//! A serializable description of the components of a scope, for `migrator nodes --json` and
//! any program that wants the catalog without linking to it.

use serde::Serialize;

use super::select::{close, Reason, Scope};
use super::{Component, Special};
use crate::incoming::FilePolicy;
use crate::layout;
use crate::server::ServerKind;

/// One component as shown to users and programs.
#[derive(Clone, Debug, Serialize)]
pub struct ComponentView {
    /// The name as displayed for the scope (`calliope\IP`).
    pub name: String,
    /// The catalog spelling (`<SERVER>\IP`).
    pub catalog_name: &'static str,
    /// Other accepted names.
    pub aliases: &'static [&'static str],
    /// `cic` or `media`.
    pub kind: ServerKind,
    /// What it holds.
    pub summary: &'static str,
    /// Registry locations relative to the `Interactive Intelligence` key, with the server
    /// name filled in when known.
    pub registry: Vec<String>,
    /// Keys whose own values (not subkeys) belong to it, as `registry`.
    pub values_of: Vec<String>,
    /// File locations, install-relative.
    pub files: Vec<String>,
    /// The releases that have it.
    pub versions: String,
    /// The components its data refers to.
    pub depends_on: &'static [&'static str],
    /// What selecting it pulls in, directly or through another pulled component.
    pub pulls: Vec<PulledView>,
    /// How the import treats it.
    pub import: ImportView,
    /// Its place in the import order, from 1.
    pub priority: usize,
    /// Why it has that place.
    pub priority_reason: &'static str,
}

/// A component pulled in, with the component that pulled it and why.
#[derive(Clone, Debug, Serialize)]
pub struct PulledView {
    /// The pulled component, as displayed.
    pub name: String,
    /// The component whose rule pulled it in.
    pub by: String,
    /// The rule's reason.
    pub reason: &'static str,
}

/// The import policy of a component.
#[derive(Clone, Debug, Serialize)]
pub struct ImportView {
    /// `overwrite`, `merge` or `not_imported`.
    pub registry: super::RegistryPolicy,
    /// `keep_existing` or `overwrite`.
    pub files: FilePolicy,
    /// Special handling flags.
    pub special: &'static [Special],
}

/// Describes every component of `scope`, in catalog order.
pub fn describe(scope: &Scope) -> Vec<ComponentView> {
    scope
        .components()
        .into_iter()
        .map(|c| view(c, scope))
        .collect()
}

fn view(component: &'static Component, scope: &Scope) -> ComponentView {
    let (index, priority) = component.priority();
    ComponentView {
        name: scope.display(component),
        catalog_name: component.name,
        aliases: component.aliases,
        kind: component.kind,
        summary: component.summary,
        registry: component
            .subtrees()
            .map(|path| fill_server(path, scope))
            .collect(),
        values_of: component
            .values_of
            .iter()
            .map(|path| fill_server(path, scope))
            .collect(),
        files: component.files.iter().map(|f| f.describe()).collect(),
        versions: component.versions.describe(),
        depends_on: component.depends_on,
        pulls: pulls(component, scope),
        import: ImportView {
            registry: component.import.registry,
            files: component.import.files,
            special: component.import.special,
        },
        priority: index + 1,
        priority_reason: priority.reason,
    }
}

fn fill_server(path: &str, scope: &Scope) -> String {
    match &scope.server {
        Some(server) => path.replace(layout::SERVER, server),
        None => path.to_string(),
    }
}

fn pulls(component: &'static Component, scope: &Scope) -> Vec<PulledView> {
    close(vec![component], scope)
        .entries
        .into_iter()
        .filter_map(|entry| match entry.reason {
            Reason::PulledIn { by, reason } => Some(PulledView {
                name: entry.name,
                by,
                reason,
            }),
            Reason::Chosen => None,
        })
        .collect()
}
