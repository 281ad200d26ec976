//! Reader for a geo panel: a long CSV with one row per geo and day.
//!
//! Rows may come in any order. The reader sorts geos by name and days by date, and rejects
//! duplicated rows, blank, non-numeric, non-finite or negative values, days with no row for any
//! geo, and geo × day cells with no row unless [`MissingPolicy::Zero`] is set.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ndarray::Array2;

use super::{
    DataError, InputFile, LineIndex, check_is_file, csv_error, describe_header, sha256_hex,
};

/// Default date format of the date column (chrono `strftime` syntax).
pub const DEFAULT_DATE_FORMAT: &str = "%Y-%m-%d";

/// How many missing cells or days an error message lists.
const EXAMPLES_SHOWN: usize = 5;

/// Policy for a geo × day cell that has no row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MissingPolicy {
    /// Reject the panel, listing the first missing cells.
    Error,
    /// Count the missing cell as zero KPI and zero spend; the report states how many.
    Zero,
}

impl MissingPolicy {
    /// Returns the name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            MissingPolicy::Error => "error",
            MissingPolicy::Zero => "zero",
        }
    }
}

/// Location and reader settings of a panel.
#[derive(Debug, Clone)]
pub struct PanelSpec {
    pub path: PathBuf,
    pub geo_col: String,
    pub date_col: String,
    pub kpi_col: String,
    pub spend_col: Option<String>,
    /// chrono `strftime` format of the date column, e.g. `%Y-%m-%d`.
    pub date_format: String,
    pub missing: MissingPolicy,
    /// Field separator, `b','` for ordinary CSV or `b';'` for files saved with a decimal comma.
    pub delimiter: u8,
}

impl PanelSpec {
    /// Returns a spec for `path` with the given columns and the defaults of the command line:
    /// no spend column, `%Y-%m-%d` dates, missing cells rejected, comma-separated.
    pub fn new(path: impl Into<PathBuf>, geo_col: &str, date_col: &str, kpi_col: &str) -> Self {
        PanelSpec {
            path: path.into(),
            geo_col: geo_col.to_string(),
            date_col: date_col.to_string(),
            kpi_col: kpi_col.to_string(),
            spend_col: None,
            date_format: DEFAULT_DATE_FORMAT.to_string(),
            missing: MissingPolicy::Error,
            delimiter: b',',
        }
    }
}

/// A validated geo panel: every geo has a value for every consecutive day.
#[derive(Debug, Clone)]
pub struct Panel {
    pub file: InputFile,
    /// Geo names, sorted.
    pub geos: Vec<String>,
    /// Consecutive calendar days, sorted.
    pub dates: Vec<NaiveDate>,
    /// KPI by geo (row) and day (column).
    pub kpi: Array2<f64>,
    /// Spend by geo and day, when a spend column was read.
    pub spend: Option<Array2<f64>>,
    /// Cells that had no row and were set to zero under [`MissingPolicy::Zero`].
    pub filled_cells: usize,
    /// Rows read for each day, in the order of `dates`.
    pub rows_per_day: Vec<usize>,
}

impl Panel {
    /// Returns the row index of `geo`, matching the name exactly.
    pub fn geo_index(&self, geo: &str) -> Option<usize> {
        self.geos
            .binary_search_by(|name| name.as_str().cmp(geo))
            .ok()
    }

    /// Returns the column index of `date`.
    pub fn date_index(&self, date: NaiveDate) -> Option<usize> {
        self.dates.binary_search(&date).ok()
    }
}

/// One data row after parsing.
struct Cell {
    line: u64,
    kpi: f64,
    spend: f64,
}

/// Positions of the columns the reader needs.
struct Columns {
    geo: usize,
    date: usize,
    kpi: usize,
    spend: Option<usize>,
}

