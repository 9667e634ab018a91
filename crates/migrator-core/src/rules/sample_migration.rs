//! The rules on real sample servers: the components of a 2016 R1 server "calliope" (site
//! "Indy") carried onto a 2023 R3 server "helios" (site "Chicago"), as the import reads them
//! from an archive; and a Media Server "mars" paired with calliope carried onto "venus",
//! paired with helios.

use std::path::Path;

use tempfile::TempDir;

use super::fixtures;
use super::rename::decode_text;
use super::support::{is_excluded, strings_of, value_path};
use super::{apply_all, RuleContext, RuleOptions};
use crate::catalog::{self, CollectOptions, Scope};
use crate::checklist::{self, Checklist};
use crate::import::apply::{self, ApplyOptions};
use crate::import::archive_source::component_incoming;
use crate::import::plan;
use crate::import::source::Origin;
use crate::import::Mode;
use crate::incoming::{Destination, FilePolicy, ImportMode, Incoming, RuleLog};
use crate::layout;
use crate::progress::NoProgress;
use crate::registry::{Key, RegTree};
use crate::sample::{self, SampleSpec, Size};
use crate::server::{self, Identity, ServerImage, ServerKind};

/// A generated sample image with its registry and identity.
struct Sample {
    _dir: TempDir,
    image: ServerImage,
    tree: RegTree,
    identity: Identity,
}

/// Writes a small sample image and reads it back as the import reads a server.
fn sample(kind: ServerKind, version: &str, site: &str, server: &str, paired: &[&str]) -> Sample {
    let dir = tempfile::tempdir().expect("temporary folder");
    let spec = SampleSpec {
        kind,
        version: version.parse().expect("a release"),
        site: site.to_string(),
        server: server.to_string(),
        size: Size::Small,
        seed: 7,
        command_servers: paired.iter().map(|s| s.to_string()).collect(),
    };
    let folder = dir.path().join(server);
    sample::generate(&spec, &folder).expect("sample written");
    let image = ServerImage::open(&folder).expect("image opens");
    let tree = image.load_registry().expect("registry reads");
    let identity = server::identity(&tree, image.registry_file()).expect("identity");
    Sample {
        _dir: dir,
        image,
        tree,
        identity,
    }
}

/// Every component of a sample, as the import hands them to the rules after extraction: the
/// manifest gives no install path.
fn components(source: &Sample) -> Vec<Incoming> {
    let selection = catalog::select("all", &Scope::of(&source.identity)).expect("selection");
    let collection = catalog::collect(
        &source.image,
        &source.tree,
        &source.identity,
        &selection,
        &CollectOptions::default(),
    )
    .expect("collection");
    let origin = Origin {
        tool_version: crate::TOOL_VERSION.to_string(),
        tool_build: String::new(),
        server: source.identity.server.clone(),
        site: source.identity.site.clone(),
        kind: source.identity.kind,
        cic_version: source.identity.version,
        install_root: source.identity.install_path.clone(),
        components: collection
            .components
            .iter()
            .map(|c| c.name.clone())
            .collect(),
    };
    collection
        .components
        .into_iter()
        .map(|c| {
            let files = c
                .files
                .into_iter()
                .map(|f| (f.archive_path, f.source))
                .collect();
            component_incoming(&c.name, c.tree, files, &origin)
        })
        .collect()
}

/// Runs the rules of a Migration import of `source` onto `target`.
fn migrate(
    source: &Sample,
    target: &Sample,
    options: RuleOptions,
    work: &Path,
) -> (Vec<Incoming>, RuleLog, Checklist) {
    let mut incoming = components(source);
    let mut archive_identity = source.identity.clone();
    archive_identity.install_path = String::new();
    let install = target.image.install_dir();
    let ctx = RuleContext::new(
        ImportMode::Migration,
        archive_identity,
        target.identity.clone(),
        &target.tree,
        &install,
        work,
        options,
    )
    .expect("context");
    let mut log = RuleLog::default();
    apply_all(&ctx, &mut incoming, &mut log).expect("rules run");
    let checklist = checklist::build(&ctx, &incoming, &log);
    (incoming, log, checklist)
}

