//! Small generated exports for the archive tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::TimeZone;
use migrator_core::archive::{ArchiveWriter, ComponentInput, FileInput, ManifestHeader};
use migrator_core::progress::NoProgress;
use migrator_core::server::ServerKind;
use rand::{Rng, RngCore, SeedableRng};
use secrecy::SecretString;

/// A password for tests.
pub fn password(text: &str) -> SecretString {
    SecretString::from(text.to_string())
}

/// The header of every test export, with a pinned time.
pub fn header() -> ManifestHeader {
    header_at(0)
}

/// The header of an export `minutes` after the pinned time.
pub fn header_at(minutes: i64) -> ManifestHeader {
    let created = chrono::Local.with_ymd_and_hms(2024, 3, 7, 9, 5, 2).unwrap();
    ManifestHeader {
        created: created + chrono::Duration::minutes(minutes),
        server: "CIC01".into(),
        site: "Main".into(),
        kind: ServerKind::Cic,
        cic_version: "2018 R5".parse().unwrap(),
        install_root: "D:\\I3\\IC".into(),
    }
}

/// Source files on disk and a destination folder.
pub struct Fixture {
    pub source: tempfile::TempDir,
    pub dest: tempfile::TempDir,
    pub prompt_files: Vec<(String, PathBuf)>,
}

impl Fixture {
    /// A few prompts (noisy, compressible and empty files) in a fresh folder.
    pub fn new() -> Fixture {
        let source = tempfile::tempdir().unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut prompt_files = Vec::new();
        let sizes = [0usize, 1, 1000, 70_000, 300_000];
        for (i, size) in sizes.iter().enumerate() {
            let relative = format!("Resources/Prompts/en-US/prompt{i}.wav");
            let path = source.path().join(format!("prompt{i}.wav"));
            let bytes: Vec<u8> = (0..*size)
                .map(|j| (j % 50) as u8 ^ rng.gen::<u8>() & 7)
                .collect();
            std::fs::write(&path, bytes).unwrap();
            prompt_files.push((relative, path));
        }
        Fixture {
            source,
            dest: tempfile::tempdir().unwrap(),
            prompt_files,
        }
    }

    /// The components of the test export.
    pub fn components(&self) -> Vec<ComponentInput> {
        let files = self
            .prompt_files
            .iter()
            .map(|(relative, path)| FileInput {
                archive_path: relative.clone(),
                source: path.clone(),
                size: std::fs::metadata(path).unwrap().len(),
            })
            .collect();
        vec![
            component("Users", 2, None, Some(b"users registry".to_vec()), vec![]),
            component(
                "Prompts",
                5,
                Some("pulled in by Users"),
                Some(b"prompts registry".to_vec()),
                files,
            ),
            component("Lines", 0, None, None, vec![]),
        ]
    }

    /// Writes the test export into the destination folder.
    pub fn write(&self, password: Option<&SecretString>) -> PathBuf {
        write_components(self.dest.path(), self.components(), password)
    }
}

/// A component input.
pub fn component(
    name: &str,
    items: u64,
    reason: Option<&str>,
    registry: Option<Vec<u8>>,
    files: Vec<FileInput>,
) -> ComponentInput {
    ComponentInput {
        name: name.into(),
        items,
        reason_pulled_in: reason.map(str::to_string),
        registry,
        files,
    }
}

/// Writes `components` into `dest` and returns the archive's path.
pub fn write_components(
    dest: &Path,
    components: Vec<ComponentInput>,
    password: Option<&SecretString>,
) -> PathBuf {
    let mut writer = ArchiveWriter::create(dest, header(), password, &NoProgress).unwrap();
    for component in components {
        writer.add_component(component).unwrap();
    }
    writer.finish().unwrap()
}

/// The names in a folder, sorted.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A file of `size` noisy bytes at `path`.
pub fn noise_file(path: &Path, size: usize, seed: u64) {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut bytes = vec![0u8; size];
    rng.fill_bytes(&mut bytes);
    std::fs::write(path, bytes).unwrap();
}

/// The file input for `path`, archived as `archive_path`.
pub fn file_input(archive_path: &str, path: &Path) -> FileInput {
    FileInput {
        archive_path: archive_path.into(),
        source: path.to_path_buf(),
        size: std::fs::metadata(path).map_or(0, |m| m.len()),
    }
}
