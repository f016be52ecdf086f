//! The spool: parts held and spilled, framed records, lines left in the
//! inputs and read back, a changed input refused.

use super::left::common_prefix;
use super::*;

fn lines(spool: &Spool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for part in spool.parts() {
        spool
            .each_line(part, &mut Vec::new(), &mut Vec::new(), |i, l| {
                out.push((i, String::from_utf8(l.to_vec()).unwrap()));
                Ok(())
            })
            .unwrap();
    }
    out
}

fn in_memory(spool: &Spool) -> Vec<bool> {
    let at = |p: &SpoolPart| matches!(p.at, At::Memory(_));
    spool.parts().iter().map(at).collect()
}

#[test]
fn parts_are_held_while_they_fit_and_spill_oldest_first() {
    let part = |n: usize| -> Vec<u8> { format!("{{\"text\":\"{n}{}\"}}\n", "x".repeat(40)).into() };
    // Each part is 53 bytes; 150 bytes hold two beside 20 bytes of state.
    let mut spool = Spool::new(150);
    spool.push(0, 1, part(0), 0, 20).unwrap();
    spool.push(1, 1, part(1), 0, 20).unwrap();
    spool.push(2, 1, part(2), 0, 20).unwrap();
    assert_eq!(in_memory(&spool), [true, true, false]);
    // The state grows: the oldest held part makes room.
    spool.push(3, 1, part(3), 0, 60).unwrap();
    assert_eq!(in_memory(&spool), [false, true, false, false]);
    let names = FieldNames::default();
    for (i, (d, line)) in lines(&spool).into_iter().enumerate() {
        assert_eq!((d, line), (i, String::from_utf8(part(i)).unwrap()));
        let span = (53 * i as u64, 53);
        let text = spool.read_text(span, &names).unwrap();
        assert_eq!(text, format!("{i}{}", "x".repeat(40)));
    }
    let texts = spool.texts_at(&[1, 2], &names).unwrap();
    assert_eq!(texts.len(), 2);
    assert!(texts[&2].starts_with('2'));
    // A budget of 0: everything in the file, read back the same.
    let mut file = Spool::new(0);
    for i in 0..4 {
        file.push(i, 1, part(i), 0, 0).unwrap();
    }
    assert_eq!(in_memory(&file), [false; 4]);
    assert_eq!(lines(&file), lines(&spool));
}

#[test]
fn framed_records_read_back_from_memory_and_file() {
    for budget in [0, 1 << 20] {
        let mut spool = Spool::new(budget);
        let mut bytes = Vec::new();
        write_framed(&mut bytes, 7, b"key", b"12345678").unwrap();
        write_framed(&mut bytes, 9, b"", b"").unwrap();
        spool.push(7, 2, bytes, 0, 0).unwrap();
        let mut got = Vec::new();
        let part = &spool.parts()[0];
        (spool.each_framed(part, &mut Vec::new(), |d, a, b| {
            got.push((d, a.to_vec(), b.to_vec()));
            Ok(())
        }))
        .unwrap();
        let want = [
            (7, b"key".to_vec(), b"12345678".to_vec()),
            (9, vec![], vec![]),
        ];
        assert_eq!(got, want, "budget {budget}");
    }
}

