//! An export that fails leaves nothing behind: no archive, no temporary file, and every
//! earlier export untouched. An existing archive is never overwritten.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use common::*;
use migrator_core::archive::{Archive, ArchiveWriter, ComponentInput};
use migrator_core::progress::{NoProgress, Progress};
use migrator_core::ErrorKind;

/// A progress that runs `action` when the compressing phase starts and cancels after
/// `cancel_after` advances.
struct Saboteur<F: Fn() + Send + Sync> {
    action: F,
    advances: AtomicU64,
    cancel_after: u64,
}

impl<F: Fn() + Send + Sync> Progress for Saboteur<F> {
    fn start_phase(&self, phase: &str, _items: u64, _bytes: u64) {
        if phase == "compressing" {
            (self.action)();
        }
    }

    fn advance(&self, _items: u64, _bytes: u64) {
        self.advances.fetch_add(1, Ordering::Relaxed);
    }

    fn end_phase(&self) {}

    fn cancelled(&self) -> bool {
        self.advances.load(Ordering::Relaxed) >= self.cancel_after
    }
}

fn saboteur<F: Fn() + Send + Sync>(action: F, cancel_after: u64) -> Saboteur<F> {
    Saboteur {
        action,
        advances: AtomicU64::new(0),
        cancel_after,
    }
}

/// Many files in one component, so work is still going on when trouble starts.
fn many_files(dir: &Path, count: usize) -> Vec<ComponentInput> {
    let files = (0..count)
        .map(|i| {
            let path = dir.join(format!("prompt{i}.wav"));
            noise_file(&path, 300_000, i as u64);
            file_input(&format!("Resources/Prompts/prompt{i}.wav"), &path)
        })
        .collect();
    vec![component("Prompts", count as u64, None, None, files)]
}

/// An earlier export in `dest`, with its bytes.
fn earlier_export(dest: &Path) -> (PathBuf, Vec<u8>) {
    let mut writer = ArchiveWriter::create(dest, header_at(-60), None, &NoProgress).unwrap();
    let users = component("Users", 1, None, Some(b"users".to_vec()), vec![]);
    writer.add_component(users).unwrap();
    let path = writer.finish().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    (path, bytes)
}

fn export(
    dest: &Path,
    components: Vec<ComponentInput>,
    progress: &dyn Progress,
) -> migrator_core::Result<PathBuf> {
    let mut writer = ArchiveWriter::create(dest, header(), None, progress)?;
    for component in components {
        writer.add_component(component)?;
    }
    writer.finish()
}

fn assert_only_earlier(dest: &Path, earlier: &(PathBuf, Vec<u8>)) {
    let name = earlier
        .0
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert_eq!(
        listing(dest),
        [name],
        "a partial or temporary file was left"
    );
    assert_eq!(
        std::fs::read(&earlier.0).unwrap(),
        earlier.1,
        "the earlier export changed"
    );
}

#[test]
fn a_source_file_that_disappears_mid_export_leaves_nothing() {
    let fx = Fixture::new();
    let components = many_files(fx.source.path(), 40);
    let earlier = earlier_export(fx.dest.path());
    let victim = fx.source.path().join("prompt33.wav");
    let progress = saboteur(|| std::fs::remove_file(&victim).unwrap(), u64::MAX);

    let error = export(fx.dest.path(), components, &progress).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input);
    assert!(
        error.message().contains("prompt33.wav"),
        "{}",
        error.message()
    );
    assert!(error.hint().is_some());
    assert_only_earlier(fx.dest.path(), &earlier);
}

#[test]
fn cancelling_leaves_nothing() {
    for cancel_after in [0, 5, 60] {
        let fx = Fixture::new();
        let components = many_files(fx.source.path(), 20);
        let earlier = earlier_export(fx.dest.path());
        let progress = saboteur(|| {}, cancel_after);
        let error = export(fx.dest.path(), components, &progress).unwrap_err();
        assert!(error.message().contains("cancelled"), "{}", error.message());
        assert_eq!(error.kind(), ErrorKind::Cancelled, "its own exit code, 130");
        assert_only_earlier(fx.dest.path(), &earlier);
    }
}

