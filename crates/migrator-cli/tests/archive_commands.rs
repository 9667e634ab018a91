//! `migrator inspect` and `migrator verify` on archives written by the library.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use chrono::TimeZone;
use migrator_core::archive::{ArchiveWriter, ComponentInput, FileInput, ManifestHeader};
use migrator_core::progress::NoProgress;
use migrator_core::server::ServerKind;
use secrecy::SecretString;

const PASSWORD: &str = "Tr0ub4dor&3";

fn migrator(args: &[&str], password_env: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.args(args).env_remove("MIGRATOR_PASSWORD");
    if let Some(password) = password_env {
        command.env("MIGRATOR_PASSWORD", password);
    }
    command.output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// An archive with a chosen component, a pulled-in one with a 1 MB file, and an empty one.
fn archive(dir: &Path, password: Option<&str>) -> PathBuf {
    let source = dir.join("welcome.wav");
    let noise: Vec<u8> = (0u32..1_000_000)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&source, noise).unwrap();
    let header = ManifestHeader {
        server: "CIC01".into(),
        site: "Main".into(),
        kind: ServerKind::Cic,
        cic_version: "2019 R2".parse().unwrap(),
        install_root: String::new(),
        created: chrono::Local.with_ymd_and_hms(2024, 3, 7, 9, 5, 2).unwrap(),
    };
    let password = password.map(|p| SecretString::from(p.to_string()));
    let dest = dir.join("out");
    std::fs::create_dir(&dest).unwrap();
    let mut writer = ArchiveWriter::create(&dest, header, password.as_ref(), &NoProgress).unwrap();
    let components = [
        ("Users", 12, None, vec![]),
        ("Prompts", 1, Some("Users pulls in Prompts"), vec![source]),
        ("Lines", 0, None, vec![]),
    ];
    for (name, items, reason, files) in components {
        writer
            .add_component(ComponentInput {
                name: name.into(),
                items,
                reason_pulled_in: reason.map(str::to_string),
                registry: Some(format!("{name} registry").into_bytes()),
                files: files
                    .into_iter()
                    .map(|path| FileInput {
                        archive_path: "Resources/welcome.wav".into(),
                        size: 1_000_000,
                        source: path,
                    })
                    .collect(),
            })
            .unwrap();
    }
    writer.finish().unwrap()
}

fn password_file(dir: &Path, content: &str) -> String {
    let path = dir.join("password.txt");
    std::fs::write(&path, content).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn inspect_json_has_the_manifest_and_every_component() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), Some(PASSWORD));
    assert!(
        path.ends_with("CIC01_03072024090502.ininmigr"),
        "{}",
        path.display()
    );
    let file = password_file(dir.path(), &format!("{PASSWORD}\r\n"));
    let output = migrator(
        &[
            "inspect",
            path.to_str().unwrap(),
            "--json",
            "--password-file",
            &file,
        ],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["tool_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["build"], migrator_core::BUILD);
    assert_eq!(json["server"], "CIC01");
    assert_eq!(json["site"], "Main");
    assert_eq!(json["kind"], "cic");
    assert_eq!(json["cic_version"], "2019 R2");
    assert!(json["created"]
        .as_str()
        .unwrap()
        .starts_with("2024-03-07T09:05:02"));
    assert_eq!(json["encrypted"], true);
    let components = json["components"].as_array().unwrap();
    let names: Vec<&str> = components
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Users", "Prompts", "Lines"]);
    assert_eq!(components[0]["items"], 12);
    assert_eq!(components[1]["reason"], "Users pulls in Prompts");
    assert_eq!(components[1]["files"], 1);
    assert_eq!(components[1]["sha256"].as_str().unwrap().len(), 64);
    assert!(!stdout(&output).contains(PASSWORD) && !stderr(&output).contains(PASSWORD));
}

#[test]
fn inspect_text_lists_components_with_counts_and_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), None);
    let output = migrator(&["inspect", path.to_str().unwrap()], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("CIC01 (CIC server)"), "{text}");
    assert!(text.contains("2019 R2"), "{text}");
    assert!(text.contains("encrypted:  no"), "{text}");
    let prompts = text.lines().find(|l| l.starts_with("Prompts")).unwrap();
    assert!(prompts.contains("Users pulls in Prompts"), "{prompts}");
    assert!(prompts.contains("1000016"), "{prompts}");
}

#[test]
fn verify_passes_a_sound_archive_with_the_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), Some(PASSWORD));
    let output = migrator(&["verify", path.to_str().unwrap()], Some(PASSWORD));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    for name in ["Users", "Prompts", "Lines"] {
        assert!(text.contains(&format!("ok       {name}")), "{text}");
    }
    assert!(stderr(&output).contains("verify in"), "{}", stderr(&output));
}

#[test]
fn verify_names_the_damaged_component_and_exits_with_the_damage_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), Some(PASSWORD));
    let mut bytes = std::fs::read(&path).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();
    let output = migrator(&["verify", path.to_str().unwrap()], Some(PASSWORD));
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("DAMAGED  Prompts"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("ok       Users"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("component Prompts"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_of_a_truncated_archive_says_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), None);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let output = migrator(&["verify", path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(6));
    let error = stderr(&output);
    assert!(error.contains("cut short"), "{error}");
    assert!(error.contains("Prompts (components/002.zip)"), "{error}");
}

#[test]
fn a_wrong_or_missing_password_has_its_own_exit_code_and_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = archive(dir.path(), Some(PASSWORD));
    let wrong = password_file(dir.path(), "not-the-password\n");
    let output = migrator(
        &["verify", path.to_str().unwrap(), "--password-file", &wrong],
        None,
    );
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("password does not open"),
        "{}",
        stderr(&output)
    );
    assert!(!stderr(&output).contains("not-the-password"));

    let output = migrator(&["inspect", path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("protected by a password"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("--password-file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_file_that_is_not_an_archive_is_damage_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.ininmigr");
    std::fs::write(&path, "just some text\n").unwrap();
    for command in ["inspect", "verify"] {
        let output = migrator(&[command, path.to_str().unwrap()], None);
        assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
        assert!(
            stderr(&output).starts_with("error: "),
            "{}",
            stderr(&output)
        );
    }
}
