//! Literal triggers for regexes: a set of strings one of which every match
//! of the regex contains, so a line holding none of them need not be
//! searched. Most rule regexes name their junk words (`share`, `comments`,
//! `newsletter`) somewhere, and most lines hold none of them: one
//! Aho-Corasick pass over a line picks the few regexes worth running, which
//! is far cheaper than running every regex, or one big set whose lazy DFA
//! outgrows its cache on varied text.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Most strings a trigger set (or an exact set on the way to it) may hold.
const MAX_STRINGS: usize = 256;
/// Triggers are cut to about this many bytes (whole characters).
const TRIGGER_BYTES: usize = 8;
/// Trigger strings this long (bytes) are rare enough in lines.
const GOOD_LEN: usize = 8;
/// Most characters a class may hold to be spelled out.
const MAX_CLASS: usize = 4;

/// Bytes that may sit beside a trigger's occurrence in a match: bit `b` for
/// byte `b`, bit 256 for the edge of the searched text. A regex whose every
/// match holds "ap" only after a non-letter need not run where "ap" sits
/// inside "happen".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Around([u64; 5]);

/// The bit of [`Around`] for the text's edge.
const EDGE: usize = 256;

impl Around {
    pub const ANY: Around = Around([!0; 5]);
    const NONE: Around = Around([0; 5]);

    /// The bits (byte `b` is bit `b % 64` of word `b / 64`), as the build
    /// script writes them into the binary (see [`super::prebuilt`]).
    pub const fn from_bits(bits: [u64; 5]) -> Around {
        Around(bits)
    }

    // The build script's; the library reads the table with `from_bits`.
    #[allow(dead_code)]
    pub fn bits(&self) -> [u64; 5] {
        self.0
    }

    fn with(mut self, b: usize) -> Around {
        self.0[b / 64] |= 1 << (b % 64);
        self
    }

    fn with_range(mut self, lo: usize, hi: usize) -> Around {
        for (w, word) in self.0.iter_mut().enumerate() {
            let (from, to) = (lo.max(w * 64), hi.min(w * 64 + 63));
            if from <= to {
                let n = to - from + 1;
                let ones = if n == 64 { !0 } else { (1u64 << n) - 1 };
                *word |= ones << (from - w * 64);
            }
        }
        self
    }

    fn or(self, o: Around) -> Around {
        Around(std::array::from_fn(|i| self.0[i] | o.0[i]))
    }

    fn and(self, o: Around) -> Around {
        Around(std::array::from_fn(|i| self.0[i] & o.0[i]))
    }

    fn has(&self, b: usize) -> bool {
        self.0[b / 64] >> (b % 64) & 1 == 1
    }

    /// Whether every byte this admits before a character (ASCII and UTF-8
    /// continuation bytes: no other byte ends a character) is one of
    /// `after`, or the edge.
    pub fn only_after(&self, after: &[bool; 256]) -> bool {
        (0..0xC0).all(|b| !self.has(b) || after[b])
    }

    /// Whether an occurrence starting at `start` of `text` may have this before it.
    #[inline]
    pub fn before_ok(&self, text: &[u8], start: usize) -> bool {
        self.has(if start == 0 {
            EDGE
        } else {
            text[start - 1] as usize
        })
    }

    /// Whether an occurrence ending at `end` of `text` may have this after it.
    #[inline]
    pub fn after_ok(&self, text: &[u8], end: usize) -> bool {
        self.has(text.get(end).map_or(EDGE, |&b| b as usize))
    }
}

/// Every byte but those of ASCII word characters, and the edge: what may
/// sit beside a position that a word-start or word-end assertion admits.
fn no_ascii_word() -> Around {
    let word = Around::NONE
        .with_range(b'0' as usize, b'9' as usize)
        .with_range(b'A' as usize, b'Z' as usize)
        .with_range(b'a' as usize, b'z' as usize)
        .with(b'_' as usize);
    Around(std::array::from_fn(|i| !word.0[i])).and(Around::NONE.with_range(0, EDGE))
}

