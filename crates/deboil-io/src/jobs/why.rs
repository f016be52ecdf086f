//! Finding documents for `why`: by id, or by place (`FILE:LINE`) where ids
//! repeat. Every input is read, so that an id naming several documents is
//! refused with their places rather than the first one silently taken.

use deboil_core::dedup::template::{SiteLines, Template, TemplateOptions};

use super::dedup::Transform;
use super::{SideOutputs, Summary};
use crate::doc::Document;
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches, read_batches};
use crate::read::Input;

/// A document found by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its id (what the id field gives, or `FILE:LINE` when it gives none).
    pub id: String,
    /// `FILE:LINE` of its record.
    pub place: String,
    /// Its text, transformed when a transform was given.
    pub text: String,
    /// Its site.
    pub site: String,
}

/// Places listed when an id names several documents.
const PLACES_SHOWN: usize = 5;

/// What one wanted id has matched so far.
#[derive(Default)]
struct Matches {
    first: Option<Found>,
    count: usize,
    places: Vec<String>,
}

/// Whether `want` is `name:line`; a leading `./` on either does not matter
/// (`check` names `data/a.jsonl` what was given as `./data/a.jsonl`), but
/// `./<stdin>`, a file of that name, is not stdin's `<stdin>`.
fn is_place(want: &str, name: &str, line: u64) -> bool {
    fn bare(mut s: &str) -> &str {
        while let Some(rest) = s.strip_prefix("./")
            && !rest.starts_with('<')
        {
            s = rest;
        }
        s
    }
    bare(want)
        .strip_prefix(bare(name))
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|l| l.parse() == Ok(line))
}

/// The one document each of `wants` names: the document with that id, or
/// the record at that place (`FILE:LINE`), its text transformed by
/// `transform`, if any. A bad record stops the search, as it stops every
/// job, or with `side.skip_bad` is counted in `summary` (a wanted document
/// could be the bad record: passing it over silently would say "no document
/// with id"). Fails naming the wants that match no document, or several
/// (with their places).
pub fn find_by_id<const N: usize>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    wants: [&str; N],
    transform: Option<&dyn Transform>,
    side: &mut SideOutputs,
    summary: &mut Summary,
) -> Result<[Found; N]> {
    let mut matches: [Matches; N] = std::array::from_fn(|_| Matches::default());
    // Each input's last record line, to say why a place matched nothing.
    let mut last_line: std::collections::HashMap<String, u64> = Default::default();
    for batch in read_batches(inputs, read) {
        for rec in batch? {
            // No copy of the name a record: only a file's first.
            match last_line.get_mut(&rec.input.input.name) {
                Some(last) => *last = (*last).max(rec.line),
                None => drop(last_line.insert(rec.input.input.name.clone(), rec.line)),
            }
            let doc = match Document::parse(&rec, &read.names) {
                Ok(doc) => doc,
                Err(b) => {
                    side.bad_record(&rec, b, summary)?;
                    continue;
                }
            };
            let name = &rec.input.input.name;
            for (m, want) in matches.iter_mut().zip(wants) {
                if doc.id != want && !is_place(want, name, rec.line) {
                    continue;
                }
                m.count += 1;
                let place = format!("{name}:{}", rec.line);
                if m.first.is_none() {
                    let text = match transform {
                        Some(t) => t.apply(&doc.text, &doc.site).text.into_owned(),
                        None => doc.text.clone(),
                    };
                    m.first = Some(Found {
                        id: doc.id.clone(),
                        place: place.clone(),
                        text,
                        site: doc.site.clone(),
                    });
                }
                if m.places.len() < PLACES_SHOWN {
                    m.places.push(place);
                }
            }
        }
    }
    let missing: Vec<&str> = matches
        .iter()
        .zip(wants)
        .filter(|(m, _)| m.count == 0)
        .map(|(_, w)| w)
        .collect();
    if !missing.is_empty() {
        let skipped = match summary.skipped {
            0 => String::new(),
            n => format!(
                " ({} skipped: it may be one)",
                crate::summary::count(n, "bad record")
            ),
        };
        // A place past a file's last record is a wrong line number, not a
        // missing id: say so.
        let past_end = missing.iter().find_map(|w| {
            let (name, line) = w.rsplit_once(':')?;
            let line: u64 = line.parse().ok()?;
            let last = *last_line.get(name)?;
            (line > last)
                .then(|| format!("{name} has no line {line}: its last record is at line {last}"))
        });
        if let Some(msg) = past_end {
            return Err(Error::Usage(msg));
        }
        // A path where an id belongs (`why a.jsonl 1 b.jsonl`, all there):
        // the order is wrong, not the data.
        let path = missing
            .iter()
            .find_map(|w| {
                let m = std::fs::metadata(w).ok()?;
                let kind = if m.is_dir() { "a directory" } else { "a file" };
                Some(format!(
                    " (`{w}` is {kind}: inputs come after the two ids, `deboil why ID1 ID2 FILE...`)"
                ))
            })
            .unwrap_or_default();
        return Err(Error::Usage(format!(
            "no document with id {} in the inputs{skipped}{path}",
            missing.join(" or ")
        )));
    }
    side.finish()?;
    if let Some((m, want)) = matches.iter().zip(wants).find(|(m, _)| m.count > 1) {
        let more = match m.count - m.places.len() {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        return Err(Error::Usage(format!(
            "id {want} names {} documents ({}{more}); name one by its place (FILE:LINE) instead",
            m.count,
            m.places.join(", ")
        )));
    }
    let found = matches.map(|m| m.first.expect("each found once"));
    // Both wants naming one document (an id given twice, or an id and its
    // place) compared it with itself: "the two are duplicates", of a
    // document dedup never pairs with itself.
    for (i, a) in found.iter().enumerate() {
        if let Some(j) = found[i + 1..].iter().position(|b| b.place == a.place) {
            return Err(Error::Usage(format!(
                "{} and {} name the same document ({}); give two documents",
                wants[i],
                wants[i + 1 + j],
                a.place
            )));
        }
    }
    Ok(found)
}

/// Each site's template lines over all of `inputs` (transformed first), as
/// the dedup job counts them, so a comparison leaves out what `run` does.
pub fn site_template(
    inputs: Vec<Input>,
    read: &ReadOptions,
    pool: &rayon::ThreadPool,
    transform: Option<&dyn Transform>,
    opts: TemplateOptions,
) -> Result<Template> {
    let mut lines = SiteLines::new(opts);
    let work = |rec: &crate::read::RawRecord| {
        Document::parse(rec, &read.names).ok().map(|doc| {
            let lines = match transform {
                Some(t) => SiteLines::line_hashes(&t.apply(&doc.text, &doc.site).text),
                None => SiteLines::line_hashes(&doc.text),
            };
            (doc.site, lines)
        })
    };
    par_batches(inputs, read, pool, work, |_, docs| {
        for (site, l) in docs.into_iter().flatten() {
            lines.add(&site, &l);
        }
        Ok(())
    })?;
    Ok(lines.finish())
}
