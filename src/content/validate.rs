//! Checks across files: what no single file can know is wrong.

use std::collections::{HashMap, HashSet};

use super::model::Archive;
use crate::diagnostics::{Diagnostic, Diagnostics};

/// `unread`: issues one of whose reports could not be read; they are not
/// said to have no reports, which would send the editor looking for a
/// missing file that is there.
pub fn check_archive(
    archive: &Archive,
    unread: &HashSet<(i32, u32)>,
    diagnostics: &mut Diagnostics,
) {
    check_dates_rise(archive, diagnostics);
    check_numbering_gaps(archive, diagnostics);
    check_unique_urls(archive, diagnostics);
    for issue in &archive.issues {
        if issue.reports.is_empty() && !unread.contains(&(issue.year, issue.number)) {
            diagnostics.push(
                Diagnostic::warning(
                    issue.source.clone(),
                    None,
                    format!("{} 年第 {} 期还没有报告", issue.year, issue.number),
                )
                .hint("请在同一文件夹中加入报告（.md 文件）"),
            );
        }
    }
    for report in &archive.reports {
        if report.plain_text.trim().is_empty() {
            diagnostics.push(
                Diagnostic::warning(format!("content/{}", report.source), None, "报告正文是空的")
                    .hint("请在元数据块（---）之后写上正文"),
            );
        }
    }
}

fn check_dates_rise(archive: &Archive, diagnostics: &mut Diagnostics) {
    for pair in archive.issues.windows(2) {
        let (earlier, later) = (&pair[0], &pair[1]);
        if earlier.year == later.year && later.date < earlier.date {
            // A warning, not an error: real archives hold supplements and
            // late issues, and the benchmark archive has such dates.
            diagnostics.push(
                Diagnostic::warning(
                    later.source.clone(),
                    None,
                    format!(
                        "第 {} 期的日期 {} 早于第 {} 期的日期 {}：期号越大，日期应越晚",
                        later.number, later.date, earlier.number, earlier.date
                    ),
                )
                .hint(format!(
                    "多半是日期或期号写错了，请核对两期的日期（另一期在 {}）",
                    earlier.source
                )),
            );
        }
    }
}

fn check_numbering_gaps(archive: &Archive, diagnostics: &mut Diagnostics) {
    let mut by_year: HashMap<i32, Vec<u32>> = HashMap::new();
    for issue in &archive.issues {
        by_year.entry(issue.year).or_default().push(issue.number);
    }
    let mut years: Vec<_> = by_year.into_iter().collect();
    years.sort();
    for (year, numbers) in years {
        let max = numbers.iter().copied().max().unwrap_or(0);
        let missing: Vec<u32> = (1..=max).filter(|n| !numbers.contains(n)).collect();
        if missing.is_empty() {
            continue;
        }
        let shown = number_ranges(&missing);
        diagnostics.push(
            Diagnostic::warning(
                format!("content/{year}"),
                None,
                format!("{year} 年的期号不连续，缺少{shown}"),
            )
            .hint("如果这些期尚未录入可以忽略；如果是期号写错了，请改正文件夹名"),
        );
    }
}

/// Two reports whose URLs differ only by letter case, or by `.md` versus
/// `.markdown`, would overwrite each other on many hosts.
fn check_unique_urls(archive: &Archive, diagnostics: &mut Diagnostics) {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for report in &archive.reports {
        let folder = match report.issue {
            Some(issue) => archive.issues[issue].path(),
            None => "drafts/".to_string(),
        };
        let key = format!("{folder}{}", report.slug.to_lowercase());
        if let Some(other) = seen.insert(key, &report.source) {
            diagnostics.push(
                Diagnostic::error(
                    format!("content/{}", report.source),
                    None,
                    format!("这篇报告与 content/{other} 的网址相同（文件名只差大小写或扩展名）"),
                )
                .hint("请给其中一个文件改名"),
            );
        }
    }
}

/// [1,2,3,5] → "第 1–3 期、第 5 期".
fn number_ranges(numbers: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    while index < numbers.len() {
        let start = numbers[index];
        let mut end = start;
        while index + 1 < numbers.len() && numbers[index + 1] == end + 1 {
            index += 1;
            end = numbers[index];
        }
        parts.push(if start == end {
            format!("第 {start} 期")
        } else {
            format!("第 {start}–{end} 期")
        });
        index += 1;
    }
    format!(" {}（共 {} 期）", parts.join("、"), numbers.len())
}