/// Reads and validates the panel described by `spec`. The file is only read.
pub fn read_panel(spec: &PanelSpec) -> Result<Panel, DataError> {
    let path = spec.path.as_path();
    check_is_file(path)?;
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let sha256 = sha256_hex(&bytes);
    let lines = LineIndex::new(&bytes);
    let line_of = |offset: u64| lines.line(offset);

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(spec.delimiter)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|error| csv_error(path, &error, line_of))?
        .clone();
    let columns = find_columns(spec, &headers)?;

    // Parse every row into a cell keyed by geo and date.
    let mut geo_ids: HashMap<String, usize> = HashMap::new();
    let mut geo_names: Vec<String> = Vec::new();
    let mut cells: HashMap<(usize, NaiveDate), Cell> = HashMap::new();
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|error| csv_error(path, &error, line_of))?;
        if !more {
            break;
        }
        rows += 1;
        let line = record
            .position()
            .map_or(0, |position| lines.line(position.byte()));

        let geo = field(&record, columns.geo);
        if geo.trim().is_empty() {
            return Err(DataError::BlankValue {
                path: path.to_path_buf(),
                line,
                column: spec.geo_col.clone(),
                expected: "a geo name".to_string(),
            });
        }
        let date = parse_date(path, line, spec, field(&record, columns.date))?;
        let kpi = parse_amount(path, line, &spec.kpi_col, field(&record, columns.kpi))?;
        let spend = match (columns.spend, &spec.spend_col) {
            (Some(index), Some(name)) => parse_amount(path, line, name, field(&record, index))?,
            _ => 0.0,
        };

        let next_id = geo_names.len();
        let geo_id = *geo_ids.entry(geo.to_string()).or_insert(next_id);
        if geo_id == next_id {
            geo_names.push(geo.to_string());
        }
        if let Some(first) = cells.get(&(geo_id, date)) {
            return Err(DataError::DuplicateRow {
                path: path.to_path_buf(),
                line,
                first_line: first.line,
                geo: geo.to_string(),
                date: date.to_string(),
            });
        }
        cells.insert((geo_id, date), Cell { line, kpi, spend });
    }
    if rows == 0 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            expected: "one row per geo and date".to_string(),
        });
    }

    // Every calendar day between the first and the last date must have at least one row.
    let first_date = cells.keys().map(|(_, date)| *date).min();
    let last_date = cells.keys().map(|(_, date)| *date).max();
    let (Some(first_date), Some(last_date)) = (first_date, last_date) else {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            expected: "one row per geo and date".to_string(),
        });
    };
    let dates: Vec<NaiveDate> = first_date
        .iter_days()
        .take_while(|date| *date <= last_date)
        .collect();
    let dates_seen: std::collections::HashSet<NaiveDate> =
        cells.keys().map(|(_, date)| *date).collect();
    let missing_days: Vec<NaiveDate> = dates
        .iter()
        .copied()
        .filter(|date| !dates_seen.contains(date))
        .collect();
    if !missing_days.is_empty() {
        return Err(DataError::MissingDays {
            path: path.to_path_buf(),
            count: missing_days.len(),
            first_date: first_date.to_string(),
            last_date: last_date.to_string(),
            examples: list_examples(missing_days.iter().map(|date| date.to_string())),
        });
    }

    // Lay the cells out as geo × day matrices, geos sorted by name.
    let mut order: Vec<usize> = (0..geo_names.len()).collect();
    order.sort_by(|a, b| geo_names[*a].cmp(&geo_names[*b]));
    let geos: Vec<String> = order.iter().map(|id| geo_names[*id].clone()).collect();
    let mut kpi = Array2::<f64>::zeros((geos.len(), dates.len()));
    let mut spend = Array2::<f64>::zeros((geos.len(), dates.len()));
    let mut missing_cells: Vec<String> = Vec::new();
    let mut missing_count = 0usize;
    let mut rows_per_day = vec![0usize; dates.len()];
    for (row, geo_id) in order.iter().enumerate() {
        for (column, date) in dates.iter().enumerate() {
            match cells.get(&(*geo_id, *date)) {
                Some(cell) => {
                    kpi[[row, column]] = cell.kpi;
                    spend[[row, column]] = cell.spend;
                    rows_per_day[column] += 1;
                }
                None => {
                    missing_count += 1;
                    if missing_cells.len() < EXAMPLES_SHOWN {
                        missing_cells.push(format!("{} on {}", geos[row], date));
                    }
                }
            }
        }
    }
    if missing_count > 0 && spec.missing == MissingPolicy::Error {
        return Err(DataError::MissingCells {
            path: path.to_path_buf(),
            count: missing_count,
            examples: list_examples(missing_cells.into_iter()),
        });
    }

    Ok(Panel {
        file: InputFile {
            path: path.display().to_string(),
            sha256,
            rows,
        },
        geos,
        dates,
        kpi,
        spend: spec.spend_col.as_ref().map(|_| spend),
        filled_cells: missing_count,
        rows_per_day,
    })
}

/// Finds the configured columns in the header, or names the one that is missing.
fn find_columns(spec: &PanelSpec, headers: &csv::StringRecord) -> Result<Columns, DataError> {
    let find = |name: &str, flag: &str| -> Result<usize, DataError> {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| DataError::MissingColumn {
                path: spec.path.clone(),
                column: name.to_string(),
                flag: flag.to_string(),
                found: describe_header(headers, spec.delimiter, name),
            })
    };
    Ok(Columns {
        geo: find(&spec.geo_col, "--geo-col")?,
        date: find(&spec.date_col, "--date-col")?,
        kpi: find(&spec.kpi_col, "--kpi-col")?,
        spend: match &spec.spend_col {
            Some(name) => Some(find(name, "--spend-col")?),
            None => None,
        },
    })
}

