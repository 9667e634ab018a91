//! The vendor console's command lines, run through the binary on sample servers: the three
//! examples of the vendor's reference with `-server` added and the paths in temporary folders.

mod cli_common;

use std::io::Write;
use std::process::Stdio;

use cli_common::{archives, migrator, sample_image, seven_zip_ok, stderr, stdout};

fn arg(name: &str, path: &std::path::Path) -> String {
    format!("{name}={}", path.display())
}

#[test]
fn vendor_example_one_exports_everything_with_a_password() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let out = tmp.path().join("temp");
    let handlers = image.join("I3/IC/Handlers/Custom");
    // As a shell passes the example, whose line break falls after a dash.
    let output = migrator(tmp.path())
        .args([
            "-export",
            &arg("-exportfolder", &out),
            "-exportNodes=\"all\"",
            "-",
        ])
        .args([
            &arg("customHandlerPath", &handlers),
            "-password=foo",
            "noprompt",
        ])
        .arg(arg("-server", &image))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("other users of this machine"),
        "{}",
        stderr(&output)
    );
    let found = archives(&out);
    assert_eq!(found.len(), 1, "{found:?}");
    let name = found[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("calliope_"), "{name}");
    assert!(seven_zip_ok(&found[0], "foo"));
    assert!(!seven_zip_ok(&found[0], "bar"));
    let log = cli_common::all_logs(tmp.path());
    assert!(
        log.contains("-password=********"),
        "the command line is logged masked"
    );
}

#[test]
fn vendor_example_two_exports_users_and_workgroups() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let out = tmp.path().join("temp");
    let output = migrator(tmp.path())
        .args([
            "-export",
            &arg("-exportfolder", &out),
            "-exportNodes=\"users, workgroups\"",
        ])
        .args([
            "-",
            &arg("customHandlerPath", &image.join("I3/IC/Handlers/Custom")),
        ])
        .args(["noprompt", &arg("-SERVER", &image)])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = &archives(&out)[0];
    let inspect = migrator(tmp.path())
        .args(["inspect", "--json"])
        .arg(archive)
        .output()
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let names: Vec<&str> = manifest["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Users") && names.contains(&"Workgroups"),
        "{names:?}"
    );
    assert!(seven_zip_ok(archive, ""), "no password was asked for");
}

#[test]
fn without_noprompt_a_closed_input_is_refused_instead_of_hanging() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let out = tmp.path().join("temp");
    let output = migrator(tmp.path())
        .args([
            "-export",
            &arg("-exportFolder", &out),
            &arg("-server", &image),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("Press Enter"), "{text}");
    assert!(text.contains("hint: Add -noprompt"), "{text}");
    assert!(archives(&out).is_empty());
}

#[test]
fn without_noprompt_enter_starts_the_export() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let out = tmp.path().join("temp");
    let mut child = migrator(tmp.path())
        .args([
            "-export",
            &arg("-exportFolder", &out),
            &arg("-server", &image),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"\n").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("archive: "), "{}", stdout(&output));
    assert_eq!(archives(&out).len(), 1);
}

#[test]
fn console_mistakes_are_usage_errors_with_hints() {
    let tmp = tempfile::tempdir().unwrap();
    let output = migrator(tmp.path())
        .args(["-export", "-exportFolder=/tmp/x", "noprompt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.starts_with("error: the console export needs -server"),
        "{text}"
    );
    assert!(text.contains("\nhint: "), "{text}");

    // A misspelt password switch is named without its value, on the console and in the log.
    let logs = tmp.path().join("logs");
    let output = migrator(tmp.path())
        .args([
            "--log-dir",
            logs.to_str().unwrap(),
            "-export",
            "-pasword=Hunter2Secret",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("unknown console switch -pasword"), "{text}");
    assert!(!text.contains("Hunter2Secret"), "{text}");
    for typed in [
        &["-export", "-Password:Hunter2Secret"][..],
        &["-export", "-password=", "Hunter2Secret"][..],
        &["-export", "Hunter2Secret"][..],
    ] {
        let output = migrator(tmp.path()).args(typed).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{typed:?}");
        let text = stderr(&output);
        assert!(!text.contains("Hunter2Secret"), "{typed:?}: {text}");
        assert!(text.contains("hint: "), "{typed:?}: {text}");
    }
    for log in std::fs::read_dir(&logs).into_iter().flatten() {
        let log = std::fs::read_to_string(log.unwrap().path()).unwrap();
        assert!(!log.contains("Hunter2Secret"), "{log}");
    }
    // Ordinary options may come first, with their values as separate words.
    let output = migrator(tmp.path())
        .args([
            "--log-dir",
            logs.to_str().unwrap(),
            "-v",
            "-export",
            "noprompt",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("the console export needs -server"), "{text}");
}

#[test]
fn vendor_example_three_imports_everything_from_a_password_protected_file() {
    let tmp = tempfile::tempdir().unwrap();
    let calliope = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let helios = sample_image(&tmp.path().join("helios"), "helios", "Chicago", "2023 R3");
    let out = tmp.path().join("temp");
    let export = migrator(tmp.path())
        .args([
            "-export",
            &arg("-exportFolder", &out),
            "-exportNodes=all",
            "-password=1234",
        ])
        .args(["-noprompt", &arg("-server", &calliope)])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    let archive = archives(&out).remove(0);

    // The vendor's third example, its line break after a dash, with -server added.
    let extraction = tmp.path().join("Temp").join("MyImportFolder");
    let output = migrator(tmp.path())
        .args(["-import", &format!("-importfile=\"{}\"", archive.display())])
        .args([
            "-importNodes=\"all\"",
            "-",
            &arg("extractionFolder", &extraction),
        ])
        .args(["-password=\"1234\"", "noprompt", &arg("-server", &helios)])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let code = output.status.code();
    assert!(
        matches!(code, Some(0) | Some(1)),
        "{code:?}: {}",
        stderr(&output)
    );
    assert!(extraction.is_dir(), "the files were extracted");
    let imports = helios.join("I3/IC/Migrator/Imports");
    let runs: Vec<_> = std::fs::read_dir(&imports).unwrap().collect();
    assert_eq!(runs.len(), 1, "one import report");
    let run = runs[0].as_ref().unwrap().path();
    assert!(run.join("checklist.md").is_file());
}

#[test]
fn import_mode_one_is_recovery_and_its_gates_apply() {
    let tmp = tempfile::tempdir().unwrap();
    let calliope = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let helios = sample_image(&tmp.path().join("helios"), "helios", "Chicago", "2023 R3");
    let out = tmp.path().join("temp");
    let export = migrator(tmp.path())
        .args(["-export", &arg("-exportFolder", &out), "-exportNodes=Users"])
        .args(["-noprompt", &arg("-server", &calliope)])
        .output()
        .unwrap();
    assert!(export.status.success(), "{}", stderr(&export));
    let archive = archives(&out).remove(0);
    // Recovery onto another server is refused by a gate, before anything is written.
    let output = migrator(tmp.path())
        .args([
            "-import",
            &arg("-importfile", &archive),
            "-importmode=1",
            "noprompt",
        ])
        .args([
            &arg("-extractionFolder", &tmp.path().join("x")),
            &arg("-server", &helios),
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).to_lowercase().contains("recovery"),
        "{}",
        stderr(&output)
    );
}