/// A literal trigger and what its occurrence may have on either side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Trigger {
    pub text: String,
    pub before: Around,
    pub after: Around,
}

/// The triggers of `pattern` (compiled as rule regexes are: case-insensitive,
/// over a line's lowercase key), or `None` when no useful set was found (the
/// regex must then run on every line). Every string is at least 2 bytes,
/// and valid UTF-8 (a key is).
pub(super) fn triggers(pattern: &str) -> Option<Vec<Trigger>> {
    let hir = regex_syntax::ParserBuilder::new()
        .case_insensitive(true)
        .utf8(false)
        .build()
        .parse(pattern)
        .ok()?;
    let set = need(&hir)?;
    if set.iter().any(|s| s.s.len() < 2) {
        return None;
    }
    // A prefix of a string every match holds is one too. Short triggers
    // keep the automaton small enough to stay in cache, and variants of a
    // phrase ("we use cookies", "we uses cookies") become one.
    let mut out: Vec<Str> = Vec::with_capacity(set.len());
    for s in set {
        let text = std::str::from_utf8(&s.s).ok()?;
        let cut = text
            .char_indices()
            .map(|(i, c)| i + c.len_utf8())
            .find(|&end| end >= TRIGGER_BYTES)
            .unwrap_or(text.len());
        out.push(Str {
            s: text.as_bytes()[..cut].to_vec(),
            before: s.before,
            // What followed the cut part is the rest of the string.
            after: if cut < text.len() {
                Around::ANY
            } else {
                s.after
            },
        });
    }
    Some(
        merge(out)
            .into_iter()
            .map(|s| Trigger {
                text: String::from_utf8(s.s).expect("cut at a character"),
                before: s.before,
                after: s.after,
            })
            .collect(),
    )
}

/// A string and what may sit on either side of it in a match.
#[derive(Debug, Clone)]
struct Str {
    s: Vec<u8>,
    before: Around,
    after: Around,
}

impl Str {
    fn plain(s: Vec<u8>) -> Str {
        Str {
            s,
            before: Around::ANY,
            after: Around::ANY,
        }
    }
}

type Strings = Vec<Str>;

/// The bytes a node's matches may start (`head`) or end (`tail`) with;
/// `pass`: a match may be empty and assert nothing there, so the bytes
/// beside it are those of its neighbours.
#[derive(Clone, Copy)]
struct Edge {
    set: Around,
    pass: bool,
}

const PASS: Edge = Edge {
    set: Around::NONE,
    pass: true,
};

/// What is known of a node: every string it can match (`exact`, when few),
/// strings one of which every match contains (`need`), and its edges.
struct Info {
    exact: Option<Strings>,
    need: Option<Strings>,
    head: Edge,
    tail: Edge,
}

/// Strings one of which every match of `h` contains.
fn need(h: &Hir) -> Option<Strings> {
    analyze(h).need
}

/// A set that can serve as triggers: no empty string in it.
fn usable(set: &Strings) -> bool {
    !set.iter().any(|s| s.s.is_empty())
}

