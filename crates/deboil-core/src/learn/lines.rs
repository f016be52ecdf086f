//! A page's lines as counting keeps them: from its text, or from lines its
//! caller reads off the text still encoded (a JSON string as written), so
//! that a line met before costs neither decoding nor its key.

use super::memo;

/// The non-blank lines of one page, as hashes and word counts, in one
/// allocation: a page's lines are kept from the learning read until
/// deciding, and four vectors a page (three freed long after, their memory
/// cold by then) cost more in the allocator than the page's work.
#[derive(Debug, Default, Clone)]
pub struct PageLines {
    /// Lines.
    n: usize,
    /// Lines with a span (see [`PageLines::spans`]): `n`, or fewer, or none
    /// once its texts were kept.
    spans: usize,
    /// `n` hashes, `n` opening hashes (0: none), the words as `u16`s
    /// packed four to a `u64`, then `spans` spans (start << 32 | end).
    data: Vec<u64>,
    /// Hashes of its lines' bytes as read, in order: of all lines and of
    /// the long ones (see [`PageRef::raw`]).
    raw: [u64; 2],
}

/// A page's lines while they are read: a thread's buffers, reused.
#[derive(Debug, Default)]
struct Lines {
    hashes: Vec<u64>,
    prefixes: Vec<u64>,
    words: Vec<u16>,
    /// Where each line lies in the page's text, or in its caller's source
    /// (see [`LineSink::line`]).
    spans: Vec<(u32, u32)>,
    /// The hashes of the lines' bytes, combined in order: all lines, long
    /// lines.
    raw: [u64; 2],
}

thread_local! {
    /// A page's lines, reused: counting fills one per page.
    static SCRATCH: std::cell::RefCell<Lines> = std::cell::RefCell::new(Lines::default());
    /// Each thread's remembered lines: counting reads every line of every page.
    static MEMO: std::cell::RefCell<memo::FactsMemo> = std::cell::RefCell::new(memo::FactsMemo::new());
}

/// Takes a page's lines one by one, as [`PageLines::read`]'s caller reads
/// them.
pub struct LineSink<'a> {
    page: &'a mut Lines,
    memo: &'a mut memo::FactsMemo,
}

impl LineSink<'_> {
    /// Counts one line of the page (lines come in order, blank ones
    /// included or not): `bytes` as read, lying at `span` in the caller's
    /// source. Kind 0: the bytes are the line's text (checked to be UTF-8
    /// when first met). Kinds 1 to 3 are the caller's encodings: `decode`
    /// writes the line's text, or says `false` when the bytes encode none
    /// (then so does this, and the page is to be read another way). A kind
    /// must be one fixed function of the bytes: the line's facts are
    /// remembered by a hash of its bytes and kind, and a line met before
    /// is not decoded again (nor checked: only a line that decoded is
    /// remembered, so its bytes are not to be taken as text unchecked).
    #[inline]
    pub fn line(
        &mut self,
        bytes: &[u8],
        kind: u8,
        span: (usize, usize),
        decode: impl FnOnce(&[u8], &mut String) -> bool,
    ) -> bool {
        assert!(kind < memo::KINDS, "line kind {kind} out of range");
        let Some(facts) = self.memo.facts_read(bytes, kind, decode) else {
            return false;
        };
        if let Some(f) = facts {
            self.page.push(f, span.0, span.1);
        }
        true
    }
}

impl PageLines {
    /// Splits `text` into lines and hashes each non-blank one.
    pub fn of(text: &str) -> PageLines {
        let base = text.as_ptr() as usize;
        Self::build(|page, m| {
            for line in text.lines() {
                if let Some(f) = m.facts(line) {
                    let start = line.as_ptr() as usize - base;
                    page.push(f, start, start + line.len());
                }
            }
        })
    }

    /// The lines `read` gives a [`LineSink`], and what it returns; `None`
    /// when it returns `None` or a line did not decode.
    pub fn read<R>(read: impl FnOnce(&mut LineSink) -> Option<R>) -> Option<(PageLines, R)> {
        let mut out = None;
        let page = Self::build(|page, memo| out = read(&mut LineSink { page, memo }));
        out.map(|r| (page, r))
    }

