//! `migrator nodes`: the components a server has, through the built binary.

mod catalog_image;

use catalog_image::{cic_image, media_image, migrator, stdout};
use serde_json::Value;

fn nodes_json(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["nodes", "--json"];
    all.extend_from_slice(args);
    let output = migrator(&all);
    assert!(
        output.status.success(),
        "{}",
        catalog_image::stderr(&output)
    );
    serde_json::from_slice::<Vec<Value>>(&output.stdout).expect("nodes --json prints a list")
}

fn find<'a>(nodes: &'a [Value], name: &str) -> &'a Value {
    nodes
        .iter()
        .find(|n| n["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed"))
}

#[test]
fn without_a_server_every_component_of_both_kinds_is_listed() {
    let nodes = nodes_json(&[]);
    for name in [
        "Users",
        "<SERVER>\\IP",
        "IP\\Handlers",
        "Media Server Settings",
    ] {
        find(&nodes, name);
    }
    let admin = find(&nodes, "AdminConfig");
    let pulled: Vec<(&str, &str)> = admin["pulls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["by"].as_str().unwrap()))
        .collect();
    assert_eq!(
        pulled,
        [
            ("Workstations", "AdminConfig"),
            ("Users", "AdminConfig"),
            ("Workgroups", "Users")
        ]
    );
    assert_eq!(admin["import"]["special"][0], "licence_review");
    assert_eq!(
        admin["priority"],
        nodes.iter().filter(|n| n["kind"] == "cic").count()
    );
}

#[test]
fn with_a_cic_server_its_name_replaces_the_placeholder() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(dir.path());
    let nodes = nodes_json(&["--server", image.to_str().unwrap()]);
    assert!(nodes.iter().all(|n| n["kind"] == "cic"));
    let server_ip = find(&nodes, "calliope\\IP");
    assert_eq!(server_ip["catalog_name"], "<SERVER>\\IP");
    assert_eq!(server_ip["pulls"][0]["name"], "IP\\Handlers");
    let registry = server_ip["registry"][0].as_str().unwrap();
    assert!(registry.ends_with("Production\\calliope\\IP"), "{registry}");
    assert_eq!(
        find(&nodes, "Server Parameters")["import"]["special"][0],
        "migrated_suffix"
    );
    assert_eq!(find(&nodes, "Dial Plan")["import"]["files"], "overwrite");
    assert_eq!(find(&nodes, "Users")["import"]["files"], "keep_existing");
}

#[test]
fn with_a_media_server_only_its_components_are_listed() {
    let dir = tempfile::tempdir().unwrap();
    let image = media_image(dir.path());
    let output = migrator(&["nodes", "--server", image.to_str().unwrap()]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.starts_with("components of Interaction Media Server backgammon (2018 R5):"));
    assert!(text.contains("Media Server Properties"));
    assert!(!text.contains("Users"), "{text}");
}

#[test]
fn the_text_listing_says_what_each_component_pulls_in() {
    let output = migrator(&["nodes"]);
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("IP Phones "))
        .expect("IP Phones is listed");
    assert!(line.ends_with("pulls in IP Phone Proxy Groups"), "{line}");
}

#[test]
fn the_markdown_is_the_committed_components_page() {
    let output = migrator(&["nodes", "--markdown"]);
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/COMPONENTS.md"
    ))
    .unwrap();
    assert_eq!(stdout(&output), committed);
}
