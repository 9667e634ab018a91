//! Crafted archives: entries that would land outside the destination, symbolic links,
//! unlisted outer entries, bad manifests and ZIP bombs. Each gets a clean error, and when
//! extraction is refused nothing at all is written.

mod common;

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use common::*;
use migrator_core::archive::manifest::{component_entry, ComponentRecord, Manifest};
use migrator_core::archive::{Archive, Limits};
use migrator_core::progress::NoProgress;
use migrator_core::ErrorKind;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

/// An inner entry to craft.
enum Entry<'a> {
    File(&'a str, &'a [u8]),
    Symlink(&'a str, &'a str),
}

fn inner_zip(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for entry in entries {
        match entry {
            Entry::File(name, bytes) => {
                zip.start_file(*name, SimpleFileOptions::default()).unwrap();
                zip.write_all(bytes).unwrap();
            }
            Entry::Symlink(name, target) => {
                zip.add_symlink(*name, *target, SimpleFileOptions::default())
                    .unwrap();
            }
        }
    }
    zip.finish().unwrap().into_inner()
}

fn record(name: &str, inner: &[u8], entries: &[Entry<'_>]) -> ComponentRecord {
    let sizes = entries.iter().map(|e| match e {
        Entry::File(_, bytes) => bytes.len() as u64,
        Entry::Symlink(_, target) => target.len() as u64,
    });
    ComponentRecord {
        name: name.into(),
        entry: component_entry(0),
        chosen: true,
        reason: None,
        items: 1,
        registry: false,
        files: entries.len() as u64,
        bytes: sizes.sum(),
        size: inner.len() as u64,
        sha256: Sha256::digest(inner)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect(),
    }
}

/// Writes an outer archive holding `manifest` (raw bytes) and the given entries.
fn outer(dir: &Path, manifest: &[u8], entries: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join("crafted.ininmigr");
    let mut zip = ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("manifest.json", SimpleFileOptions::default())
        .unwrap();
    zip.write_all(manifest).unwrap();
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        zip.start_file(*name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

/// A crafted archive whose one component holds `entries`, with a correct manifest.
fn crafted(dir: &Path, entries: &[Entry<'_>]) -> PathBuf {
    let inner = inner_zip(entries);
    let manifest = Manifest::new(&header(), vec![record("Handlers", &inner, entries)]);
    outer(dir, &manifest.to_json(), &[("components/001.zip", &inner)])
}

#[test]
fn entries_that_escape_the_destination_are_refused_with_nothing_written() {
    let hostile = [
        "../evil.txt",
        "Handlers/../../evil.txt",
        "/tmp/evil.txt",
        "C:/Windows/evil.txt",
        "C:evil.txt",
        "..\\evil.txt",
        "Handlers\\..\\..\\evil.txt",
        "Handlers/file.ihd:hidden",
    ];
    for name in hostile {
        let work = tempfile::tempdir().unwrap();
        let entries = [
            Entry::File("Handlers/good.ihd", b"fine"),
            Entry::File(name, b"evil"),
        ];
        let path = crafted(work.path(), &entries);
        let dest = work.path().join("dest");
        std::fs::create_dir(&dest).unwrap();

        let archive = Archive::open(&path, None).unwrap();
        let error = archive
            .extract_component("Handlers", &dest, &NoProgress)
            .unwrap_err();
        assert_eq!(
            error.kind(),
            ErrorKind::Refused,
            "{name}: {}",
            error.message()
        );
        assert!(error.message().contains("Handlers"), "{}", error.message());
        assert!(listing(&dest).is_empty(), "{name}: something was written");
        assert_eq!(listing(work.path()), ["crafted.ininmigr", "dest"], "{name}");

        let report = archive.verify(&NoProgress).unwrap();
        assert!(!report.is_sound(), "{name} passed verify");
    }
}

#[test]
fn a_symbolic_link_is_refused_with_nothing_written() {
    let work = tempfile::tempdir().unwrap();
    let entries = [
        Entry::File("Handlers/good.ihd", b"fine"),
        Entry::Symlink("Handlers/link", "/etc"),
    ];
    let path = crafted(work.path(), &entries);
    let dest = tempfile::tempdir().unwrap();
    let archive = Archive::open(&path, None).unwrap();
    let error = archive
        .extract_component("Handlers", dest.path(), &NoProgress)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert!(
        error.message().contains("symbolic link"),
        "{}",
        error.message()
    );
    assert!(listing(dest.path()).is_empty());
}

#[test]
fn an_outer_entry_the_manifest_does_not_list_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let entries = [Entry::File("Handlers/good.ihd", b"fine")];
    let inner = inner_zip(&entries);
    let manifest = Manifest::new(&header(), vec![record("Handlers", &inner, &entries)]);
    let path = outer(
        work.path(),
        &manifest.to_json(),
        &[("components/001.zip", &inner), ("../evil.txt", b"evil")],
    );
    let error = Archive::open(&path, None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::DamagedArchive);
    assert!(
        error.message().contains("does not list"),
        "{}",
        error.message()
    );
}

#[test]
fn bad_manifests_are_damaged_archives() {
    let work = tempfile::tempdir().unwrap();
    let huge = vec![b' '; 17 * 1024 * 1024];
    let cases: [&[u8]; 6] = [
        b"",
        b"{not json",
        b"[1, 2, 3]",
        b"{\"format\": \"ininmigr\", \"format_version\": 1}",
        b"\xff\xfe\x00",
        &huge,
    ];
    for manifest in cases {
        let path = outer(work.path(), manifest, &[]);
        let error = Archive::open(&path, None).unwrap_err();
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
fn an_archive_with_absurdly_many_entries_is_refused() {
    let work = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..5000)
        .map(|i| format!("components/{i:04}.zip"))
        .collect();
    let entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), &b""[..])).collect();
    let path = outer(work.path(), b"{}", &entries);
    let error = Archive::open(&path, None).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::DamagedArchive);
    assert!(
        error.message().contains("more entries"),
        "{}",
        error.message()
    );
}

