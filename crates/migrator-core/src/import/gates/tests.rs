//! Every gate, on the hand-made image: what passes, what is refused, and what `--force`
//! turns into a warning.

use std::path::{Path, PathBuf};

use super::*;
use crate::import::fixture;
use crate::registry::{join, Value};
use crate::server::{self, Identity};

struct Case {
    dir: tempfile::TempDir,
    image: ServerImage,
    tree: RegTree,
    target: Identity,
    origin: Origin,
    tool: ToolRelease,
    mode: Mode,
    components: Vec<String>,
    extract_to: PathBuf,
    map_server: Vec<NameMapping>,
    map_site: Vec<NameMapping>,
    force: bool,
}

fn case(mode: Mode) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let image = fixture::write_image(dir.path());
    let tree = image.load_registry().unwrap();
    let target = server::identity(&tree, image.registry_file()).unwrap();
    let origin = Origin {
        tool_version: "1.4.2".into(),
        tool_build: "17".into(),
        server: target.server.clone(),
        site: target.site.clone(),
        kind: target.kind,
        cic_version: target.version,
        install_root: target.install_path.clone(),
        components: vec!["Users".into(), "Workgroups".into()],
    };
    Case {
        extract_to: dir.path().parent().unwrap().join("elsewhere"),
        dir,
        image,
        tree,
        target,
        components: origin.components.clone(),
        origin,
        tool: ToolRelease {
            version: "1.4.2".into(),
            build: "17".into(),
        },
        mode,
        map_server: Vec::new(),
        map_site: Vec::new(),
        force: false,
    }
}

impl Case {
    fn check(&self) -> Result<Vec<String>> {
        check(&GateInput {
            origin: &self.origin,
            tool: &self.tool,
            target: &self.target,
            target_tree: &self.tree,
            image: &self.image,
            mode: self.mode,
            components: &self.components,
            extract_to: &self.extract_to,
            map_server: &self.map_server,
            map_site: &self.map_site,
            force: self.force,
        })
    }

    fn refusal(&self) -> Error {
        let error = self.check().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{}", error.message());
        assert!(error.hint().is_some(), "every refusal says what to do");
        error
    }

    fn production(&self, rest: &str) -> String {
        let production = layout::resolve(layout::PRODUCTION, &self.target.site, "");
        join(layout::II_KEY, &join(&production, rest))
    }
}

#[test]
fn the_same_tool_passes_in_both_modes() {
    assert_eq!(case(Mode::Recovery).check().unwrap(), Vec::<String>::new());
    assert_eq!(case(Mode::Migration).check().unwrap(), Vec::<String>::new());
}

#[test]
fn an_archive_of_an_older_tool_is_refused_in_both_modes() {
    for mode in [Mode::Recovery, Mode::Migration] {
        let mut case = case(mode);
        case.origin.tool_version = "1.3.9".into();
        let error = case.refusal();
        assert!(error.message().contains("older"), "{}", error.message());
    }
}

#[test]
fn an_archive_of_a_newer_tool_asks_for_an_upgrade() {
    let mut case = case(Mode::Migration);
    case.origin.tool_version = "1.10.0".into();
    let error = case.refusal();
    assert!(error.hint().unwrap().contains("Upgrade migrator"));
}

#[test]
fn an_older_build_of_the_same_version_is_for_migration_only() {
    let mut recovery = case(Mode::Recovery);
    recovery.origin.tool_build = "16".into();
    let error = recovery.refusal();
    assert!(error.hint().unwrap().contains("--mode migration"));

    let mut migration = case(Mode::Migration);
    migration.origin.tool_build = "16".into();
    assert!(migration.check().is_ok());
    migration.origin.tool_build = "18".into();
    assert!(migration
        .refusal()
        .hint()
        .unwrap()
        .contains("Upgrade migrator"));
}

