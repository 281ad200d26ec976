//! Errors of the input readers. Each message names the file and, where one exists, the line,
//! the column, the value found and what was expected.

use std::path::PathBuf;

/// An input file that could not be read or did not pass validation.
// NOTE: these messages are English in every language; only the "error" label before them
// follows --lang.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: cannot read the file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },

    #[error("{path}: line {line}: invalid CSV: {message}")]
    Csv {
        path: PathBuf,
        line: u64,
        message: String,
    },

    #[error("{path}: the file has no data rows; expected a header line and {expected}")]
    Empty { path: PathBuf, expected: String },

    #[error("{path}: column `{column}` not found (set it with {flag}); the header has: {found}")]
    MissingColumn {
        path: PathBuf,
        column: String,
        flag: String,
        found: String,
    },

    #[error("{path}: line {line}, column `{column}`: the value is blank; expected {expected}")]
    BlankValue {
        path: PathBuf,
        line: u64,
        column: String,
        expected: String,
    },

    #[error("{path}: line {line}, column `{column}`: found `{value}`, expected {expected}")]
    InvalidValue {
        path: PathBuf,
        line: u64,
        column: String,
        value: String,
        expected: String,
    },

    #[error(
        "{path}: line {line}: a second row for geo `{geo}` on {date} (the first is on line \
         {first_line}); expected one row per geo and date"
    )]
    DuplicateRow {
        path: PathBuf,
        line: u64,
        first_line: u64,
        geo: String,
        date: String,
    },

    #[error(
        "{path}: {count} calendar day(s) between {first_date} and {last_date} have no row for \
         any geo: {examples}; expected one row per geo for every day (--missing zero fills \
         single cells, not whole days: add the day's rows, or keep the analysis after the gap \
         with --pre-start)"
    )]
    MissingDays {
        path: PathBuf,
        count: usize,
        first_date: String,
        last_date: String,
        examples: String,
    },

    #[error(
        "{path}: {count} geo × date cell(s) have no row: {examples}; expected one row per geo \
         and day (add the rows, or pass --missing zero to count them as zero)"
    )]
    MissingCells {
        path: PathBuf,
        count: usize,
        examples: String,
    },

    #[error(
        "{path}: group label `{label}` has no rows in column `{column}`{suggestion}; the labels \
         found are: {found} (labels match exactly, including case and spaces)"
    )]
    UnknownLabel {
        path: PathBuf,
        column: String,
        label: String,
        suggestion: String,
        found: String,
    },

    #[error(
        "{path}: {count} row(s) repeat a unit id of column `{column}` seen before, e.g. \
         {examples}; expected each unit once, in one arm"
    )]
    DuplicateUnits {
        path: PathBuf,
        column: String,
        count: usize,
        examples: String,
    },
}
