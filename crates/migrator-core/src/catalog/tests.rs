//! Checks of the catalog data and of selection.

use std::collections::HashSet;

use super::*;
use crate::registry::{fold, is_within};
use crate::server::ServerKind;

fn cic(version: &str, server: &str) -> Scope {
    Scope {
        kind: Some(ServerKind::Cic),
        version: Some(version.parse().unwrap()),
        server: Some(server.to_string()),
    }
}

fn chosen_and_pulled(spec: &str, scope: &Scope) -> (Vec<String>, Vec<(String, String)>) {
    let selection = select(spec, scope).unwrap();
    let chosen = selection
        .entries
        .iter()
        .filter(|e| e.reason == Reason::Chosen)
        .map(|e| e.name.clone())
        .collect();
    let pulled = selection
        .pulled_in()
        .map(|e| match &e.reason {
            Reason::PulledIn { by, .. } => (e.name.clone(), by.clone()),
            Reason::Chosen => unreachable!(),
        })
        .collect();
    (chosen, pulled)
}

#[test]
fn every_component_the_vendor_names_is_in_the_catalog() {
    let vendor = [
        "Server Parameters",
        "IP Tables",
        "DNIS Mappings",
        "Handlers",
        "Data Sources",
        "Users",
        "Workgroups",
        "Workstations",
        "Lines",
        "Line Groups",
        "Client Buttons",
        "Dial Plan",
        "Reports",
        "Interaction Attendant",
        "AdminConfig",
        "Tracker Config",
        "IPA",
        "IP Phones",
        "IP Phone Proxy Groups",
        "Interaction Recorder",
        "Interaction Recorder Master Key File",
        "Structured Parameters",
        "LRA Configuration",
        "Language Packs",
        "Mail",
        "IP\\Handlers",
        "<SERVER>\\IP",
        "Roles",
        "Skills",
    ];
    let scope = Scope {
        kind: Some(ServerKind::Cic),
        ..Scope::default()
    };
    for name in vendor {
        assert!(select(name, &scope).is_ok(), "{name} is missing");
    }
    let media = Scope {
        kind: Some(ServerKind::Media),
        ..Scope::default()
    };
    for name in [
        "Media Server Settings",
        "Media Server Properties",
        "Command Servers",
    ] {
        assert!(select(name, &media).is_ok(), "{name} is missing");
    }
}

#[test]
fn names_and_aliases_are_unique() {
    let mut seen = HashSet::new();
    for component in all() {
        for name in std::iter::once(&component.name).chain(component.aliases) {
            assert!(seen.insert(name.to_lowercase()), "{name} is used twice");
        }
    }
}

#[test]
fn every_reference_names_a_component_of_the_same_kind() {
    for component in all() {
        for name in component.depends_on.iter().chain(&component.pulls()) {
            let other = by_name(name).unwrap_or_else(|| panic!("{name} is unknown"));
            assert_eq!(other.kind, component.kind, "{} -> {name}", component.name);
        }
    }
    for rule in table::PULLS {
        for name in rule.when.iter().chain(rule.pulls) {
            assert!(by_name(name).is_some(), "pull rule names unknown {name}");
        }
    }
}

#[test]
fn the_import_order_lists_every_component_once_in_its_kind() {
    for kind in [ServerKind::Cic, ServerKind::Media] {
        let order: Vec<&str> = table::import_order(kind)
            .iter()
            .map(|p| p.component)
            .collect();
        let expected: Vec<&str> = all()
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.name)
            .collect();
        let unique: HashSet<&str> = order.iter().copied().collect();
        assert_eq!(unique.len(), order.len(), "{kind:?} order has duplicates");
        assert_eq!(
            unique,
            expected.iter().copied().collect(),
            "{kind:?} order and components differ"
        );
    }
}

#[test]
fn the_import_order_follows_the_dependencies_of_section_seven() {
    let place = |name: &str| by_name(name).unwrap().priority().0;
    let before = [
        ("Server Parameters", "Handlers"),
        ("Roles", "Users"),
        ("Lines", "Line Groups"),
        ("Workstations", "IP Phones"),
        ("IP Phone Proxy Groups", "IP Phones"),
        ("Users", "Workgroups"),
        ("Dial Plan", "DNIS Mappings"),
        ("Data Sources", "Handlers"),
        ("Handlers", "Interaction Attendant"),
        ("Interaction Attendant", "Reports"),
        ("Tracker Config", "AdminConfig"),
        (
            "Interaction Recorder",
            "Interaction Recorder Master Key File",
        ),
        ("Media Server Settings", "Media Server Properties"),
    ];
    for (first, then) in before {
        assert!(place(first) < place(then), "{first} must precede {then}");
    }
    let last = table::CIC_IMPORT_ORDER.last().unwrap();
    assert_eq!(last.component, "AdminConfig");
}