    /// Fills a thread's reused buffers by `fill`, then copies them out at
    /// their length, into one allocation.
    fn build(fill: impl FnOnce(&mut Lines, &mut memo::FactsMemo)) -> PageLines {
        SCRATCH.with(|s| {
            MEMO.with(|m| {
                let page = &mut *s.borrow_mut();
                page.hashes.clear();
                page.prefixes.clear();
                page.words.clear();
                page.spans.clear();
                page.raw = [0; 2];
                fill(page, &mut m.borrow_mut());
                let n = page.hashes.len();
                let mut data = Vec::with_capacity(2 * n + n.div_ceil(4) + page.spans.len());
                data.extend_from_slice(&page.hashes);
                data.extend_from_slice(&page.prefixes);
                data.extend(page.words.chunks(4).map(|w| {
                    let mut b = [0u16; 4];
                    b[..w.len()].copy_from_slice(w);
                    // In memory order: `words` reads them back as `u16`s.
                    u64::from_ne_bytes(u16s_in_memory(b))
                }));
                data.extend((page.spans.iter()).map(|&(s, e)| (u64::from(s) << 32) | u64::from(e)));
                PageLines {
                    n,
                    spans: page.spans.len(),
                    data,
                    raw: page.raw,
                }
            })
        })
    }

    /// The page's hashes, openings and words, as a site's store keeps them.
    fn counted(&self) -> PageRef<'_> {
        PageRef {
            n: self.n,
            data: &self.data[..2 * self.n + self.n.div_ceil(4)],
            raw: self.raw,
        }
    }

    /// Lines of the page.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether the page has no (non-blank) line.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Each line's hash.
    pub(super) fn hashes(&self) -> &[u64] {
        self.counted().hashes()
    }

    /// Each line's opening hash; 0 for lines too short to have one.
    pub(super) fn prefixes(&self) -> &[u64] {
        self.counted().prefixes()
    }

    /// Each line's words.
    pub(super) fn words(&self) -> &[u16] {
        self.counted().words()
    }

    /// Where each line lies (see [`LineSink::line`]): the first lines, all
    /// of them unless a line lay out of reach.
    pub(super) fn spans(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + '_ {
        let at = 2 * self.n + self.n.div_ceil(4);
        (self.data[at..at + self.spans].iter()).map(|&s| ((s >> 32) as u32, s as u32))
    }

    /// Whether every line has its span.
    pub(super) fn all_spans(&self) -> bool {
        self.spans == self.n
    }

    /// Each non-blank line: its hash, its opening's hash (0: none), its
    /// words, and where it was read.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64, u16, Option<(usize, usize)>)> + '_ {
        let mut spans = self.spans();
        (0..self.n).map(move |i| {
            let span = spans.next().map(|(s, e)| (s as usize, e as usize));
            (self.hashes()[i], self.prefixes()[i], self.words()[i], span)
        })
    }
}

/// A page's hashes, openings and words (see [`PageLines`]), where a site's
/// [`SiteLines`] keeps them.
#[derive(Debug, Clone, Copy)]
pub(super) struct PageRef<'a> {
    n: usize,
    /// `n` hashes, `n` opening hashes, the words packed four to a `u64`.
    data: &'a [u64],
    raw: [u64; 2],
}

impl<'a> PageRef<'a> {
    /// Lines of the page.
    pub fn len(self) -> usize {
        self.n
    }

    /// Hashes of the page's lines as read, in order: of all of them, and
    /// of those of [`super::STORY_LINE_WORDS`] words or more. Two pages
    /// whose lines differ in a number only have the same line hashes, not
    /// these.
    pub fn raw(self) -> [u64; 2] {
        self.raw
    }

    /// Each line's hash.
    pub fn hashes(self) -> &'a [u64] {
        &self.data[..self.n]
    }

    /// Each line's opening hash; 0 for lines too short to have one.
    pub fn prefixes(self) -> &'a [u64] {
        &self.data[self.n..2 * self.n]
    }

    /// Each line's words.
    pub fn words(self) -> &'a [u16] {
        let packed = &self.data[2 * self.n..2 * self.n + self.n.div_ceil(4)];
        // SAFETY: `packed` holds `4 * packed.len() >= n` `u16`s, and a
        // `u64`'s alignment is a `u16`'s too; `build` wrote them in memory
        // order.
        unsafe { std::slice::from_raw_parts(packed.as_ptr().cast::<u16>(), self.n) }
    }

    /// Asks the CPU to fetch the page's hashes, openings and words: deciding
    /// reads pages kept since the learning read, long out of cache.
    #[inline]
    pub fn prefetch(self) {
        for k in (0..self.data.len()).step_by(8) {
            crate::prefetch(&self.data[k]);
        }
    }
}

