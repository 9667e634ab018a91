//! `migrator sample` and `migrator server-info`, driven through the binary.
//!
//! Counts are never written here: what `server-info` reads back is compared with what
//! `sample --json` says it generated.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use migrator_core::layout;
use migrator_core::registry::regfile::{self, ReadOptions};
use migrator_core::registry::{Key, RegTree};
use serde_json::Value as Json;

fn migrator(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_migrator"))
        .args(args)
        .output()
        .expect("the migrator binary runs")
}

fn ok(args: &[&str]) -> String {
    let output = migrator(args);
    assert!(
        output.status.success(),
        "migrator {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Runs `sample` with JSON output and returns what it says it generated.
fn sample(kind: &str, version: &str, server: &str, size: &str, out: &Path) -> Json {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "sample",
        "--kind",
        kind,
        "--version",
        version,
        "--server",
        server,
    ];
    args.extend(["--size", size, "--out", out, "--json"]);
    if kind == "cic" {
        args.extend(["--site", "Indy"]);
    }
    serde_json::from_str(&ok(&args)).unwrap()
}

fn server_info(dir: &Path) -> Json {
    serde_json::from_str(&ok(&["server-info", dir.to_str().unwrap(), "--json"])).unwrap()
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap().to_path_buf();
                files.insert(relative, fs::read(&path).unwrap());
            }
        }
    }
    files
}

fn registry(dir: &Path) -> RegTree {
    let path = dir.join("registry.reg");
    let bytes = fs::read(&path).unwrap();
    regfile::parse(&bytes, &ReadOptions::for_file(&path))
        .unwrap()
        .to_tree()
}

fn key<'a>(tree: &'a RegTree, layout_path: &str) -> Option<&'a Key> {
    let path = layout::resolve(layout_path, "Indy", "calliope");
    tree.find(&format!("{}\\{path}", layout::II_KEY))
}

#[test]
fn every_kind_and_size_reads_back_with_the_counts_generated() {
    let temp = tempfile::tempdir().unwrap();
    let cases = [
        ("cic", "2016 R1", "calliope", "small", "Users"),
        ("cic", "2023 R3", "calliope", "medium", "Users"),
        ("media", "2018 R5", "ims01", "small", "Command Servers"),
        ("media", "2021 R2", "ims01", "medium", "Command Servers"),
    ];
    for (kind, version, server, size, main) in cases {
        let out = temp.path().join(format!("{kind}-{size}"));
        let generated = sample(kind, version, server, size, &out);
        let info = server_info(&out);
        let case = format!("{kind} {version} {size}");
        assert_eq!(info["counts"], generated["counts"], "{case}");
        assert!(
            info["counts"][main].as_u64().unwrap() > 0,
            "{case}: no {main}"
        );
        assert_eq!(info["server"], server, "{case}");
        assert_eq!(info["version"], version, "{case}");
        assert_eq!(info["kind"], kind, "{case}");
        let site = if kind == "cic" { "Indy" } else { "" };
        assert_eq!(info["site"], site, "{case}");
        let on_disk: usize = files_under(&out).values().map(Vec::len).sum();
        assert_eq!(
            on_disk as u64,
            generated["bytes"].as_u64().unwrap(),
            "{case}"
        );
    }
}

#[test]
fn sizes_hold_what_they_promise() {
    let temp = tempfile::tempdir().unwrap();
    let small = sample(
        "cic",
        "2018 R5",
        "calliope",
        "small",
        &temp.path().join("s"),
    );
    let medium = sample(
        "cic",
        "2018 R5",
        "calliope",
        "medium",
        &temp.path().join("m"),
    );
    assert!(
        small["bytes"].as_u64().unwrap() < 2_000_000,
        "{}",
        small["bytes"]
    );
    let bytes = medium["bytes"].as_u64().unwrap();
    assert!(
        (10_000_000..100_000_000).contains(&bytes),
        "medium is {bytes} bytes"
    );
    let users = medium["counts"]["Users"].as_u64().unwrap();
    assert!((100..1_000).contains(&users), "medium has {users} users");
    assert!(small["counts"]["Users"].as_u64().unwrap() < users);
}

#[test]
fn the_same_options_give_byte_identical_images() {
    let temp = tempfile::tempdir().unwrap();
    for kind in ["cic", "media"] {
        let first = temp.path().join(format!("{kind}-1"));
        let second = temp.path().join(format!("{kind}-2"));
        sample(kind, "2018 R5", "calliope", "small", &first);
        sample(kind, "2018 R5", "calliope", "small", &second);
        let (a, b) = (files_under(&first), files_under(&second));
        assert!(a.len() > 1);
        assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (path, bytes) in &a {
            assert!(bytes == &b[path], "{kind}: {} differs", path.display());
        }
    }
    let seeded = temp.path().join("seeded");
    let out = seeded.to_str().unwrap();
    ok(&[
        "sample",
        "--version",
        "2018 R5",
        "--site",
        "Indy",
        "--server",
        "calliope",
    ]
    .into_iter()
    .chain(["--seed", "7", "--out", out])
    .collect::<Vec<_>>());
    let first = files_under(&temp.path().join("cic-1"));
    assert_ne!(
        files_under(&seeded)[Path::new("registry.reg")],
        first[Path::new("registry.reg")]
    );
}

