//! `migrator support-bundle`, through the binary.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::Path;
use std::process::Command;

fn migrator(tmp: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.env("TMPDIR", tmp).env_remove("MIGRATOR_PASSWORD");
    command
}

fn entries(zip_path: &Path) -> BTreeSet<String> {
    let archive = zip::ZipArchive::new(File::open(zip_path).unwrap()).unwrap();
    archive
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .collect()
}

#[test]
fn bundle_holds_logs_reports_and_checklists_but_no_archives_or_registry_data() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let image = tmp.path().join("calliope");
    let migrator_dir = image.join("I3").join("IC").join("Migrator");
    let point = migrator_dir.join("restore-20240615-120000");
    std::fs::create_dir_all(&point).unwrap();
    std::fs::write(point.join("report.json"), "{}").unwrap();
    std::fs::write(point.join("checklist.md"), "# Checklist").unwrap();
    std::fs::write(point.join("registry.reg"), "secret data").unwrap();
    std::fs::write(migrator_dir.join("calliope_06152024120000.ininmigr"), "PK").unwrap();
    std::fs::write(migrator_dir.join("import.lock"), "").unwrap();

    // A failing run leaves a log to collect.
    let failed = migrator(tmp.path())
        .arg("--log-dir")
        .arg(&logs)
        .args(["server-info", "/no/such/image"])
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(7));

    let out = tmp.path().join("out");
    let output = migrator(tmp.path())
        .arg("--log-dir")
        .arg(&logs)
        .args(["support-bundle", "--out"])
        .arg(&out)
        .arg("--server")
        .arg(&image)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed = String::from_utf8(output.stdout).unwrap();
    let bundle = Path::new(printed.trim());
    assert!(bundle.starts_with(&out), "{printed}");
    assert!(bundle.extension().is_some_and(|e| e == "zip"));

    let names = entries(bundle);
    let logs_in_zip = names.iter().filter(|n| n.starts_with("logs/")).count();
    assert_eq!(logs_in_zip, 2, "the failed run and this one: {names:?}");
    assert!(names.contains("about.txt"));
    assert!(names.contains("servers/calliope/restore-20240615-120000/report.json"));
    assert!(names.contains("servers/calliope/restore-20240615-120000/checklist.md"));
    assert_eq!(names.len(), 5, "{names:?}");
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file stays behind");
}

#[test]
fn a_missing_server_image_is_an_error_and_writes_no_bundle() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = migrator(tmp.path())
        .args(["support-bundle", "--out"])
        .arg(&out)
        .args(["--server", "/no/such/image"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7));
    assert!(!out.exists() || std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn a_bundle_capped_at_the_newest_logs_says_how_many_it_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    for n in 0..60 {
        std::fs::write(logs.join(format!("old-{n:02}.log")), "a line\n").unwrap();
    }
    let out = tmp.path().join("out");
    let output = migrator(tmp.path())
        .args(["support-bundle", "--log-dir"])
        .arg(&logs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stderr);
    // 60 written here and the bundle run's own log: 11 are left out.
    assert!(text.contains("11 older logs were left out"), "{text}");
    let bundle = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let logs_in_bundle = entries(&bundle)
        .iter()
        .filter(|name| name.ends_with(".log"))
        .count();
    assert_eq!(logs_in_bundle, 50);
}
