//! The end-of-run summaries jobs report (one line, then skipped records).

use deboil_core::rules::RuleSet;

use crate::jobs::Summary;
use crate::jobs::dedup::DedupSummary;

/// The cleaning summary: documents, bytes, removals by rule, skipped records.
pub fn clean_text(job: &str, s: &Summary, rules: &RuleSet) -> String {
    let pct = if s.bytes_in > 0 {
        100.0 * (s.bytes_in as f64 - s.bytes_out as f64) / s.bytes_in as f64
    } else {
        0.0
    };
    let top = s.top_removals(rules);
    let total: u64 = top.iter().map(|t| t.1).sum();
    let mut line = format!(
        "deboil {job}: {} documents ({} changed), {} -> {} bytes (-{pct:.1}%), {total} removals",
        s.docs, s.changed_docs, s.bytes_in, s.bytes_out
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
            line.push_str(&format!(", ... {} more rules", top.len() - 10));
        }
    }
    if s.skipped > 0 {
        line.push_str(&format!("; {} bad records skipped", s.skipped));
    }
    line.push('\n');
    line + &skipped_text(s)
}

/// The dedup summary line; `verbose` adds LSH and memory figures.
pub fn dedup_text(job: &str, s: &DedupSummary, verbose: bool) -> String {
    let d = &s.dedup;
    let kept = s.read.docs - d.exact_dropped - d.near_dropped;
    let mut text = format!(
        "deboil {job}: {} documents, {kept} kept, {} exact and {} near duplicates dropped, {} clusters",
        s.read.docs, d.exact_dropped, d.near_dropped, d.clusters
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
        text.push_str(&format!("; {} bad records skipped", s.read.skipped));
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

/// A warning line when documents share an id, else nothing.
pub fn duplicate_ids_text(s: &DedupSummary) -> String {
    let Some(d) = &s.duplicate_ids else {
        return String::new();
    };
    let id = serde_json::to_string(&d.id).expect("a string serialises");
    let docs = if d.count == 1 {
        "document repeats"
    } else {
        "documents repeat"
    };
    format!(
        "deboil: warning: {} {docs} an earlier document's id (first: {id} at {} and {}); clusters and dup_of name documents by id\n",
        d.count, d.places[0], d.places[1]
    )
}
