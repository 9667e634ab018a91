//! Streaming copies shared by the writer and the reader: a fixed-size buffer whatever the
//! file size, progress reported chunk by chunk, cancellation checked between chunks, and the
//! SHA-256 of what passes through.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use sha2::{Digest, Sha256};

use crate::progress::Progress;

/// The copy buffer: large enough for fast disks, small enough to keep memory flat.
pub const CHUNK: usize = 256 * 1024;

/// Why a copy stopped before the end of its input.
#[derive(Debug)]
pub enum CopyError {
    /// The user cancelled, or a sibling worker failed and the work is being abandoned.
    Stopped,
    /// Reading the input failed.
    Read(io::Error),
    /// Writing the output failed.
    Write(io::Error),
    /// The input held more bytes than the limit.
    TooLong,
}

/// What a copy reports to and when it must stop.
#[derive(Clone, Copy)]
pub struct CopyControl<'a> {
    /// Where bytes are reported.
    pub progress: &'a dyn Progress,
    /// Set when a sibling worker failed, so this copy stops early too.
    pub abort: Option<&'a AtomicBool>,
    /// Whether copied bytes count towards the current phase.
    pub report_bytes: bool,
}

impl CopyControl<'_> {
    /// Whether the work should stop now.
    pub fn should_stop(&self) -> bool {
        self.progress.cancelled() || self.abort.is_some_and(|a| a.load(Ordering::Relaxed))
    }
}

/// Copies all of `reader` into `writer`, refusing more than `limit` bytes, hashing when
/// `hasher` is given. Returns the number of bytes copied.
pub fn copy(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    limit: u64,
    mut hasher: Option<&mut Sha256>,
    control: CopyControl<'_>,
) -> Result<u64, CopyError> {
    let mut buffer = vec![0u8; CHUNK];
    let mut total = 0u64;
    loop {
        if control.should_stop() {
            return Err(CopyError::Stopped);
        }
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        total += read as u64;
        if total > limit {
            return Err(CopyError::TooLong);
        }
        if let Some(hasher) = hasher.as_deref_mut() {
            hasher.update(&buffer[..read]);
        }
        writer
            .write_all(&buffer[..read])
            .map_err(CopyError::Write)?;
        if control.report_bytes {
            control.progress.advance(0, read as u64);
        }
    }
}

/// The SHA-256 and length of everything `reader` yields.
pub fn hash_all(
    reader: &mut dyn Read,
    control: CopyControl<'_>,
) -> Result<(String, u64), CopyError> {
    let mut hasher = Sha256::new();
    let quiet = CopyControl {
        report_bytes: false,
        ..control
    };
    let size = copy(reader, &mut io::sink(), u64::MAX, Some(&mut hasher), quiet)?;
    Ok((hex(&hasher.finalize()), size))
}

/// The lower-case hex form of a digest.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file wrapper that, after its first failed write, discards every later write.
///
/// The ZIP writer finalizes an archive when dropped unfinished and complains on standard
/// error if that fails. An archive abandoned because the disk filled up would fail again;
/// discarding its final writes keeps the library silent, and the file is deleted anyway.
pub struct DiscardAfterError<W> {
    inner: W,
    failed: bool,
}

impl<W> DiscardAfterError<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> DiscardAfterError<W> {
        DiscardAfterError {
            inner,
            failed: false,
        }
    }

    /// The wrapped writer.
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for DiscardAfterError<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if self.failed {
            return Ok(bytes.len());
        }
        self.inner.write(bytes).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

impl<W: io::Seek> io::Seek for DiscardAfterError<W> {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(position)
    }
}

impl<W: Read> Read for DiscardAfterError<W> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buffer)
    }
}
