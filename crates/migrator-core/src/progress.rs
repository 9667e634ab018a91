//! How long-running library work (export, verify, extract, import) reports its progress and
//! learns that the user wants it to stop.
//!
//! The library never draws anything: it calls a [`Progress`] the caller passes in. Work is cut
//! into phases ("compressing", "writing archive", ...), each announced with its totals, then
//! advanced as items and bytes are done. Implementations must accept calls from several
//! threads at once, since parallel workers report as they go. The binary renders them as
//! progress bars on a terminal and plain lines on a pipe; tests and callers that do not care
//! pass [`NoProgress`].

/// Receives the progress of library work, phase by phase.
pub trait Progress: Send + Sync {
    /// A phase begins, with `items` things and `bytes` bytes to do (either may be 0 when
    /// unknown or meaningless).
    fn start_phase(&self, phase: &str, items: u64, bytes: u64);

    /// `items` more things and `bytes` more bytes of the current phase are done.
    fn advance(&self, items: u64, bytes: u64);

    /// The current phase is over.
    fn end_phase(&self);

    /// Whether the user asked to stop (Ctrl-C); work checks this often and, when it turns
    /// true, undoes what it wrote and returns an error.
    fn cancelled(&self) -> bool {
        false
    }
}

/// A [`Progress`] that shows nothing and never cancels.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start_phase(&self, _phase: &str, _items: u64, _bytes: u64) {}

    fn advance(&self, _items: u64, _bytes: u64) {}

    fn end_phase(&self) {}
}
