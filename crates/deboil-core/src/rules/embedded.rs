//! The default rule files, compiled into the binary.
//!
//! Every `rules/*.toml` must be listed here; a test checks that none is missing.

/// `(name, text)` of each embedded rule file, in load order.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "rules/caucasuswatch.de.toml",
        include_str!("../../../../rules/caucasuswatch.de.toml"),
    ),
    (
        "rules/common-de.toml",
        include_str!("../../../../rules/common-de.toml"),
    ),
    (
        "rules/common-en.toml",
        include_str!("../../../../rules/common-en.toml"),
    ),
    (
        "rules/common-es.toml",
        include_str!("../../../../rules/common-es.toml"),
    ),
    (
        "rules/common-fr.toml",
        include_str!("../../../../rules/common-fr.toml"),
    ),
    (
        "rules/common-ru.toml",
        include_str!("../../../../rules/common-ru.toml"),
    ),
];

/// A digest of the embedded rule files (xxh3-64 over their names and
/// texts), to tell which default rules a build carries.
pub fn embedded_digest() -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (name, text) in EMBEDDED {
        // Lengths first, so that no two lists hash the same input.
        h.update(&(name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update(&(text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    h.digest()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_rule_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("rules/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = super::EMBEDDED.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, embedded);
    }

    /// The default rules' regexes are compiled on first use, where an error
    /// would panic: each must compile.
    #[test]
    fn every_embedded_regex_compiles() {
        let mut n = 0;
        for (name, text) in super::EMBEDDED {
            let spec: crate::rules::spec::FileSpec = toml::from_str(text).unwrap();
            for r in &spec.rules {
                for re in &r.get_ref().regex {
                    let c = crate::rules::matcher::compile_regex(re.get_ref());
                    assert!(c.is_ok(), "{name}: {}: {c:?}", re.get_ref());
                    // Refused in user files, so not checked when built in.
                    assert!(
                        !crate::rules::compile::matches_without_text(
                            re.get_ref(),
                            c.as_ref().unwrap()
                        ),
                        "{name}: {} can match the empty string",
                        re.get_ref()
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 0);
    }

    /// Only the built-in files unchanged count as default rules (whose
    /// regexes wait); an edited copy is compiled beforehand, errors first.
    #[test]
    fn only_unchanged_default_files_are_lazy() {
        use crate::rules::{RuleSet, RuleSource, Toggles, compile::is_embedded};
        let mut srcs = RuleSource::embedded();
        assert!(srcs.iter().all(is_embedded));
        let (name, text) = super::EMBEDDED[2];
        let mut edited = RuleSource::new(name, text);
        edited
            .text
            .push_str("\n[[rule]]\nid = \"x.bad\"\nreason = \"r\"\nregex = ['(unclosed']\n");
        assert!(!is_embedded(&edited));
        srcs[2] = edited;
        let e = RuleSet::compile(&srcs, &Toggles::default()).unwrap_err();
        assert!(e.to_string().contains("unclosed group"), "{e}");
        let mut learned = RuleSource::new(name, text);
        learned.learned = true;
        assert!(!is_embedded(&learned));
    }
}
