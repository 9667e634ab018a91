//! `migrator rollback` through the binary when something goes wrong: a rollback that stops
//! part-way (an immutable `registry.reg`, a full disk) says so and a plain retry finishes it,
//! registry changes made after the import are not lost silently, and a restore point missing
//! its record of the written files or one of its saved copies is damaged, with nothing changed.

mod cli_common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cli_common::{archives, migrator, sample_image, stderr, stdout, RamDisk};
use migrator_core::layout;
use migrator_core::server::{self, REGISTRY_FILE};

/// A scratch folder holding a source archive and a target image with one import made.
struct Lab {
    dir: tempfile::TempDir,
}

impl Lab {
    fn new() -> Lab {
        Lab {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, args: &[&str]) -> Output {
        migrator(self.dir.path())
            .arg("-q")
            .args(args)
            .output()
            .unwrap()
    }

    /// Exports the 2016 R1 sample "calliope" into an archive of its own.
    fn archive(&self) -> PathBuf {
        let source = sample_image(&self.path("calliope"), "calliope", "Indy", "2016 R1");
        let out = self.path("out");
        let export = self.run(&["export", "--server", s(&source), "--out", s(&out)]);
        assert!(export.status.success(), "{}", stderr(&export));
        archives(&out).pop().expect("one archive")
    }

    /// Writes the 2023 R3 sample "helios" at `image` and imports `archive` into it in
    /// Migration mode, which overwrites a dial plan file and creates others; returns a
    /// snapshot of the image before the import.
    fn imported(&self, archive: &Path, image: &Path) -> Snapshot {
        sample_image(image, "helios", "Chicago", "2023 R3");
        let before = snapshot(image);
        let import = self.run(&[
            "import",
            s(archive),
            "--server",
            s(image),
            "--extract-to",
            s(&self.path("x")),
            "--mode",
            "migration",
        ]);
        assert!(
            matches!(import.status.code(), Some(0 | 1)),
            "{}",
            stderr(&import)
        );
        assert_ne!(snapshot(image), before);
        before
    }

    fn rollback(&self, image: &Path, extra: &[&str]) -> Output {
        self.run(&[&["rollback", "--server", s(image)], extra].concat())
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

type Snapshot = BTreeMap<String, Option<Vec<u8>>>;

/// Every file and folder of an image except the tool's own folder, with each file's bytes.
fn snapshot(image: &Path) -> Snapshot {
    let own = server::install_dir_of(image).join(layout::MIGRATOR_DIR);
    walkdir::WalkDir::new(image)
        .into_iter()
        .filter_entry(|e| e.path() != own)
        .map(|e| e.unwrap())
        .map(|e| {
            let name = e.path().strip_prefix(image).unwrap().display().to_string();
            let file = e
                .file_type()
                .is_file()
                .then(|| std::fs::read(e.path()).unwrap());
            (name, file)
        })
        .collect()
}

/// The folder of the only restore point of `image`.
fn point_dir(image: &Path) -> PathBuf {
    let mut found: Vec<PathBuf> = runs(image)
        .iter()
        .map(|run| imports_dir(image).join(run).join("restore-point"))
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found.pop().unwrap()
}

fn imports_dir(image: &Path) -> PathBuf {
    server::install_dir_of(image)
        .join(layout::MIGRATOR_DIR)
        .join("Imports")
}

/// Sets or clears the immutable flag of `path`; false where the file system does not allow it.
fn chattr(flag: &str, path: &Path) -> bool {
    Command::new("chattr")
        .arg(flag)
        .arg(path)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Regression: with `registry.reg` immutable, the rollback put the files back and removed the
/// created ones, failed on the registry without saying the server was half rolled back, and a
/// retry was refused because of the files the first attempt had put back itself.
#[test]
fn a_rollback_stopped_part_way_says_so_and_a_plain_retry_finishes_it() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    let before = lab.imported(&archive, &image);
    let registry = image.join(REGISTRY_FILE);
    if !chattr("+i", &registry) {
        eprintln!("skipped: the immutable flag is not allowed here");
        return;
    }

    let stopped = lab.rollback(&image, &[]);
    chattr("-i", &registry);
    assert_eq!(stopped.status.code(), Some(7), "{}", stderr(&stopped));
    let error = stderr(&stopped);
    assert!(error.contains("stopped part-way"), "{error}");
    assert!(error.contains("partly rolled back"), "{error}");
    assert!(
        error.contains(s(&registry)),
        "names the failing file: {error}"
    );
    assert!(
        error.contains("run the same `migrator rollback` again"),
        "{error}"
    );
    let listed = stdout(&lab.rollback(&image, &["--list"]));
    assert!(listed.contains("not finished"), "{listed}");
    let again = format!("`migrator rollback --server {} ", s(&image));
    assert!(listed.contains(&again), "{listed}");
    let json = lab.rollback(&image, &["--list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(json["restore_points"][0]["rollback_unfinished"].is_string());

    // Nothing else may change the half rolled back server until the rollback is finished.
    let middle = snapshot(&image);
    let import = lab.run(&[
        "import",
        s(&archive),
        "--server",
        s(&image),
        "--extract-to",
        s(&lab.path("x2")),
    ]);
    let resolve = lab.run(&[
        "resolve-parameters",
        "--server",
        s(&image),
        "--keep",
        "imported",
    ]);
    for refused in [import, resolve] {
        assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
        let error = stderr(&refused);
        assert!(error.contains("partly rolled back"), "{error}");
        assert!(error.contains("Finish that rollback first"), "{error}");
    }
    assert_eq!(snapshot(&image), middle);

    let retry = lab.rollback(&image, &[]);
    assert_eq!(retry.status.code(), Some(0), "{}", stderr(&retry));
    assert!(
        stdout(&retry).contains("finished the rollback started"),
        "{}",
        stdout(&retry)
    );
    assert_eq!(
        snapshot(&image),
        before,
        "registry.reg and every file as before"
    );
    assert!(!point_dir(&image).join("rollback-started.txt").exists());
    let listed = stdout(&lab.rollback(&image, &["--list"]));
    assert!(listed.contains("rolled back 2"), "{listed}");
}

/// Regression: the registry copy was written after the files were put back, so a full disk
/// there left the server half rolled back.
#[test]
fn a_full_disk_while_writing_the_registry_changes_nothing() {
    let lab = Lab::new();
    let archive = lab.archive();
    let mount = lab.path("disk");
    let Some(disk) = RamDisk::mount(&mount, 16 << 20) else {
        eprintln!("skipped: mounting a tmpfs is not allowed here");
        return;
    };
    let image = mount.join("helios");
    lab.imported(&archive, &image);
    let after_import = snapshot(&image);
    let registry = std::fs::metadata(image.join(REGISTRY_FILE)).unwrap().len();
    disk.leave_free(registry / 2);

    let refused = lab.rollback(&image, &[]);
    assert_eq!(refused.status.code(), Some(7), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains(REGISTRY_FILE),
        "{}",
        stderr(&refused)
    );
    assert!(
        !stderr(&refused).contains("partly rolled back"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(&image), after_import, "nothing changed");
    let listed = stdout(&lab.rollback(&image, &["--list"]));
    assert!(!listed.contains("not finished"), "{listed}");
}

/// Regression: a key added to `registry.reg` after the import disappeared on rollback, with
/// exit code 0 and no warning.
#[test]
fn registry_changes_made_after_the_import_block_the_rollback_until_forced() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    let before = lab.imported(&archive, &image);
    let registry = image.join(REGISTRY_FILE);
    let mut text = std::fs::read(&registry).unwrap();
    text.extend_from_slice(
        b"\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Interactive Intelligence\\Added]\r\n\"a\"=\"b\"\r\n",
    );
    std::fs::write(&registry, text).unwrap();
    let changed = snapshot(&image);

    let refused = lab.rollback(&image, &[]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    let error = stderr(&refused);
    assert!(
        error.contains("changed since: registry.reg"),
        "names the registry: {error}"
    );
    assert!(error.contains("--force"), "{error}");
    assert_eq!(
        snapshot(&image),
        changed,
        "a refused rollback changes nothing"
    );

    let forced = lab.rollback(&image, &["--force"]);
    assert_eq!(forced.status.code(), Some(1), "{}", stderr(&forced));
    assert!(
        stderr(&forced).contains("registry.reg had been changed since the import"),
        "{}",
        stderr(&forced)
    );
    assert_eq!(snapshot(&image), before);
}

/// Regression: deleting `written.json` switched the "changed since" guard off silently: the
/// point was listed as sound and the rollback removed edited files with exit code 0.
#[test]
fn a_restore_point_without_its_record_of_written_files_is_damaged() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    lab.imported(&archive, &image);
    std::fs::remove_file(point_dir(&image).join("written.json")).unwrap();
    let after_import = snapshot(&image);

    let list = lab.rollback(&image, &["--list"]);
    assert_eq!(list.status.code(), Some(1), "{}", stderr(&list));
    assert!(stdout(&list).contains("damaged"), "{}", stdout(&list));
    assert!(stdout(&list).contains("written.json"), "{}", stdout(&list));
    let refused = lab.rollback(&image, &[]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("is damaged"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(&image), after_import, "nothing changed");
}

/// Regression: a saved copy missing from the restore point ended in an input/output error
/// (exit 7, "Check that the path exists") instead of a damaged point.
#[test]
fn a_restore_point_missing_a_saved_copy_is_damaged_and_nothing_changes() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    lab.imported(&archive, &image);
    let copies = point_dir(&image).join("files");
    let copy = walkdir::WalkDir::new(&copies)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.is_file())
        .expect("a saved copy");
    std::fs::remove_file(copy).unwrap();
    let after_import = snapshot(&image);

    let list = lab.rollback(&image, &["--list"]);
    assert!(stdout(&list).contains("damaged"), "{}", stdout(&list));
    let refused = lab.rollback(&image, &[]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    let error = stderr(&refused);
    assert!(error.contains("is damaged: it is missing"), "{error}");
    assert!(
        error.contains(
            "Nothing was changed. Choose another restore point with `migrator rollback --list`."
        ),
        "{error}"
    );
    assert_eq!(snapshot(&image), after_import, "nothing changed");
}

#[test]
fn the_help_of_force_names_every_check_it_overrides() {
    let lab = Lab::new();
    let help = stdout(&lab.run(&["rollback", "--help"]));
    let help = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(help.contains("changed since the import"), "{help}");
    assert!(help.contains("registry.reg"), "{help}");
    assert!(help.contains("took no restore point"), "{help}");
}

/// Regression: after two imports overwriting the same file were rolled back one at a time, the
/// second rollback was refused: the file the first had put back carried a new time, so it no
/// longer matched the older import's record and counted as changed since.
#[test]
fn imports_rolled_back_one_at_a_time_need_no_force() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    let before = lab.imported(&archive, &image);
    // A second archive whose dial plan file differs, so the second import overwrites it again.
    let source = lab.path("calliope");
    let plan = walkdir::WalkDir::new(server::install_dir_of(&source).join("Server/DialPlan"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.is_file())
        .expect("a dial plan file");
    let mut text = std::fs::read(&plan).unwrap();
    text.extend_from_slice(b"<!-- edited on calliope -->\n");
    std::fs::write(&plan, text).unwrap();
    let out = lab.path("out2");
    let export = lab.run(&["export", "--server", s(&source), "--out", s(&out)]);
    assert!(export.status.success(), "{}", stderr(&export));
    let second = archives(&out).pop().unwrap();
    let import = lab.run(&[
        "import",
        s(&second),
        "--server",
        s(&image),
        "--extract-to",
        s(&lab.path("x2")),
        "--mode",
        "migration",
    ]);
    assert!(
        matches!(import.status.code(), Some(0 | 1)),
        "{}",
        stderr(&import)
    );
    let listed = lab.rollback(&image, &["--list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(listed["restore_points"][0]["overwritten_files"], 1);

    for round in ["second import", "first import"] {
        let rollback = lab.rollback(&image, &[]);
        assert_eq!(
            rollback.status.code(),
            Some(0),
            "{round}: {}",
            stderr(&rollback)
        );
    }
    assert_eq!(
        snapshot(&image),
        before,
        "registry.reg and every file as before"
    );
}

/// An import that could not record what it wrote (its disk full at the end, or cut short)
/// leaves its first, unfinished record: the rollback still goes back, and says that changes
/// made since could not be told apart.
#[test]
fn a_rollback_past_an_unrecorded_import_says_later_changes_were_not_checked() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    let before = lab.imported(&archive, &image);
    let record = point_dir(&image).join("written.json");
    std::fs::write(&record, br#"{"finished":false,"files":[],"registry":null}"#).unwrap();
    let dial_plan = server::install_dir_of(&image).join("Server/DialPlan/Classifications.xml");
    std::fs::write(&dial_plan, b"<edited after the import/>").unwrap();

    let output = lab.rollback(&image, &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let said = format!("{}{}", stdout(&output), stderr(&output));
    assert!(said.contains("did not record what it wrote"), "{said}");
    assert_eq!(snapshot(&image), before);
}

/// Files only touched since the import (copied without their times, say) are as the import
/// left them: the rollback needs no --force for them.
#[test]
fn files_touched_but_not_changed_since_the_import_do_not_block_the_rollback() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    let before = lab.imported(&archive, &image);
    let install = server::install_dir_of(&image);
    let touched = install.join("Server/DialPlan/Classifications.xml");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for entry in walkdir::WalkDir::new(&install) {
        let entry = entry.unwrap();
        if entry.file_type().is_file()
            && !entry.path().starts_with(install.join(layout::MIGRATOR_DIR))
        {
            let file = std::fs::File::options()
                .write(true)
                .open(entry.path())
                .unwrap();
            file.set_modified(later).unwrap();
        }
    }
    assert!(touched.is_file());

    let output = lab.rollback(&image, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(snapshot(&image), before);
}

/// A registry change made between an import and a later run (here resolve-parameters) is kept
/// by undoing the later run, and lost by undoing the import: rolling straight back to the
/// import's point is refused as if the change had been made last.
#[test]
fn a_registry_change_between_two_runs_blocks_rolling_back_past_both() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    lab.imported(&archive, &image);
    let first = runs(&image).remove(0);
    let registry = image.join(REGISTRY_FILE);
    let bytes = std::fs::read(&registry).unwrap();
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
        .collect();
    let text = String::from_utf16(&units).unwrap();
    let edited = text.replacen("\"Target\"=", "\"AdminNote\"=\"kept\"\r\n\"Target\"=", 1);
    assert_ne!(edited, text);
    let mut out = vec![0xff, 0xfe];
    out.extend(edited.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&registry, out).unwrap();
    let resolved = lab.run(&[
        "resolve-parameters",
        "--server",
        s(&image),
        "--keep",
        "imported",
    ]);
    assert!(
        matches!(resolved.status.code(), Some(0 | 1)),
        "{}",
        stderr(&resolved)
    );
    let changed = snapshot(&image);

    let refused = lab.rollback(&image, &[&first]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("registry.reg"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(snapshot(&image), changed);
}

/// The names of the import runs of `image`, oldest first.
fn runs(image: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(imports_dir(image))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// An edit that keeps a file's size and time is still an edit: the recorded checksum tells.
#[test]
fn an_edit_keeping_size_and_time_blocks_the_rollback() {
    let lab = Lab::new();
    let archive = lab.archive();
    let image = lab.path("helios");
    lab.imported(&archive, &image);
    let file = server::install_dir_of(&image).join("Server/DialPlan/Classifications.xml");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&file, &bytes).unwrap();
    let handle = std::fs::File::options().write(true).open(&file).unwrap();
    handle.set_modified(modified).unwrap();
    drop(handle);

    let refused = lab.rollback(&image, &[]);
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert!(
        stderr(&refused).contains("Classifications.xml"),
        "{}",
        stderr(&refused)
    );
}
