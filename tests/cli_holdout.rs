//! Exit codes, error messages and report contents of `liftlab analyze holdout`.
//!
//! Each test writes a small unit table into a temporary folder, changes one thing and runs the
//! binary. Invalid input must exit with code 2 and a `liftlab: error:` message that names the
//! file, the line, the column, the value found and what was expected. Valid input must exit
//! with code 0 and write a report.json that states what was analysed and what was left out.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

/// Exit code of invalid input, flags or spec files.
const EXIT_INPUT: i32 = 2;

/// Group labels of the generated table, as in the Hillstrom e-mail test.
const CONTROL: &str = "No E-Mail";
const TREATMENT: &str = "Womens E-Mail";
const OTHER_TREATMENT: &str = "Mens E-Mail";

/// Units in the generated table.
const UNITS: usize = 400;

/// Bootstrap resamples of every run on a generated table, twice the minimum of 100 that
/// `analyze holdout` accepts.
const RESAMPLES: &str = "200";

/// A unit table CSV held in memory so a test can change it before writing it.
struct UnitCsv {
    header: Vec<String>,
    /// Data rows; row `i` is on line `i + 2` of the written file.
    rows: Vec<Vec<String>>,
}

impl UnitCsv {
    /// Builds a valid table with columns `id,group,visit,spend,history,region` and `units` rows.
    /// Rows alternate between control and treatment, and the regions `north` and `south` take
    /// turns in pairs of rows, so every arm has units in every region. `visit` is 0/1, `spend`
    /// is positive only on visits, and `history` is a pre-period spend that varies by unit.
    fn new(units: usize) -> Self {
        Self::with_arms(
            units,
            |index| {
                if index % 2 == 0 { CONTROL } else { TREATMENT }
            },
        )
    }

    /// Builds a table like [`UnitCsv::new`] with the arm label of row `index` from `arm_of`.
    fn with_arms(units: usize, arm_of: impl Fn(usize) -> &'static str) -> Self {
        let rows = (0..units)
            .map(|index| {
                let label = arm_of(index);
                let (visit, spend) = outcomes(index, label == CONTROL);
                vec![
                    format!("u{index:04}"),
                    label.to_string(),
                    visit.to_string(),
                    spend,
                    format!("{}.25", 40 + (index * 37) % 200),
                    ["north", "south"][(index / 2) % 2].to_string(),
                ]
            })
            .collect();
        UnitCsv {
            header: ["id", "group", "visit", "spend", "history", "region"]
                .map(String::from)
                .to_vec(),
            rows,
        }
    }

    fn column_index(&self, column: &str) -> usize {
        self.header
            .iter()
            .position(|name| name == column)
            .unwrap_or_else(|| panic!("the generated table has no column `{column}`"))
    }

    /// Replaces the value of `column` in row `row`.
    fn set(&mut self, row: usize, column: &str, value: &str) {
        let column = self.column_index(column);
        self.rows[row][column] = value.to_string();
    }

    /// Returns the value of `column` in row `row`.
    fn get(&self, row: usize, column: &str) -> &str {
        &self.rows[row][self.column_index(column)]
    }

    /// Appends `count` rows labelled `label`, copied from the first rows of the table with
    /// new unit ids.
    fn append_label(&mut self, label: &str, count: usize) {
        let id = self.column_index("id");
        let group = self.column_index("group");
        for index in 0..count {
            let mut row = self.rows[index].clone();
            row[id] = format!("x{index:04}");
            row[group] = label.to_string();
            self.rows.push(row);
        }
    }

    /// Writes the table as `units.csv` into `dir` and returns its path.
    fn write(&self, dir: &Path) -> PathBuf {
        let mut text = self.header.join(",");
        text.push('\n');
        for row in &self.rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let path = dir.join("units.csv");
        std::fs::write(&path, text).expect("write the unit table CSV");
        path
    }
}

/// Returns the line of row `row` in the written file, where the header is line 1.
fn line_of(row: usize) -> usize {
    row + 2
}

/// Returns the deterministic `visit` (0 or 1) and `spend` of unit `index`. A scrambled
/// index gives about 30 % visits in control and 36 % in treatment.
fn outcomes(index: usize, control: bool) -> (u8, String) {
    let scrambled = (index * 7919 + 13) % 1000;
    let threshold = if control { 300 } else { 360 };
    if scrambled < threshold {
        (1, format!("{}.{:02}", 10 + scrambled % 50, scrambled % 100))
    } else {
        (0, "0".to_string())
    }
}

