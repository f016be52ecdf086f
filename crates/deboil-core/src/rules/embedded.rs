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
}
