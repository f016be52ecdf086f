//! A document's line keys, made once: from the text, or taken from the
//! cleaner's (`run`), so that the template pass need not normalise again.

use crate::normalize;

/// A document's lines normalised once: the distinct line hashes counting
/// needs, the line keys signing needs (so the text need not be normalised
/// again), and the exact hash of the whole.
#[derive(Debug, Clone, Default)]
pub struct LineKeys {
    /// Distinct lines (hash, words), for [`super::SiteLines::add`].
    pub lines: Vec<(u64, u16)>,
    /// The non-blank lines' keys in order, separated by `\n` (a key never
    /// holds one), for [`super::Template::join_kept`].
    pub keys: Vec<u8>,
    /// Each non-blank line's hash, in order (so that joining the kept lines
    /// need not hash them again).
    pub hashes: Vec<u64>,
    /// xxh3-128 of the whole text's key, as [`crate::dedup::DedupOptions::exact_hash`] gives it.
    pub exact: u128,
}

/// The keys of a cleaned text's lines as the cleaner made them (from the
/// lines it read), so that the template pass need not normalise them
/// again: one entry per line the cleaner wrote, in order; `None` for a line
/// written otherwise than read (a span cut, trailing space trimmed), whose
/// key is made again from the text.
#[derive(Debug, Clone, Default)]
pub struct GivenKeys {
    bytes: Vec<u8>,
    /// (start, end) in `bytes`, and the key's words.
    lines: Vec<Option<(u32, u32, u32)>>,
}

impl GivenKeys {
    /// The next written line: `key` and `words` (as
    /// [`normalize::push_key`] gave them) when it was written as read.
    pub fn push(&mut self, written_as_read: bool, key: &[u8], words: usize) {
        let entry =
            (written_as_read && self.bytes.len() + key.len() <= u32::MAX as usize).then(|| {
                let start = self.bytes.len() as u32;
                self.bytes.extend_from_slice(key);
                (
                    start,
                    self.bytes.len() as u32,
                    u32::try_from(words).unwrap_or(u32::MAX),
                )
            });
        self.lines.push(entry);
    }

    /// Nothing given.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.lines.clear();
    }

    /// Frees lists grown past the usual (a record of megabytes), so that a
    /// thread keeping them for the next documents does not hold that much.
    pub fn give_back_outsized(&mut self) {
        crate::give_back(&mut self.bytes);
        crate::give_back(&mut self.lines);
    }

    /// `self` when it has an entry for every line of `text` (as [`lines`]
    /// splits it; the cleaner's last written line, when empty, has no
    /// line there), else `None`: then every key is made from the text.
    /// [`GivenKeys::push_line_keys`] checks the same as it goes (a count of
    /// the lines first was a second search for the breaks).
    #[cfg(test)]
    pub(super) fn fitting(&self, text: &str) -> Option<&GivenKeys> {
        // Nothing given (`dedup`): no line to count (a scan of the whole
        // text, 2 % of `dedup`); only a text of no line (an empty one)
        // fits, as the count would say.
        if self.lines.is_empty() {
            return text.is_empty().then_some(self);
        }
        let n = lines(text).count();
        (self.lines.len() == n || self.lines.len() == n + 1).then_some(self)
    }

    /// [`normalize::push_line_keys`] with the keys `given` holds where it
    /// holds them: the non-empty keys of `text`'s lines appended to `out`
    /// (empty at the start), separated by `sep`, and `line` called with
    /// each, where it starts in `out`, and its words. The given keys are
    /// taken on trust and their count checked as the lines are met and at
    /// the end (what [`GivenKeys::fitting`] asks): false, with `out` and
    /// the calls so far to be undone, when they do not fit `text`; the
    /// caller then starts again with no keys given.
    pub(super) fn push_line_keys(
        given: Option<&GivenKeys>,
        text: &str,
        sep: u8,
        out: &mut Vec<u8>,
        mut line: impl FnMut(&[u8], usize, usize),
    ) -> bool {
        let Some(given) = given else {
            // No key given (`dedup`): every line's key made in one pass.
            normalize::push_line_keys(text, sep, out, line);
            return true;
        };
        let mut n = 0;
        for (i, l) in lines(text).enumerate() {
            let Some(&entry) = given.lines.get(i) else {
                return false;
            };
            n = i + 1;
            let at = out.len();
            if at > 0 {
                out.push(sep);
            }
            let from = out.len();
            // The cleaner's key equals `push_key` of the written line: the
            // line is the one it read, and the break `lines` leaves on it
            // is whitespace, which adds nothing to a key.
            let words = match entry {
                Some((s, e, w)) => {
                    out.extend_from_slice(&given.bytes[s as usize..e as usize]);
                    w as usize
                }
                None => normalize::push_key(l, out),
            };
            if out.len() == from {
                out.truncate(at);
                continue;
            }
            line(&out[from..], from, words);
        }
        given.lines.len() == n || given.lines.len() == n + 1
    }
}

impl LineKeys {
    /// Normalises `text` line by line.
    pub fn of(text: &str) -> LineKeys {
        LineKeys::of_given(text, None)
    }

    /// [`LineKeys::of`] with the keys the cleaner gave for `text`.
    pub fn of_given(text: &str, given: Option<&GivenKeys>) -> LineKeys {
        // Sized for lines of 64 bytes or more (most are), up to a bound (a
        // record of megabytes on one line): grown a step at a time, the
        // lists were 2 % of `run`.
        let lines_about = (text.len() / 64 + 1).min(1024);
        let mut out = LineKeys {
            lines: Vec::with_capacity(lines_about),
            keys: Vec::with_capacity(text.len()),
            hashes: Vec::with_capacity(lines_about),
            exact: 0,
        };
        let mut scratch = Vec::new();
        let mut given = given;
        // Keys that do not fit the text: all made again from the text.
        while !GivenKeys::push_line_keys(given, text, b'\n', &mut out.keys, |key, _, words| {
            let h = normalize::line_hash(key, &mut scratch);
            out.hashes.push(h);
            out.lines
                .push((h, u16::try_from(words).unwrap_or(u16::MAX)));
        }) {
            given = None;
            out.keys.clear();
            out.hashes.clear();
            out.lines.clear();
        }
        out.exact = joined_hash(&out.keys);
        out.lines.sort_unstable();
        out.lines.dedup_by_key(|l| l.0);
        out
    }
}

/// xxh3-128 of the whole text's key: its line keys `keys` joined by single
/// spaces. A long text is hashed through a small buffer, since a joined copy
/// would hold its size once more (a 100 MB record); a short one is joined
/// whole, as one call is fewer instructions than the streamed hash.
fn joined_hash(keys: &[u8]) -> u128 {
    const CHUNK: usize = 64 << 10;
    let space = |&b: &u8| if b == b'\n' { b' ' } else { b };
    if keys.len() <= 16 * CHUNK {
        return xxhash_rust::xxh3::xxh3_128(&keys.iter().map(space).collect::<Vec<u8>>());
    }
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = Vec::with_capacity(CHUNK);
    for chunk in keys.chunks(CHUNK) {
        buf.clear();
        buf.extend(chunk.iter().map(space));
        h.update(&buf);
    }
    h.digest128()
}

/// The lines of `text`, each with its line break, as
/// `text.split_inclusive('\n')` gives them; the breaks are found by
/// `memchr` (vectorised: the standard library's search cost 2 % of
/// `dedup`).
pub(crate) fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|e| e + 1)
        .chain(std::iter::once(text.len()))
        .filter_map(move |end| {
            let line = (end > from).then(|| &text[from..end]);
            from = end;
            line
        })
}
