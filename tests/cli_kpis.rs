//! `liftlab kpis` from the command line: both examples, bad funnel input, lift links that do
//! not fit, and byte-identical output for the same input.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use assert_cmd::Command;
use predicates::prelude::*;

fn liftlab() -> Command {
    Command::cargo_bin("liftlab").expect("the liftlab binary is built")
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// Analyses the walkthrough once for all tests of this file and returns its report's path.
fn geo_report() -> PathBuf {
    static REPORT: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = REPORT.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("geo");
        liftlab()
            .args(["--quiet", "run"])
            .arg(example("experiments/geolift-walkthrough"))
            .arg("--out")
            .arg(&out)
            .assert()
            .success();
        (dir, out.join("report.json"))
    });
    path.clone()
}

fn write_funnel(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("funnel.csv");
    std::fs::write(&path, text).expect("write funnel");
    path
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("valid JSON")
}

fn kpi<'a>(values: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    values
        .as_array()
        .expect("array")
        .iter()
        .find(|value| value["kpi"] == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn walkthrough_writes_every_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("kpis");
    let calibration = dir.path().join("calibration");
    let lift = format!("meta={}", geo_report().display());
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(example("experiments/geolift-walkthrough/funnel.csv"))
        .args(["--lift", &lift, "--out"])
        .arg(&out)
        .arg("--export-calibration")
        .arg(&calibration)
        .assert()
        .success()
        .stdout(predicate::str::contains("not shown to be incremental"))
        .stdout(predicate::str::contains(
            "platform over-credits this channel",
        ))
        .stdout(predicate::str::contains(
            "CPL                        undefined (leads is zero)",
        ));
    for file in [
        "kpis.json",
        "kpis.csv",
        "roas_reported_vs_incremental.png",
        "roas_reported_vs_incremental.svg",
        "cac_vs_ltv.png",
        "cac_vs_ltv.svg",
        "funnel.png",
        "funnel.svg",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }
    for file in [
        "calibration.json",
        "robyn_calibration_input.csv",
        "pymc_marketing_lift_tests.csv",
        "meridian_roi_priors.csv",
    ] {
        assert!(calibration.join(file).is_file(), "{file} missing");
    }

    // The funnel period equals the test window, so the incremental conversions and their
    // interval are the report's own percentile interval of the incremental KPI.
    let kpis = read_json(&out.join("kpis.json"));
    let report = read_json(&geo_report());
    let meta = &kpis["rows"][0];
    assert_eq!(meta["channel"], "meta");
    let incremental = kpi(&meta["adjusted"], "incremental_conversions");
    let reported = &report["estimates"]["incremental"];
    assert_eq!(
        reported["interval"]["method"],
        "placebo_path_bootstrap_percentile"
    );
    let close = |a: &serde_json::Value, b: &serde_json::Value| {
        let (a, b) = (a.as_f64().expect("number"), b.as_f64().expect("number"));
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    };
    assert!(close(&incremental["point"], &reported["point"]));
    assert!(close(
        &incremental["interval"]["lower"],
        &reported["interval"]["lower"]
    ));
    assert!(close(
        &incremental["interval"]["upper"],
        &reported["interval"]["upper"]
    ));

    // Incrementality factor = incremental ÷ 18,000 attributed conversions.
    let factor = kpi(&meta["adjusted"], "incrementality_factor");
    let expected = reported["point"].as_f64().expect("point") / 18_000.0;
    assert!((factor["point"].as_f64().expect("factor") - expected).abs() < 1e-12);

    // Zero leads on the e-mail row: undefined with the reason, never 0 or inf.
    let email = &kpis["rows"][3];
    let cpl = kpi(&email["kpis"], "cpl");
    assert!(cpl["point"].is_null());
    assert_eq!(cpl["undefined"]["code"], "zero_denominator");
    assert_eq!(cpl["undefined"]["column"], "leads");
    assert_eq!(email["verdicts"][0]["code"], "no_lift_report");

    let robyn =
        std::fs::read_to_string(calibration.join("robyn_calibration_input.csv")).expect("robyn");
    assert!(
        robyn.starts_with(
            "channel,liftStartDate,liftEndDate,liftAbs,spend,confidence,metric,calibration_scope\n"
        ),
        "{robyn}"
    );
    assert!(robyn.contains("meta,2021-04-01,2021-04-15,"), "{robyn}");
}

