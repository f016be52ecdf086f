//! Finding documents by id for `why`: the first document with each id, in
//! input order, with where it was found.

use deboil_core::dedup::template::{SiteLines, Template, TemplateOptions};

use super::dedup::Transform;
use crate::doc::Document;
use crate::error::{Error, Result};
use crate::pipeline::{ReadOptions, par_batches, read_batches};
use crate::read::Input;

/// A document found by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// `FILE:LINE` of its record.
    pub place: String,
    /// Its text, transformed when a transform was given.
    pub text: String,
    /// Its site.
    pub site: String,
}

/// The first document with each of `ids` (transformed by `transform`, if
/// any); reading stops once all are found. Records that do not parse are
/// passed over. Fails naming the ids not found.
pub fn find_by_id<const N: usize>(
    inputs: Vec<Input>,
    read: &ReadOptions,
    ids: [&str; N],
    transform: Option<&dyn Transform>,
) -> Result<[Found; N]> {
    let mut found: [Option<Found>; N] = std::array::from_fn(|_| None);
    'outer: for batch in read_batches(inputs, read) {
        for rec in batch? {
            let Ok(doc) = Document::parse(&rec, &read.names) else {
                continue;
            };
            for (slot, id) in found.iter_mut().zip(ids) {
                if slot.is_none() && doc.id == id {
                    let text = match transform {
                        Some(t) => t.apply(&doc.text, &doc.site).text.into_owned(),
                        None => doc.text.clone(),
                    };
                    let place = format!("{}:{}", rec.input.input.name, rec.line);
                    let site = doc.site.clone();
                    *slot = Some(Found { place, text, site });
                }
            }
            if found.iter().all(Option::is_some) {
                break 'outer;
            }
        }
    }
    if found.iter().any(Option::is_none) {
        let missing: Vec<&str> = found
            .iter()
            .zip(ids)
            .filter(|(f, _)| f.is_none())
            .map(|(_, id)| id)
            .collect();
        return Err(Error::Usage(format!(
            "no document with id {} in the inputs",
            missing.join(" or ")
        )));
    }
    Ok(found.map(|f| f.expect("all found")))
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
