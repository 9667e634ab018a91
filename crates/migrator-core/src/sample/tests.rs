//! Tests of sample generation on the in-memory image and on written images.

use std::fs;
use std::path::Path;

use super::*;
use crate::layout;
use crate::registry::{Key, RegTree};
use crate::server;

fn spec(kind: ServerKind, version: &str, server: &str, size: Size) -> SampleSpec {
    SampleSpec {
        kind,
        version: version.parse().unwrap(),
        site: "Indy".into(),
        server: server.into(),
        size,
        seed: 0,
        command_servers: Vec::new(),
    }
}

fn cic(version: &str) -> SampleSpec {
    spec(ServerKind::Cic, version, "calliope", Size::Small)
}

fn key<'a>(tree: &'a RegTree, layout_path: &str) -> Option<&'a Key> {
    let path = layout::resolve(layout_path, "Indy", "calliope");
    tree.find(&format!("{}\\{path}", layout::II_KEY))
}

fn text(tree: &RegTree, layout_path: &str, value: &str) -> Option<String> {
    key(tree, layout_path).and_then(|k| k.text(value))
}

fn file_paths(image: &SampleImage) -> Vec<&str> {
    image.files.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn the_same_spec_builds_the_same_image_and_another_seed_another() {
    let first = build(&cic("2018 R5")).unwrap();
    let second = build(&cic("2018 R5")).unwrap();
    assert_eq!(first.tree, second.tree);
    assert_eq!(first.files, second.files);
    let mut other = cic("2018 R5");
    other.seed = 1;
    assert_ne!(build(&other).unwrap().tree, first.tree);
}

#[test]
fn identity_reads_back_from_the_generated_registry() {
    let image = build(&cic("2016 R1")).unwrap();
    let identity = server::identity(&image.tree, Path::new("registry.reg")).unwrap();
    assert_eq!(identity, super::identity(&cic("2016 R1"), &image));
    assert_eq!(identity.server, "calliope");
    assert_eq!(identity.site, "Indy");
    assert_eq!(identity.version.to_string(), "2016 R1");
    assert!(
        identity.install_path.ends_with(":\\I3\\IC"),
        "{}",
        identity.install_path
    );

    let media = spec(ServerKind::Media, "2023 R3", "ims01", Size::Small);
    let image = build(&media).unwrap();
    let identity = server::identity(&image.tree, Path::new("registry.reg")).unwrap();
    assert_eq!(identity.kind, ServerKind::Media);
    assert_eq!(identity.server, "ims01");
    let settings = image
        .tree
        .find(&format!("{}\\{}", layout::II_KEY, layout::MEDIA_SERVER));
    let settings = settings.unwrap();
    for value in [layout::MEDIA_LICENSE_FILE, layout::MEDIA_WEB_PASSWORD] {
        assert!(
            settings.text(value).is_some_and(|t| !t.is_empty()),
            "{value}"
        );
    }
}

#[test]
fn written_images_count_what_the_generator_made() {
    for kind in [ServerKind::Cic, ServerKind::Media] {
        let spec = spec(kind, "2019 R2", "calliope", Size::Small);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("image");
        let summary = generate(&spec, &out).unwrap();
        let image = build(&spec).unwrap();
        let counted = server::counts::count(&image.tree, &summary.identity, &out.join("I3/IC"));
        assert_eq!(counted.unwrap(), summary.counts, "{kind:?}");
        assert!(summary.counts.iter().any(|(_, n)| n > 0));
        assert_eq!(disk_bytes(&out), summary.bytes);
        assert!(out.join(server::REGISTRY_FILE).is_file());
    }
}

fn disk_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn a_small_image_stays_under_two_megabytes() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(&cic("2023 R3"), &dir.path().join("s")).unwrap();
    assert!(summary.bytes < 2_000_000, "{} bytes", summary.bytes);
}

#[test]
fn every_layout_location_is_populated() {
    let old = build(&cic("2016 R1")).unwrap();
    let new = build(&cic("2023 R3")).unwrap();
    for name in layout::NAMES {
        let value = name.value;
        if value.starts_with(layout::DS_ROOT) {
            let found = key(&old.tree, value).or_else(|| key(&new.tree, value));
            assert!(found.is_some(), "{} ({value}) is missing", name.what);
        }
    }
    let files = file_paths(&new);
    for dir in [
        layout::CUSTOM_HANDLERS_DIR,
        layout::REPORTS_DIR,
        layout::UDL_DIR,
        layout::BUTTON_ICONS_DIR,
        layout::ATTENDANT_WAVES_DIR,
        layout::LANGUAGE_PROMPTS_DIR,
        layout::RECORDER_KEY_FILE,
        layout::LRA_CONFIG_FILE,
        layout::DIAL_PLAN_DIR,
        layout::LICENSE_FILE,
    ] {
        assert!(
            files.iter().any(|f| f.starts_with(dir)),
            "no file under {dir}"
        );
    }
}