/// Computes [`Info`] bottom-up, each node once.
fn analyze(h: &Hir) -> Info {
    let exact_only = |exact: Option<Strings>, head: Edge, tail: Edge| {
        let need = exact.clone().filter(usable);
        Info {
            exact,
            need,
            head,
            tail,
        }
    };
    let known = |set| Edge { set, pass: false };
    match h.kind() {
        HirKind::Empty => exact_only(Some(vec![Str::plain(Vec::new())]), PASS, PASS),
        HirKind::Look(l) => {
            use regex_syntax::hir::Look;
            let line_edge = Around::NONE
                .with(EDGE)
                .with(b'\n' as usize)
                .with(b'\r' as usize);
            // What sits before (after) the position an assertion admits.
            let (before, after) = match l {
                Look::Start | Look::StartLF | Look::StartCRLF => (known(line_edge), PASS),
                Look::End | Look::EndLF | Look::EndCRLF => (PASS, known(line_edge)),
                Look::WordStartAscii
                | Look::WordStartUnicode
                | Look::WordStartHalfAscii
                | Look::WordStartHalfUnicode => (known(no_ascii_word()), PASS),
                Look::WordEndAscii
                | Look::WordEndUnicode
                | Look::WordEndHalfAscii
                | Look::WordEndHalfUnicode => (PASS, known(no_ascii_word())),
                _ => (PASS, PASS),
            };
            let set = |e: Edge| if e.pass { Around::ANY } else { e.set };
            let s = Str {
                s: Vec::new(),
                before: set(before),
                after: set(after),
            };
            exact_only(Some(vec![s]), after, before)
        }
        HirKind::Literal(l) => {
            let (first, last) = (l.0[0] as usize, l.0[l.0.len() - 1] as usize);
            exact_only(
                Some(vec![Str::plain(l.0.to_vec())]),
                known(Around::NONE.with(first)),
                known(Around::NONE.with(last)),
            )
        }
        HirKind::Class(c) => {
            let (head, tail) = class_edges(c);
            exact_only(class_strings(c), known(head), known(tail))
        }
        HirKind::Capture(c) => analyze(&c.sub),
        HirKind::Repetition(r) => {
            let sub = analyze(&r.sub);
            let exact = match (r.max, &sub.exact) {
                (Some(max), Some(e)) if max <= 4 => power_set(e, r.min, max),
                _ => None,
            };
            let need = match &exact {
                Some(e) if usable(e) => Some(e.clone()),
                _ if r.min > 0 => sub.need,
                _ => None,
            };
            let edge = |e: Edge| Edge {
                set: e.set,
                pass: e.pass || r.min == 0,
            };
            Info {
                exact,
                need,
                head: edge(sub.head),
                tail: edge(sub.tail),
            }
        }
        HirKind::Alternation(alts) => {
            let infos: Vec<Info> = alts.iter().map(analyze).collect();
            let union = |pick: fn(&Info) -> &Option<Strings>| -> Option<Strings> {
                let mut out = Vec::new();
                for i in &infos {
                    out.extend(pick(i).clone()?);
                    if out.len() > MAX_STRINGS {
                        return None;
                    }
                }
                dedup(out)
            };
            let edge = |pick: fn(&Info) -> Edge| {
                infos.iter().map(pick).fold(
                    Edge {
                        set: Around::NONE,
                        pass: false,
                    },
                    |a, e| Edge {
                        set: a.set.or(e.set),
                        pass: a.pass || e.pass,
                    },
                )
            };
            // Long needs of many branches may be too many together: their
            // four-byte prefixes, merged, are fewer.
            let need = union(|i| &i.need).or_else(|| {
                let mut out = Vec::new();
                for i in &infos {
                    out.extend(i.need.as_ref()?.iter().map(|s| prefix(s, 4)));
                    out = merge(out);
                    if out.len() > MAX_STRINGS {
                        return None;
                    }
                }
                Some(out)
            });
            Info {
                exact: union(|i| &i.exact),
                need,
                head: edge(|i| i.head),
                tail: edge(|i| i.tail),
            }
        }
        HirKind::Concat(parts) => {
            let infos: Vec<Info> = parts.iter().map(analyze).collect();
            let mut exact = Some(vec![Str::plain(Vec::new())]);
            for i in &infos {
                exact = match (exact, &i.exact) {
                    (Some(acc), Some(e)) => product(&acc, e),
                    _ => None,
                };
            }
            let join = |a: Edge, e: Edge| {
                if a.pass {
                    Edge {
                        set: a.set.or(e.set),
                        pass: e.pass,
                    }
                } else {
                    a
                }
            };
            Info {
                exact,
                need: best_need(&infos),
                head: infos.iter().map(|i| i.head).fold(PASS, join),
                tail: infos.iter().rev().map(|i| i.tail).fold(PASS, join),
            }
        }
    }
}

