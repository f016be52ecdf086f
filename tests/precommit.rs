//! The hooks in `.pre-commit-hooks.yaml` under the real pre-commit tool
//! (from PyPI; `.ci/run` installs it), in a temporary git repository: a
//! commit adding an article with junk fails and prints the finding, one
//! adding a duplicated article fails, a clean commit passes, and the fixer
//! repairs the file.
//!
//! Building the hooks as users get them (`language: rust`: pre-commit runs
//! `cargo install` on this repository) takes minutes, so the commit tests
//! run each hook of the manifest, its entry, file pattern and options as
//! written, as a `repo: local` hook on the binary cargo built for the tests;
//! `pre-commit validate-manifest` checks the manifest itself, and the
//! `language: rust` build has its own test, run with `--ignored`.
//!
//! Without pre-commit the tests are skipped with a message, except in CI
//! (`CI` set), where they fail.
#![cfg(unix)]

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output};

use common::*;

const BIN: &str = env!("CARGO_BIN_EXE_deboil");

/// How to run pre-commit (the program and its first arguments): its
/// script on the PATH, else the module of `python3` (a `pip install --user`
/// may leave the script off the PATH). `None`, with a loud message, when it
/// is missing outside CI; in CI a missing pre-commit fails the test.
fn pre_commit() -> Option<Vec<String>> {
    for cmd in [vec!["pre-commit"], vec!["python3", "-m", "pre_commit"]] {
        let found = Command::new(cmd[0])
            .args(&cmd[1..])
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if found {
            return Some(cmd.into_iter().map(String::from).collect());
        }
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "pre-commit is not installed; .ci/run installs it (python3 -m pip install 'pre-commit>=3,<5')"
        );
    }
    // Straight to stderr: the test harness shows eprintln! only on failure.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED: pre-commit is not installed, so the pre-commit hooks were NOT tested. ***\n\
         *** Install it with: python3 -m pip install 'pre-commit>=3,<5' (as .ci/run does). ***\n"
    );
    None
}

/// One hook of the manifest: the keys the tests use.
#[derive(Debug, Default)]
struct Hook {
    id: String,
    entry: String,
    files: String,
    pass_filenames: Option<String>,
    require_serial: Option<String>,
}

/// The hooks of `.pre-commit-hooks.yaml` (a flat list of `key: value`
/// maps, as written there).
fn manifest_hooks() -> Vec<Hook> {
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml"))
            .unwrap();
    let mut hooks: Vec<Hook> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .trim_start_matches("- ")
            .trim()
            .split_once(": ")
            .unwrap();
        if line.starts_with("- ") {
            hooks.push(Hook::default());
        }
        let h = hooks.last_mut().unwrap();
        let value = value.to_string();
        match key {
            "id" => h.id = value,
            "entry" => h.entry = value,
            "files" => h.files = value,
            "pass_filenames" => h.pass_filenames = Some(value),
            "require_serial" => h.require_serial = Some(value),
            _ => {}
        }
    }
    hooks
}

/// A `repo: local` configuration running the manifest's hooks `ids` on the
/// test binary, each with `args`.
fn local_config(ids: &[(&str, &[&str])]) -> String {
    let hooks = manifest_hooks();
    let mut out = String::from("repos:\n  - repo: local\n    hooks:\n");
    for (id, args) in ids {
        let h = hooks.iter().find(|h| h.id == *id).unwrap();
        let entry = h.entry.strip_prefix("deboil ").expect("entry runs deboil");
        out.push_str(&format!(
            "      - id: {}\n        name: {}\n        entry: \"'{BIN}' {entry}\"\n        language: system\n        files: {}\n",
            h.id, h.id, h.files
        ));
        for (k, v) in [
            ("pass_filenames", &h.pass_filenames),
            ("require_serial", &h.require_serial),
        ] {
            if let Some(v) = v {
                out.push_str(&format!("        {k}: {v}\n"));
            }
        }
        if !args.is_empty() {
            out.push_str(&format!("        args: [{}]\n", args.join(", ")));
        }
    }
    out
}

/// A git repository in a temp directory, isolated from the user's git and
/// pre-commit settings.
struct Repo {
    dir: tempfile::TempDir,
    pre_commit: Vec<String>,
}

impl Repo {
    fn new(pre_commit: Vec<String>) -> Repo {
        let r = Repo {
            dir: tempfile::tempdir().unwrap(),
            pre_commit,
        };
        r.git(&["init", "-q", "-b", "main"]);
        r
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn cmd(&self, program: &Path) -> Command {
        let mut c = Command::new(program);
        c.current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.org")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.org")
            .env("PRE_COMMIT_HOME", self.path().join(".cache-pre-commit"))
            .env_remove("PRE_COMMIT_COLOR")
            .env("NO_COLOR", "1");
        c
    }

