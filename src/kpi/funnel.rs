//! The channel funnel: a CSV file with one row per channel, campaign or channel × intent
//! cluster, read and checked with errors that name the file, line, column and value.
//!
//! Only `channel` and `spend` are required. Lines that start with `#` are comments, so a file
//! can record where its figures come from. Empty cells of optional columns are kept as missing
//! for that row: the KPIs that need them are undefined on that row and in the totals.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::data::{InputFile, LineIndex, sha256_hex};

/// A column of the funnel file. The names are part of the interface, see docs/kpis.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Channel,
    IntentCluster,
    PeriodStart,
    PeriodEnd,
    Spend,
    Impressions,
    Clicks,
    Visitors,
    Conversions,
    TargetConversionRate,
    Leads,
    QualifiedLeads,
    Opportunities,
    Customers,
    Revenue,
    GrossMargin,
    AttributedConversions,
    AttributedRevenue,
    AvgTimeOnSite,
    AvgScrollDepth,
    MicroConversions,
    AvgOrderValue,
    OrdersPerYear,
    LifetimeYears,
    ChurnRate,
}

/// Accepted range of a numeric column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Domain {
    /// Zero or more.
    NonNegative,
    /// A fraction from 0 to 1.
    Fraction,
    /// More than zero.
    Positive,
}

impl Column {
    /// Every column in the documented order.
    pub const ALL: [Column; 25] = [
        Column::Channel,
        Column::IntentCluster,
        Column::PeriodStart,
        Column::PeriodEnd,
        Column::Spend,
        Column::Impressions,
        Column::Clicks,
        Column::Visitors,
        Column::Conversions,
        Column::TargetConversionRate,
        Column::Leads,
        Column::QualifiedLeads,
        Column::Opportunities,
        Column::Customers,
        Column::Revenue,
        Column::GrossMargin,
        Column::AttributedConversions,
        Column::AttributedRevenue,
        Column::AvgTimeOnSite,
        Column::AvgScrollDepth,
        Column::MicroConversions,
        Column::AvgOrderValue,
        Column::OrdersPerYear,
        Column::LifetimeYears,
        Column::ChurnRate,
    ];

    /// Returns the header name.
    pub fn name(self) -> &'static str {
        match self {
            Column::Channel => "channel",
            Column::IntentCluster => "intent_cluster",
            Column::PeriodStart => "period_start",
            Column::PeriodEnd => "period_end",
            Column::Spend => "spend",
            Column::Impressions => "impressions",
            Column::Clicks => "clicks",
            Column::Visitors => "visitors",
            Column::Conversions => "conversions",
            Column::TargetConversionRate => "target_conversion_rate",
            Column::Leads => "leads",
            Column::QualifiedLeads => "qualified_leads",
            Column::Opportunities => "opportunities",
            Column::Customers => "customers",
            Column::Revenue => "revenue",
            Column::GrossMargin => "gross_margin",
            Column::AttributedConversions => "attributed_conversions",
            Column::AttributedRevenue => "attributed_revenue",
            Column::AvgTimeOnSite => "avg_time_on_site_s",
            Column::AvgScrollDepth => "avg_scroll_depth",
            Column::MicroConversions => "micro_conversions",
            Column::AvgOrderValue => "avg_order_value",
            Column::OrdersPerYear => "orders_per_year",
            Column::LifetimeYears => "lifetime_years",
            Column::ChurnRate => "churn_rate",
        }
    }

    fn from_name(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|column| column.name() == name)
    }

    /// Returns the accepted range of a numeric column, or `None` for text and date columns.
    fn domain(self) -> Option<Domain> {
        match self {
            Column::Channel | Column::IntentCluster | Column::PeriodStart | Column::PeriodEnd => {
                None
            }
            Column::TargetConversionRate
            | Column::GrossMargin
            | Column::AvgScrollDepth
            | Column::ChurnRate => Some(Domain::Fraction),
            Column::LifetimeYears => Some(Domain::Positive),
            _ => Some(Domain::NonNegative),
        }
    }
}

/// One data row of the funnel file.
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelRow {
    /// 1-based line of the row in the file.
    pub line: u64,
    pub channel: String,
    /// Intent cluster or segment; `None` when the column is absent or the cell is empty.
    pub intent_cluster: Option<String>,
    /// First and last day of the period, both included.
    pub period: Option<(NaiveDate, NaiveDate)>,
    /// Numeric cells by column; `None` for an empty cell or an absent column.
    values: Vec<Option<f64>>,
}

impl FunnelRow {
    /// Returns the value of a numeric column on this row.
    pub fn value(&self, column: Column) -> Option<f64> {
        let index = Column::ALL.iter().position(|c| *c == column)?;
        self.values[index]
    }

