//! Spec files: `liftlab.toml` in an experiment folder, read by `liftlab run DIR`.
//!
//! A spec names the kind of analysis and then sets the same options as the command line, with
//! the flag names as keys (`geo-col` or `geo_col`). Relative data paths are relative to the
//! folder. Turning the spec into flags and parsing them with the command-line parser keeps
//! one list of options, one set of defaults and one validation.

use std::path::{Path, PathBuf};

use clap::Parser;

use super::args::{GeoArgs, HoldoutArgs};

/// File name of a spec inside an experiment folder.
pub const SPEC_FILE: &str = "liftlab.toml";

/// A spec file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("{path}: cannot read the spec file: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: invalid TOML: {message}")]
    Toml { path: PathBuf, message: String },
    #[error("{path}: `kind` is {found}; expected \"geo\" or \"holdout\"")]
    UnknownKind { path: PathBuf, found: String },
    #[error("{path}: key `{key}` has a table value; expected a string, number, boolean or list")]
    UnsupportedValue { path: PathBuf, key: String },
    #[error(
        "{path}: key `out` is not read from a spec; set the output folder with \
         `liftlab run DIR --out OUT`"
    )]
    OutInSpec { path: PathBuf },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// An analysis read from a spec.
pub enum SpecAnalysis {
    Geo(Box<GeoArgs>),
    Holdout(Box<HoldoutArgs>),
}

/// Reads `dir/liftlab.toml` and returns the analysis it describes, writing into `out`.
pub fn read_spec(dir: &Path, out: &Path) -> Result<SpecAnalysis, SpecError> {
    let path = dir.join(SPEC_FILE);
    let text = std::fs::read_to_string(&path).map_err(|source| SpecError::Io {
        path: path.clone(),
        source,
    })?;
    let table: toml::Table = text
        .parse()
        .map_err(|error: toml::de::Error| SpecError::Toml {
            path: path.clone(),
            message: error.to_string().trim().to_string(),
        })?;

    let kind = match table.get("kind") {
        Some(toml::Value::String(kind)) => kind.clone(),
        Some(other) => other.to_string(),
        None => "missing".to_string(),
    };
    if kind != "geo" && kind != "holdout" {
        return Err(SpecError::UnknownKind { path, found: kind });
    }

    // Turn every other key into a flag, in the file's order.
    let mut argv: Vec<String> = vec![format!("liftlab analyze {kind}")];
    for (key, value) in &table {
        if key == "kind" {
            continue;
        }
        if key == "out" {
            return Err(SpecError::OutInSpec { path });
        }
        let flag = format!("--{}", key.replace('_', "-"));
        match value {
            toml::Value::Boolean(true) => argv.push(flag),
            toml::Value::Boolean(false) => {}
            toml::Value::String(text) if key == "data" => {
                argv.push(flag);
                argv.push(dir.join(text).display().to_string());
            }
            toml::Value::String(text) => {
                argv.push(flag);
                argv.push(text.clone());
            }
            toml::Value::Integer(number) => {
                argv.push(flag);
                argv.push(number.to_string());
            }
            toml::Value::Float(number) => {
                argv.push(flag);
                argv.push(number.to_string());
            }
            // A list repeats the flag, so labels that contain commas stay whole.
            toml::Value::Array(items) => {
                for item in items {
                    argv.push(flag.clone());
                    argv.push(match item {
                        toml::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    });
                }
            }
            toml::Value::Datetime(date) => {
                argv.push(flag);
                argv.push(date.to_string());
            }
            toml::Value::Table(_) => {
                return Err(SpecError::UnsupportedValue {
                    path,
                    key: key.clone(),
                });
            }
        }
    }
    argv.push("--out".to_string());
    argv.push(out.display().to_string());

    let to_spec_error = |error: clap::Error| {
        let message =
            flags_as_keys(&clap_message(&error.to_string()).replace("argument '", "key '"));
        // The key named first in the message is the one at fault; a tip may name another.
        let line = table
            .keys()
            .filter_map(|key| {
                let position = message.find(&format!("'{}'", key.replace('_', "-")))?;
                Some((position, line_of_key(&text, key)?))
            })
            .min()
            .map(|(_, line)| line);
        SpecError::Invalid {
            path: path.clone(),
            message: match line {
                Some(line) => format!("line {line}: {message}"),
                None => message,
            },
        }
    };
    if kind == "holdout" {
        let args = HoldoutSpecParser::try_parse_from(argv).map_err(to_spec_error)?;
        return Ok(SpecAnalysis::Holdout(Box::new(args.holdout)));
    }
    let args = GeoSpecParser::try_parse_from(argv).map_err(to_spec_error)?;
    Ok(SpecAnalysis::Geo(Box::new(args.geo)))
}

/// Parser for a holdout spec's flags alone.
#[derive(Debug, Parser)]
#[command(name = "liftlab.toml")]
struct HoldoutSpecParser {
    #[command(flatten)]
    holdout: HoldoutArgs,
}

/// Parser for a spec's flags alone.
#[derive(Debug, Parser)]
#[command(name = "liftlab.toml", no_binary_name = false)]
struct GeoSpecParser {
    #[command(flatten)]
    geo: GeoArgs,
}

/// Rewrites command-line flags in `message` (`--test-start`, `'--level <FRACTION>'`) as the
/// spec file's keys (`test-start`, `'level'`), for errors about a spec file.
pub fn flags_as_keys(message: &str) -> String {
    let mut output = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find("--") {
        output.push_str(&rest[..start]);
        rest = &rest[start + 2..];
        // Drop a value placeholder such as ` <FRACTION>` after the flag name.
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        output.push_str(&rest[..name_end]);
        rest = &rest[name_end..];
        if let Some(after) = rest.strip_prefix(" <")
            && let Some(close) = after.find('>')
        {
            rest = &after[close + 1..];
        }
    }
    output.push_str(rest);
    output
}

/// Returns the 1-based line on which `key` is set in a TOML text.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| index + 1)
}

/// Returns a clap error message without its usage lines, on one line.
fn clap_message(text: &str) -> String {
    text.lines()
        .take_while(|line| !line.starts_with("Usage:") && !line.starts_with("For more information"))
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
        .trim_start_matches("error: ")
        .to_string()
}
