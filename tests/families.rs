//! The default rules on each junk family in five languages
//! (`fixtures/families/*.txt`): every `junk:` line goes, in the wording given
//! and written in other Unicode forms or with marks around it, and every
//! `keep:` line (a news sentence that merely mentions Facebook, cookies, a
//! newsletter...) stays.

mod common;

use common::{deboil, fixtures, stdout};
use unicode_normalization::UnicodeNormalization;

const LANGS: [(&str, &str); 5] = [
    ("en", "The council met on Monday to discuss the budget."),
    (
        "de",
        "Der Stadtrat traf sich am Montag, um über den Haushalt zu beraten.",
    ),
    (
        "fr",
        "Le conseil municipal s'est réuni lundi pour discuter du budget.",
    ),
    (
        "es",
        "El consejo municipal se reunió el lunes para debatir el presupuesto.",
    ),
    (
        "ru",
        "Городской совет собрался в понедельник, чтобы обсудить бюджет.",
    ),
];

/// A named way of rewriting a junk line that must not hide it.
type Variant<'a> = (&'a str, fn(&str) -> String);

/// One line to check: where it comes from, the line, and whether it must go.
struct Case {
    origin: String,
    line: String,
    junk: bool,
}

/// The cases of one language's fixture, `variants` applied to each junk line.
fn cases(lang: &str, variants: &[Variant]) -> Vec<Case> {
    let path = fixtures().join("families").join(format!("{lang}.txt"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let (junk, rest) = if let Some(r) = line.strip_prefix("junk: ") {
            (true, r)
        } else if let Some(r) = line.strip_prefix("keep: ") {
            (false, r)
        } else {
            assert!(
                line.is_empty() || line.starts_with('#'),
                "{}:{}: a line is `junk: `, `keep: `, `#` or empty",
                path.display(),
                n + 1
            );
            continue;
        };
        let origin = format!("{lang}.txt:{}", n + 1);
        if !junk || variants.is_empty() {
            out.push(Case {
                origin,
                line: rest.to_string(),
                junk,
            });
            continue;
        }
        for (name, f) in variants {
            let v = f(rest);
            if v != rest {
                out.push(Case {
                    origin: format!("{origin} ({name})"),
                    line: v,
                    junk,
                });
            }
        }
    }
    out
}

/// Runs the default rules on each case below a sentence of body text and
/// returns the failures, one a line.
fn failures(variants: &[Variant]) -> (usize, String) {
    let mut all = Vec::new();
    let mut input = String::new();
    for (lang, body) in LANGS {
        for c in cases(lang, variants) {
            let text = format!("{body}\n{}\n", c.line);
            input += &(serde_json::json!({"id": all.len(), "text": text}).to_string() + "\n");
            all.push((body, text, c));
        }
    }
    let o = deboil()
        .args(["clean", "-q", "--format", "jsonl", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    assert_eq!(out.lines().count(), all.len());
    let mut bad = String::new();
    for (line, (body, text, c)) in out.lines().zip(&all) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let got = v["text"].as_str().unwrap();
        let ok = if c.junk {
            got == format!("{body}\n")
        } else {
            got == text
        };
        if !ok {
            let what = if c.junk { "kept junk" } else { "cut" };
            bad += &format!("{}: {what}: {:?}\n", c.origin, c.line);
        }
    }
    (all.len(), bad)
}

#[test]
fn junk_of_every_family_goes_and_sentences_that_mention_it_stay() {
    let (n, bad) = failures(&[]);
    assert!(n > 400, "{n} cases");
    assert!(bad.is_empty(), "{bad}");
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// ASCII letters, digits and punctuation as their full-width forms.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            c => c,
        })
        .collect()
}

fn ligatures(s: &str) -> String {
    s.replace("fi", "\u{FB01}").replace("fl", "\u{FB02}")
}

fn marked(s: &str) -> String {
    format!("» {s}")
}

fn bulleted(s: &str) -> String {
    format!("• {s} »")
}

#[test]
fn unicode_forms_and_marks_around_a_line_do_not_hide_junk() {
    let (n, bad) = failures(&[
        ("NFD", nfd),
        ("full-width", full_width),
        ("ligatures", ligatures),
        ("» before", marked),
        ("• before, » after", bulleted),
    ]);
    assert!(n > 1500, "{n} cases");
    assert!(bad.is_empty(), "{bad}");
}

/// The text `deboil clean` keeps of `input`, read as one plain-text document.
fn clean_text(input: &str) -> String {
    let o = deboil()
        .args(["clean", "-q", "--format", "text", "-"])
        .write_stdin(input.to_string())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stdout(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    v["text"].as_str().unwrap().to_string()
}

/// The example: an opening "¡" blocked the phrase.
#[test]
fn spanish_opening_mark_does_not_block_a_newsletter_prompt() {
    for line in [
        "¡Suscríbete a nuestro boletín!",
        "Suscríbete a nuestro boletín",
        "¡Suscri\u{301}bete a nuestro boleti\u{301}n!",
        "¡ＳＵＳＣＲÍＢＥＴＥ a nuestro boletín!",
    ] {
        let input = format!("Texto del artículo.\n{line}\n");
        assert_eq!(clean_text(&input), "Texto del artículo.\n", "{line:?}");
    }
}

/// A manual's section header is not a news "see also" box; the same words
/// with a mark are.
#[test]
fn see_also_alone_stays_and_with_a_mark_goes() {
    let input = "Text.\nSIEHE AUCH\nls(1), cp(1)\nSEE ALSO\nmv(1)\nSiehe auch:\nSee also:\n";
    assert_eq!(
        clean_text(input),
        "Text.\nSIEHE AUCH\nls(1), cp(1)\nSEE ALSO\nmv(1)\n"
    );
}
