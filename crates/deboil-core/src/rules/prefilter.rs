//! Literal triggers for regexes: a set of strings one of which every match
//! of the regex contains, so a line holding none of them need not be
//! searched. Most rule regexes name their junk words (`share`, `comments`,
//! `newsletter`) somewhere, and most lines hold none of them: one
//! Aho-Corasick pass over a line picks the few regexes worth running, which
//! is far cheaper than running every regex, or one big set whose lazy DFA
//! outgrows its cache on varied text.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most strings a trigger set (or an exact set on the way to it) may hold.
const MAX_STRINGS: usize = 256;
/// Trigger strings this long (bytes) are rare enough in lines.
const GOOD_LEN: usize = 5;
/// Most characters a class may hold to be spelled out.
const MAX_CLASS: usize = 4;

/// The triggers of `pattern` (compiled as rule regexes are: case-insensitive,
/// over a line's lowercase key), or `None` when no useful set was found (the
/// regex must then run on every line). Every string is at least 2 bytes.
pub(super) fn triggers(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let set = need(&hir)?;
    (set.iter().all(|s| s.len() >= 2)).then_some(set)
}

/// Strings one of which every match of `h` contains.
fn need(h: &Hir) -> Option<Vec<Vec<u8>>> {
    if let Some(set) = exact(h) {
        return (!set.iter().any(|s| s.is_empty())).then_some(set);
    }
    match h.kind() {
        HirKind::Capture(c) => need(&c.sub),
        HirKind::Repetition(r) if r.min > 0 => need(&r.sub),
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(need(a)?);
                if out.len() > MAX_STRINGS {
                    return None;
                }
            }
            dedup(out)
        }
        HirKind::Concat(parts) => {
            // Candidates: each run of adjacent exact parts, spelled out, each
            // exact part alone, and the needs of the other parts. The best
            // has strings long enough to be rare (up to GOOD_LEN bytes, longer
            // is no better) and, of those, the fewest strings.
            let mut best: Option<Vec<Vec<u8>>> = None;
            let mut consider = |set: Vec<Vec<u8>>| {
                if set.iter().any(|s| s.is_empty()) {
                    return;
                }
                let score = |s: &Vec<Vec<u8>>| {
                    let shortest = s.iter().map(Vec::len).min().unwrap_or(0);
                    (shortest.min(GOOD_LEN), std::cmp::Reverse(s.len()))
                };
                if best.as_ref().is_none_or(|b| score(&set) > score(b)) {
                    best = Some(set);
                }
            };
            let mut run: Option<Vec<Vec<u8>>> = None;
            for p in parts {
                match exact(p) {
                    Some(e) => {
                        consider(e.clone());
                        run = match run.take() {
                            None => Some(e),
                            Some(r) => match product(&r, &e) {
                                Some(joined) => Some(joined),
                                None => {
                                    consider(r);
                                    Some(e)
                                }
                            },
                        }
                    }
                    None => {
                        if let Some(r) = run.take() {
                            consider(r);
                        }
                        if let Some(n) = need(p) {
                            consider(n);
                        }
                    }
                }
            }
            if let Some(r) = run {
                consider(r);
            }
            best
        }
        _ => None,
    }
}

/// Every string `h` can match, when they are few.
fn exact(h: &Hir) -> Option<Vec<Vec<u8>>> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
        HirKind::Class(c) => class_strings(c),
        HirKind::Capture(c) => exact(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > 4 {
                return None;
            }
            let sub = exact(&r.sub)?;
            let mut out = Vec::new();
            let mut power = vec![Vec::new()];
            for n in 0..=max {
                if n >= r.min {
                    out.extend(power.iter().cloned());
                }
                if n < max {
                    power = product(&power, &sub)?;
                }
            }
            dedup(out)
        }
        HirKind::Concat(parts) => {
            let mut acc = vec![Vec::new()];
            for p in parts {
                acc = product(&acc, &exact(p)?)?;
            }
            Some(acc)
        }
        HirKind::Alternation(alts) => {
            let mut out = Vec::new();
            for a in alts {
                out.extend(exact(a)?);
                if out.len() > MAX_STRINGS {
                    return None;
                }
            }
            dedup(out)
        }
    }
}

/// The characters of a small class, as UTF-8. Characters that no key can
/// hold (keys are lowercase: `K` or the Kelvin sign in `(?i)k`) are left out.
fn class_strings(c: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.iter() {
                if (r.end() as u32 - r.start() as u32) as usize >= MAX_CLASS * 4 {
                    return None;
                }
                for ch in r.start()..=r.end() {
                    if key_char(ch) {
                        out.push(ch.to_string().into_bytes());
                    }
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.iter() {
                for byte in r.start()..=r.end() {
                    if !byte.is_ascii_uppercase() {
                        out.push(vec![byte]);
                    }
                }
                if out.len() > MAX_CLASS {
                    return None;
                }
            }
        }
    }
    (out.len() <= MAX_CLASS).then_some(out)
}