/// A site's pages as counting keeps them, end to end in one vector: a page
/// is one copy into it, and the site's pages are freed at once. Kept a
/// vector a page, freeing them was a third of deciding at `-j 2` (30 of
/// ~100 ms on corpus-512: a free each, of memory long cold, from the
/// threads that read them).
#[derive(Debug, Default)]
pub(super) struct SiteLines {
    data: Vec<u64>,
    /// Where each page starts in `data`, its lines, and its raw hashes.
    pages: Vec<(usize, usize, [u64; 2])>,
}

impl SiteLines {
    /// Keeps `page`'s hashes, openings and words (not its spans).
    pub fn push(&mut self, page: &PageLines) {
        let counted = page.counted();
        self.pages.push((self.data.len(), counted.n, counted.raw));
        self.data.extend_from_slice(counted.data);
    }

    /// Pages kept.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Page `i`.
    pub fn page(&self, i: usize) -> PageRef<'_> {
        let (at, n, raw) = self.pages[i];
        PageRef {
            n,
            data: &self.data[at..at + 2 * n + n.div_ceil(4)],
            raw,
        }
    }

    /// The pages, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = PageRef<'_>> + '_ {
        (0..self.pages.len()).map(|i| self.page(i))
    }
}

/// Four `u16`s as the eight bytes they take in memory.
fn u16s_in_memory(w: [u16; 4]) -> [u8; 8] {
    let mut b = [0u8; 8];
    for (k, x) in w.iter().enumerate() {
        b[2 * k..2 * k + 2].copy_from_slice(&x.to_ne_bytes());
    }
    b
}

impl Lines {
    fn push(&mut self, f: memo::Facts, start: usize, end: usize) {
        self.hashes.push(f.hash);
        self.prefixes.push(f.prefix);
        self.words.push(f.words);
        let add = |h: u64| (h.rotate_left(23) ^ f.raw).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.raw[0] = add(self.raw[0]);
        if f.words >= super::STORY_LINE_WORDS {
            self.raw[1] = add(self.raw[1]);
        }
        // Records are far below 4 GiB; a longer page keeps no texts (its
        // spans end at the first line out of reach).
        if self.spans.len() + 1 == self.hashes.len()
            && let (Ok(s), Ok(e)) = (u32::try_from(start), u32::try_from(end))
        {
            self.spans.push((s, e));
        }
    }
}

/// Calls `f(line, hash, opening hash, words)` for each non-blank line of
/// `text`: what learning counts, and what finds its examples again.
pub(super) fn each_line<'t>(text: &'t str, mut f: impl FnMut(&'t str, u64, Option<u64>, usize)) {
    MEMO.with(|m| {
        let m = &mut *m.borrow_mut();
        for line in text.lines() {
            if let Some(facts) = m.facts(line) {
                let prefix = (facts.prefix != 0).then_some(facts.prefix);
                f(line, facts.hash, prefix, usize::from(facts.words));
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_allocation_gives_back_every_line_and_a_site_keeps_it_whole() {
        // Pages of 0 to 9 lines: the words pack four to a u64, so every
        // remainder; a line of more words than a u16 holds.
        let long = "w ".repeat(70_000);
        let texts = [
            "Alpha beta",
            "",
            "  ",
            "Gamma delta epsilon 12",
            long.as_str(),
        ];
        let mut site = SiteLines::default();
        let mut wanted = Vec::new();
        for n in 0..10 {
            let text: Vec<String> = (0..n)
                .map(|i| format!("{} {i}", texts[i % texts.len()]))
                .collect();
            let text = text.join("\n");
            let page = PageLines::of(&text);
            let mut m = memo::FactsMemo::new();
            let want: Vec<_> = text
                .lines()
                .filter_map(|l| {
                    let f = m.facts(l)?;
                    let s = l.as_ptr() as usize - text.as_ptr() as usize;
                    Some((f.hash, f.prefix, f.words, Some((s, s + l.len()))))
                })
                .collect();
            assert_eq!(page.iter().collect::<Vec<_>>(), want, "{n} lines");
            assert_eq!(page.len(), want.len());
            assert!(page.all_spans());
            site.push(&page);
            wanted.push(want);
        }
        // The site's store gives each page back as it was read, spans aside,
        // pages of every length end to end.
        assert_eq!(site.len(), wanted.len());
        for (p, want) in site.iter().zip(&wanted) {
            let hashes: Vec<u64> = want.iter().map(|w| w.0).collect();
            let prefixes: Vec<u64> = want.iter().map(|w| w.1).collect();
            let words: Vec<u16> = want.iter().map(|w| w.2).collect();
            assert_eq!(p.len(), want.len());
            assert_eq!(p.hashes(), hashes);
            assert_eq!(p.prefixes(), prefixes);
            assert_eq!(p.words(), words);
        }
    }
}
