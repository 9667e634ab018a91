//! Building the inner ZIP of each component, in parallel.
//!
//! A component's files are cut into parts of similar size so that one large component (a
//! folder of prompts, say) still keeps every core busy. Workers take parts largest first and
//! compress each into an unnamed temporary file in the destination folder (it vanishes with
//! the process, whatever happens). The worker that finishes a component's last part appends
//! the other parts to the first one without recompressing them and hashes the result: that
//! is the component's inner ZIP, ready to be copied into the outer archive.

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::names::REGISTRY_ENTRY;
use super::stream::{self, CopyControl, CopyError, DiscardAfterError};
use super::writer::{ComponentInput, FileInput};
use crate::error::{Error, ErrorKind, Result};
use crate::progress::Progress;

/// Files of at least this size get ZIP64 headers, leaving room for deflate's worst case.
pub const LARGE_FILE: u64 = 0xF000_0000;

/// Parts are never cut smaller than this, so small components stay in one piece.
pub const MIN_PART_BYTES: u64 = 16 * 1024 * 1024;

/// File extensions whose content is already compressed: deflating them again costs time and
/// saves nothing, so they are stored.
const STORED_EXTENSIONS: [&str; 16] = [
    "zip", "jar", "gz", "tgz", "7z", "rar", "xz", "bz2", "zst", "cab", "png", "jpg", "jpeg", "gif",
    "mp3", "mp4",
];

/// How the parts are compressed.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The deflate level, 1 to 9.
    pub level: i64,
    /// How many workers compress at once.
    pub workers: usize,
    /// The time given to entries that have no file behind them (the registry data).
    pub created: zip::DateTime,
    /// The smallest part a component is cut into.
    pub min_part_bytes: u64,
}

/// A finished inner ZIP: an unnamed temporary file, its size and SHA-256.
#[derive(Debug)]
pub struct Built {
    /// The inner ZIP, positioned anywhere.
    pub file: File,
    /// Its length in bytes.
    pub size: u64,
    /// Its SHA-256, lower-case hex.
    pub sha256: String,
    /// The uncompressed bytes it holds, as read (files may have changed since listed).
    pub bytes: u64,
}

/// One unit of work: some files of one component (and its registry data, for the first part).
struct Part<'a> {
    component: usize,
    index: usize,
    registry: Option<&'a [u8]>,
    files: &'a [FileInput],
    bytes: u64,
}

/// Why a worker stopped.
enum Stop {
    Failed(Error),
    Aborted,
}

impl From<Error> for Stop {
    fn from(error: Error) -> Stop {
        Stop::Failed(error)
    }
}

/// A compressed part and the uncompressed bytes it holds.
struct PartFile {
    file: File,
    bytes: u64,
}

/// The parts of each component waiting for their siblings.
struct Slot {
    parts: Vec<Option<PartFile>>,
    remaining: usize,
    built: Option<Built>,
}

/// Builds the inner ZIP of every component in `dir`, in parallel. Returns them in the order
/// of `components`; the first failure stops every worker.
pub fn build_all(
    components: &[ComponentInput],
    dir: &Path,
    settings: Settings,
    progress: &dyn Progress,
) -> Result<Vec<Built>> {
    let total: u64 = components.iter().map(ComponentInput::bytes).sum();
    let target = (total / (settings.workers as u64 * 4)).max(settings.min_part_bytes);
    let mut parts = plan_parts(components, target);
    parts.sort_by_key(|p| std::cmp::Reverse(p.bytes));

    let slots = empty_slots(components.len(), &parts);
    let work = Work {
        parts: &parts,
        slots: &slots,
        next: AtomicUsize::new(0),
        abort: AtomicBool::new(false),
        dir,
        settings,
        progress,
    };
    run_workers(&work)?;
    if progress.cancelled() {
        return Err(super::cancelled());
    }
    slots.into_iter().map(take_built).collect()
}

