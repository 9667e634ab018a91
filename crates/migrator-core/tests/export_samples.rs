//! Exports of sample servers (CIC at two releases, a Media Server): every piece of
//! configuration lands in exactly one component, and the archives test clean with 7-Zip and
//! the archive reader, with and without a password.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use migrator_core::archive::Archive;
use migrator_core::catalog::{self, CollectOptions, Collection, Scope};
use migrator_core::export::{self, ExportRequest};
use migrator_core::layout;
use migrator_core::progress::NoProgress;
use migrator_core::registry::{fold, is_within, join};
use migrator_core::sample::{self, SampleSpec, Size};
use migrator_core::server::{self, ServerImage, ServerKind};
use secrecy::SecretString;

fn samples() -> Vec<SampleSpec> {
    let spec = |kind, version: &str, server: &str| SampleSpec {
        kind,
        version: version.parse().unwrap(),
        site: "Indy".into(),
        server: server.into(),
        size: Size::Small,
        seed: 7,
        command_servers: Vec::new(),
    };
    vec![
        spec(ServerKind::Cic, "2016 R1", "calliope"),
        spec(ServerKind::Cic, "2023 R3", "helios"),
        spec(ServerKind::Media, "2018 R5", "backgammon"),
    ]
}

fn collect_all(dir: &Path) -> (ServerImage, migrator_core::registry::RegTree, Collection) {
    let image = ServerImage::open(dir).unwrap();
    let tree = image.load_registry().unwrap();
    let identity = server::identity(&tree, image.registry_file()).unwrap();
    let selection = catalog::select("all", &Scope::of(&identity)).unwrap();
    let options = CollectOptions::default();
    let collection = catalog::collect(&image, &tree, &identity, &selection, &options).unwrap();
    (image, tree, collection)
}

/// Keys holding values, with the component whose data they are.
fn value_keys(collection: &Collection) -> HashMap<String, String> {
    let mut owners = HashMap::new();
    for collected in &collection.components {
        for root in &collected.roots {
            let key = collected.tree.find(root).unwrap();
            for (path, key) in key.walk() {
                if key.value_count() == 0 {
                    continue;
                }
                let full = fold(&join(root, &path));
                if let Some(other) = owners.insert(full.clone(), collected.name.clone()) {
                    panic!("{full} belongs to {other} and {}", collected.name);
                }
            }
        }
    }
    owners
}

/// The keys a server never exports: its identity, setup state and Switchover settings.
fn never_exported(path: &str, ii: &str) -> bool {
    let relative = path
        .strip_prefix(ii)
        .unwrap_or(path)
        .trim_start_matches('\\');
    relative.is_empty()
        || is_within(relative, layout::SETUP_ASSISTANT)
        || fold(relative) == fold(layout::DS_ROOT)
        || fold(relative).ends_with("\\SWITCHOVER")
}

#[test]
fn every_configuration_item_of_a_sample_belongs_to_exactly_one_component() {
    for spec in samples() {
        let dir = tempfile::tempdir().unwrap();
        let summary = sample::generate(&spec, dir.path()).unwrap();
        let (image, tree, collection) = collect_all(&summary.dir);
        let owners = value_keys(&collection);
        let (ii, _) = server::ii_key(&tree).unwrap();
        for (path, key) in tree.walk() {
            let data = key.value_count() > 0 && is_within(&path, ii);
            if data && !owners.contains_key(&fold(&path)) {
                assert!(
                    never_exported(&path, ii),
                    "{}: {path} is in no component",
                    spec.server
                );
            }
        }
        let mut files: HashMap<String, &str> = HashMap::new();
        for collected in &collection.components {
            for file in &collected.files {
                let previous = files.insert(fold(&file.archive_path), &collected.name);
                assert!(
                    previous.is_none(),
                    "{} is in two components",
                    file.archive_path
                );
            }
        }
        for entry in walkdir::WalkDir::new(image.install_dir()) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry.path().strip_prefix(image.install_dir()).unwrap();
            let relative: Vec<_> = relative.iter().map(|p| p.to_string_lossy()).collect();
            let relative = relative.join("/");
            let licence = fold(&relative).ends_with(".I3LIC");
            assert!(
                licence || files.contains_key(&fold(&relative)),
                "{}: file {relative} is in no component",
                spec.server
            );
        }
    }
}

fn seven_zip_tests_clean(archive: &Path, password: &str) -> bool {
    let output = Command::new("7zz")
        .arg("t")
        .arg(archive)
        .arg(format!("-p{password}"))
        .output()
        .expect("7zz runs (apt-get install 7zip)");
    output.status.success() && String::from_utf8_lossy(&output.stdout).contains("Everything is Ok")
}

#[test]
fn sample_exports_test_clean_with_and_without_a_password() {
    let password = SecretString::from("sample password".to_string());
    for spec in samples() {
        let dir = tempfile::tempdir().unwrap();
        let summary = sample::generate(&spec, &dir.path().join("image")).unwrap();
        for secret in [None, Some(&password)] {
            let out = dir
                .path()
                .join(if secret.is_some() { "locked" } else { "open" });
            let request = ExportRequest {
                server: summary.dir.clone(),
                nodes: "all".into(),
                custom_handlers: None,
                out: out.clone(),
            };
            let prepared = export::prepare(&request).unwrap();
            let chosen = prepared.selection.entries.len();
            let report = prepared.write(secret, &NoProgress).unwrap();
            let text = if secret.is_some() {
                "sample password"
            } else {
                ""
            };
            assert!(
                seven_zip_tests_clean(&report.archive, text),
                "{}",
                spec.server
            );

            let archive = Archive::open(&report.archive, secret).unwrap();
            assert_eq!(archive.manifest().server, spec.server);
            assert_eq!(archive.manifest().components.len(), chosen);
            assert!(
                archive.verify(&NoProgress).unwrap().is_sound(),
                "{}",
                spec.server
            );
            let items: u64 = archive.manifest().components.iter().map(|c| c.items).sum();
            let reported: usize = report.components.iter().map(|c| c.items).sum();
            assert_eq!(items, reported as u64);
        }
    }
}