#[test]
fn user_status_moves_to_live_data_on_newer_releases() {
    let old = build(&cic("2016 R1")).unwrap();
    let new = build(&cic("2023 R3")).unwrap();
    let users = |tree| key(tree, layout::USERS).unwrap();
    assert!(users(&old.tree)
        .subkeys()
        .all(|u| u.value(layout::USER_STATUS).is_some()));
    assert!(users(&new.tree)
        .subkeys()
        .all(|u| u.value(layout::USER_STATUS).is_none()));
    assert!(key(&old.tree, layout::LIVE_DATA_USER_STATUS).is_none());
    let live = key(&new.tree, layout::LIVE_DATA_USER_STATUS).unwrap();
    assert_eq!(live.subkey_count(), users(&new.tree).subkey_count());
    let since = live
        .subkeys()
        .next()
        .unwrap()
        .text(layout::USER_STATUS_SINCE)
        .unwrap();
    assert!(since.ends_with('Z') && since.contains('T'), "{since}");
}

#[test]
fn releases_differ_in_language_folders_classes_and_deprecated_parameters() {
    let old = build(&cic("2016 R1")).unwrap();
    let new = build(&cic("2023 R3")).unwrap();
    let waves = |image: &SampleImage, lang: &str| {
        let prefix = format!("{}\\{lang}\\", layout::ATTENDANT_WAVES_DIR);
        file_paths(image).iter().any(|f| f.starts_with(&prefix))
    };
    assert!(waves(&old, "fr-fr") && !waves(&old, "fr"));
    assert!(waves(&new, "fr") && !waves(&new, "fr-fr"));
    assert!(waves(&old, "en-us") && waves(&new, "en-us"));

    let classes = |image: &SampleImage| {
        let config = key(&image.tree, layout::DIAL_PLAN_CONFIGURATION).unwrap();
        config
            .value(layout::CLASSIFICATIONS_VALUE)
            .unwrap()
            .as_strings()
            .unwrap()
    };
    assert!(classes(&old)
        .iter()
        .all(|c| c.starts_with("DialPlanClassification:")));
    assert!(classes(&new)
        .iter()
        .all(|c| c.starts_with("RegionalDialPlanClassification:")));

    let parameters =
        |image: &SampleImage| key(&image.tree, layout::SERVER_PARAMETERS).unwrap().clone();
    for name in [
        layout::LINE_QUEUE_REPORTING_INTERVAL,
        layout::QUEUE_PERIOD_STATISTICS_INTERVAL,
    ] {
        assert!(parameters(&old).subkey(name).is_some(), "{name} on 2016 R1");
        assert!(parameters(&new).subkey(name).is_none(), "{name} on 2023 R3");
    }
}

#[test]
fn server_and_site_names_appear_where_a_rename_must_find_them() {
    let image = build(&cic("2016 R1")).unwrap();
    let tree = &image.tree;
    let mail = text(tree, layout::MAIL, layout::MAIL_ROOT_PATH).unwrap();
    assert!(mail.starts_with("\\\\calliope\\"), "{mail}");
    let report = format!(
        "{}\\{}",
        layout::SERVER_PARAMETERS,
        layout::REPORT_PATH_PARAMETER
    );
    let report = text(tree, &report, layout::PARAMETER_VALUE).unwrap();
    let install = server::identity(tree, Path::new("r")).unwrap().install_path;
    assert!(
        report.starts_with(&install),
        "{report} is not under {install}"
    );
    let user = format!("{}\\csmith", layout::USERS);
    assert_eq!(
        text(tree, &user, layout::USER_DISPLAY_NAME).as_deref(),
        Some("Calliope Smith")
    );
    assert_eq!(
        text(tree, &user, layout::USER_HOME_SITE).as_deref(),
        Some("Indy")
    );

    let data = key(tree, layout::ATTENDANT_DATA).unwrap();
    let active = data.text(layout::ACTIVE_CONFIG_VALUE).unwrap();
    let nodes: Vec<String> = data
        .subkey(&active)
        .unwrap()
        .walk()
        .iter()
        .filter_map(|(_, k)| k.text(layout::FULL_NODE_PATH_VALUE))
        .collect();
    assert_eq!(nodes.len(), image.counts.get("Attendant Nodes").unwrap());
    let prefix = format!("Indy\\Production\\calliope\\AttendantData\\{active}\\");
    assert!(
        nodes.iter().all(|p| p.starts_with(&prefix)),
        "{:?}",
        nodes.first()
    );
}

#[test]
fn secrets_are_opaque_and_data_sources_hold_no_password() {
    let image = build(&cic("2020 R1")).unwrap();
    let parameters = key(&image.tree, layout::STRUCTURED_PARAMETERS).unwrap();
    let secrets: Vec<&Key> = parameters
        .subkeys()
        .filter(|p| {
            p.text(layout::STRUCTURED_TYPE).as_deref() == Some(layout::STRUCTURED_TYPE_SECRETS)
        })
        .collect();
    assert!(!secrets.is_empty());
    for udl in image.files.iter().filter(|f| f.path.ends_with(".udl")) {
        let FileContent::Bytes(bytes) = &udl.content else {
            panic!("udl is bytes")
        };
        let text = crate::registry::decode_sz(&bytes[2..]).unwrap();
        assert!(text.contains("Integrated Security=SSPI"));
        assert!(!text.to_lowercase().contains("password="), "{}", udl.path);
    }
}

