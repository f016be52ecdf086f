use super::*;

/// The line breaks of `s`, each with where it ends in the string and in
/// its JSON token (as `serde_json` escapes it).
fn breaks_of(s: &str) -> Breaks {
    let (mut after, mut raw) = (Vec::new(), 0);
    for (i, &c) in s.as_bytes().iter().enumerate() {
        raw += escaped_len(c);
        if c == b'\n' {
            after.push(((i + 1) as u32, raw as u32));
        }
    }
    Breaks { after }
}

proptest::proptest! {
    #[test]
    fn escapes_and_reads_as_serde_json_does(s in "[ -~\u{0}-\u{1f}\u{7f}é€😀\"\\\\]{0,40}") {
        let mut ours = Vec::new();
        write_escaped(&s, &mut ours);
        proptest::prop_assert_eq!(&ours, &serde_json::to_vec(&s).unwrap());
        let token = String::from_utf8(ours).unwrap();
        proptest::prop_assert_eq!(unescape(&token), Some(s));
    }

    /// Long plain runs take the sixteen-byte step: escapes at every
    /// offset of a step, and a step cut short by the end.
    #[test]
    fn long_runs_escape_and_read_as_serde_json_does(s in "([ -~é€]{0,40}[\"\\\\\n\u{1}\u{7f}]?){0,6}") {
        let mut ours = Vec::new();
        write_escaped(&s, &mut ours);
        proptest::prop_assert_eq!(&ours, &serde_json::to_vec(&s).unwrap());
        let token = String::from_utf8(ours).unwrap();
        proptest::prop_assert_eq!(unescape(&token), Some(s.clone()));
        let object = format!("{{\"text\":{token},\"id\":{token}}}");
        let flat = flat_object(&object, "text").unwrap();
        let (at, text, breaks) = flat.text.unwrap();
        proptest::prop_assert_eq!((at, text), (0, s));
        proptest::prop_assert!(breaks.is_some(), "written so, so listed");
    }

    /// Lines longer than the thirty-two byte step: escaped as serde_json
    /// does, read back, with the line breaks where the string and the
    /// token have them.
    #[test]
    fn long_lines_read_with_their_breaks(s in "([ -~é€😀\"\\\\\u{1}]{0,90}\n{0,2}){0,5}") {
        let token = serde_json::to_string(&s).unwrap();
        let mut ours = Vec::new();
        write_escaped(&s, &mut ours);
        proptest::prop_assert_eq!(&ours, token.as_bytes());
        let object = format!("{{\"text\":{token}}}");
        let (_, text, breaks) = flat_object(&object, "text").unwrap().text.unwrap();
        proptest::prop_assert_eq!(&text, &s);
        proptest::prop_assert_eq!(breaks, Some(breaks_of(&s)));
    }

    /// Text stored as UTF-16 by mistake (a NUL beside every character,
    /// read a pair at a time): read back as serde_json reads it, with
    /// the line breaks where the string and the token have them, also
    /// where a pair's character is one that ends the pairs (a quote, a
    /// backslash, a control, a break, part of a multi-byte character).
    #[test]
    fn nul_pairs_read_with_their_breaks(s in "(\u{0}?[ -~é€\"\\\\\u{1}\n]\u{0}{0,2}){0,40}") {
        let token = serde_json::to_string(&s).unwrap();
        let object = format!("{{\"text\":{token}}}");
        let (_, text, breaks) = flat_object(&object, "text").unwrap().text.unwrap();
        proptest::prop_assert_eq!(&text, &s);
        proptest::prop_assert_eq!(unescape(&token), Some(s.clone()));
        proptest::prop_assert_eq!(breaks, Some(breaks_of(&s)));
    }

    /// Copying the kept lines from the token as written gives the bytes
    /// that escaping the cleaned text again gives: lines dropped, kept,
    /// cut at the end, changed, in any mix.
    #[test]
    fn copied_pieces_write_what_escaping_writes(
        s in "([ -~é😀\u{1}\u{7f}\t\"\\\\]{0,30}\n?){0,8}",
        fates in proptest::collection::vec(0u8..4, 8),
    ) {
        let token = serde_json::to_string(&s).unwrap();
        let object = format!("{{\"text\":{token}}}");
        let flat = flat_object(&object, "text").unwrap();
        let (_, text, breaks) = flat.text.unwrap();
        let breaks = breaks.unwrap();
        let (mut cleaned, mut pieces, mut pos) = (String::new(), Vec::new(), 0);
        for (n, line) in text.split('\n').enumerate() {
            let piece = match fates[n % fates.len()] {
                0 => None,
                1 => Some(line.to_string()),
                2 => Some(line.trim_end_matches(['"', ' ', 't']).to_string()),
                _ => Some(format!("{line}x")),
            };
            if let Some(p) = piece {
                if !cleaned.is_empty() {
                    cleaned.push('\n');
                }
                pieces.push((pos, cleaned.len()..cleaned.len() + p.len()));
                cleaned.push_str(&p);
            }
            pos += line.len() + 1;
        }
        let mut ours = Vec::new();
        write_escaped_from(&cleaned, &text, &token[1..token.len() - 1], &breaks, pieces, &mut ours);
        proptest::prop_assert_eq!(ours, serde_json::to_vec(&cleaned).unwrap());
    }

    /// Any token serde_json reads, read the same, or left to it.
    #[test]
    fn reads_tokens_as_serde_json_does(s in "\"([ -~é]|\\\\[\"\\\\/bfnrtx]|\\\\u[0-9a-fA-F]{4}|\\\\u[dD][89abAB][0-9a-f]{2}\\\\u[dD][c-fC-F][0-9a-f]{2}|[\u{0}-\u{1f}])*\"") {
        if let Some(ours) = unescape(&s) {
            proptest::prop_assert_eq!(Some(ours), serde_json::from_str::<String>(&s).ok());
        }
    }
}

