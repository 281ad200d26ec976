//! Error messages and exit codes of the `liftlab` binary on invalid panels, flags and spec files.
//!
//! Each test writes a small valid panel into a temporary folder, corrupts one thing and runs the
//! binary. It then checks that the binary exits with code 2 and that stderr names the file, the
//! line, the column and the value that is wrong. The last tests check that input files and earlier
//! reports are left as they were, and that the shipped example runs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use chrono::{Duration, NaiveDate};
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

/// Exit code of invalid input, flags or spec files.
const EXIT_INPUT: i32 = 2;

/// Geos of the generated panel. The first two are the treated ones.
const GEOS: [&str; 6] = ["chicago", "portland", "austin", "boston", "denver", "miami"];

/// Days of the generated panel, from [`FIRST_DAY`] to [`LAST_DAY`].
const DAYS: usize = 60;
const FIRST_DAY: &str = "2021-01-01";
const LAST_DAY: &str = "2021-03-01";

/// Test window of the generated panel: 40 pre-period days, 14 test days, 6 days after.
const TEST_START: &str = "2021-02-10";
const TEST_END: &str = "2021-02-23";

/// A long panel CSV held in memory so a test can corrupt it before writing it.
struct CsvPanel {
    header: Vec<String>,
    /// Data rows; row `i` is on line `i + 2` of the written file.
    rows: Vec<Vec<String>>,
}

impl CsvPanel {
    /// Builds a valid panel with columns `location,Y,date`: every geo on every day, ordered by
    /// date and then by geo, with positive KPI values that follow a weekly cycle.
    fn new(geos: &[&str], days: usize) -> Self {
        let first = NaiveDate::parse_from_str(FIRST_DAY, "%Y-%m-%d").expect("valid first day");
        let mut rows = Vec::with_capacity(geos.len() * days);
        for day in 0..days {
            let date = first + Duration::days(day as i64);
            for (index, geo) in geos.iter().enumerate() {
                rows.push(vec![
                    geo.to_string(),
                    kpi_value(index, day).to_string(),
                    date.to_string(),
                ]);
            }
        }
        CsvPanel {
            header: vec!["location".into(), "Y".into(), "date".into()],
            rows,
        }
    }

    /// Adds a `spend` column with a positive value on every row.
    fn with_spend(mut self) -> Self {
        self.header.push("spend".into());
        for (index, row) in self.rows.iter_mut().enumerate() {
            row.push(format!("{}.5", 20 + index % 7));
        }
        self
    }

    fn column_index(&self, column: &str) -> usize {
        self.header
            .iter()
            .position(|name| name == column)
            .unwrap_or_else(|| panic!("the generated panel has no column `{column}`"))
    }

    /// Returns the index in `rows` of the row of `geo` on `date`.
    fn row_index(&self, geo: &str, date: &str) -> usize {
        self.rows
            .iter()
            .position(|row| row[0] == geo && row[2] == date)
            .unwrap_or_else(|| panic!("the generated panel has no row for {geo} on {date}"))
    }

    /// Returns the line number of the row of `geo` on `date` in the written file.
    fn line_of(&self, geo: &str, date: &str) -> usize {
        self.row_index(geo, date) + 2
    }

    /// Replaces the value of `column` in the row of `geo` on `date`.
    fn set(&mut self, geo: &str, date: &str, column: &str, value: &str) {
        let row = self.row_index(geo, date);
        let column = self.column_index(column);
        self.rows[row][column] = value.to_string();
    }

    /// Deletes the row of `geo` on `date`.
    fn remove(&mut self, geo: &str, date: &str) {
        let row = self.row_index(geo, date);
        self.rows.remove(row);
    }

    /// Deletes every row dated `date`.
    fn remove_date(&mut self, date: &str) {
        self.rows.retain(|row| row[2] != date);
    }

    /// Appends a copy of the row of `geo` on `date` at the end of the file.
    fn duplicate(&mut self, geo: &str, date: &str) {
        let row = self.rows[self.row_index(geo, date)].clone();
        self.rows.push(row);
    }

