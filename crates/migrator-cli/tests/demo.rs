//! `migrator demo`, driven through the binary and checked the way a user would check it: the
//! archive it wrote verifies with its password, the target server holds the imported users
//! under its own site, the checklist it names exists and matches the headline, a rollback
//! undoes the import, and the demo runs again in the same folder.

mod cli_common;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use cli_common::{all_logs, archives, migrator, stderr, stdout};
use migrator_core::layout;
use migrator_core::registry::regfile::{self, ReadOptions};
use migrator_core::registry::RegTree;

fn run(tmp: &Path, args: &[&str]) -> Output {
    migrator(tmp).args(args).output().expect("the binary runs")
}

fn ok(tmp: &Path, args: &[&str]) -> String {
    let output = run(tmp, args);
    assert!(
        output.status.success(),
        "migrator {args:?} failed ({:?}):\n{}",
        output.status.code(),
        stderr(&output)
    );
    stdout(&output)
}

fn demo(tmp: &Path, dir: &Path) -> String {
    ok(
        tmp,
        &["demo", "--dir", dir.to_str().unwrap(), "--size", "small"],
    )
}

/// The path printed after `label` on a line of its own.
fn printed_path(text: &str, label: &str) -> PathBuf {
    let line = text
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no line starting {label:?} in:\n{text}"));
    PathBuf::from(line[label.len()..].trim())
}

fn registry(image: &Path) -> RegTree {
    let path = image.join("registry.reg");
    let bytes = fs::read(&path).unwrap();
    regfile::parse(&bytes, &ReadOptions::for_file(&path))
        .unwrap()
        .to_tree()
}

/// Each user of the image's Users key, with its Home Site value.
fn users(image: &Path, site: &str) -> Vec<(String, Option<String>)> {
    let tree = registry(image);
    let path = layout::resolve(layout::USERS, site, "");
    let users = tree
        .find(&format!("{}\\{path}", layout::II_KEY))
        .expect("the image has a Users key");
    users
        .subkeys()
        .map(|u| (u.name().to_string(), u.text(layout::USER_HOME_SITE)))
        .collect()
}

fn user_names(image: &Path, site: &str) -> BTreeSet<String> {
    users(image, site)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn demo_exports_plans_and_imports_onto_the_newer_server() {
    let temp = tempfile::tempdir().unwrap();
    let tmp = temp.path();
    let dir = tmp.join("demo");
    let text = demo(tmp, &dir);
    for expected in [
        "calliope",
        "helios",
        "2016 R1",
        "2023 R3",
        "Indy",
        "Chicago",
        "encrypted",
        "changes planned",
        "[rule ",
        "Status:",
        "Next, try:",
        "migrator rollback --server",
    ] {
        assert!(
            text.contains(expected),
            "the output lacks {expected}:\n{text}"
        );
    }

    let archive = printed_path(&text, "archive:");
    assert!(archive.is_file(), "{} is missing", archive.display());
    assert_eq!(
        archives(&dir.join("exports")),
        std::slice::from_ref(&archive)
    );
    let password_file = dir.join("demo-password.txt");
    let password = fs::read_to_string(&password_file).unwrap();
    let password = password.trim_end();
    assert!(!password.is_empty());
    let verified = ok(
        tmp,
        &[
            "verify",
            archive.to_str().unwrap(),
            "--password-file",
            password_file.to_str().unwrap(),
        ],
    );
    assert!(verified.contains("is sound"), "{verified}");
    let unlocked = run(tmp, &["verify", archive.to_str().unwrap()]);
    assert!(
        !unlocked.status.success(),
        "the archive opens without a password"
    );
    assert!(
        !text.contains(password) && !all_logs(tmp).contains(password),
        "the demo password was shown"
    );

    let calliope = users(&dir.join("calliope"), "Indy");
    assert!(calliope
        .iter()
        .all(|(_, site)| site.as_deref() == Some("Indy")));
    let source_users: BTreeSet<String> = calliope.into_iter().map(|(name, _)| name).collect();
    assert!(!source_users.is_empty());
    let helios = dir.join("helios");
    let target_users = users(&helios, "Chicago");
    for name in &source_users {
        let home = target_users.iter().find(|(n, _)| n == name);
        assert_eq!(
            home.map(|(_, site)| site.as_deref()),
            Some(Some("Chicago")),
            "user {name} on helios"
        );
    }

    let headline = text
        .lines()
        .find(|l| l.starts_with("Checklist: "))
        .expect("a checklist headline");
    let checklist = printed_path(&text, "Checklist file:");
    let markdown = fs::read_to_string(&checklist).unwrap();
    let titles: Vec<String> = markdown
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|l| l.split_once(". ").unwrap().1.to_lowercase())
        .collect();
    assert!(!titles.is_empty(), "{markdown}");
    assert!(
        headline.starts_with(&format!("Checklist: {} steps left (", titles.len())),
        "{headline}"
    );
    for title in &titles {
        assert!(
            headline.to_lowercase().contains(title.as_str()),
            "{headline} lacks {title}"
        );
    }
    assert!(printed_path(&text, "Report file:").is_file());

    ok(tmp, &["rollback", "--server", helios.to_str().unwrap()]);
    let restored = user_names(&helios, "Chicago");
    let imported: Vec<&String> = source_users.difference(&restored).collect();
    assert!(!imported.is_empty(), "no user came from calliope alone");

    let again = demo(tmp, &dir);
    let second = printed_path(&again, "archive:");
    assert_eq!(archives(&dir.join("exports")), [second]);
    let runs = fs::read_dir(helios.join("I3/IC/Migrator/Imports"))
        .unwrap()
        .count();
    assert_eq!(runs, 1, "the second demo kept the first one's import");
    for name in imported {
        assert!(user_names(&helios, "Chicago").contains(name));
    }
}

#[test]
fn demo_leaves_a_folder_it_did_not_make_alone() {
    let temp = tempfile::tempdir().unwrap();
    let foreign = temp.path().join("foreign");
    fs::create_dir(&foreign).unwrap();
    fs::write(foreign.join("report.docx"), "mine").unwrap();
    let output = run(temp.path(), &["demo", "--dir", foreign.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(4));
    assert_eq!(
        fs::read_to_string(foreign.join("report.docx")).unwrap(),
        "mine"
    );
    assert_eq!(fs::read_dir(&foreign).unwrap().count(), 1);
}
