//! Unified diffs of what cleaning changes.
//!
//! Cleaning only deletes or shortens lines, so the line fates the cleaner
//! records already align the two texts: no diff algorithm is needed.

use std::fmt::Write;

use crate::clean::Cleaned;

/// A line's content and its line break (`\n`, `\r\n`, or none at the end).
type Line<'a> = (&'a str, &'a str);

enum Op<'a> {
    Same(Line<'a>),
    Removed(Line<'a>),
    Changed(Line<'a>, Line<'a>),
}

/// The line at `range` of `text` with the break that follows it.
fn line_at(text: &str, range: std::ops::Range<usize>) -> Line<'_> {
    let rest = &text[range.end..];
    let brk = if rest.starts_with("\r\n") {
        &rest[..2]
    } else if rest.starts_with('\n') {
        &rest[..1]
    } else {
        ""
    };
    (&text[range], brk)
}

/// Writes one line of a hunk: a text's last line without a break gets the
/// marker `patch` and `git apply` read, so the diff applies as it is.
fn write_line(out: &mut String, prefix: char, (content, brk): Line) {
    out.push(prefix);
    out.push_str(content);
    match brk {
        "" => out.push_str("\n\\ No newline at end of file\n"),
        b => out.push_str(b),
    }
}

/// Appends a unified diff of `orig` against `cleaned` (nothing when equal).
/// Lines keep their own breaks (`\r\n` too), so it applies with `patch`.
pub fn unified(name: &str, orig: &str, cleaned: &Cleaned, context: usize, out: &mut String) {
    let ops: Vec<Op> = cleaned
        .lines
        .iter()
        .map(|f| {
            let old = line_at(orig, f.orig.clone());
            match &f.out {
                None => Op::Removed(old),
                Some(r) => match line_at(&cleaned.text, r.clone()) {
                    new if new == old => Op::Same(old),
                    new => Op::Changed(old, new),
                },
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
        // Removed lines before added ones, as diff writes a change: a
        // changed line is its old line here and its new one below.
        let mut added: Vec<Line> = Vec::new();
        for op in &ops[start..end] {
            match op {
                Op::Same(l) => {
                    for a in added.drain(..) {
                        write_line(out, '+', a);
                    }
                    write_line(out, ' ', *l);
                }
                Op::Removed(l) => write_line(out, '-', *l),
                Op::Changed(a, b) => {
                    write_line(out, '-', *a);
                    added.push(*b);
                }
            }
        }
        for a in added.drain(..) {
            write_line(out, '+', a);
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
