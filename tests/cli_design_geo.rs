//! `liftlab design geo` and `analyze geo --design` as a user runs them: the shipped example
//! end to end, and impossible requests that must exit with code 2 and a clear message.

use assert_cmd::Command;
use predicates::prelude::*;
use predicates::str::contains;
use tempfile::TempDir;

const EXIT_INPUT: i32 = 2;
const PRE_TEST: &str = "experiments/geolift-walkthrough/GeoLift_PreTest.csv";
const TEST: &str = "experiments/geolift-walkthrough/GeoLift_Test.csv";

/// Returns a quick design command on the example: few candidates, resamples and placebo sets.
fn design(extra: &[&str]) -> Command {
    let mut command = Command::cargo_bin("liftlab").expect("binary");
    command.args([
        "--quiet",
        "design",
        "geo",
        "--data",
        PRE_TEST,
        "--geo-col",
        "location",
        "--date-col",
        "date",
        "--kpi-col",
        "Y",
        "--candidates",
        "2",
        "--screen",
        "20",
        "--resamples",
        "200",
        "--placebo-sets",
        "20",
    ]);
    command.args(extra);
    command
}

#[test]
fn example_design_feeds_the_analysis() {
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("design");
    let dir_text = dir.to_str().expect("utf-8 path");
    design(&[
        "--treated-count",
        "2..3",
        "--durations",
        "10,15",
        "--include",
        "chicago",
        "--exclude",
        "honolulu",
        "--cpic",
        "5..10",
        "--out",
        dir_text,
    ])
    .assert()
    .success()
    .stdout(contains("Recommended: treat").and(contains("Budget to produce the MDE:")));
    for file in [
        "design.json",
        "assignment.csv",
        "power_curves.png",
        "power_curves.svg",
        "pre_period_fit.png",
        "pre_period_fit.svg",
        "report.html",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing");
    }
    let text = std::fs::read_to_string(dir.join("design.json")).expect("design.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(json["kind"], "geo_design");
    let budget = &json["recommended"]["budget"];
    assert!(budget["high"].as_f64() > budget["low"].as_f64(), "{budget}");
    let treated: Vec<String> = json["recommended"]["treated_geos"]
        .as_array()
        .expect("geos")
        .iter()
        .map(|geo| geo.as_str().expect("name").to_string())
        .collect();
    assert!(treated.contains(&"chicago".to_string()));
    assert!(!treated.contains(&"honolulu".to_string()));

    // The analysis takes the treated geos, duration and columns from the design.
    let report_dir = out.path().join("analysis");
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "analyze", "geo", "--design"])
        .arg(dir.join("design.json"))
        .args([
            "--data",
            TEST,
            "--test-start",
            "2021-04-01",
            "--resamples",
            "200",
            "--out",
        ])
        .arg(&report_dir)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(report_dir.join("report.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(
        report["parameters"]["treated"],
        json["recommended"]["treated_geos"]
    );
    assert_eq!(report["parameters"]["geo_col"], "location");
    let days = json["recommended"]["duration_days"].as_u64().expect("days");
    assert_eq!(report["data"]["test_days"].as_u64(), Some(days));
    let design_bytes = std::fs::read(dir.join("design.json")).expect("design bytes");
    assert_eq!(
        report["inputs"][1]["sha256"],
        liftlab::data::sha256_hex(&design_bytes),
        "the design is not listed among the inputs"
    );

    // A flag that contradicts the design is an input error.
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "analyze", "geo", "--design"])
        .arg(dir.join("design.json"))
        .args([
            "--data",
            TEST,
            "--test-start",
            "2021-04-01",
            "--seed",
            "99",
            "--out",
        ])
        .arg(&report_dir)
        .assert()
        .code(EXIT_INPUT)
        .stderr(contains("--seed 99 contradicts the design"));
}

#[test]
fn more_included_than_set_size() {
    design(&[
        "--treated-count",
        "2",
        "--durations",
        "10",
        "--include",
        "chicago,portland,miami",
    ])
    .assert()
    .code(EXIT_INPUT)
    .stderr(contains(
        "3 geos are included (--include) but the smallest treated count is 2",
    ));
}

#[test]
fn unknown_geo_gets_suggestion() {
    design(&[
        "--treated-count",
        "2",
        "--durations",
        "10",
        "--include",
        "chicgo",
    ])
    .assert()
    .code(EXIT_INPUT)
    .stderr(contains("--include geo `chicgo` is not in").and(contains("did you mean `chicago`?")));
}

#[test]
fn duration_longer_than_history() {
    design(&["--treated-count", "2", "--durations", "40"])
        .assert()
        .code(EXIT_INPUT)
        .stderr(contains("--durations 40 is too long").and(contains("so at most 25 days")));
}