/// Plans the import of `incoming` onto `target` as the import does, and applies the plan to
/// the image; returns how many actions wrote.
fn plan_and_apply(target: &Sample, incoming: &[Incoming], log: &RuleLog) -> usize {
    let install = target.image.install_dir();
    let plan = plan::build(
        plan::Target {
            tree: &target.tree,
            install_dir: &install,
            kind: target.identity.kind,
        },
        incoming,
        log,
        Mode::Migration,
    )
    .expect("plan");
    let options = ApplyOptions {
        progress: &NoProgress,
        fault: None,
        stop_at_failure: true,
    };
    let applied = apply::apply(&target.image, target.tree.clone(), &plan, options);
    assert!(applied.failure.is_none(), "{:?}", applied.failure);
    plan.change_count()
}

/// Every place an old name is left in what will be imported, found by plain text search:
/// key names, value names and data, and the text of files.
fn leftovers(incoming: &[Incoming], names: &[&str]) -> Vec<String> {
    let found = |text: &str| {
        let text = text.to_lowercase();
        names.iter().any(|name| text.contains(&name.to_lowercase()))
    };
    let mut places = Vec::new();
    for component in incoming {
        for (path, key) in component.tree.walk() {
            if is_excluded(component, &path) {
                continue;
            }
            if found(key.name()) {
                places.push(path.clone());
            }
            for value in key.values() {
                let place = value_path(&path, value.name());
                let texts = strings_of(value);
                let hit = found(value.name()) || texts.iter().any(|t| found(t));
                if hit && !is_excluded(component, &place) {
                    places.push(place);
                }
            }
        }
        for file in &component.files {
            if let Destination::Install(path) = &file.destination {
                let text = decode_text(&std::fs::read(&file.source).expect("file reads"));
                if found(&text) {
                    places.push(path.clone());
                }
            }
        }
    }
    places
}

fn find<'a>(incoming: &'a [Incoming], component: &str) -> &'a Incoming {
    incoming
        .iter()
        .find(|c| c.component == component)
        .unwrap_or_else(|| panic!("no component {component}"))
}

fn key<'a>(component: &'a Incoming, path: &str) -> &'a Key {
    component
        .tree
        .find(path)
        .unwrap_or_else(|| panic!("no key {path} in {}", component.component))
}

fn names(key: &Key) -> Vec<String> {
    key.subkeys().map(|k| k.name().to_string()).collect()
}

fn helios(layout_path: &str) -> String {
    fixtures::path("Chicago", "helios", layout_path)
}

fn text(key: &Key, name: &str) -> String {
    key.text(name).unwrap_or_default()
}

fn destinations(component: &Incoming) -> Vec<(&str, &Destination)> {
    component
        .files
        .iter()
        .map(|f| (f.archive_path.as_str(), &f.destination))
        .collect()
}

/// The CIC migration of the issue: calliope (2016 R1, Indy) onto helios (2023 R3, Chicago).
struct Migrated {
    calliope: Sample,
    helios: Sample,
    incoming: Vec<Incoming>,
    log: RuleLog,
    checklist: Checklist,
    _work: TempDir,
}

fn calliope_onto_helios(options: RuleOptions) -> Migrated {
    let calliope = sample(ServerKind::Cic, "2016 R1", "Indy", "calliope", &[]);
    let helios = sample(ServerKind::Cic, "2023 R3", "Chicago", "helios", &[]);
    let work = tempfile::tempdir().expect("temporary folder");
    let (incoming, log, checklist) = migrate(&calliope, &helios, options, work.path());
    Migrated {
        calliope,
        helios,
        incoming,
        log,
        checklist,
        _work: work,
    }
}