#[test]
fn pieces_leave_out_only_blanks_between_tokens() {
    let rec = br#"  {"id": "a",	"text": "x  y"}  "#;
    let line = br#"{"id":"a","text":"x  y"}"#;
    let p = pieces_of(rec, line).unwrap();
    let joined: Vec<u8> = (p.as_slice().iter())
        .flat_map(|&(at, n)| rec[at as usize..][..n as usize].to_vec())
        .collect();
    assert_eq!(joined, line);
    assert_eq!(p.n, 4);
    // Written as read: one piece.
    assert_eq!(pieces_of(line, line).unwrap().as_slice(), [(0, 24)]);
    // A byte the record lacks (a key escaped anew), or a line longer.
    assert_eq!(pieces_of(br#"{"a":1}"#, br#"{"\u0061":1}"#), None);
    assert_eq!(pieces_of(br#"{"a":1}"#, br#"{"a":1}x"#), None);
    // Too many pieces: spooled instead.
    let many: String = (0..20)
        .map(|i| format!("\"k{i}\": {i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let compact: String = (0..20)
        .map(|i| format!("\"k{i}\":{i}"))
        .collect::<Vec<_>>()
        .join(",");
    assert_eq!(pieces_of(many.as_bytes(), compact.as_bytes()), None);
    // Long equal stretches and a difference past them.
    let long = "z".repeat(1000);
    let (a, b) = (format!("{long} {long}"), format!("{long}{long}"));
    assert_eq!(
        pieces_of(a.as_bytes(), b.as_bytes()).unwrap().as_slice(),
        [(0, 1000), (1001, 1000)]
    );
}

/// The pieces of `record` joined.
fn joined(record: &[u8], p: &Pieces) -> Vec<u8> {
    (p.as_slice().iter())
        .flat_map(|&(at, n)| record[at as usize..][..n as usize].to_vec())
        .collect()
}

#[test]
fn pieces_leave_out_the_lines_the_cleaner_cut() {
    // `run` cut a share bar, a cookie notice and the blank lines at the end.
    let rec = br#"{"id": "a", "text": "Share on Facebook\nFirst line.\nWe use cookies.\nSecond line.\n\n", "n": 2}"#;
    let line = br#"{"id":"a","text":"First line.\nSecond line.","n":2}"#;
    let p = pieces_of(rec, line).unwrap();
    assert_eq!(joined(rec, &p), line);
    // Five blanks left out (after `:` and `,`) and three stretches cut.
    assert_eq!(p.n, 9, "{:?}", p.as_slice());
    // The line's next bytes found first in the stretch cut: the pieces
    // still make the line.
    let rec = br#"{"text":"keep\nsame words A\nsame words B"}"#;
    let line = br#"{"text":"keep\nsame words B"}"#;
    assert_eq!(joined(rec, &pieces_of(rec, line).unwrap()), line);
    // Bytes the record lacks, or the cut's text escaped anew: spooled.
    assert_eq!(
        pieces_of(br#"{"text":"a b c"}"#, br#"{"text":"a x c"}"#),
        None
    );
    assert_eq!(
        pieces_of(
            br#"{"text":"\u00e9t\u00e9"}"#,
            "{\"text\":\"été\"}".as_bytes()
        ),
        None
    );
    // More cuts than a line may have pieces: spooled.
    let lines: Vec<String> = (0..40).map(|i| format!("line {i} junk {i}")).collect();
    let kept: Vec<&str> = lines.iter().step_by(2).map(|l| &l[..6]).collect();
    let rec = format!("{{\"text\":\"{}\"}}", lines.join("\\n"));
    let line = format!("{{\"text\":\"{}\"}}", kept.join(""));
    assert_eq!(pieces_of(rec.as_bytes(), line.as_bytes()), None);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// Whatever the record and line, pieces found make the line; and a
    /// line that is stretches of the record (in order) is found whole
    /// when the stretches are few and end before a `"` or a difference.
    #[test]
    fn pieces_found_always_make_the_line(
        record in proptest::collection::vec(proptest::sample::select(b"ab \"\n,:".to_vec()), 0..200),
        cuts in proptest::collection::vec((0usize..200, 0usize..200), 0..6),
        noise in proptest::collection::vec(proptest::sample::select(b"ab \"".to_vec()), 0..3),
    ) {
        let mut spans: Vec<(usize, usize)> = cuts
            .iter()
            .map(|&(a, b)| (a.min(b).min(record.len()), a.max(b).min(record.len())))
            .collect();
        spans.sort();
        let mut line = Vec::new();
        let mut end = 0;
        for (a, b) in spans {
            if a >= end {
                line.extend_from_slice(&record[a..b]);
                end = b;
            }
        }
        line.extend_from_slice(&noise);
        if let Some(p) = pieces_of(&record, &line) {
            proptest::prop_assert_eq!(joined(&record, &p), line);
        }
    }
}

#[test]
fn common_prefix_finds_the_first_difference_at_any_place() {
    let a: Vec<u8> = (0..1500u32).map(|i| (i * 7 % 251) as u8).collect();
    for len in [0usize, 1, 7, 8, 9, 63, 64, 65, 300, 1500] {
        for at in (0..len).step_by(13).chain([len.saturating_sub(1)]) {
            let mut b = a[..len].to_vec();
            if at < len {
                b[at] ^= 1;
            }
            let want = if at < len { at } else { len };
            assert_eq!(common_prefix(&a, &b), want, "len {len} at {at}");
            assert_eq!(common_prefix(&b, &a), want, "len {len} at {at}");
        }
        assert_eq!(common_prefix(&a[..len], &a), len);
    }
}

/// A spool whose lines are all left in `file`'s records (one a line).
fn left_in(
    path: &std::path::Path,
    text: &str,
    line_of: impl Fn(&str) -> String,
) -> (Spool, Vec<String>) {
    let input = Input {
        path: Some(path.to_path_buf()),
        relative: path.into(),
        name: path.display().to_string(),
    };
    let mut spool = Spool::new(1 << 20);
    assert_eq!(spool.leave_in_inputs(&[input]), [true]);
    let (mut refs, mut bytes) = (Refs::default(), Vec::new());
    let (mut offset, mut want) = (0, Vec::new());
    for rec in text.split_inclusive('\n') {
        let record = rec.trim_end_matches('\n');
        let line = line_of(record);
        let pieces = pieces_of(record.as_bytes(), line.as_bytes()).unwrap();
        let at = InInput {
            input: 0,
            len: record.len() as u32,
            offset,
        };
        let mut written = Vec::new();
        at.write_with(&pieces, &mut written);
        refs.left(&written);
        offset += rec.len() as u64;
        want.push(line + "\n");
    }
    let n = refs.append_to(&mut bytes);
    spool.push(0, want.len(), bytes, n, 0).unwrap();
    (spool, want)
}

fn read_back(spool: &Spool) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for part in spool.parts() {
        spool.each_line(part, &mut Vec::new(), &mut Vec::new(), |_, l| {
            out.push(String::from_utf8(l.to_vec()).unwrap());
            Ok(())
        })?;
    }
    Ok(out)
}

#[test]
fn lines_left_in_the_input_read_back_as_spooled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    // Spaced and compact records, a CRLF line, no newline at the end.
    let text = "{\"id\": \"a\", \"text\": \"x\"}\n{\"id\":\"b\"}\r\n{\"id\": \"c\"}";
    std::fs::write(&path, text).unwrap();
    let compact = |r: &str| {
        r.trim_end_matches('\r')
            .replace(": ", ":")
            .replace(", ", ",")
    };
    let (spool, want) = left_in(&path, text, compact);
    assert_eq!(want[1], "{\"id\":\"b\"}\n");
    spool.check_inputs().unwrap();
    assert_eq!(read_back(&spool).unwrap(), want);
    // The same lines spooled read back the same.
    let mut spooled = Spool::new(0);
    spooled
        .push(0, 3, want.concat().into_bytes(), 0, 0)
        .unwrap();
    assert_eq!(read_back(&spooled).unwrap(), want);
}

#[test]
fn a_changed_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.jsonl");
    let text = "{\"id\": \"a\"}\n{\"id\": \"b\"}\n";
    std::fs::write(&path, text).unwrap();
    let compact = |r: &str| r.replace(": ", ":");
    let (spool, _) = left_in(&path, text, compact);
    // Appended to: its length says so.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(b"{\"id\": \"c\"}\n").unwrap();
    drop(f);
    let e = spool.check_inputs().unwrap_err().to_string();
    assert!(e.contains("changed while it was being deduplicated"), "{e}");
    // Rewritten in place, same length, lines moved: the line breaks say so
    // even when the metadata would not.
    std::fs::write(&path, text).unwrap();
    let (spool, _) = left_in(&path, text, compact);
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    std::os::unix::fs::FileExt::write_all_at(&f, b"{\"id\":  \"a\"}\n", 0).unwrap();
    let e = read_back(&spool).unwrap_err().to_string();
    assert!(e.contains("changed while it was being deduplicated"), "{e}");
}

#[test]
fn spooled_and_left_lines_mix_in_a_part_held_or_spilled() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    // A blank line between records of `a`: a gap of two line breaks.
    std::fs::write(&a, "{\"id\": \"a0\"}\n\n{\"id\":\"a1\"}\n").unwrap();
    std::fs::write(&b, "{\"id\": \"b0\"}\n").unwrap();
    let inputs: Vec<Input> = [&a, &b]
        .iter()
        .map(|p| Input {
            path: Some(p.to_path_buf()),
            relative: p.into(),
            name: p.display().to_string(),
        })
        .collect();
    let left = |refs: &mut Refs, input: u32, offset: u64, record: &str| {
        let line = record.replace(": ", ":");
        let pieces = pieces_of(record.as_bytes(), line.as_bytes()).unwrap();
        let len = record.len() as u32;
        let mut written = Vec::new();
        InInput { input, len, offset }.write_with(&pieces, &mut written);
        refs.left(&written);
    };
    let mut got = Vec::new();
    for budget in [0, 1 << 20] {
        let mut spool = Spool::new(budget);
        assert_eq!(spool.leave_in_inputs(&inputs), [true, true]);
        // Spooled, left in a, left in a after a gap, left in b, spooled.
        let (mut refs, mut bytes) = (Refs::default(), Vec::new());
        refs.spooled();
        bytes.extend_from_slice(b"{\"s\":1}\n");
        left(&mut refs, 0, 0, "{\"id\": \"a0\"}");
        left(&mut refs, 0, 14, "{\"id\":\"a1\"}");
        left(&mut refs, 1, 0, "{\"id\": \"b0\"}");
        refs.spooled();
        bytes.extend_from_slice(b"{\"s\":2}\n");
        let n = refs.append_to(&mut bytes);
        // Each reference takes a few bytes: a tag, input and offset when
        // not right after the last, the length and four pieces' bytes.
        assert!(n <= 2 + 3 * 13, "{n} bytes of references");
        spool.push(5, 5, bytes, n, 0).unwrap();
        assert_eq!(in_memory(&spool), [budget > 0]);
        got.push(lines(&spool));
    }
    let want: Vec<(usize, String)> = [
        "{\"s\":1}",
        "{\"id\":\"a0\"}",
        "{\"id\":\"a1\"}",
        "{\"id\":\"b0\"}",
        "{\"s\":2}",
    ]
    .iter()
    .enumerate()
    .map(|(i, l)| (5 + i, format!("{l}\n")))
    .collect();
    assert_eq!(got, [want.clone(), want]);
}
