//! The site's name in the page title. The first line (the HTML title) is
//! "Headline - Site" or "Site: Headline"; a blog prints its name above
//! the post as a line of its own. When the headline is short, the site's
//! name is the larger part of the first line, so it was taken for the
//! title ("Schneier on Security" for "Schneier on Security: Micromorts"),
//! kept, and what lies between it and the body came along (a blog's
//! menu, its blurb). The site's name is the side of the first line that
//! spells the host name's first label ("schneier.com", "ritzybee.typepad.com").

use crate::normalize;

/// Separators of an HTML title's parts.
const SEPARATORS: [&str; 9] = [
    " - ", " – ", " — ", " | ", ": ", " :: ", " » ", " · ", " • ",
];

/// Host labels that name no site: a subdomain's role, a blog host.
const GENERIC: [&str; 12] = [
    "www",
    "news",
    "blog",
    "blogs",
    "online",
    "mobile",
    "home",
    "feeds",
    "blogspot",
    "typepad",
    "wordpress",
    "tumblr",
];

/// A label must be this long to name a site (shorter ones open words).
const LABEL_MIN: usize = 4;

/// The first line's parts: the site's name and the headline, as keys
/// ([`normalize::push_key`]). None when no side of a separator spells one
/// of the site's host labels, or both do and are as long.
pub(super) fn split(first: &str, site: &str) -> Option<(Vec<u8>, Vec<u8>)> {
    let labels: Vec<String> = site_labels(site);
    if labels.is_empty() {
        return None;
    }
    let names_site = |s: &str| {
        let sq = squash(s);
        labels.iter().any(|l| sq.starts_with(l.as_str()))
    };
    for sep in SEPARATORS {
        for (p, _) in first.match_indices(sep) {
            let (left, right) = (first[..p].trim(), first[p + sep.len()..].trim());
            if left.is_empty() || right.is_empty() {
                continue;
            }
            let (l, r) = (names_site(left), names_site(right));
            let (name, rest) = match (l, r) {
                (true, false) => (left, right),
                (false, true) => (right, left),
                // Both spell it ("Hacker Monthly Issue 30 | Hacker
                // Monthly"): the shorter is the name.
                (true, true) if left.len() < right.len() => (left, right),
                (true, true) if right.len() < left.len() => (right, left),
                _ => continue,
            };
            let (mut a, mut b) = (Vec::new(), Vec::new());
            normalize::push_key(name, &mut a);
            normalize::push_key(rest, &mut b);
            if !a.is_empty() && !b.is_empty() {
                return Some((a, b));
            }
        }
    }
    None
}

/// The host's labels that may name the site, squashed as [`squash`] does,
/// digits dropped ("dennysnews2.blogspot.com": "dennysnews").
fn site_labels(site: &str) -> Vec<String> {
    let host = site
        .split("://")
        .last()
        .unwrap_or(site)
        .split('/')
        .next()
        .unwrap_or("");
    let parts: Vec<&str> = host.split('.').collect();
    let n = parts.len().saturating_sub(1); // the top-level domain names nothing
    parts[..n]
        .iter()
        .map(|p| {
            p.chars()
                .filter(char::is_ascii_alphabetic)
                .collect::<String>()
                .to_ascii_lowercase()
        })
        .filter(|l| l.len() >= LABEL_MIN && !GENERIC.contains(&l.as_str()))
        .collect()
}

/// Lower-case ASCII letters and digits of `s`, the rest dropped: "Joy the
/// Baker" is "joythebaker".
fn squash(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Vec<u8> {
        let mut k = Vec::new();
        normalize::push_key(s, &mut k);
        k
    }

    #[test]
    fn the_side_spelling_the_host_is_the_sites_name() {
        let cases = [
            (
                "Schneier on Security: Micromorts",
                "schneier.com",
                "Schneier on Security",
                "Micromorts",
            ),
            (
                "city chic - Ritzy Bee blog",
                "ritzybee.typepad.com",
                "Ritzy Bee blog",
                "city chic",
            ),
            (
                "Hacker Monthly Issue 30 | Hacker Monthly",
                "hackermonthly.com",
                "Hacker Monthly",
                "Hacker Monthly Issue 30",
            ),
            (
                "Dennys: News Politics: 227 Posts",
                "dennysnews2.blogspot.com",
                "Dennys: News Politics",
                "227 Posts",
            ),
        ];
        for (first, site, name, rest) in cases {
            assert_eq!(split(first, site), Some((key(name), key(rest))), "{first}");
        }
    }

    #[test]
    fn no_side_spelling_it_or_a_generic_label_splits_nothing() {
        assert_eq!(
            split("Bridge to be rebuilt - The Town Paper", "example.com"),
            None
        );
        assert_eq!(split("News of the day - Other", "news.example.com"), None);
        assert_eq!(split("Schneier on Security", "schneier.com"), None);
        assert_eq!(split("A: B", "ab.com"), None);
    }
}
