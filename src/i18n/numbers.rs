//! Number formats per language.

use super::Lang;

/// The decimal and thousands separators of `lang`.
pub(super) fn separators(lang: Lang) -> (char, char) {
    match lang {
        Lang::En => ('.', ','),
        Lang::Nl => (',', '.'),
    }
}

pub(super) fn format_number(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let (decimal, thousands) = separators(lang);
    let digits = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits.as_str(), None),
    };

    let mut grouped = String::new();
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            grouped.push(thousands);
        }
        grouped.push(digit);
    }
    if let Some(fraction) = fraction {
        grouped.push(decimal);
        grouped.push_str(fraction);
    }

    // A value that rounds to zero is shown without a minus sign.
    let rounds_to_zero = digits.chars().all(|c| c == '0' || c == '.');
    if value < 0.0 && !rounds_to_zero {
        format!("-{grouped}")
    } else {
        grouped
    }
}

pub(super) fn format_plain(lang: Lang, value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    let text = format!("{value:.decimals$}");
    let text = if text.starts_with('-') && text[1..].chars().all(|c| c == '0' || c == '.') {
        text[1..].to_string()
    } else {
        text
    };
    text.replace('.', &separators(lang).0.to_string())
}

pub(super) fn format_percent(lang: Lang, fraction: f64, decimals: usize) -> String {
    format!("{}%", format_number(lang, fraction * 100.0, decimals))
}

pub(super) fn format_signed_percent(lang: Lang, fraction: f64, decimals: usize) -> String {
    let text = format_percent(lang, fraction, decimals);
    if text.starts_with('-') || text.chars().all(|c| !c.is_ascii_digit() || c == '0') {
        text
    } else {
        format!("+{text}")
    }
}

pub(super) fn format_amount(lang: Lang, value: f64) -> String {
    let decimals = if value.abs() >= 100.0 { 0 } else { 2 };
    format_number(lang, value, decimals)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_per_language() {
        assert_eq!(format_number(Lang::En, 1234567.891, 1), "1,234,567.9");
        assert_eq!(format_number(Lang::Nl, 1234567.891, 1), "1.234.567,9");
        assert_eq!(format_number(Lang::En, -4667.0, 0), "-4,667");
        assert_eq!(format_number(Lang::Nl, 999.5, 0), "1.000");
        assert_eq!(format_number(Lang::En, -0.004, 2), "0.00");
    }

    #[test]
    fn percentages_carry_the_language_separator_and_a_sign() {
        assert_eq!(format_percent(Lang::Nl, 0.054, 1), "5,4%");
        assert_eq!(format_signed_percent(Lang::En, 0.054, 1), "+5.4%");
        assert_eq!(format_signed_percent(Lang::Nl, -0.034, 1), "-3,4%");
        assert_eq!(format_signed_percent(Lang::En, 0.0, 1), "0.0%");
    }

    #[test]
    fn plain_numbers_have_no_grouping() {
        assert_eq!(format_plain(Lang::Nl, 1234.5678, 3), "1234,568");
        assert_eq!(format_plain(Lang::En, -0.0001, 3), "0.000");
        assert_eq!(format_amount(Lang::Nl, 12.345), "12,35");
        assert_eq!(format_amount(Lang::En, 12345.6), "12,346");
    }
}
