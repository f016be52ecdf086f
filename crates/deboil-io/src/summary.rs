//! The end-of-run summaries jobs report (one line, then skipped records).

use deboil_core::rules::RuleSet;

use crate::jobs::Summary;
use crate::jobs::dedup::{DedupSummary, DuplicateIds};

/// `n` and `noun`, plural unless `n` is 1: "1 document", "2 documents".
pub fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The change from `before` to `after` bytes in percent, signed: "-9.6%",
/// "+0.4%", and "0.0%" when the size did not change (or there was none).
fn percent_change(before: u64, after: u64) -> String {
    if before == after || before == 0 {
        return "0.0%".to_string();
    }
    let pct = 100.0 * before.abs_diff(after) as f64 / before as f64;
    let sign = if after < before { '-' } else { '+' };
    format!("{sign}{pct:.1}%")
}

/// The cleaning summary: documents, bytes, removals by rule, whitespace the
/// built-ins trimmed, skipped records.
pub fn clean_text(job: &str, s: &Summary, rules: &RuleSet) -> String {
    let top = s.top_removals(rules);
    let total: u64 = top.iter().map(|t| t.1).sum();
    let mut line = format!(
        "deboil {job}: {} ({} changed), {} -> {} bytes ({}), {}",
        count(s.docs, "document"),
        s.changed_docs,
        s.bytes_in,
        s.bytes_out,
        percent_change(s.bytes_in, s.bytes_out),
        count(total, "removal"),
    );
    if !top.is_empty() {
        let shown: Vec<String> = top
            .iter()
            .take(10)
            .map(|(id, n)| format!("{id} {n}"))
            .collect();
        line.push_str(": ");
        line.push_str(&shown.join(", "));
        if top.len() > 10 {
            line.push_str(&format!(
                ", ... {} more",
                count(top.len() as u64 - 10, "rule")
            ));
        }
    }
    // What cleaning took outside removals is whitespace (removed lines'
    // breaks, blank runs, trailing spaces): say so, or the bytes would not add up.
    let whitespace = s
        .bytes_in
        .saturating_sub(s.bytes_out)
        .saturating_sub(s.removed_bytes);
    if whitespace > 0 {
        line.push_str(&format!(
            "; {} of whitespace trimmed",
            count(whitespace, "byte")
        ));
    }
    if s.skipped > 0 {
        line.push_str(&format!("; {} skipped", count(s.skipped, "bad record")));
    }
    line.push('\n');
    line + &skipped_text(s)
}

/// What a run of `command` did with duplicates: `dropped`, `marked` where
/// `--mark` wrote every document, or `found` where the `report` command
/// wrote no documents at all. Summaries and reports say it alike.
pub fn duplicates_fate(command: &str, marked: bool) -> &'static str {
    if command == "report" {
        "found"
    } else if marked {
        "marked"
    } else {
        "dropped"
    }
}

/// The dedup summary line; `verbose` adds LSH and memory figures;
/// `marked`: `--mark` wrote every document, its duplicates marked, not
/// dropped.
pub fn dedup_text(job: &str, s: &DedupSummary, verbose: bool, marked: bool) -> String {
    let d = &s.dedup;
    let dropped = d.exact_dropped + d.near_dropped;
    let fate = duplicates_fate(job, marked);
    let (kept, would) = match fate {
        // `report` writes no documents: it says what a run would keep.
        "found" => (s.read.docs - dropped, "would be kept"),
        "marked" => (s.read.docs, "kept"),
        _ => (s.read.docs - dropped, "kept"),
    };
    let mut text = format!(
        "deboil {job}: {}, {kept} {would}, {} exact and {} near {} {fate}, {}",
        count(s.read.docs, "document"),
        d.exact_dropped,
        d.near_dropped,
        if dropped == 1 {
            "duplicate"
        } else {
            "duplicates"
        },
        count(d.clusters, "cluster"),
    );
    if verbose {
        let per_doc = |b: usize| b as f64 / s.read.docs.max(1) as f64;
        text.push_str(&format!(
            "; {} LSH candidate pairs, {} verified; memory per document: LSH index {:.0} B, signatures {:.0} B, ids and hashes {:.0} B",
            d.candidates,
            d.verified,
            per_doc(d.memory.lsh_index),
            per_doc(d.memory.signatures),
            per_doc(d.memory.ids_and_hashes)
        ));
    }
    if s.read.skipped > 0 {
        text.push_str(&format!(
            "; {} skipped",
            count(s.read.skipped, "bad record")
        ));
    }
    text.push('\n');
    text
}

/// The skipped records' messages, one a line (the first 20, then a count).
pub fn skipped_text(s: &Summary) -> String {
    let mut text: String = s
        .skipped_messages
        .iter()
        .map(|m| format!("  skipped {m}\n"))
        .collect();
    if s.skipped as usize > s.skipped_messages.len() {
        text.push_str(&format!(
            "  ... and {} more\n",
            s.skipped as usize - s.skipped_messages.len()
        ));
    }
    text
}

/// A warning line when no document has the `--keep newest:` field (a
/// misspelt field would silently keep the first), else nothing.
pub fn keep_field_text(s: &DedupSummary) -> String {
    match &s.keep_field_missing {
        Some(field) => format!(
            "deboil: warning: --keep newest:{field}: no document has the field `{field}`, so each cluster keeps its first document\n"
        ),
        None => String::new(),
    }
}

/// A warning line when documents share an id, else nothing; `index`: the
/// saved index compared with, as named.
pub fn duplicate_ids_text(s: &DedupSummary, index: Option<&str>) -> String {
    s.duplicate_ids.as_ref().map_or_else(String::new, |d| {
        duplicate_ids_warning(d, index, "clusters and dup_of name documents by id")
    })
}

/// The warning line on documents sharing an id, ending with `why` it
/// matters to the command's outputs.
pub fn duplicate_ids_warning(d: &DuplicateIds, index: Option<&str>, why: &str) -> String {
    let id = serde_json::to_string(&d.id).expect("a string serialises");
    let docs = if d.count == 1 {
        "document repeats"
    } else {
        "documents repeat"
    };
    let first = match &d.first {
        Some(place) => format!("at {place}"),
        None => format!("in the index {}", index.unwrap_or("compared with")),
    };
    format!(
        "deboil: warning: {} {docs} an earlier document's id (first: {id} {first} and {}); {why}\n",
        d.count, d.repeat
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_in_number_and_changes_carry_their_sign() {
        assert_eq!(count(1, "document"), "1 document");
        assert_eq!(count(0, "removal"), "0 removals");
        assert_eq!(percent_change(1000, 904), "-9.6%");
        assert_eq!(percent_change(1000, 1000), "0.0%");
        assert_eq!(percent_change(0, 0), "0.0%");
        assert_eq!(percent_change(1000, 1004), "+0.4%");
    }

    #[test]
    fn whitespace_the_built_ins_trimmed_is_reported() {
        let s = Summary {
            docs: 1,
            changed_docs: 1,
            bytes_in: 500_010,
            bytes_out: 10,
            ..Summary::default()
        };
        let line = clean_text("clean", &s, &RuleSet::empty());
        assert_eq!(
            line,
            "deboil clean: 1 document (1 changed), 500010 -> 10 bytes (-100.0%), 0 removals; \
             500000 bytes of whitespace trimmed\n"
        );
    }
}
