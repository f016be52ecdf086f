//! Word boundaries in a line's key: a phrase must not continue a word, and
//! punctuation never glues one to its neighbours.

/// Whether `c` belongs to a word: letters and digits of every script, `_`,
/// and combining marks (which continue the letter before them). Punctuation
/// and symbols of every script ("¡", "«", "—", "©") are not, so they never
/// glue a phrase to its neighbours.
pub(super) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
    }
}

/// The character of the UTF-8 `key` that ends at byte `end`.
pub(super) fn char_before(key: &[u8], end: usize) -> Option<char> {
    let mut i = end.checked_sub(1)?;
    while i > 0 && key[i] & 0xC0 == 0x80 && end - i < 4 {
        i -= 1;
    }
    std::str::from_utf8(&key[i..end]).ok()?.chars().next()
}

/// The character of the UTF-8 `key` that starts at byte `start`.
pub(super) fn char_at(key: &[u8], start: usize) -> Option<char> {
    let len = match *key.get(start)? {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    };
    let end = (start + len).min(key.len());
    std::str::from_utf8(&key[start..end]).ok()?.chars().next()
}

/// The span of `key` from its first word character to the end of its
/// last, if it holds one.
#[inline]
pub(super) fn word_core(key: &[u8]) -> Option<(usize, usize)> {
    // Most lines start and end with ASCII: decoded only otherwise.
    let mut a = 0;
    loop {
        let c = match *key.get(a)? {
            b if b < 0x80 => char::from(b),
            _ => char_at(key, a)?,
        };
        if is_word_char(c) {
            break;
        }
        a += c.len_utf8();
    }
    // A word character at `a` ends this loop by `a + 1`.
    let mut b = key.len();
    loop {
        let c = match key[b - 1] {
            byte if byte < 0x80 => char::from(byte),
            _ => char_before(key, b)?,
        };
        if is_word_char(c) {
            break;
        }
        b -= c.len_utf8();
    }
    Some((a, b))
}

/// Whether `part` of a key holds no word character (only spaces,
/// punctuation and symbols). Stops at the first word character, which in
/// most lines is the first one.
pub(super) fn no_word_in(part: &[u8]) -> bool {
    match std::str::from_utf8(part) {
        Ok(s) => !s.chars().any(is_word_char),
        Err(_) => false,
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::rules::LineKey;

    /// The lines of `text` that the rules of `toml` hit.
    pub(in crate::rules) fn hit_lines(toml: &str, text: &[&str]) -> Vec<usize> {
        use crate::rules::{RuleSet, RuleSource, Toggles};
        let rs = RuleSet::compile(&[RuleSource::new("t.toml", toml)], &Toggles::default()).unwrap();
        let (mut key, mut lines) = (Vec::new(), Vec::new());
        for l in text {
            lines.push(LineKey::push(l, &mut key));
        }
        let mut hits = Vec::new();
        rs.find_hits(&key, &lines, &rs.mask_for("x"), &mut Vec::new(), &mut hits);
        let mut got: Vec<usize> = hits.iter().map(|h| h.line).collect();
        got.sort_unstable();
        got.dedup();
        got
    }

    #[test]
    fn punctuation_of_any_script_is_a_word_boundary() {
        for c in ['¡', '¿', '«', '»', '—', '©', '·', '•', '。', '！', '“'] {
            assert!(!is_word_char(c), "{c}");
        }
        for c in ['a', 'ß', 'é', 'ж', '中', '5', '٣', '_', '\u{301}'] {
            assert!(is_word_char(c), "{c}");
        }
        let rule =
            "[[rule]]\nid = \"a\"\nreason = \"r\"\ncontains = ['suscríbete a nuestro boletín']\n";
        let lines = [
            "¡Suscríbete a nuestro boletín!",
            "Suscríbete a nuestro boletín",
            "«Suscríbete a nuestro boletín»",
            "Hoy: —suscríbete a nuestro boletín— gratis",
            "Resuscríbete a nuestro boletín",
            "Suscríbete a nuestro boletínes",
            "Suscríbete a nuestro boletín\u{301}",
        ];
        assert_eq!(hit_lines(rule, &lines), [0, 1, 2, 3]);
        // Cyrillic and accented letters still glue: no match inside a word.
        let rule = "[[rule]]\nid = \"a\"\nreason = \"r\"\ncontains = ['читайте']\n";
        assert_eq!(
            hit_lines(rule, &["Читайте также", "…читайте!", "перечитайте"]),
            [0, 1]
        );
    }

    #[test]
    fn equals_and_starts_with_ignore_punctuation_around_the_line() {
        let rule = "[[rule]]\nid = \"a\"\nreason = \"r\"\nequals = ['related posts']\n\
                    [[rule]]\nid = \"b\"\nreason = \"r\"\nstarts_with = ['suscríbete']\n";
        let lines = [
            "Related posts",
            "» Related posts:",
            "¡Suscríbete ya!",
            "Related posts today",
            "3 Related posts",
            "Resuscríbete",
            "¿Por qué? Suscríbete",
        ];
        assert_eq!(hit_lines(rule, &lines), [0, 1, 2]);
    }
}
