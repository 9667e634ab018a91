//! Run logs and console verbosity, through the binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn migrator(tmp: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.env("TMPDIR", tmp).env_remove("MIGRATOR_PASSWORD");
    command
}

fn logs_in(dir: &Path) -> Vec<PathBuf> {
    let mut logs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    logs.retain(|p| p.extension().is_some_and(|e| e == "log"));
    logs.sort();
    logs
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn every_run_writes_its_own_log_under_inin_tracing_with_its_id_on_every_line() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("no-such-image");
    for _ in 0..2 {
        let output = migrator(tmp.path())
            .args(["server-info"])
            .arg(&missing)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    }
    let logs = logs_in(&tmp.path().join("inin_tracing"));
    assert_eq!(logs.len(), 2, "{logs:?}");
    for log in logs {
        let text = std::fs::read_to_string(&log).unwrap();
        let name = log.file_stem().unwrap().to_string_lossy().into_owned();
        let run_id = name.strip_prefix("migrator-").unwrap();
        let tag = format!("run={run_id} ");
        assert!(text.lines().count() >= 3, "{text}");
        assert!(text.lines().all(|line| line.contains(&tag)), "{text}");
        assert!(text.contains("run started"), "{text}");
        assert!(
            text.contains("no-such-image"),
            "the failure is logged: {text}"
        );
        assert!(text.contains("run finished"), "{text}");
        assert!(
            !text.contains('\x1b'),
            "no terminal colour codes in a log: {text:?}"
        );
    }
}

#[test]
fn log_dir_overrides_the_temporary_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("my logs");
    let output = migrator(tmp.path())
        .arg("--log-dir")
        .arg(&dir)
        .args(["nodes", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(logs_in(&dir).len(), 1);
    assert!(!tmp.path().join("inin_tracing").exists());
}

#[test]
fn an_unwritable_log_folder_warns_and_the_run_goes_on_and_quiet_hides_the_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let blocker = tmp.path().join("a-file");
    std::fs::write(&blocker, b"").unwrap();
    let bad_dir = blocker.join("logs");

    let output = migrator(tmp.path())
        .arg("--log-dir")
        .arg(&bad_dir)
        .arg("nodes")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = stderr(&output);
    assert!(
        text.starts_with("warning: cannot write the log file"),
        "{text}"
    );
    assert!(!output.stdout.is_empty());

    let output = migrator(tmp.path())
        .arg("--log-dir")
        .arg(&bad_dir)
        .args(["nodes", "-q"])
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(stderr(&output), "");
}

#[test]
fn verbose_shows_notes_and_default_does_not() {
    let tmp = tempfile::tempdir().unwrap();
    let quiet = migrator(tmp.path()).arg("nodes").output().unwrap();
    assert_eq!(stderr(&quiet), "");
    let verbose = migrator(tmp.path()).args(["-v", "nodes"]).output().unwrap();
    assert!(
        stderr(&verbose).contains("note: run started"),
        "{}",
        stderr(&verbose)
    );
}

#[test]
fn verbose_and_quiet_together_are_a_usage_error() {
    let tmp = tempfile::tempdir().unwrap();
    let output = migrator(tmp.path())
        .args(["-v", "-q", "nodes"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}
