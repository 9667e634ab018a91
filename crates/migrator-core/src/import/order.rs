//! The order in which components are imported and how each is treated, read from the
//! catalog: its import order (a table with the reason for each place) and each component's
//! import policy.
//!
//! Archives name components as the catalog does, with the source server's name in place of
//! `<SERVER>` (`calliope\IP`); aliases are accepted too. Components the catalog does not know
//! are imported after the known ones, in the archive's order, with the usual policy.

use crate::catalog::{self, table, Component, ImportPolicy};
use crate::incoming::Incoming;
use crate::layout;
use crate::registry::fold;
use crate::server::ServerKind;

/// The reason given for components the catalog does not know.
pub const UNLISTED: &str = "not in the catalog: imported after the known components";

/// The catalog's component named `name` (by catalog name with `<SERVER>` standing for any
/// server name, or by alias), if any.
pub fn lookup(name: &str) -> Option<&'static Component> {
    catalog::all().iter().find(|component| {
        matches(component.name, name)
            || component
                .aliases
                .iter()
                .any(|alias| alias.eq_ignore_ascii_case(name))
    })
}

/// How the import treats `component`: its catalog policy, or the usual one.
pub fn policy(component: &str) -> ImportPolicy {
    lookup(component).map_or(ImportPolicy::PLAIN, |c| c.import)
}

/// The place of `component` in the import order of `kind`; unknown components come after
/// every listed one.
pub fn rank(component: &str, kind: ServerKind) -> usize {
    let order = table::import_order(kind);
    let name = lookup(component).map_or(component, |c| c.name);
    order
        .iter()
        .position(|row| matches(row.component, name))
        .unwrap_or(order.len())
}

/// Why `component` comes at its place.
pub fn reason(component: &str, kind: ServerKind) -> &'static str {
    table::import_order(kind)
        .get(rank(component, kind))
        .map_or(UNLISTED, |row| row.reason)
}

/// The components in import order; equal ranks keep the archive's order.
pub fn sorted(incoming: &[Incoming], kind: ServerKind) -> Vec<&Incoming> {
    let mut ordered: Vec<&Incoming> = incoming.iter().collect();
    ordered.sort_by_key(|component| rank(&component.component, kind));
    ordered
}

/// Whether `name` is `pattern`, where `<SERVER>` in the pattern stands for one name.
fn matches(pattern: &str, name: &str) -> bool {
    let Some((before, after)) = pattern.split_once(layout::SERVER) else {
        return fold(pattern) == fold(name);
    };
    let (name, before, after) = (fold(name), fold(before), fold(after));
    name.len() > before.len() + after.len()
        && name.starts_with(&before)
        && name.ends_with(&after)
        && name
            .get(before.len()..name.len() - after.len())
            .is_some_and(|server| !server.contains('\\') || server == layout::SERVER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_items_come_before_those_naming_them() {
        let rank = |name| rank(name, ServerKind::Cic);
        for (first, then) in [
            ("Users", "Workgroups"),
            ("Users", "AdminConfig"),
            ("Workstations", "AdminConfig"),
            ("Tracker Config", "AdminConfig"),
            ("IP Phone Proxy Groups", "IP Phones"),
            (
                "Interaction Recorder",
                "Interaction Recorder Master Key File",
            ),
            ("Server Parameters", "Reports"),
        ] {
            assert!(rank(first) < rank(then), "{first} before {then}");
        }
    }

    #[test]
    fn server_component_names_match_the_real_server_name() {
        let cic = ServerKind::Cic;
        assert_eq!(rank("calliope\\IP", cic), rank("<SERVER>\\IP", cic));
        assert!(rank("calliope\\IP", cic) < table::import_order(cic).len());
        assert_eq!(rank("ip\\handlers", cic), rank("IP\\Handlers", cic));
        assert_eq!(rank("a\\b\\IP", cic), table::import_order(cic).len());
        assert_eq!(reason("Something New", cic), UNLISTED);
        assert_eq!(lookup("Custom Handlers").map(|c| c.name), Some("Handlers"));
    }

    #[test]
    fn unknown_components_keep_the_archive_order_after_known_ones() {
        let names = ["Zeta", "Workgroups", "Alpha", "Users"];
        let incoming: Vec<Incoming> = names.iter().map(|n| Incoming::new(*n)).collect();
        let order: Vec<&str> = sorted(&incoming, ServerKind::Cic)
            .iter()
            .map(|c| c.component.as_str())
            .collect();
        assert_eq!(order, ["Users", "Workgroups", "Zeta", "Alpha"]);
    }
}
