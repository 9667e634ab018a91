//! `migrator resolve-parameters` through the binary, on a sample server left as a Migration
//! import leaves it: `_migrated` server parameters and IP tables beside the server's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migrator_core::layout;
use migrator_core::registry::{join, RegTree, Value};
use migrator_core::restore::{self, rollback_image};
use migrator_core::sample::{self, SampleSpec, Size};
use migrator_core::server::{ServerImage, ServerKind};

fn migrator(tmp: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrator"))
        .env("TMPDIR", tmp)
        .args(args)
        .output()
        .expect("migrator runs")
}

fn spec(kind: ServerKind, server: &str) -> SampleSpec {
    SampleSpec {
        kind,
        version: "2023 R3".parse().unwrap(),
        site: "Chicago".into(),
        server: server.into(),
        size: Size::Small,
        seed: 3,
        command_servers: Vec::new(),
    }
}

fn container(layout_path: &str) -> String {
    join(
        layout::II_KEY,
        &layout::resolve(layout_path, "Chicago", "helios"),
    )
}

fn parameter(tree: &mut RegTree, name: &str, value: &str) {
    let path = join(&container(layout::SERVER_PARAMETERS), name);
    tree.ensure(&path)
        .set_value(Value::sz(layout::PARAMETER_VALUE, value));
}

/// helios as a Migration import leaves it.
fn migrated_helios(tmp: &Path) -> (PathBuf, ServerImage) {
    let dir = tmp.join("helios");
    sample::generate(&spec(ServerKind::Cic, "helios"), &dir).unwrap();
    let image = ServerImage::open(&dir).unwrap();
    let mut tree = image.load_registry().unwrap();
    parameter(&mut tree, "Notifier Host_migrated", "helios");
    parameter(&mut tree, "Report File Path_migrated", "E:\\Reports");
    parameter(&mut tree, "Custom Escalation_migrated", "15");
    parameter(&mut tree, "SMTP Password", "hunter2-old");
    parameter(&mut tree, "SMTP Password_migrated", "hunter2-new");
    let tables = container(layout::IP_TABLES);
    let own = tree.find(&join(&tables, "IVR Menu Map")).unwrap().clone();
    let mut copy = own;
    copy.set_name("IVR Menu Map_migrated");
    tree.find_mut(&tables).unwrap().insert_subkey(copy);
    image.store_registry(&tree).unwrap();
    (dir, image)
}

fn value(image: &ServerImage, name: &str) -> Option<String> {
    let tree = image.load_registry().unwrap();
    let path = join(&container(layout::SERVER_PARAMETERS), name);
    tree.find(&path)
        .and_then(|key| key.text(layout::PARAMETER_VALUE))
}

#[test]
fn plan_changes_nothing_and_shows_no_secret() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, image) = migrated_helios(tmp.path());
    let before = std::fs::read(image.registry_file()).unwrap();
    let server = dir.to_str().unwrap();
    let output = migrator(
        tmp.path(),
        &["resolve-parameters", "--server", server, "--plan"],
    );
    assert_eq!(
        output.status.code(),
        Some(1),
        "pairs would be left: {output:?}"
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Plan only: 3 pair(s) would be resolved; nothing was changed."));
    assert!(
        text.contains("2 pair(s) differ and are left as they are"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2"),
        "a secret-looking value was shown"
    );
    let after = std::fs::read(image.registry_file()).unwrap();
    assert!(after == before, "--plan changed the registry");

    let output = migrator(
        tmp.path(),
        &["resolve-parameters", "--server", server, "--plan", "--json"],
    );
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let pairs: Vec<(String, String)> = json["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let name = p["name"].as_str().unwrap().to_string();
            (name, p["resolution"].as_str().unwrap().to_string())
        })
        .collect();
    let expected = [
        ("Notifier Host", "equal"),
        ("Report File Path", "undecided"),
        ("Custom Escalation", "rename-back"),
        ("SMTP Password", "undecided"),
        ("IVR Menu Map", "equal"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(pairs, expected);
    assert!(!String::from_utf8_lossy(&output.stdout).contains("hunter2"));
}

#[test]
fn equal_pairs_go_at_once_the_chosen_side_stays_and_rollback_undoes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, image) = migrated_helios(tmp.path());
    let before = std::fs::read(image.registry_file()).unwrap();
    let server = dir.to_str().unwrap();
    let mode = |path: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    };
    std::fs::set_permissions(
        image.registry_file(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )
    .unwrap();

    let output = migrator(tmp.path(), &["resolve-parameters", "--server", server]);
    assert_eq!(output.status.code(), Some(1), "pairs are left: {output:?}");
    assert_eq!(
        mode(image.registry_file()),
        0o644,
        "the registry keeps its permissions"
    );
    assert_eq!(value(&image, "Notifier Host_migrated"), None);
    assert_eq!(value(&image, "Custom Escalation").as_deref(), Some("15"));
    assert_eq!(value(&image, "Custom Escalation_migrated"), None);
    assert_eq!(
        value(&image, "Report File Path_migrated").as_deref(),
        Some("E:\\Reports")
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("Resolved 3 pair(s)."), "{text}");
    assert!(text.contains("Restore point: "), "{text}");

    let output = migrator(
        tmp.path(),
        &[
            "resolve-parameters",
            "--server",
            server,
            "--keep",
            "imported",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_eq!(
        value(&image, "Report File Path").as_deref(),
        Some("E:\\Reports")
    );
    assert_eq!(
        value(&image, "SMTP Password").as_deref(),
        Some("hunter2-new")
    );
    assert_eq!(value(&image, "Report File Path_migrated"), None);
    let again = migrator(tmp.path(), &["resolve-parameters", "--server", server]);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(
        text.contains("no _migrated server parameter or IP table"),
        "{text}"
    );

    let points = restore::list(&image).unwrap();
    assert_eq!(
        points.len(),
        2,
        "each run that changed something took a restore point"
    );
    rollback_image(&image, Some(points[0].name()), false).unwrap();
    let after = std::fs::read(image.registry_file()).unwrap();
    assert!(
        after == before,
        "the registry is byte-identical to before the first run"
    );
}

#[test]
fn a_bad_side_is_a_usage_error_and_a_media_server_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, _) = migrated_helios(tmp.path());
    let server = dir.to_str().unwrap();
    let output = migrator(
        tmp.path(),
        &["resolve-parameters", "--server", server, "--keep", "both"],
    );
    assert_eq!(output.status.code(), Some(2));

    let media = tmp.path().join("venus");
    sample::generate(&spec(ServerKind::Media, "venus"), &media).unwrap();
    let output = migrator(
        tmp.path(),
        &["resolve-parameters", "--server", media.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(
        text.starts_with("error: venus is an Interaction Media Server"),
        "{text}"
    );
}