    /// Days in the row's period, both ends included.
    pub fn period_days(&self) -> Option<i64> {
        self.period.map(|(start, end)| (end - start).num_days() + 1)
    }

    /// Returns the row's label: `channel` or `channel / intent_cluster`.
    pub fn label(&self) -> String {
        match &self.intent_cluster {
            Some(cluster) => format!("{} / {cluster}", self.channel),
            None => self.channel.clone(),
        }
    }

    /// Builds a row from column values, for tests and callers that do not read a file.
    pub fn from_values(line: u64, channel: &str, values: &[(Column, f64)]) -> Self {
        let mut row = FunnelRow {
            line,
            channel: channel.to_string(),
            intent_cluster: None,
            period: None,
            values: vec![None; Column::ALL.len()],
        };
        for (column, value) in values {
            if let Some(index) = Column::ALL.iter().position(|c| c == column) {
                row.values[index] = Some(*value);
            }
        }
        row
    }
}

/// A header name that is not a funnel column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnknownColumn {
    pub name: String,
    /// The closest known column name, when one is close.
    pub suggestion: Option<String>,
}

/// A read and checked funnel file.
#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub file: InputFile,
    /// Known columns present in the header.
    pub columns: BTreeSet<Column>,
    /// Header names that are not funnel columns; their values are not read.
    pub unknown_columns: Vec<UnknownColumn>,
    pub rows: Vec<FunnelRow>,
}

impl Funnel {
    /// Returns whether the header has `column`.
    pub fn has(&self, column: Column) -> bool {
        self.columns.contains(&column)
    }

    /// Builds a funnel from rows, for tests and callers that do not read a file.
    pub fn from_rows(columns: &[Column], rows: Vec<FunnelRow>) -> Self {
        Funnel {
            file: InputFile {
                path: "funnel.csv".to_string(),
                sha256: String::new(),
                rows: rows.len(),
            },
            columns: columns.iter().copied().collect(),
            unknown_columns: Vec::new(),
            rows,
        }
    }
}

/// A funnel file that could not be read or did not pass validation.
#[derive(Debug, thiserror::Error)]
pub enum FunnelError {
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
    #[error("{path}: the file has no data rows; expected a header line and one row per channel")]
    Empty { path: PathBuf },
    #[error(
        "{path}: required column `{column}` not found{hint}; the header has: {found}; the \
         known columns are: {known}"
    )]
    MissingColumn {
        path: PathBuf,
        column: &'static str,
        /// Names a header that looks like a misspelling of the column, or is empty.
        hint: String,
        found: String,
        known: String,
    },
    #[error("{path}: column `{column}` appears twice in the header; expected each column once")]
    DuplicateColumn { path: PathBuf, column: String },
    #[error("{path}: line {line}, column `{column}`: the value is blank; expected {expected}")]
    Blank {
        path: PathBuf,
        line: u64,
        column: &'static str,
        expected: &'static str,
    },
    #[error("{path}: line {line}, column `{column}`: found `{value}`, expected {expected}")]
    InvalidValue {
        path: PathBuf,
        line: u64,
        column: &'static str,
        value: String,
        expected: String,
    },
    #[error(
        "{path}: line {line}: a second row for `{label}` (the first is on line {first_line}); \
         expected one row per channel and intent cluster"
    )]
    DuplicateRow {
        path: PathBuf,
        line: u64,
        first_line: u64,
        label: String,
    },
}

