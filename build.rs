//! Puts the git commit into the version (`deboil --version`): `git
//! rev-parse --short HEAD`, or "unknown" where git or the repository is
//! missing (a build from a crates tarball).

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (!s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    // Only this package's own repository: a tarball unpacked inside some
    // other checkout must not report that checkout's commit.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let own = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        std::fs::canonicalize(top).ok() == std::fs::canonicalize(&manifest).ok()
    });
    let commit = own
        .then(|| git(&["rev-parse", "--short", "HEAD"]))
        .flatten();
    if own {
        // Rebuild when HEAD moves: HEAD itself, the branch it names, packed refs.
        let mut watch = vec!["HEAD".to_string(), "packed-refs".to_string()];
        if let Some(r) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watch.push(r);
        }
        for w in watch {
            if let Some(p) = git(&["rev-parse", "--git-path", &w])
                && Path::new(&p).exists()
            {
                println!("cargo:rerun-if-changed={p}");
            }
        }
    }
    println!(
        "cargo:rustc-env=DEBOIL_COMMIT={}",
        commit.as_deref().unwrap_or("unknown")
    );
}
