//! Reader for a unit table: one row per user (or account, household), with a group column
//! that assigns the unit to control or a treatment arm, and outcome columns.
//!
//! The file is read in one streaming pass. Rows are not kept: each metric's values are
//! collapsed on the fly into atoms (distinct values or value pairs with a unit count), per arm
//! and per segment, which is all the estimators and the bootstrap need. Memory therefore grows
//! with the number of distinct values, not with the number of rows, except for the unit-id
//! check, which keeps every id it has seen.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{DataError, InputFile, check_is_file, csv_error, describe_header, line_of_offset};
use crate::resample::AtomTable;

/// How many duplicated unit ids an error message lists.
const IDS_SHOWN: usize = 5;

/// A ratio metric: the sum of one column divided by the sum of another, e.g. spend per visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatioSpec {
    pub numerator: String,
    pub denominator: String,
}

impl RatioSpec {
    /// Returns the metric's name, `numerator/denominator`.
    pub fn name(&self) -> String {
        format!("{}/{}", self.numerator, self.denominator)
    }
}

/// Location and columns of a unit table.
#[derive(Debug, Clone)]
pub struct UnitSpec {
    pub path: PathBuf,
    pub group_col: String,
    /// Group label of the control arm.
    pub control: String,
    /// Group labels of the treatment arms, each compared with control.
    pub treatments: Vec<String>,
    /// Outcome columns analysed as means (0/1 columns as proportions).
    pub metrics: Vec<String>,
    pub ratios: Vec<RatioSpec>,
    /// Pre-period covariate for CUPED.
    pub covariate: Option<String>,
    pub segment_col: Option<String>,
    pub unit_id_col: Option<String>,
    pub delimiter: u8,
}

/// Whether a metric is a proportion, a mean or a ratio of sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricKind {
    /// Every value is 0 or 1.
    Proportion,
    Mean,
    Ratio,
}

/// One metric's atoms per arm and per segment.
///
/// Atom columns are `[y]`, or `[y, x]` with the covariate `x`, or `[numerator, denominator]`
/// for a ratio.
#[derive(Debug, Clone)]
pub struct MetricData {
    pub name: String,
    pub kind: MetricKind,
    /// Atoms of each arm, control first.
    pub arms: Vec<AtomTable>,
    /// Atoms of each segment (in the order of [`UnitTable::segments`]) and arm.
    pub segments: Vec<Vec<AtomTable>>,
}

/// A validated unit table, reduced to atoms.
#[derive(Debug, Clone)]
pub struct UnitTable {
    pub file: InputFile,
    /// Arm labels, control first, then the treatments in the order given.
    pub arms: Vec<String>,
    /// Units in each arm.
    pub units: Vec<u64>,
    /// Rows whose group label is neither control nor a listed treatment, by label; they are
    /// not analysed.
    pub other_labels: Vec<(String, u64)>,
    /// Segment values, sorted; empty without a segment column.
    pub segments: Vec<String>,
    /// Units in each segment and arm.
    pub segment_units: Vec<Vec<u64>>,
    /// Metrics in the order given, then the ratio metrics.
    pub metrics: Vec<MetricData>,
    pub has_covariate: bool,
}

/// Collapses rows into atoms keyed by their bit patterns.
#[derive(Default)]
struct AtomCounter {
    /// Counts by the bit patterns of up to two columns; an unused second column is 0.
    counts: HashMap<[u64; 2], u64>,
}

impl AtomCounter {
    fn add(&mut self, row: &[f64]) {
        let mut key = [0u64; 2];
        for (slot, value) in key.iter_mut().zip(row) {
            *slot = value.to_bits();
        }
        *self.counts.entry(key).or_insert(0) += 1;
    }

