//! Bar charts drawn at build time as inline SVG: no script, readable
//! without CSS, with the figures also given as a table beside them. The
//! chart is one image (`role="img"`) to assistive technology, so it holds
//! no links (axe `nested-interactive`): the table beside it has them.

pub struct Bar {
    pub label: String,
    pub value: usize,
    /// The page of what the bar counts, linked from the table.
    pub href: Option<String>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars, one row per label: suits long Chinese names.
pub fn horizontal(title: &str, bars: &[Bar]) -> String {
    let row = 26;
    let label_width = 110;
    let chart_width = 360;
    let height = bars.len() * row + 10;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title),
        width = label_width + chart_width + 50
    );
    svg.push_str(&format!("<title>{}</title>", escape(title)));
    for (i, bar) in bars.iter().enumerate() {
        let y = i * row + 5;
        let width = (bar.value * chart_width)
            .div_ceil(max)
            .max(usize::from(bar.value > 0));
        let label = escape(&bar.label);
        let text = format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"chart-label\">{label}</text>",
            label_width - 8,
            y + 17
        );
        svg.push_str(&text);
        svg.push_str(&format!(
            "<rect x=\"{label_width}\" y=\"{}\" width=\"{width}\" height=\"18\" class=\"chart-bar\"/><text x=\"{}\" y=\"{}\" class=\"chart-value\">{}</text>",
            y + 4,
            label_width + width + 6,
            y + 17,
            bar.value
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// Vertical bars, one column per label: suits years.
pub fn vertical(title: &str, bars: &[Bar]) -> String {
    let column = 44;
    let chart_height = 160;
    let width = bars.len() * column + 20;
    let max = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(title),
        height = chart_height + 50
    );
    svg.push_str(&format!("<title>{}</title>", escape(title)));
    for (i, bar) in bars.iter().enumerate() {
        let x = i * column + 14;
        let height = (bar.value * chart_height)
            .div_ceil(max)
            .max(usize::from(bar.value > 0));
        let top = chart_height + 20 - height;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"{top}\" width=\"30\" height=\"{height}\" class=\"chart-bar\"/><text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"chart-value\">{}</text>",
            x + 15,
            top.saturating_sub(5),
            bar.value
        ));
        let label = format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"chart-label\">{}</text>",
            x + 15,
            chart_height + 40,
            escape(&bar.label)
        );
        svg.push_str(&label);
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional_and_labels_escaped() {
        let bars = vec![
            Bar {
                label: "安阳市".into(),
                value: 10,
                href: None,
            },
            Bar {
                label: "<b>".into(),
                value: 5,
                href: None,
            },
        ];
        let svg = horizontal("各市报告数", &bars);
        assert!(svg.contains("width=\"360\""), "{svg}");
        assert!(svg.contains("width=\"180\""), "{svg}");
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        let linked = [Bar {
            label: "2024".into(),
            value: 1,
            href: Some("/2024/".into()),
        }];
        assert!(!vertical("各年", &linked).contains("<a"));
        assert!(!horizontal("各年", &linked).contains("<a"));
    }
}
