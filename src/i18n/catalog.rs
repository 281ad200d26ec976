//! The embedded catalogue files and their loading.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::{Lang, Texts};

/// One catalogue file: the texts of one area of the program in one language.
#[derive(Debug, Clone, Copy)]
pub struct CatalogFile {
    pub lang: Lang,
    /// The area, which is also the file name without `.toml`.
    pub area: &'static str,
    pub source: &'static str,
}

/// The same area in every language. Add an area here and create both files.
macro_rules! area {
    ($name:literal) => {
        [
            CatalogFile {
                lang: Lang::En,
                area: $name,
                source: include_str!(concat!("../../locales/en/", $name, ".toml")),
            },
            CatalogFile {
                lang: Lang::Nl,
                area: $name,
                source: include_str!(concat!("../../locales/nl/", $name, ".toml")),
            },
        ]
    };
}

/// Every catalogue file, two per area.
pub const CATALOG_FILES: &[[CatalogFile; 2]] = &[
    area!("common"),
    area!("report"),
    area!("geo"),
    area!("holdout"),
    area!("design_holdout"),
    area!("design_geo"),
    area!("kpis"),
    area!("html"),
    area!("html_design_geo"),
];

/// Returns the texts of `lang`, parsed once per process.
pub(super) fn texts(lang: Lang) -> &'static Texts {
    static ENGLISH: OnceLock<Texts> = OnceLock::new();
    static DUTCH: OnceLock<Texts> = OnceLock::new();
    let cell = match lang {
        Lang::En => &ENGLISH,
        Lang::Nl => &DUTCH,
    };
    cell.get_or_init(|| load(lang))
}

fn load(lang: Lang) -> Texts {
    let mut entries = BTreeMap::new();
    for file in CATALOG_FILES
        .iter()
        .flatten()
        .filter(|file| file.lang == lang)
    {
        // The files are part of the binary and their parsing is tested, so a failure here
        // is a defect of the build, not of the user's input.
        let table: toml::Table = toml::from_str(file.source).unwrap_or_else(|error| {
            panic!("locales/{}/{}.toml is invalid: {error}", lang, file.area)
        });
        flatten("", &table, &mut entries, lang, file.area);
    }
    Texts { lang, entries }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    entries: &mut BTreeMap<String, String>,
    lang: Lang,
    area: &str,
) {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            toml::Value::String(text) => {
                let previous = entries.insert(key.clone(), text.clone());
                assert!(
                    previous.is_none(),
                    "locales/{lang}/{area}.toml repeats the key {key} of another file"
                );
            }
            toml::Value::Table(inner) => flatten(&key, inner, entries, lang, area),
            other => panic!(
                "locales/{lang}/{area}.toml: {key} is a {}, expected a string or a table",
                other.type_str()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    fn keys(lang: Lang) -> BTreeSet<String> {
        lang.texts()
            .entries()
            .map(|(key, _)| key.to_string())
            .collect()
    }

    #[test]
    fn every_key_exists_in_every_language() {
        let english = keys(Lang::En);
        for lang in Lang::ALL {
            let other = keys(lang);
            let only_english: Vec<_> = english.difference(&other).collect();
            let only_other: Vec<_> = other.difference(&english).collect();
            assert!(
                only_english.is_empty() && only_other.is_empty(),
                "keys only in en: {only_english:?}; keys only in {lang}: {only_other:?}"
            );
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let placeholders = |text: &str| -> BTreeSet<String> {
            text.split('{')
                .skip(1)
                .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
                .collect()
        };
        let english = Lang::En.texts();
        for lang in Lang::ALL {
            for (key, text) in lang.texts().entries() {
                assert_eq!(
                    placeholders(text),
                    placeholders(english.t(key)),
                    "the {lang} text of {key} has other placeholders than the English one"
                );
            }
        }
    }

    #[test]
    fn no_text_is_empty() {
        for lang in Lang::ALL {
            for (key, text) in lang.texts().entries() {
                assert!(!text.trim().is_empty(), "{lang}: {key} is empty");
            }
        }
    }

    /// Every literal key passed to `.t("…")` or `.fill("…", …)` in the sources exists.
    #[test]
    fn every_key_used_in_the_code_exists() {
        let english = keys(Lang::En);
        let mut missing = Vec::new();
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        visit(&root, &mut |path, source| {
            for marker in [".t(\"", ".fill(\""] {
                for (start, _) in source.match_indices(marker) {
                    let rest = &source[start + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    if !english.contains(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        });
        assert!(missing.is_empty(), "keys without a text: {missing:#?}");
    }

    fn visit(dir: &Path, check: &mut dyn FnMut(&Path, &str)) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                visit(&path, check);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                // This file names the markers themselves.
                if path.ends_with("i18n/catalog.rs") {
                    continue;
                }
                check(&path, &std::fs::read_to_string(&path).unwrap());
            }
        }
    }
}
