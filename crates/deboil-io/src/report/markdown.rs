//! The report as Markdown: headings, tables and text bars, no HTML, so it
//! reads well as a CI job summary (GitHub's `$GITHUB_STEP_SUMMARY`) or in a
//! terminal.

use std::fmt::Write;

use super::{Bucket, Report, grouped, human_bytes, percent, share};

/// Rows per table.
const ROWS: usize = 15;

/// The Markdown text.
pub fn render(r: &Report) -> String {
    let mut m = String::new();
    let t = &r.totals;
    let _ = writeln!(m, "# deboil report\n");
    let digest = r
        .rules
        .as_ref()
        .map(|x| {
            format!(
                ", cleaning digest `{}`",
                &x.digest[..12.min(x.digest.len())]
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        m,
        "{} {}, `{}` on {} input{}{digest}.\n",
        r.tool,
        r.version,
        r.command,
        r.inputs.len(),
        if r.inputs.len() == 1 { "" } else { "s" }
    );
    let removed = t.bytes_in.saturating_sub(t.bytes_out);
    m.push_str("| | |\n|---|---:|\n");
    let mut kv = |k: &str, v: String| {
        let _ = writeln!(m, "| {k} | {v} |");
    };
    kv("documents", grouped(t.documents));
    kv("changed", grouped(t.changed));
    kv(
        "text",
        format!(
            "{} → {} ({} removed)",
            human_bytes(t.bytes_in),
            human_bytes(t.bytes_out),
            percent(share(removed, t.bytes_in))
        ),
    );
    kv(
        "words",
        format!("{} → {}", grouped(t.words_in), grouped(t.words_out)),
    );
    kv("emptied", grouped(t.emptied));
    kv(
        &format!("very short (under {} words)", t.very_short_words),
        grouped(t.very_short),
    );
    if let Some(d) = &r.duplicates {
        kv(
            &format!("duplicates {}", r.duplicates_fate()),
            format!(
                "{} ({}): {} exact, {} near",
                grouped(d.exact_dropped + d.near_dropped),
                percent(d.duplicate_rate),
                grouped(d.exact_dropped),
                grouped(d.near_dropped)
            ),
        );
        kv("clusters", grouped(d.clusters));
    }
    kv("sites", grouped(r.sites.count as u64));
    kv("bad records", grouped(r.bad_records.count));
    m.push('\n');

    if !r.removals.is_empty() {
        let max = r.removals.iter().map(|x| x.removals).max().unwrap_or(0);
        m.push_str("## Removals per rule\n\n| rule | action | removals | documents | |\n|---|---|---:|---:|---|\n");
        for x in r.removals.iter().take(ROWS) {
            let _ = writeln!(
                m,
                "| `{}` | {} | {} | {} | {} |",
                code(&x.rule),
                x.action,
                grouped(x.removals),
                grouped(x.documents),
                bar(x.removals as f64, max as f64)
            );
        }
        more(&mut m, r.removals.len(), "rules");
    }

    if !r.sites.rows.is_empty() {
        let _ = writeln!(
            m,
            "## Sites\n\n{} of {} sites, most text removed first.\n\n| site | documents | text in | removed | emptied | duplicates | top rules |\n|---|---:|---:|---:|---:|---:|---|",
            r.sites.rows.len().min(ROWS),
            r.sites.count
        );
        for s in r.sites.rows.iter().take(ROWS) {
            let top: Vec<String> = s
                .top_rules
                .iter()
                .map(|t| format!("`{}` {}", code(&t.rule), t.removals))
                .collect();
            let dups = match (s.duplicates, s.duplicate_rate) {
                (Some(n), Some(rate)) => format!("{} ({})", grouped(n), percent(rate)),
                _ => "-".into(),
            };
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&site(&s.site)),
                grouped(s.documents),
                human_bytes(s.bytes_in),
                percent(s.removed_share),
                grouped(s.emptied),
                dups,
                top.join(", ")
            );
        }
        m.push('\n');
    }

    let c = &r.candidate_lines;
    let _ = writeln!(
        m,
        "## Candidate rules\n\nRecurring lines no rule removes: on at least three stories of a site, over its first {} documents ({} found).\n",
        c.pages_counted_per_site,
        grouped(c.count as u64)
    );
    if !c.lines.is_empty() {
        m.push_str("| site | line | pages | stories |\n|---|---|---:|---:|\n");
        for l in &c.lines {
            let _ = writeln!(
                m,
                "| {} | {} | {} of {} ({}) | {} |",
                cell(&site(&l.site)),
                cell(&l.text),
                l.pages,
                l.site_pages,
                percent(l.share),
                l.stories
            );
        }
        m.push('\n');
    }

    if let Some(d) = &r.duplicates {
        m.push_str("## Duplicates\n\n");
        histogram(&mut m, "cluster size", "clusters", &d.cluster_sizes);
        if !d.largest.is_empty() {
            m.push_str("Largest clusters:\n\n| size | kind | kept | sites | start of the kept text |\n|---:|---|---|---|---|\n");
            for c in &d.largest {
                let _ = writeln!(
                    m,
                    "| {} | {} | `{}` | {} | {} |",
                    c.size,
                    c.kind,
                    code(&c.representative),
                    cell(&c.sites.join(", ")),
                    cell(c.snippet.as_deref().unwrap_or(""))
                );
            }
            m.push('\n');
        }
        if !d.site_pairs.is_empty() {
            m.push_str(
                "Sites sharing stories:\n\n| site | site | shared clusters |\n|---|---|---:|\n",
            );
            for p in &d.site_pairs {
                let _ = writeln!(
                    m,
                    "| {} | {} | {} |",
                    cell(&site(&p.sites[0])),
                    cell(&site(&p.sites[1])),
                    grouped(p.clusters)
                );
            }
            m.push('\n');
        }
    }

    m.push_str("## Document lengths\n\n");
    histogram(
        &mut m,
        "words after cleaning",
        "documents",
        &r.lengths.words_out,
    );

    if r.bad_records.count > 0 {
        let _ = writeln!(
            m,
            "## Bad records\n\n{} left out; the first:\n",
            grouped(r.bad_records.count)
        );
        for msg in &r.bad_records.messages {
            let _ = writeln!(m, "- {}", cell(msg));
        }
        m.push('\n');
    }

    m.push_str("## Options\n\n| option | value |\n|---|---|\n");
    if let Some(rules) = &r.rules {
        let _ = writeln!(
            m,
            "| cleaning digest | `{}` ({}) |",
            rules.digest,
            super::DIGEST_COVERS
        );
        if let Some(d) = &rules.built_in_rules {
            let _ = writeln!(
                m,
                "| built-in rules digest | `{d}` (as `deboil --version` prints it) |"
            );
        }
        let _ = writeln!(m, "| rule files | {} |", cell(&rules.files.join(", ")));
    }
    for (k, v) in &r.options {
        let _ = writeln!(m, "| {} | `{}` |", cell(k), code(v));
    }
    m
}

