//! report.html as the analyze commands write it and as `liftlab report` renders it again:
//! escaped report strings, the spend branch of the answer, numbers in the page's language,
//! and the errors of `liftlab report`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use predicates::prelude::*;

use liftlab::i18n::Lang;
use liftlab::report::localize::verdict_headline;
use liftlab::report::{GeoReport, HoldoutReport};

const EXIT_INPUT: i32 = 2;
const HOSTILE_TITLE: &str = "<script>alert(\"x\")</script> & co";
/// A treated geo renamed to a name full of markup characters.
const HOSTILE_GEO: &str = "chi<b>cago</b> & 'co'";

fn liftlab() -> Command {
    Command::cargo_bin("liftlab").expect("the liftlab binary is built")
}

fn example(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("experiments")
        .join(path)
}

/// Writes the geo example with chicago renamed to [`HOSTILE_GEO`] and a spend column: 1,000 a day
/// in every geo, 2,000 in the treated geos during the test.
fn write_panel_with_spend(path: &Path) {
    let text = std::fs::read_to_string(example("geolift-walkthrough/GeoLift_Test.csv"))
        .expect("example panel");
    let mut writer = csv::Writer::from_path(path).expect("panel file");
    writer
        .write_record(["location", "Y", "date", "spend"])
        .expect("header");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    for record in reader.records() {
        let record = record.expect("example row");
        let (geo, kpi, date) = (&record[0], &record[1], &record[2]);
        let treated = geo == "chicago" || geo == "portland";
        let in_test = date >= "2021-04-01";
        let spend = if treated && in_test { "2000" } else { "1000" };
        let geo = if geo == "chicago" { HOSTILE_GEO } else { geo };
        writer
            .write_record([geo, kpi, date, spend])
            .expect("panel row");
    }
    writer.flush().expect("flush panel");
}

fn analyze_geo_with_spend(lang: Lang, dir: &Path, out: &Path) {
    let panel = dir.join("panel.csv");
    write_panel_with_spend(&panel);
    liftlab()
        .args(["--quiet", "--lang", lang.code(), "analyze", "geo", "--data"])
        .arg(&panel)
        .args([
            "--geo-col",
            "location",
            "--date-col",
            "date",
            "--kpi-col",
            "Y",
        ])
        .args(["--spend-col", "spend", "--treated"])
        .arg(format!("{HOSTILE_GEO},portland"))
        .args(["--test-start", "2021-04-01", "--test-end", "2021-04-15"])
        .args(["--resamples", "300", "--max-placebo-sets", "200"])
        .args(["--title", HOSTILE_TITLE, "--out"])
        .arg(out)
        .assert()
        .success();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn geo_report(out: &Path) -> GeoReport {
    serde_json::from_str(&read(&out.join("report.json"))).expect("geo report")
}

#[test]
fn geo_page_escapes_report_strings() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    analyze_geo_with_spend(Lang::En, dir.path(), &out);
    let html = read(&out.join("report.html"));

    assert!(!html.contains("<script"), "unescaped title in the page");
    assert!(!html.contains("<b>cago"), "unescaped geo name in the page");
    assert!(
        html.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>"),
        "escaped title missing"
    );
    assert!(html.contains("chi&lt;b&gt;cago&lt;/b&gt; &amp; &#39;co&#39;"));
}

#[test]
fn geo_page_with_spend_gives_iroas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    analyze_geo_with_spend(Lang::Nl, dir.path(), &out);
    let html = read(&out.join("report.html"));
    let report = geo_report(&out);
    let texts = Lang::Nl.texts();

    // 1,000 a day more in 2 geos over 15 days.
    let spend = report
        .estimates
        .incremental_spend
        .expect("incremental spend");
    assert!((spend - 30_000.0).abs() < 1e-6, "incremental spend {spend}");
    assert!(
        html.contains(&texts.amount(spend)),
        "spend 30.000 not shown"
    );
    assert!(html.contains("iROAS"));
    assert!(
        !html.contains(
            texts
                .t("html.geo.answer.without_spend")
                .split('{')
                .next()
                .unwrap()
        )
    );

    // The example's interval of the incremental KPI includes zero, so the cost per
    // incremental KPI has no upper limit.
    let incremental = report
        .estimates
        .incremental
        .interval
        .as_ref()
        .expect("interval");
    assert!(incremental.lower < 0.0);
    assert!(incremental.upper > 0.0);
    assert!(html.contains("zonder bovengrens"));

    // Numbers use the Dutch decimal comma.
    let lift = report.estimates.relative_lift.point.expect("lift");
    let lift_text = texts.signed_percent(lift, 1);
    assert!(lift_text.contains(','), "{lift_text}");
    assert!(
        html.contains(&lift_text),
        "lift {lift_text} not on the page"
    );
    assert!(html.contains("<html lang=\"nl\">"));
    let headline = verdict_headline(&report.verdict, texts).to_lowercase();
    assert!(html.to_lowercase().contains(&headline), "{headline}");
}