    /// Writes the panel as `panel.csv` into `dir` and returns its path.
    fn write(&self, dir: &Path) -> PathBuf {
        let mut text = self.header.join(",");
        text.push('\n');
        for row in &self.rows {
            text.push_str(&row.join(","));
            text.push('\n');
        }
        let path = dir.join("panel.csv");
        std::fs::write(&path, text).expect("write the panel CSV");
        path
    }
}

/// Returns a deterministic positive KPI value: a level per geo, a weekly cycle and a small
/// wobble that differs between geos, so no two series are proportional.
fn kpi_value(geo: usize, day: usize) -> u64 {
    let level = 1000 + 150 * geo as u64;
    let weekday = [0, 40, 70, 90, 60, 120, 150][day % 7];
    let wobble = ((day * 37 + geo * 101) % 50) as u64;
    level + weekday + wobble
}

/// Flags of one `liftlab analyze geo` run. Each flag appears once, because the command line
/// rejects a repeated flag, so a test changes a flag with [`GeoFlags::set`].
struct GeoFlags {
    flags: Vec<(String, String)>,
}

impl GeoFlags {
    /// Returns the flags that make a valid run on a [`CsvPanel::new`] panel at `data`.
    fn new(data: &Path, out: &Path) -> Self {
        let pairs = [
            ("--data", data.display().to_string()),
            ("--geo-col", "location".to_string()),
            ("--date-col", "date".to_string()),
            ("--kpi-col", "Y".to_string()),
            ("--treated", "chicago,portland".to_string()),
            ("--test-start", TEST_START.to_string()),
            ("--test-end", TEST_END.to_string()),
            ("--resamples", "100".to_string()),
            ("--out", out.display().to_string()),
        ];
        GeoFlags {
            flags: pairs
                .into_iter()
                .map(|(flag, value)| (flag.to_string(), value))
                .collect(),
        }
    }

    /// Sets `flag` to `value`, replacing an earlier value.
    fn set(mut self, flag: &str, value: &str) -> Self {
        match self.flags.iter_mut().find(|(name, _)| name == flag) {
            Some(pair) => pair.1 = value.to_string(),
            None => self.flags.push((flag.to_string(), value.to_string())),
        }
        self
    }

    /// Runs `liftlab --quiet analyze geo` with these flags.
    fn run(&self) -> Assert {
        let mut command = liftlab();
        command.args(["--quiet", "analyze", "geo"]);
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

/// Writes `panel` into a new temp folder and returns the folder, the data path and the output
/// folder.
fn setup(panel: &CsvPanel) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new().expect("temp dir");
    let data = panel.write(dir.path());
    let out = dir.path().join("out");
    (dir, data, out)
}

fn read_report(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join("report.json")).expect("report.json is written");
    serde_json::from_str(&text).expect("report.json is valid JSON")
}

#[test]
fn generated_panel_is_valid() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    GeoFlags::new(&data, &out).run().code(0);

    let report = read_report(&out);
    assert_eq!(report["data"]["geos"], 6);
    assert_eq!(report["data"]["first_date"], FIRST_DAY);
    assert_eq!(report["data"]["last_date"], LAST_DAY);
    assert_eq!(report["data"]["filled_cells"], 0);
}

#[test]
fn missing_cells_rejected_then_filled() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    let deleted = [
        ("boston", "2021-01-05"),
        ("austin", "2021-01-20"),
        ("miami", "2021-02-02"),
    ];
    for (geo, date) in deleted {
        panel.remove(geo, date);
    }
    let (_dir, data, out) = setup(&panel);

    let mut assert = assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains("3 geo × date cell(s) have no row"))
        .stderr(contains("--missing zero"));
    for (geo, date) in deleted {
        assert = assert.stderr(contains(format!("{geo} on {date}")));
    }
    assert!(
        !out.join("report.json").exists(),
        "a failed run wrote a report"
    );

    GeoFlags::new(&data, &out)
        .set("--missing", "zero")
        .run()
        .code(0);

    let report = read_report(&out);
    assert_eq!(report["data"]["filled_cells"], deleted.len());
    let warnings = report["warnings"].as_array().expect("warnings is a list");
    let filled = warnings
        .iter()
        .find(|warning| warning["code"] == "filled_cells")
        .unwrap_or_else(|| panic!("no `filled_cells` warning in {warnings:?}"));
    let message = filled["message"].as_str().expect("warning message");
    assert!(message.contains("3 missing"), "{message}");
}

