//! Example texts kept while counting.
//!
//! Each rule shows, for each of its lines, the first text (in page order)
//! of that line on its site. A site keeps, while it counts, the first text
//! of every line and opening of its first pages, up to a byte budget: rules
//! learned from lines that recur from early on (nearly all of them) find
//! their texts there, and [`super::Counted::pages_to_read`] names the few
//! pages that hold the others.

use std::borrow::Cow;

use super::{PageLines, Unit, prefix_text};
use crate::hash::HashKeyed;

/// A site stops keeping texts once it holds this many bytes of them ...
const SITE_BYTES: usize = 1 << 20;
/// ... and every site stops once all of them together hold this many.
const TOTAL_BYTES: usize = 64 << 20;

/// Where a page's lines were read: their spans index `bytes`; `decode`
/// gives a line's text from its bytes, when they are not the text itself
/// (lines read still encoded, see [`super::PageLines::read`]).
#[derive(Clone, Copy)]
pub struct PageSource<'a> {
    /// What the spans index.
    pub bytes: &'a [u8],
    /// A line's text from its bytes (whitespace around it does not matter).
    pub decode: Option<fn(&[u8]) -> String>,
}

/// The first texts of the units on a site's first pages.
#[derive(Debug, Default)]
pub(super) struct SiteTexts {
    /// Each unit first seen on the kept pages: where its text lies in
    /// `text`, the start's top bit set for a text kept as read (see
    /// [`PageSource`]; decoded only for the few lines rules show).
    at: HashKeyed<Unit, (u32, u32)>,
    text: Vec<u8>,
    /// How texts kept as read decode.
    decode: Option<fn(&[u8]) -> String>,
    /// The site's first `covered` pages were kept, every unit on them.
    pub covered: usize,
    closed: bool,
}

/// The top bit of a start in [`SiteTexts::at`].
const CODED: u32 = 1 << 31;

impl SiteTexts {
    /// Keeps the units of the site's next page that are new, when the
    /// budget allows; `total` is what all sites keep. Whole pages only, so
    /// that a unit missing here first occurs after the covered pages.
    pub fn keep(&mut self, page: &PageLines, src: PageSource, total: &mut usize) {
        // A page whose lines are not all placed (over 4 GiB) ends the kept
        // ones, as does a buffer too long to mark its starts.
        if self.closed
            || *total >= TOTAL_BYTES
            || !page.all_spans()
            || self.text.len() + src.bytes.len() >= CODED as usize
        {
            self.closed = true;
            return;
        }
        if src.decode.is_some() {
            self.decode = src.decode;
        }
        let before = self.text.len();
        let (hashes, prefixes) = (page.hashes(), page.prefixes());
        for (i, (s, e)) in page.spans().enumerate() {
            let (line, opening) = (Unit::Line(hashes[i]), Unit::Prefix(prefixes[i]));
            let new_line = !self.at.contains_key(&line);
            let new_opening = prefixes[i] != 0 && !self.at.contains_key(&opening);
            if new_line || new_opening {
                // One copy serves both: an opening's text is cut from its line's.
                let b = &src.bytes[s as usize..e as usize];
                let start = self.text.len() as u32;
                let place = match src.decode {
                    Some(_) => {
                        self.text.extend_from_slice(b);
                        (start | CODED, self.text.len() as u32)
                    }
                    None => {
                        // The bytes of a text: UTF-8.
                        let t = std::str::from_utf8(b).map_or(b, |t| t.trim().as_bytes());
                        self.text.extend_from_slice(t);
                        (start, self.text.len() as u32)
                    }
                };
                for (unit, new) in [(line, new_line), (opening, new_opening)] {
                    if new {
                        self.at.insert(unit, place);
                    }
                }
            }
        }
        self.covered += 1;
        *total += self.text.len() - before;
        self.closed = self.text.len() >= SITE_BYTES;
    }

    /// The first text of `unit`, if it occurs on the covered pages.
    pub fn get(&self, unit: &Unit) -> Option<String> {
        let &(s, e) = self.at.get(unit)?;
        let b = &self.text[(s & !CODED) as usize..e as usize];
        let text = match self.decode {
            Some(decode) if s & CODED != 0 => Cow::Owned(decode(b)),
            _ => String::from_utf8_lossy(b),
        };
        let line = text.trim();
        Some(match unit {
            Unit::Line(_) => line.to_string(),
            Unit::Prefix(_) => prefix_text(line),
        })
    }
}
