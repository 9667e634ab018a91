//! `migrator wizard`, driven by keystrokes through a pseudo-terminal, its screen read back
//! through a terminal emulator: a real export of a sample server, and a stopped one.

mod cli_common;

use std::path::Path;

use cli_common::pty::Terminal;
use cli_common::{archives, migrator, sample_image, seven_zip_ok};
use migrator_core::catalog::Scope;
use migrator_core::server::{self, ServerImage};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";
const TAB: &str = "\t";

fn users_row(image: &Path) -> usize {
    let image = ServerImage::open(image).unwrap();
    let identity =
        server::identity(&image.load_registry().unwrap(), image.registry_file()).unwrap();
    let components = Scope::of(&identity).components();
    1 + components.iter().position(|c| c.name == "Users").unwrap()
}

fn through_to_configuration(wizard: &mut Terminal, users_row: usize) {
    wizard.wait_for("Welcome");
    wizard.wait_for(&format!("migrator {}", migrator_core::TOOL_VERSION));
    wizard.press(ENTER);
    wizard.wait_for("Export configuration data");
    wizard.press(ENTER);
    wizard.wait_for("Data Component Selection");
    wizard.press("a");
    wizard.wait_for("[ ] Select All");
    for _ in 0..users_row {
        wizard.press(DOWN);
    }
    wizard.press(" ");
    let screen = wizard.wait_for("[x] Users");
    assert!(
        screen.contains("[x] Workgroups  (needed by Users:"),
        "the dependency is checked with its reason:\n{screen}"
    );
    wizard.press(ENTER);
    wizard.wait_for("Configuration");
}

#[test]
fn a_keystroke_driven_export_writes_an_encrypted_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let mut wizard = Terminal::start(tmp.path(), &["wizard", "--server", image.to_str().unwrap()]);
    through_to_configuration(&mut wizard, users_row(&image));

    wizard.press(TAB);
    wizard.press(TAB);
    wizard.press(" ");
    wizard.wait_for("[x] Set password for the file");
    wizard.press(TAB);
    wizard.press("pw-wizard");
    wizard.press(TAB);
    wizard.press("pw-wizard");
    let screen = wizard.wait_for("Repeat the password: *********");
    assert!(
        !screen.contains("pw-wizard"),
        "the password is not shown:\n{screen}"
    );
    wizard.press(ENTER);

    let screen = wizard.wait_for("Export Confirmation");
    assert!(screen.contains("2 component(s): Users"), "{screen}");
    wizard.press(ENTER);
    wizard.wait_for("Done. Press Enter to continue.");
    wizard.press(ENTER);
    let screen = wizard.wait_for("Configuration data file:");
    assert!(screen.contains("calliope_"), "{screen}");
    assert!(screen.contains("Duration:"), "{screen}");
    wizard.press(ENTER);
    assert_eq!(wizard.exit_code(), 0);

    let found = archives(&tmp.path().join("exports"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(seven_zip_ok(&found[0], "pw-wizard"));
    let inspect = migrator(tmp.path())
        .args(["inspect", "--json", "--password-file"])
        .arg(write_password(tmp.path()))
        .arg(&found[0])
        .output()
        .unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    let names: Vec<&str> = manifest["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names.contains(&"Users") && names.contains(&"Workgroups"),
        "{names:?}"
    );
}

fn write_password(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("pw.txt");
    std::fs::write(&path, "pw-wizard\n").unwrap();
    path
}

#[test]
fn stop_ends_the_export_cleanly_and_back_lets_the_user_run_it_again() {
    let tmp = tempfile::tempdir().unwrap();
    let image = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let mut wizard = Terminal::start(tmp.path(), &["wizard", "--server", image.to_str().unwrap()]);
    wizard.wait_for("Welcome");
    wizard.press(ENTER);
    wizard.wait_for("Task Selection");
    wizard.press(ENTER);
    // Everything stays selected (the default), so the job has enough to do to be stopped.
    wizard.wait_for("[x] Select All");
    wizard.press(ENTER);
    wizard.wait_for("Configuration");
    wizard.press(ENTER);
    wizard.wait_for("Export Confirmation");
    // Enter and Stop in one burst: the job is stopped within milliseconds of its start.
    wizard.press(&format!("{ENTER}s"));
    wizard.wait_for("Stopped: nothing was written");
    assert!(archives(&tmp.path().join("exports")).is_empty());

    wizard.press(ESC);
    wizard.wait_for("Export Confirmation");
    wizard.press(ENTER);
    wizard.wait_for("Done. Press Enter to continue.");
    wizard.press(ENTER);
    wizard.wait_for("Configuration data file:");
    wizard.press(ENTER);
    assert_eq!(wizard.exit_code(), 0);
    assert_eq!(archives(&tmp.path().join("exports")).len(), 1);
}

#[test]
fn without_a_terminal_the_wizard_refuses_with_a_hint() {
    let tmp = tempfile::tempdir().unwrap();
    let output = migrator(tmp.path())
        .args(["wizard", "--server", "/nowhere"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs a terminal"));
}

#[test]
fn a_keystroke_driven_import_runs_and_shows_the_report_and_checklist() {
    let tmp = tempfile::tempdir().unwrap();
    let calliope = sample_image(&tmp.path().join("calliope"), "calliope", "Indy", "2016 R1");
    let helios = sample_image(&tmp.path().join("helios"), "helios", "Chicago", "2023 R3");
    let out = tmp.path().join("exports");
    let export = migrator(tmp.path())
        .args(["export", "--nodes", "Users, IP\\Handlers", "--server"])
        .arg(&calliope)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(export.status.success());
    let archive = archives(&out).remove(0);
    let extraction = tmp.path().join("extracted");

    let mut wizard = Terminal::start(
        tmp.path(),
        &["wizard", "--server", helios.to_str().unwrap()],
    );
    wizard.wait_for("Welcome");
    wizard.press(ENTER);
    wizard.wait_for("Task Selection");
    wizard.press(DOWN);
    wizard.wait_for("(•) Import configuration data");
    wizard.press(ENTER);
    wizard.wait_for("Configuration data file to import");
    wizard.press(archive.to_str().unwrap());
    wizard.press(TAB);
    wizard.press(extraction.to_str().unwrap());
    wizard.press(ENTER);
    let screen = wizard.wait_for("Import Items");
    assert!(
        screen.contains("[x] Users") && screen.contains("[x] Workgroups"),
        "{screen}"
    );
    // The archive's server component, under the archive's server name.
    assert!(screen.contains("[x] calliope\\IP"), "{screen}");
    wizard.press(ENTER);
    let screen = wizard.wait_for("Import Confirmation");
    assert!(screen.contains("(•) Migration"), "{screen}");
    wizard.press(ENTER);
    wizard.wait_for("Done. Press Enter to continue.");
    wizard.press(ENTER);
    let screen = wizard.wait_for("Import status:");
    // The same status words and checklist headline as the import command prints.
    assert!(screen.contains("Checklist: "), "{screen}");
    assert!(
        screen.contains("Import status: Completed") && !screen.contains("CompletedWith"),
        "{screen}"
    );
    assert!(screen.contains("Duration:"), "{screen}");
    wizard.press(ENTER);
    let code = wizard.exit_code();
    assert!(code == 0 || code == 1, "{code}");
    let reports = helios.join("I3/IC/Migrator/Imports");
    assert_eq!(std::fs::read_dir(reports).unwrap().count(), 1);
}