#[test]
fn duplicate_row_names_both_lines() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    let first_line = panel.line_of("denver", "2021-01-10");
    panel.duplicate("denver", "2021-01-10");
    let second_line = panel.rows.len() + 1;
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {second_line}:")))
        .stderr(contains(format!("the first is on line {first_line}")))
        .stderr(contains("geo `denver` on 2021-01-10"));
}

#[test]
fn blank_kpi_names_line_and_column() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("austin", "2021-01-15", "Y", "");
    let line = panel.line_of("austin", "2021-01-15");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {line}, column `Y`")))
        .stderr(contains("the value is blank"))
        .stderr(contains("expected a non-negative number"));
}

#[test]
fn non_numeric_kpi_names_value() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("boston", "2021-02-01", "Y", "12x");
    let line = panel.line_of("boston", "2021-02-01");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {line}, column `Y`")))
        .stderr(contains("found `12x`"))
        .stderr(contains("expected a non-negative number"));
}

#[test]
fn negative_kpi_names_value() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("miami", "2021-01-03", "Y", "-40");
    let line = panel.line_of("miami", "2021-01-03");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {line}, column `Y`")))
        .stderr(contains("found `-40`"))
        .stderr(contains("expected a non-negative number"));
}

#[test]
fn non_finite_kpi_names_value() {
    for value in ["NaN", "inf", "-inf"] {
        let mut panel = CsvPanel::new(&GEOS, DAYS);
        panel.set("portland", "2021-02-12", "Y", value);
        let line = panel.line_of("portland", "2021-02-12");
        let (_dir, data, out) = setup(&panel);

        assert_input_error(GeoFlags::new(&data, &out).run())
            .stderr(contains(shown(&data)))
            .stderr(contains(format!("line {line}, column `Y`")))
            .stderr(contains(format!("found `{value}`")))
            .stderr(contains("expected a non-negative number"));
    }
}

#[test]
fn calendar_day_missing_for_every_geo() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.remove_date("2021-01-25");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains("1 calendar day(s)"))
        .stderr(contains(format!("between {FIRST_DAY} and {LAST_DAY}")))
        .stderr(contains("2021-01-25"))
        .stderr(contains(
            "--missing zero fills single cells, not whole days",
        ));
}

#[test]
fn misspelled_treated_geo_suggests_name() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(
        GeoFlags::new(&data, &out)
            .set("--treated", "chicgo,portland")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("treated geo `chicgo`"))
    .stderr(contains("did you mean `chicago`"));
}

#[test]
fn treated_geo_case_mismatch_suggests_name() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(
        GeoFlags::new(&data, &out)
            .set("--treated", "Chicago,portland")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains("treated geo `Chicago`"))
    .stderr(contains("did you mean `chicago`"))
    .stderr(contains("including case"));
}

#[test]
fn test_end_after_data_rejected() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(
        GeoFlags::new(&data, &out)
            .set("--test-end", "2021-03-10")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains(format!("test window {TEST_START} to 2021-03-10")))
    .stderr(contains(format!("covers {FIRST_DAY} to {LAST_DAY}")));
}

#[test]
fn test_start_before_data_rejected() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(
        GeoFlags::new(&data, &out)
            .set("--test-start", "2020-12-20")
            .run(),
    )
    .stderr(contains(shown(&data)))
    .stderr(contains(format!("test window 2020-12-20 to {TEST_END}")))
    .stderr(contains(format!("covers {FIRST_DAY} to {LAST_DAY}")));
}