#[test]
fn no_old_name_is_left_but_the_unresolved_ones() {
    let m = calliope_onto_helios(RuleOptions::default());
    let mut left = leftovers(&m.incoming, &["calliope", "Indy"]);
    let mut listed: Vec<String> = m.log.unresolved.iter().map(|u| u.path.clone()).collect();
    left.sort();
    listed.sort();
    assert_eq!(left, listed);
    let users = helios(layout::USERS);
    let parameters = helios(layout::SERVER_PARAMETERS);
    let unresolved: Vec<(String, &str)> = m
        .log
        .unresolved
        .iter()
        .map(|u| (u.path.clone(), u.name.as_str()))
        .collect();
    assert_eq!(
        unresolved,
        [
            (
                format!("{parameters}\\Site Description_migrated@Value"),
                "Indy"
            ),
            (format!("{users}\\csmith@givenName"), "calliope"),
            (format!("{users}\\csmith@displayName"), "calliope"),
            (format!("{users}\\csmith@Alias"), "calliope"),
        ],
        "only the user named after the server and the site's description keep the old names"
    );
    let user = key(find(&m.incoming, "Users"), &format!("{users}\\csmith"));
    assert_eq!(text(user, "displayName"), "Calliope Smith");
}

#[test]
fn the_checklist_holds_exactly_the_steps_that_apply() {
    let m = calliope_onto_helios(RuleOptions::default());
    let ids: Vec<&str> = m.checklist.steps.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "deprecated-queue-parameters",
            "restart-service",
            "publish-handlers",
            "reset-secrets",
            "review-migrated",
            "telephony",
            "repair-media-servers",
            "licence-allocation",
            "attendant",
            "unresolved-names",
        ]
    );
    let items = |id: &str| {
        let step = m.checklist.steps.iter().find(|s| s.id == id).unwrap();
        step.items.clone()
    };
    assert_eq!(
        items("reset-secrets"),
        ["CRM Credentials", "SMTP Relay Secret"]
    );
    assert_eq!(items("repair-media-servers"), ["ims01", "ims02"]);
    assert_eq!(items("attendant"), ["configuration Attendant"]);
    assert_eq!(
        items("deprecated-queue-parameters"),
        [
            "LineQueueReportingInterval",
            "QueuePeriodStatisticsInterval"
        ]
    );
    let handlers: Vec<String> = find(&m.incoming, "Handlers")
        .files
        .iter()
        .map(|f| f.archive_path.replace('/', "\\"))
        .collect();
    assert_eq!(items("publish-handlers"), handlers);
    assert_eq!(items("unresolved-names").len(), 4);
    let markdown = m.checklist.to_markdown();
    assert!(markdown.contains("## 3. Publish 4 custom handlers\n"));
    assert!(m
        .checklist
        .headline()
        .starts_with("Checklist: 10 steps left (move 2 deprecated"));
}

#[test]
fn server_and_site_names_follow_the_target() {
    let m = calliope_onto_helios(RuleOptions::default());
    for component in &m.incoming {
        for (path, _) in component.tree.walk() {
            assert!(!path.contains("\\Root\\Indy"), "{path}");
            assert!(!path.contains("\\Production\\calliope"), "{path}");
        }
    }
    let install = &m.helios.identity.install_path;
    let parameters = key(
        find(&m.incoming, "Server Parameters"),
        &helios(layout::SERVER_PARAMETERS),
    );
    let value = |name: &str| text(parameters.subkey(name).unwrap(), layout::PARAMETER_VALUE);
    assert_eq!(value("Notifier Host_migrated"), "helios");
    assert_eq!(value("WebServicesURL_migrated"), "http://helios:8018/icws");
    assert_eq!(
        value("ServerReportLogOutputPath_migrated"),
        "\\\\helios\\ReportLogs"
    );
    assert_eq!(
        value("Report File Path_migrated"),
        format!("{install}\\Server\\Reports\\")
    );
    assert_eq!(value("Site Description_migrated"), "Indy contact center");
    let mail = key(find(&m.incoming, "Mail"), &helios(layout::MAIL));
    assert_eq!(
        text(mail, layout::MAIL_ROOT_PATH),
        "\\\\helios\\I3Mail\\Root"
    );
    let attendant = find(&m.incoming, "Interaction Attendant");
    let config = key(
        attendant,
        &format!("{}\\Attendant", helios(layout::ATTENDANT_DATA)),
    );
    let server_node = config.subkeys().next().unwrap();
    assert_eq!(text(server_node, layout::NODE_NAME_VALUE), "helios");
    for (_, node) in config.walk().into_iter().skip(1) {
        let full = text(node, layout::FULL_NODE_PATH_VALUE);
        assert!(full.starts_with("Chicago\\Production\\helios\\AttendantData\\Attendant\\"));
    }
}