/// Flags of one `liftlab analyze holdout` run, in order. `--treatment`, `--metric` and
/// `--ratio` may repeat, so [`HoldoutFlags::add`] appends and [`HoldoutFlags::set`] replaces.
struct HoldoutFlags {
    flags: Vec<(String, String)>,
}

impl HoldoutFlags {
    /// Returns the flags of a valid run on a [`UnitCsv::new`] table at `data`, with metric
    /// `visit` and 200 resamples.
    fn new(data: &Path, out: &Path) -> Self {
        let pairs = [
            ("--data", data.display().to_string()),
            ("--group-col", "group".to_string()),
            ("--control", CONTROL.to_string()),
            ("--treatment", TREATMENT.to_string()),
            ("--metric", "visit".to_string()),
            ("--resamples", RESAMPLES.to_string()),
            ("--out", out.display().to_string()),
        ];
        HoldoutFlags {
            flags: pairs
                .into_iter()
                .map(|(flag, value)| (flag.to_string(), value))
                .collect(),
        }
    }

    /// Sets `flag` to `value`, replacing every earlier value.
    fn set(self, flag: &str, value: &str) -> Self {
        self.remove(flag).add(flag, value)
    }

    /// Appends `flag value`, keeping earlier values of `flag`.
    fn add(mut self, flag: &str, value: &str) -> Self {
        self.flags.push((flag.to_string(), value.to_string()));
        self
    }

    /// Removes every value of `flag`.
    fn remove(mut self, flag: &str) -> Self {
        self.flags.retain(|(name, _)| name != flag);
        self
    }

    /// Runs `liftlab --quiet analyze holdout` with these flags.
    fn run(&self) -> Assert {
        self.run_with_global(&[])
    }

    /// Runs `liftlab --quiet <global> analyze holdout` with these flags, where `global`
    /// contains the flags that go before the subcommand, such as `--threads 1`.
    fn run_with_global(&self, global: &[&str]) -> Assert {
        let mut command = liftlab();
        command
            .arg("--quiet")
            .args(global)
            .args(["analyze", "holdout"]);
        for (flag, value) in &self.flags {
            command.arg(flag).arg(value);
        }
        command.assert()
    }
}

fn liftlab() -> Command {
    Command::cargo_bin("liftlab").expect("the liftlab binary is built")
}

/// Checks that a run failed as invalid input: exit code 2 and one `liftlab: error:` message.
fn assert_input_error(assert: Assert) -> Assert {
    assert
        .code(EXIT_INPUT)
        .stderr(predicate::str::starts_with("liftlab: error: "))
}

/// Returns the path as the error messages print it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// Writes `table` into a new temp folder and returns the folder, the data path and the output
/// folder.
fn setup(table: &UnitCsv) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let data = table.write(dir.path());
    let out = dir.path().join("out");
    (dir, data, out)
}

fn read_report(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json is written");
    serde_json::from_str(&text).expect("report.json is valid JSON")
}

/// Returns the report's warnings with code `code`.
fn warnings_with_code<'a>(report: &'a serde_json::Value, code: &str) -> Vec<&'a serde_json::Value> {
    report["warnings"]
        .as_array()
        .expect("warnings is a list")
        .iter()
        .filter(|warning| warning["code"] == code)
        .collect()
}

/// Returns the comparison of `treatment` against control on `metric`.
fn comparison<'a>(
    report: &'a serde_json::Value,
    treatment: &str,
    metric: &str,
) -> &'a serde_json::Value {
    report["comparisons"]
        .as_array()
        .expect("comparisons is a list")
        .iter()
        .find(|comparison| comparison["treatment"] == treatment && comparison["metric"] == metric)
        .unwrap_or_else(|| panic!("no comparison of `{treatment}` on `{metric}`"))
}

/// Returns the method names of an estimate's intervals.
fn interval_methods(estimate: &serde_json::Value) -> Vec<String> {
    estimate["intervals"]
        .as_array()
        .expect("intervals is a list")
        .iter()
        .map(|interval| interval["method"].as_str().expect("method").to_string())
        .collect()
}

fn file_sha256(path: &Path) -> String {
    liftlab::data::sha256_hex(&std::fs::read(path).expect("read the data file"))
}

