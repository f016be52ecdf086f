//! `deboil dedup` and `run` on a plain file read the kept lines again from
//! it rather than spooling them: the output is the same as from stdin or a
//! gzip file (which are spooled), whatever the JSON's spacing.

mod common;

use std::fs;

use common::{deboil, gzip, seed_texts, stderr, stdout};

/// Records spaced as many writers space them (`": "`, `", "`), compact, one
/// with a CRLF, blank lines between, a byte order mark first and one before
/// a line in the middle (files joined with `cat`), no line break at the
/// end; copies among them.
fn spaced_corpus() -> String {
    let s = seed_texts();
    let mut out = String::from("\u{feff}");
    for (i, text) in s.iter().chain(&s).chain(&s[..3]).enumerate() {
        let text = serde_json::to_string(text).unwrap();
        let id = format!("\"d{i}\"");
        if i == 6 {
            out += "\u{feff}";
        }
        out += &match i % 4 {
            0 => format!(
                "{{\"id\": {id}, \"site\": \"s{}\", \"text\": {text}}}\n",
                i % 3
            ),
            1 => format!("{{\"id\":{id},\"text\":{text}}}\r\n"),
            2 => format!("  {{ \"id\" : {id} ,\t\"text\" : {text} }}  \n\n"),
            _ => format!("{{\"id\": {id}, \"n\": [1, 2], \"text\": {text}}}\n"),
        };
    }
    out.pop();
    out
}

#[test]
fn a_plain_file_gives_the_output_of_stdin_and_of_gzip() {
    let input = spaced_corpus();
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("in.jsonl");
    let gz = tmp.path().join("in.jsonl.gz");
    fs::write(&plain, &input).unwrap();
    fs::write(&gz, gzip(input.as_bytes())).unwrap();
    let runs: [&[&str]; 5] = [
        &["dedup"],
        &["dedup", "--mark"],
        &["dedup", "--verify", "exact"],
        &["run"],
        &["run", "--mark", "--keep", "longest"],
    ];
    // Small batches split runs of lines read back; one batch holds them all.
    for (cmd, batch) in runs.iter().flat_map(|c| [(c, "3K"), (c, "4M")]) {
        let run = |file: Option<&std::path::Path>| {
            let clusters = tmp.path().join("c.jsonl");
            let mut c = deboil();
            c.args(*cmd).args(["-q", "-j", "2", "--batch-bytes", batch]);
            c.arg("--clusters").arg(&clusters);
            match file {
                Some(f) => c.arg(f),
                None => c.write_stdin(input.clone()),
            };
            let o = c.output().unwrap();
            assert!(o.status.success(), "{cmd:?} {batch}: {}", stderr(&o));
            (stdout(&o), fs::read_to_string(&clusters).unwrap())
        };
        let from_stdin = run(None);
        assert!(!from_stdin.1.is_empty(), "{cmd:?}: copies found");
        assert_eq!(run(Some(&plain)), from_stdin, "{cmd:?} on a plain file");
        assert_eq!(run(Some(&gz)), from_stdin, "{cmd:?} on gzip");
    }
}
