//! Progress reporting from long computations, drawn by the caller.

/// Receives progress from a long computation. The library calls it; the binary draws it.
///
/// Implementations must be cheap and thread-safe, because parallel loops call `advance`.
pub trait Progress: Sync {
    /// Starts a stage of `total` steps named `stage`.
    fn start(&self, stage: &str, total: u64);
    /// Records `steps` more finished steps of the current stage.
    fn advance(&self, steps: u64);
    /// Ends the current stage.
    fn finish(&self);
}

/// A [`Progress`] that ignores everything, for tests and quiet runs.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _steps: u64) {}
    fn finish(&self) {}
}