/// One slot per component, expecting as many parts as were planned for it.
fn empty_slots(components: usize, parts: &[Part<'_>]) -> Vec<Mutex<Slot>> {
    (0..components)
        .map(|component| {
            let count = parts_of(parts, component);
            Mutex::new(Slot {
                parts: (0..count).map(|_| None).collect(),
                remaining: count,
                built: None,
            })
        })
        .collect()
}

fn take_built(slot: Mutex<Slot>) -> Result<Built> {
    let slot = slot.into_inner().unwrap_or_else(|e| e.into_inner());
    slot.built.ok_or_else(|| {
        Error::new(
            ErrorKind::Internal,
            "a component's inner archive was not built",
        )
    })
}

/// Cuts each component's files into parts of about `target` bytes, keeping file order.
fn plan_parts(components: &[ComponentInput], target: u64) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    for (component, input) in components.iter().enumerate() {
        let mut start = 0;
        let mut bytes = input.registry.as_ref().map_or(0, |r| r.len() as u64);
        for (i, file) in input.files.iter().enumerate() {
            if bytes >= target && i > start {
                parts.push(part(
                    component,
                    parts_of(&parts, component),
                    None,
                    &input.files[start..i],
                    bytes,
                ));
                start = i;
                bytes = 0;
            }
            bytes += file.size;
        }
        let index = parts_of(&parts, component);
        parts.push(part(component, index, None, &input.files[start..], bytes));
    }
    // The registry data belongs to the first part of its component.
    for p in parts.iter_mut().filter(|p| p.index == 0) {
        p.registry = components[p.component].registry.as_deref();
    }
    parts
}

fn parts_of(parts: &[Part<'_>], component: usize) -> usize {
    parts.iter().filter(|p| p.component == component).count()
}

fn part<'a>(
    component: usize,
    index: usize,
    registry: Option<&'a [u8]>,
    files: &'a [FileInput],
    bytes: u64,
) -> Part<'a> {
    Part {
        component,
        index,
        registry,
        files,
        bytes,
    }
}

/// What the workers share.
struct Work<'a> {
    parts: &'a [Part<'a>],
    slots: &'a [Mutex<Slot>],
    next: AtomicUsize,
    abort: AtomicBool,
    dir: &'a Path,
    settings: Settings,
    progress: &'a dyn Progress,
}

impl Work<'_> {
    fn control(&self) -> CopyControl<'_> {
        CopyControl {
            progress: self.progress,
            abort: Some(&self.abort),
            report_bytes: true,
        }
    }
}

fn run_workers(work: &Work<'_>) -> Result<()> {
    let results: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..work.settings.workers.max(1))
            .map(|_| scope.spawn(|| worker(work)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err(panicked())))
            .collect()
    });
    results.into_iter().collect()
}

fn panicked() -> Error {
    Error::new(
        ErrorKind::Internal,
        "a compression worker stopped unexpectedly",
    )
}

fn worker(work: &Work<'_>) -> Result<()> {
    loop {
        let next = work.next.fetch_add(1, Ordering::Relaxed);
        let Some(part) = work.parts.get(next) else {
            return Ok(());
        };
        match build_and_deposit(work, part) {
            Ok(()) => {}
            Err(Stop::Aborted) => return Ok(()),
            Err(Stop::Failed(error)) => {
                work.abort.store(true, Ordering::Relaxed);
                return Err(error);
            }
        }
    }
}

