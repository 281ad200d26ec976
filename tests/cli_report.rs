//! report.html as the analyze, design and kpis commands write it and as `liftlab report`
//! renders it again: escaped report strings, the spend branch of the answer, the answer of a
//! holdout design and of a KPI report, numbers in the page's language, and the errors of
//! `liftlab report`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use assert_cmd::assert::Assert;
use predicates::prelude::*;

use liftlab::design::holdout::HoldoutDesign;
use liftlab::i18n::Lang;
use liftlab::kpi::KpisReport;
use liftlab::kpi::verdict::verdict_text;
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
    assert!(html.contains("De tabel met eenheden bevat geen kosten"));
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
    let file = dir.path().join("report.json");
    std::fs::write(&file, "{}").expect("file");
    assert_input_error(
        report_in(&file),
        "is a file; expected the folder that contains it",
    );
}

#[test]
fn report_rejects_folder_without_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_input_error(
        report_in(dir.path()),
        "no report.json, design.json or kpis.json found",
    );
}

#[test]
fn report_rejects_unknown_design_and_kpis_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let design = dir.path().join("design.json");
    let cases = [
        (
            "{\"schema_version\": \"1.0.0\", \"kind\": \"unit_design\"}",
            "unknown report kind \"unit_design\"; this liftlab renders the kind \"holdout_design\" \
             or \"geo_design\"",
        ),
        (
            "{\"schema_version\": \"1.0.0\", \"kind\": \"geo_design\"}",
            "does not match the geo_design report layout",
        ),
        (
            "{\"schema_version\": \"9.0.0\", \"kind\": \"holdout_design\"}",
            "report schema version 9.0.0 is not supported",
        ),
        (
            "{\"schema_version\": \"1.0.0\", \"kind\": \"holdout_design\"}",
            "does not match the holdout_design report layout",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&design, text).expect("design.json");
        assert_input_error(report_in(dir.path()), expected);
        assert_eq!(read(&design), text, "design.json changed");
        assert!(!dir.path().join("report.html").exists());
    }
    std::fs::remove_file(&design).expect("remove design.json");
    let kpis = dir.path().join("kpis.json");
    std::fs::write(&kpis, "{\"schema_version\": \"1.0.0\", \"kind\": \"geo\"}").expect("kpis");
    assert_input_error(
        report_in(dir.path()),
        "unknown report kind \"geo\"; this liftlab renders the kind \"kpis\"",
    );
}

