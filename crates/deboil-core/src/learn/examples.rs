//! Example texts kept while counting.
//!
//! Each rule shows, for each of its lines, the first text (in page order)
//! of that line on its site. A site keeps, while it counts, the first text
//! of every line and opening of its first pages, up to a byte budget: rules
//! learned from lines that recur from early on (nearly all of them) find
//! their texts there, and [`super::Counted::pages_to_read`] names the few
//! pages that hold the others.

use super::{PageLines, Unit, prefix_text};
use crate::hash::HashKeyed;

/// A site stops keeping texts once it holds this many bytes of them ...
const SITE_BYTES: usize = 1 << 20;
/// ... and every site stops once all of them together hold this many.
const TOTAL_BYTES: usize = 64 << 20;

/// The first texts of the units on a site's first pages.
#[derive(Debug, Default)]
pub(super) struct SiteTexts {
    /// Each unit first seen on the kept pages: its text, in `text`.
    at: HashKeyed<Unit, (u32, u32)>,
    text: String,
    /// The site's first `covered` pages were kept, every unit on them.
    pub covered: usize,
    closed: bool,
}

impl SiteTexts {
    /// Keeps the units of the site's next page that are new, when the
    /// budget allows; `total` is what all sites keep. Whole pages only, so
    /// that a unit missing here first occurs after the covered pages.
    pub fn keep(&mut self, text: &str, page: &PageLines, total: &mut usize) {
        // A page whose lines are not all placed (over 4 GiB) ends the kept ones.
        if self.closed || *total >= TOTAL_BYTES || page.spans.len() != page.hashes.len() {
            self.closed = true;
            return;
        }
        let before = self.text.len();
        for (i, &(s, e)) in page.spans.iter().enumerate() {
            let (line, opening) = (Unit::Line(page.hashes[i]), Unit::Prefix(page.prefixes[i]));
            let new_line = !self.at.contains_key(&line);
            let new_opening = page.prefixes[i] != 0 && !self.at.contains_key(&opening);
            if new_line || new_opening {
                // One copy serves both: an opening's text is cut from its line's.
                let t = text[s as usize..e as usize].trim();
                let start = self.text.len();
                self.text.push_str(t);
                let place = (start as u32, self.text.len() as u32);
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
        let line = &self.text[s as usize..e as usize];
        Some(match unit {
            Unit::Line(_) => line.to_string(),
            Unit::Prefix(_) => prefix_text(line),
        })
    }
}
