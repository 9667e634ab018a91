use std::fs;

use secrecy::SecretString;

use super::*;
use crate::archive::Archive;
use crate::catalog::fixture;
use crate::progress::NoProgress;

struct Setup {
    image: tempfile::TempDir,
    out: tempfile::TempDir,
}

fn setup() -> Setup {
    let image = tempfile::tempdir().unwrap();
    fixture::write_image(image.path(), layout::II_KEY);
    Setup {
        image,
        out: tempfile::tempdir().unwrap(),
    }
}

fn request(setup: &Setup, nodes: &str) -> ExportRequest {
    ExportRequest {
        server: setup.image.path().to_path_buf(),
        nodes: nodes.to_string(),
        custom_handlers: None,
        out: setup.out.path().join("exports"),
    }
}

fn listing(dir: &Path) -> Vec<String> {
    match fs::read_dir(dir) {
        Ok(entries) => entries
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn an_export_holds_every_selected_component_with_its_counts() {
    let setup = setup();
    let prepared = prepare(&request(&setup, "AdminConfig, Dial Plan")).unwrap();
    assert!(!prepared.service_running);
    let report = prepared.write(None, &NoProgress).unwrap();
    let name = report
        .archive
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        name.starts_with("calliope_") && name.ends_with(".ininmigr"),
        "{name}"
    );
    assert_eq!(name.len(), "calliope_".len() + 14 + ".ininmigr".len());

    let archive = Archive::open(&report.archive, None).unwrap();
    let manifest = archive.manifest();
    assert_eq!(
        (manifest.server.as_str(), manifest.site.as_str()),
        ("calliope", "Indy")
    );
    let records: Vec<(&str, bool, u64, u64)> = manifest
        .components
        .iter()
        .map(|c| (c.name.as_str(), c.chosen, c.items, c.files))
        .collect();
    assert_eq!(
        records,
        [
            ("Workstations", false, 1, 0),
            ("Users", false, 2, 0),
            ("Workgroups", false, 1, 0),
            ("Dial Plan", true, 3, 2),
            ("AdminConfig", true, 1, 0),
        ]
    );
    assert!(archive.verify(&NoProgress).unwrap().is_sound());
}

#[test]
fn the_registry_fragment_reads_back_as_the_component_subtree() {
    let setup = setup();
    let report = prepare(&request(&setup, "Users"))
        .unwrap()
        .write(None, &NoProgress)
        .unwrap();
    let archive = Archive::open(&report.archive, None).unwrap();
    let extract = tempfile::tempdir().unwrap();
    let users = archive
        .extract_component("Users", extract.path(), &NoProgress)
        .unwrap();
    let bytes = users.registry.expect("Users has registry data");
    let options = regfile::ReadOptions::for_file(Path::new("registry.reg"));
    let tree = regfile::parse(&bytes, &options).unwrap().to_tree();
    let base = format!(
        "{}\\EIC\\Directory Services\\Root\\Indy\\Production",
        layout::II_KEY
    );
    let alice = tree.find(&format!("{base}\\Users\\alice")).unwrap();
    assert_eq!(alice.text("Extension").as_deref(), Some("1001"));
    assert!(tree.find(&format!("{base}\\Workgroups")).is_none());
    assert!(tree.find(&format!("{base}\\calliope")).is_none());
}

#[test]
fn a_password_encrypts_the_archive() {
    let setup = setup();
    let password = SecretString::from("s3cret pass".to_string());
    let report = prepare(&request(&setup, "all"))
        .unwrap()
        .write(Some(&password), &NoProgress)
        .unwrap();
    let wrong = SecretString::from("wrong".to_string());
    let error = Archive::open(&report.archive, Some(&wrong)).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::WrongPassword);
    let archive = Archive::open(&report.archive, Some(&password)).unwrap();
    assert!(archive.is_encrypted());
    assert!(archive.verify(&NoProgress).unwrap().is_sound());
    let handlers = archive.manifest().component("Handlers").unwrap();
    assert_eq!(handlers.files, 2);
}

#[test]
fn a_destination_in_the_install_tree_is_refused_and_nothing_is_created() {
    let setup = setup();
    let install = setup.image.path().join("I3").join("IC");
    let inside = [
        install.clone(),
        install.join("Server").join("Exports"),
        setup
            .image
            .path()
            .join("elsewhere")
            .join("..")
            .join("I3")
            .join("IC")
            .join("x"),
    ];
    for out in inside {
        let mut request = request(&setup, "Users");
        request.out = out.clone();
        let error = prepare(&request).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{}", out.display());
        assert!(error.message().contains("install"), "{}", error.message());
        assert!(!setup.image.path().join("I3/IC/Server/Exports").exists());
        assert!(!setup.image.path().join("I3/IC/x").exists());
    }
}

#[test]
fn the_image_folder_itself_is_an_allowed_destination() {
    let setup = setup();
    let mut request = request(&setup, "Mail");
    request.out = setup.image.path().to_path_buf();
    assert!(prepare(&request).is_ok());
}

#[test]
fn a_selection_of_nothing_is_an_error_and_writes_nothing() {
    let setup = setup();
    let error = prepare(&request(&setup, " , ")).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Usage);
    assert!(listing(setup.out.path()).is_empty());
}

#[test]
fn a_failure_while_writing_leaves_no_file_and_no_new_folder() {
    let setup = setup();
    let prepared = prepare(&request(&setup, "Handlers")).unwrap();
    let handler = setup
        .image
        .path()
        .join("I3/IC/Handlers/Custom/MyHandler.ihd");
    fs::remove_file(handler).unwrap();
    let error = prepared.write(None, &NoProgress).unwrap_err();
    assert!(
        error.message().contains("MyHandler.ihd"),
        "{}",
        error.message()
    );
    assert!(
        listing(setup.out.path()).is_empty(),
        "{:?}",
        listing(setup.out.path())
    );
}

#[test]
fn an_earlier_export_survives_a_failed_one() {
    let setup = setup();
    let first = prepare(&request(&setup, "Users"))
        .unwrap()
        .write(None, &NoProgress)
        .unwrap();
    let before = fs::read(&first.archive).unwrap();
    let prepared = prepare(&request(&setup, "Handlers")).unwrap();
    fs::remove_file(
        setup
            .image
            .path()
            .join("I3/IC/Handlers/Custom/MyHandler.ihd"),
    )
    .unwrap();
    assert!(prepared.write(None, &NoProgress).is_err());
    assert_eq!(listing(&setup.out.path().join("exports")).len(), 1);
    assert_eq!(fs::read(&first.archive).unwrap(), before);
}

#[test]
fn a_running_service_is_a_warning_not_a_refusal() {
    let setup = setup();
    fs::write(setup.image.path().join(layout::SERVICE_RUNNING_MARKER), "").unwrap();
    let prepared = prepare(&request(&setup, "Users")).unwrap();
    assert!(prepared.service_running);
    assert!(
        prepared.warnings[0].contains("calliope is running"),
        "{:?}",
        prepared.warnings
    );
    assert!(prepared.write(None, &NoProgress).is_ok());
}
