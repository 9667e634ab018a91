//! Where export passwords come from, what is refused, and that none reaches a log or message.

mod cli_common;

use std::path::Path;
use std::process::Output;

use cli_common::{all_logs, archives, migrator, sample_image, seven_zip_ok, stderr};

const PASSWORD: &str = "Zebra-Quartz 417";

fn export(tmp: &Path, image: &Path, extra: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = migrator(tmp);
    command
        .args(["export", "--nodes", "Users", "--server"])
        .arg(image)
        .arg("--out")
        .arg(tmp.join("out"))
        .args(extra);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().unwrap()
}

fn setup() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    (tmp, image)
}

#[test]
fn a_password_file_loses_exactly_one_crlf() {
    let (tmp, image) = setup();
    let file = tmp.path().join("pw.txt");
    std::fs::write(&file, format!("{PASSWORD}\r\n")).unwrap();
    let output = export(
        tmp.path(),
        &image,
        &["--password-file", file.to_str().unwrap()],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = &archives(&tmp.path().join("out"))[0];
    assert!(seven_zip_ok(archive, PASSWORD));
}

#[test]
fn a_second_line_break_stays_in_the_password_and_is_refused_at_export() {
    let (tmp, image) = setup();
    let file = tmp.path().join("pw.txt");
    std::fs::write(&file, format!("{PASSWORD}\n\n")).unwrap();
    let output = export(
        tmp.path(),
        &image,
        &["--password-file", file.to_str().unwrap()],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("outside printable ASCII"),
        "{}",
        stderr(&output)
    );
    assert!(archives(&tmp.path().join("out")).is_empty());
}

#[test]
fn an_empty_password_file_is_a_usage_error_naming_the_file() {
    let (tmp, image) = setup();
    let file = tmp.path().join("empty.txt");
    std::fs::write(&file, "\n").unwrap();
    let output = export(
        tmp.path(),
        &image,
        &["--password-file", file.to_str().unwrap()],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("empty.txt holds an empty password"), "{text}");
    assert!(archives(&tmp.path().join("out")).is_empty());
}

#[test]
fn the_environment_variable_is_used_when_no_option_is_given() {
    let (tmp, image) = setup();
    let output = export(tmp.path(), &image, &[], &[("MIGRATOR_PASSWORD", PASSWORD)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = &archives(&tmp.path().join("out"))[0];
    assert!(seven_zip_ok(archive, PASSWORD));
    assert!(!seven_zip_ok(archive, "wrong"));
}

#[test]
fn a_non_ascii_password_is_refused_with_the_reason_and_without_showing_it() {
    let (tmp, image) = setup();
    let secret = "Grüße-Kennwort";
    let output = export(tmp.path(), &image, &[], &[("MIGRATOR_PASSWORD", secret)]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("7-Zip"), "{text}");
    assert!(text.contains("\nhint: "), "{text}");
    assert!(!text.contains(secret), "{text}");
    assert!(!all_logs(tmp.path()).contains(secret));
    assert!(archives(&tmp.path().join("out")).is_empty());
}

#[test]
fn a_password_on_the_command_line_works_warns_and_never_reaches_the_log() {
    let (tmp, image) = setup();
    let output = export(tmp.path(), &image, &["-v", "--password", PASSWORD], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("warning: a password on the command line"),
        "{text}"
    );
    assert!(!text.contains(PASSWORD), "{text}");
    let log = all_logs(tmp.path());
    assert!(
        log.contains("--password ********"),
        "the command line is logged masked"
    );
    assert!(!log.contains(PASSWORD), "{log}");
    assert!(!log.contains("Zebra"), "not even in part: {log}");
    let archive = &archives(&tmp.path().join("out"))[0];
    assert!(seven_zip_ok(archive, PASSWORD));
}

#[test]
fn two_password_sources_on_the_command_line_are_a_usage_error() {
    let (tmp, image) = setup();
    let output = export(
        tmp.path(),
        &image,
        &["--password", "a", "--password-file", "/dev/null"],
        &[],
    );
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn the_prompt_does_not_echo_and_asks_twice_for_an_export() {
    let (tmp, image) = setup();
    let out = tmp.path().join("out");
    let mut terminal = cli_common::pty::Terminal::start(
        tmp.path(),
        &[
            "export",
            "--nodes",
            "Users",
            "--password-prompt",
            "--server",
            image.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    terminal.wait_for("Archive password:");
    terminal.press(PASSWORD);
    terminal.press("\r");
    terminal.wait_for("Repeat the password:");
    terminal.press(PASSWORD);
    terminal.press("\r");
    assert_eq!(terminal.exit_code(), 0, "{}", terminal.contents());
    assert!(
        !terminal.contents().contains(PASSWORD),
        "{}",
        terminal.contents()
    );
    assert!(seven_zip_ok(&archives(&out)[0], PASSWORD));
}

#[test]
fn two_different_prompt_entries_are_refused() {
    let (tmp, image) = setup();
    let out = tmp.path().join("out");
    let mut terminal = cli_common::pty::Terminal::start(
        tmp.path(),
        &[
            "export",
            "--password-prompt",
            "--server",
            image.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    terminal.wait_for("Archive password:");
    terminal.press("one\r");
    terminal.wait_for("Repeat the password:");
    terminal.press("two\r");
    assert_eq!(terminal.exit_code(), 2);
    assert!(terminal
        .contents()
        .contains("the two passwords typed differ"));
    assert!(archives(&out).is_empty());
}
