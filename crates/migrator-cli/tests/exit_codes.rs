//! Exit codes, error rendering and closed pipes, through the binary.

use std::path::Path;
use std::process::{Command, Stdio};

fn migrator(tmp: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_migrator"));
    command.env("TMPDIR", tmp).env_remove("MIGRATOR_PASSWORD");
    command
}

#[test]
fn a_missing_input_is_an_io_failure_with_error_and_hint_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let output = migrator(tmp.path())
        .args(["server-info"])
        .arg(tmp.path().join("nothing-here"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(7));
    let text = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("error: "), "{text}");
    assert!(lines[0].contains("nothing-here"), "{text}");
    assert!(lines[1].starts_with("hint: "), "{text}");
    assert!(output.stdout.is_empty());
}

#[test]
fn unknown_commands_and_options_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    for args in [&["frobnicate"][..], &["nodes", "--bogus"], &[]] {
        let output = migrator(tmp.path()).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn help_lists_the_exit_codes_and_the_console_forms() {
    let tmp = tempfile::tempdir().unwrap();
    let output = migrator(tmp.path()).arg("--help").output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("  3  wrong password"), "{text}");
    assert!(text.contains("70  internal error"), "{text}");
    assert!(
        text.contains("migrator -export -exportFolder=DIR"),
        "{text}"
    );
}

#[test]
fn a_closed_output_pipe_ends_quietly() {
    let tmp = tempfile::tempdir().unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    // The reader is gone before the first line is written, as with `| head -0`.
    drop(reader);
    let output = migrator(tmp.path())
        .arg("nodes")
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn head_reads_one_line_and_the_run_stays_quiet() {
    let tmp = tempfile::tempdir().unwrap();
    let binary = env!("CARGO_BIN_EXE_migrator");
    let script = format!("'{binary}' nodes | head -1; echo \"status=${{PIPESTATUS[0]}}\"");
    let output = Command::new("bash")
        .args(["-c", &script])
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.ends_with("status=0\n"), "{text}");
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}
