//! Characters of the print pages that the print fonts lack. Chromium
//! prints each with some other font of the computer, in another style and
//! (for the CFF-based Noto fonts) as an unnamed Type 3 font, so the build
//! says so in advance, naming the file and line where the character is.

use crate::content::{Archive, Issue, Report};
use crate::diagnostics::Diagnostic;
use crate::font_coverage::Coverage;

/// One warning per source file with characters the fonts lack, pointing
/// at the line of the first of them. `source_text` gives a file's text by
/// its path under `content/` (for the line numbers; `None` if unreadable).
pub(crate) fn warnings(
    archive: &Archive,
    coverage: &Coverage,
    source_text: &dyn Fn(&str) -> Option<String>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for issue in &archive.issues {
        let printed = printed_issue_text(issue);
        let missing = coverage.missing_in(&printed);
        if !missing.is_empty() {
            found.push(warning(&issue.source, &missing, source_text));
        }
        for &index in &issue.reports {
            let report = &archive.reports[index];
            let missing = coverage.missing_in(&printed_report_text(report));
            if !missing.is_empty() {
                found.push(warning(&report.source, &missing, source_text));
            }
        }
    }
    found
}

/// What the print page shows of the issue itself: the series line, the
/// editor's note, the distribution block.
fn printed_issue_text(issue: &Issue) -> String {
    let mut text = String::new();
    for part in [
        issue.series_line.as_deref(),
        issue.editor_note_html.as_deref(),
        Some(issue.publisher.as_str()),
        Some(issue.printer.as_str()),
    ]
    .into_iter()
    .flatten()
    {
        text.push_str(part);
        text.push('\n');
    }
    for name in issue.distribution.to.iter().chain(&issue.distribution.cc) {
        text.push_str(name);
        text.push('\n');
    }
    text
}

fn printed_report_text(report: &Report) -> String {
    [
        report.county.as_str(),
        report.title.as_str(),
        report.subtitle.as_deref().unwrap_or(""),
        report.supplier.as_str(),
        report.plain_text.as_str(),
    ]
    .join("\n")
}

fn warning(
    source: &str,
    missing: &[char],
    source_text: &dyn Fn(&str) -> Option<String>,
) -> Diagnostic {
    let text = source_text(source);
    // The distribution may come from site.toml's defaults: then the
    // character is not in the issue's file, and the line is left out.
    let line = text.as_deref().and_then(|text| {
        text.lines()
            .position(|line| line.contains(missing[0]))
            .map(|i| i + 1)
    });
    let quoted: String = missing.iter().map(|c| format!("“{c}”")).collect();
    Diagnostic::warning(
        format!("content/{source}"),
        line,
        format!(
            "印刷版的字体中没有{quoted}：印成 PDF 时{}由本机的其他字体代替，字形与前后文字不同（网页不受影响）",
            if missing.len() == 1 { "这个字" } else { "这些字" }
        ),
    )
    .hint("先核对是否打错了字或用了异体字；确实要用时，把含有这些字的 TrueType 字体以同样的文件名放进网站的 static/fonts/，代替主题的字体（见 README“印刷版”）")
}
