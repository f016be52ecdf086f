//! The report as one HTML page: inline styles, inline SVG charts, no script
//! and nothing fetched, so it opens anywhere, offline, as a CI artifact.

use std::fmt::Write;

use super::svg::{Bar, Series, bars, columns, esc};
use super::{DIGEST_COVERS, Report, grouped, human_bytes, percent, share};

const STYLE: &str = r#"
:root{--ink:#1d2433;--muted:#5d6778;--line:#e2e6ee;--bg:#f6f7fb;--card:#fff;--accent:#2f6fde}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
header{background:#1d2433;color:#fff;padding:22px 32px}
header h1{margin:0 0 4px;font-size:22px;font-weight:600}
header .meta{color:#c4cad6;font-size:13px}
header code{color:#fff}
main{padding:20px 32px 40px;max-width:1400px}
h2{font-size:18px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .v{font-size:22px;font-weight:600;margin-top:2px}
.card .s{color:var(--muted);font-size:12px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:16px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
figcaption{font-weight:600;margin-bottom:6px}
svg.chart{display:block;max-width:760px;font-size:12px}
svg .label,svg .value,svg .tick,svg .legend{fill:var(--ink)}
svg .value,svg .tick{fill:var(--muted)}
svg .axis{stroke:#9aa3b2}
svg .gridline{stroke:var(--line);stroke-dasharray:3 3}
svg .empty{fill:var(--muted)}
table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f7;font-weight:600;font-size:12px}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.t{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;word-break:break-word}
p.note{color:var(--muted);margin:4px 0 10px}
footer{color:var(--muted);font-size:12px;margin-top:30px}
"#;

const BLUE: &str = "#2f6fde";
const ORANGE: &str = "#e07a2f";
const RED: &str = "#c8414b";
const GREY: &str = "#9aa3b2";

/// Bars shown per chart.
const CHART_ROWS: usize = 15;

/// The HTML page.
pub fn render(r: &Report) -> String {
    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>deboil report</title><style>{STYLE}</style></head><body>"
    );
    let inputs = match r.inputs.as_slice() {
        [one] => esc(one),
        many => format!("{} inputs", many.len()),
    };
    let digest = r
        .rules
        .as_ref()
        .map(|x| {
            format!(
                " · <span title=\"{}\">cleaning digest</span> <code>{}</code>",
                esc(DIGEST_COVERS),
                esc(&x.digest[..12.min(x.digest.len())])
            )
        })
        .unwrap_or_default();
    let _ = write!(
        h,
        "<header><h1>deboil report</h1><div class=\"meta\">{} {} · <code>{}</code> · {inputs}{digest} · schema {}</div></header><main>",
        esc(&r.tool),
        esc(&r.version),
        esc(&r.command),
        r.schema_version
    );
    cards(&mut h, r);
    cleaning(&mut h, r);
    candidates(&mut h, r);
    duplicates(&mut h, r);
    lengths(&mut h, r);
    sites(&mut h, r);
    rules(&mut h, r);
    bad_records(&mut h, r);
    options(&mut h, r);
    let _ = writeln!(
        h,
        "<footer>Made by {} {}, report schema {}.</footer></main></body></html>",
        esc(&r.tool),
        esc(&r.version),
        r.schema_version
    );
    h
}

fn card(h: &mut String, key: &str, value: &str, sub: &str) {
    let _ = write!(
        h,
        "<div class=\"card\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"s\">{}</div></div>",
        esc(key),
        esc(value),
        esc(sub)
    );
}

fn cards(h: &mut String, r: &Report) {
    let t = &r.totals;
    h.push_str("<section class=\"cards\">");
    card(
        h,
        "Documents",
        &grouped(t.documents),
        &format!("{} changed", grouped(t.changed)),
    );
    let removed = t.bytes_in.saturating_sub(t.bytes_out);
    card(
        h,
        "Text",
        &human_bytes(t.bytes_out),
        &format!(
            "of {} in, {} removed",
            human_bytes(t.bytes_in),
            percent(share(removed, t.bytes_in))
        ),
    );
    card(
        h,
        "Words",
        &grouped(t.words_out),
        &format!("of {} in", grouped(t.words_in)),
    );
    card(
        h,
        "Emptied",
        &grouped(t.emptied),
        &format!("{} empty before", grouped(t.empty_in)),
    );
    card(
        h,
        "Very short",
        &grouped(t.very_short),
        &format!("under {} words left", t.very_short_words),
    );
    if let Some(d) = &r.duplicates {
        card(
            h,
            "Duplicates",
            &percent(d.duplicate_rate),
            &format!(
                "{} exact, {} near {}",
                grouped(d.exact_dropped),
                grouped(d.near_dropped),
                r.duplicates_fate()
            ),
        );
        card(
            h,
            "Clusters",
            &grouped(d.clusters),
            &format!("{} exact", grouped(d.exact_clusters)),
        );
    }
    card(h, "Sites", &grouped(r.sites.count as u64), "");
    card(h, "Bad records", &grouped(r.bad_records.count), "left out");
    h.push_str("</section>");
}

fn figure(h: &mut String, caption: &str, svg: &str) {
    let _ = write!(
        h,
        "<figure><figcaption>{}</figcaption>{svg}</figure>",
        esc(caption)
    );
}

fn cleaning(h: &mut String, r: &Report) {
    if r.rules.is_none() && r.removals.is_empty() {
        return;
    }
    h.push_str("<h2>Cleaning</h2><div class=\"grid\">");
    let rules: Vec<Bar> = r
        .removals
        .iter()
        .take(CHART_ROWS)
        .map(|x| Bar {
            label: x.rule.clone(),
            value: x.removals as f64,
            shown: grouped(x.removals),
        })
        .collect();
    figure(
        h,
        "Removals per rule",
        &bars("rules", "Removals per rule", &rules, BLUE),
    );
    let mut dirty: Vec<&super::SiteRow> = r.sites.rows.iter().filter(|s| s.bytes_in > 0).collect();
    dirty.sort_by(|a, b| {
        b.removed_share
            .total_cmp(&a.removed_share)
            .then_with(|| a.site.cmp(&b.site))
    });
    let sites: Vec<Bar> = dirty
        .iter()
        .take(CHART_ROWS)
        .map(|s| Bar {
            label: site_name(&s.site),
            value: s.removed_share,
            shown: format!(
                "{} of {}",
                percent(s.removed_share),
                human_bytes(s.bytes_in)
            ),
        })
        .collect();
    figure(
        h,
        "Dirtiest sites: share of text removed",
        &bars("sites", "Share of text removed per site", &sites, ORANGE),
    );
    h.push_str("</div>");
}

fn rules(h: &mut String, r: &Report) {
    if !r.removals.is_empty() {
        h.push_str("<h2>Rules</h2><table class=\"rules\"><tr><th>rule</th><th>action</th><th class=\"n\">removals</th><th class=\"n\">documents</th></tr>");
        for x in &r.removals {
            let _ = write!(
                h,
                "<tr><td class=\"t\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&x.rule),
                esc(&x.action),
                grouped(x.removals),
                grouped(x.documents)
            );
        }
        h.push_str("</table>");
    }
}

fn site_name(s: &str) -> String {
    if s.is_empty() {
        "(no site)".into()
    } else {
        s.to_string()
    }
}

fn candidates(h: &mut String, r: &Report) {
    let c = &r.candidate_lines;
    h.push_str("<h2>Candidate rules: recurring lines no rule removes</h2>");
    let _ = write!(
        h,
        "<p class=\"note\">Lines on at least three stories of a site (copies of one story count once), counted over the first {} documents of each site: {} found{}.</p>",
        c.pages_counted_per_site,
        grouped(c.count as u64),
        if c.count > c.lines.len() {
            format!(", {} shown", c.lines.len())
        } else {
            String::new()
        }
    );
    if c.lines.is_empty() {
        return;
    }
    h.push_str("<table class=\"candidates\"><tr><th>site</th><th>line</th><th class=\"n\">pages</th><th class=\"n\">share</th><th class=\"n\">stories</th></tr>");
    for l in &c.lines {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"t\">{}</td><td class=\"n\">{} of {}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&site_name(&l.site)),
            esc(&l.text),
            grouped(l.pages.into()),
            grouped(l.site_pages.into()),
            percent(l.share),
            grouped(l.stories.into())
        );
    }
    h.push_str("</table>");
}

fn duplicates(h: &mut String, r: &Report) {
    let Some(d) = &r.duplicates else { return };
    h.push_str("<h2>Duplicates</h2><div class=\"grid\">");
    let mut rated: Vec<&super::SiteRow> = r
        .sites
        .rows
        .iter()
        .filter(|s| s.duplicates.unwrap_or(0) > 0)
        .collect();
    rated.sort_by(|a, b| {
        b.duplicates
            .cmp(&a.duplicates)
            .then_with(|| a.site.cmp(&b.site))
    });
    let rows: Vec<Bar> = rated
        .iter()
        .take(CHART_ROWS)
        .map(|s| Bar {
            label: site_name(&s.site),
            value: s.duplicates.unwrap_or(0) as f64,
            shown: format!(
                "{} ({})",
                grouped(s.duplicates.unwrap_or(0)),
                percent(s.duplicate_rate.unwrap_or(0.0))
            ),
        })
        .collect();
    let title = format!("Duplicates {} per site", r.duplicates_fate());
    figure(h, &title, &bars("dup-sites", &title, &rows, RED));
    let labels: Vec<String> = d.cluster_sizes.iter().map(|b| b.label.clone()).collect();
    let counts = Series {
        name: "clusters",
        color: RED,
        values: d.cluster_sizes.iter().map(|b| b.count).collect(),
    };
    figure(
        h,
        "Cluster sizes (documents per cluster)",
        &columns("sizes", "Clusters by size", &labels, &[counts]),
    );
    h.push_str("</div>");
    if !d.largest.is_empty() {
        h.push_str("<h2>Largest clusters</h2><table class=\"clusters\"><tr><th class=\"n\">size</th><th>kind</th><th>kept</th><th>sites</th><th>start of the kept text</th></tr>");
        for c in &d.largest {
            let _ = write!(
                h,
                "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"t\">{}</td><td>{}</td><td>{}</td></tr>",
                c.size,
                esc(&c.kind),
                esc(&c.representative),
                esc(&c.sites.join(", ")),
                esc(c.snippet.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</table>");
    }
    if !d.site_pairs.is_empty() {
        h.push_str("<h2>Sites sharing stories</h2><table class=\"pairs\"><tr><th>site</th><th>site</th><th class=\"n\">shared clusters</th></tr>");
        for p in &d.site_pairs {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&site_name(&p.sites[0])),
                esc(&site_name(&p.sites[1])),
                grouped(p.clusters)
            );
        }
        h.push_str("</table>");
    }
}

fn lengths(h: &mut String, r: &Report) {
    h.push_str("<h2>Document lengths</h2><div class=\"grid\">");
    let labels: Vec<String> = r
        .lengths
        .words_out
        .iter()
        .map(|b| b.label.clone())
        .collect();
    let series = [
        Series {
            name: "before cleaning",
            color: GREY,
            values: r.lengths.words_in.iter().map(|b| b.count).collect(),
        },
        Series {
            name: "after cleaning",
            color: BLUE,
            values: r.lengths.words_out.iter().map(|b| b.count).collect(),
        },
    ];
    figure(
        h,
        "Documents by words",
        &columns("lengths", "Documents by words", &labels, &series),
    );
    h.push_str("</div>");
}

fn sites(h: &mut String, r: &Report) {
    if r.sites.rows.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<h2>Sites</h2><p class=\"note\">{} of {} sites: the dirtiest and the most duplicated.</p><table class=\"site-table\"><tr><th>site</th><th class=\"n\">documents</th><th class=\"n\">text in</th><th class=\"n\">removed</th><th class=\"n\">emptied</th><th class=\"n\">very short</th><th class=\"n\">duplicates</th><th>top rules</th></tr>",
        r.sites.rows.len(),
        r.sites.count
    );
    for s in &r.sites.rows {
        let top: Vec<String> = s
            .top_rules
            .iter()
            .map(|t| format!("{} {}", t.rule, grouped(t.removals)))
            .collect();
        let dups = match (s.duplicates, s.duplicate_rate) {
            (Some(n), Some(rate)) => format!("{} ({})", grouped(n), percent(rate)),
            _ => "-".into(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"t\">{}</td></tr>",
            esc(&site_name(&s.site)),
            grouped(s.documents),
            human_bytes(s.bytes_in),
            percent(s.removed_share),
            grouped(s.emptied),
            grouped(s.very_short),
            dups,
            esc(&top.join(", "))
        );
    }
    h.push_str("</table>");
}

fn bad_records(h: &mut String, r: &Report) {
    let b = &r.bad_records;
    if b.count == 0 {
        return;
    }
    let _ = write!(
        h,
        "<h2>Bad records</h2><p class=\"note\">{} left out; the first:</p><table class=\"bad\">",
        grouped(b.count)
    );
    for m in &b.messages {
        let _ = write!(h, "<tr><td class=\"t\">{}</td></tr>", esc(m));
    }
    h.push_str("</table>");
}

fn options(h: &mut String, r: &Report) {
    h.push_str("<h2>Reproducing this run</h2><table class=\"options\"><tr><th>option</th><th>value</th></tr>");
    let row = |h: &mut String, k: &str, v: &str| {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"t\">{}</td></tr>",
            esc(k),
            esc(v)
        );
    };
    row(h, "version", &format!("{} {}", r.tool, r.version));
    row(h, "command", &r.command);
    row(h, "inputs", &r.inputs.join(", "));
    if let Some(rules) = &r.rules {
        row(
            h,
            "cleaning digest",
            &format!("{} ({DIGEST_COVERS})", rules.digest),
        );
        if let Some(d) = &rules.built_in_rules {
            row(
                h,
                "built-in rules digest",
                &format!("{d} (as deboil --version prints it)"),
            );
        }
        row(h, "rule files", &rules.files.join(", "));
        row(
            h,
            "rules",
            &format!("{} ({} on)", rules.rules, rules.enabled),
        );
    }
    for (k, v) in &r.options {
        row(h, k, v);
    }
    h.push_str("</table>");
}
