//! Tests of [`super`]: triggers and what sits beside them.
use super::*;

fn t(p: &str) -> Option<Vec<String>> {
    triggers(p).map(|ts| ts.into_iter().map(|t| t.text).collect())
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
    assert_eq!(t("^x*e-?mail").unwrap(), ["e-mail", "email"]);
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
fn ranges_set_the_bits_between() {
    for (lo, hi) in [(0, 0), (3, 70), (60, 200), (0, 256), (64, 127), (250, 256)] {
        let a = Around::NONE.with_range(lo, hi);
        assert!(
            (0..=EDGE).all(|b| a.has(b) == (lo..=hi).contains(&b)),
            "{lo} {hi}"
        );
    }
    let w = no_ascii_word();
    assert!(w.has(EDGE) && w.has(b' ' as usize) && w.has(0xc3) && !w.has(b'_' as usize));
    assert!(!(b'0'..=b'z').any(|b| b.is_ascii_alphanumeric() && w.has(b as usize)));
}

#[test]
fn triggers_know_what_sits_beside_them() {
    let ts = triggers("(?-i)^[ :]*(?:dpa|ap)(?: und [a-z]+)*$").unwrap();
    let ap = ts.iter().find(|t| t.text == "ap").unwrap();
    // After a line start, a space or a colon; before a space or the end.
    assert!(ap.before.before_ok(b"ap", 0) && ap.before.before_ok(b": ap", 2));
    assert!(!ap.before.before_ok(b"happen", 1));
    assert!(ap.after.after_ok(b"ap", 2) && ap.after.after_ok(b"ap und x", 2));
    assert!(!ap.after.after_ok(b"apart", 2));
    // Unanchored, a trigger may sit anywhere; cut, anything may follow.
    let ts = triggers("(?-i)ap").unwrap();
    assert!(ts[0].before.before_ok(b"happen", 1) && ts[0].after.after_ok(b"happen", 3));
    let ts = triggers(r"(?-i)\b{start}newsletters\b{end}").unwrap();
    assert_eq!(ts[0].text, "newslett");
    assert!(!ts[0].before.before_ok(b"xnewsletters", 1));
    assert!(ts[0].after.after_ok(b"newsletterss", 8));
    // Optional parts: what precedes them may precede the trigger too.
    let ts = triggers("(?-i)^x?(?:ab)?cd").unwrap();
    let cd = ts.iter().find(|t| t.text == "cd");
    assert!(cd.is_none_or(|t| t.before.before_ok(b"cd", 0) && !t.before.before_ok(b"zcd", 1)));
    assert!(ts.iter().all(|t| t.before.before_ok(t.text.as_bytes(), 0)));
    // A class of non-ASCII characters leaves the lead bytes it may start with.
    let ts = triggers("(?-i)^[ж-я]?news$").unwrap();
    assert!(ts.iter().any(|t| t.before.before_ok("жnews".as_bytes(), 2)));
    assert!(ts.iter().all(|t| !t.before.before_ok(b"anews", 1)));
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
                o != ch && key_char(o) && !matches!((ch, o), ('ι', '\u{345}') | ('\u{345}', 'ι'))
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