fn build_and_deposit(work: &Work<'_>, part: &Part<'_>) -> Result<(), Stop> {
    if work.control().should_stop() {
        return Err(Stop::Aborted);
    }
    let built = build_part(work, part)?;
    let ready = {
        let mut slot = lock(&work.slots[part.component]);
        slot.parts[part.index] = Some(built);
        slot.remaining -= 1;
        if slot.remaining == 0 {
            Some(slot.parts.drain(..).flatten().collect::<Vec<_>>())
        } else {
            None
        }
    };
    if let Some(files) = ready {
        let built = finish_component(files, work)?;
        lock(&work.slots[part.component]).built = Some(built);
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

/// Compresses one part into an unnamed temporary file.
fn build_part(work: &Work<'_>, part: &Part<'_>) -> Result<PartFile, Stop> {
    let dir = work.dir;
    let temp = tempfile::tempfile_in(dir).map_err(|e| temp_error(dir, e))?;
    let mut zip = ZipWriter::new(BufWriter::with_capacity(
        1 << 20,
        DiscardAfterError::new(temp),
    ));
    let mut bytes = 0;
    if let Some(registry) = part.registry {
        bytes += registry.len() as u64;
        let options = deflated(work.settings, work.settings.created, registry.len() as u64);
        zip.start_file(REGISTRY_ENTRY, options)
            .map_err(|e| zip_write_error(dir, e))?;
        zip.write_all(registry).map_err(|e| temp_error(dir, e))?;
        work.progress.advance(1, registry.len() as u64);
    }
    for file in part.files {
        bytes += add_file(&mut zip, file, work)?;
        work.progress.advance(1, 0);
    }
    let buffered = zip.finish().map_err(|e| zip_write_error(dir, e))?;
    let file = buffered
        .into_inner()
        .map_err(|e| temp_error(dir, e.into_error()))?
        .into_inner();
    Ok(PartFile { file, bytes })
}

/// The writer of one part.
type PartWriter = ZipWriter<BufWriter<DiscardAfterError<File>>>;

fn add_file(zip: &mut PartWriter, input: &FileInput, work: &Work<'_>) -> Result<u64, Stop> {
    let reading = |e| Error::io("reading", &input.source, e);
    let mut source = File::open(&input.source).map_err(reading)?;
    let metadata = source.metadata().map_err(reading)?;
    let modified = metadata
        .modified()
        .ok()
        .map_or(work.settings.created, zip_time);
    let mut options = deflated(work.settings, modified, metadata.len());
    if is_stored_kind(&input.archive_path) {
        options = options.compression_method(CompressionMethod::Stored);
    }
    zip.start_file(input.archive_path.as_str(), options)
        .map_err(|e| zip_write_error(work.dir, e))?;
    match stream::copy(&mut source, zip, u64::MAX, None, work.control()) {
        Ok(copied) => Ok(copied),
        Err(CopyError::Stopped) => Err(Stop::Aborted),
        Err(CopyError::Read(e)) => Err(reading(e).into()),
        Err(CopyError::Write(e)) => Err(temp_error(work.dir, e).into()),
        Err(CopyError::TooLong) => Err(Error::new(ErrorKind::Internal, "unlimited copy").into()),
    }
}

fn deflated(settings: Settings, modified: zip::DateTime, size: u64) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(settings.level))
        .last_modified_time(modified)
        .unix_permissions(0o644)
        .large_file(size >= LARGE_FILE)
}

fn is_stored_kind(name: &str) -> bool {
    let file_name = name.rsplit('/').next().unwrap_or(name);
    file_name.rsplit_once('.').is_some_and(|(_, ext)| {
        STORED_EXTENSIONS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(ext))
    })
}

/// A file time as a ZIP time: local time, as ZIP tools expect; the ZIP epoch when earlier.
pub fn zip_time(time: std::time::SystemTime) -> zip::DateTime {
    let local: chrono::DateTime<chrono::Local> = time.into();
    zip_time_of(local.naive_local())
}

/// A local date and time as a ZIP time, clamped to what ZIP can hold.
pub fn zip_time_of(local: chrono::NaiveDateTime) -> zip::DateTime {
    use chrono::{Datelike, Timelike};
    let parts = (
        u16::try_from(local.year()).unwrap_or(0),
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second().min(59) as u8,
    );
    zip::DateTime::from_date_and_time(parts.0, parts.1, parts.2, parts.3, parts.4, parts.5)
        .unwrap_or_default()
}

/// Joins the parts of one component into its inner ZIP and hashes it.
fn finish_component(mut parts: Vec<PartFile>, work: &Work<'_>) -> Result<Built, Stop> {
    let dir = work.dir;
    let bytes = parts.iter().map(|p| p.bytes).sum();
    let first = parts.remove(0).file;
    let mut file = if parts.is_empty() {
        first
    } else {
        let mut joined = ZipWriter::new_append(DiscardAfterError::new(first))
            .map_err(|e| zip_write_error(dir, e))?;
        for PartFile { file: mut part, .. } in parts {
            part.seek(SeekFrom::Start(0))
                .map_err(|e| temp_error(dir, e))?;
            let archive = ZipArchive::new(BufReader::with_capacity(1 << 20, part))
                .map_err(|e| zip_write_error(dir, e))?;
            joined
                .merge_archive(archive)
                .map_err(|e| zip_write_error(dir, e))?;
        }
        joined
            .finish()
            .map_err(|e| zip_write_error(dir, e))?
            .into_inner()
    };
    file.seek(SeekFrom::Start(0))
        .map_err(|e| temp_error(dir, e))?;
    let mut reader = BufReader::with_capacity(stream::CHUNK, &mut file);
    let (sha256, size) = match stream::hash_all(&mut reader, work.control()) {
        Ok(done) => done,
        Err(CopyError::Stopped) => return Err(Stop::Aborted),
        Err(CopyError::Read(e) | CopyError::Write(e)) => return Err(temp_error(dir, e).into()),
        Err(CopyError::TooLong) => return Err(Stop::Aborted),
    };
    Ok(Built {
        file,
        size,
        sha256,
        bytes,
    })
}