#[test]
fn recovery_needs_the_same_server_and_release() {
    let mut other_name = case(Mode::Recovery);
    other_name.origin.server = "helios".into();
    let error = other_name.refusal();
    assert!(error.message().contains("helios"));
    assert!(error.hint().unwrap().contains("--mode migration"));

    let mut other_release = case(Mode::Recovery);
    other_release.origin.cic_version = "2023 R3".parse().unwrap();
    assert!(other_release.refusal().message().contains("2023 R3"));

    let mut other_site = case(Mode::Recovery);
    other_site.origin.site = "Paris".into();
    let error = other_site.refusal();
    assert!(
        error.message().contains("site Paris"),
        "{}",
        error.message()
    );
    assert!(error.hint().unwrap().contains("--mode migration"));

    let mut upper_case = case(Mode::Recovery);
    upper_case.origin.server = "CALLIOPE".into();
    assert!(
        upper_case.check().is_ok(),
        "host names compare without case"
    );
}

#[test]
fn migration_onto_an_older_release_needs_force() {
    let mut newer_archive = case(Mode::Migration);
    newer_archive.target.version = "2015 R1".parse().unwrap();
    newer_archive.origin.cic_version = "2023 R3".parse().unwrap();
    let error = newer_archive.refusal();
    assert!(
        error.message().contains("older CIC 2015 R1"),
        "{}",
        error.message()
    );
    assert!(error.hint().unwrap().contains("--force"));
    newer_archive.force = true;
    let warnings = newer_archive.check().unwrap();
    assert!(warnings[0].starts_with("--force given: "), "{warnings:?}");

    let mut older_archive = case(Mode::Migration);
    older_archive.origin.cic_version = "2015 R1".parse().unwrap();
    older_archive.target.version = "2023 R3".parse().unwrap();
    assert!(
        older_archive.check().is_ok(),
        "forward is what migration is for"
    );
}

#[test]
fn media_server_archives_are_for_migration_onto_media_servers() {
    let mut onto_cic = case(Mode::Migration);
    onto_cic.origin.kind = ServerKind::Media;
    assert!(onto_cic
        .refusal()
        .message()
        .contains("Interaction Media Server"));

    let mut recovery = case(Mode::Recovery);
    recovery.origin.kind = ServerKind::Media;
    recovery.target.kind = ServerKind::Media;
    assert!(recovery.refusal().message().contains("Recovery mode"));
}

#[test]
fn a_running_service_refuses() {
    let case = case(Mode::Recovery);
    std::fs::write(case.dir.path().join(layout::SERVICE_RUNNING_MARKER), "").unwrap();
    assert!(case.refusal().message().contains("CIC service"));
}

#[test]
fn a_switchover_backup_needs_force() {
    let mut case = case(Mode::Recovery);
    let switchover = layout::resolve(layout::SWITCHOVER, &case.target.site, &case.target.server);
    let key = case
        .tree
        .find_mut(&join(layout::II_KEY, &switchover))
        .unwrap();
    key.set_value(Value::sz(layout::SWITCHOVER_ROLE, "Backup"));
    key.set_value(Value::sz(layout::SWITCHOVER_PARTNER, "calliope-a"));
    let error = case.refusal();
    assert!(
        error.message().contains("replication"),
        "{}",
        error.message()
    );
    assert!(error.hint().unwrap().contains("calliope-a"));

    case.force = true;
    let warnings = case.check().unwrap();
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].starts_with("--force given: "));
}

#[test]
fn admin_config_needs_tracker_data() {
    let mut case = case(Mode::Migration);
    case.components = vec!["AdminConfig".into(), "Users".into(), "Workstations".into()];
    assert!(case.check().is_ok(), "the target has Tracker data");

    let tracker = case.production("Tracker");
    case.tree.remove(&tracker);
    let error = case.refusal();
    assert!(
        error.message().contains("Tracker Config"),
        "{}",
        error.message()
    );

    case.components.push("tracker config".into());
    assert!(case.check().is_ok(), "imported together");
    case.components.pop();
    case.force = true;
    assert_eq!(case.check().unwrap().len(), 1);
}

