//! Function words: how much of a line is running prose, and whether it is
//! in headline case.

use std::sync::OnceLock;

/// Headline case: the content words (not function words) after the first
/// are capitalised, at least three of them. Prose, German included, has
/// verbs and adjectives in lower case.
pub(super) fn title_case(text: &str) -> bool {
    let set = function_words();
    let (mut n, mut caps) = (0usize, 0usize);
    for w in text.split_whitespace().skip(1) {
        let b = w.as_bytes();
        // Most words have no punctuation at either end.
        let w = if b[0].is_ascii_alphanumeric() && b[b.len() - 1].is_ascii_alphanumeric() {
            w
        } else {
            w.trim_matches(|c: char| !c.is_alphanumeric())
        };
        let Some(c) = w.chars().next() else { continue };
        if !c.is_alphabetic() {
            continue;
        }
        let upper = c.is_uppercase();
        let function = if upper {
            is_function_word(w)
        } else {
            set.contains(w.as_bytes())
        };
        if function {
            continue;
        }
        n += 1;
        caps += usize::from(upper);
        if (n - caps) * 10 > n.max(10) {
            return false;
        }
    }
    n >= 3 && caps * 10 >= n * 9
}

/// Whether `w`, lowercased, is a function word. It is lowercased into a
/// buffer as long as the longest function word, and a word that outgrows
/// it is none: no copy on the heap (this runs on many lines' words).
pub(super) fn is_function_word(w: &str) -> bool {
    let mut l = [0u8; WORD_MAX];
    let mut n = 0;
    if w.is_ascii() {
        if w.len() > WORD_MAX {
            return false;
        }
        n = w.len();
        l[..n].copy_from_slice(w.as_bytes());
        l.make_ascii_lowercase();
    } else {
        for c in w.chars().flat_map(char::to_lowercase) {
            let k = c.len_utf8();
            if n + k > WORD_MAX {
                return false;
            }
            c.encode_utf8(&mut l[n..n + k]);
            n += k;
        }
    }
    function_words().contains(&l[..n])
}

/// Function words of English, German, French, Spanish and Russian: running
/// prose is full of them, menus and headline lists are not.
pub(super) const FUNCTION_WORDS: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because",
    "been", "but", "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have",
    "he", "her", "his", "how", "i", "if", "in", "into", "is", "it", "it's", "its", "just", "me",
    "more", "my", "no", "not", "now", "of", "on", "one", "only", "or", "other", "our", "out",
    "over", "she", "so", "some", "than", "that", "the", "their", "them", "then", "there", "these",
    "they", "this", "those", "to", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "will", "with", "would", "you", "your", // en
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "das", "dass", "dem", "den",
    "der", "des", "die", "dies", "doch", "ein", "eine", "einem", "einen", "einer", "es", "für",
    "hat", "ich", "im", "in", "ist", "mit", "nach", "nicht", "noch", "nur", "oder", "sein", "sich",
    "sie", "sind", "so", "um", "und", "von", "vor", "war", "wie", "wir", "wird", "zu", "zum",
    "zur", // de
    "au", "aux", "avec", "ce", "dans", "de", "des", "du", "elle", "en", "est", "et", "il", "la",
    "le", "les", "mais", "ne", "nous", "par", "pas", "plus", "pour", "qu'il", "que", "qui", "sa",
    "se", "son", "sur", "un", "une", // fr
    "al", "con", "del", "el", "es", "los", "las", "lo", "para", "por", "se", "su", "y", "una",
    "como", "más", "pero", // es
    "в", "и", "на", "не", "что", "с", "по", "как", "это", "из", "за", "от", "о", "к", "для", "но",
    "он", "она", "они", // ru
];

/// The function words, each packed into a `u64` (its bytes, its length in
/// the top byte) in an open-addressing table: looked up once per word of
/// every line of four words or more, so a look-up is a multiply and a probe
/// or two, no byte-wise hashing.
pub(super) struct WordTable {
    slots: Vec<u64>,
}

/// Slots in the table (a power of two, four times the words or more).
const WORD_SLOTS: usize = 1 << 10;
const _: () = assert!(WORD_SLOTS >= 4 * FUNCTION_WORDS.len());

/// The longest function word, in bytes: longer words need no look-up.
const WORD_MAX: usize = 7;
const _: () = {
    let mut i = 0;
    while i < FUNCTION_WORDS.len() {
        assert!(FUNCTION_WORDS[i].len() <= WORD_MAX && !FUNCTION_WORDS[i].is_empty());
        i += 1;
    }
};

/// Bytes that belong to a word for [`function_share`] (the rest is trimmed
/// off a word's ends): ASCII letters and digits, the apostrophe, and every
/// byte of a non-ASCII character.
static INNER: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c >= 0x80 || c == b'\'';
        b += 1;
    }
    t
};

impl WordTable {
    /// `w` packed, when it is short enough to be a function word (0 is no word).
    fn pack(w: &[u8]) -> Option<u64> {
        if w.is_empty() || w.len() > WORD_MAX {
            return None;
        }
        let mut b = [0u8; 8];
        b[..w.len()].copy_from_slice(w);
        b[7] = w.len() as u8;
        Some(u64::from_le_bytes(b))
    }