#[test]
fn dutch_summary_uses_catalogue() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lift = format!("meta={}", geo_report().display());
    liftlab()
        .args(["--lang", "nl", "kpis", "--funnel"])
        .arg(example("experiments/geolift-walkthrough/funnel.csv"))
        .args(["--lift", &lift, "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("niet aantoonbaar incrementeel"))
        .stdout(predicate::str::contains("geen liftrapport"));
}

#[test]
fn hillstrom_holdout_links_by_treatment_and_metric() {
    let dir = tempfile::tempdir().expect("temp dir");
    let holdout = dir.path().join("holdout");
    liftlab()
        .args(["--quiet", "analyze", "holdout", "--data"])
        .arg(example("experiments/hillstrom-email/hillstrom.csv"))
        .args([
            "--group-col",
            "segment",
            "--control",
            "No E-Mail",
            "--treatment",
            "Womens E-Mail",
            "--treatment",
            "Mens E-Mail",
            "--metric",
            "conversion,spend",
            "--resamples",
            "1000",
            "--out",
        ])
        .arg(&holdout)
        .assert()
        .success();
    let report = holdout.join("report.json");
    let out = dir.path().join("kpis");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(example("experiments/hillstrom-email/funnel.csv"))
        .arg("--lift")
        .arg(format!(
            "email_womens={},treatment=Womens E-Mail,revenue=spend",
            report.display()
        ))
        .arg("--lift")
        .arg(format!(
            "email_mens={},treatment=Mens E-Mail,revenue=spend",
            report.display()
        ))
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("iROAS above break-even"));

    // Incremental revenue = per-customer spend lift × treated customers.
    let kpis = read_json(&out.join("kpis.json"));
    let holdout_report = read_json(&report);
    let comparison = holdout_report["comparisons"]
        .as_array()
        .expect("comparisons")
        .iter()
        .find(|c| c["treatment"] == "Mens E-Mail" && c["metric"] == "spend")
        .expect("comparison");
    let expected = comparison["absolute_lift"]["point"].as_f64().expect("lift") * 21_307.0;
    let mens = &kpis["rows"][1];
    let iroas = kpi(&mens["adjusted"], "iroas")["point"]
        .as_f64()
        .expect("iroas");
    assert!(
        (iroas - expected / 2_130.70).abs() < 1e-9,
        "{iroas} vs {}",
        expected / 2_130.70
    );

    // The same from the raw data: tests/reference/kpis_hillstrom_pandas.py (pandas 3.1.1)
    // prints incremental_revenue = 16402.707210644887 and iroas = 7.698271558945365.
    let revenue = kpi(&mens["adjusted"], "incremental_revenue")["point"]
        .as_f64()
        .expect("revenue");
    assert!((revenue - 16402.707210644887).abs() < 1e-6, "{revenue}");
    assert!((iroas - 7.698271558945365).abs() < 1e-9, "{iroas}");

    // Two treatments and no treatment= key: the error lists them.
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(example("experiments/hillstrom-email/funnel.csv"))
        .arg("--lift")
        .arg(format!("email_mens={},revenue=spend", report.display()))
        .arg("--out")
        .arg(dir.path().join("other"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Womens E-Mail, Mens E-Mail"));
}

#[test]
fn margin_above_one_names_line_and_column() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(
        dir.path(),
        "channel,spend,revenue,gross_margin\nmeta,100,500,0.3\nsearch,50,80,1.5\n",
    );
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 3, column `gross_margin`: found `1.5`",
        ))
        .stderr(predicate::str::contains("a fraction from 0 to 1"))
        .stderr(predicate::str::contains("funnel.csv"));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn negative_spend_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(dir.path(), "channel,spend\nmeta,-20\n");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2, column `spend`: found `-20`",
        ));
}