#[test]
fn releases_differ_as_the_vendor_reference_describes() {
    let temp = tempfile::tempdir().unwrap();
    let (old_dir, new_dir) = (temp.path().join("old"), temp.path().join("new"));
    let old_summary = sample("cic", "2016 R1", "calliope", "small", &old_dir);
    let new_summary = sample("cic", "2023 R3", "calliope", "small", &new_dir);
    let (old, new) = (registry(&old_dir), registry(&new_dir));

    let users = key(&old, layout::USERS).unwrap();
    assert!(users
        .subkeys()
        .all(|u| u.value(layout::USER_STATUS).is_some()));
    assert!(key(&old, layout::LIVE_DATA_USER_STATUS).is_none());
    let live = key(&new, layout::LIVE_DATA_USER_STATUS).unwrap();
    assert_eq!(
        live.subkey_count() as u64,
        new_summary["counts"]["Users"].as_u64().unwrap()
    );
    let users = key(&new, layout::USERS).unwrap();
    assert!(users
        .subkeys()
        .all(|u| u.value(layout::USER_STATUS).is_none()));
    assert_eq!(old_summary["counts"]["User Status"], 0);

    let waves = |dir: &Path, lang: &str| {
        dir.join("I3/IC/Resources/InteractionAttendantWaves")
            .join(lang)
            .is_dir()
    };
    assert!(waves(&old_dir, "fr-fr") && !waves(&old_dir, "fr"));
    assert!(waves(&new_dir, "fr") && !waves(&new_dir, "fr-fr"));

    let classes = |tree: &RegTree| {
        let config = key(tree, layout::DIAL_PLAN_CONFIGURATION).unwrap();
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

    for name in [
        layout::LINE_QUEUE_REPORTING_INTERVAL,
        layout::QUEUE_PERIOD_STATISTICS_INTERVAL,
    ] {
        let parameter = format!("{}\\{name}", layout::SERVER_PARAMETERS);
        assert!(key(&old, &parameter).is_some(), "{name} missing on 2016 R1");
        assert!(key(&new, &parameter).is_none(), "{name} present on 2023 R3");
    }
}

#[test]
fn the_server_name_appears_in_ordinary_text_of_one_user() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("c");
    sample("cic", "2016 R1", "calliope", "small", &dir);
    let tree = registry(&dir);
    let users = key(&tree, layout::USERS).unwrap();
    let named: Vec<String> = users
        .subkeys()
        .filter_map(|u| u.text(layout::USER_DISPLAY_NAME))
        .filter(|name| name.to_lowercase().contains("calliope"))
        .collect();
    assert_eq!(named, ["Calliope Smith"]);
}

#[test]
fn refuses_a_folder_that_is_not_empty() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("busy");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("notes.txt"), "keep me").unwrap();
    let output = migrator(&[
        "sample",
        "--version",
        "2018 R5",
        "--site",
        "Indy",
        "--server",
        "calliope",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(4));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("not empty") && stderr.contains("busy"),
        "{stderr}"
    );
    assert_eq!(files_under(&out).len(), 1);
    assert_eq!(
        fs::read_dir(temp.path()).unwrap().count(),
        1,
        "a working folder was left"
    );
}

#[test]
fn bad_options_are_usage_errors() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("x");
    let out = out.to_str().unwrap();
    let cases: [&[&str]; 3] = [
        &[
            "sample",
            "--version",
            "2014 R1",
            "--site",
            "Indy",
            "--server",
            "c",
            "--out",
            out,
        ],
        &[
            "sample",
            "--version",
            "2018 R5",
            "--server",
            "calliope",
            "--out",
            out,
        ],
        &[
            "sample",
            "--version",
            "2018 R5",
            "--site",
            "Indy",
            "--server",
            "a\\b",
            "--out",
            out,
        ],
    ];
    for args in cases {
        let output = migrator(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!output.stderr.is_empty());
    }
    assert!(!Path::new(out).exists());
}

#[test]
fn server_info_text_lists_the_counts() {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("m");
    let generated = sample("media", "2020 R1", "ims01", "small", &dir);
    let text = ok(&["server-info", dir.to_str().unwrap()]);
    assert!(text.contains("Interaction Media Server"), "{text}");
    let servers = generated["counts"]["Command Servers"].as_u64().unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("Command Servers"))
        .unwrap();
    assert!(line.trim_end().ends_with(&format!(" {servers}")), "{line}");
}