/// Runs with a test window that leaves 20 pre-period days (2021-01-01 to 2021-01-20), one
/// short of the 21-day minimum.
fn run_short_pre_period(data: &Path, out: &Path) -> Assert {
    GeoFlags::new(data, out)
        .set("--test-start", "2021-01-21")
        .set("--test-end", "2021-02-03")
        .run()
}

#[test]
fn short_pre_period_rejected() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(run_short_pre_period(&data, &out))
        .stderr(contains("has 20 day(s)"))
        .stderr(contains(format!("{FIRST_DAY} to 2021-01-20")))
        .stderr(contains("at least 21 days"));
}

#[test]
fn short_pre_period_names_file() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(run_short_pre_period(&data, &out)).stderr(contains(shown(&data)));
}

#[test]
fn too_few_control_geos_rejected() {
    let panel = CsvPanel::new(&GEOS[..3], DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains("2 treated geo(s) leave 1 control geo(s)"))
        .stderr(contains("at least 2 control geos"));
}

#[test]
fn missing_column_lists_header() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).set("--kpi-col", "Z").run())
        .stderr(contains(shown(&data)))
        .stderr(contains("column `Z` not found"))
        .stderr(contains("--kpi-col"))
        .stderr(contains("`location`, `Y`, `date`"));
}

#[test]
fn invalid_date_in_file_names_value() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("denver", "2021-01-13", "date", "2021-13-01");
    let line = panel.line_of("denver", "2021-13-01");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {line}, column `date`")))
        .stderr(contains("found `2021-13-01`"))
        .stderr(contains("%Y-%m-%d"))
        .stderr(contains("--date-format"));
}

#[test]
fn invalid_test_start_flag_names_value() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    assert_input_error(
        GeoFlags::new(&data, &out)
            .set("--test-start", "2021-02-30")
            .run(),
    )
    .stderr(contains("invalid value `2021-02-30` for --test-start"))
    .stderr(contains("expected a date in the format %Y-%m-%d"));
}

#[test]
fn negative_spend_names_value() {
    let mut panel = CsvPanel::new(&GEOS, DAYS).with_spend();
    panel.set("chicago", "2021-02-15", "spend", "-3.5");
    let line = panel.line_of("chicago", "2021-02-15");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).set("--spend-col", "spend").run())
        .stderr(contains(shown(&data)))
        .stderr(contains(format!("line {line}, column `spend`")))
        .stderr(contains("found `-3.5`"))
        .stderr(contains("expected a non-negative number"));
}

/// Writes a valid panel and `spec` as liftlab.toml into a new temp folder.
fn spec_dir(spec: &str) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    CsvPanel::new(&GEOS, DAYS).write(dir.path());
    std::fs::write(dir.path().join("liftlab.toml"), spec).expect("write liftlab.toml");
    dir
}

/// Returns a valid spec for the panel that [`spec_dir`] writes.
fn valid_spec() -> String {
    format!(
        "kind = \"geo\"\n\
         data = \"panel.csv\"\n\
         geo-col = \"location\"\n\
         date-col = \"date\"\n\
         kpi-col = \"Y\"\n\
         treated = [\"chicago\", \"portland\"]\n\
         test-start = \"{TEST_START}\"\n\
         test-end = \"{TEST_END}\"\n\
         resamples = 100\n"
    )
}

#[test]
fn run_valid_spec_succeeds() {
    let dir = spec_dir(&valid_spec());
    let out = dir.path().join("out");

    liftlab()
        .args(["--quiet", "run"])
        .arg(dir.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);

    assert!(out.join("report.json").is_file());
}

#[test]
fn run_without_spec_names_path() {
    let dir = TempDir::new().expect("temp dir");
    let spec = dir.path().join("liftlab.toml");

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains(shown(&spec)))
    .stderr(contains("cannot read the spec file"));
}

