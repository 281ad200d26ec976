//! Writing a report directory whole or not at all.
//!
//! Every file is first written into a staging folder inside the output folder. Only when all
//! of them are complete are they renamed into place, `report.json` last, so a failed run leaves
//! any earlier report as it was.

use std::path::{Path, PathBuf};

/// A report folder that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: cannot write: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: cannot encode the report as JSON: {message}")]
    Json { path: PathBuf, message: String },
    #[error("{0}")]
    Render(String),
}

/// File name of the JSON report.
pub const REPORT_FILE: &str = "report.json";

/// Writes `report` as `report.json` into `out`, with the files that `render_extra` writes into
/// the staging folder it is given (charts). Creates `out` when missing. Returns the paths of
/// the files written.
pub fn write_report_dir<T: serde::Serialize>(
    report: &T,
    out: &Path,
    render_extra: impl FnOnce(&Path) -> Result<Vec<PathBuf>, String>,
) -> Result<Vec<PathBuf>, WriteError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    let staging = out.join(format!(".liftlab-staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io_error(&staging))?;
    }
    std::fs::create_dir(&staging).map_err(io_error(&staging))?;

    let result = stage_and_move(report, out, &staging, render_extra);
    // The staging folder is empty after a success; after a failure it holds partial files.
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage_and_move<T: serde::Serialize>(
    report: &T,
    out: &Path,
    staging: &Path,
    render_extra: impl FnOnce(&Path) -> Result<Vec<PathBuf>, String>,
) -> Result<Vec<PathBuf>, WriteError> {
    // Stage every file.
    let staged_report = staging.join(REPORT_FILE);
    let mut json = serde_json::to_string_pretty(report).map_err(|error| WriteError::Json {
        path: out.join(REPORT_FILE),
        message: error.to_string(),
    })?;
    json.push('\n');
    std::fs::write(&staged_report, json).map_err(|source| WriteError::Io {
        path: staged_report.clone(),
        source,
    })?;
    let extra = render_extra(staging).map_err(WriteError::Render)?;

    // Move them into place, the JSON report last.
    let mut written = Vec::with_capacity(extra.len() + 1);
    for staged in extra.iter().chain(std::iter::once(&staged_report)) {
        let Some(name) = staged.file_name() else {
            continue;
        };
        let target = out.join(name);
        std::fs::rename(staged, &target).map_err(|source| WriteError::Io {
            path: target.clone(),
            source,
        })?;
        written.push(target);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_render_keeps_earlier_report() {
        let dir = tempfile::tempdir().expect("temp dir");
        write_report_dir(&serde_json::json!({"run": 1}), dir.path(), |_| {
            Ok(Vec::new())
        })
        .expect("first write");
        let result = write_report_dir(&serde_json::json!({"run": 2}), dir.path(), |_| {
            Err("chart failed".to_string())
        });
        assert!(result.is_err());
        let text = std::fs::read_to_string(dir.path().join(REPORT_FILE)).expect("report");
        assert!(text.contains("\"run\": 1"), "{text}");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(".liftlab"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn creates_missing_out_dir() {
        let dir = tempfile::tempdir().expect("temp dir");
        let out = dir.path().join("a").join("b");
        let written =
            write_report_dir(&serde_json::json!({}), &out, |_| Ok(Vec::new())).expect("write");
        assert_eq!(written, vec![out.join(REPORT_FILE)]);
    }
}