#[test]
fn the_extraction_folder_stays_out_of_the_install_tree() {
    let mut case = case(Mode::Recovery);
    let install = case.image.install_dir();
    for folder in [
        install.clone(),
        install.join("Server").join("new"),
        install.join("..").join("IC").join("x"),
        case.dir.path().to_path_buf(),
    ] {
        case.extract_to = folder;
        let error = case.refusal();
        assert!(error
            .hint()
            .unwrap()
            .contains("outside the server's install tree"));
    }
    case.extract_to = case.dir.path().join("extracted");
    assert!(case.check().is_ok(), "beside the install tree is fine");
}

#[test]
fn paths_resolve_through_dot_dot_and_missing_parts() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().canonicalize().unwrap();
    let messy = dir
        .path()
        .join("a")
        .join("..")
        .join("b")
        .join(".")
        .join("c");
    assert_eq!(resolved(&messy), base.join("b").join("c"));
    assert_eq!(resolved(Path::new(&base)), base);
}

fn mappings(text: &[&str]) -> Vec<NameMapping> {
    text.iter().map(|m| m.parse().unwrap()).collect()
}

#[test]
fn a_mapping_to_a_site_or_server_the_target_lacks_needs_force() {
    let mut case = case(Mode::Migration);
    case.origin.server = "calliope".into();
    case.origin.site = "Indy".into();
    let (site, server) = (case.target.site.clone(), case.target.server.clone());

    case.map_site = mappings(&[&format!("Indy={site}")]);
    case.map_server = mappings(&[&format!("calliope={server}"), "mars=venus"]);
    assert_eq!(case.check().unwrap(), Vec::<String>::new());

    case.map_site = mappings(&[&format!("Indy={site}x")]);
    let error = case.refusal();
    assert!(
        error.message().contains(&format!("site {site}x")),
        "{}",
        error.message()
    );
    assert!(error
        .hint()
        .unwrap()
        .contains(&format!("--map-site Indy={site}")));

    case.map_site.clear();
    case.map_server = mappings(&[&format!("calliope={server}x")]);
    let error = case.refusal();
    assert!(
        error.message().contains(&format!("server {server}x")),
        "{}",
        error.message()
    );
    assert!(error
        .hint()
        .unwrap()
        .contains(&format!("--map-server calliope={server}")));

    case.force = true;
    let warnings = case.check().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains(&format!("{server}x")));
}

#[test]
fn a_site_mapping_must_name_the_archives_site() {
    let mut case = case(Mode::Migration);
    case.origin.site = "Indy".into();
    case.map_site = mappings(&["Indi=Chicago"]);
    case.force = true;
    let error = case.refusal();
    assert!(error.message().contains("site Indy"), "{}", error.message());
}

#[test]
fn mappings_are_refused_in_recovery_mode() {
    let mut case = case(Mode::Recovery);
    case.map_server = mappings(&["calliope=helios"]);
    let error = case.check().unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::Usage,
        "a wrong combination of options"
    );
    assert!(error.hint().unwrap().contains("--mode migration"));
}

#[test]
fn an_empty_target_takes_its_own_names_without_force() {
    let mut case = case(Mode::Migration);
    case.origin.server = "calliope".into();
    case.origin.site = "Indy".into();
    let (site, server) = (case.target.site.clone(), case.target.server.clone());
    // A freshly installed target: its identity, and no Directory Services data yet.
    let root = join(layout::II_KEY, layout::DS_ROOT);
    let sites: Vec<String> = case
        .tree
        .find(&root)
        .unwrap()
        .subkeys()
        .map(|k| k.name().to_string())
        .collect();
    for name in sites {
        case.tree.remove(&join(&root, &name));
    }
    assert_eq!(case.check().unwrap(), Vec::<String>::new());
    case.map_site = mappings(&[&format!("Indy={site}")]);
    case.map_server = mappings(&[&format!("calliope={server}")]);
    assert_eq!(case.check().unwrap(), Vec::<String>::new());
}
