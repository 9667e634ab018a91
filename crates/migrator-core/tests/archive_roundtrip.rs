//! Archives written through `ArchiveWriter` read back through `Archive`: manifest, verify,
//! extraction, passwords.

mod common;

use common::*;
use migrator_core::archive::Archive;
use migrator_core::progress::NoProgress;
use migrator_core::ErrorKind;

#[test]
fn an_unencrypted_archive_reads_back_whole() {
    let fx = Fixture::new();
    let path = fx.write(None);
    let archive = Archive::open(&path, None).unwrap();
    assert!(!archive.is_encrypted());
    let manifest = archive.manifest();
    assert_eq!(manifest.server, "CIC01");
    assert_eq!(manifest.components.len(), 3);
    let users = manifest.component("users").unwrap();
    assert_eq!((users.items, users.files, users.registry), (2, 0, true));
    let prompts = manifest.component("Prompts").unwrap();
    assert_eq!(prompts.reason.as_deref(), Some("pulled in by Users"));
    assert!(!prompts.chosen);
    assert!(archive.verify(&NoProgress).unwrap().is_sound());

    let out = tempfile::tempdir().unwrap();
    let extracted = archive
        .extract_component("PROMPTS", out.path(), &NoProgress)
        .unwrap();
    assert_eq!(
        extracted.registry.as_deref(),
        Some(&b"prompts registry"[..])
    );
    assert_eq!(extracted.files.len(), fx.prompt_files.len());
    for (archive_path, source) in &fx.prompt_files {
        let written = out.path().join(archive_path);
        assert_eq!(
            std::fs::read(written).unwrap(),
            std::fs::read(source).unwrap()
        );
    }
}

#[test]
fn an_encrypted_archive_needs_its_password() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("correct horse")));
    let missing = Archive::open(&path, None).unwrap_err();
    assert_eq!(missing.kind(), ErrorKind::WrongPassword);
    assert!(
        missing.message().contains("protected by a password"),
        "{}",
        missing.message()
    );

    let wrong = Archive::open(&path, Some(&password("battery staple"))).unwrap_err();
    assert_eq!(wrong.kind(), ErrorKind::WrongPassword);
    assert!(
        wrong.message().contains("does not open"),
        "{}",
        wrong.message()
    );
    assert!(!wrong.message().contains("battery"));

    let archive = Archive::open(&path, Some(&password("correct horse"))).unwrap();
    assert!(archive.is_encrypted());
    assert!(archive.verify(&NoProgress).unwrap().is_sound());
    let out = tempfile::tempdir().unwrap();
    let users = archive
        .extract_component("Users", out.path(), &NoProgress)
        .unwrap();
    assert_eq!(users.registry.as_deref(), Some(&b"users registry"[..]));
}

#[test]
fn components_kept_by_verify_extract_as_checked_even_if_the_archive_changes_after() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("correct horse")));
    let archive = Archive::open(&path, Some(&password("correct horse"))).unwrap();
    let (report, mut verified) = archive.verify_keeping(&NoProgress, u64::MAX).unwrap();
    assert!(report.is_sound());
    // The archive is gone, yet its checked components are still there to extract.
    std::fs::remove_file(&path).unwrap();
    let out = tempfile::tempdir().unwrap();
    let prompts = archive
        .extract_verified("Prompts", out.path(), &mut verified, &NoProgress)
        .unwrap();
    assert_eq!(prompts.registry.as_deref(), Some(&b"prompts registry"[..]));
    for (archive_path, source) in &fx.prompt_files {
        let written = out.path().join(archive_path);
        assert_eq!(
            std::fs::read(written).unwrap(),
            std::fs::read(source).unwrap()
        );
    }
    // Each kept copy serves one extraction; without the archive, another is an error.
    let again = tempfile::tempdir().unwrap();
    let error = archive
        .extract_verified("Prompts", again.path(), &mut verified, &NoProgress)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input, "{}", error.message());
}

#[test]
fn verify_keeps_nothing_beyond_its_budget() {
    let fx = Fixture::new();
    let path = fx.write(None);
    let archive = Archive::open(&path, None).unwrap();
    let (report, mut verified) = archive.verify_keeping(&NoProgress, 0).unwrap();
    assert!(report.is_sound());
    std::fs::remove_file(&path).unwrap();
    let out = tempfile::tempdir().unwrap();
    let error = archive
        .extract_verified("Users", out.path(), &mut verified, &NoProgress)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input, "{}", error.message());
}