    fn git(&self, args: &[&str]) -> Output {
        let o = self.cmd(Path::new("git")).args(args).output().unwrap();
        assert!(
            o.status.success() || args[0] == "commit",
            "git {args:?}: {}",
            stderr(&o)
        );
        o
    }

    /// A pre-commit command in the repository.
    fn pre_commit_cmd(&self) -> Command {
        let mut c = self.cmd(Path::new(&self.pre_commit[0]));
        c.args(&self.pre_commit[1..]);
        c
    }

    fn pre_commit(&self, args: &[&str]) -> Output {
        self.pre_commit_cmd().args(args).output().unwrap()
    }

    fn write(&self, name: &str, text: &str) {
        let p = self.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    /// `git add -A` and `git commit`: the installed hook runs pre-commit.
    /// Returns the commit's output (stdout and stderr) and whether it passed.
    fn commit(&self, msg: &str) -> (bool, String) {
        self.git(&["add", "-A"]);
        let o = self.git(&["commit", "-q", "-m", msg]);
        (o.status.success(), format!("{}{}", stdout(&o), stderr(&o)))
    }

    fn commits(&self) -> usize {
        let o = self.git(&["rev-list", "--count", "--all"]);
        stdout(&o).trim().parse().unwrap_or(0)
    }
}

/// `text` with a cookie notice the embedded rules remove as line 3.
fn with_junk(text: &str) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(
        2,
        "Wir verwenden Cookies, um unser Angebot für Sie zu verbessern.",
    );
    lines.join("\n") + "\n"
}

fn article(i: usize) -> String {
    let t = &seed_texts()[i];
    t.lines().collect::<Vec<_>>().join("\n") + "\n"
}