#[test]
fn geo_page_without_spend_says_so() {
    let out = tempfile::tempdir().expect("temp dir");
    liftlab()
        .args(["--quiet", "run"])
        .arg(example("geolift-walkthrough"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("report.html"));
    let html = read(&out.path().join("report.html"));
    assert!(html.contains("Spend was not given"));
    assert!(html.contains("<html lang=\"en\">"));
    for section in [
        "id=\"method\"",
        "id=\"estimates\"",
        "id=\"charts\"",
        "id=\"diagnostics\"",
        "id=\"warnings\"",
        "id=\"inputs\"",
        "id=\"parameters\"",
    ] {
        assert!(html.contains(section), "section {section} missing");
    }
    let report = geo_report(out.path());
    assert!(
        html.contains(&report.inputs[0].sha256),
        "input hash missing"
    );
    assert!(html.contains(&format!("liftlab {}", report.tool.version)));
}

#[test]
fn holdout_page_shows_every_verdict() {
    let out = tempfile::tempdir().expect("temp dir");
    liftlab()
        .args(["--quiet", "--lang", "nl", "analyze", "holdout", "--data"])
        .arg(example("hillstrom-email/hillstrom.csv"))
        .args(["--group-col", "segment", "--control", "No E-Mail"])
        .args(["--treatment", "Mens E-Mail", "--metric", "visit,conversion"])
        .args(["--resamples", "300", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let html = read(&out.path().join("report.html"));
    let report: HoldoutReport =
        serde_json::from_str(&read(&out.path().join("report.json"))).expect("holdout report");
    let texts = Lang::Nl.texts();
    assert_eq!(report.comparisons.len(), 2);
    for comparison in &report.comparisons {
        let lift = comparison.relative_lift.point.expect("lift");
        assert!(html.contains(&texts.signed_percent(lift, 1)));
        assert!(html.contains(&verdict_headline(&comparison.verdict, texts)));
    }
    assert_eq!(html.matches("<svg").count(), 2, "two charts inline");
    assert!(html.contains("De unittabel bevat geen kosten"));
}

#[test]
fn report_renders_again_in_other_language() {
    let out = tempfile::tempdir().expect("temp dir");
    liftlab()
        .args(["--quiet", "run"])
        .arg(example("geolift-walkthrough"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let json_before = std::fs::read(out.path().join("report.json")).expect("report.json");
    std::fs::remove_file(out.path().join("cumulative_effect.png")).expect("remove a chart");

    liftlab()
        .args(["--lang", "nl", "report"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("opnieuw gemaakt"));
    let html = read(&out.path().join("report.html"));
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("De uitkomst"));
    assert!(out.path().join("cumulative_effect.png").is_file());
    let json_after = std::fs::read(out.path().join("report.json")).expect("report.json");
    assert!(json_before == json_after, "report.json changed");

    // LIFTLAB_LANG sets the language too.
    liftlab()
        .env("LIFTLAB_LANG", "en")
        .arg("report")
        .arg(out.path())
        .assert()
        .success();
    assert!(read(&out.path().join("report.html")).contains("<html lang=\"en\">"));
}

fn assert_input_error(assert: Assert, expected: &str) {
    assert
        .code(EXIT_INPUT)
        .stderr(predicate::str::starts_with("liftlab: error: "))
        .stderr(predicate::str::contains(expected));
}

fn report_in(dir: &Path) -> Assert {
    liftlab().arg("report").arg(dir).assert()
}

#[test]
fn report_rejects_missing_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_input_error(report_in(&dir.path().join("nope")), "folder not found");
}

#[test]
fn report_rejects_folder_without_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_input_error(report_in(dir.path()), "report.json: not found");
    std::fs::write(dir.path().join("design.json"), "{}").expect("design.json");
    assert_input_error(
        report_in(dir.path()),
        "holds design.json but no report.json",
    );
}

#[test]
fn report_rejects_bad_report_json() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.json");
    let cases = [
        ("{\"kind\": ", "invalid JSON at line 1"),
        ("{\"kind\": \"geo\"}", "field `schema_version` is missing"),
        (
            "{\"schema_version\": \"2.0.0\", \"kind\": \"geo\"}",
            "report schema version 2.0.0 is not supported",
        ),
        (
            "{\"schema_version\": \"1.0.0\", \"kind\": \"design\"}",
            "unknown report kind \"design\"",
        ),
        (
            "{\"schema_version\": \"1.0.0\", \"kind\": \"geo\"}",
            "does not match the geo report layout",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&path, text).expect("report.json");
        assert_input_error(report_in(dir.path()), expected);
        assert_eq!(read(&path), text, "report.json changed");
        assert!(!dir.path().join("report.html").exists());
    }
}