/// Whether a line's key may hold `ch`: keys are lowercase, in NFKC and fold
/// letter variants (see [`crate::normalize`]), so `(?i)s` needs no trigger
/// for `S` or the long s `ſ` (NFKC makes it `s`), nor `(?i)т` for `ᲄ`.
fn key_char(ch: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    ch.to_lowercase().eq(std::iter::once(ch))
        && std::iter::once(ch).nfkc().eq(std::iter::once(ch))
        && crate::normalize::fold_variant(ch) == ch
}

/// Every string of `a` followed by every string of `b`, when few.
fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > MAX_STRINGS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.clone();
            s.extend_from_slice(y);
            out.push(s);
        }
    }
    dedup(out)
}

fn dedup(mut v: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    v.sort();
    v.dedup();
    (v.len() <= MAX_STRINGS).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(p: &str) -> Option<Vec<String>> {
        triggers(p).map(|v| {
            v.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn triggers_are_words_every_match_holds() {
        assert_eq!(
            t("^[^a-z]*(?:share|tweet)[^a-z]*$").unwrap(),
            ["share", "tweet"]
        );
        // Case-insensitive, over a lowercase key: no uppercase variants.
        assert_eq!(t("Copyright").unwrap(), ["copyright"]);
        // Optional parts spelled out; the longest shortest string wins.
        assert_eq!(
            t("^x*e-?mail address").unwrap(),
            ["e-mail address", "email address"]
        );
        assert_eq!(t("(?:a|b)+ newsletter").unwrap(), [" newsletter"]);
        // Keys hold no final sigma nor Old Cyrillic variants.
        assert_eq!(t("ασ").unwrap(), ["ασ"]);
        assert_eq!(t("читайте").unwrap(), ["читайте"]);
        assert_eq!(t("as").unwrap(), ["as"]);
        assert_eq!(t("жук").unwrap(), ["жук"]);
        assert_eq!(t("©").unwrap(), ["©"]);
    }

    #[test]
    fn keys_hold_only_key_characters() {
        // What makes leaving the other members of a folded class out exact.
        let mut key = Vec::new();
        for ch in (0..=0x10FFFF).filter_map(char::from_u32) {
            key.clear();
            crate::normalize::push_key(&format!("a{ch}"), &mut key);
            let k = String::from_utf8(key.clone()).unwrap();
            assert!(
                k.chars().all(|c| c == ' ' || key_char(c)),
                "{ch:?} gives {k:?}"
            );
        }
    }

    #[test]
    fn key_characters_are_alone_in_their_case_class() {
        use regex_syntax::hir::{ClassUnicode, ClassUnicodeRange};
        // So a case-insensitive letter is one trigger character, and words
        // do not multiply into variants. The one exception: the Greek
        // iota subscript, a combining mark that only stands alone in a key
        // where nothing precedes it, folds with iota.
        for ch in (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| key_char(c))
        {
            let mut class = ClassUnicode::new([ClassUnicodeRange::new(ch, ch)]);
            class.case_fold_simple();
            let others: Vec<char> = class
                .iter()
                .flat_map(|r| r.start()..=r.end())
                .filter(|&o| {
                    o != ch
                        && key_char(o)
                        && !matches!((ch, o), ('ι', '\u{345}') | ('\u{345}', 'ι'))
                })
                .collect();
            assert!(others.is_empty(), "{ch:?} {others:?}");
        }
    }

    #[test]
    fn shipped_regexes_have_triggers() {
        // A regex without triggers runs on every line: the shipped rules
        // must stay cheap on text that holds no junk words.
        let mut without = Vec::new();
        let mut strings = 0;
        for (name, text) in super::super::EMBEDDED {
            let v: toml::Value = toml::from_str(text).unwrap();
            for r in v["rule"].as_array().unwrap() {
                for re in r
                    .get("regex")
                    .and_then(|x| x.as_array())
                    .into_iter()
                    .flatten()
                {
                    match triggers(re.as_str().unwrap()) {
                        Some(t) => strings += t.len(),
                        None => without.push(format!("{name} {}", r["id"])),
                    }
                }
            }
        }
        assert!(without.len() <= 2, "{without:?}");
        assert!(strings < 4000, "{strings} triggers");
    }

    #[test]
    fn no_triggers_where_a_match_may_hold_none() {
        assert_eq!(t("^[^ ]+ said$").unwrap(), [" said"]);
        assert_eq!(t("a|[^ ]+"), None);
        assert_eq!(t("(?:news)?letter").unwrap(), ["letter", "newsletter"]);
        assert_eq!(t("x?"), None);
        assert_eq!(t("[0-9]+"), None);
        // One byte picks out too many lines to be worth it.
        assert_eq!(t("^a"), None);
    }
}
