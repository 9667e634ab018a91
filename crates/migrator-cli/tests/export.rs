//! `migrator export` through the built binary, with 7-Zip and Python's zipfile as peers.

mod catalog_image;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use catalog_image::{cic_image, media_image, migrator, migrator_env, stderr, stdout};

const PASSWORD: &str = "correct horse";

fn archives(dir: &Path) -> Vec<PathBuf> {
    match fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

fn the_archive(dir: &Path) -> PathBuf {
    let found = archives(dir);
    assert_eq!(found.len(), 1, "{found:?}");
    found.into_iter().next().unwrap()
}

fn seven_zip_test(archive: &Path, password: Option<&str>) -> (bool, String) {
    let mut command = Command::new("7zz");
    command.arg("t").arg(archive);
    // Without -p, 7-Zip would wait for a password on an encrypted entry.
    command.arg(format!("-p{}", password.unwrap_or("")));
    let output = command.output().expect("7zz runs (apt-get install 7zip)");
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    (
        output.status.success() && text.contains("Everything is Ok"),
        text,
    )
}

fn export(image: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "export",
        "--server",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    migrator(&args)
}

#[test]
fn an_export_without_a_password_opens_everywhere_and_reports_what_it_did() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    let output = export(&image, &out, &["--nodes", "adminconfig,  ip\\handlers"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("exporting calliope (site Indy), CIC server 2016 R1\n"),
        "{text}"
    );
    for line in [
        "pulled in Users by AdminConfig: licence assignments must not land on users or \
         stations missing on the target",
        "pulled in Workgroups by Users: workgroup memberships travel with the workgroups",
        "pulled in calliope\\IP by IP\\Handlers: handlers work only with the server's \
         Interaction Processor configuration",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let archive = the_archive(&out);
    assert!(
        text.contains(&format!("archive: {}", archive.display())),
        "{text}"
    );
    assert!(
        text.contains("6 components, 7 items, 0 files, not encrypted, in "),
        "{text}"
    );

    let (ok, listing) = seven_zip_test(&archive, None);
    assert!(ok, "{listing}");
    let verify = migrator(&["verify", archive.to_str().unwrap()]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    assert!(
        stdout(&verify).contains("ok       calliope\\IP"),
        "{}",
        stdout(&verify)
    );
    let python = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); \
                      assert z.testzip() is None; print(len(z.namelist()))",
        ])
        .arg(&archive)
        .output()
        .unwrap();
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
}

#[test]
fn an_export_with_a_password_file_is_tested_clean_by_seven_zip() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    let password_file = dir.path().join("password.txt");
    fs::write(&password_file, format!("{PASSWORD}\r\n")).unwrap();
    let output = export(
        &image,
        &out,
        &["--password-file", password_file.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(", encrypted, in "));
    assert!(!stdout(&output).contains(PASSWORD) && !stderr(&output).contains(PASSWORD));
    let archive = the_archive(&out);
    let (ok, listing) = seven_zip_test(&archive, Some(PASSWORD));
    assert!(ok, "{listing}");
    let (ok, _) = seven_zip_test(&archive, Some("wrong"));
    assert!(!ok, "a wrong password must not test clean");
    let verify = migrator(&[
        "verify",
        archive.to_str().unwrap(),
        "--password-file",
        password_file.to_str().unwrap(),
    ]);
    assert!(verify.status.success(), "{}", stdout(&verify));
}

