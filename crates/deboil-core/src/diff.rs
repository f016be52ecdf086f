//! Unified diffs of what cleaning changes.
//!
//! Cleaning only deletes or shortens lines, so the line fates the cleaner
//! records already align the two texts: no diff algorithm is needed.

use std::fmt::Write;

use crate::clean::Cleaned;

/// A line: what goes before it (the byte order mark on a text's first
/// line, else nothing), its content and its line break (`\n`, `\r\n`, or
/// none at the end).
type Line<'a> = (&'a str, &'a str, &'a str);

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
    ("", &text[range], brk)
}

/// Writes one line of a hunk: a text's last line without a break gets the
/// marker `patch` and `git apply` read, so the diff applies as it is.
fn write_line(out: &mut String, prefix: char, (lead, content, brk): Line) {
    out.push(prefix);
    out.push_str(lead);
    out.push_str(content);
    match brk {
        "" => out.push_str("\n\\ No newline at end of file\n"),
        b => out.push_str(b),
    }
}

/// Appends a unified diff of `orig` against `cleaned` (nothing when equal).
/// Lines keep their own breaks (`\r\n` too), so it applies with `patch`.
pub fn unified(name: &str, orig: &str, cleaned: &Cleaned, context: usize, out: &mut String) {
    unified_after(name, "", orig, cleaned, context, out);
}

/// [`unified`] for a file whose text follows `lead` (a byte order mark, no
/// part of the text): the first line of either side carries it, so that the
/// diff applies to the file, whose first line holds it, and keeps it there.
pub fn unified_after(
    name: &str,
    lead: &'static str,
    orig: &str,
    cleaned: &Cleaned,
    context: usize,
    out: &mut String,
) {
    let mut ops: Vec<Op> = cleaned
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
    if !lead.is_empty() {
        with_lead(&mut ops, lead);
    }
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
    write_name(out, "---", "a/", name);
    write_name(out, "+++", "b/", name);
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

/// A header line naming the file as git does, so that `git apply` and
/// `patch` read the name back: a name holding `"`, `\` or a control
/// character (a line break would end the header) is C-quoted, and one
/// holding a space ends with a tab (`patch` ends an unquoted name at the
/// first blank otherwise).
fn write_name(out: &mut String, marker: &str, prefix: &str, name: &str) {
    out.push_str(marker);
    out.push(' ');
    if name
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_ascii_control())
    {
        out.push('"');
        out.push_str(prefix);
        for c in name.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_ascii_control() => {
                    let _ = write!(out, "\\{:03o}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    } else {
        out.push_str(prefix);
        out.push_str(name);
        if name.contains(' ') {
            out.push('\t');
        }
    }
    out.push('\n');
}

/// Puts `lead` before the first line of the old text and of the new one.
/// Where the first lines removed are followed by one kept, that line
/// becomes the new first line and gains the lead: shown as changed.
fn with_lead<'a>(ops: &mut [Op<'a>], lead: &'a str) {
    let first_kept = ops.iter().position(|op| !matches!(op, Op::Removed(_)));
    if let Some(op) = ops.first_mut() {
        match op {
            Op::Same(l) | Op::Removed(l) => l.0 = lead,
            Op::Changed(a, b) => {
                a.0 = lead;
                b.0 = lead;
            }
        }
    }
    // A text cleaned to nothing keeps no lead: the file is left empty.
    if let Some(k) = first_kept.filter(|&k| k > 0) {
        ops[k] = match ops[k] {
            Op::Same(l) => Op::Changed(l, (lead, l.1, l.2)),
            Op::Changed(a, b) => Op::Changed(a, (lead, b.1, b.2)),
            Op::Removed(_) => unreachable!("the first line kept"),
        };
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::{CleanOptions, Cleaner};
    use crate::rules::{RuleSet, RuleSource, Toggles};

    /// A cleaner whose one rule removes lines reading "junk".
    fn junk_cleaner() -> Cleaner {
        let rs = RuleSet::compile(
            &[RuleSource::new(
                "t",
                "[[rule]]\nid = \"j\"\nreason = \"r\"\nequals = ['junk']\n",
            )],
            &Toggles::default(),
        )
        .unwrap();
        Cleaner::new(rs, CleanOptions::default())
    }

    #[test]
    fn hunks_show_removed_and_changed_lines_with_context() {
        let text = "1\n2\n3\n4\njunk\n5  \n6\n7\n8\n9\n10\n11\njunk\n";
        let c = junk_cleaner().clean(text, "");
        let mut d = String::new();
        super::unified("doc", text, &c, 1, &mut d);
        assert_eq!(
            d,
            "--- a/doc\n+++ b/doc\n@@ -4,4 +4,3 @@\n 4\n-junk\n-5  \n+5\n 6\n@@ -12,2 +11,1 @@\n 11\n-junk\n"
        );
    }

    #[test]
    fn a_lead_goes_before_the_first_line_of_both_sides() {
        let cleaner = junk_cleaner();
        let diff = |text: &str| {
            let c = cleaner.clean(text, "");
            let mut d = String::new();
            super::unified_after("doc", "\u{feff}", text, &c, 1, &mut d);
            d
        };
        assert_eq!(
            diff("junk\n1\n2\n"),
            "--- a/doc\n+++ b/doc\n@@ -1,3 +1,2 @@\n-\u{feff}junk\n-1\n+\u{feff}1\n 2\n"
        );
        assert_eq!(
            diff("1\njunk\n2\n"),
            "--- a/doc\n+++ b/doc\n@@ -1,3 +1,2 @@\n \u{feff}1\n-junk\n 2\n"
        );
        assert_eq!(
            diff("1\n2\n3\njunk\n"),
            "--- a/doc\n+++ b/doc\n@@ -3,2 +3,1 @@\n 3\n-junk\n"
        );
        assert_eq!(
            diff("junk\n"),
            "--- a/doc\n+++ b/doc\n@@ -1,1 +0,0 @@\n-\u{feff}junk\n"
        );
    }

    #[test]
    fn names_are_quoted_or_ended_as_git_writes_them() {
        let mut out = String::new();
        for name in ["d/a.txt", "my file.txt", "q\"t\\u.txt", "n\nl\u{1}.txt"] {
            super::write_name(&mut out, "---", "a/", name);
        }
        assert_eq!(
            out,
            "--- a/d/a.txt\n--- a/my file.txt\t\n--- \"a/q\\\"t\\\\u.txt\"\n--- \"a/n\\nl\\001.txt\"\n"
        );
    }
}