#[test]
fn run_spec_unknown_key_named() {
    let dir = spec_dir(&format!("{}kpi-column = \"Y\"\n", valid_spec()));
    let spec = dir.path().join("liftlab.toml");

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains(shown(&spec)))
    .stderr(contains("unexpected key"))
    .stderr(contains("kpi-column"));
}

#[test]
fn run_invalid_toml_names_line() {
    let dir = spec_dir(&format!("{}level = 0.9 0.8\n", valid_spec()));
    let spec = dir.path().join("liftlab.toml");

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains(shown(&spec)))
    .stderr(contains("invalid TOML"))
    .stderr(contains("line 10"));
}

#[test]
fn input_file_never_changed() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.remove("boston", "2021-01-05");
    let (_dir, data, out) = setup(&panel);
    let before = liftlab::data::sha256_hex(&std::fs::read(&data).expect("read the panel"));

    assert_input_error(GeoFlags::new(&data, &out).run());
    let after_failure = liftlab::data::sha256_hex(&std::fs::read(&data).expect("read the panel"));
    assert_eq!(after_failure, before, "a failing run changed the data file");

    GeoFlags::new(&data, &out)
        .set("--missing", "zero")
        .run()
        .code(0);
    let after_success = liftlab::data::sha256_hex(&std::fs::read(&data).expect("read the panel"));
    assert_eq!(
        after_success, before,
        "a successful run changed the data file"
    );

    // The report records the hash of the file it read.
    assert_eq!(read_report(&out)["inputs"][0]["sha256"], before);
}

#[test]
fn failed_run_keeps_earlier_report() {
    let dir = TempDir::new().expect("temp dir");
    let good = CsvPanel::new(&GEOS, DAYS).write(dir.path());
    let out = dir.path().join("out");
    GeoFlags::new(&good, &out).run().code(0);
    let report_before = std::fs::read(out.join("report.json")).expect("first report");
    let chart_before = std::fs::read(out.join("cumulative_effect.svg")).expect("first chart");

    let bad_dir = TempDir::new().expect("temp dir");
    let mut bad_panel = CsvPanel::new(&GEOS, DAYS);
    bad_panel.set("austin", "2021-01-15", "Y", "12x");
    let bad = bad_panel.write(bad_dir.path());
    assert_input_error(GeoFlags::new(&bad, &out).run());

    let report_after = std::fs::read(out.join("report.json")).expect("report after the failure");
    assert!(
        report_after == report_before,
        "a failed run changed report.json"
    );
    let chart_after = std::fs::read(out.join("cumulative_effect.svg")).expect("chart after");
    assert!(
        chart_after == chart_before,
        "a failed run changed cumulative_effect.svg"
    );
}

#[test]
fn shipped_example_runs() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("experiments/geolift-walkthrough");
    let dir = TempDir::new().expect("temp dir");
    let out = dir.path().join("out");

    liftlab()
        .args(["--quiet", "run"])
        .arg(&example)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(contains("Verdict"));

    let expected = [
        "report.json",
        "observed_vs_counterfactual.png",
        "observed_vs_counterfactual.svg",
        "cumulative_effect.png",
        "cumulative_effect.svg",
        "placebo_distribution.png",
        "placebo_distribution.svg",
    ];
    for name in expected {
        let path = out.join(name);
        let size = std::fs::metadata(&path)
            .unwrap_or_else(|error| panic!("{} is missing: {error}", path.display()))
            .len();
        assert!(size > 0, "{} is empty", path.display());
    }
}

#[test]
fn run_spec_unknown_key_names_line() {
    let spec_text = format!("{}kpi-column = \"Y\"\n", valid_spec());
    let line = spec_text.lines().count();
    let dir = spec_dir(&spec_text);

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains(format!(
        "line {line}: unexpected key 'kpi-column'"
    )))
    .stderr(contains("'kpi-col'"));
}