#[test]
fn the_manifest_is_valid() {
    let Some(pc) = pre_commit() else { return };
    let o = Command::new(&pc[0])
        .args(&pc[1..])
        .args(["validate-manifest", ".pre-commit-hooks.yaml"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let ids: Vec<String> = manifest_hooks().into_iter().map(|h| h.id).collect();
    assert_eq!(ids, ["deboil-check", "deboil-fix", "deboil-dedup"]);
    let dedup = manifest_hooks()
        .into_iter()
        .find(|h| h.id == "deboil-dedup")
        .unwrap();
    assert_eq!(dedup.require_serial.as_deref(), Some("true"));
}

#[test]
fn commits_with_junk_or_copies_fail_and_clean_ones_pass() {
    let Some(pc) = pre_commit() else { return };
    let repo = Repo::new(pc);
    repo.write(
        ".pre-commit-config.yaml",
        &local_config(&[
            ("deboil-check", &[]),
            ("deboil-dedup", &["--against", "articles"]),
        ]),
    );
    let o = repo.pre_commit(&["install"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A clean article (and a file the hooks do not look at) passes.
    repo.write("articles/a.txt", &article(0));
    repo.write(
        "README.md",
        "Wir verwenden Cookies, um unser Angebot zu verbessern.\n",
    );
    let (ok, out) = repo.commit("clean");
    assert!(ok, "{out}");
    assert_eq!(repo.commits(), 1);
    // An article carrying junk fails, naming the file and the line.
    repo.write("articles/b.txt", &with_junk(&article(1)));
    let (ok, out) = repo.commit("junk");
    assert!(!ok, "{out}");
    assert!(
        out.contains("articles/b.txt:3: junk/de.cookie-notice: \"Wir verwenden Cookies"),
        "{out}"
    );
    assert_eq!(repo.commits(), 1);
    repo.git(&["rm", "-q", "--cached", "articles/b.txt"]);
    fs::remove_file(repo.path().join("articles/b.txt")).unwrap();
    // A copy of a committed article fails: the dedup hook compares the
    // staged files with the rest of the folder.
    repo.write("articles/c.txt", &article(0));
    let (ok, out) = repo.commit("copy");
    assert!(!ok, "{out}");
    assert!(
        out.contains("articles/c.txt:1: exact duplicate of articles/a.txt:1"),
        "{out}"
    );
    // A new, different article passes.
    fs::remove_file(repo.path().join("articles/c.txt")).unwrap();
    repo.write("articles/d.txt", &article(2));
    let (ok, out) = repo.commit("another");
    assert!(ok, "{out}");
    assert_eq!(repo.commits(), 2);
}

#[test]
fn the_fixer_repairs_the_file_and_the_next_commit_passes() {
    let Some(pc) = pre_commit() else { return };
    let repo = Repo::new(pc);
    repo.write(
        ".pre-commit-config.yaml",
        &local_config(&[("deboil-fix", &[]), ("deboil-check", &[])]),
    );
    assert!(repo.pre_commit(&["install"]).status.success());
    let records = format!(
        "{}\n{}\n",
        serde_json::json!({"id": "x1", "text": article(0)}),
        serde_json::json!({"id": "x2", "text": with_junk(&article(1))}),
    );
    repo.write("data/shard.jsonl", &records);
    let (ok, out) = repo.commit("junk");
    assert!(!ok, "a fixer that changed a file fails the commit: {out}");
    assert!(
        out.contains("data/shard.jsonl:2: junk/de.cookie-notice"),
        "{out}"
    );
    assert!(out.contains("files were modified by this hook"), "{out}");
    let fixed = fs::read_to_string(repo.path().join("data/shard.jsonl")).unwrap();
    let lines: Vec<&str> = fixed.lines().collect();
    assert_eq!(
        lines[0],
        records.lines().next().unwrap(),
        "untouched record kept"
    );
    let rec: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(rec["text"], article(1));
    // Staged again, the commit passes.
    let (ok, out) = repo.commit("fixed");
    assert!(ok, "{out}");
    assert_eq!(repo.commits(), 1);
}

/// The hooks look at every name deboil reads as JSONL or text data by
/// itself: `.zstd` as well as `.zst`, and in any case (`B.TXT`), as deboil
/// goes by the name lowercased. They skipped those, so the commit passed
/// with the junk that `deboil check data/` reports. `.json` stays out: in
/// a repository it names configuration (and the baseline) more often than
/// JSONL, which the hooks would refuse as malformed.
#[test]
fn the_hooks_look_at_every_data_file_name_deboil_reads() {
    let Some(pc) = pre_commit() else { return };
    let repo = Repo::new(pc);
    repo.write(
        ".pre-commit-config.yaml",
        &local_config(&[("deboil-check", &[])]),
    );
    assert!(repo.pre_commit(&["install"]).status.success());
    let record = serde_json::json!({"id": "x1", "text": with_junk(&article(0))});
    let zstd = zstd::encode_all(format!("{record}\n").as_bytes(), 3).unwrap();
    fs::create_dir_all(repo.path().join("data")).unwrap();
    fs::write(repo.path().join("data/shard.jsonl.zstd"), zstd).unwrap();
    repo.write("data/B.TXT", &with_junk(&article(1)));
    repo.write("data/info.json", "{\n  \"name\": \"news\"\n}\n");
    let (ok, out) = repo.commit("junk");
    assert!(!ok, "{out}");
    for finding in [
        "data/shard.jsonl.zstd:1: junk/de.cookie-notice",
        "data/B.TXT:3: junk/de.cookie-notice",
    ] {
        assert!(out.contains(finding), "{finding}: {out}");
    }
    assert!(!out.contains("info.json"), "{out}");
}

/// The hooks as users install them: pre-commit builds this repository's
/// HEAD with cargo (`language: rust`). Minutes: run with `--ignored`.
#[test]
#[ignore = "pre-commit builds deboil in release mode with cargo: about 5 minutes"]
fn language_rust_hooks_build_from_this_repository() {
    let Some(pc) = pre_commit() else { return };
    let root = env!("CARGO_MANIFEST_DIR");
    let head = Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(head.status.success(), "needs a git checkout of deboil");
    let rev = stdout(&head).trim().to_string();
    let repo = Repo::new(pc);
    repo.write(
        ".pre-commit-config.yaml",
        &format!(
            "repos:\n  - repo: {root}\n    rev: {rev}\n    hooks:\n      - id: deboil-check\n      - id: deboil-dedup\n"
        ),
    );
    repo.write("articles/a.txt", &with_junk(&article(0)));
    repo.write("articles/b.txt", &with_junk(&article(0)));
    repo.git(&["add", "-A"]);
    // cargo install builds in its own target directory, not the tests'.
    let o = repo
        .pre_commit_cmd()
        .args(["run", "--all-files"])
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("articles/a.txt:3: junk/de.cookie-notice"),
        "{out}"
    );
    assert!(
        out.contains("articles/b.txt:1: exact duplicate of articles/a.txt:1"),
        "{out}"
    );
}