#[test]
fn bad_number_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(dir.path(), "channel,spend,leads\nmeta,100,twelve\n");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "line 2, column `leads`: found `twelve`",
        ));
}

#[test]
fn zero_leads_reported_as_undefined() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(
        dir.path(),
        "channel,spend,leads,qualified_leads\nmeta,100,0,0\n",
    );
    let out = dir.path().join("out");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("undefined (leads is zero)"))
        .stdout(predicate::str::contains(
            "undefined (qualified_leads is zero)",
        ));
    let kpis = read_json(&out.join("kpis.json"));
    for name in ["cpl", "cpl_q"] {
        let value = kpi(&kpis["rows"][0]["kpis"], name);
        assert!(value["point"].is_null(), "{name}: {value}");
        assert_eq!(value["undefined"]["code"], "zero_denominator");
    }
    let csv = std::fs::read_to_string(out.join("kpis.csv")).expect("kpis.csv");
    assert!(
        csv.contains("cpl,currency per lead,,,,,zero_denominator,leads"),
        "{csv}"
    );
}

#[test]
fn unknown_column_warns_with_known_ones() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(dir.path(), "channel,spend,qualifed_leads\nmeta,100,4\n");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "`qualifed_leads` (did you mean `qualified_leads`?)",
        ))
        .stdout(predicate::str::contains(
            "the known columns are: channel, intent_cluster",
        ));
}

#[test]
fn lift_for_channel_not_in_funnel_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(dir.path(), "channel,spend\nmeta,100\nsearch,50\n");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--lift")
        .arg(format!("tiktok={}", geo_report().display()))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no row for channel `tiktok`"))
        .stderr(predicate::str::contains("its channels are: meta, search"));
}

#[test]
fn channel_without_lift_report_keeps_platform_credit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(
        dir.path(),
        "channel,spend,attributed_conversions,attributed_revenue\nmeta,100,10,400\nsearch,50,5,100\n",
    );
    let lift = format!("meta={}", geo_report().display());
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .args(["--lift", &lift, "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no lift report: these KPIs rest on the platform's own credit",
        ));
}

#[test]
fn report_without_draws_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut report = read_json(&geo_report());
    report["schema_version"] = "1.0.0".into();
    report.as_object_mut().expect("object").remove("draws");
    let old = dir.path().join("old.json");
    std::fs::write(&old, report.to_string()).expect("write");
    let funnel = write_funnel(
        dir.path(),
        "channel,spend,attributed_conversions\nmeta,100,10\n",
    );
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--lift")
        .arg(format!("meta={}", old.display()))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no bootstrap draws"))
        .stderr(predicate::str::contains("run the analysis again"));
}

#[test]
fn same_input_gives_identical_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lift = format!("meta={}", geo_report().display());
    let run = |threads: &str, out: &Path| {
        liftlab()
            .args(["--threads", threads, "--quiet", "kpis", "--funnel"])
            .arg(example("experiments/geolift-walkthrough/funnel.csv"))
            .args(["--lift", &lift, "--out"])
            .arg(out)
            .assert()
            .success();
    };
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run("1", &one);
    run("2", &two);
    for file in [
        "kpis.json",
        "kpis.csv",
        "roas_reported_vs_incremental.png",
        "cac_vs_ltv.svg",
        "funnel.png",
    ] {
        let first = std::fs::read(one.join(file)).expect("first");
        let second = std::fs::read(two.join(file)).expect("second");
        assert!(first == second, "{file} differs");
    }
}

#[test]
fn lift_without_attributed_column_rejected() {
    let dir = tempfile::tempdir().expect("temp dir");
    let funnel = write_funnel(dir.path(), "channel,spend\nmeta,100\n");
    liftlab()
        .args(["kpis", "--funnel"])
        .arg(&funnel)
        .arg("--lift")
        .arg(format!("meta={}", geo_report().display()))
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "has no `attributed_conversions` column",
        ));
}