    /// Returns the atoms of `columns` columns (1 or 2) sorted by their bit patterns, so the
    /// table does not depend on the order of the rows or of the hash map.
    fn into_table(self, columns: usize) -> AtomTable {
        let mut entries: Vec<([u64; 2], u64)> = self.counts.into_iter().collect();
        entries.sort_unstable();
        let mut table = AtomTable::new(columns);
        for (key, count) in entries {
            let row: Vec<f64> = key[..columns]
                .iter()
                .map(|bits| f64::from_bits(*bits))
                .collect();
            table.push(&row, count);
        }
        table
    }
}

/// Column positions of the values each metric needs.
struct MetricColumns {
    name: String,
    kind: MetricKind,
    first: usize,
    second: Option<usize>,
}

/// Reads `spec.path` in one pass and returns its atoms. The file is only read.
pub fn read_units(spec: &UnitSpec) -> Result<UnitTable, DataError> {
    let path = spec.path.as_path();
    check_is_file(path)?;
    let file = std::fs::File::open(path).map_err(|source| DataError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let hashing = HashingReader::new(std::io::BufReader::with_capacity(1 << 20, file));
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .delimiter(spec.delimiter)
        .from_reader(hashing);
    let headers = reader
        .headers()
        .map_err(|error| csv_error(path, &error, |offset| line_of_offset(path, offset)))?
        .clone();

    // Columns.
    let column = |name: &str, flag: &str| -> Result<usize, DataError> {
        headers
            .iter()
            .position(|header| header == name)
            .ok_or_else(|| DataError::MissingColumn {
                path: path.to_path_buf(),
                column: name.to_string(),
                flag: flag.to_string(),
                found: describe_header(&headers, spec.delimiter, name),
            })
    };
    let group_index = column(&spec.group_col, "--group-col")?;
    let covariate_index = match &spec.covariate {
        Some(name) => Some(column(name, "--covariate")?),
        None => None,
    };
    let segment_index = match &spec.segment_col {
        Some(name) => Some(column(name, "--segment-col")?),
        None => None,
    };
    let id_index = match &spec.unit_id_col {
        Some(name) => Some(column(name, "--unit-id-col")?),
        None => None,
    };
    let mut metric_columns = Vec::new();
    for name in &spec.metrics {
        metric_columns.push(MetricColumns {
            name: name.clone(),
            kind: MetricKind::Proportion,
            first: column(name, "--metric")?,
            second: covariate_index,
        });
    }
    for ratio in &spec.ratios {
        metric_columns.push(MetricColumns {
            name: ratio.name(),
            kind: MetricKind::Ratio,
            first: column(&ratio.numerator, "--ratio")?,
            second: Some(column(&ratio.denominator, "--ratio")?),
        });
    }

    // Arms.
    let mut arms = vec![spec.control.clone()];
    arms.extend(spec.treatments.iter().cloned());
    let arm_of: HashMap<&str, usize> = arms
        .iter()
        .enumerate()
        .map(|(index, label)| (label.as_str(), index))
        .collect();

    // One pass over the rows.
    let mut units = vec![0u64; arms.len()];
    let mut other_labels: HashMap<String, u64> = HashMap::new();
    let mut segment_ids: HashMap<String, usize> = HashMap::new();
    let mut segment_names: Vec<String> = Vec::new();
    let mut segment_units: Vec<Vec<u64>> = Vec::new();
    let mut counters: Vec<Vec<AtomCounter>> = metric_columns
        .iter()
        .map(|_| arms.iter().map(|_| AtomCounter::default()).collect())
        .collect();
    let mut segment_counters: Vec<Vec<Vec<AtomCounter>>> =
        metric_columns.iter().map(|_| Vec::new()).collect();
    let mut binary = vec![true; metric_columns.len()];
    let mut seen_ids: HashMap<String, (usize, u64)> = HashMap::new();
    let mut duplicate_ids: Vec<String> = Vec::new();
    let mut duplicate_count = 0usize;
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    let mut row_values: Vec<f64> = Vec::with_capacity(2);
    while reader
        .read_record(&mut record)
        .map_err(|error| csv_error(path, &error, |offset| line_of_offset(path, offset)))?
    {
        rows += 1;
        // Lines are computed from the byte offset only for an error, see `LineIndex`.
        let offset = record.position().map_or(0, |position| position.byte());

        let label = record.get(group_index).unwrap_or("");
        let Some(arm) = arm_of.get(label).copied() else {
            *other_labels.entry(label.to_string()).or_insert(0) += 1;
            continue;
        };
        units[arm] += 1;

        if let Some(index) = id_index {
            let id = record.get(index).unwrap_or("");
            if id.trim().is_empty() {
                return Err(blank(
                    path,
                    offset,
                    spec.unit_id_col.as_deref(),
                    "a unit id",
                ));
            }
            match seen_ids.get(id) {
                Some((first_arm, first_offset)) => {
                    duplicate_count += 1;
                    if duplicate_ids.len() < IDS_SHOWN {
                        duplicate_ids.push(format!(
                            "`{id}` on line {} ({}) and line {} ({})",
                            line_of_offset(path, *first_offset),
                            arms[*first_arm],
                            line_of_offset(path, offset),
                            arms[arm]
                        ));
                    }
                }
                None => {
                    seen_ids.insert(id.to_string(), (arm, offset));
                }
            }
        }

        let segment = match segment_index {
            Some(index) => {
                let value = record.get(index).unwrap_or("");
                if value.trim().is_empty() {
                    return Err(blank(
                        path,
                        offset,
                        spec.segment_col.as_deref(),
                        "a segment name",
                    ));
                }
                let next = segment_names.len();
                let id = *segment_ids.entry(value.to_string()).or_insert(next);
                if id == next {
                    segment_names.push(value.to_string());
                    segment_units.push(vec![0; arms.len()]);
                    for per_metric in segment_counters.iter_mut() {
                        per_metric.push(arms.iter().map(|_| AtomCounter::default()).collect());
                    }
                }
                segment_units[id][arm] += 1;
                Some(id)
            }
            None => None,
        };

        for (metric, columns) in metric_columns.iter().enumerate() {
            row_values.clear();
            let first_name = &headers[columns.first];
            let value = parse_value(path, offset, first_name, record.get(columns.first))?;
            if value != 0.0 && value != 1.0 {
                binary[metric] = false;
            }
            row_values.push(value);
            if let Some(second) = columns.second {
                row_values.push(parse_value(
                    path,
                    offset,
                    &headers[second],
                    record.get(second),
                )?);
            }
            counters[metric][arm].add(&row_values);
            if let Some(segment) = segment {
                segment_counters[metric][segment][arm].add(&row_values);
            }
        }
    }
    if rows == 0 {
        return Err(DataError::Empty {
            path: path.to_path_buf(),
            expected: "one row per unit".to_string(),
        });
    }

    // Every requested arm must have units, and unit ids must be unique.
    let mut found_labels: Vec<String> = other_labels.keys().cloned().collect();
    found_labels.extend(
        arms.iter()
            .zip(&units)
            .filter(|(_, count)| **count > 0)
            .map(|(label, _)| label.clone()),
    );
    found_labels.sort();
    for (label, count) in arms.iter().zip(&units) {
        if *count == 0 {
            let close = found_labels
                .iter()
                .find(|found| found.to_lowercase() == label.to_lowercase())
                .map(|found| format!("; did you mean `{found}`?"))
                .unwrap_or_default();
            return Err(DataError::UnknownLabel {
                path: path.to_path_buf(),
                column: spec.group_col.clone(),
                label: label.clone(),
                suggestion: close,
                found: found_labels
                    .iter()
                    .map(|label| format!("`{label}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    if duplicate_count > 0 {
        return Err(DataError::DuplicateUnits {
            path: path.to_path_buf(),
            column: spec.unit_id_col.clone().unwrap_or_default(),
            count: duplicate_count,
            examples: duplicate_ids.join(", "),
        });
    }

    // Atoms, segments sorted by name.
    let mut segment_order: Vec<usize> = (0..segment_names.len()).collect();
    segment_order.sort_by(|a, b| segment_names[*a].cmp(&segment_names[*b]));
    let hashing = reader.into_inner();
    let (bytes_hash, _) = hashing.finish();
    let metrics = metric_columns
        .into_iter()
        .zip(counters)
        .zip(segment_counters)
        .zip(binary)
        .map(|(((columns, arm_counters), mut per_segment), binary)| {
            let width = if columns.second.is_some() { 2 } else { 1 };
            let kind = match columns.kind {
                MetricKind::Ratio => MetricKind::Ratio,
                _ if binary => MetricKind::Proportion,
                _ => MetricKind::Mean,
            };
            let mut segments = Vec::with_capacity(segment_order.len());
            for index in &segment_order {
                let counters = std::mem::take(&mut per_segment[*index]);
                segments.push(counters.into_iter().map(|c| c.into_table(width)).collect());
            }
            MetricData {
                name: columns.name,
                kind,
                arms: arm_counters
                    .into_iter()
                    .map(|c| c.into_table(width))
                    .collect(),
                segments,
            }
        })
        .collect();
    let mut other_labels: Vec<(String, u64)> = other_labels.into_iter().collect();
    other_labels.sort();

    Ok(UnitTable {
        file: InputFile {
            path: path.display().to_string(),
            sha256: bytes_hash,
            rows,
        },
        arms,
        units,
        other_labels,
        segments: segment_order
            .iter()
            .map(|i| segment_names[*i].clone())
            .collect(),
        segment_units: segment_order
            .iter()
            .map(|i| segment_units[*i].clone())
            .collect(),
        metrics,
        has_covariate: spec.covariate.is_some(),
    })
}

fn blank(path: &Path, offset: u64, column: Option<&str>, expected: &str) -> DataError {
    DataError::BlankValue {
        path: path.to_path_buf(),
        line: line_of_offset(path, offset),
        column: column.unwrap_or_default().to_string(),
        expected: expected.to_string(),
    }
}

/// Parses an outcome or covariate value: a finite number, negative allowed (refunds).
fn parse_value(
    path: &Path,
    offset: u64,
    column: &str,
    text: Option<&str>,
) -> Result<f64, DataError> {
    const EXPECTED: &str = "a number such as 0, 1 or 29.99";
    let text = text.unwrap_or("");
    if text.trim().is_empty() {
        return Err(blank(path, offset, Some(column), EXPECTED));
    }
    match text.trim().parse::<f64>() {
        Ok(value) if value.is_finite() => Ok(value),
        _ => Err(DataError::InvalidValue {
            path: path.to_path_buf(),
            line: line_of_offset(path, offset),
            column: column.to_string(),
            value: text.to_string(),
            expected: EXPECTED.to_string(),
        }),
    }
}

/// A reader that computes the SHA-256 of the bytes it passes on, so the file is hashed in
/// the same pass that parses it.
struct HashingReader<R> {
    inner: R,
    hasher: sha2::Sha256,
}

impl<R: std::io::Read> HashingReader<R> {
    fn new(inner: R) -> Self {
        use sha2::Digest;
        HashingReader {
            inner,
            hasher: sha2::Sha256::new(),
        }
    }

    /// Reads what is left, so the hash covers the whole file, and returns the hex digest.
    fn finish(mut self) -> (String, R) {
        use sha2::Digest;
        let mut rest = Vec::new();
        let _ = std::io::Read::read_to_end(&mut self, &mut rest);
        let digest = self.hasher.finalize();
        let hex = digest.iter().map(|byte| format!("{byte:02x}")).collect();
        (hex, self.inner)
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let read = self.inner.read(buffer)?;
        self.hasher.update(&buffer[..read]);
        Ok(read)
    }
}
