//! The order in which components are imported: a table with the reason for each place.
//!
//! Items that others refer to come first, so that a reference never points at something the
//! import has not written yet. Components the table does not name follow in the archive's
//! order. `<SERVER>` stands for the server's name in component names such as `<SERVER>\IP`.

use crate::incoming::Incoming;
use crate::layout;
use crate::registry::fold;

/// One place in the import order.
#[derive(Clone, Copy, Debug)]
pub struct Priority {
    /// The component's name, as the catalog spells it.
    pub component: &'static str,
    /// Why it comes here.
    pub reason: &'static str,
}

const fn p(component: &'static str, reason: &'static str) -> Priority {
    Priority { component, reason }
}

/// The import order.
pub const ORDER: &[Priority] = &[
    p("Server Parameters", "other items read paths from server parameters (report file path)"),
    p("Structured Parameters", "handlers and other items read them by name"),
    p("Data Sources", "reports and handlers name data sources"),
    p("Mail", "users' mailboxes need the mail configuration"),
    p("Lines", "line groups and stations name lines"),
    p("Line Groups", "stations and attendant profiles name line groups"),
    p("Workstations", "users' default stations and licence assignments name stations"),
    p("Workgroups", "users name the workgroups they belong to"),
    p("Users", "licence assignments, DNIS mappings and attendant operations name users"),
    p("Tracker Config", "licence assignments must not reach users before Tracker data"),
    p("AdminConfig", "licence assignments need their users and stations in place"),
    p("IP Phone Proxy Groups", "IP phones name their proxy group"),
    p("IP Phones", "after their proxy groups"),
    p("IP Tables", "handlers read Interaction Processor tables"),
    p("IP\\Handlers", "the server's IP configuration names these handlers"),
    p("<SERVER>\\IP", "after the handler configuration it names"),
    p("Handlers", "custom handlers follow the handler configuration"),
    p("DNIS Mappings", "routes to users, workgroups and stations imported above"),
    p("Dial Plan", "after the lines and line groups it dials out on"),
    p("Client Buttons", "buttons name handlers and icons"),
    p("Reports", "report entries name data sources"),
    p("Interaction Attendant", "profiles name users, workgroups, lines and handlers"),
    p("Interaction Recorder", "the master key file belongs to it"),
    p("Interaction Recorder Master Key File", "after the recorder configuration"),
    p("IPA", "processes name users, workgroups and handlers"),
    p("LRA Configuration", "independent; late because it overwrites its file"),
    p("Language Packs", "localized prompts and waves of the items above"),
];

/// The reason given for unknown components.
const UNLISTED: &str = "not in the order table: imported after the listed components";

/// The place of `component` in [`ORDER`]; unknown components come after every listed one.
pub fn rank(component: &str) -> usize {
    ORDER
        .iter()
        .position(|row| matches(row.component, component))
        .unwrap_or(ORDER.len())
}

/// Why `component` comes at its place.
pub fn reason(component: &str) -> &'static str {
    ORDER
        .get(rank(component))
        .map_or(UNLISTED, |row| row.reason)
}

/// The components in import order; equal ranks keep the archive's order.
pub fn sorted(incoming: &[Incoming]) -> Vec<&Incoming> {
    let mut ordered: Vec<&Incoming> = incoming.iter().collect();
    ordered.sort_by_key(|component| rank(&component.component));
    ordered
}

fn matches(pattern: &str, name: &str) -> bool {
    match pattern.split_once(layout::SERVER) {
        Some((before, after)) => {
            let (name_f, before_f, after_f) = (fold(name), fold(before), fold(after));
            name_f.len() > before_f.len() + after_f.len()
                && name_f.starts_with(&before_f)
                && name_f.ends_with(&after_f)
                && !name_f[before_f.len()..name_f.len() - after_f.len()].contains('\\')
        }
        None => fold(pattern) == fold(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_items_come_before_those_naming_them() {
        for (first, then) in [
            ("Workgroups", "Users"),
            ("Users", "AdminConfig"),
            ("Workstations", "AdminConfig"),
            ("Tracker Config", "AdminConfig"),
            ("IP Phone Proxy Groups", "IP Phones"),
            ("Interaction Recorder", "Interaction Recorder Master Key File"),
            ("Server Parameters", "Reports"),
        ] {
            assert!(rank(first) < rank(then), "{first} before {then}");
        }
    }

    #[test]
    fn server_component_names_match_the_real_server_name() {
        assert_eq!(rank("calliope\\IP"), rank("<SERVER>\\IP"));
        assert_eq!(rank("IP\\Handlers"), rank("ip\\handlers"));
        assert_eq!(rank("a\\b\\IP"), ORDER.len());
        assert_eq!(reason("Something New"), UNLISTED);
    }

    #[test]
    fn unknown_components_keep_the_archive_order_after_known_ones() {
        let names = ["Zeta", "Users", "Alpha", "Workgroups"];
        let incoming: Vec<Incoming> = names.iter().map(|n| Incoming::new(*n)).collect();
        let order: Vec<&str> = sorted(&incoming)
            .iter()
            .map(|c| c.component.as_str())
            .collect();
        assert_eq!(order, ["Workgroups", "Users", "Zeta", "Alpha"]);
    }
}