/// Runs `liftlab --lang LANG design holdout` with `args` and `--out out`.
fn design_holdout(lang: Lang, args: &[&str], out: &Path) {
    liftlab()
        .args(["--quiet", "--lang", lang.code(), "design", "holdout"])
        .args(args)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn design(out: &Path) -> HoldoutDesign {
    serde_json::from_str(&read(&out.join("design.json"))).expect("holdout design")
}

#[test]
fn design_page_answers_in_plain_words() {
    let dir = tempfile::tempdir().expect("temp dir");
    let args = [
        "--baseline-rate",
        "0.02",
        "--mde",
        "0.1",
        "--relative",
        "--split",
        "90:10",
        "--value-per-conversion",
        "40",
    ];
    let english = dir.path().join("en");
    design_holdout(Lang::En, &args, &english);
    let html = read(&english.join("report.html"));
    let design = design(&english);
    assert_eq!(design.solved_for, "users");
    // 431,505 users: the figure the terminal table and docs/design-holdout.md give too.
    assert_eq!(design.analytic.users_total, 431_505);
    assert!(
        html.contains(
            "Test with 431,505 users (388,354 treated, 43,151 held out) to detect an effect of \
             +10.00% relative (+0.200 percentage points) with 80% power"
        ),
        "headline missing"
    );
    assert!(
        html.contains("20% miss it"),
        "the meaning of power is missing"
    );
    assert!(
        html.contains("forgoes about 86.3 conversions over the test, worth 3,452 at 40.00"),
        "cost missing"
    );
    assert!(html.contains("<html lang=\"en\">"));
    assert_eq!(html.matches("<svg").count(), 1, "the power curve inline");
    assert!(html.contains("design.json schema 1.0.0"));
    assert!(!html.contains("design_holdout."), "a catalogue key leaked");

    let dutch = dir.path().join("nl");
    design_holdout(Lang::Nl, &args, &dutch);
    let html = read(&dutch.join("report.html"));
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(
        html.contains("Test met 431.505 gebruikers"),
        "Dutch headline"
    );
    assert!(html.contains("+10,00% relatief"), "decimal comma");
    assert!(html.contains("Wat de holdout kost"));
}

#[test]
fn design_page_shows_simulated_power() {
    let out = tempfile::tempdir().expect("temp dir");
    design_holdout(
        Lang::En,
        &[
            "--history",
            &example("hillstrom-email/hillstrom.csv")
                .display()
                .to_string(),
            "--metric",
            "spend",
            "--users",
            "20000",
            "--mde",
            "0.2",
            "--relative",
            "--replications",
            "100",
            "--resamples",
            "100",
        ],
        out.path(),
    );
    let html = read(&out.path().join("report.html"));
    let design = design(out.path());
    let simulation = design.simulation.expect("simulation");
    let power = simulation.power.expect("simulated power");
    let texts = Lang::En.texts();
    assert!(
        html.contains(&format!(
            "{} ± {} power at an effect of +20.0%",
            texts.percent(power.power, 1),
            texts.percent(power.standard_error, 1)
        )),
        "simulated power with its Monte-Carlo error"
    );
    assert!(
        html.contains("hillstrom.csv"),
        "the history among the inputs"
    );
    assert!(html.contains(&design.inputs[0].sha256));
    assert!(html.contains("<dt>--seed</dt>"));
    assert!(
        html.contains("of spend over the test"),
        "cost of a mean metric"
    );
}

/// Runs the geo example into `geo` and `liftlab kpis` on its funnel into `out`, with the
/// channel `meta` renamed to `channel`.
fn kpis_run(lang: Lang, dir: &Path, channel: &str, out: &Path) {
    let geo = dir.join("geo");
    if !geo.join("report.json").is_file() {
        liftlab()
            .args(["--quiet", "run"])
            .arg(example("geolift-walkthrough"))
            .arg("--out")
            .arg(&geo)
            .assert()
            .success();
    }
    let funnel = dir.join("funnel.csv");
    let text = read(&example("geolift-walkthrough/funnel.csv"));
    let text = text.replace(
        "\nmeta,",
        &format!("\n\"{}\",", channel.replace('"', "\"\"")),
    );
    std::fs::write(&funnel, text).expect("funnel");
    liftlab()
        .args(["--quiet", "--lang", lang.code(), "kpis", "--funnel"])
        .arg(&funnel)
        .arg("--lift")
        .arg(format!("{channel}={}", geo.join("report.json").display()))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

fn kpis(out: &Path) -> KpisReport {
    serde_json::from_str(&read(&out.join("kpis.json"))).expect("kpis report")
}

#[test]
fn kpis_page_gives_verdicts_and_intervals() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("en");
    kpis_run(Lang::En, dir.path(), "meta", &out);
    let html = read(&out.join("report.html"));
    let report = kpis(&out);
    let texts = Lang::En.texts();

    // The answer: every verdict of every row, worded by the verdict function.
    assert!(
        html.contains("meta: not shown to be incremental"),
        "headline"
    );
    for row in &report.rows {
        for verdict in &row.verdicts {
            let text = verdict_text(verdict, texts);
            assert!(
                html.contains(&liftlab::report::html::escape(&text[1..])),
                "verdict {text:?} missing"
            );
        }
    }
    // iROAS with its interval beside the platform's ROAS.
    let meta = &report.rows[0];
    let iroas = meta
        .adjusted
        .iter()
        .find(|v| v.kpi == "iroas")
        .expect("iROAS");
    let interval = iroas.interval.as_ref().expect("iROAS interval");
    let reported = meta
        .kpis
        .iter()
        .find(|v| v.kpi == "reported_roas")
        .expect("ROAS");
    let cells = format!(
        "ROAS (platform) → iROAS</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{} to {}</td>",
        texts.number(reported.point.expect("ROAS"), 2),
        texts.number(iroas.point.expect("iROAS"), 2),
        texts.number(interval.lower.expect("lower"), 2),
        texts.number(interval.upper.expect("upper"), 2),
    );
    assert!(html.contains(&cells), "iROAS row missing: {cells}");
    assert!(
        html.contains("45.42 to unbounded"),
        "unbounded CAC interval"
    );
    // Undefined KPIs say why, and the inputs carry their hashes.
    assert!(html.contains("customers is zero"));
    for input in &report.inputs {
        assert!(html.contains(&input.sha256), "hash of {}", input.path);
    }
    assert_eq!(html.matches("<svg").count(), 3, "three charts inline");
    assert!(html.contains("kpis.json schema 1.0.0"));
    assert!(!html.contains("kpis.html."), "a catalogue key leaked");
}

#[test]
fn kpis_page_escapes_channel_and_speaks_dutch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("nl");
    let hostile = "<i>meta</i> & 'co'";
    kpis_run(Lang::Nl, dir.path(), hostile, &out);
    let html = read(&out.join("report.html"));
    assert!(!html.contains("<i>meta"), "unescaped channel name");
    assert!(
        html.contains("&lt;i&gt;meta&lt;/i&gt; &amp; &#39;co&#39;: niet aangetoond incrementeel")
    );
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(
        html.contains("45,42 tot onbegrensd"),
        "Dutch numbers and words"
    );
    assert!(html.contains("Wat het betekent voor CAC en ROAS"));
}

#[test]
fn design_and_kpis_pages_render_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let design_dir = dir.path().join("design");
    design_holdout(
        Lang::En,
        &["--baseline-rate", "0.05", "--users", "100000"],
        &design_dir,
    );
    let kpis_dir = dir.path().join("kpis");
    kpis_run(Lang::En, dir.path(), "meta", &kpis_dir);

    for (folder, json, chart, dutch) in [
        (
            &design_dir,
            "design.json",
            "power_curve.png",
            "Met 100.000 gebruikers",
        ),
        (
            &kpis_dir,
            "kpis.json",
            "funnel.svg",
            "meta: niet aangetoond incrementeel",
        ),
    ] {
        let before = std::fs::read(folder.join(json)).expect("JSON");
        let csv_before = std::fs::read(kpis_dir.join("kpis.csv")).expect("kpis.csv");
        std::fs::remove_file(folder.join(chart)).expect("remove a chart");
        liftlab()
            .args(["--lang", "nl", "report"])
            .arg(folder)
            .assert()
            .success()
            .stdout(predicate::str::contains(format!(
                "opnieuw gemaakt uit {json}"
            )));
        let html = read(&folder.join("report.html"));
        assert!(html.contains("<html lang=\"nl\">"), "{json}: language");
        assert!(html.contains(dutch), "{json}: Dutch answer");
        assert!(folder.join(chart).is_file(), "{json}: chart written again");
        let after = std::fs::read(folder.join(json)).expect("JSON");
        assert!(before == after, "{json} changed");
        let csv_after = std::fs::read(kpis_dir.join("kpis.csv")).expect("kpis.csv");
        assert!(csv_before == csv_after, "kpis.csv changed");
    }
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