#[test]
fn parameters_tables_and_dnis_rows_keep_the_target_own() {
    let m = calliope_onto_helios(RuleOptions::default());
    let source = |layout_path: &str| {
        let at = fixtures::path("Indy", "calliope", layout_path);
        names(m.calliope.tree.find(&at).unwrap())
    };
    for (component, layout_path) in [
        ("Server Parameters", layout::SERVER_PARAMETERS),
        ("IP Tables", layout::IP_TABLES),
    ] {
        let imported = names(key(find(&m.incoming, component), &helios(layout_path)));
        let expected: Vec<String> = source(layout_path)
            .iter()
            .map(|name| format!("{name}_migrated"))
            .collect();
        assert_eq!(imported, expected, "{component}");
    }
    let dnis = find(&m.incoming, "DNIS Mappings");
    let rows = names(key(dnis, &helios(layout::DNIS_MAPPINGS)));
    assert_eq!(rows, source(layout::DNIS_MAPPINGS));
    let replaced: Vec<String> = dnis
        .replaced
        .iter()
        .map(|(path, _)| path.rsplit('\\').next().unwrap().to_string())
        .collect();
    let shared: Vec<String> = (0..10).map(|i| format!("800555010{i}")).collect();
    assert_eq!(
        replaced, shared,
        "rows of the DNIS both servers route are replaced"
    );
    let merges = m.log.changes_by(super::dnis::NAME);
    let merges = merges.filter(|c| c.detail.starts_with(crate::incoming::MERGED));
    assert_eq!(merges.count(), 10);
}

#[test]
fn files_go_where_their_rules_say() {
    let m = calliope_onto_helios(RuleOptions::default());
    let handlers = find(&m.incoming, "Handlers");
    assert!(handlers
        .files
        .iter()
        .all(|f| f.destination == Destination::ExtractOnly));
    let registrations = helios(layout::HANDLER_REGISTRATIONS);
    assert!(handlers
        .excluded
        .iter()
        .any(|(path, _)| *path == registrations));

    let data_sources = find(&m.incoming, "Data Sources");
    let defaults: Vec<&str> = data_sources
        .excluded
        .iter()
        .map(|(path, _)| path.rsplit('\\').next().unwrap())
        .collect();
    assert_eq!(defaults, ["I3_IC", "I3_IC_Reports"]);
    for (path, destination) in destinations(data_sources) {
        let default = path.ends_with("/I3_IC.udl") || path.ends_with("/I3_IC_Reports.udl");
        assert_eq!(default, destination == &Destination::Skip, "{path}");
    }

    for (path, destination) in destinations(find(&m.incoming, "Reports")) {
        let custom = path.starts_with("Server/Reports/Custom");
        let expected = match custom {
            true => Destination::Install(path.replace('/', "\\")),
            false => Destination::Skip,
        };
        assert_eq!(destination, &expected, "{path}");
    }

    let buttons = find(&m.incoming, "Client Buttons");
    for (path, destination) in destinations(buttons) {
        let name = path.rsplit('/').next().unwrap();
        assert_eq!(
            destination,
            &Destination::Install(format!("Resources\\{name}"))
        );
    }
    for button in key(buttons, &helios(layout::CLIENT_BUTTONS)).subkeys() {
        assert_eq!(text(button, layout::VALID_ICON_VALUE), "Yes");
    }

    let dial_plan = find(&m.incoming, "Dial Plan");
    assert!(dial_plan
        .files
        .iter()
        .all(|f| f.policy == FilePolicy::Overwrite));
    let waves: Vec<String> = find(&m.incoming, "Interaction Attendant")
        .files
        .iter()
        .filter_map(|f| match &f.destination {
            Destination::Install(path) => path.split('\\').nth(2).map(str::to_string),
            _ => None,
        })
        .collect();
    assert!(
        waves
            .iter()
            .all(|folder| folder == "en-us" || folder == "fr"),
        "{waves:?}"
    );
    assert!(waves.iter().any(|folder| folder == "fr"));
}

