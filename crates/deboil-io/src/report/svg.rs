//! Inline SVG charts, drawn here so that the HTML report needs nothing
//! from a network and no script: horizontal bars for named values, columns
//! for histograms.

use std::fmt::Write;

/// Escapes text for HTML and SVG (element content and attribute values).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// At most `n` characters of `s`, with `…` when cut.
fn short(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// One bar: its label, its value (sets the length) and the text shown.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
}

const WIDTH: f64 = 640.0;

/// Horizontal bars, longest first as given; `class` names the chart for
/// styles and tests.
pub fn bars(class: &str, title: &str, rows: &[Bar], color: &str) -> String {
    let (label_w, value_w, row_h, top) = (200.0, 140.0, 22.0, 8.0);
    let height = top * 2.0 + row_h * rows.len().max(1) as f64;
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let track = WIDTH - label_w - value_w;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart {class}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
    if rows.is_empty() {
        nothing_to_show(&mut s, top + 15.0);
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let w = if max > 0.0 {
            (r.value / max * track).max(1.0)
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<g class="bar"><title>{label}: {shown}</title><text x="{lx}" y="{ty}" text-anchor="end" class="label">{short}</text><rect x="{label_w}" y="{ry}" width="{w:.1}" height="{rh}" rx="2" fill="{color}"/><text x="{vx:.1}" y="{ty}" class="value">{shown}</text></g>"#,
            label = esc(&r.label),
            shown = esc(&r.shown),
            short = esc(&short(&r.label, 34)),
            lx = label_w - 6.0,
            ty = y + 15.0,
            ry = y + 3.0,
            rh = row_h - 6.0,
            vx = label_w + w + 5.0,
        );
    }
    s.push_str("</svg>");
    s
}

fn nothing_to_show(s: &mut String, y: f64) {
    let _ = write!(
        s,
        r#"<text x="8" y="{y}" class="empty">nothing to show</text>"#
    );
}

/// One series of a column chart: its name, colour and a value per label.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<u64>,
}

/// Columns over `labels` (histogram buckets), one per series side by side,
/// with a legend when there are several series. All zero (an empty corpus,
/// no clusters) is said in words, as [`bars`] says no rows: an axis would
/// run from 0 to 0.
pub fn columns(class: &str, title: &str, labels: &[String], series: &[Series]) -> String {
    let (left, bottom, top, height) = (48.0, 34.0, 26.0, 230.0);
    let plot_h = height - bottom - top;
    let plot_w = WIDTH - left - 8.0;
    let slot = plot_w / labels.len().max(1) as f64;
    let bar_w = (slot * 0.8) / series.len().max(1) as f64;
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    if max == 0 {
        let _ = write!(
            s,
            r#"<svg class="chart {class}" role="img" viewBox="0 0 {WIDTH} 38" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
            esc(title)
        );
        nothing_to_show(&mut s, 23.0);
        s.push_str("</svg>");
        return s;
    }
    let _ = write!(
        s,
        r#"<svg class="chart {class}" role="img" viewBox="0 0 {WIDTH} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{}</title>"#,
        esc(title)
    );
    // Axis and a top gridline with the maximum.
    let base = height - bottom;
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{base}" x2="{x2}" y2="{base}" class="axis"/><line x1="{left}" y1="{top}" x2="{x2}" y2="{top}" class="gridline"/><text x="{lx}" y="{ty}" text-anchor="end" class="tick">{max}</text><text x="{lx}" y="{base}" text-anchor="end" class="tick">0</text>"#,
        x2 = WIDTH - 8.0,
        lx = left - 4.0,
        ty = top + 4.0,
    );
    for (i, label) in labels.iter().enumerate() {
        let x0 = left + slot * i as f64 + slot * 0.1;
        for (k, ser) in series.iter().enumerate() {
            let v = ser.values.get(i).copied().unwrap_or(0);
            let h = if max > 0 {
                v as f64 / max as f64 * plot_h
            } else {
                0.0
            };
            let h = if v > 0 { h.max(1.0) } else { 0.0 };
            let _ = write!(
                s,
                r#"<rect class="col" x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{c}"><title>{name} {label}: {v}</title></rect>"#,
                x = x0 + bar_w * k as f64,
                y = base - h,
                w = (bar_w - 1.0).max(1.0),
                c = ser.color,
                name = esc(ser.name),
                label = esc(label),
            );
        }
        let _ = write!(
            s,
            r#"<text x="{x:.1}" y="{y}" text-anchor="middle" class="tick" font-size="10">{}</text>"#,
            esc(label),
            x = left + slot * (i as f64 + 0.5),
            y = base + 16.0,
        );
    }
    if series.len() > 1 {
        for (k, ser) in series.iter().enumerate() {
            let x = left + 10.0 + 150.0 * k as f64;
            let _ = write!(
                s,
                r#"<rect x="{x}" y="6" width="12" height="12" fill="{c}"/><text x="{tx}" y="16" class="legend">{n}</text>"#,
                c = ser.color,
                tx = x + 17.0,
                n = esc(ser.name),
            );
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_and_scale() {
        let rows = [
            Bar {
                label: "<script>".into(),
                value: 10.0,
                shown: "10".into(),
            },
            Bar {
                label: "b".into(),
                value: 5.0,
                shown: "5".into(),
            },
        ];
        let svg = bars("rules", "Removals & more", &rows, "#345");
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("Removals &amp; more"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains(r#"width="300.0""#), "{svg}");
        assert!(svg.contains(r#"width="150.0""#), "{svg}");
        let cols = columns(
            "lengths",
            "t",
            &["0".into(), "1-9".into()],
            &[
                Series {
                    name: "in",
                    color: "#111",
                    values: vec![0, 4],
                },
                Series {
                    name: "out",
                    color: "#222",
                    values: vec![2, 4],
                },
            ],
        );
        assert_eq!(cols.matches(r#"class="col""#).count(), 4);
        assert!(cols.contains("legend"));
        assert!(bars("x", "t", &[], "#000").contains("nothing to show"));
        let zeros = Series {
            name: "in",
            color: "#111",
            values: vec![0, 0],
        };
        let none = columns("sizes", "t", &["2".into(), "3".into()], &[zeros]);
        assert!(none.contains("nothing to show"), "{none}");
        assert!(!none.contains("class=\"tick\""), "{none}");
    }
}