#[test]
fn expansion_and_entry_count_caps_refuse_before_writing() {
    let work = tempfile::tempdir().unwrap();
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let entries = [
        Entry::File("Resources/a.txt", b"a"),
        Entry::File("Resources/zeros.bin", &zeros),
    ];
    let path = crafted(work.path(), &entries);
    let cases = [
        (
            Limits {
                max_ratio: 100,
                ..Limits::default()
            },
            "ZIP bomb",
        ),
        (
            Limits {
                max_entries: 1,
                ..Limits::default()
            },
            "entries",
        ),
        (
            Limits {
                max_component_bytes: 1 << 20,
                ..Limits::default()
            },
            "expand",
        ),
    ];
    for (limits, expected) in cases {
        let dest = tempfile::tempdir().unwrap();
        let archive = Archive::open(&path, None).unwrap().with_limits(limits);
        let error = archive
            .extract_component("Handlers", dest.path(), &NoProgress)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Refused, "{}", error.message());
        assert!(error.message().contains(expected), "{}", error.message());
        assert!(listing(dest.path()).is_empty());
    }
    let dest = tempfile::tempdir().unwrap();
    let archive = Archive::open(&path, None).unwrap();
    let extracted = archive.extract_component("Handlers", dest.path(), &NoProgress);
    assert_eq!(
        extracted.unwrap().files.len(),
        2,
        "the default limits let it through"
    );
}

#[test]
fn an_existing_file_in_the_destination_is_not_overwritten() {
    let work = tempfile::tempdir().unwrap();
    let entries = [
        Entry::File("Handlers/a.ihd", b"new a"),
        Entry::File("Handlers/b.ihd", b"new b"),
    ];
    let path = crafted(work.path(), &entries);
    let dest = tempfile::tempdir().unwrap();
    std::fs::create_dir(dest.path().join("Handlers")).unwrap();
    std::fs::write(dest.path().join("Handlers/b.ihd"), b"old b").unwrap();
    let archive = Archive::open(&path, None).unwrap();
    let error = archive
        .extract_component("Handlers", dest.path(), &NoProgress)
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input, "{}", error.message());
    assert_eq!(
        std::fs::read(dest.path().join("Handlers/b.ihd")).unwrap(),
        b"old b"
    );
    assert_eq!(
        listing(&dest.path().join("Handlers")),
        ["b.ihd"],
        "a.ihd was removed again"
    );
}

#[test]
fn an_entry_failing_its_crc_fails_extraction_with_nothing_left_behind() {
    let work = tempfile::tempdir().unwrap();
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in [
        ("Handlers/a.ihd", b"first file"),
        ("Handlers/b.ihd", b"other file"),
    ] {
        zip.start_file(name, stored).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let mut inner = zip.finish().unwrap().into_inner();
    // The second file's data altered after its CRC-32 was written; the manifest's SHA-256 is
    // of the altered component, so only the CRC tells.
    let at = inner.windows(10).position(|w| w == b"other file").unwrap();
    inner[at] = b'O';
    let entries = [
        Entry::File("Handlers/a.ihd", b"first file"),
        Entry::File("Handlers/b.ihd", b"other file"),
    ];
    let manifest = Manifest::new(&header(), vec![record("Handlers", &inner, &entries)]);
    let path = outer(
        work.path(),
        &manifest.to_json(),
        &[("components/001.zip", &inner)],
    );
    let archive = Archive::open(&path, None).unwrap();
    assert!(!archive.verify(&NoProgress).unwrap().is_sound());

    let (report, mut verified) = archive
        .verify_for_extraction(&NoProgress, u64::MAX)
        .unwrap();
    assert!(report.is_sound(), "only extraction reads the entries");
    let dest = work.path().join("dest");
    std::fs::create_dir(&dest).unwrap();
    let error = archive
        .extract_verified("Handlers", &dest, &mut verified, &NoProgress)
        .unwrap_err();
    assert_eq!(
        error.kind(),
        ErrorKind::DamagedArchive,
        "{}",
        error.message()
    );
    assert!(error.message().contains("b.ihd"), "{}", error.message());
    assert!(listing(&dest).is_empty(), "something was left behind");
}
