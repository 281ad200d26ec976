//! Input readers and validation, with errors that name the file, line, column and value.

mod error;
mod panel;
mod units;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub use error::DataError;
pub use panel::{DEFAULT_DATE_FORMAT, MissingPolicy, Panel, PanelSpec, read_panel};
pub use units::{MetricData, MetricKind, RatioSpec, UnitSpec, UnitTable, read_units};

/// An input file as recorded in a report: where it was read from, its SHA-256 and its rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputFile {
    pub path: String,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub sha256: String,
    /// Data rows, header excluded.
    pub rows: usize,
}

/// Returns the lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