#[test]
fn leaves_surrogates_and_errors_to_serde_json() {
    assert_eq!(unescape(r#""a\u00e9\n""#).as_deref(), Some("a\u{e9}\n"));
    assert_eq!(unescape(r#""\ud83d\ude00""#).as_deref(), Some("\u{1f600}"));
    for raw in [
        r#""\ude00""#,
        r#""\ud83d""#,
        r#""\ud83d\u0041""#,
        r#""\x""#,
        "\"a\u{1}\"",
        "12",
        r#""\u12""#,
    ] {
        assert_eq!(unescape(raw), None, "{raw}");
    }
}

proptest::proptest! {
    /// The runs between blanks outside tokens are those the record is
    /// built of, at most `MAX_RUNS` of them; the object written again is
    /// the runs joined.
    #[test]
    fn runs_are_the_tokens_between_blanks(
        fields in proptest::collection::vec(
            ("[a-z]{1,3}", "\"[ a-z\\n]{0,5}\"|-?[0-9]{1,3}|true|null", proptest::collection::vec(0usize..4, 4)),
            0..6,
        ),
        ends in proptest::collection::vec(0usize..4, 4),
    ) {
        const BLANKS: [&str; 4] = ["", "", " ", "\t\r\n "];
        let (mut record, mut runs, mut line) = (String::new(), Vec::new(), String::new());
        let mut open = false;
        let mut put = |record: &mut String, runs: &mut Vec<(u32, u32)>, s: &str, token: bool| {
            if s.is_empty() {
                return;
            }
            match (token, open) {
                (true, true) => runs.last_mut().unwrap().1 += s.len() as u32,
                (true, false) => runs.push((record.len() as u32, s.len() as u32)),
                _ => {}
            }
            open = token;
            record.push_str(s);
        };
        put(&mut record, &mut runs, BLANKS[ends[0]], false);
        put(&mut record, &mut runs, "{", true);
        line.push('{');
        // The text first, so that every object has one.
        let text = [("text".to_string(), "\"t\\nu\"".to_string(), vec![ends[1], 0, ends[2], 0])];
        let all: Vec<_> = text.iter().chain(&fields).collect();
        for (n, (k, v, b)) in all.iter().enumerate() {
            if n > 0 {
                put(&mut record, &mut runs, ",", true);
                line.push(',');
            }
            let key = format!("\"{k}\"");
            put(&mut record, &mut runs, BLANKS[b[0]], false);
            put(&mut record, &mut runs, &key, true);
            put(&mut record, &mut runs, BLANKS[b[1]], false);
            put(&mut record, &mut runs, ":", true);
            put(&mut record, &mut runs, BLANKS[b[2]], false);
            put(&mut record, &mut runs, v, true);
            put(&mut record, &mut runs, BLANKS[b[3]], false);
            line.push_str(&format!("{key}:{v}"));
        }
        put(&mut record, &mut runs, "}", true);
        put(&mut record, &mut runs, BLANKS[ends[3]], false);
        line.push('}');
        // A repeated key makes no flat object; nothing to check then.
        let Some(flat) = flat_object(&record, "text") else {
            return Ok(());
        };
        let want = (runs.len() <= MAX_RUNS).then(|| {
            let mut r = Runs { n: runs.len() as u8, ..Runs::default() };
            r.at[..runs.len()].copy_from_slice(&runs);
            r
        });
        proptest::prop_assert_eq!(flat.runs, want, "{:?}", record);
        if let Some(r) = flat.runs {
            let joined: String = r.at[..r.n as usize]
                .iter()
                .map(|&(s, n)| &record[s as usize..(s + n) as usize])
                .collect();
            proptest::prop_assert_eq!(joined, line);
        }
    }
}