#[test]
fn an_existing_archive_is_never_overwritten() {
    let fx = Fixture::new();
    let first = fx.write(None);
    let original = std::fs::read(&first).unwrap();
    let again = ArchiveWriter::create(fx.dest.path(), header(), None, &NoProgress);
    assert_eq!(again.err().unwrap().kind(), ErrorKind::Refused);

    // A file of the same name appearing while the export runs is not replaced either.
    std::fs::remove_file(&first).unwrap();
    let mut writer = ArchiveWriter::create(fx.dest.path(), header(), None, &NoProgress).unwrap();
    for component in fx.components() {
        writer.add_component(component).unwrap();
    }
    std::fs::write(writer.path(), b"someone else's file").unwrap();
    let error = writer.finish().unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Refused);
    assert_eq!(std::fs::read(&first).unwrap(), b"someone else's file");
    assert_eq!(
        listing(fx.dest.path()).len(),
        1,
        "the temporary file was removed"
    );
    drop(original);
}

#[test]
fn an_export_with_nothing_chosen_is_an_error_not_an_empty_file() {
    let fx = Fixture::new();
    let error = export(fx.dest.path(), vec![], &NoProgress).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input);
    assert!(
        error.message().contains("nothing to export"),
        "{}",
        error.message()
    );
    assert!(listing(fx.dest.path()).is_empty());
}

#[test]
fn an_empty_component_still_makes_a_valid_archive() {
    let fx = Fixture::new();
    let empty = component("Server Parameters", 0, None, Some(Vec::new()), vec![]);
    let path = export(fx.dest.path(), vec![empty], &NoProgress).unwrap();
    let archive = Archive::open(&path, None).unwrap();
    assert!(archive.verify(&NoProgress).unwrap().is_sound());
    let out = tempfile::tempdir().unwrap();
    let extracted = archive.extract_component("server parameters", out.path(), &NoProgress);
    assert_eq!(extracted.unwrap().registry, Some(Vec::new()));
}

#[test]
fn unsafe_or_duplicate_archive_paths_are_refused_when_added() {
    let fx = Fixture::new();
    let source = fx.prompt_files[1].1.clone();
    for path in ["../x.wav", "C:/x.wav", "a//b.wav", "registry.reg", "Dir/"] {
        let files = vec![file_input(path, &source)];
        let error = export(
            fx.dest.path(),
            vec![component("P", 1, None, None, files)],
            &NoProgress,
        );
        assert_eq!(error.unwrap_err().kind(), ErrorKind::Input, "{path}");
    }
    let twice = vec![
        file_input("a/B.wav", &source),
        file_input("A/b.wav", &source),
    ];
    let error = export(
        fx.dest.path(),
        vec![component("P", 1, None, None, twice)],
        &NoProgress,
    );
    assert!(error.unwrap_err().message().contains("twice"));
    assert!(listing(fx.dest.path()).is_empty());
}

/// A tmpfs mounted for one test and unmounted when dropped.
struct TinyDisk(tempfile::TempDir);

impl TinyDisk {
    fn mount(bytes: u64) -> Option<TinyDisk> {
        let dir = tempfile::tempdir().ok()?;
        let size = format!("size={bytes}");
        let status = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &size, "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .ok()?;
        status.success().then_some(TinyDisk(dir))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

static MOUNTING: Mutex<()> = Mutex::new(());

#[test]
fn a_full_disk_leaves_nothing_and_says_so() {
    let _one_at_a_time = MOUNTING.lock().unwrap();
    let Some(disk) = TinyDisk::mount(1024 * 1024) else {
        // Mounting needs root; scripts/test.sh runs as root on the build machines.
        eprintln!("skipped: cannot mount a tmpfs here");
        return;
    };
    let dest = disk.0.path();
    let earlier = earlier_export(dest);
    let fx = Fixture::new();
    let components = many_files(fx.source.path(), 8);
    let error = export(dest, components, &NoProgress).unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Input);
    assert!(
        error.hint().unwrap().contains("Free some space"),
        "{:?}",
        error.hint()
    );
    assert_only_earlier(dest, &earlier);
    assert!(Archive::open(&earlier.0, None)
        .unwrap()
        .verify(&NoProgress)
        .unwrap()
        .is_sound());
}