#[test]
fn generated_table_is_valid() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    HoldoutFlags::new(&data, &out)
        .run()
        .code(0)
        .stdout(contains(format!("{TREATMENT} vs {CONTROL}")));

    let report = read_report(&out);
    assert_eq!(report["kind"], "holdout");
    assert_eq!(report["data"]["rows"], UNITS);
    assert_eq!(report["data"]["arms"][0]["label"], CONTROL);
    assert_eq!(report["data"]["arms"][0]["units"], UNITS / 2);
    assert_eq!(report["data"]["arms"][1]["label"], TREATMENT);
    assert_eq!(report["data"]["arms"][1]["units"], UNITS / 2);
    assert_eq!(report["srm"]["mismatch"], false);
    assert!(warnings_with_code(&report, "sample_ratio_mismatch").is_empty());
}

// Group labels.

#[test]
fn unknown_treatment_lists_labels() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--treatment", "Women E-Mail")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("group label `Women E-Mail` has no rows"))
    .stderr(contains("column `group`"))
    .stderr(contains(format!("`{CONTROL}`")))
    .stderr(contains(format!("`{TREATMENT}`")));
    assert!(
        !out.join("report.json").exists(),
        "a failed run wrote a report"
    );
}

#[test]
fn treatment_case_mismatch_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--treatment", "womens e-mail")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("group label `womens e-mail` has no rows"))
    .stderr(contains(format!("did you mean `{TREATMENT}`?")))
    .stderr(contains("including case"));
}

#[test]
fn control_without_rows_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--control", "Holdout")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("group label `Holdout` has no rows"))
    .stderr(contains("column `group`"))
    .stderr(contains(format!("`{CONTROL}`")))
    .stderr(contains(format!("`{TREATMENT}`")));
}

#[test]
fn arm_missing_from_segment_is_undefined() {
    // Every treatment unit is in `north`, so `south` has control units only.
    let mut table = UnitCsv::new(UNITS);
    for row in 0..table.rows.len() {
        if table.get(row, "group") == TREATMENT {
            table.set(row, "region", "north");
        }
    }
    let (_dir, data, out) = setup(&table);

    HoldoutFlags::new(&data, &out)
        .set("--segment-col", "region")
        .add("--metric", "spend")
        .run()
        .code(0);

    let report = read_report(&out);
    assert_eq!(
        report["data"]["segments"],
        serde_json::json!(["north", "south"])
    );
    let segments = report["segments"].as_array().expect("segments is a list");
    assert_eq!(segments.len(), 4, "2 metrics × 2 segments");
    for row in segments {
        let name = format!("{} {}", row["segment"], row["metric"]);
        if row["segment"] == "north" {
            assert!(row["absolute_lift"]["point"].is_f64(), "{name}: no lift");
            continue;
        }
        assert_eq!(row["treatment_units"], 0, "{name}");
        assert!(row["absolute_lift"]["point"].is_null(), "{name}: {row}");
        let reason = row["absolute_lift"]["undefined_reason"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no undefined_reason in {row}"));
        assert!(reason.contains("no units"), "{name}: {reason}");
        assert!(row["relative_lift"]["point"].is_null(), "{name}: {row}");
        assert!(row["p_value"].is_null(), "{name}: {row}");
    }
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json");
    assert!(!text.contains("NaN"), "report.json contains NaN");
}

// Outcome values.

#[test]
fn non_numeric_outcome_names_value() {
    let mut table = UnitCsv::new(UNITS);
    table.set(17, "visit", "abc");
    let (_dir, data, out) = setup(&table);

    assert_input_error(HoldoutFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {}, column `visit`", line_of(17))))
        .stderr(contains("found `abc`"))
        .stderr(contains("expected a number"));
}

#[test]
fn blank_outcome_names_line() {
    let mut table = UnitCsv::new(UNITS);
    table.set(42, "spend", "");
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--metric", "spend")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains(format!("line {}, column `spend`", line_of(42))))
    .stderr(contains("the value is blank"))
    .stderr(contains("expected a number"));
}

#[test]
fn non_finite_outcome_names_value() {
    for value in ["NaN", "inf", "-inf"] {
        let mut table = UnitCsv::new(UNITS);
        table.set(9, "spend", value);
        let (_dir, data, out) = setup(&table);

        assert_input_error(
            HoldoutFlags::new(&data, &out)
                .set("--metric", "spend")
                .run(),
        )
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {}, column `spend`", line_of(9))))
        .stderr(contains(format!("found `{value}`")))
        .stderr(contains("expected a number"));
    }
}

#[test]
fn non_numeric_covariate_names_value() {
    let mut table = UnitCsv::new(UNITS);
    table.set(30, "history", "n/a");
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--covariate", "history")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains(format!("line {}, column `history`", line_of(30))))
    .stderr(contains("found `n/a`"))
    .stderr(contains("expected a number"));
}

// Empty table.

#[test]
fn header_only_table_rejected() {
    let mut table = UnitCsv::new(UNITS);
    table.rows.clear();
    let (_dir, data, out) = setup(&table);

    assert_input_error(HoldoutFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains("no data rows"))
        .stderr(contains("geo").not());
}

// Unit ids.

#[test]
fn duplicate_unit_ids_counted_and_listed() {
    // Rows 10, 20 and 30 repeat the ids of rows 0, 2 and 4, each in the same arm.
    let mut table = UnitCsv::new(UNITS);
    let repeats = [(10, 0), (20, 2), (30, 4)];
    for (row, original) in repeats {
        let id = table.get(original, "id").to_string();
        table.set(row, "id", &id);
    }
    let (_dir, data, out) = setup(&table);

    let mut assert = assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--unit-id-col", "id")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("3 row(s) repeat a unit id"))
    .stderr(contains("column `id`"));
    for (row, original) in repeats {
        let id = table.get(original, "id");
        let group = table.get(original, "group");
        assert = assert.stderr(contains(format!(
            "`{id}` on line {} ({group}) and line {} ({group})",
            line_of(original),
            line_of(row)
        )));
    }
}

#[test]
fn unit_id_in_two_arms_rejected() {
    // Row 0 is a control unit, and it gets the id of row 1, a treatment unit.
    let mut table = UnitCsv::new(UNITS);
    assert_eq!(table.get(0, "group"), CONTROL);
    assert_eq!(table.get(1, "group"), TREATMENT);
    let id = table.get(1, "id").to_string();
    table.set(0, "id", &id);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--unit-id-col", "id")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("1 row(s) repeat a unit id"))
    .stderr(contains(format!(
        "`{id}` on line {} ({CONTROL}) and line {} ({TREATMENT})",
        line_of(0),
        line_of(1)
    )))
    .stderr(contains("in one arm"));
}

#[test]
fn duplicate_ids_pass_without_id_column() {
    let mut table = UnitCsv::new(UNITS);
    let id = table.get(0, "id").to_string();
    table.set(10, "id", &id);
    let (_dir, data, out) = setup(&table);

    HoldoutFlags::new(&data, &out).run().code(0);
}

// Columns.

#[test]
fn missing_metric_column_lists_header() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--metric", "nosuch")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("column `nosuch` not found"))
    .stderr(contains("--metric"))
    .stderr(contains(
        "`id`, `group`, `visit`, `spend`, `history`, `region`",
    ));
}

#[test]
fn missing_group_column_lists_header() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--group-col", "nosuch")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("column `nosuch` not found"))
    .stderr(contains("--group-col"))
    .stderr(contains(
        "`id`, `group`, `visit`, `spend`, `history`, `region`",
    ));
}

