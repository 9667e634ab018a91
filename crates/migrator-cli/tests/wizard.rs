//! `migrator wizard`, driven by keystrokes through a pseudo-terminal, its screen read back
//! through a terminal emulator: a real export of a sample server, and a stopped one.

mod cli_common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cli_common::{archives, migrator, sample_image, seven_zip_ok};
use migrator_core::catalog::Scope;
use migrator_core::server::{self, ServerImage};
use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};

const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const DOWN: &str = "\x1b[B";
const TAB: &str = "\t";

/// The wizard running in a pseudo-terminal.
struct Wizard {
    screen: Arc<Mutex<vt100::Parser>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
}

impl Wizard {
    fn start(tmp: &Path, image: &Path) -> Wizard {
        let size = PtySize {
            rows: 40,
            cols: 140,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pty = native_pty_system().openpty(size).unwrap();
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_migrator"));
        command.args(["wizard", "--server"]);
        command.arg(image);
        command.cwd(tmp);
        command.env("TMPDIR", tmp);
        command.env("TERM", "xterm-256color");
        let child = pty.slave.spawn_command(command).unwrap();
        drop(pty.slave);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(40, 140, 0)));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let sink = Arc::clone(&screen);
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buffer[..n]);
            }
        });
        let keys = pty.master.take_writer().unwrap();
        // The master must outlive the child; leaking it in a test process is harmless.
        std::mem::forget(pty.master);
        Wizard {
            screen,
            keys,
            child,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until the screen shows `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let contents = self.contents();
            if contents.contains(text) {
                return contents;
            }
            assert!(
                Instant::now() < deadline,
                "the screen never showed {text:?}:\n{contents}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, keys: &str) {
        self.keys.write_all(keys.as_bytes()).unwrap();
        self.keys.flush().unwrap();
        // One key per read, as a person types, so Esc is never taken for a sequence's start.
        std::thread::sleep(Duration::from_millis(150));
    }

    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.exit_code();
            }
            assert!(Instant::now() < deadline, "the wizard did not close");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn users_row(image: &Path) -> usize {
    let image = ServerImage::open(image).unwrap();
    let identity =
        server::identity(&image.load_registry().unwrap(), image.registry_file()).unwrap();
    let components = Scope::of(&identity).components();
    1 + components.iter().position(|c| c.name == "Users").unwrap()
}

fn through_to_configuration(wizard: &mut Wizard, users_row: usize) {
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
    let mut wizard = Wizard::start(tmp.path(), &image);
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
    let mut wizard = Wizard::start(tmp.path(), &image);
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