#[test]
fn dial_plan_users_and_attendant_take_the_target_release_forms() {
    let m = calliope_onto_helios(RuleOptions::default());
    let configuration = helios(layout::DIAL_PLAN_CONFIGURATION);
    let classifications = |tree: &RegTree, path: &str| {
        strings_of(
            tree.find(path)
                .and_then(|k| k.value(layout::CLASSIFICATIONS_VALUE))
                .unwrap(),
        )
    };
    let merged = strings_of(
        key(find(&m.incoming, "Dial Plan"), &configuration)
            .value(layout::CLASSIFICATIONS_VALUE)
            .unwrap(),
    );
    let mut expected = classifications(&m.helios.tree, &configuration);
    let calliope_path = fixtures::path("Indy", "calliope", layout::DIAL_PLAN_CONFIGURATION);
    for item in classifications(&m.calliope.tree, &calliope_path) {
        let name = item.split_once(':').unwrap().1;
        let regional = format!("RegionalDialPlanClassification:{name}");
        if !expected.contains(&regional) {
            expected.push(regional);
        }
    }
    assert_eq!(merged, expected);
    assert!(m
        .log
        .notices
        .iter()
        .any(|n| n.rule == super::dial_plan::NAME));

    let users = find(&m.incoming, "Users");
    let live = helios(layout::LIVE_DATA_USER_STATUS);
    for user in key(users, &helios(layout::USERS)).subkeys() {
        assert_eq!(text(user, layout::USER_HOME_SITE), "Chicago");
        assert!(user.value(layout::USER_STATUS).is_none());
        let status = key(users, &format!("{live}\\{}", user.name()));
        let since = text(status, layout::USER_STATUS_SINCE);
        assert!(since.len() == 20 && since.ends_with('Z'), "{since}");
    }

    let attendant = find(&m.incoming, "Interaction Attendant");
    let active = format!("{}\\Attendant", helios(layout::ATTENDANT_DATA));
    assert_eq!(attendant.replaced, [(active, super::attendant::NAME)]);
    assert!(m
        .log
        .notices
        .iter()
        .any(|n| n.rule == super::attendant::NAME));
}

#[test]
fn dev_mode_leaves_the_rescue_id_out() {
    let options = RuleOptions {
        dev_mode: true,
        ..RuleOptions::default()
    };
    let m = calliope_onto_helios(options);
    let recorder = find(&m.incoming, "Interaction Recorder");
    let rescue = value_path(&helios(layout::RECORDER), layout::RECORDINGS_RESCUE_ID);
    assert_eq!(recorder.excluded, [(rescue, super::dev_mode::NAME)]);
}

#[test]
fn a_second_import_plans_nothing() {
    let mut m = calliope_onto_helios(RuleOptions::default());
    assert!(plan_and_apply(&m.helios, &m.incoming, &m.log) > 0);
    m.helios.tree = m.helios.image.load_registry().expect("registry reads");
    let work = tempfile::tempdir().expect("temporary folder");
    let (again, log, _) = migrate(&m.calliope, &m.helios, RuleOptions::default(), work.path());
    assert_eq!(plan_and_apply(&m.helios, &again, &log), 0);
}