fn temp_error(dir: &Path, error: std::io::Error) -> Error {
    Error::io("writing a temporary file in", dir, error)
}

fn zip_write_error(dir: &Path, error: zip::result::ZipError) -> Error {
    match error {
        zip::result::ZipError::Io(e) => temp_error(dir, e),
        other => Error::new(
            ErrorKind::Internal,
            format!("building a component archive in {}: {other}", dir.display()),
        )
        .with_source(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn component(sizes: &[u64]) -> ComponentInput {
        ComponentInput {
            name: "Prompts".into(),
            items: sizes.len() as u64,
            reason_pulled_in: None,
            registry: Some(b"REG".to_vec()),
            files: sizes
                .iter()
                .enumerate()
                .map(|(i, &size)| FileInput {
                    archive_path: format!("f{i}"),
                    source: PathBuf::from(format!("/nonexistent/f{i}")),
                    size,
                })
                .collect(),
        }
    }

    #[test]
    fn a_large_component_is_cut_into_parts_that_keep_every_file_once() {
        let components = [component(&[10, 10, 10, 10, 10]), component(&[1])];
        let parts = plan_parts(&components, 20);
        let of_first: Vec<_> = parts.iter().filter(|p| p.component == 0).collect();
        assert_eq!(of_first.len(), 3);
        let names: Vec<_> = of_first
            .iter()
            .flat_map(|p| p.files.iter().map(|f| f.archive_path.as_str()))
            .collect();
        assert_eq!(names, ["f0", "f1", "f2", "f3", "f4"]);
        let with_registry = parts.iter().filter(|p| p.registry.is_some()).count();
        assert_eq!(
            with_registry, 2,
            "one registry entry per component, in its first part"
        );
    }

    #[test]
    fn parts_compressed_apart_join_into_one_sound_inner_zip() {
        let source = tempfile::tempdir().unwrap();
        let mut input = component(&[]);
        for i in 0..12 {
            let path = source.path().join(format!("f{i}"));
            std::fs::write(&path, format!("file {i} ").repeat(300 * (i + 1))).unwrap();
            input.files.push(FileInput {
                archive_path: format!("Resources/f{i}.txt"),
                size: std::fs::metadata(&path).unwrap().len(),
                source: path,
            });
        }
        let settings = Settings {
            level: 6,
            workers: 3,
            created: zip::DateTime::default(),
            min_part_bytes: 4000,
        };
        let parts = plan_parts(std::slice::from_ref(&input), 4000).len();
        assert!(parts >= 4, "only {parts} parts");

        let dest = tempfile::tempdir().unwrap();
        let progress = crate::progress::NoProgress;
        let mut built = build_all(&[input.clone()], dest.path(), settings, &progress).unwrap();
        let mut zip = ZipArchive::new(&mut built[0].file).unwrap();
        let names: Vec<String> = zip.file_names().map(|n| n.unwrap().into_owned()).collect();
        let expected: Vec<String> = std::iter::once(REGISTRY_ENTRY.to_string())
            .chain(input.files.iter().map(|f| f.archive_path.clone()))
            .collect();
        assert_eq!(names, expected);
        for (i, file) in input.files.iter().enumerate() {
            let mut entry = zip.by_index(i + 1).unwrap();
            let mut text = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut text).unwrap();
            assert_eq!(text, std::fs::read(&file.source).unwrap());
        }
        assert_eq!(built[0].bytes, input.bytes());
        assert!(
            dest.path().read_dir().unwrap().next().is_none(),
            "no named temporary files"
        );
    }

    #[test]
    fn already_compressed_files_are_stored() {
        assert!(is_stored_kind("Resources/logo.PNG"));
        assert!(!is_stored_kind("Resources/welcome.wav"));
        assert!(!is_stored_kind("zip"));
    }
}
