//! `deboil rules`: `rules test` on the shipped and user rule files, and `rules list`.

mod common;

use std::fs;

use common::{deboil, stderr, stdout};

#[test]
fn rules_test_checks_examples_and_reports_bad_files() {
    let o = deboil().args(["rules", "test"]).output().unwrap();
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains(" 0 failed"), "{}", stdout(&o));
    let o = deboil().args(["rules", "test", "rules"]).output().unwrap();
    assert!(o.status.success(), "{}", stdout(&o));

    let tmp = tempfile::tempdir().unwrap();
    let failing = tmp.path().join("failing.toml");
    fs::write(
        &failing,
        "[[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['junk']\n\n[[rule.example]]\ninput = \"a\\njunk\\n\"\noutput = \"a\\njunk\\n\"\n",
    )
    .unwrap();
    let o = deboil()
        .args(["rules", "test"])
        .arg(&failing)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("failing.toml:6: example of rule `x` failed"),
        "{out}"
    );
    assert!(out.contains("0 passed, 1 failed"), "{out}");

    let broken = tmp.path().join("broken.toml");
    fs::write(
        &broken,
        "[[rule]]\nid = \"x\"\nreason = \"r\"\nregex = ['(']\n",
    )
    .unwrap();
    for args in [vec!["rules", "test"], vec!["clean", "--rules"]] {
        let o = deboil()
            .args(&args)
            .arg(&broken)
            .write_stdin("")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("broken.toml:4:11: bad regex: unclosed group"),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn rules_list_names_every_rule() {
    let o = deboil().args(["rules", "list"]).output().unwrap();
    assert!(o.status.success());
    let out = stdout(&o);
    for id in [
        "caucasuswatch.recruitment",
        "de.cookie-notice",
        "en.see-also",
        "fr.copyright",
        "es.newsletter",
        "ru.share-bar",
    ] {
        assert!(out.contains(id), "{id}");
    }
    assert!(out.contains("(off by default)"));
}

#[test]
fn a_rule_directory_without_rule_files_is_an_error_not_no_rules() {
    // A wrong folder, or rules saved as `.TOML` or `.txt`, switched no rule
    // on and the run went on as if they had been read.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("myrules");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("site.TOML"),
        "[[rule]]\nid = \"x\"\nreason = \"r\"\nequals = ['junk']\n",
    )
    .unwrap();
    let want =
        "myrules: no rule file in this directory (rule files end in .toml, or .toml.gz, .toml.zst)";
    for args in [
        vec!["clean", "-q", "--rules"],
        vec!["rules", "list"],
        vec!["rules", "test"],
    ] {
        let o = deboil()
            .args(&args)
            .arg(&dir)
            .write_stdin("a\njunk\n")
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{args:?}: {}", stderr(&o));
        assert!(o.stdout.is_empty(), "{args:?}: {}", stdout(&o));
    }
    // Named .toml, it is read.
    fs::rename(dir.join("site.TOML"), dir.join("site.toml")).unwrap();
    let o = deboil()
        .args(["clean", "-q", "--format", "text", "--rules"])
        .arg(&dir)
        .write_stdin("a\njunk\n")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("junk"), "{}", stdout(&o));
}

#[test]
fn rules_list_shows_the_sites_a_rule_leaves_out_one_rule_a_line() {
    // An excluded site was not shown: the rule read "all sites".
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("r.toml");
    fs::write(
        &f,
        "[[rule]]\nid = \"x.one\"\nreason = \"\"\"two\nlines\twith a tab\"\"\"\nexclude_sites = [\"a.org\", \"*.b.org\"]\nequals = ['junk']\n",
    )
    .unwrap();
    let o = deboil().args(["rules", "list"]).arg(&f).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    let fields: Vec<&str> = out.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 5, "{out}");
    assert_eq!(fields[2], "all sites except a.org,*.b.org");
    assert_eq!(fields[4], "two lines with a tab");
}

