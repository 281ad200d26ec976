//! Historical per-unit outcomes of one metric, read from a CSV file: the population that a
//! simulated holdout test draws its users from.

use std::path::Path;

use crate::data::{
    DataError, InputFile, LineIndex, check_is_file, csv_error, describe_header, sha256_hex,
};
use crate::resample::AtomTable;

/// One metric's historical outcomes, one value per unit, collapsed into atoms.
#[derive(Debug, Clone)]
pub struct History {
    pub file: InputFile,
    pub metric: String,
    /// Distinct values with their unit counts, one column.
    pub atoms: AtomTable,
    /// Number of units (data rows).
    pub units: u64,
    pub mean: f64,
    /// Sample standard deviation, divisor `n − 1`; 0 for one unit.
    pub sd: f64,
    /// Every value is 0 or 1, so the metric is a proportion.
    pub binary: bool,
}

/// Reads column `metric` of the CSV at `path`. Every row must hold a finite number there.
pub fn read_history(path: &Path, metric: &str, delimiter: u8) -> Result<History, DataError> {
    check_is_file(path)?;
    let bytes = std::fs::read(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let lines = LineIndex::new(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(delimiter)
        .from_reader(bytes.as_slice());
    let headers = reader
        .headers()
        .map_err(|error| csv_error(path, &error, |offset| lines.line(offset)))?
        .clone();
    let column = headers
        .iter()
        .position(|header| header == metric)
        .ok_or_else(|| DataError::MissingColumn {
            path: path.to_path_buf(),
            column: metric.to_string(),
            flag: "--metric".to_string(),
            found: describe_header(&headers, delimiter, metric),
        })?;

    let mut values = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|error| csv_error(path, &error, |offset| lines.line(offset)))?
    {
        let offset = record.position().map_or(0, |position| position.byte());
        let text = record.get(column).unwrap_or("");
        values.push(parse_outcome(path, lines.line(offset), metric, text)?);
    }
    if values.len() < 2 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            expected: format!("at least two rows with a value in column `{metric}`"),
        });
    }

    let units = values.len() as u64;
    let mean = values.iter().sum::<f64>() / units as f64;
    let squares: f64 = values.iter().map(|value| (value - mean).powi(2)).sum();
    let sd = (squares / (units as f64 - 1.0)).sqrt();
    let binary = values.iter().all(|value| *value == 0.0 || *value == 1.0);
    let atoms = AtomTable::from_rows(1, values.iter().map(|value| vec![*value]));
    Ok(History {
        file: InputFile {
            path: path.display().to_string(),
            sha256: sha256_hex(&bytes),
            rows: values.len(),
        },
        metric: metric.to_string(),
        atoms,
        units,
        mean,
        sd,
        binary,
    })
}

fn parse_outcome(path: &Path, line: u64, column: &str, text: &str) -> Result<f64, DataError> {
    const EXPECTED: &str = "a number such as 0, 1 or 29.99";
    if text.trim().is_empty() {
        return Err(DataError::BlankValue {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            expected: EXPECTED.to_string(),
        });
    }
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(DataError::InvalidValue {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            value: text.to_string(),
            expected: EXPECTED.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_column_and_names_bad_line() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.csv");
        std::fs::write(&path, "id,spend\na,0\nb,10\nc,0\n").expect("write");
        let history = read_history(&path, "spend", b',').expect("valid");
        assert_eq!(history.units, 3);
        assert!((history.mean - 10.0 / 3.0).abs() < 1e-12);
        assert_eq!(history.atoms.atoms(), 2);
        assert!(!history.binary);

        std::fs::write(&path, "id,spend\na,0\nb,ten\n").expect("write");
        let message = read_history(&path, "spend", b',').unwrap_err().to_string();
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("`ten`"), "{message}");
    }
}