/// Every registry location resolved for a server, pairwise: none lies within another's.
#[test]
fn registry_locations_do_not_overlap() {
    let locations: Vec<(&str, String)> = all()
        .iter()
        .flat_map(|c| {
            c.subtrees()
                .map(move |l| (c.name, layout::resolve(l, "Indy", "calliope")))
        })
        .collect();
    for (i, (a, path_a)) in locations.iter().enumerate() {
        for (b, path_b) in &locations[i + 1..] {
            let nested = is_within(path_a, path_b) || is_within(path_b, path_a);
            assert!(!nested, "{a} ({path_a}) and {b} ({path_b}) overlap");
        }
    }
    let value_keys: Vec<(&str, String)> = all()
        .iter()
        .flat_map(|c| {
            c.values_of
                .iter()
                .map(move |l| (c.name, layout::resolve(l, "Indy", "calliope")))
        })
        .collect();
    for (i, (a, path)) in value_keys.iter().enumerate() {
        for (b, subtree) in &locations {
            assert!(
                !is_within(path, subtree),
                "values of {a} lie in {b} ({subtree})"
            );
        }
        for (b, other) in &value_keys[i + 1..] {
            assert_ne!(
                fold(path),
                fold(other),
                "{a} and {b} both own the values of {path}"
            );
        }
    }
}

/// Folders of one component never lie inside another component's folders.
#[test]
fn file_locations_do_not_overlap() {
    let folder = |source: &FileSource| match *source {
        FileSource::Tree(dir) | FileSource::Suffix { dir, .. } => Some(dir.to_string()),
        FileSource::File(path) => Some(path.to_string()),
        FileSource::CustomHandlers => Some(layout::CUSTOM_HANDLERS_DIR.to_string()),
        FileSource::NamedBy { .. } => None,
    };
    let locations: Vec<(&str, String)> = all()
        .iter()
        .flat_map(|c| c.files.iter().filter_map(folder).map(move |f| (c.name, f)))
        .collect();
    for (i, (a, path_a)) in locations.iter().enumerate() {
        for (b, path_b) in &locations[i + 1..] {
            let nested = is_within(path_a, path_b) || is_within(path_b, path_a);
            assert!(!nested, "{a} ({path_a}) and {b} ({path_b}) overlap");
        }
    }
}

#[test]
fn admin_config_pulls_users_and_workstations_and_users_pull_workgroups() {
    let (chosen, pulled) = chosen_and_pulled("AdminConfig", &cic("2016 R1", "calliope"));
    assert_eq!(chosen, ["AdminConfig"]);
    let mut pulled = pulled;
    pulled.sort();
    assert_eq!(
        pulled,
        [
            ("Users".to_string(), "AdminConfig".to_string()),
            ("Workgroups".to_string(), "Users".to_string()),
            ("Workstations".to_string(), "AdminConfig".to_string()),
        ]
    );
}

#[test]
fn any_ipa_item_pulls_every_ipa_item() {
    for item in table::IPA_ITEMS {
        let selection = select(item, &cic("2023 R3", "helios")).unwrap();
        let names: Vec<&str> = selection.entries.iter().map(|e| e.component.name).collect();
        assert_eq!(names, table::IPA_ITEMS, "from {item}");
    }
}

#[test]
fn ip_handlers_and_server_ip_pull_each_other() {
    let scope = cic("2018 R5", "calliope");
    let (_, pulled) = chosen_and_pulled("IP\\Handlers", &scope);
    assert_eq!(
        pulled,
        [("calliope\\IP".to_string(), "IP\\Handlers".to_string())]
    );
    let (_, pulled) = chosen_and_pulled("calliope\\ip", &scope);
    assert_eq!(
        pulled,
        [("IP\\Handlers".to_string(), "calliope\\IP".to_string())]
    );
    let (chosen, _) = chosen_and_pulled("<server>\\IP", &scope);
    assert_eq!(chosen, ["calliope\\IP"]);
}

#[test]
fn ip_phones_pull_proxy_groups_and_the_master_key_pulls_the_recorder() {
    let scope = cic("2020 R1", "calliope");
    let (_, pulled) = chosen_and_pulled("IP Phones", &scope);
    assert_eq!(
        pulled,
        [("IP Phone Proxy Groups".into(), "IP Phones".into())]
    );
    let (_, pulled) = chosen_and_pulled("Interaction Recorder Master Key File", &scope);
    assert_eq!(
        pulled,
        [(
            "Interaction Recorder".into(),
            "Interaction Recorder Master Key File".into()
        )]
    );
}

#[test]
fn a_component_pulled_in_and_chosen_counts_as_chosen() {
    let (chosen, pulled) = chosen_and_pulled("Users, Workgroups", &cic("2016 R1", "calliope"));
    assert_eq!(chosen, ["Users", "Workgroups"]);
    assert!(pulled.is_empty());
}