    /// `key[s..e]` packed, for `0 < e - s <= WORD_MAX`: one load and a mask
    /// where eight bytes follow `s`.
    #[inline]
    fn pack_at(key: &[u8], s: usize, e: usize) -> u64 {
        let len = e - s;
        let bytes = match key.get(s..s + 8) {
            Some(b) => u64::from_le_bytes(b.try_into().expect("8 bytes")),
            None => {
                let mut b = [0u8; 8];
                b[..len].copy_from_slice(&key[s..e]);
                u64::from_le_bytes(b)
            }
        };
        (bytes & (u64::MAX >> (8 * (8 - len)))) | ((len as u64) << 56)
    }

    fn slot(p: u64) -> usize {
        (p.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - WORD_SLOTS.trailing_zeros())) as usize
    }

    fn new(words: &[&str]) -> WordTable {
        let mut slots = vec![0u64; WORD_SLOTS];
        for w in words {
            let p = Self::pack(w.as_bytes()).expect("function words are short");
            let mut i = Self::slot(p);
            while slots[i] != 0 && slots[i] != p {
                i = (i + 1) % WORD_SLOTS;
            }
            slots[i] = p;
        }
        WordTable { slots }
    }

    /// Whether the packed word `p` is a function word.
    #[inline]
    fn holds(&self, p: u64) -> bool {
        let mut i = Self::slot(p);
        loop {
            match self.slots[i] {
                0 => return false,
                s if s == p => return true,
                _ => i = (i + 1) % WORD_SLOTS,
            }
        }
    }

    pub(super) fn contains(&self, w: &[u8]) -> bool {
        Self::pack(w).is_some_and(|p| self.holds(p))
    }
}

pub(super) fn function_words() -> &'static WordTable {
    static SET: OnceLock<WordTable> = OnceLock::new();
    SET.get_or_init(|| WordTable::new(FUNCTION_WORDS))
}

/// Share of function words among the words of a key (bytes: keys are
/// lowercase already; punctuation around a word is trimmed, apostrophes kept).
pub(crate) fn function_share(key: &[u8]) -> f64 {
    let (n, f) = count_function_words(key, |_| false);
    if n == 0 { 0.0 } else { f as f64 / n as f64 }
}

/// `function_share(key) >= min`, stopping once the function words met
/// make up `min` of every word the key could hold (its spaces plus one):
/// prose passes the bar halfway through its words.
pub(crate) fn function_share_at_least(key: &[u8], min: f64) -> bool {
    // Words are what lies between spaces, less those trimmed to nothing:
    // never more than this. f / most <= f / words, and rounding keeps the
    // order, so a share of `most` that reaches `min` is a share that does.
    let most = (spaces(key) + 1) as f64;
    let (n, f) = count_function_words(key, |f| f as f64 / most >= min);
    // Stopped early, n words so far are at most `most`: the share is there.
    (if n == 0 { 0.0 } else { f as f64 / n as f64 }) >= min
}

/// Spaces in `key`, eight bytes at a time ([`count_function_words`]'s test).
fn spaces(key: &[u8]) -> usize {
    let mut chunks = key.chunks_exact(8);
    let mut n = 0;
    for c in &mut chunks {
        let x = u64::from_le_bytes(c.try_into().expect("8 bytes")) ^ (LO * 0x20);
        n += (!(((x & !HI).wrapping_add(!HI) | x) & HI) & HI).count_ones() as usize;
    }
    n + chunks.remainder().iter().filter(|&&b| b == b' ').count()
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The words of `key` and the function words among them, until `enough`
/// says yes to the count of function words so far (then the counts so far).
#[inline(always)]
fn count_function_words(key: &[u8], mut enough: impl FnMut(usize) -> bool) -> (usize, usize) {
    let set = function_words();
    let (mut n, mut f) = (0usize, 0usize);
    let mut word = |s: usize, e: usize| -> bool {
        // Trimmed at both ends; nearly every word needs no trimming.
        let (mut s, mut e) = (s, e);
        while s < e && !INNER[key[s] as usize] {
            s += 1;
        }
        if s == e {
            return false;
        }
        while !INNER[key[e - 1] as usize] {
            e -= 1;
        }
        n += 1;
        e - s <= WORD_MAX && set.holds(WordTable::pack_at(key, s, e)) && {
            f += 1;
            enough(f)
        }
    };
    // Spaces found eight bytes at a time (the same exact test as keys use).
    let (mut start, mut i) = (0, 0);
    while i + 8 <= key.len() {
        let x = u64::from_le_bytes(key[i..i + 8].try_into().expect("8 bytes")) ^ (LO * 0x20);
        let mut space = !(((x & !HI).wrapping_add(!HI) | x) & HI) & HI;
        while space != 0 {
            let at = i + (space.trailing_zeros() / 8) as usize;
            if word(start, at) {
                return (n, f);
            }
            start = at + 1;
            space &= space - 1;
        }
        i += 8;
    }
    for (at, &b) in key.iter().enumerate().skip(i) {
        if b == b' ' {
            if word(start, at) {
                return (n, f);
            }
            start = at + 1;
        }
    }
    word(start, key.len());
    (n, f)
}