#[test]
fn a_rule_file_read_twice_is_named_as_such() {
    // `--rules rules/` beside the built-in copy of the same files said
    // `rules/x.toml:10:6: duplicate rule id ... (first defined at
    // rules/x.toml:10)`: the same place twice, with no word of why.
    let root = env!("CARGO_MANIFEST_DIR");
    let o = deboil()
        .current_dir(root)
        .args(["clean", "--rules", "rules/", "fixtures/seeds.jsonl"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("; the same file is read twice: named twice, or a copy of the built-in rules given beside them"),
        "{}",
        stderr(&o)
    );
    let o = deboil()
        .current_dir(root)
        .args([
            "rules",
            "test",
            "rules/common-de.toml",
            "rules/common-de.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the same file is read twice"),
        "{}",
        stderr(&o)
    );
    // Two files defining one id are two places, named as before.
    let tmp = tempfile::tempdir().unwrap();
    let rule = "[[rule]]\nid = \"x.one\"\nreason = \"r\"\ncontains = [\"hello world\"]\n";
    fs::write(tmp.path().join("a.toml"), rule).unwrap();
    fs::write(tmp.path().join("b.toml"), rule).unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args(["rules", "test", "a.toml", "b.toml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("b.toml:2:6: duplicate rule id `x.one` (first defined at a.toml:2)\n"),
        "{err}"
    );
}

#[test]
fn a_rule_file_that_is_not_utf8_is_named_by_line_and_column() {
    // A rule file saved as Latin-1 said only `cannot read rule file: stream
    // did not contain valid UTF-8`, with no place to look; data files name
    // line and column, and so do rule files now, plain or compressed.
    let tmp = tempfile::tempdir().unwrap();
    let text = b"[[rule]]\nid = \"x.cafe\"\nreason = \"x\"\ncontains = [\"caf\xe9 menu\"]\n";
    fs::write(tmp.path().join("latin1.toml"), text).unwrap();
    fs::write(tmp.path().join("latin1.toml.gz"), common::gzip(text)).unwrap();
    for (name, args) in [
        ("latin1.toml", &["rules", "list", "latin1.toml"][..]),
        ("latin1.toml", &["rules", "test", "latin1.toml"]),
        (
            "latin1.toml.gz",
            &["clean", "--rules", "latin1.toml.gz", "-"],
        ),
    ] {
        let o = deboil()
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "{name}:4:17: invalid UTF-8: rule files are UTF-8 text"
            )),
            "{args:?}: {}",
            stderr(&o)
        );
    }
}