/// Reads and checks the funnel file at `path`.
///
/// Rejects a negative number, a fraction outside [0, 1], a non-positive lifetime, text where a
/// number belongs, a period whose end lies before its start, one period column without the
/// other, and a repeated channel and intent cluster. Unknown header names are returned in
/// [`Funnel::unknown_columns`] for the caller to warn about.
pub fn read_funnel(path: &Path) -> Result<Funnel, FunnelError> {
    let io_error = |source| FunnelError::Io {
        path: path.to_path_buf(),
        source,
    };
    if path.is_dir() {
        return Err(io_error(std::io::Error::other(
            "is a folder; expected a CSV file",
        )));
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let lines = LineIndex::new(&bytes);
    // The csv crate places a record after comment or blank lines at the start of those lines,
    // so the record's own line is the first line from there that contains data.
    let skipped: Vec<bool> = bytes
        .split(|byte| *byte == b'\n')
        .map(|line| {
            let text = line.trim_ascii();
            text.is_empty() || text.starts_with(b"#")
        })
        .collect();
    let data_line = |offset: u64| -> u64 {
        let mut line = lines.line(offset);
        while skipped.get(line as usize - 1) == Some(&true) {
            line += 1;
        }
        line
    };
    let csv_error = |error: csv::Error| FunnelError::Csv {
        path: path.to_path_buf(),
        line: error
            .position()
            .map_or(0, |position| data_line(position.byte())),
        message: match error.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "the row has {len} fields but the header has {expected_len}; numbers must use a \
                 decimal point, and text with a comma in it must be quoted"
            ),
            _ => error.to_string(),
        },
    };
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(bytes.as_slice());

    // Header: known columns by position, unknown names kept for a warning.
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut positions: Vec<(Column, usize)> = Vec::new();
    let mut unknown_columns = Vec::new();
    for (index, name) in headers.iter().enumerate() {
        match Column::from_name(name) {
            Some(column) if positions.iter().any(|(seen, _)| *seen == column) => {
                return Err(FunnelError::DuplicateColumn {
                    path: path.to_path_buf(),
                    column: name.to_string(),
                });
            }
            Some(column) => positions.push((column, index)),
            None => unknown_columns.push(UnknownColumn {
                name: name.to_string(),
                suggestion: closest_column(name),
            }),
        }
    }
    for required in [Column::Channel, Column::Spend] {
        if !positions.iter().any(|(column, _)| *column == required) {
            let hint = unknown_columns
                .iter()
                .find(|unknown| unknown.suggestion.as_deref() == Some(required.name()))
                .map(|unknown| format!(" (did you mean `{}`?)", unknown.name))
                .map_or_else(String::new, |hint| {
                    hint.replace("did you mean `", "is `")
                        .replace("`?)", "` a misspelling of it?)")
                });
            return Err(FunnelError::MissingColumn {
                path: path.to_path_buf(),
                column: required.name(),
                hint,
                found: headers
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                known: known_columns(),
            });
        }
    }
    let has = |column: Column| positions.iter().any(|(c, _)| *c == column);
    if has(Column::PeriodStart) != has(Column::PeriodEnd) {
        let missing = if has(Column::PeriodStart) {
            Column::PeriodEnd
        } else {
            Column::PeriodStart
        };
        return Err(FunnelError::MissingColumn {
            path: path.to_path_buf(),
            column: missing.name(),
            hint: String::new(),
            found: "one period column without the other".to_string(),
            known: known_columns(),
        });
    }

    // Rows.
    let mut rows: Vec<FunnelRow> = Vec::new();
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = record
            .position()
            .map_or(0, |position| data_line(position.byte()));
        let row = parse_row(path, line, &record, &positions)?;
        if let Some(first) = rows
            .iter()
            .find(|seen| seen.channel == row.channel && seen.intent_cluster == row.intent_cluster)
        {
            return Err(FunnelError::DuplicateRow {
                path: path.to_path_buf(),
                line,
                first_line: first.line,
                label: row.label(),
            });
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(FunnelError::Empty {
            path: path.to_path_buf(),
        });
    }

    Ok(Funnel {
        file: InputFile {
            path: path.display().to_string(),
            sha256: sha256_hex(&bytes),
            rows: rows.len(),
        },
        columns: positions.iter().map(|(column, _)| *column).collect(),
        unknown_columns,
        rows,
    })
}

/// Returns the known column names, comma-separated, for messages.
pub fn known_columns() -> String {
    Column::ALL
        .iter()
        .map(|column| column.name())
        .collect::<Vec<_>>()
        .join(", ")
}

fn closest_column(name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    Column::ALL
        .iter()
        .map(|column| (column.name(), strsim::jaro_winkler(&lower, column.name())))
        .filter(|(_, score)| *score >= 0.85)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(name, _)| name.to_string())
}