#[test]
fn names_match_without_case_and_with_spaces_after_commas() {
    let scope = cic("2016 R1", "calliope");
    let (chosen, _) = chosen_and_pulled("users,  IP PHONES ,workgroups", &scope);
    assert_eq!(chosen, ["IP Phones", "Users", "Workgroups"]);
    let (chosen, _) = chosen_and_pulled("stations", &scope);
    assert_eq!(chosen, ["Workstations"]);
}

#[test]
fn all_selects_every_component_of_the_kind_and_nothing_is_pulled() {
    let selection = select("ALL", &cic("2016 R1", "calliope")).unwrap();
    assert_eq!(
        selection.entries.len(),
        all().iter().filter(|c| c.kind == ServerKind::Cic).count()
    );
    assert_eq!(selection.pulled_in().count(), 0);
}

#[test]
fn unknown_names_list_the_valid_ones_and_suggest_the_closest() {
    let error = select("Users, Wrokgroups", &cic("2016 R1", "calliope")).unwrap_err();
    assert_eq!(error.kind(), crate::ErrorKind::Usage);
    assert!(
        error.message().contains("\"Wrokgroups\""),
        "{}",
        error.message()
    );
    assert!(
        error.message().contains("did you mean \"Workgroups\""),
        "{}",
        error.message()
    );
    let hint = error.hint().unwrap();
    assert!(
        hint.contains("calliope\\IP") && hint.contains("Dial Plan"),
        "{hint}"
    );
    let error = select("zzzzzzzz", &cic("2016 R1", "calliope")).unwrap_err();
    assert!(
        !error.message().contains("did you mean"),
        "{}",
        error.message()
    );
}

#[test]
fn every_wrong_name_is_reported_at_once() {
    let error = select("Usres, Dial Plan, Wrokgroups", &cic("2016 R1", "calliope")).unwrap_err();
    assert_eq!(error.kind(), crate::ErrorKind::Usage);
    let message = error.message();
    assert!(
        message.starts_with("2 component names are wrong: "),
        "{message}"
    );
    assert!(message.contains("did you mean \"Users\""), "{message}");
    assert!(message.contains("did you mean \"Workgroups\""), "{message}");
    assert!(!message.contains("Dial Plan"), "{message}");
    assert!(error.hint().unwrap().contains("Dial Plan"));
}

#[test]
fn a_component_of_the_other_kind_is_refused_by_name() {
    let media = Scope {
        kind: Some(ServerKind::Media),
        ..Scope::default()
    };
    let error = select("Users", &media).unwrap_err();
    assert_eq!(
        error.message(),
        "component \"Users\" (Users) does not exist on an Interaction Media Server"
    );
    assert!(error.hint().unwrap().contains("Media Server Settings"));
}

#[test]
fn an_empty_list_selects_nothing_and_is_an_error() {
    for spec in ["", " , ,"] {
        let error = select(spec, &Scope::default()).unwrap_err();
        assert!(
            error.message().starts_with("no component selected"),
            "{spec:?}"
        );
    }
}

#[test]
fn version_bounds_decide_availability() {
    let bounded = Versions {
        since: "2018 R1".parse().unwrap(),
        until: Some("2020 R4".parse().unwrap()),
    };
    assert!(!bounded.contains("2017 R4".parse().unwrap()));
    assert!(bounded.contains("2018 R1".parse().unwrap()));
    assert!(bounded.contains("2020 R4".parse().unwrap()));
    assert!(!bounded.contains("2021 R1".parse().unwrap()));
    assert_eq!(bounded.describe(), "2018 R1 to 2020 R4");
    assert_eq!(Versions::ALL.describe(), "all");
}

#[test]
fn the_selection_in_import_order_starts_with_parameters() {
    let selection = select("AdminConfig, Server Parameters", &cic("2016 R1", "c")).unwrap();
    let order: Vec<&str> = selection
        .in_import_order()
        .iter()
        .map(|e| e.component.name)
        .collect();
    assert_eq!(
        order,
        [
            "Server Parameters",
            "Workstations",
            "Users",
            "Workgroups",
            "AdminConfig"
        ]
    );
}

/// The committed `docs/COMPONENTS.md` must be what the catalog generates. Set
/// `MIGRATOR_BLESS=1` to rewrite it.
#[test]
fn the_components_page_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/COMPONENTS.md");
    let generated = markdown::markdown();
    if std::env::var_os("MIGRATOR_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/COMPONENTS.md is out of date: run `migrator nodes --markdown > docs/COMPONENTS.md` \
         or this test with MIGRATOR_BLESS=1"
    );
}

#[test]
fn lookup_reads_the_names_an_archive_records() {
    let scope = cic("2016 R1", "calliope");
    assert_eq!(lookup("calliope\\IP", &scope).unwrap().name, "<SERVER>\\IP");
    assert_eq!(lookup("Users", &scope).unwrap().name, "Users");
    assert!(lookup("helios\\IP", &scope).is_err());
}
