//! report.html of every example, of a holdout and a geo design and of a KPI report, in
//! English and Dutch, loaded in headless Chromium. The page must render without console messages, and the
//! rendered DOM must contain the answer and one SVG per chart. A screenshot of each page is
//! saved under target/browser-screenshots/.
//!
//! Needs Debian's `chromium` package (`apt-get install -y chromium`); set LIFTLAB_CHROMIUM to
//! use another binary, or LIFTLAB_SKIP_BROWSER=1 to skip the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::cargo::CommandCargoExt;
use liftlab::design::geo::schema::GeoDesignReport;
use liftlab::design::holdout::HoldoutDesign;
use liftlab::i18n::Lang;
use liftlab::kpi::KpisReport;
use liftlab::kpi::verdict::verdict_text;
use liftlab::report::localize::verdict_headline;
use liftlab::report::{GeoReport, HoldoutReport};

/// Maximum time one Chromium run may take before the test fails.
const BROWSER_TIMEOUT: Duration = Duration::from_secs(120);

/// Returns the Chromium binary, or `None` when the test is skipped. Panics with install advice when
/// Chromium is missing and the test is not skipped.
fn chromium() -> Option<PathBuf> {
    if std::env::var("LIFTLAB_SKIP_BROWSER").is_ok_and(|value| value == "1") {
        eprintln!("browser test skipped: LIFTLAB_SKIP_BROWSER=1");
        return None;
    }
    if let Some(path) = std::env::var_os("LIFTLAB_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let names = ["chromium", "chromium-browser"];
    let path_dirs = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path_dirs)
        .chain(std::iter::once(PathBuf::from("/usr/bin")))
        .flat_map(|dir| names.map(|name| dir.join(name)))
        .find(|path| path.is_file());
    if found.is_some() {
        return found;
    }
    panic!(
        "Chromium not found: no {names:?} on PATH or in /usr/bin. Install it with \
         `apt-get update && apt-get install -y chromium` (Debian), point LIFTLAB_CHROMIUM at \
         a Chromium binary, or set LIFTLAB_SKIP_BROWSER=1 to skip this test"
    );
}

/// Output of one headless Chromium run.
struct BrowserRun {
    stdout: String,
    stderr: String,
}

/// Runs headless Chromium on `page` with `extra` flags, offline and with a fresh profile.
fn run_chromium(chromium: &Path, page: &Path, extra: &[String]) -> BrowserRun {
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!(
        "file://{}",
        page.canonicalize().expect("page path").display()
    );
    let output_dir = tempfile::tempdir().expect("output dir");
    let stdout_path = output_dir.path().join("stdout");
    let stderr_path = output_dir.path().join("stderr");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path).expect("stdout file"))
        .stderr(std::fs::File::create(&stderr_path).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", chromium.display()));

    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let stdout = std::fs::read_to_string(&stdout_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    assert!(
        status.success(),
        "chromium failed on {url} with {status}; stderr:\n{stderr}"
    );
    BrowserRun { stdout, stderr }
}

/// Console messages that the page produced, as Chromium logs them to stderr.
fn console_messages(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .collect()
}

/// Folder of the screenshots: target/browser-screenshots.
fn screenshot_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .to_path_buf();
    let dir = target.join("browser-screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// Runs `liftlab --lang LANG args…` from the repository root and fails on a non-zero exit.
fn liftlab(lang: Lang, args: &[&str]) {
    let output = Command::cargo_bin("liftlab")
        .expect("liftlab binary")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--quiet", "--lang", lang.code()])
        .args(args)
        .output()
        .expect("run liftlab");
    assert!(
        output.status.success(),
        "liftlab {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The answer that the page of the report in `dir` must show: verdict headlines for a lift
/// report, the users and power of a design, every row verdict of a KPI report.
fn expected_verdicts(dir: &Path, lang: Lang) -> Vec<String> {
    let texts = lang.texts();
    if let Ok(text) = std::fs::read_to_string(dir.join("design.json")) {
        let kind: serde_json::Value = serde_json::from_str(&text).expect("design JSON");
        if kind["kind"] == "geo_design" {
            let design: GeoDesignReport = serde_json::from_str(&text).expect("geo design");
            let mut expected = design.recommended.treated_geos.clone();
            expected.push(texts.t("html_design_geo.answer.heading").to_string());
            return expected;
        }
        let design: HoldoutDesign = serde_json::from_str(&text).expect("holdout design");
        return vec![
            texts.number(design.analytic.users_total as f64, 0),
            format!("{} power", texts.percent(design.analytic.power, 0)),
        ];
    }
    if let Ok(text) = std::fs::read_to_string(dir.join("kpis.json")) {
        let report: KpisReport = serde_json::from_str(&text).expect("kpis report");
        return report
            .rows
            .iter()
            .flat_map(|row| &row.verdicts)
            .map(|verdict| verdict_text(verdict, texts))
            .collect();
    }
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json");
    let kind: serde_json::Value = serde_json::from_str(&text).expect("report JSON");
    match kind["kind"].as_str() {
        Some("geo") => {
            let report: GeoReport = serde_json::from_str(&text).expect("geo report");
            vec![verdict_headline(&report.verdict, texts)]
        }
        Some("holdout") => {
            let report: HoldoutReport = serde_json::from_str(&text).expect("holdout report");
            report
                .comparisons
                .iter()
                .map(|comparison| verdict_headline(&comparison.verdict, texts))
                .collect()
        }
        other => panic!("unexpected report kind {other:?}"),
    }
}

/// Checks one report folder's page in the browser and saves its screenshot as `name`.png.
fn check_page(chromium: &Path, dir: &Path, lang: Lang, name: &str) {
    let page = dir.join("report.html");
    let html = std::fs::read_to_string(&page).expect("report.html");

    // The file itself: its language, and nothing that could reach the network.
    assert!(
        html.contains(&format!("<html lang=\"{}\">", lang.code())),
        "{name}: no lang attribute {}",
        lang.code()
    );
    for forbidden in ["http://", "https://", "<script", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "{name}: report.html contains {forbidden:?}"
        );
    }

    // The rendered DOM.
    let dump = run_chromium(chromium, &page, &["--dump-dom".to_string()]);
    let messages = console_messages(&dump.stderr);
    assert!(
        messages.is_empty(),
        "{name}: console messages while rendering:\n{}",
        messages.join("\n")
    );
    let dom = dump.stdout;
    assert!(dom.contains("<main>"), "{name}: the DOM dump has no <main>");
    // The answer block comes first in <main>, so the expected texts must appear there.
    let answer_end = dom.find("</section>").expect("the answer section");
    let answer = dom[..answer_end].to_lowercase();
    for verdict in expected_verdicts(dir, lang) {
        let verdict = verdict.to_lowercase().replace('&', "&amp;");
        assert!(
            answer.contains(&verdict),
            "{name}: {verdict:?} not in the answer of the rendered page"
        );
    }
    let chart_files = std::fs::read_dir(dir)
        .expect("list report dir")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "svg"))
        .count();
    assert!(chart_files > 0, "{name}: no charts were written");
    assert_eq!(
        dom.matches("<svg").count(),
        chart_files,
        "{name}: the rendered page should hold one <svg> per chart file"
    );

    // The screenshot.
    let screenshot = screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&screenshot);
    let shot = run_chromium(
        chromium,
        &page,
        &[
            format!("--screenshot={}", screenshot.display()),
            "--window-size=1280,2400".to_string(),
        ],
    );
    let messages = console_messages(&shot.stderr);
    assert!(
        messages.is_empty(),
        "{name}: console messages while taking the screenshot:\n{}",
        messages.join("\n")
    );
    let png = std::fs::read(&screenshot).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG"),
        "{name}: the screenshot is not a PNG"
    );
    println!("screenshot: {}", screenshot.display());
}