fn parse_row(
    path: &Path,
    line: u64,
    record: &csv::StringRecord,
    positions: &[(Column, usize)],
) -> Result<FunnelRow, FunnelError> {
    let cell = |column: Column| -> Option<&str> {
        positions
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, index)| record.get(*index))
            .filter(|text| !text.is_empty())
    };
    let invalid = |column: Column, value: &str, expected: &str| FunnelError::InvalidValue {
        path: path.to_path_buf(),
        line,
        column: column.name(),
        value: value.to_string(),
        expected: expected.to_string(),
    };

    let Some(channel) = cell(Column::Channel) else {
        return Err(FunnelError::Blank {
            path: path.to_path_buf(),
            line,
            column: Column::Channel.name(),
            expected: "a channel or campaign name",
        });
    };
    if cell(Column::Spend).is_none() {
        return Err(FunnelError::Blank {
            path: path.to_path_buf(),
            line,
            column: Column::Spend.name(),
            expected: "the spend of the row's period, zero or more",
        });
    }

    let date = |column: Column| -> Result<Option<NaiveDate>, FunnelError> {
        cell(column)
            .map(|text| {
                NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map_err(|_| invalid(column, text, "a date as YYYY-MM-DD"))
            })
            .transpose()
    };
    let period = match (date(Column::PeriodStart)?, date(Column::PeriodEnd)?) {
        (Some(start), Some(end)) if end < start => {
            return Err(invalid(
                Column::PeriodEnd,
                &end.to_string(),
                &format!("a day on or after period_start {start}"),
            ));
        }
        (Some(start), Some(end)) => Some((start, end)),
        (None, None) => None,
        (Some(_), None) => {
            return Err(FunnelError::Blank {
                path: path.to_path_buf(),
                line,
                column: Column::PeriodEnd.name(),
                expected: "a date as YYYY-MM-DD, because period_start is set",
            });
        }
        (None, Some(_)) => {
            return Err(FunnelError::Blank {
                path: path.to_path_buf(),
                line,
                column: Column::PeriodStart.name(),
                expected: "a date as YYYY-MM-DD, because period_end is set",
            });
        }
    };

    let mut values = vec![None; Column::ALL.len()];
    for (index, column) in Column::ALL.into_iter().enumerate() {
        let Some(domain) = column.domain() else {
            continue;
        };
        let Some(text) = cell(column) else {
            continue;
        };
        let expected = match domain {
            Domain::NonNegative => "a number of zero or more, with a decimal point",
            Domain::Fraction => "a fraction from 0 to 1, such as 0.35 for 35%",
            Domain::Positive => "a number above zero, with a decimal point",
        };
        let value: f64 = text
            .parse()
            .ok()
            .filter(|value: &f64| value.is_finite())
            .ok_or_else(|| invalid(column, text, expected))?;
        let valid = match domain {
            Domain::NonNegative => value >= 0.0,
            Domain::Fraction => (0.0..=1.0).contains(&value),
            Domain::Positive => value > 0.0,
        };
        if !valid {
            return Err(invalid(column, text, expected));
        }
        values[index] = Some(value);
    }

    Ok(FunnelRow {
        line,
        channel: channel.to_string(),
        intent_cluster: cell(Column::IntentCluster).map(str::to_string),
        period,
        values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Funnel, FunnelError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("funnel.csv");
        std::fs::write(&path, text).expect("write");
        read_funnel(&path)
    }

    #[test]
    fn reads_comments_and_empty_cells() {
        let funnel = read(
            "# illustrative figures\nchannel,spend,leads\n# a comment row\nmeta,100,\nsearch,50,5\n",
        )
        .expect("valid");
        assert_eq!(funnel.rows.len(), 2);
        assert_eq!(funnel.rows[0].line, 4);
        assert_eq!(funnel.rows[0].value(Column::Leads), None);
        assert_eq!(funnel.rows[1].line, 5);
        assert_eq!(funnel.rows[1].value(Column::Leads), Some(5.0));
        let message = read("# a\nchannel,spend\n# b\n\nmeta,x\n")
            .expect_err("bad number")
            .to_string();
        assert!(message.contains("line 5"), "{message}");
    }

    #[test]
    fn margin_above_one_names_line_and_column() {
        let error = read("channel,spend,gross_margin\nmeta,100,0.4\nsearch,50,1.5\n")
            .expect_err("invalid margin");
        let message = error.to_string();
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("`gross_margin`"), "{message}");
        assert!(message.contains("`1.5`"), "{message}");
    }

    #[test]
    fn negative_spend_rejected() {
        let message = read("channel,spend\nmeta,-5\n")
            .expect_err("negative")
            .to_string();
        assert!(
            message.contains("line 2, column `spend`: found `-5`"),
            "{message}"
        );
    }

    #[test]
    fn unknown_column_gets_suggestion() {
        let funnel = read("channel,spend,qualifed_leads\nmeta,1,2\n").expect("valid");
        assert_eq!(funnel.unknown_columns.len(), 1);
        assert_eq!(
            funnel.unknown_columns[0].suggestion.as_deref(),
            Some("qualified_leads")
        );
    }

    #[test]
    fn crlf_lines_are_counted() {
        let message = read("channel,spend\r\nmeta,1\r\nsearch,x\r\n")
            .expect_err("bad number")
            .to_string();
        assert!(message.contains("line 3"), "{message}");
    }

    #[test]
    fn duplicate_channel_rejected() {
        let message = read("channel,spend\nmeta,1\nmeta,2\n")
            .expect_err("duplicate")
            .to_string();
        assert!(message.contains("line 3"), "{message}");
        assert!(message.contains("line 2"), "{message}");
    }
}
