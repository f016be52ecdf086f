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
/// Triggers are cut to about this many bytes (whole characters).
const TRIGGER_BYTES: usize = 8;
/// Trigger strings this long (bytes) are rare enough in lines.
const GOOD_LEN: usize = 4;
/// Most characters a class may hold to be spelled out.
const MAX_CLASS: usize = 4;

/// The triggers of `pattern` (compiled as rule regexes are: case-insensitive,
/// over a line's lowercase key), or `None` when no useful set was found (the
/// regex must then run on every line). Every string is at least 2 bytes,
/// and valid UTF-8 (a key is).
pub(super) fn triggers(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let set = need(&hir)?;
    if set.iter().any(|s| s.len() < 2) {
        return None;
    }
    // A prefix of a string every match holds is one too. Short triggers
    // keep the automaton small enough to stay in cache, and variants of a
    // phrase ("we use cookies", "we uses cookies") become one.
    let mut out: Vec<String> = Vec::with_capacity(set.len());
    for s in set {
        let s = String::from_utf8(s).ok()?;
        let cut = s
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .find(|&end| end >= TRIGGER_BYTES)
            .unwrap_or(s.len());
        out.push(s[..cut].to_string());
    }
    out.sort();
    out.dedup();
    Some(out)
}

type Strings = Vec<Vec<u8>>;

/// What is known of a node: every string it can match (`exact`, when few)
/// and strings one of which every match contains (`need`).
struct Info {
    exact: Option<Strings>,
    need: Option<Strings>,
}

/// Strings one of which every match of `h` contains.
fn need(h: &Hir) -> Option<Strings> {
    analyze(h).need
}

/// A set that can serve as triggers: no empty string in it.
fn usable(set: &Strings) -> bool {
    !set.iter().any(Vec::is_empty)
}

/// Computes [`Info`] bottom-up, each node once.
fn analyze(h: &Hir) -> Info {
    let exact_only = |exact: Option<Strings>| {
        let need = exact.clone().filter(usable);
        Info { exact, need }
    };
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => exact_only(Some(vec![Vec::new()])),
        HirKind::Literal(l) => exact_only(Some(vec![l.0.to_vec()])),
        HirKind::Class(c) => exact_only(class_strings(c)),
        HirKind::Capture(c) => analyze(&c.sub),
        HirKind::Repetition(r) => {
            let sub = analyze(&r.sub);
            let exact = match (r.max, &sub.exact) {
                (Some(max), Some(e)) if max <= 4 => power_set(e, r.min, max),
                _ => None,
            };
            let need = match &exact {
                Some(e) if usable(e) => Some(e.clone()),
                _ if r.min > 0 => sub.need,
                _ => None,
            };
            Info { exact, need }
        }
        HirKind::Alternation(alts) => {
            let infos: Vec<Info> = alts.iter().map(analyze).collect();
            let union = |pick: fn(&Info) -> &Option<Strings>| -> Option<Strings> {
                let mut out = Vec::new();
                for i in &infos {
                    out.extend(pick(i).clone()?);
                    if out.len() > MAX_STRINGS {
                        return None;
                    }
                }
                dedup(out)
            };
            Info {
                exact: union(|i| &i.exact),
                need: union(|i| &i.need),
            }
        }
        HirKind::Concat(parts) => {
            let infos: Vec<Info> = parts.iter().map(analyze).collect();
            let mut exact = Some(vec![Vec::new()]);
            for i in &infos {
                exact = match (exact, &i.exact) {
                    (Some(acc), Some(e)) => product(&acc, e),
                    _ => None,
                };
            }
            Info {
                exact,
                need: best_need(&infos),
            }
        }
    }
}

/// Of a concatenation's parts: each run of adjacent exact parts spelled out,
/// each exact part alone, and the needs of the other parts, the set whose
/// strings are long enough to be rare (up to GOOD_LEN bytes; longer is no
/// better) and, of those, the fewest.
fn best_need(parts: &[Info]) -> Option<Strings> {
    let mut best: Option<Strings> = None;
    let mut consider = |set: &Strings| {
        if !usable(set) {
            return;
        }
        let score = |s: &Strings| {
            let shortest = s.iter().map(Vec::len).min().unwrap_or(0);
            (shortest.min(GOOD_LEN), std::cmp::Reverse(s.len()))
        };
        if best.as_ref().is_none_or(|b| score(set) > score(b)) {
            best = Some(set.clone());
        }
    };
    // Two runs: one through optional parts, one that they break (so `x?abc`
    // offers `abc` as well as `abc|xabc`).
    let mut runs: [Option<Strings>; 2] = [None, None];
    let extend = |run: &mut Option<Strings>, e: &Strings, consider: &mut dyn FnMut(&Strings)| {
        *run = match run.take() {
            None => Some(e.clone()),
            Some(r) => match product(&r, e) {
                Some(joined) => Some(joined),
                None => {
                    consider(&r);
                    Some(e.clone())
                }
            },
        }
    };
    for p in parts {
        match &p.exact {
            Some(e) => {
                consider(e);
                extend(&mut runs[0], e, &mut consider);
                if usable(e) {
                    extend(&mut runs[1], e, &mut consider);
                } else if let Some(r) = runs[1].take() {
                    consider(&r);
                }
            }
            None => {
                for r in runs.iter_mut().filter_map(Option::take) {
                    consider(&r);
                }
                if let Some(n) = &p.need {
                    consider(n);
                }
            }
        }
    }
    for r in runs.into_iter().flatten() {
        consider(&r);
    }
    best
}

/// Every string of `min` to `max` copies of a string of `sub`, when few.
fn power_set(sub: &Strings, min: u32, max: u32) -> Option<Strings> {
    let mut out = Vec::new();
    let mut power = vec![Vec::new()];
    for n in 0..=max {
        if n >= min {
            out.extend(power.iter().cloned());
        }
        if n < max {
            power = product(&power, sub)?;
        }
    }
    dedup(out)
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
        triggers(p)
    }

    #[test]
    fn triggers_are_words_every_match_holds() {
        assert_eq!(
            t("^[^a-z]*(?:share|tweet)[^a-z]*$").unwrap(),
            ["share", "tweet"]
        );
        // Case-insensitive, over a lowercase key: no uppercase variants;
        // cut to 8 bytes.
        assert_eq!(t("Copyright").unwrap(), ["copyrigh"]);
        // Optional parts spelled out; of strings of 4 bytes or more, the
        // fewest win.
        assert_eq!(t("^x*e-?mail address").unwrap(), ["mail add"]);
        assert_eq!(t("^x*e-?mail").unwrap(), ["mail"]);
        assert_eq!(t("^x*e-?ma").unwrap(), ["e-ma", "ema"]);
        assert_eq!(t("(?:a|b)+ newsletter").unwrap(), [" newslet"]);
        // Keys hold no final sigma nor Old Cyrillic variants.
        assert_eq!(t("ασ").unwrap(), ["ασ"]);
        assert_eq!(t("читайте").unwrap(), ["чита"]);
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
        assert_eq!(t("(?:news)?letter").unwrap(), ["letter"]);
        assert_eq!(t("x?"), None);
        assert_eq!(t("[0-9]+"), None);
        // One byte picks out too many lines to be worth it.
        assert_eq!(t("^a"), None);
    }
}
