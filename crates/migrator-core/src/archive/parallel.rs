//! Reading the entries of one inner ZIP on several threads at once.
//!
//! A component's inner ZIP is a spooled file; [`SharedFile`] reads it at positions of its
//! own (no shared file offset), so each worker reads through its own clone of the opened ZIP.
//! [`each_entry`] hands the entries out in archive order, one at a time, to as many workers as
//! the machine has cores; a fault stops the others from taking new entries, and the fault
//! reported is the one of the earliest entry, as a single pass in archive order would report.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use zip::ZipArchive;

use super::reader::{Fault, InnerEntry};

/// The most threads one component is read with.
const MAX_WORKERS: usize = 4;

/// The buffer of each reader; the ZIP reader seeks to every entry, then reads it through.
const BUFFER: usize = 64 * 1024;

/// A buffered reader over a file shared between threads, each clone at its own position.
pub(super) struct SharedFile {
    file: Arc<File>,
    len: u64,
    pos: u64,
    buffer: Vec<u8>,
    /// The file position of `buffer[0]`.
    buffer_at: u64,
}

impl SharedFile {
    /// A reader at the start of `file`.
    pub fn new(file: File) -> io::Result<SharedFile> {
        let len = file.metadata()?.len();
        Ok(SharedFile {
            file: Arc::new(file),
            len,
            pos: 0,
            buffer: Vec::new(),
            buffer_at: 0,
        })
    }
}

impl Clone for SharedFile {
    /// Another reader on the same file, at the same position, with a buffer of its own.
    fn clone(&self) -> SharedFile {
        SharedFile {
            file: Arc::clone(&self.file),
            len: self.len,
            pos: self.pos,
            buffer: Vec::new(),
            buffer_at: 0,
        }
    }
}

impl Read for SharedFile {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let end = self.buffer_at + self.buffer.len() as u64;
        if self.pos < self.buffer_at || self.pos >= end {
            if out.len() >= BUFFER {
                let read = read_at(&self.file, out, self.pos)?;
                self.pos += read as u64;
                return Ok(read);
            }
            self.buffer.resize(BUFFER, 0);
            let read = read_at(&self.file, &mut self.buffer, self.pos)?;
            self.buffer.truncate(read);
            self.buffer_at = self.pos;
            if read == 0 {
                return Ok(0);
            }
        }
        let start = (self.pos - self.buffer_at) as usize;
        let count = out.len().min(self.buffer.len() - start);
        out[..count].copy_from_slice(&self.buffer[start..start + count]);
        self.pos += count as u64;
        Ok(count)
    }
}

impl Seek for SharedFile {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let target = match to {
            SeekFrom::Start(at) => Some(at),
            SeekFrom::End(delta) => self.len.checked_add_signed(delta),
            SeekFrom::Current(delta) => self.pos.checked_add_signed(delta),
        };
        let Some(target) = target else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "seek before the start of the file",
            ));
        };
        self.pos = target;
        Ok(target)
    }
}

#[cfg(unix)]
fn read_at(file: &File, out: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::unix::fs::FileExt;
    loop {
        match file.read_at(out, at) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(windows)]
fn read_at(file: &File, out: &mut [u8], at: u64) -> io::Result<usize> {
    use std::os::windows::fs::FileExt;
    file.seek_read(out, at)
}

/// An opened inner ZIP whose clones read independently.
pub(super) type Inner = ZipArchive<SharedFile>;

/// Runs `work` on every entry of `entries`, spread over the machine's cores; returns the
/// results in entry order, or the fault of the earliest entry that failed.
pub(super) fn each_entry<T, W>(
    inner: &Inner,
    entries: &[InnerEntry],
    work: W,
) -> Result<Vec<T>, Fault>
where
    T: Send,
    W: Fn(&mut Inner, &InnerEntry) -> Result<T, Fault> + Sync,
{
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(MAX_WORKERS)
        .min(entries.len());
    if workers <= 1 {
        let mut inner = inner.clone();
        return entries
            .iter()
            .map(|entry| work(&mut inner, entry))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let worker = || {
        let mut inner = inner.clone();
        let mut done = Vec::new();
        while !failed.load(Ordering::Relaxed) {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(entry) = entries.get(index) else {
                break;
            };
            let result = work(&mut inner, entry);
            if result.is_err() {
                failed.store(true, Ordering::Relaxed);
            }
            done.push((index, result));
        }
        done
    };
    let mut results: Vec<(usize, Result<T, Fault>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    // Entries are taken in order and every taken entry is finished, so the earliest fault
    // is the one a single pass would have met first.
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}