#[test]
fn budget_too_small_names_cheapest() {
    design(&[
        "--treated-count",
        "2",
        "--durations",
        "10",
        "--cpic",
        "7.5",
        "--budget",
        "100",
    ])
    .assert()
    .code(EXIT_INPUT)
    .stderr(contains("no design fits the budget of 100: the cheapest,").and(contains("needs")));
}

#[test]
fn invalid_flag_values() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["--treated-count", "5..2", "--durations", "10"],
            "invalid value `5..2` for --treated-count",
        ),
        (
            &["--treated-count", "2", "--durations", "10", "--cpic", "0"],
            "invalid value `0` for --cpic",
        ),
        (
            &[
                "--treated-count",
                "2",
                "--durations",
                "10",
                "--budget",
                "5000",
            ],
            "missing --cpic",
        ),
        (
            &[
                "--treated-count",
                "2",
                "--durations",
                "10",
                "--power",
                "0.05",
            ],
            "--power 0.05 is invalid",
        ),
        (
            &[
                "--treated-count",
                "2",
                "--durations",
                "10",
                "--level",
                "0.95",
            ],
            "--placebo-sets 20 is too few for level 0.95",
        ),
        (
            &[
                "--treated-count",
                "2",
                "--durations",
                "10",
                "--include",
                "chicago",
                "--exclude",
                "chicago",
            ],
            "geo `chicago` is both included and excluded",
        ),
    ];
    for (args, message) in cases {
        design(args)
            .assert()
            .code(EXIT_INPUT)
            .stderr(contains(message));
    }
}

#[test]
fn matched_pairs_need_enough_geos() {
    design(&[
        "--treated-count",
        "21",
        "--durations",
        "10",
        "--assignment",
        "matched-pairs",
    ])
    .assert()
    .code(EXIT_INPUT)
    .stderr(contains(
        "--treated-count 21 cannot be met with matched pairs: the 40 geos that may be treated \
             form 20 pairs",
    ));
}

#[test]
fn treated_count_too_large() {
    design(&["--treated-count", "39", "--durations", "10"])
        .assert()
        .code(EXIT_INPUT)
        .stderr(contains("--treated-count 39 leaves 1 control geos"));
}

#[test]
fn outputs_identical_across_threads() {
    let out = TempDir::new().expect("temp dir");
    let mut texts = Vec::new();
    for threads in ["1", "2"] {
        let dir = out.path().join(format!("threads-{threads}"));
        let mut command = design(&[
            "--treated-count",
            "2",
            "--durations",
            "10",
            "--assignment",
            "stratified",
            "--out",
        ]);
        command
            .arg(&dir)
            .args(["--threads", threads])
            .assert()
            .success();
        let files: Vec<Vec<u8>> = ["design.json", "assignment.csv", "power_curves.png"]
            .iter()
            .map(|file| std::fs::read(dir.join(file)).expect("output file"))
            .collect();
        texts.push(files);
    }
    assert_eq!(texts[0], texts[1]);
}

#[test]
fn design_page_is_self_contained_and_in_dutch() {
    let out = TempDir::new().expect("temp dir");
    let dir = out.path().join("design");
    design(&[
        "--lang",
        "nl",
        "--treated-count",
        "2",
        "--durations",
        "10",
        "--include",
        "chicago",
        "--cpic",
        "7.5",
        "--out",
        dir.to_str().expect("utf-8 path"),
    ])
    .assert()
    .success();
    let page = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    let text = std::fs::read_to_string(dir.join("design.json")).expect("design.json");
    let json: serde_json::Value = serde_json::from_str(&text).expect("json");

    assert!(
        page.contains("<html lang=\"nl\">"),
        "no Dutch lang attribute"
    );
    assert!(page.contains("De aanbevolen opzet"));
    assert!(!page.contains("http://"));
    assert!(!page.contains("https://"));
    assert!(!page.contains("<script"));
    assert_eq!(
        page.matches("<svg").count(),
        2,
        "two inline charts expected"
    );
    for geo in json["recommended"]["treated_geos"]
        .as_array()
        .expect("geos")
    {
        assert!(
            page.contains(geo.as_str().expect("name")),
            "{geo} not on the page"
        );
    }
    // The assignment table lists every geo of the panel.
    assert!(page.contains("honolulu"));

    // `liftlab report` renders the page again in English and leaves design.json as it was.
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--lang", "en", "report"])
        .arg(&dir)
        .assert()
        .success();
    let english = std::fs::read_to_string(dir.join("report.html")).expect("report.html");
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("The recommended design"));
    let after = std::fs::read_to_string(dir.join("design.json")).expect("design.json");
    assert_eq!(after, text, "design.json changed");
}
