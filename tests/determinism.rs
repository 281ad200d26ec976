//! Same input and seed give byte-identical output whatever the thread count.

use assert_cmd::Command;

fn run_example(threads: &str, out: &std::path::Path) {
    Command::cargo_bin("liftlab")
        .expect("binary")
        .args(["--threads", threads, "--quiet", "run"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/experiments/geolift-walkthrough"
        ))
        .arg("--out")
        .arg(out)
        .assert()
        .success();
}

#[test]
fn outputs_identical_with_one_and_two_threads() {
    let dir = tempfile::tempdir().expect("temp dir");
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    run_example("1", &one);
    run_example("2", &two);
    for file in [
        "report.json",
        "observed_vs_counterfactual.png",
        "observed_vs_counterfactual.svg",
        "cumulative_effect.png",
        "cumulative_effect.svg",
        "placebo_distribution.png",
        "placebo_distribution.svg",
    ] {
        let first = std::fs::read(one.join(file)).expect("first output");
        let second = std::fs::read(two.join(file)).expect("second output");
        assert!(first == second, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn report_records_seed_and_input_hash() {
    let dir = tempfile::tempdir().expect("temp dir");
    run_example("2", dir.path());
    let text = std::fs::read_to_string(dir.path().join("report.json")).expect("report");
    let report: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(report["schema_version"], "1.1.0");
    assert_eq!(report["parameters"]["seed"], 1);
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/experiments/geolift-walkthrough/GeoLift_Test.csv"
    ))
    .expect("example data");
    assert_eq!(
        report["inputs"][0]["sha256"],
        liftlab::data::sha256_hex(&bytes)
    );
    assert_eq!(report["inputs"][0]["rows"], 4200);
}