#[test]
fn run_spec_invalid_level_names_key() {
    let dir = spec_dir(&format!("{}level = 1.5\n", valid_spec()));

    assert_input_error(
        liftlab()
            .args(["--quiet", "run"])
            .arg(dir.path())
            .arg("--out")
            .arg(dir.path().join("out"))
            .assert(),
    )
    .stderr(contains("liftlab.toml: level 1.5 is invalid"))
    .stderr(contains("--level").not());
}

#[test]
fn run_accepts_spec_file_path() {
    let dir = spec_dir(&valid_spec());

    liftlab()
        .args(["--quiet", "run"])
        .arg(dir.path().join("liftlab.toml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    assert!(dir.path().join("out").join("report.json").is_file());
}

#[test]
fn run_missing_folder_says_not_found() {
    let dir = TempDir::new().expect("temp dir");
    let missing = dir.path().join("no-such-folder");

    assert_input_error(liftlab().args(["--quiet", "run"]).arg(&missing).assert())
        .stderr(contains(shown(&missing)))
        .stderr(contains("folder not found"));
}

#[test]
fn out_pointing_at_file_rejected() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (dir, data, _out) = setup(&panel);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, "keep me").expect("write file");

    assert_input_error(GeoFlags::new(&data, &file).run())
        .stderr(contains(shown(&file)))
        .stderr(contains("is a file; expected a folder"));
    assert_eq!(std::fs::read_to_string(&file).expect("file"), "keep me");
}

#[test]
fn semicolon_file_gets_delimiter_hint() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (dir, data, out) = setup(&panel);
    let text = std::fs::read_to_string(&data)
        .expect("panel")
        .replace(',', ";");
    let semicolon = dir.path().join("semicolon.csv");
    std::fs::write(&semicolon, text).expect("write");

    assert_input_error(GeoFlags::new(&semicolon, &out).run())
        .stderr(contains(shown(&semicolon)))
        .stderr(contains("separated by `;`"))
        .stderr(contains("--delimiter"));
    GeoFlags::new(&semicolon, &out)
        .set("--delimiter", ";")
        .run()
        .success();
}

#[test]
fn thousands_separator_gets_hint() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("austin", "2021-01-05", "Y", "\"1,234\"");
    let (_dir, data, out) = setup(&panel);

    assert_input_error(GeoFlags::new(&data, &out).run())
        .stderr(contains("`1,234`"))
        .stderr(contains("without thousands separators"));
}

#[test]
fn treated_names_are_trimmed() {
    let panel = CsvPanel::new(&GEOS, DAYS);
    let (_dir, data, out) = setup(&panel);

    GeoFlags::new(&data, &out)
        .set("--treated", "chicago, portland")
        .run()
        .success();
}

#[test]
fn no_placebo_set_gives_no_p_value() {
    // Two controls and two treated geos: every placebo pair would leave no donor.
    let panel = CsvPanel::new(&GEOS[..4], DAYS);
    let (_dir, data, out) = setup(&panel);

    GeoFlags::new(&data, &out)
        .run()
        .success()
        .stdout(contains("not available (no placebo set could be run)"))
        .stdout(contains("INCONCLUSIVE"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).expect("report"))
            .expect("JSON");
    assert!(report["inference"]["placebo"]["p_value"].is_null());
    assert_eq!(report["inference"]["placebo"]["sets_possible"], 0);
}

#[test]
fn crlf_file_reports_true_line() {
    let mut panel = CsvPanel::new(&GEOS, DAYS);
    panel.set("austin", "2021-01-05", "Y", "12x");
    let (dir, data, out) = setup(&panel);
    let crlf = dir.path().join("windows.csv");
    let text = std::fs::read_to_string(&data).expect("panel");
    std::fs::write(&crlf, text.replace('\n', "\r\n")).expect("write");
    let line = panel.line_of("austin", "2021-01-05");

    assert_input_error(GeoFlags::new(&crlf, &out).run())
        .stderr(contains(format!("line {line}, column `Y`")))
        .stderr(contains("`12x`"));
}