fn field(record: &csv::StringRecord, index: usize) -> &str {
    record.get(index).unwrap_or("")
}

fn parse_date(
    path: &Path,
    line: u64,
    spec: &PanelSpec,
    text: &str,
) -> Result<NaiveDate, DataError> {
    if text.trim().is_empty() {
        return Err(DataError::BlankValue {
            path: path.to_path_buf(),
            line,
            column: spec.date_col.clone(),
            expected: format!("a date in the format {}", spec.date_format),
        });
    }
    NaiveDate::parse_from_str(text, &spec.date_format).map_err(|_| DataError::InvalidValue {
        path: path.to_path_buf(),
        line,
        column: spec.date_col.clone(),
        value: text.to_string(),
        expected: format!(
            "a date in the format {} (set the format with --date-format)",
            spec.date_format
        ),
    })
}

/// Parses a KPI or spend value: a finite, non-negative number.
fn parse_amount(path: &Path, line: u64, column: &str, text: &str) -> Result<f64, DataError> {
    const EXPECTED: &str = "a non-negative number such as 1250 or 17.5";
    if text.trim().is_empty() {
        return Err(DataError::BlankValue {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            expected: EXPECTED.to_string(),
        });
    }
    let invalid = || DataError::InvalidValue {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        value: text.to_string(),
        expected: EXPECTED.to_string(),
    };
    let value: f64 = text.trim().parse().map_err(|_| {
        let mut error = invalid();
        if let DataError::InvalidValue { expected, .. } = &mut error
            && text.contains(',')
        {
            expected.push_str(", without thousands separators or a decimal comma");
        }
        error
    })?;
    if !value.is_finite() || value < 0.0 {
        return Err(invalid());
    }
    Ok(value)
}

/// Joins the first few items and appends the count of the rest.
fn list_examples(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    let shown: Vec<&str> = items
        .iter()
        .take(EXAMPLES_SHOWN)
        .map(String::as_str)
        .collect();
    let mut text = shown.join(", ");
    if items.len() > EXAMPLES_SHOWN {
        text.push_str(&format!(" and {} more", items.len() - EXAMPLES_SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn spec_for(path: &Path) -> PanelSpec {
        PanelSpec::new(path, "geo", "date", "y")
    }

    fn write_csv(text: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().expect("temp file");
        file.write_all(text.as_bytes()).expect("write temp file");
        file
    }

    #[test]
    fn rows_in_any_order_are_sorted() {
        let file = write_csv(
            "geo,date,y\nb,2021-01-02,4\na,2021-01-02,2\nb,2021-01-01,3\na,2021-01-01,1\n",
        );
        let panel = read_panel(&spec_for(file.path())).expect("valid panel");
        assert_eq!(panel.geos, vec!["a", "b"]);
        assert_eq!(panel.dates.len(), 2);
        assert_eq!(panel.kpi[[0, 0]], 1.0);
        assert_eq!(panel.kpi[[0, 1]], 2.0);
        assert_eq!(panel.kpi[[1, 0]], 3.0);
        assert_eq!(panel.kpi[[1, 1]], 4.0);
        assert_eq!(panel.file.rows, 4);
    }

    #[test]
    fn missing_cell_is_rejected_or_filled() {
        let text = "geo,date,y\na,2021-01-01,1\na,2021-01-02,2\nb,2021-01-01,3\n";
        let file = write_csv(text);
        let error = read_panel(&spec_for(file.path())).expect_err("missing cell");
        let message = error.to_string();
        assert!(message.contains("b on 2021-01-02"), "{message}");
        assert!(message.contains("--missing zero"), "{message}");

        let mut spec = spec_for(file.path());
        spec.missing = MissingPolicy::Zero;
        let panel = read_panel(&spec).expect("filled panel");
        assert_eq!(panel.filled_cells, 1);
        assert_eq!(panel.kpi[[1, 1]], 0.0);
    }

    #[test]
    fn negative_kpi_names_line_and_value() {
        let file = write_csv("geo,date,y\na,2021-01-01,1\na,2021-01-02,-2\n");
        let message = read_panel(&spec_for(file.path()))
            .expect_err("negative")
            .to_string();
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("column `y`"), "{message}");
        assert!(message.contains("`-2`"), "{message}");
    }

    #[test]
    fn day_missing_for_every_geo() {
        let file = write_csv("geo,date,y\na,2021-01-01,1\na,2021-01-03,2\n");
        let message = read_panel(&spec_for(file.path()))
            .expect_err("gap")
            .to_string();
        assert!(message.contains("2021-01-02"), "{message}");
    }
}