#[test]
fn a_rule_header_with_one_bracket_is_named_as_such() {
    // `[rule]` (or `[rule.example]`) for `[[rule]]` was refused as
    // `invalid type: map, expected a sequence`, which says nothing of the
    // missing bracket.
    let tmp = tempfile::tempdir().unwrap();
    let rule = "id = \"x.one\"\nreason = \"x\"\ncontains = [\"foo bar\"]\n";
    fs::write(
        tmp.path().join("rule.toml"),
        format!("# mine\n\n[rule]\n{rule}"),
    )
    .unwrap();
    fs::write(
        tmp.path().join("example.toml"),
        format!("[[rule]]\n{rule}[rule.example]\ninput = \"foo bar\\n\"\noutput = \"\"\n"),
    )
    .unwrap();
    for (file, place, header) in [
        ("rule.toml", "rule.toml:3:1", "rule"),
        ("example.toml", "example.toml:5:1", "rule.example"),
    ] {
        let o = deboil()
            .current_dir(tmp.path())
            .args(["rules", "test", file])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!(
                "{place}: invalid type: map, expected a sequence: `[{header}]` is one table; \
                 rules and examples are lists, each entry headed `[[{header}]]`"
            )),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn a_rule_id_taken_by_a_built_in_rule_says_so() {
    // A user rule reusing a built-in id was refused as `duplicate rule id
    // ... (first defined at rules/common-en.toml:N)`: a file the user does
    // not have (the built-in rules are compiled in), which `rules test
    // mine.toml` does not read either.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("mine.toml"),
        "[[rule]]\nid = \"en.newsletter\"\nreason = \"x\"\ncontains = [\"foo bar\"]\n",
    )
    .unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args(["clean", "--rules", "mine.toml", "-"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("mine.toml:2:6: duplicate rule id `en.newsletter` (first defined at rules/common-en.toml:"),
        "{err}"
    );
    assert!(
        err.contains(", a built-in rule: give yours another id)"),
        "{err}"
    );
}

#[test]
fn a_regex_that_matches_the_empty_string_is_refused() {
    // `x*` or `(foo)?` matches the empty string, so a `line` rule removed
    // every line of every document (exit 0, "39 -> 0 bytes") and a `span`
    // rule removed nothing, `foo` included; `rules test` passed the file.
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.txt");
    fs::write(&input, "Hello world foo bar.\nSecond line here.\n").unwrap();
    for (pattern, action) in [("x*", "line"), ("(foo)?", "span"), ("^", "paragraph")] {
        fs::write(
            tmp.path().join("mine.toml"),
            format!(
                "# mine\n[[rule]]\nid = \"my.empty\"\nreason = \"r\"\nregex = ['{pattern}']\naction = \"{action}\"\n"
            ),
        )
        .unwrap();
        let runs: [&[&str]; 3] = [
            &["clean", "--rules", "mine.toml", "in.txt"],
            &["rules", "test", "mine.toml"],
            &["rules", "list", "mine.toml"],
        ];
        for args in runs {
            let o = deboil()
                .current_dir(tmp.path())
                .args(args)
                .output()
                .unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{args:?} {pattern}: {err}");
            assert!(
                err.contains(&format!(
                    "mine.toml:5:10: rule `my.empty`: regex `{pattern}` can match the empty string"
                )),
                "{args:?}: {err}"
            );
            assert!(stdout(&o).is_empty(), "{args:?}: {}", stdout(&o));
        }
    }
    // Anchored to whole lines, the empty match is meant: a line rule that
    // removes lines holding only white space (a no-break space) stays.
    fs::write(
        tmp.path().join("mine.toml"),
        "[[rule]]\nid = \"my.blank\"\nreason = \"r\"\nregex = ['^\\s*$']\naction = \"line\"\n",
    )
    .unwrap();
    fs::write(&input, "Hello world foo bar.\n\u{a0}\nSecond line here.\n").unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args([
            "clean",
            "-q",
            "--no-default-rules",
            "--rules",
            "mine.toml",
            "in.txt",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains(r#""text":"Hello world foo bar.\nSecond line here.\n""#),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rules_test_and_list_warn_of_an_id_taken_by_a_built_in_rule() {
    // `rules test mine.toml` and `rules list mine.toml` read the file alone
    // and passed it silently, while `clean --rules mine.toml` refused it. A
    // warning, not an error: with --no-default-rules the file is fine.
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("mine.toml"),
        "[[rule]]\nid = \"en.newsletter\"\nreason = \"x\"\ncontains = [\"foo bar\"]\n\n\
         [[rule]]\nid = \"en.cookie-notice\"\nreason = \"x\"\ncontains = [\"foo baz\"]\n\n\
         [[rule]]\nid = \"my.own\"\nreason = \"x\"\ncontains = [\"foo qux\"]\n",
    )
    .unwrap();
    for cmd in ["test", "list"] {
        let o = deboil()
            .current_dir(tmp.path())
            .args(["rules", cmd, "mine.toml"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(
            err.contains(
                "deboil: warning: mine.toml:2:6: duplicate rule id `en.newsletter` (first defined at rules/common-en.toml:"
            ),
            "{cmd}: {err}"
        );
        assert!(
            err.contains(
                ", a built-in rule: give yours another id), and 1 more of these ids; clean, run and check refuse these rules beside the built-in ones (--no-default-rules takes them)"
            ),
            "{cmd}: {err}"
        );
    }
    let o = deboil()
        .current_dir(tmp.path())
        .args(["rules", "list", "mine.toml"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).lines().count(), 3, "{}", stdout(&o));
    // A file without such an id is not warned about.
    fs::write(
        tmp.path().join("ok.toml"),
        "[[rule]]\nid = \"my.own\"\nreason = \"x\"\ncontains = [\"foo qux\"]\n",
    )
    .unwrap();
    let o = deboil()
        .current_dir(tmp.path())
        .args(["rules", "list", "ok.toml"])
        .output()
        .unwrap();
    assert!(
        o.status.success() && stderr(&o).is_empty(),
        "{}",
        stderr(&o)
    );
}