#[test]
fn missing_covariate_column_lists_header() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--covariate", "nosuch")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("column `nosuch` not found"))
    .stderr(contains("--covariate"))
    .stderr(contains(
        "`id`, `group`, `visit`, `spend`, `history`, `region`",
    ));
}

#[test]
fn ratio_without_slash_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(HoldoutFlags::new(&data, &out).add("--ratio", "spend").run())
        .stderr(contains("invalid value `spend` for --ratio"))
        .stderr(contains("NUMERATOR/DENOMINATOR"))
        .stderr(contains("spend/visit"));
}

#[test]
fn ratio_missing_denominator_column() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .add("--ratio", "spend/nosuch")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("column `nosuch` not found"))
    .stderr(contains("--ratio"))
    .stderr(contains(
        "`id`, `group`, `visit`, `spend`, `history`, `region`",
    ));
}

// Flag values.

#[test]
fn non_numeric_split_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--expected-split", "50:x")
            .run(),
    )
    .stderr(contains("invalid value `50:x` for --expected-split"))
    .stderr(contains("positive shares"));
}

#[test]
fn zero_share_in_split_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--expected-split", "50:50:0")
            .run(),
    )
    .stderr(contains("invalid value `50:50:0` for --expected-split"))
    .stderr(contains("positive shares"));
}

#[test]
fn split_with_wrong_arm_count_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--expected-split", "34:33:33")
            .run(),
    )
    .stderr(contains("--expected-split has 3 share(s)"))
    .stderr(contains("for 2 arm(s)"))
    .stderr(contains("control first"));
}

