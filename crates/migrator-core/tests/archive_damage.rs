//! Damaged archives: a truncated file, a flipped byte, a wrong password. Each fails with its
//! own kind of error, names the damaged part, and never panics.

mod common;

use std::path::Path;

use common::*;
use migrator_core::archive::Archive;
use migrator_core::progress::NoProgress;
use migrator_core::ErrorKind;
use secrecy::SecretString;

/// Where the data of outer entry `name` lies in the file.
fn data_range(path: &Path, name: &str) -> std::ops::Range<u64> {
    let file = std::fs::File::open(path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let entry = zip.by_name_raw(name.as_bytes()).unwrap();
    let start = entry.data_start().unwrap();
    start..start + entry.compressed_size()
}

fn flip(path: &Path, offset: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    bytes[offset as usize] ^= 0x20;
    std::fs::write(path, bytes).unwrap();
}

/// Opens and verifies, turning every outcome into a result.
fn open_and_verify(path: &Path, password: Option<&SecretString>) -> migrator_core::Result<()> {
    let archive = Archive::open(path, password)?;
    archive.verify(&NoProgress)?.into_result().map(|_| ())
}

#[test]
fn a_flipped_byte_in_a_component_names_that_component() {
    for key in [None, Some(password("secret"))] {
        let fx = Fixture::new();
        let path = fx.write(key.as_ref());
        let range = data_range(&path, "components/002.zip");
        flip(&path, range.start + (range.end - range.start) / 2);

        let archive = Archive::open(&path, key.as_ref()).unwrap();
        let report = archive.verify(&NoProgress).unwrap();
        let damaged: Vec<&str> = report.damaged().map(|c| c.name.as_str()).collect();
        assert_eq!(damaged, ["Prompts"], "encrypted: {}", key.is_some());

        let error = report.into_result().unwrap_err();
        assert_eq!(error.kind(), ErrorKind::DamagedArchive);
        assert!(
            error.message().contains("component Prompts"),
            "{}",
            error.message()
        );
        // The password is right: the message never blames it.
        assert!(
            !error.message().to_lowercase().contains("password"),
            "{}",
            error.message()
        );

        let out = tempfile::tempdir().unwrap();
        let refused = archive.extract_component("Prompts", out.path(), &NoProgress);
        assert_eq!(refused.unwrap_err().kind(), ErrorKind::DamagedArchive);
        assert!(
            listing(out.path()).is_empty(),
            "nothing extracted from a damaged component"
        );
        let users = archive.extract_component("Users", out.path(), &NoProgress);
        assert!(users.is_ok(), "sound components stay usable");
    }
}

#[test]
fn a_flipped_byte_in_the_manifest_is_named() {
    for key in [None, Some(password("secret"))] {
        let fx = Fixture::new();
        let path = fx.write(key.as_ref());
        let range = data_range(&path, "manifest.json");
        flip(&path, range.start + (range.end - range.start) / 2);
        let error = open_and_verify(&path, key.as_ref()).unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::DamagedArchive,
            "{}",
            error.message()
        );
        assert!(error.message().contains("manifest"), "{}", error.message());
    }
}

#[test]
fn a_flipped_password_check_of_the_manifest_is_damage_not_a_wrong_password() {
    let key = password("secret");
    let fx = Fixture::new();
    let path = fx.write(Some(&key));
    // An AES entry's data starts with its salt (16 bytes for AES-256), then the two-byte
    // password check.
    let range = data_range(&path, "manifest.json");
    for offset in [range.start, range.start + 16] {
        let copy = fx.dest.path().join("flipped.ininmigr");
        std::fs::copy(&path, &copy).unwrap();
        flip(&copy, offset);
        let error = Archive::open(&copy, Some(&key)).unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::DamagedArchive,
            "{}",
            error.message()
        );
        assert!(error.message().contains("manifest"), "{}", error.message());
        // The wrong password on the same file is still a wrong password.
        let wrong = Archive::open(&copy, Some(&password("other"))).unwrap_err();
        assert_eq!(
            wrong.kind(),
            ErrorKind::WrongPassword,
            "{}",
            wrong.message()
        );
    }
}

#[test]
fn a_truncated_archive_is_damaged_at_its_end() {
    for key in [None, Some(password("secret"))] {
        let fx = Fixture::new();
        let path = fx.write(key.as_ref());
        let length = std::fs::metadata(&path).unwrap().len();
        for keep in [length - 1, length - 30, length / 2, 100, 0] {
            let cut = fx.dest.path().join("cut.ininmigr");
            std::fs::write(&cut, &std::fs::read(&path).unwrap()[..keep as usize]).unwrap();
            let error = open_and_verify(&cut, key.as_ref()).unwrap_err();
            assert_eq!(
                error.kind(),
                ErrorKind::DamagedArchive,
                "{}",
                error.message()
            );
            assert!(error.message().contains("cut short"), "{}", error.message());
            if keep == length / 2 {
                assert!(
                    error.message().contains("Lines (components/003.zip)"),
                    "{}",
                    error.message()
                );
                assert!(
                    error.message().contains("intact: Users"),
                    "{}",
                    error.message()
                );
            }
            if keep == length - 1 {
                assert!(
                    error.message().contains("every component is intact"),
                    "{}",
                    error.message()
                );
            }
        }
    }
}

#[test]
fn every_single_flipped_byte_gives_a_clean_outcome_and_no_content_change_passes() {
    for key in [None, Some(password("pw"))] {
        let fx = Fixture::new();
        let users = component("Users", 1, None, Some(vec![b'x'; 40]), vec![]);
        let path = write_components(fx.dest.path(), vec![users], key.as_ref());
        let content = [
            data_range(&path, "manifest.json"),
            data_range(&path, "components/001.zip"),
        ];
        let original = std::fs::read(&path).unwrap();
        let step = if key.is_some() { 13 } else { 1 };
        for offset in (0..original.len()).step_by(step) {
            let mut bytes = original.clone();
            bytes[offset] ^= 0x01;
            std::fs::write(&path, &bytes).unwrap();
            let outcome = open_and_verify(&path, key.as_ref());
            if content.iter().any(|range| range.contains(&(offset as u64))) {
                assert!(outcome.is_err(), "a flip at {offset} in entry data passed");
            }
        }
    }
}

#[test]
fn a_wrong_password_is_not_damage() {
    let fx = Fixture::new();
    let path = fx.write(Some(&password("right")));
    let error = Archive::open(&path, Some(&password("wrong"))).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::WrongPassword);
    assert_ne!(
        ErrorKind::WrongPassword.exit_code(),
        ErrorKind::DamagedArchive.exit_code()
    );
}

#[test]
fn a_password_given_for_a_plain_archive_is_harmless() {
    let fx = Fixture::new();
    let path = fx.write(None);
    let archive = Archive::open(&path, Some(&password("unused"))).unwrap();
    assert!(!archive.is_encrypted());
    assert!(archive.verify(&NoProgress).unwrap().is_sound());
}
