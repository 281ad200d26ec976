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

/// Line numbers of byte offsets in a text, counted from the line breaks themselves.
///
/// The csv crate's own line count (csv 1.4.0) does not advance past `\r\n` line endings, so
/// files saved on Windows would report every line one too low. Errors take their line from
/// the record's byte offset instead.
pub(crate) struct LineIndex {
    newlines: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line breaks of `bytes`.
    pub(crate) fn new(bytes: &[u8]) -> Self {
        LineIndex {
            newlines: bytes
                .iter()
                .enumerate()
                .filter(|(_, byte)| **byte == b'\n')
                .map(|(offset, _)| offset)
                .collect(),
        }
    }

    /// Returns the 1-based line of the record that the csv crate places at byte `offset`.
    ///
    /// With `\r\n` endings the crate's offset is that of the `\n` ending the previous line,
    /// so a line break at the offset itself counts as before the record.
    pub(crate) fn line(&self, offset: u64) -> u64 {
        let before = self
            .newlines
            .partition_point(|newline| (*newline as u64) <= offset);
        before as u64 + 1
    }
}

/// Returns the 1-based line of the record at byte `offset` in the file at `path`, as
/// [`LineIndex::line`] counts it, reading the file up to that offset; 0 when the file cannot
/// be read.
pub(crate) fn line_of_offset(path: &std::path::Path, offset: u64) -> u64 {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return 0;
    };
    let mut prefix = Vec::new();
    if file.take(offset + 1).read_to_end(&mut prefix).is_err() {
        return 0;
    }
    prefix.iter().filter(|byte| **byte == b'\n').count() as u64 + 1
}

/// Describes a header for an error about a missing column: the column names, with hints when
/// the header is empty, looks split by another separator, or has the name in other case.
pub(crate) fn describe_header(
    headers: &csv::StringRecord,
    delimiter: u8,
    expected_name: &str,
) -> String {
    if headers.iter().all(str::is_empty) {
        return "no column names (is the file or its first line empty?)".to_string();
    }
    let names: Vec<String> = headers.iter().map(|header| format!("`{header}`")).collect();
    let mut found = names.join(", ");
    if let Some(close) = headers
        .iter()
        .find(|header| header.to_lowercase() == expected_name.to_lowercase())
    {
        found.push_str(&format!("; did you mean `{close}`? (names match exactly)"));
    }
    let other_separator = [b';', b'\t', b'|', b',']
        .into_iter()
        .filter(|separator| *separator != delimiter)
        .find(|separator| headers.len() == 1 && headers[0].contains(char::from(*separator)));
    if let Some(separator) = other_separator {
        found.push_str(&format!(
            " (the fields look separated by `{}`; set it with --delimiter)",
            char::from(separator).escape_default()
        ));
    }
    found
}

/// Converts a csv crate error into a [`DataError`] with the line computed by `line_of`.
pub(crate) fn csv_error(
    path: &std::path::Path,
    error: &csv::Error,
    line_of: impl Fn(u64) -> u64,
) -> DataError {
    if let csv::ErrorKind::Io(io) = error.kind() {
        return DataError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(io.kind(), io.to_string()),
        };
    }
    let line = error
        .position()
        .map_or(0, |position| line_of(position.byte()));
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(
            "the row has {len} fields but the header has {expected_len}; a decimal comma or a \
             stray separator splits a value (numbers must use a decimal point, and text with \
             the separator in it must be quoted)"
        ),
        _ => error.to_string(),
    };
    DataError::Csv {
        path: path.to_path_buf(),
        line,
        message,
    }
}

/// Rejects a path that is a folder, before a reader tries to parse it.
pub(crate) fn check_is_file(path: &std::path::Path) -> Result<(), DataError> {
    if path.is_dir() {
        return Err(DataError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("is a folder; expected a CSV file"),
        });
    }
    Ok(())
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
    fn line_index_counts_crlf_lines() {
        // Offsets as the csv crate reports them: 0 for the header, then the `\n` that ends
        // the previous line.
        let crlf = LineIndex::new(b"a,b\r\n1,2\r\n3,4\r\n");
        assert_eq!(crlf.line(0), 1);
        assert_eq!(crlf.line(4), 2);
        assert_eq!(crlf.line(9), 3);
        let lf = LineIndex::new(b"a,b\n1,2\n3,4\n");
        assert_eq!(lf.line(4), 2);
        assert_eq!(lf.line(8), 3);
    }

    #[test]
    fn sha256_of_abc() {
        // FIPS 180-2, appendix B.1.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