/// A histogram as a table with text bars.
fn histogram(m: &mut String, what: &str, counted: &str, buckets: &[Bucket]) {
    let max = buckets.iter().map(|b| b.count).max().unwrap_or(0);
    let _ = writeln!(m, "| {what} | {counted} | |\n|---:|---:|---|");
    for b in buckets {
        let _ = writeln!(
            m,
            "| {} | {} | {} |",
            b.label,
            grouped(b.count),
            bar(b.count as f64, max as f64)
        );
    }
    m.push('\n');
}

fn more(m: &mut String, n: usize, what: &str) {
    if n > ROWS {
        let _ = writeln!(m, "\n... and {} more {what}.", n - ROWS);
    }
    m.push('\n');
}

/// A bar of up to 20 blocks, in eighths.
fn bar(v: f64, max: f64) -> String {
    if max <= 0.0 || v <= 0.0 {
        return String::new();
    }
    let eighths = ((v / max * 160.0).round() as usize).max(1);
    let mut s = "█".repeat(eighths / 8);
    const PART: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    s.push_str(PART[eighths % 8]);
    s
}

fn site(s: &str) -> String {
    if s.is_empty() {
        "(no site)".into()
    } else {
        s.to_string()
    }
}

/// Text safe in a code span in a table cell.
fn code(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '|' => "\\|".to_string(),
            '`' => "'".to_string(),
            '\n' | '\r' | '\t' => " ".to_string(),
            // Shown, not sent: this Markdown goes to a terminal by default.
            c if c.is_control() => c.escape_default().to_string(),
            _ => c.to_string(),
        })
        .collect()
}

/// Text safe in a table cell: no pipes, line breaks or markup.
fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\n' | '\r' | '\t' => out.push(' '),
            // `&` too: else a text's own `&amp;` or `&lt;` shows as `&`, `<`.
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push('\''),
            '\\' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            // Shown, not sent: this Markdown goes to a terminal by default.
            c if c.is_control() => out.extend(c.escape_default()),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_bars() {
        assert_eq!(cell("a|b\nc <x>"), "a\\|b c &lt;x&gt;");
        assert_eq!(cell("AT&amp;T"), "AT&amp;amp;T");
        assert_eq!(cell("a\u{1b}c"), "a\\u{1b}c");
        assert_eq!(code("a\u{1b}c"), "a\\u{1b}c");
        assert_eq!(bar(0.0, 10.0), "");
        assert_eq!(bar(10.0, 10.0), "█".repeat(20));
        assert_eq!(bar(1.0, 160.0), "▏");
    }
}
