//! Checks of `/api/search`'s (and `jianbao search`'s) filter parameters:
//! a year the archive cannot have, or a range written wrongly, is an error
//! said in Chinese, not a filter silently dropped.

use super::api::{year_range, SearchParams};

/// Years a bulletin may carry: four digits.
const YEARS: std::ops::RangeInclusive<u16> = 1000..=9999;

impl SearchParams {
    /// What is wrong with the year filters, in Chinese; `Ok` when nothing
    /// is (or none was given).
    pub fn check(&self) -> Result<(), String> {
        let mut from = None;
        let mut to = None;
        if let Some(text) = self.year.as_deref().filter(|t| !t.trim().is_empty()) {
            match year_range(text).filter(|(a, b)| YEARS.contains(a) && YEARS.contains(b)) {
                Some((a, b)) => {
                    from = Some(a);
                    to = Some(b);
                }
                None => {
                    return Err(format!(
                        "year 的值“{}”无法识别：应为四位年份（如 2024）或年份范围（如 2020-2024）",
                        shown(text)
                    ))
                }
            }
        }
        for (name, value, slot) in [
            ("year_from", &self.year_from, &mut from),
            ("year_to", &self.year_to, &mut to),
        ] {
            if let Some(text) = value.as_deref().filter(|t| !t.trim().is_empty()) {
                match text
                    .trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|y| YEARS.contains(y))
                {
                    Some(year) => *slot = Some(year),
                    None => {
                        return Err(format!(
                            "{name} 的值“{}”无法识别：应为四位年份（如 2024）",
                            shown(text)
                        ))
                    }
                }
            }
        }
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                return Err(format!(
                    "起始年份 {from} 晚于结束年份 {to}：请把较早的年份写在前面"
                ));
            }
        }
        Ok(())
    }
}

/// A value as the message quotes it: at most 20 characters.
fn shown(text: &str) -> String {
    let mut shown: String = text.trim().chars().take(20).collect();
    if text.trim().chars().count() > 20 {
        shown.push('…');
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(year: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<(), String> {
        SearchParams {
            year: year.map(String::from),
            year_from: from.map(String::from),
            year_to: to.map(String::from),
            ..Default::default()
        }
        .check()
    }

    #[test]
    fn years_must_be_four_digits_in_order() {
        assert!(check(Some("2024"), None, None).is_ok());
        assert!(check(Some("2020-2024"), None, None).is_ok());
        assert!(check(None, Some("2020"), Some("2024")).is_ok());
        assert!(check(None, None, None).is_ok());
        assert!(check(Some(""), None, None).is_ok());
        for (year, from, to) in [
            (Some("99999"), None, None),
            (Some("abc"), None, None),
            (Some("24"), None, None),
            (Some("2024-2020"), None, None),
            (None, Some("abc"), None),
            (None, None, Some("-1")),
            (None, Some("2024"), Some("2020")),
        ] {
            let message = check(year, from, to).unwrap_err();
            assert!(message.contains("年份"), "{message}");
        }
    }
}