#[test]
fn level_above_one_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(HoldoutFlags::new(&data, &out).set("--level", "1.2").run())
        .stderr(contains("--level 1.2 is invalid"))
        .stderr(contains("between 0 and 1"));
}

#[test]
fn too_few_resamples_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--resamples", "10")
            .run(),
    )
    .stderr(contains("--resamples 10 is too few"))
    .stderr(contains("at least 100"));
}

#[test]
fn no_metric_or_ratio_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(HoldoutFlags::new(&data, &out).remove("--metric").run())
        .stderr(contains("missing --metric or --ratio"))
        .stderr(contains("--ratio"))
        .stderr(contains("at least one"));
}

// Report contents.

/// Builds a table in which 70 % of the units are control.
fn table_70_30() -> UnitCsv {
    UnitCsv::with_arms(
        UNITS,
        |index| {
            if index % 10 < 7 { CONTROL } else { TREATMENT }
        },
    )
}

#[test]
fn unequal_split_reports_mismatch() {
    let (_dir, data, out) = setup(&table_70_30());

    HoldoutFlags::new(&data, &out).run().code(0);

    let report = read_report(&out);
    assert_eq!(
        report["srm"]["observed_units"],
        serde_json::json!([280, 120])
    );
    assert_eq!(report["srm"]["mismatch"], true);
    let warnings = warnings_with_code(&report, "sample_ratio_mismatch");
    assert_eq!(warnings.len(), 1, "{}", report["warnings"]);
}

#[test]
fn expected_split_clears_mismatch() {
    let (_dir, data, out) = setup(&table_70_30());

    HoldoutFlags::new(&data, &out)
        .set("--expected-split", "70:30")
        .run()
        .code(0);

    let report = read_report(&out);
    assert_eq!(report["srm"]["mismatch"], false);
    assert_eq!(
        report["srm"]["expected_shares"],
        serde_json::json!([0.7, 0.3])
    );
    let warnings = warnings_with_code(&report, "sample_ratio_mismatch");
    assert!(warnings.is_empty(), "{}", report["warnings"]);
}

#[test]
fn unlisted_label_reported() {
    let mut table = UnitCsv::new(UNITS);
    table.append_label(OTHER_TREATMENT, 60);
    let (_dir, data, out) = setup(&table);

    HoldoutFlags::new(&data, &out).run().code(0);

    let report = read_report(&out);
    assert_eq!(report["data"]["rows"], UNITS + 60);
    assert_eq!(
        report["data"]["other_labels"],
        serde_json::json!([{ "label": OTHER_TREATMENT, "rows": 60 }])
    );
    let warnings = warnings_with_code(&report, "rows_not_analysed");
    assert_eq!(warnings.len(), 1, "{}", report["warnings"]);
    let message = warnings[0]["message"].as_str().expect("warning message");
    assert!(message.contains(OTHER_TREATMENT), "{message}");
    assert!(message.contains("60 rows"), "{message}");
}

#[test]
fn metric_kinds_and_reference_intervals() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    HoldoutFlags::new(&data, &out)
        .add("--metric", "spend")
        .add("--ratio", "spend/visit")
        .run()
        .code(0);

    let report = read_report(&out);
    assert_eq!(report["comparisons"].as_array().expect("list").len(), 3);

    let visit = comparison(&report, TREATMENT, "visit");
    assert_eq!(visit["kind"], "proportion");
    let methods = interval_methods(&visit["absolute_lift"]);
    assert!(methods.iter().any(|m| m == "newcombe_score"), "{methods:?}");

    let spend = comparison(&report, TREATMENT, "spend");
    assert_eq!(spend["kind"], "mean");
    let methods = interval_methods(&spend["absolute_lift"]);
    assert!(methods.iter().any(|m| m == "welch_t"), "{methods:?}");

    let ratio = comparison(&report, TREATMENT, "spend/visit");
    assert_eq!(ratio["kind"], "ratio");
    assert!(ratio["absolute_lift"]["point"].is_f64(), "{ratio}");
}

#[test]
fn same_report_with_one_and_two_threads() {
    let table = UnitCsv::new(UNITS);
    let (dir, data, _out) = setup(&table);
    let one = dir.path().join("one");
    let two = dir.path().join("two");

    for (threads, out) in [("1", &one), ("2", &two)] {
        HoldoutFlags::new(&data, out)
            .add("--metric", "spend")
            .add("--ratio", "spend/visit")
            .set("--covariate", "history")
            .set("--segment-col", "region")
            .run_with_global(&["--threads", threads])
            .code(0);
    }

    let first = std::fs::read(one.join("report.json")).expect("report with 1 thread");
    let second = std::fs::read(two.join("report.json")).expect("report with 2 threads");
    assert!(
        first == second,
        "report.json differs between 1 and 2 threads"
    );
}

