//! A page's lines as counting keeps them: from its text, or from lines its
//! caller reads off the text still encoded (a JSON string as written), so
//! that a line met before costs neither decoding nor its key.

use super::memo;

/// The non-blank lines of one page, as hashes and word counts.
#[derive(Debug, Default, Clone)]
pub struct PageLines {
    pub(super) hashes: Vec<u64>,
    /// Opening hashes; 0 for lines too short to have one.
    pub(super) prefixes: Vec<u64>,
    pub(super) words: Vec<u16>,
    /// Where each line lies in the page's text, or in its caller's source
    /// (see [`LineSink::line`]); dropped once its texts were kept.
    pub(super) spans: Vec<(u32, u32)>,
}

thread_local! {
    /// A page's lines, reused: counting fills one per page.
    static SCRATCH: std::cell::RefCell<PageLines> = std::cell::RefCell::new(PageLines::default());
    /// Each thread's remembered lines: counting reads every line of every page.
    static MEMO: std::cell::RefCell<memo::FactsMemo> = std::cell::RefCell::new(memo::FactsMemo::new());
}

/// Takes a page's lines one by one, as [`PageLines::read`]'s caller reads
/// them.
pub struct LineSink<'a> {
    page: &'a mut PageLines,
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
    /// their length: a page's vectors are kept until learning decides, and
    /// sized by the line breaks they held half again as much (blank lines).
    fn build(fill: impl FnOnce(&mut PageLines, &mut memo::FactsMemo)) -> PageLines {
        SCRATCH.with(|s| {
            MEMO.with(|m| {
                let page = &mut *s.borrow_mut();
                page.hashes.clear();
                page.prefixes.clear();
                page.words.clear();
                page.spans.clear();
                fill(page, &mut m.borrow_mut());
                PageLines {
                    hashes: page.hashes.to_vec(),
                    prefixes: page.prefixes.to_vec(),
                    words: page.words.to_vec(),
                    spans: page.spans.to_vec(),
                }
            })
        })
    }

    /// Each non-blank line: its hash, its opening's hash (0: none), its
    /// words, and where it was read (until [`super::Learner::add_page`]).
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64, u16, Option<(usize, usize)>)> + '_ {
        (0..self.hashes.len()).map(|i| {
            let span = self.spans.get(i).map(|&(s, e)| (s as usize, e as usize));
            (self.hashes[i], self.prefixes[i], self.words[i], span)
        })
    }

    fn push(&mut self, f: memo::Facts, start: usize, end: usize) {
        self.hashes.push(f.hash);
        self.prefixes.push(f.prefix.unwrap_or(0));
        self.words.push(f.words.min(u16::MAX as usize) as u16);
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
                f(line, facts.hash, facts.prefix, facts.words);
            }
        }
    })
}
