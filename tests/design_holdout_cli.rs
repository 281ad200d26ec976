//! `liftlab design holdout` as a user runs it. Requests without a solution exit with code 2
//! and a message naming the flag and the value. Valid requests print the table and write
//! design.json with the power curve.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;

/// Exit code of invalid input, flags or spec files.
const EXIT_INPUT: i32 = 2;

fn design(args: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "design", "holdout"])
        .args(args)
        .assert()
}

fn rejects(args: &[&str], fragments: &[&str]) {
    let mut assert = design(args)
        .code(EXIT_INPUT)
        .stdout(predicate::str::is_empty());
    for fragment in fragments {
        assert = assert.stderr(contains(*fragment));
    }
}

#[test]
fn zero_effect_is_rejected() {
    rejects(
        &["--baseline-rate", "0.02", "--mde", "0", "--relative"],
        &["--mde", "`0`", "zero effect"],
    );
}

#[test]
fn wrong_direction_is_rejected() {
    rejects(
        &[
            "--baseline-rate",
            "0.02",
            "--mde",
            "-0.1",
            "--relative",
            "--alternative",
            "larger",
        ],
        &["--mde", "`-0.1`", "above zero"],
    );
}

#[test]
fn power_not_above_alpha_is_rejected() {
    rejects(
        &[
            "--baseline-rate",
            "0.02",
            "--mde",
            "0.05",
            "--relative",
            "--power",
            "0.05",
        ],
        &["--power", "`0.05`", "above --alpha"],
    );
    rejects(
        &["--baseline-rate", "0.02", "--users", "1000", "--power", "1"],
        &["--power", "`1`"],
    );
}

#[test]
fn rate_outside_unit_interval_is_rejected() {
    rejects(
        &["--baseline-rate", "1.2", "--mde", "0.01"],
        &["--baseline-rate", "`1.2`", "between 0 and 1"],
    );
    rejects(
        &["--baseline-rate", "0", "--mde", "0.01"],
        &["--baseline-rate", "`0`"],
    );
}

#[test]
fn relative_effect_above_one_is_rejected() {
    rejects(
        &["--baseline-rate", "0.6", "--mde", "0.8", "--relative"],
        &["--mde", "0.6", "outside 0 to 1"],
    );
}

#[test]
fn wrong_count_of_targets_rejected() {
    rejects(
        &[
            "--baseline-rate",
            "0.02",
            "--mde",
            "0.001",
            "--users",
            "1000",
            "--power",
            "0.8",
        ],
        &["--users, --mde and --power are all given"],
    );
    rejects(&["--baseline-rate", "0.02"], &["missing --users or --mde"]);
}

#[test]
fn invalid_split_and_sd_are_rejected() {
    rejects(
        &[
            "--baseline-rate",
            "0.02",
            "--users",
            "1000",
            "--split",
            "100:0",
        ],
        &["--split", "`100:0`", "TREATED:HELD_OUT"],
    );
    // Shares that do not add up to 100 are a typo, not a 82:18 split.
    rejects(
        &[
            "--baseline-rate",
            "0.02",
            "--users",
            "1000",
            "--split",
            "90:20",
        ],
        &["--split", "`90:20`", "add up to 100"],
    );
    rejects(
        &["--baseline-mean", "3", "--sd", "0", "--users", "1000"],
        &["--sd", "`0`"],
    );
    rejects(
        &["--baseline-mean", "3", "--users", "1000"],
        &["missing --sd"],
    );
}

#[test]
fn tiny_test_reports_the_power_it_can_reach() {
    rejects(
        &["--baseline-rate", "0.5", "--users", "4", "--power", "0.99"],
        &["no effect reaches power 0.99 with 4 users"],
    );
}

#[test]
fn history_errors_name_file_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.csv");
    std::fs::write(&path, "user,spend\na,0\nb,1.5\nc,n/a\n").expect("write");
    let path_text = path.to_str().expect("utf-8 path");
    rejects(
        &["--history", path_text, "--metric", "spend", "--mde", "0.1"],
        &["history.csv", "line 4", "`spend`", "`n/a`"],
    );
    rejects(
        &[
            "--history",
            path_text,
            "--metric",
            "revenue",
            "--mde",
            "0.1",
        ],
        &["column `revenue` not found", "`spend`"],
    );
    rejects(
        &["--history", path_text, "--mde", "0.1"],
        &["missing --metric"],
    );
}

#[test]
fn sample_size_design_writes_json_and_charts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("design");
    design(&[
        "--baseline-rate",
        "0.02",
        "--mde",
        "0.05",
        "--relative",
        "--power",
        "0.8",
        "--alpha",
        "0.10",
        "--split",
        "90:10",
        "--value-per-conversion",
        "40",
        "--out",
        out.to_str().expect("utf-8 path"),
    ])
    .success()
    .stdout(contains("1,217,648 treated"))
    .stdout(contains("135,295 held out"));

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("design.json")).expect("read"))
            .expect("valid JSON");
    assert_eq!(json["solved_for"], "users");
    assert_eq!(json["analytic"]["treated_users"], 1_217_648);
    assert_eq!(json["parameters"]["treated_share"], 0.9);
    let forgone = json["cost"]["forgone_conversions"]
        .as_f64()
        .expect("number");
    assert!((forgone - 135_295.0 * 0.001).abs() < 1e-6, "{forgone}");
    let value = json["cost"]["forgone_value"].as_f64().expect("number");
    assert!((value - 40.0 * forgone).abs() < 1e-6, "{value}");
    for chart in ["power_curve.png", "power_curve.svg"] {
        assert!(out.join(chart).is_file(), "{chart} missing");
    }
}

#[test]
fn mde_design_speaks_dutch() {
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args([
            "--quiet",
            "--lang",
            "nl",
            "design",
            "holdout",
            "--baseline-rate",
            "0.02",
            "--users",
            "200000",
            "--split",
            "90:10",
        ])
        .assert()
        .success()
        .stdout(contains("Opzet van een holdouttest"))
        .stdout(contains("200.000 in totaal"))
        .stdout(contains("(berekend)"));
}
