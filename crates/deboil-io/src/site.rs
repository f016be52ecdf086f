//! The site of documents whose records name none.
//!
//! A record's own site (its site field, else the host of its URL) always
//! wins. For the rest, the site comes from the input: a pattern's capture
//! on the input's path, else a name given for all inputs, else the name of
//! the directory holding the input.

use std::fmt;
use std::str::FromStr;

use crate::read::Input;

/// A regex with one capture group, matched against an input's absolute path
/// (`.` and `..` resolved by name, `/` between components); the group is
/// the site.
#[derive(Clone)]
pub struct SiteFrom(regex::Regex);

impl FromStr for SiteFrom {
    type Err = String;

    fn from_str(s: &str) -> Result<SiteFrom, String> {
        let re = regex::Regex::new(s).map_err(|e| format!("bad regex: {e}"))?;
        match re.captures_len() - 1 {
            1 => Ok(SiteFrom(re)),
            n => Err(format!(
                "`{s}` has {n} capture groups; give exactly one, around the site (`seeds/([^/]+)/`)"
            )),
        }
    }
}

impl fmt::Debug for SiteFrom {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "SiteFrom({:?})", self.0.as_str())
    }
}

impl SiteFrom {
    /// The capture on `path`, when the regex matches and captures something.
    pub fn site_of(&self, path: &str) -> Option<String> {
        let c = self.0.captures(path)?.get(1)?;
        (!c.is_empty()).then(|| c.as_str().to_string())
    }

    /// The regex as written.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Where the site of documents that name none comes from.
#[derive(Debug, Clone, Default)]
pub struct SiteChoice {
    /// The site for every input (where the path pattern does not match).
    pub name: Option<String>,
    /// A pattern on the input's path; wins over `name` where it matches.
    pub from: Option<SiteFrom>,
}

impl SiteChoice {
    /// The site of `input`'s documents that name none: the path pattern's
    /// capture, else the given name, else the directory's name (empty for
    /// stdin). An error when a pattern is given, does not match the input
    /// (stdin has no path to match) and no name is given to fall back on.
    pub fn fallback_site(&self, input: &Input) -> Result<String, String> {
        if let Some(from) = &self.from {
            let path = input.absolute_path();
            // Named as ids are (bytes that are not UTF-8 as `\xNN`): a lossy
            // `�` made two such folders one site.
            let path = path.as_deref().map(crate::read::path_name);
            if let Some(site) = path.as_deref().and_then(|p| from.site_of(p)) {
                return Ok(site);
            }
            if self.name.is_none() {
                return Err(match path {
                    Some(p) => format!(
                        "the site pattern `{}` matches no part of its path {p}",
                        from.as_str()
                    ),
                    None => format!(
                        "the site pattern `{}` needs a file path, and stdin has none",
                        from.as_str()
                    ),
                });
            }
        }
        Ok(match &self.name {
            Some(name) => name.clone(),
            None => input.parent_name(),
        })
    }

    /// Checks that every input gets a site: the first problem, named by
    /// input, as [`SiteChoice::fallback_site`] words it.
    pub fn check(&self, inputs: &[Input]) -> Result<(), String> {
        for i in inputs {
            self.fallback_site(i)
                .map_err(|e| format!("{}: {e}", i.name))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(p: &str) -> Input {
        Input {
            path: Some(PathBuf::from(p)),
            relative: PathBuf::from(p),
            name: p.to_string(),
        }
    }

    #[test]
    fn the_pattern_wins_then_the_name_then_the_folder() {
        let from: SiteFrom = "seeds/([^/]+)/".parse().unwrap();
        let both = SiteChoice {
            name: Some("given.org".into()),
            from: Some(from.clone()),
        };
        assert_eq!(
            both.fallback_site(&file("/d/seeds/a.de/x/1.txt")).unwrap(),
            "a.de"
        );
        assert_eq!(
            both.fallback_site(&file("/d/other/1.txt")).unwrap(),
            "given.org"
        );
        assert_eq!(both.fallback_site(&Input::stdin()).unwrap(), "given.org");
        // `..` is resolved by name before matching.
        assert_eq!(
            both.fallback_site(&file("/d/seeds/x/../b.de/2.txt"))
                .unwrap(),
            "b.de"
        );
        let only = SiteChoice {
            name: None,
            from: Some(from),
        };
        let e = only
            .check(&[file("/d/seeds/a.de/1.txt"), file("/d/other/1.txt")])
            .unwrap_err();
        assert_eq!(
            e,
            "/d/other/1.txt: the site pattern `seeds/([^/]+)/` matches no part of its path /d/other/1.txt"
        );
        assert!(
            only.fallback_site(&Input::stdin())
                .unwrap_err()
                .contains("stdin has none")
        );
        let none = SiteChoice::default();
        assert_eq!(
            none.fallback_site(&file("/d/other/1.txt")).unwrap(),
            "other"
        );
    }

    #[test]
    fn a_pattern_needs_one_group() {
        assert!(
            "a/(b)/(c)"
                .parse::<SiteFrom>()
                .unwrap_err()
                .contains("has 2 capture groups")
        );
        assert!(
            "a/b"
                .parse::<SiteFrom>()
                .unwrap_err()
                .contains("has 0 capture groups")
        );
        assert!("a/(?P<site>[^/]+)".parse::<SiteFrom>().is_ok());
        assert!(
            "a/("
                .parse::<SiteFrom>()
                .unwrap_err()
                .starts_with("bad regex")
        );
        // An empty capture is no site.
        let f: SiteFrom = "x/([^/]*)/".parse().unwrap();
        assert_eq!(f.site_of("/x//1"), None);
    }
}
