//! Everything a person reads, in English and Dutch.
//!
//! The texts live in `locales/<lang>/<area>.toml`, one file per area of the program and the
//! same files for every language. Each file is a TOML table whose nested keys are joined with
//! dots: `[geo.summary] lift = "Lift"` is the key `geo.summary.lift`. Placeholders are written
//! `{name}` and filled by [`Texts::fill`]. A test fails when a key exists in one language and
//! not the other, or when the code uses a key that no catalogue contains.
//!
//! Numbers are formatted here too, since the decimal and thousands separators belong to the
//! language: 1,234.5 in English, 1.234,5 in Dutch.

mod catalog;
mod numbers;

use std::fmt;
use std::str::FromStr;

pub use catalog::{CATALOG_FILES, CatalogFile};

/// A language liftlab speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Nl,
}

impl Lang {
    /// Every supported language, English first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nl];

    /// Returns the ISO 639-1 code: `en` or `nl`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nl => "nl",
        }
    }

    /// Returns the texts of this language.
    pub fn texts(self) -> &'static Texts {
        catalog::texts(self)
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.code())
    }
}

/// A language code that liftlab does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown language {0:?}: expected en or nl (set with --lang or the LIFTLAB_LANG environment variable)"
)]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(code: &str) -> Result<Self, Self::Err> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "nl" | "dutch" | "nederlands" => Ok(Lang::Nl),
            _ => Err(UnknownLang(code.to_string())),
        }
    }
}

/// The texts of one language, and its number formats.
#[derive(Debug)]
pub struct Texts {
    lang: Lang,
    entries: std::collections::BTreeMap<String, String>,
}

impl Texts {
    /// Returns the language of these texts.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Returns the text under `key`. A key that no catalogue contains is returned as itself,
    /// so a missing text shows as its key rather than stopping a run. The catalogue tests
    /// make sure that no key used in the code is missing.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        match self.entries.get(key) {
            Some(text) => text,
            None => {
                debug_assert!(false, "no text for the key {key:?} in {}", self.lang);
                key
            }
        }
    }

    /// Returns the text under `key` with each `{name}` replaced by the value given for it.
    pub fn fill(&self, key: &str, values: &[(&str, &dyn fmt::Display)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in values {
            text = text.replace(&format!("{{{name}}}"), &value.to_string());
        }
        text
    }

    /// Returns every key and its text, sorted by key.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries
            .iter()
            .map(|(key, text)| (key.as_str(), text.as_str()))
    }

    /// Returns the decimal separator: `.` in English, `,` in Dutch.
    pub fn decimal_separator(&self) -> char {
        numbers::separators(self.lang).0
    }

    /// Formats `value` with `decimals` decimals and thousands separators, e.g. 12,345.6 or 12.345,6.
    pub fn number(&self, value: f64, decimals: usize) -> String {
        numbers::format_number(self.lang, value, decimals)
    }

    /// Formats `value` without thousands separators, e.g. 0.125 or 0,125 (p-values, R²).
    pub fn plain(&self, value: f64, decimals: usize) -> String {
        numbers::format_plain(self.lang, value, decimals)
    }

    /// Formats a fraction as a percentage, e.g. 0.054 → 5.4% in English and 5,4% in Dutch.
    pub fn percent(&self, fraction: f64, decimals: usize) -> String {
        numbers::format_percent(self.lang, fraction, decimals)
    }

    /// Formats a fraction as a signed percentage, e.g. +5.4% or -3.4%.
    pub fn signed_percent(&self, fraction: f64, decimals: usize) -> String {
        numbers::format_signed_percent(self.lang, fraction, decimals)
    }

    /// Formats an amount with a precision that suits its size: no decimals from 100 up, two
    /// below.
    pub fn amount(&self, value: f64) -> String {
        numbers::format_amount(self.lang, value)
    }
}
