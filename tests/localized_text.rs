//! The words of verdicts and warnings come from the catalogues. The English catalogue must
//! reproduce the English text that report.json stores, because that proves every number a
//! message quotes is stored beside it. The Dutch text must be complete and differ.

use assert_cmd::Command;
use liftlab::i18n::Lang;
use liftlab::report::localize::{verdict_reason, warning_action, warning_message};
use liftlab::report::{GeoReport, HoldoutReport, Verdict, Warning};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/experiments/geolift-walkthrough/GeoLift_Test.csv"
);
const UNITS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/experiments/hillstrom-email/hillstrom.csv"
);

fn geo_report(extra: &[&str]) -> GeoReport {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "analyze", "geo", "--data", DATA])
        .args([
            "--geo-col",
            "location",
            "--date-col",
            "date",
            "--kpi-col",
            "Y",
        ])
        .args(["--treated", "chicago,portland"])
        .args(["--test-start", "2021-04-01", "--test-end", "2021-04-15"])
        .args(["--resamples", "300"])
        .args(extra)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report");
    serde_json::from_str(&text).expect("geo report")
}

/// `text` without thousands separators: the catalogue groups digits, the stored message not.
fn without_grouping(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut kept = String::new();
    for (index, &c) in chars.iter().enumerate() {
        let between_digits = index > 0
            && chars[index - 1].is_ascii_digit()
            && chars.get(index + 1).is_some_and(char::is_ascii_digit);
        if !(c == ',' && between_digits) {
            kept.push(c);
        }
    }
    kept
}

fn check_verdict(verdict: &Verdict) {
    assert!(!verdict.reason_code.is_empty(), "verdict without a code");
    assert_eq!(verdict_reason(verdict, Lang::En.texts()), verdict.reason);
    let dutch = verdict_reason(verdict, Lang::Nl.texts());
    assert_ne!(dutch, verdict.reason);
    assert!(!dutch.contains('{'), "unfilled placeholder: {dutch}");
}

fn check_warning(warning: &Warning) {
    assert_eq!(
        without_grouping(&warning_message(warning, Lang::En.texts())),
        warning.message,
        "English wording of {}",
        warning.code
    );
    let dutch = warning_message(warning, Lang::Nl.texts());
    assert_ne!(dutch, warning.message, "Dutch wording of {}", warning.code);
    assert!(!dutch.contains('{'), "unfilled placeholder: {dutch}");
    // Every warning gives advice, if only that no action is needed.
    for lang in Lang::ALL {
        assert!(
            warning_action(warning, lang.texts()).is_some(),
            "no advice for {}",
            warning.code
        );
    }
}

#[test]
fn geo_messages_worded_in_both_languages() {
    let mut codes = std::collections::BTreeSet::new();
    let runs: [&[&str]; 4] = [
        &[],
        // Few placebo sets: the block bootstrap takes over and the p-value cannot be small.
        &["--max-placebo-sets", "5"],
        // A short pre-period with more donors than days.
        &["--pre-start", "2021-03-10", "--no-intercept"],
        &["--estimator", "did", "--level", "0.5"],
    ];
    for extra in runs {
        let report = geo_report(extra);
        check_verdict(&report.verdict);
        for warning in &report.warnings {
            check_warning(warning);
            codes.insert(warning.code.clone());
        }
    }
    for expected in [
        "few_placebo_paths",
        "placebo_underpowered",
        "placebo_sampled",
        "short_pre_period",
        "more_donors_than_days",
        "rows_outside_window",
    ] {
        assert!(
            codes.contains(expected),
            "no run raised {expected}: {codes:?}"
        );
    }
}

#[test]
fn holdout_messages_worded_in_both_languages() {
    let dir = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--quiet", "analyze", "holdout", "--data", UNITS])
        .args(["--group-col", "segment", "--control", "No E-Mail"])
        .args(["--treatment", "Womens E-Mail", "--metric", "visit"])
        .args(["--segment-col", "zip_code", "--resamples", "200"])
        // A planned split that the data does not follow.
        .args(["--expected-split", "80:20"])
        .arg("--out")
        .arg(dir.path())
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report");
    let report: HoldoutReport = serde_json::from_str(&text).expect("holdout report");
    let mut codes = Vec::new();
    for comparison in &report.comparisons {
        check_verdict(&comparison.verdict);
    }
    for warning in &report.warnings {
        check_warning(warning);
        codes.push(warning.code.as_str());
    }
    for expected in [
        "sample_ratio_mismatch",
        "rows_not_analysed",
        "segments_exploratory",
    ] {
        assert!(codes.contains(&expected), "no {expected} in {codes:?}");
    }
}

#[test]
fn dutch_summary_uses_dutch_words_and_decimal_commas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::cargo_bin("liftlab")
        .expect("binary")
        .env("LIFTLAB_LANG", "nl")
        .args(["--quiet", "run"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/experiments/geolift-walkthrough"
        ))
        .arg("--out")
        .arg(dir.path())
        .output()
        .expect("run");
    assert!(output.status.success());
    let summary = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(summary.contains("Oordeel: GEEN UITSLUITSEL"), "{summary}");
    assert!(summary.contains("+5,4%"), "{summary}");
    assert!(summary.contains("+4.667"), "{summary}");
    assert!(summary.contains("Placebo-p-waarde"), "{summary}");
    assert!(!summary.contains("Verdict"), "{summary}");
    assert!(!summary.contains('{'), "unfilled placeholder: {summary}");
}

#[test]
fn error_label_follows_the_language() {
    for (lang, label) in [("en", "liftlab: error: "), ("nl", "liftlab: fout: ")] {
        Command::cargo_bin("liftlab")
            .expect("binary")
            .args(["--lang", lang, "run", "no-such-folder"])
            .assert()
            .code(2)
            .stderr(predicates::str::starts_with(label));
    }
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--lang", "fr", "run", "no-such-folder"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("expected en or nl"));
}
