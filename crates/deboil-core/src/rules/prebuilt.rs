//! The default rule files' regex triggers, found when the library was built
//! (`build.rs` runs [`super::prefilter::triggers`] on every regex of
//! `rules/*.toml`): analysing them at start-up was ~200 M instructions, 60 %
//! of a run's fixed cost. The triggers depend on the pattern alone, so a
//! pattern found here has exactly these; others are analysed as before.

use super::prefilter::{Around, Trigger};

/// A pattern and its triggers: `(text, before, after)` each, or `None`
/// when the regex has no useful set.
type Entry = (
    &'static str,
    Option<&'static [(&'static str, [u64; 5], [u64; 5])]>,
);

// `TRIGGERS`, sorted by pattern.
include!(concat!(env!("OUT_DIR"), "/triggers.rs"));

/// The triggers of `pattern` if the build analysed it (`Some` of what
/// [`super::prefilter::triggers`] gives), else `None`.
pub(super) fn triggers(pattern: &str) -> Option<Option<Vec<Trigger>>> {
    let i = TRIGGERS.binary_search_by(|(p, _)| (*p).cmp(pattern)).ok()?;
    Some(TRIGGERS[i].1.map(|ts| {
        ts.iter()
            .map(|&(text, before, after)| Trigger {
                text: text.to_string(),
                before: Around::from_bits(before),
                after: Around::from_bits(after),
            })
            .collect()
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table is what the analysis gives now, for every regex of the
    /// embedded rule files (a build script compiled apart from the library
    /// could differ, say in `regex_syntax`'s features).
    #[test]
    fn the_table_is_the_analysis_of_every_default_regex() {
        let mut n = 0;
        for (name, text) in super::super::EMBEDDED {
            let spec: super::super::spec::FileSpec = toml::from_str(text).unwrap();
            for r in &spec.rules {
                for re in &r.get_ref().regex {
                    let p = re.get_ref();
                    let built = triggers(p);
                    assert!(built.is_some(), "{name}: {p} is not in the table");
                    assert_eq!(
                        built.unwrap(),
                        super::super::prefilter::triggers(p),
                        "{name}: {p}"
                    );
                    n += 1;
                }
            }
        }
        assert!(n > 0);
        assert!(
            TRIGGERS.windows(2).all(|w| w[0].0 < w[1].0),
            "sorted, once each"
        );
        assert!(triggers("not (a default) regex").is_none());
    }
}