#[test]
fn refuses_a_folder_that_is_not_empty_and_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("busy");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "mine").unwrap();
    let error = generate(&cic("2018 R5"), &out).unwrap_err();
    assert_eq!(error.kind(), crate::ErrorKind::Refused);
    assert!(error.message().contains("not empty"), "{}", error.message());
    let left: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "a working folder was left behind");
    assert_eq!(fs::read_to_string(out.join("keep.txt")).unwrap(), "mine");

    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    generate(&cic("2018 R5"), &empty).unwrap();
    assert!(empty.join(server::REGISTRY_FILE).is_file());
}

#[test]
fn refuses_names_that_cannot_be_key_names() {
    let mut bad = cic("2018 R5");
    bad.server = "cal\\liope".into();
    assert_eq!(build(&bad).unwrap_err().kind(), crate::ErrorKind::Usage);
    let mut bad = cic("2018 R5");
    bad.site = String::new();
    assert_eq!(build(&bad).unwrap_err().kind(), crate::ErrorKind::Usage);
}

#[test]
fn workgroup_members_match_user_memberships() {
    let image = build(&spec(ServerKind::Cic, "2018 R5", "calliope", Size::Medium)).unwrap();
    let users = key(&image.tree, layout::USERS).unwrap();
    let workgroups = key(&image.tree, layout::WORKGROUPS).unwrap();
    for group in workgroups.subkeys() {
        let members = group
            .value(layout::WORKGROUP_MEMBERS)
            .unwrap()
            .as_strings()
            .unwrap();
        for member in members {
            let user = users.subkey(&member).unwrap();
            let groups = user
                .value(layout::USER_WORKGROUPS)
                .unwrap()
                .as_strings()
                .unwrap();
            assert!(
                groups.iter().any(|g| g == group.name()),
                "{member} in {}",
                group.name()
            );
        }
    }
}

#[test]
fn site_settings_and_places_hold_what_other_entries_refer_to() {
    let image = build(&cic("2023 R3")).unwrap();
    let tree = &image.tree;
    let names = |path: &str| -> Vec<String> {
        let key = key(tree, path).unwrap();
        key.subkeys().map(|k| k.name().to_string()).collect()
    };
    let (templates, statuses) = (
        names(layout::CLIENT_TEMPLATES),
        names(layout::STATUS_MESSAGES),
    );
    for user in key(tree, layout::USERS).unwrap().subkeys() {
        let template = user.text("ClientTemplateConfiguration").unwrap();
        assert!(templates.contains(&template), "{template}");
    }
    for status in key(tree, layout::LIVE_DATA_USER_STATUS).unwrap().subkeys() {
        let text = status.text(layout::USER_STATUS).unwrap();
        assert!(statuses.contains(&text), "{text}");
    }
    let categories = names(layout::WRAP_UP_CATEGORIES);
    for code in key(tree, layout::WRAP_UP_CODES).unwrap().subkeys() {
        assert!(categories.contains(&code.text("Category").unwrap()));
    }
    let (locations, layouts) = (names(layout::LOCATIONS), names(layout::LAYOUTS));
    let stations = names(layout::WORKSTATIONS);
    for station in key(tree, layout::WORKSTATIONS).unwrap().subkeys() {
        assert!(locations.contains(&station.text("Location").unwrap()));
    }
    let positions = key(tree, layout::POSITIONS).unwrap();
    assert!(positions.subkey_count() > 0);
    for position in positions.subkeys() {
        assert!(layouts.contains(&position.text("Layout").unwrap()));
        assert!(stations.contains(&position.text("Station").unwrap()));
    }
    assert!(names(layout::SCHEDULES).contains(&"Business Hours".to_string()));
    let engines = format!("{}\\ASR Engines", layout::RECOGNITION);
    assert!(key(tree, &engines).is_some_and(|k| k.subkey_count() > 0));
}

#[test]
fn site_settings_grow_with_the_size() {
    let small = build(&cic("2023 R3")).unwrap().counts;
    let medium = build(&spec(ServerKind::Cic, "2023 R3", "calliope", Size::Medium))
        .unwrap()
        .counts;
    for container in [
        server::counts::SYSTEM_PARAMETERS,
        server::counts::STATUS_MESSAGES,
        server::counts::WRAP_UP_CODES,
        server::counts::ACCOUNT_CODES,
        server::counts::SCHEDULES,
        server::counts::LOCATIONS,
        server::counts::POSITIONS,
        server::counts::IPA_TEMPLATES,
    ] {
        let (s, m) = (small.get(container.name), medium.get(container.name));
        assert!(
            s.unwrap() > 0 && m.unwrap() > s.unwrap(),
            "{}",
            container.name
        );
    }
}