/// The bytes a character of `c` may start and end with.
fn class_edges(c: &Class) -> (Around, Around) {
    let (mut head, mut tail) = (Around::NONE, Around::NONE);
    match c {
        Class::Unicode(u) => {
            for r in u.iter() {
                let (lo, hi) = (r.start() as u32, r.end() as u32);
                if lo < 0x80 {
                    let top = hi.min(0x7f) as usize;
                    head = head.with_range(lo as usize, top);
                    tail = tail.with_range(lo as usize, top);
                }
                if hi >= 0x80 {
                    let lead = |c: u32| {
                        let mut buf = [0; 4];
                        char::from_u32(c).map_or(0xf4, |c| c.encode_utf8(&mut buf).as_bytes()[0])
                            as usize
                    };
                    // UTF-8 keeps the order of code points.
                    head = head.with_range(lead(lo.max(0x80)), lead(hi));
                    tail = tail.with_range(0x80, 0xbf);
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.iter() {
                head = head.with_range(r.start() as usize, r.end() as usize);
            }
            tail = head;
        }
    }
    (head, tail)
}
/// The parts of a concatenation a set's strings span, from and to (None:
/// somewhere inside one part).
type Span = Option<(usize, usize)>;

/// Of a concatenation's parts: each run of adjacent exact parts spelled out,
/// each exact part alone, and the needs of the other parts, the set whose
/// strings are long enough to be rare (up to GOOD_LEN bytes; longer is no
/// better) and, of those, the fewest. A run's strings learn what the parts
/// around it may put beside them.
fn best_need(parts: &[Info]) -> Option<Strings> {
    // before[i]: what may sit before part i; after[j]: after part j - 1.
    let n = parts.len();
    let mut before = vec![Around::ANY; n + 1];
    for (i, p) in parts.iter().enumerate() {
        before[i + 1] = if p.tail.pass {
            p.tail.set.or(before[i])
        } else {
            p.tail.set
        };
    }
    let mut after = vec![Around::ANY; n + 1];
    for (j, p) in parts.iter().enumerate().rev() {
        after[j] = if p.head.pass {
            p.head.set.or(after[j + 1])
        } else {
            p.head.set
        };
    }
    let mut best: Option<Strings> = None;
    let mut consider = |set: &Strings, span: Span| {
        if !usable(set) {
            return;
        }
        let score = |s: &Strings| {
            let shortest = s.iter().map(|x| x.s.len()).min().unwrap_or(0);
            (shortest.min(GOOD_LEN), std::cmp::Reverse(s.len()))
        };
        if best.as_ref().is_none_or(|b| score(set) > score(b)) {
            let mut set = set.clone();
            if let Some((from, to)) = span {
                for s in &mut set {
                    s.before = s.before.and(before[from]);
                    s.after = s.after.and(after[to]);
                }
            }
            best = Some(set);
        }
    };
    // Two runs: one through optional parts, one that they break (so `x?abc`
    // offers `abc` as well as `abc|xabc`). Each with the part it starts at.
    let mut runs: [Option<(Strings, usize)>; 2] = [None, None];
    let extend = |run: &mut Option<(Strings, usize)>,
                  e: &Strings,
                  at: usize,
                  consider: &mut dyn FnMut(&Strings, Span)| {
        *run = match run.take() {
            None => Some((e.clone(), at)),
            Some((r, from)) => match product(&r, e) {
                Some(joined) => Some((joined, from)),
                None => {
                    consider(&r, Some((from, at)));
                    Some((e.clone(), at))
                }
            },
        }
    };
    for (i, p) in parts.iter().enumerate() {
        match &p.exact {
            Some(e) => {
                consider(e, Some((i, i + 1)));
                extend(&mut runs[0], e, i, &mut consider);
                if usable(e) {
                    extend(&mut runs[1], e, i, &mut consider);
                } else if let Some((r, from)) = runs[1].take() {
                    consider(&r, Some((from, i)));
                }
            }
            None => {
                for (r, from) in runs.iter_mut().filter_map(Option::take) {
                    consider(&r, Some((from, i)));
                }
                if let Some(nd) = &p.need {
                    consider(nd, None);
                }
            }
        }
    }
    for (r, from) in runs.into_iter().flatten() {
        consider(&r, Some((from, n)));
    }
    best
}

/// The first `n` bytes of `s` (whole characters), when it is longer: what
/// followed it is then unknown.
fn prefix(s: &Str, n: usize) -> Str {
    let cut =
        s.s.iter()
            .enumerate()
            .skip(n)
            .find(|&(_, &b)| b & 0xc0 != 0x80)
            .map(|(i, _)| i);
    match cut {
        Some(cut) => Str {
            s: s.s[..cut].to_vec(),
            before: s.before,
            after: Around::ANY,
        },
        None => s.clone(),
    }
}

/// Every string of `min` to `max` copies of a string of `sub`, when few.
fn power_set(sub: &Strings, min: u32, max: u32) -> Option<Strings> {
    let mut out = Vec::new();
    let mut power = vec![Str::plain(Vec::new())];
    for n in 0..=max {
        if n >= min {
            out.extend(power.iter().cloned());
        }
        if n < max {
            power = product(&power, sub)?;
        }
    }
    dedup(out)
}

/// The characters of a small class, as UTF-8. Characters that no key can
/// hold (keys are lowercase: `K` or the Kelvin sign in `(?i)k`) are left out.
fn class_strings(c: &Class) -> Option<Strings> {
    let mut out = Vec::new();
    match c {
        Class::Unicode(u) => {
            for r in u.iter() {
                if (r.end() as u32 - r.start() as u32) as usize >= MAX_CLASS * 4 {
                    return None;
                }
                for ch in r.start()..=r.end() {
                    if key_char(ch) {
                        out.push(Str::plain(ch.to_string().into_bytes()));
                    }
                }
            }
        }
        Class::Bytes(b) => {
            for r in b.iter() {
                for byte in r.start()..=r.end() {
                    if !byte.is_ascii_uppercase() {
                        out.push(Str::plain(vec![byte]));
                    }
                }
                if out.len() > MAX_CLASS {
                    return None;
                }
            }
        }
    }
    (out.len() <= MAX_CLASS).then_some(out)
}

/// Whether a line's key may hold `ch`: keys are lowercase, in NFKC and fold
/// letter variants (see [`crate::normalize`]), so `(?i)s` needs no trigger
/// for `S` or the long s `ſ` (NFKC makes it `s`), nor `(?i)т` for `ᲄ`.
fn key_char(ch: char) -> bool {
    use unicode_normalization::UnicodeNormalization;
    ch.to_lowercase().eq(std::iter::once(ch))
        && std::iter::once(ch).nfkc().eq(std::iter::once(ch))
        && crate::normalize::fold_variant(ch) == ch
}

/// Every string of `a` followed by every string of `b`, when few. Where
/// one side is empty, what both say of the shared position holds.
fn product(a: &[Str], b: &[Str]) -> Option<Strings> {
    if a.len() * b.len() > MAX_STRINGS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let mut s = x.s.clone();
            s.extend_from_slice(&y.s);
            out.push(Str {
                s,
                before: if x.s.is_empty() {
                    x.before.and(y.before)
                } else {
                    x.before
                },
                after: if y.s.is_empty() {
                    x.after.and(y.after)
                } else {
                    y.after
                },
            });
        }
    }
    dedup(out)
}

fn dedup(v: Strings) -> Option<Strings> {
    let v = merge(v);
    (v.len() <= MAX_STRINGS).then_some(v)
}

/// Sorted, each string once: an occurrence of it may have what any of its
/// copies allowed beside it.
fn merge(mut v: Strings) -> Strings {
    v.sort_by(|a, b| a.s.cmp(&b.s));
    let mut out: Strings = Vec::with_capacity(v.len());
    for s in v {
        match out.last_mut() {
            Some(l) if l.s == s.s => {
                l.before = l.before.or(s.before);
                l.after = l.after.or(s.after);
            }
            _ => out.push(s),
        }
    }
    out
}

#[cfg(test)]
#[path = "prefilter_tests.rs"]
mod tests;
