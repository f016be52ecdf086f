//! Learned rules written as a rule file.

use std::collections::{HashMap, HashSet};

use super::{Learned, PREFIX_WORDS, Unit};
use crate::normalize;

impl Learned {
    /// The rules in deboil's rule-file format, most text removed first.
    pub fn to_toml(&self) -> String {
        self.to_toml_avoiding(&HashSet::new())
    }

    /// [`Learned::to_toml`] with rule ids outside `taken`: rules learned
    /// again with an earlier learned file loaded are numbered on from it
    /// (both number a site's rules from 1, and a rule set refuses an id
    /// twice).
    pub fn to_toml_avoiding(&self, taken: &HashSet<String>) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "# Learned by `deboil learn` from {}: {} learned from, {} with too few pages.\n\
             # Each rule removes lines that recur across one site's pages (copies of one\n\
             # story count as one page). Review before committing under rules/: a rule\n\
             # that matches real article text can be deleted or switched off with\n\
             # `enabled = false`.\n\
             description = \"learned site templates\"\n",
            crate::count(self.pages as u64, "page"),
            crate::count(self.sites_learned as u64, "site"),
            self.sites_skipped
        ));
        let mut per_site: HashMap<String, usize> = HashMap::new();
        for rule in &self.rules {
            let pick = |prefix: bool| -> Vec<String> {
                rule.lines
                    .iter()
                    .zip(&rule.examples)
                    .filter(|(u, _)| matches!(u, Unit::Prefix(_)) == prefix)
                    .filter_map(|(_, e)| e.clone())
                    .filter(|t| !t.is_empty())
                    .collect()
            };
            let (mut texts, mut openings) = (pick(false), pick(true));
            // A rule file refuses phrases over MAX_PHRASE_BYTES: a longer
            // line is matched by its opening words instead, and a long token
            // shared by pages (no word boundary to cut at) stays.
            let fits = |t: &String| normalize::key(t).len() <= crate::rules::MAX_PHRASE_BYTES;
            for t in texts.iter().filter(|t| !fits(t)) {
                openings.extend(opening_within_limit(t));
            }
            texts.retain(fits);
            let mut seen = HashSet::new();
            openings.retain(|o| fits(o) && seen.insert(o.clone()));
            if texts.is_empty() && openings.is_empty() {
                continue;
            }
            // Rule ids hold no whitespace; counting by the id's site part
            // keeps `a b` and `a_b` from sharing an id.
            let name = rule.site.replace(char::is_whitespace, "_");
            let n = per_site.entry(name.clone()).or_default();
            let id = loop {
                *n += 1;
                let id = format!("learned.{name}.{n}");
                if !taken.contains(&id) {
                    break id;
                }
            };
            let share = 100.0 * rule.pages as f64 / rule.site_pages.max(1) as f64;
            out.push_str("\n[[rule]]\n");
            out.push_str(&format!("id = {}\n", quote(&id)));
            out.push_str(&format!(
                "reason = {}\n",
                quote(&format!(
                    "recurs on {} of {} pages ({share:.0}%) of {}; removes about {} words",
                    rule.pages, rule.site_pages, rule.site, rule.words_removed
                ))
            ));
            out.push_str(&format!("sites = [{}]\n", quote(&site_pattern(&rule.site))));
            for (name, list) in [("equals", &texts), ("starts_with", &openings)] {
                if list.is_empty() {
                    continue;
                }
                out.push_str(&format!("{name} = [\n"));
                for t in list.iter() {
                    out.push_str(&format!("  {},\n", quote(t)));
                }
                out.push_str("]\n");
            }
            if rule.max_words > crate::rules::DEFAULT_MAX_WORDS {
                out.push_str(&format!("max_words = {}\n", rule.max_words));
            }
            if texts
                .iter()
                .chain(&openings)
                .any(|t| t.bytes().any(|b| b.is_ascii_digit()))
            {
                out.push_str("fold_digits = true\n");
            }
            let first = match texts.first() {
                Some(t) => t.to_string(),
                None => format!("{} and what follows", openings[0]),
            };
            out.push_str("[[rule.example]]\n");
            out.push_str(&format!(
                "input = {}\noutput = \"\"\n",
                quote(&format!("{first}\n"))
            ));
        }
        out
    }
}

/// The opening words of `line` whose key fits a phrase, when at least
/// [`PREFIX_WORDS`] of them do.
fn opening_within_limit(line: &str) -> Option<String> {
    let mut opening = String::new();
    let mut words = 0;
    for w in line.split_whitespace() {
        let longer = if opening.is_empty() {
            w.to_string()
        } else {
            format!("{opening} {w}")
        };
        if normalize::key(&longer).len() > crate::rules::MAX_PHRASE_BYTES {
            break;
        }
        opening = longer;
        words += 1;
    }
    (words >= PREFIX_WORDS).then_some(opening)
}

fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A site as a pattern that compiles and covers it: glob characters, and the
/// whitespace and `/` that patterns refuse (sites named by
/// [`crate::rules::site_name`] hold none), become `?`, which matches any
/// one character and so the character itself. Files written when it was
/// one `?` a byte (before `?` matched a character) read the same: of a
/// site name, it replaces only the one-byte `*`, `?` and `[`.
fn site_pattern(site: &str) -> String {
    let mut out = String::with_capacity(site.len());
    for c in site.chars() {
        if matches!(c, '*' | '?' | '[' | '/') || c.is_whitespace() {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::site_pattern;
    use crate::rules::site_name;

    #[test]
    fn a_site_name_s_pattern_has_one_question_mark_a_byte_replaced() {
        // Learned files once wrote a `?` for each byte: they read as those
        // written now only while a site name holds no multi-byte character
        // that the pattern replaces (site_name turns whitespace, NBSP and
        // U+3000 included, and `/` into `_`).
        for raw in [
            "a*b?c[d",
            "bücher.de",
            "x\u{a0}y",
            "x\u{3000}/y",
            "日本?.jp",
        ] {
            let site = site_name(raw);
            let old: String = site
                .chars()
                .map(|c| match site_pattern(&c.to_string()).as_str() {
                    "?" => "?".repeat(c.len_utf8()),
                    _ => c.to_string(),
                })
                .collect();
            assert_eq!(site_pattern(&site), old, "{raw:?}");
        }
    }
}