/// The console check finds a blocked request, so a page that made one would fail the test.
#[test]
fn console_check_sees_blocked_request() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("probe.html");
    // The address is on the loopback interface, and the page's policy blocks it anyway.
    std::fs::write(
        &page,
        "<!DOCTYPE html><html lang=\"en\"><head><meta http-equiv=\"Content-Security-Policy\" \
         content=\"default-src 'none'\"></head><body><img src=\"http://127.0.0.1:9/x.png\">\
         </body></html>",
    )
    .expect("write probe");
    let run = run_chromium(&chromium, &page, &["--dump-dom".to_string()]);
    assert!(
        !console_messages(&run.stderr).is_empty(),
        "no console message for a blocked image; stderr:\n{}",
        run.stderr
    );
}

#[test]
fn example_reports_render_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let out = tempfile::tempdir().expect("temp dir");
    let examples = [
        ("geolift-walkthrough", "geo"),
        ("hillstrom-email", "holdout"),
    ];
    for (example, kind) in examples {
        for lang in Lang::ALL {
            let name = format!("{kind}-{example}-{lang}");
            let dir = out.path().join(&name);
            let dir_text = dir.display().to_string();
            liftlab(
                lang,
                &["run", &format!("experiments/{example}"), "--out", &dir_text],
            );
            check_page(&chromium, &dir, lang, &name);
        }
    }

    // A holdout design and a KPI report on the geo example's lift.
    for lang in Lang::ALL {
        let name = format!("design-holdout-{lang}");
        let dir = out.path().join(&name);
        liftlab(
            lang,
            &[
                "design",
                "holdout",
                "--history",
                "experiments/hillstrom-email/hillstrom.csv",
                "--metric",
                "spend",
                "--mde",
                "0.1",
                "--relative",
                "--replications",
                "100",
                "--resamples",
                "100",
                "--out",
                &dir.display().to_string(),
            ],
        );
        check_page(&chromium, &dir, lang, &name);

        let name = format!("kpis-geolift-walkthrough-{lang}");
        let dir = out.path().join(&name);
        let geo_report = out.path().join("geo-geolift-walkthrough-en/report.json");
        liftlab(
            lang,
            &[
                "kpis",
                "--funnel",
                "experiments/geolift-walkthrough/funnel.csv",
                "--lift",
                &format!("meta={}", geo_report.display()),
                "--out",
                &dir.display().to_string(),
            ],
        );
        check_page(&chromium, &dir, lang, &name);
    }

    // A geo design with few candidates, so that the test stays quick.
    for lang in Lang::ALL {
        let name = format!("design-geo-{lang}");
        let dir = out.path().join(&name);
        liftlab(
            lang,
            &[
                "design",
                "geo",
                "--data",
                "experiments/geolift-walkthrough/GeoLift_PreTest.csv",
                "--geo-col",
                "location",
                "--date-col",
                "date",
                "--kpi-col",
                "Y",
                "--treated-count",
                "2..3",
                "--durations",
                "10",
                "--include",
                "chicago",
                "--cpic",
                "7.5",
                "--candidates",
                "3",
                "--screen",
                "50",
                "--out",
                &dir.display().to_string(),
            ],
        );
        check_page(&chromium, &dir, lang, &name);
    }

    // A page rendered again in the other language by `liftlab report`.
    let dir = out.path().join("geo-geolift-walkthrough-en");
    liftlab(Lang::Nl, &["report", &dir.display().to_string()]);
    check_page(
        &chromium,
        &dir,
        Lang::Nl,
        "geo-geolift-walkthrough-rerendered-nl",
    );
}
