//! Records read for learning: the site and the lines, the text not unescaped
//! where its record allows (see [`crate::json_str::learn`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use deboil_core::learn::{Learner, PageLines, PageSource};

use super::{BadRecord, Document, FieldNames, Key, Raw, as_str, get, site_in, site_of};
use crate::json_str::learn::{flat_object_lines_with, line_text};
use crate::read::{Format, RawRecord};

/// A record read for learning.
#[derive(Debug)]
pub enum LearnPage {
    /// Read off the record's JSON as written: the lines' spans are in its
    /// bytes.
    Written {
        /// The page's site, as [`Document::parse`] names it (shared with
        /// the thread's `Sites`: a clone is no allocation).
        site: Arc<str>,
        /// Its lines.
        lines: PageLines,
    },
    /// Parsed whole (any record the other way does not read).
    Parsed {
        /// The page's site.
        site: Arc<str>,
        /// Its text.
        text: String,
        /// Its lines ([`PageLines::of`] the text).
        lines: PageLines,
    },
}

impl LearnPage {
    /// Reads `rec` for learning: bad where [`Document::parse`] finds it
    /// bad, and the same site and lines.
    pub fn read(rec: &RawRecord, names: &FieldNames) -> Result<LearnPage, BadRecord> {
        // The text's value is read below only where a field looked up by
        // its name is the text (an id's value is not read).
        let keep_text = [names.site.as_str(), "url", "metadata.url"].contains(&names.text.as_str());
        let mut fields = Few::default();
        if rec.error.is_none()
            && rec.input.format == Format::Jsonl
            && let Some((lines, Some(_))) = PageLines::read(|sink| {
                flat_object_lines_with(&rec.bytes, &names.text, keep_text, sink, |k, v| {
                    fields.push((Key(Cow::Borrowed(k)), v))
                })
            })
        {
            let fields = fields.as_slice();
            // Bad as `Document::parse` finds it: a repeated id or site key
            // (a repeated text key sent it to `parse`).
            let repeated = |r: super::Repeated| r.at(rec.line);
            get(fields, &names.id).map_err(repeated)?;
            let site = site(fields, names, &rec.input.fallback_site).map_err(repeated)?;
            return Ok(LearnPage::Written { site, lines });
        }
        let d = Document::parse(rec, names)?;
        let lines = PageLines::of(&d.text);
        Ok(LearnPage::Parsed {
            site: d.site.into(),
            text: d.text,
            lines,
        })
    }

    /// Adds the page to `learner` at `at` (see [`Learner::add_page`]);
    /// `rec` is the record it was read from.
    pub fn add_to(self, learner: &mut Learner, rec: &RawRecord, at: u64) {
        match self {
            LearnPage::Written { site, lines } => {
                let src = PageSource {
                    bytes: &rec.bytes,
                    decode: Some(line_text),
                };
                learner.add_page_read(&site, lines, at, src)
            }
            LearnPage::Parsed { site, text, lines } => learner.add_page(&site, &text, lines, at),
        }
    }
}

/// Sites a thread named from a site field lately, by the field's raw value:
/// records of one site name it alike, and naming it (a URL's host, a name
/// made safe) costs more than looking it up.
struct Sites {
    /// Looked up for every record: hashed by xxh3, not SipHash.
    named: HashMap<Box<[u8]>, Arc<str>, deboil_core::hash::Bytes>,
}

/// How many names [`Sites`] keeps before it starts over.
const SITES_MAX: usize = 4096;

thread_local! {
    static SITES: RefCell<Sites> = RefCell::new(Sites { named: HashMap::default() });
}

/// [`site_in`] the record's `fields`, remembered by the site field's value
/// when that names the site (the first way `site_in` tries).
fn site(
    fields: &[(Key, Raw)],
    names: &FieldNames,
    fallback_site: &str,
) -> Result<Arc<str>, super::Repeated> {
    let Some(raw) = get(fields, &names.site)? else {
        return site_in(fields, names, fallback_site).map(Arc::from);
    };
    SITES.with(|c| {
        let named = &mut c.borrow_mut().named;
        if let Some(s) = named.get(raw.as_bytes()) {
            return Ok(s.clone());
        }
        match as_str(raw).map(|s| site_of(&s)).filter(|s| !s.is_empty()) {
            Some(s) => {
                if named.len() >= SITES_MAX {
                    named.clear();
                }
                let s: Arc<str> = s.into();
                named.insert(raw.as_bytes().into(), s.clone());
                Ok(s)
            }
            None => site_in(fields, names, fallback_site).map(Arc::from),
        }
    })
}

/// A record's fields, the first few on the stack (records hold a handful).
struct Few<'a> {
    n: usize,
    first: [(Key<'a>, Raw<'a>); FEW],
    /// All of them, once there are more than `FEW`.
    all: Vec<(Key<'a>, Raw<'a>)>,
}

const FEW: usize = 8;

impl Default for Few<'_> {
    fn default() -> Self {
        Few {
            n: 0,
            first: std::array::from_fn(|_| (Key(Cow::Borrowed("")), "")),
            all: Vec::new(),
        }
    }
}

impl<'a> Few<'a> {
    #[inline]
    fn push(&mut self, field: (Key<'a>, Raw<'a>)) {
        if self.n < FEW {
            self.first[self.n] = field;
        } else {
            if self.n == FEW {
                let blank = || (Key(Cow::Borrowed("")), "");
                (self.all).extend(self.first.iter_mut().map(|f| std::mem::replace(f, blank())));
            }
            self.all.push(field);
        }
        self.n += 1;
    }

    fn as_slice(&self) -> &[(Key<'a>, Raw<'a>)] {
        match self.n <= FEW {
            true => &self.first[..self.n],
            false => &self.all,
        }
    }
}

#[cfg(test)]
mod tests;