#[test]
fn input_file_never_changed() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);
    let before = file_sha256(&data);

    // An unknown label fails only after the whole file has been read.
    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--treatment", "Women E-Mail")
            .run(),
    );
    assert_eq!(
        file_sha256(&data),
        before,
        "a failing run changed the data file"
    );

    HoldoutFlags::new(&data, &out).run().code(0);
    assert_eq!(
        file_sha256(&data),
        before,
        "a successful run changed the data file"
    );

    // The report records the hash of the file it read.
    assert_eq!(read_report(&out)["inputs"][0]["sha256"], before);
}

// Spec files.

#[test]
fn run_holdout_spec_succeeds() {
    let dir = TempDir::new().expect("temp dir");
    UnitCsv::new(UNITS).write(dir.path());
    let spec = format!(
        "kind = \"holdout\"\n\
         data = \"units.csv\"\n\
         group-col = \"group\"\n\
         control = \"{CONTROL}\"\n\
         treatment = [\"{TREATMENT}\"]\n\
         metric = [\"visit\", \"spend\"]\n\
         ratio = [\"spend/visit\"]\n\
         covariate = \"history\"\n\
         segment-col = \"region\"\n\
         unit-id-col = \"id\"\n\
         resamples = {RESAMPLES}\n"
    );
    std::fs::write(dir.path().join("liftlab.toml"), spec).expect("write liftlab.toml");
    let out = dir.path().join("out");

    liftlab()
        .args(["--quiet", "run"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(contains(format!("{TREATMENT} vs {CONTROL}")));

    let report = read_report(&out);
    assert_eq!(report["comparisons"].as_array().expect("list").len(), 3);
    assert_eq!(report["segments"].as_array().expect("list").len(), 6);
}

#[test]
fn run_holdout_spec_names_level_key() {
    let dir = TempDir::new().expect("temp dir");
    UnitCsv::new(UNITS).write(dir.path());
    let spec = format!(
        "kind = \"holdout\"\n\
         data = \"units.csv\"\n\
         control = \"{CONTROL}\"\n\
         treatment = [\"{TREATMENT}\"]\n\
         metric = [\"visit\"]\n\
         resamples = {RESAMPLES}\n\
         level = 1.2\n"
    );
    std::fs::write(dir.path().join("liftlab.toml"), spec).expect("write liftlab.toml");

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains("liftlab.toml: level 1.2 is invalid"))
    .stderr(contains("--level").not());
}

#[test]
fn shipped_example_runs() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/hillstrom-email");
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");

    liftlab()
        .args(["--quiet", "run"])
        .arg(&example)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(contains(format!("{TREATMENT} vs {CONTROL}")))
        .stdout(contains(format!("{OTHER_TREATMENT} vs {CONTROL}")));

    let expected = [
        "report.json",
        "lift_distribution.png",
        "lift_distribution.svg",
        "segment_lift.png",
        "segment_lift.svg",
    ];
    for name in expected {
        let path = out.join(name);
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|error| panic!("{} is missing: {error}", path.display()))
            .len();
        assert!(size > 0, "{} is empty", path.display());
    }

    let report = read_report(&out);
    let comparisons = report["comparisons"].as_array().expect("comparisons list");
    assert_eq!(comparisons.len(), 8, "2 treatments × 4 metrics");
    let segments = report["segments"].as_array().expect("segments list");
    assert_eq!(segments.len(), 24, "2 treatments × 4 metrics × 3 zip codes");
}

#[test]
fn treatment_equal_to_control_rejected() {
    let table = UnitCsv::new(UNITS);
    let (_dir, data, out) = setup(&table);

    assert_input_error(
        HoldoutFlags::new(&data, &out)
            .set("--treatment", CONTROL)
            .run(),
    )
    .stderr(contains(format!(
        "invalid value `{CONTROL}` for --treatment"
    )))
    .stderr(contains("other than the control's"));
}

#[test]
fn out_inside_a_file_rejected() {
    let table = UnitCsv::new(UNITS);
    let (dir, data, _out) = setup(&table);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "keep me").expect("write");

    assert_input_error(HoldoutFlags::new(&data, &file.join("sub")).run())
        .stderr(contains(format!("{} is a file", file.display())));
    assert_eq!(std::fs::read_to_string(&file).expect("file"), "keep me");
}