#[test]
fn a_media_server_migrates_with_its_command_servers_mapped() {
    let mars = sample(ServerKind::Media, "2016 R1", "", "mars", &["calliope"]);
    let venus = sample(ServerKind::Media, "2023 R3", "", "venus", &["helios"]);
    let work = tempfile::tempdir().expect("temporary folder");
    let (incoming, log, checklist) = migrate(&mars, &venus, RuleOptions::default(), work.path());

    let config = incoming
        .iter()
        .flat_map(|c| &c.files)
        .find(|f| f.archive_path.ends_with("MediaServerConfig.xml"))
        .expect("the configuration file");
    let xml = std::fs::read_to_string(&config.source).expect("file reads");
    let original = std::fs::read_to_string(
        mars.image
            .install_dir()
            .join("Resources")
            .join("MediaServerConfig.xml"),
    )
    .expect("file reads");
    // The release is host-bound: the file keeps the target's, as the registry does.
    let expected = original
        .replace("Version=\"2016 R1\"", "Version=\"2023 R3\"")
        .replace("ServerName=\"mars\"", "ServerName=\"venus\"")
        .replace("Name=\"calliope\"", "Name=\"helios\"")
        .replace(">calliope<", ">helios<");
    assert_eq!(xml, expected);
    assert_eq!(super::media_server::command_servers(&xml), ["helios"]);

    let media_key = crate::registry::join(layout::II_KEY, layout::MEDIA_SERVER);
    let excluded: Vec<&str> = incoming
        .iter()
        .flat_map(|c| &c.excluded)
        .map(|(path, _)| path.as_str())
        .collect();
    let host_bound = ["LicenseFile", "WebConfigLoginPassword", "ProductVersion"];
    let expected: Vec<String> = host_bound
        .iter()
        .map(|n| value_path(&media_key, n))
        .collect();
    assert_eq!(excluded, expected);

    let ids: Vec<&str> = checklist.steps.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "restart-service",
            "repair-command-servers",
            "media-host-values",
            "unresolved-names"
        ]
    );
    let unresolved: Vec<(&str, &str)> = log
        .unresolved
        .iter()
        .map(|u| (u.path.as_str(), u.name.as_str()))
        .collect();
    // The Media Server's account on its CIC server is named after it; re-pairing sets it.
    assert_eq!(unresolved, [("Resources\\MediaServerConfig.xml", "mars")]);
    assert!(xml.contains("<NotifierUserId>IMS_mars</NotifierUserId>"));
    let left = leftovers(&incoming, &["mars", "calliope"]);
    assert_eq!(left, ["Resources\\MediaServerConfig.xml"]);
}

#[test]
fn recovery_applies_only_the_rules_of_both_modes() {
    let calliope = sample(ServerKind::Cic, "2016 R1", "Indy", "calliope", &[]);
    let mut incoming = components(&calliope);
    let before: Vec<RegTree> = incoming.iter().map(|c| c.tree.clone()).collect();
    let install = calliope.image.install_dir();
    let work = tempfile::tempdir().expect("temporary folder");
    let ctx = RuleContext::new(
        ImportMode::Recovery,
        calliope.identity.clone(),
        calliope.identity.clone(),
        &calliope.tree,
        &install,
        work.path(),
        RuleOptions::default(),
    )
    .expect("context");
    let mut log = RuleLog::default();
    apply_all(&ctx, &mut incoming, &mut log).expect("rules run");
    let after: Vec<RegTree> = incoming.iter().map(|c| c.tree.clone()).collect();
    assert!(
        before == after,
        "recovery changes no registry data of a server onto itself"
    );
    let rules: std::collections::BTreeSet<&str> = log.changes.iter().map(|c| c.rule).collect();
    let expected = [
        "dial-plan-overwrite",
        "handlers-extract-only",
        "reports-production-or-custom",
        "secrets-reset",
    ];
    assert_eq!(rules.into_iter().collect::<Vec<_>>(), expected);
    assert!(find(&incoming, "Data Sources").excluded.is_empty());
    assert!(destinations(find(&incoming, "Reports"))
        .iter()
        .all(|(_, d)| **d == Destination::Skip));
    let checklist = checklist::build(&ctx, &incoming, &log);
    let ids: Vec<&str> = checklist.steps.iter().map(|s| s.id).collect();
    assert_eq!(
        ids,
        [
            "restart-service",
            "publish-handlers",
            "reset-secrets",
            "licence-allocation"
        ]
    );
}
