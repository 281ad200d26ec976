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
    #[error("{path}: exists and is not a file, so the report cannot replace it; move it away")]
    NotAFile { path: PathBuf },
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
    write_json_dir(report, REPORT_FILE, out, render_extra)
}

/// Like [`write_report_dir`], with the JSON file named `json_name` (such as `design.json`).
pub fn write_json_dir<T: serde::Serialize>(
    report: &T,
    json_name: &str,
    out: &Path,
    render_extra: impl FnOnce(&Path) -> Result<Vec<PathBuf>, String>,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut json = serde_json::to_string_pretty(report).map_err(|error| WriteError::Json {
        path: out.join(json_name),
        message: error.to_string(),
    })?;
    json.push('\n');
    write_json_text_dir(&json, json_name, out, render_extra)
}

/// Like [`write_json_dir`] with the JSON file's text given as it is, so that rendering the
/// charts and pages again writes the JSON file back byte for byte.
pub fn write_json_text_dir(
    json: &str,
    json_name: &str,
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

    let result = stage_and_move(json, json_name, out, &staging, render_extra);
    // The staging folder is empty after a success; after a failure it contains partial files.
    let _ = std::fs::remove_dir_all(&staging);
    result
}

fn stage_and_move(
    json: &str,
    json_name: &str,
    out: &Path,
    staging: &Path,
    render_extra: impl FnOnce(&Path) -> Result<Vec<PathBuf>, String>,
) -> Result<Vec<PathBuf>, WriteError> {
    // Stage every file.
    let staged_report = staging.join(json_name);
    std::fs::write(&staged_report, json).map_err(|source| WriteError::Io {
        path: staged_report.clone(),
        source,
    })?;
    let extra = render_extra(staging).map_err(WriteError::Render)?;

    // Move them into place, the JSON report last. An earlier file of the same name is kept
    // in the staging folder until every move has succeeded, so a failed move can put the
    // earlier report back whole.
    for staged in extra.iter().chain(std::iter::once(&staged_report)) {
        let target = out.join(staged.file_name().unwrap_or_default());
        if target.exists() && !target.is_file() {
            return Err(WriteError::NotAFile { path: target });
        }
    }
    let backup = staging.join("previous");
    std::fs::create_dir(&backup).map_err(|source| WriteError::Io {
        path: backup.clone(),
        source,
    })?;
    let mut moved: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for staged in extra.iter().chain(std::iter::once(&staged_report)) {
        let Some(name) = staged.file_name() else {
            continue;
        };
        let target = out.join(name);
        let result = move_into_place(staged, &target, &backup.join(name));
        match result {
            Ok(previous) => moved.push((target, previous)),
            Err(error) => {
                restore(&moved);
                return Err(error);
            }
        }
    }
    Ok(moved.into_iter().map(|(target, _)| target).collect())
}

/// Moves `staged` to `target`, first moving an existing `target` to `backup`. Returns the
/// backup's path when there was an earlier file.
fn move_into_place(
    staged: &Path,
    target: &Path,
    backup: &Path,
) -> Result<Option<PathBuf>, WriteError> {
    let io_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    let previous = if target.exists() {
        std::fs::rename(target, backup).map_err(io_error(target))?;
        Some(backup.to_path_buf())
    } else {
        None
    };
    if let Err(source) = std::fs::rename(staged, target) {
        if let Some(previous) = &previous {
            let _ = std::fs::rename(previous, target);
        }
        return Err(WriteError::Io {
            path: target.to_path_buf(),
            source,
        });
    }
    Ok(previous)
}

/// Undoes completed moves: removes each new file and puts its earlier version back.
fn restore(moved: &[(PathBuf, Option<PathBuf>)]) {
    for (target, previous) in moved.iter().rev() {
        let _ = std::fs::remove_file(target);
        if let Some(previous) = previous {
            let _ = std::fs::rename(previous, target);
        }
    }
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
    fn folder_in_the_way_changes_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let chart = |staging: &Path, text: &str| -> Result<Vec<PathBuf>, String> {
            let path = staging.join("a.svg");
            std::fs::write(&path, text).map_err(|error| error.to_string())?;
            let blocked = staging.join("b.svg");
            std::fs::write(&blocked, text).map_err(|error| error.to_string())?;
            Ok(vec![path, blocked])
        };
        write_report_dir(&serde_json::json!({"run": 1}), dir.path(), |staging| {
            chart(staging, "first")
        })
        .expect("first write");

        // A folder where the second chart goes stops the write before anything moves.
        std::fs::remove_file(dir.path().join("b.svg")).expect("remove");
        std::fs::create_dir(dir.path().join("b.svg")).expect("block");
        std::fs::write(dir.path().join("b.svg").join("x"), "x").expect("fill");
        let result = write_report_dir(&serde_json::json!({"run": 2}), dir.path(), |staging| {
            chart(staging, "second")
        });
        assert!(result.is_err());
        let first_chart = std::fs::read_to_string(dir.path().join("a.svg")).expect("chart");
        assert_eq!(first_chart, "first");
        let report = std::fs::read_to_string(dir.path().join(REPORT_FILE)).expect("report");
        assert!(report.contains("\"run\": 1"), "{report}");
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
