//! Unified diffs of what cleaning changes.
//!
//! Cleaning only deletes or shortens lines, so the line fates the cleaner
//! records already align the two texts: no diff algorithm is needed.

use std::fmt::Write;

use crate::clean::Cleaned;

enum Op<'a> {
    Same(&'a str),
    Removed(&'a str),
    Changed(&'a str, &'a str),
}

/// Appends a unified diff of `orig` against `cleaned` (nothing when equal).
pub fn unified(name: &str, orig: &str, cleaned: &Cleaned, context: usize, out: &mut String) {
    let ops: Vec<Op> = cleaned
        .lines
        .iter()
        .map(|f| {
            let old = &orig[f.orig.clone()];
            match &f.out {
                None => Op::Removed(old),
                Some(r) if &cleaned.text[r.clone()] == old => Op::Same(old),
                Some(r) => Op::Changed(old, &cleaned.text[r.clone()]),
            }
        })
        .collect();
    let changed: Vec<usize> = (0..ops.len())
        .filter(|&i| !matches!(ops[i], Op::Same(_)))
        .collect();
    if changed.is_empty() {
        return;
    }
    // new_before[i]: lines of the new text before op i.
    let mut new_before = Vec::with_capacity(ops.len() + 1);
    let mut n = 0;
    for op in &ops {
        new_before.push(n);
        if !matches!(op, Op::Removed(_)) {
            n += 1;
        }
    }
    new_before.push(n);
    let _ = writeln!(out, "--- a/{name}\n+++ b/{name}");
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(context);
        let mut end = (changed[k] + 1 + context).min(ops.len());
        while k + 1 < changed.len() && changed[k + 1] <= end + context {
            k += 1;
            end = (changed[k] + 1 + context).min(ops.len());
        }
        k += 1;
        let old_len = end - start;
        let new_len = new_before[end] - new_before[start];
        let old_start = if old_len == 0 { start } else { start + 1 };
        let new_start = if new_len == 0 {
            new_before[start]
        } else {
            new_before[start] + 1
        };
        let _ = writeln!(out, "@@ -{old_start},{old_len} +{new_start},{new_len} @@");
        for op in &ops[start..end] {
            let _ = match op {
                Op::Same(l) => writeln!(out, " {l}"),
                Op::Removed(l) => writeln!(out, "-{l}"),
                Op::Changed(a, b) => writeln!(out, "-{a}\n+{b}"),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::{CleanOptions, Cleaner};
    use crate::rules::{RuleSet, RuleSource, Toggles};

    #[test]
    fn hunks_show_removed_and_changed_lines_with_context() {
        let rs = RuleSet::compile(
            &[RuleSource::new(
                "t",
                "[[rule]]\nid = \"j\"\nreason = \"r\"\nequals = ['junk']\n",
            )],
            &Toggles::default(),
        )
        .unwrap();
        let text = "1\n2\n3\n4\njunk\n5  \n6\n7\n8\n9\n10\n11\njunk\n";
        let c = Cleaner::new(rs, CleanOptions::default()).clean(text, "");
        let mut d = String::new();
        super::unified("doc", text, &c, 1, &mut d);
        assert_eq!(
            d,
            "--- a/doc\n+++ b/doc\n@@ -4,4 +4,3 @@\n 4\n-junk\n-5  \n+5\n 6\n@@ -12,2 +11,1 @@\n 11\n-junk\n"
        );
    }
}