#[test]
fn the_password_may_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    let args = [
        "export",
        "--server",
        image.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--nodes",
        "Users",
    ];
    let output = migrator_env(&args, &[("MIGRATOR_PASSWORD", PASSWORD)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = the_archive(&out);
    assert!(seven_zip_test(&archive, Some(PASSWORD)).0);
    assert!(!seven_zip_test(&archive, None).0);
}

#[test]
fn custom_handlers_keep_their_sub_folders() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    let output = export(&image, &out, &["--nodes", "Handlers"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = the_archive(&out);
    let extracted = dir.path().join("x");
    let status = Command::new("7zz")
        .arg("x")
        .arg(&archive)
        .arg(format!("-o{}", extracted.display()))
        .arg("-p")
        .output()
        .unwrap();
    assert!(status.status.success());
    let inner = archives(&extracted.join("components"));
    assert_eq!(inner.len(), 1, "{inner:?}");
    let listing = Command::new("7zz")
        .arg("l")
        .arg(&inner[0])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout).into_owned();
    assert!(
        listing.contains("Handlers/Custom/Sub/Other.ihd"),
        "{listing}"
    );
    assert!(
        listing.contains("Handlers/Custom/MyHandler.ihd"),
        "{listing}"
    );
}

#[test]
fn a_media_server_exports_its_own_components() {
    let dir = tempfile::tempdir().unwrap();
    let image = media_image(&dir.path().join("backgammon"));
    let out = dir.path().join("out");
    let output = export(&image, &out, &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let archive = the_archive(&out);
    let name = archive.file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("backgammon_"), "{name}");
    assert!(
        stdout(&output).contains("2 components, 2 items, 1 file,"),
        "{}",
        stdout(&output)
    );
    assert!(seven_zip_test(&archive, None).0);
}

#[test]
fn exports_back_to_back_each_get_their_own_file() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    for _ in 0..2 {
        let output = export(&image, &out, &["--nodes", "Users"]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    assert_eq!(
        archives(&out).len(),
        2,
        "the second export waits for a free file name"
    );
}

#[test]
fn an_export_into_the_install_tree_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    for out in [
        image.join("I3").join("IC"),
        image.join("I3/IC/Server/Exports"),
    ] {
        let output = export(&image, &out, &[]);
        assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
        let err = stderr(&output);
        assert!(err.contains("install"), "{err}");
        assert!(
            err.contains("hint: Choose a folder outside the install tree"),
            "{err}"
        );
    }
    assert!(!image.join("I3/IC/Server/Exports").exists());
    assert!(!image.join("I3/IC").read_dir().unwrap().any(|e| {
        e.unwrap()
            .file_name()
            .to_string_lossy()
            .ends_with(".ininmigr")
    }));
}

#[test]
fn nothing_selected_and_unknown_names_are_usage_errors_that_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    let output = export(&image, &out, &["--nodes", ""]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no component selected"),
        "{}",
        stderr(&output)
    );
    let output = export(&image, &out, &["--nodes", "Users, Workgrups"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("did you mean \"Workgroups\"?"), "{err}");
    assert!(err.contains("calliope\\IP"), "{err}");
    assert!(!out.exists());
}

#[test]
fn a_running_service_gives_a_warning_and_the_export_goes_ahead() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    fs::write(image.join("service.running"), "").unwrap();
    let out = dir.path().join("out");
    let output = export(&image, &out, &["--nodes", "Mail"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("warning: the service of calliope is running"));
    assert_eq!(archives(&out).len(), 1);
}

#[test]
fn an_image_without_install_tree_or_in_the_middle_of_an_import_is_not_exported() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");

    let lock = image.join("I3/IC/Migrator/import.lock");
    fs::create_dir_all(lock.parent().unwrap()).unwrap();
    fs::write(&lock, "{}").unwrap();
    let output = export(&image, &out, &[]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("import.lock"),
        "{}",
        stderr(&output)
    );
    assert!(archives(&out).is_empty());

    fs::remove_dir_all(image.join("I3")).unwrap();
    let output = export(&image, &out, &[]);
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no install tree"),
        "{}",
        stderr(&output)
    );
    assert!(archives(&out).is_empty());
}

#[test]
fn quiet_hides_the_warnings_of_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    fs::write(image.join("service.running"), "").unwrap();
    let output = export(&image, &dir.path().join("out"), &["-q", "--nodes", "Mail"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
}

#[test]
fn a_failed_export_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let image = cic_image(&dir.path().join("calliope"));
    let out = dir.path().join("out");
    fs::create_dir_all(&out).unwrap();
    let missing = dir.path().join("no-such-folder");
    let output = export(
        &image,
        &out,
        &["--custom-handlers", missing.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(7), "{}", stderr(&output));
    assert!(archives(&out).is_empty());
    let empty_password = dir.path().join("empty.txt");
    fs::write(&empty_password, "\n").unwrap();
    let output = export(
        &image,
        &out,
        &["--password-file", empty_password.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(archives(&out).is_empty());
}
