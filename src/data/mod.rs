//! Input readers and validation, with errors that name the file, line, column and value.

use serde::{Deserialize, Serialize};

/// An input file as recorded in a report: where it was read from, its SHA-256 and its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows, header excluded.
    pub rows: usize,
}
