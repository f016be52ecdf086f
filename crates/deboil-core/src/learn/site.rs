//! One site's decisions: which pages are copies of one story, which lines
//! and openings recur on enough stories, and which of them form blocks.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::*;
use crate::cluster::UnionFind;
use crate::hash::{HashKeyed, HashSetKeyed, Mixed};

/// No line number: a line without an opening, a line of no unit.
const NONE: u32 = u32::MAX;
/// A line not met yet.
const UNSEEN: u32 = u32::MAX - 1;

/// A site's lines numbered: each distinct line hash and each distinct
/// opening gets a dense number, in order of first appearance, so that the
/// counts below are arrays indexed by them (a site's pages hold hundreds of
/// thousands of lines, each counted several times), not hash maps.
struct Numbered {
    /// Each line's number, page after page.
    lines: Vec<u32>,
    /// Each line's opening's number ([`NONE`] for none), page after page.
    openings: Vec<u32>,
    /// Where each page's lines start in `lines`, and their end.
    first: Vec<usize>,
    /// Each page's hashes of its lines as read (see `PageRef::raw`).
    raw: Vec<[u64; 2]>,
    /// The hash of each line number and of each opening number.
    line_hash: Vec<u64>,
    opening_hash: Vec<u64>,
    /// Per opening number: whether more than one line starts with it.
    varies: Vec<bool>,
    /// Per line number: pages holding it, copies included.
    page_freq: Vec<u32>,
    /// Per line number: its words (a function of the line, like its hash),
    /// so that the passes below read no page's lines again.
    words: Vec<u16>,
}

impl Numbered {
    fn of(pages: &SiteLines) -> Numbered {
        let total = pages.iter().map(|p| p.len()).sum();
        let mut n = Numbered {
            lines: Vec::with_capacity(total),
            openings: Vec::with_capacity(total),
            first: Vec::with_capacity(pages.len() + 1),
            raw: Vec::with_capacity(pages.len()),
            line_hash: Vec::new(),
            opening_hash: Vec::new(),
            varies: Vec::new(),
            page_freq: Vec::new(),
            words: Vec::new(),
        };
        // A line's opening, like its words, is a function of its key, as its
        // hash is: a line met again is one probe, its opening known by number.
        let mut line_no: HashKeyed<u64, u32> = HashKeyed::default();
        let mut opening_no: HashKeyed<u64, u32> = HashKeyed::default();
        let mut opening_of: Vec<u32> = Vec::new();
        // The page each line was last counted for (`page_freq`).
        let mut last: Vec<u32> = Vec::new();
        for (i, p) in pages.iter().enumerate() {
            if i + 1 < pages.len() {
                pages.page(i + 1).prefetch();
            }
            n.first.push(n.lines.len());
            n.raw.push(p.raw());
            let words = p.words();
            for (k, (&h, &pf)) in p.hashes().iter().zip(p.prefixes()).enumerate() {
                let l = *line_no.entry(h).or_insert_with(|| {
                    n.line_hash.push(h);
                    n.words.push(words[k]);
                    n.page_freq.push(0);
                    last.push(NONE);
                    opening_of.push(match pf {
                        0 => NONE,
                        _ => match opening_no.entry(pf) {
                            Entry::Occupied(o) => {
                                // A second line with this opening.
                                n.varies[*o.get() as usize] = true;
                                *o.get()
                            }
                            Entry::Vacant(v) => {
                                n.opening_hash.push(pf);
                                n.varies.push(false);
                                *v.insert(n.opening_hash.len() as u32 - 1)
                            }
                        },
                    });
                    n.line_hash.len() as u32 - 1
                }) as usize;
                n.lines.push(l as u32);
                n.openings.push(opening_of[l]);
                if first_for(&mut last[l], i as u32) {
                    n.page_freq[l] += 1;
                }
            }
        }
        n.first.push(n.lines.len());
        n
    }

    /// Page `i`'s line numbers.
    fn page(&self, i: usize) -> std::ops::Range<usize> {
        self.first[i]..self.first[i + 1]
    }
}

/// Page `i`'s long lines, in order: what a re-crawl keeps when it differs
/// in a time stamp or a counter, short lines.
fn long_lines(num: &Numbered, i: usize) -> impl Iterator<Item = u32> + Clone + '_ {
    let words = &num.words;
    (num.lines[num.page(i)].iter().copied()).filter(|&l| words[l as usize] >= STORY_LINE_WORDS)
}

/// Per page, the first page with the same key (itself for the first), or
/// [`NONE`] for a page without one. Keys are looked up by a hash and
/// compared whole: a collision leaves two pages apart, no more.
fn first_with_key<K: Iterator<Item = u32> + Clone>(
    n: usize,
    key: impl Fn(usize) -> Option<(K, u64)>,
) -> Vec<u32> {
    let mut first: HashKeyed<u64, u32> = HashKeyed::default();
    let mut buf: Vec<u8> = Vec::new();
    (0..n)
        .map(|i| {
            let Some((lines, extra)) = key(i) else {
                return NONE;
            };
            buf.clear();
            buf.extend(lines.flat_map(u32::to_le_bytes));
            buf.extend(extra.to_le_bytes());
            let f = *first
                .entry(xxhash_rust::xxh3::xxh3_64(&buf))
                .or_insert(i as u32);
            let same = |(a, x): (K, u64), (b, y): (K, u64)| x == y && a.eq(b);
            match f as usize == i || same(key(f as usize).expect("keyed"), key(i).expect("keyed")) {
                true => f,
                false => i as u32,
            }
        })
        .collect()
}

/// Groups a site's pages that are copies of one story: pages with the same
/// long lines in the same order (a re-crawl, a file read twice) whatever
/// their number, pages sharing at least half of the smaller one's long,
/// rare lines (two at least), and near copies ([`near_copies`]).
fn story_groups(num: &Numbered) -> UnionFind {
    let n = num.first.len() - 1;
    let mut uf = UnionFind::new(n);
    // Copies first: counted as pages, five copies of one article made each
    // of its lines too common to be a story's, so learning took them for
    // template and emptied every copy. Copies have the same long lines as
    // read (not merely up to numbers, which line hashes fold); pages of
    // fewer long lines, all lines as read.
    let by_long = first_with_key(n, |i| {
        let lines = long_lines(num, i);
        (lines.clone().nth(1).is_some()).then_some((lines, num.raw[i][1]))
    });
    let by_raw = first_with_key(n, |i| {
        let lines = num.lines[num.page(i)].iter().copied();
        (by_long[i] == NONE && lines.len() > 0).then_some((lines, num.raw[i][0]))
    });
    let mut copy = vec![false; n];
    for (i, c) in copy.iter_mut().enumerate() {
        // One of the two is NONE.
        let f = by_long[i].min(by_raw[i]);
        if f != NONE && f as usize != i {
            uf.union(f, i as u32);
            *c = true;
        }
    }
    // Pages holding each line, each set of copies once.
    let mut page_freq = vec![0u32; num.line_hash.len()];
    let mut last = vec![NONE; num.line_hash.len()];
    for i in (0..n).filter(|&i| !copy[i]) {
        for &l in &num.lines[num.page(i)] {
            if first_for(&mut last[l as usize], i as u32) {
                page_freq[l as usize] += 1;
            }
        }
    }
    drop(last);
    let distinct = copy.iter().filter(|&&c| !c).count();
    near_copies(num, &copy, &page_freq, distinct, &mut uf);
    // Copies of one story are a handful of pages; a line on more is template.
    let rare = (distinct as u32 / 20).max(3);
    // Each distinct page's long, rare lines, sorted and deduplicated, end to
    // end (a copy joined its first already). A page with fewer than two
    // joins no other: none kept.
    let mut residual: Vec<u32> = Vec::new();
    let mut res_start: Vec<usize> = Vec::with_capacity(n + 1);
    // Lines long and rare enough, by number; each page's taken once (the
    // counts below do not depend on their order).
    let story_line: Vec<bool> = (num.words.iter().zip(&page_freq))
        .map(|(&w, &f)| w >= STORY_LINE_WORDS && f <= rare)
        .collect();
    let mut taken = vec![NONE; story_line.len()];
    for (i, &is_copy) in copy.iter().enumerate() {
        let s = residual.len();
        res_start.push(s);
        if is_copy {
            continue;
        }
        for &l in &num.lines[num.page(i)] {
            if story_line[l as usize] && first_for(&mut taken[l as usize], i as u32) {
                residual.push(l);
            }
        }
        if residual.len() - s < 2 {
            residual.truncate(s);
        }
    }
    res_start.push(residual.len());
    // Two pages join when they share `need` lines of either: half of its
    // lines, rounded up (2s >= min(a, b) is s >= min(need_a, need_b)).
    let need: Vec<u32> = res_start
        .windows(2)
        .map(|w| (w[1] - w[0]).div_ceil(2) as u32)
        .collect();
    // Each line's holders, the pages holding it in page order, laid end to
    // end (one allocation, not one growing list a line): `filled` of its
    // `held` slots are the pages seen so far.
    let mut held_start = vec![0usize; num.line_hash.len() + 1];
    for &l in &residual {
        held_start[l as usize + 1] += 1;
    }
    for l in 1..held_start.len() {
        held_start[l] += held_start[l - 1];
    }
    // Each holder with its need beside it: read in order, where a look-up
    // of `need` by page is a random load a pair.
    let mut held = vec![(0u32, 0u32); residual.len()];
    let mut filled = vec![0u32; num.line_hash.len()];
    // Lines page `i` shares with each earlier page, counted in place: a line
    // held by many pages is met once per holder, the loop that dominates on
    // sites of many pages. Each count is stamped with the page counting
    // (not cleared after it), and a pair joins when its count reaches the
    // need of either page: each pair once, no list of the pages met.
    let mut shared = vec![(NONE, 0u32); n];
    for i in 0..n {
        let (stamp, need_i) = (i as u32, need[i]);
        for &l in &residual[res_start[i]..res_start[i + 1]] {
            let (at, f) = (held_start[l as usize], &mut filled[l as usize]);
            for &(j, need_j) in &held[at..at + *f as usize] {
                let (s, c) = &mut shared[j as usize];
                if *s != stamp {
                    (*s, *c) = (stamp, 0);
                }
                *c += 1;
                // The groups, and their roots (each group's first page), do
                // not depend on the order of unions.
                if *c == need_i || *c == need_j {
                    uf.union(stamp, j);
                }
            }
            held[at + *f as usize] = (stamp, need_i);
            *f += 1;
        }
    }
    uf
}

/// Pages holding a long line more often than this are not looked at for
/// near copies (the pair counts grow with the square of a line's pages).
const NEAR_COPY_MAX_PAGES: u32 = 64;

/// Joins pages that are near copies of one story whatever the frequency of
/// their lines: k re-crawls, each with a "related" teaser line of its own,
/// or k updates (a paragraph added, changed or cut) hold the story's lines
/// on k + 1 pages, too many for the rare lines of [`story_groups`], so from
/// four copies on a small site the story was learned as template and every
/// copy emptied. Two pages are near when, over their long lines on at most
/// [`NEAR_COPY_MAX_PAGES`] pages, they share two or more, one of them holds
/// at most one the other lacks and the other at most half as many as they
/// share (distinct stories of one site each hold their own text). Near
/// pages that share only template (pages with no text of their own) must
/// not join: a near pair joins when it shares two lines that are the
/// story's, lines whose every page is near-connected to the pair and that
/// stand on less than three quarters of the site's distinct pages.
fn near_copies(
    num: &Numbered,
    copy: &[bool],
    page_freq: &[u32],
    distinct: usize,
    uf: &mut UnionFind,
) {
    let n = copy.len();
    // Each distinct page's long lines on at most NEAR_COPY_MAX_PAGES pages,
    // deduplicated, end to end, numbered anew in order of first sight: the
    // arrays below are as long as these lines, not as all the site's.
    let mut id = vec![NONE; num.words.len()];
    let mut taken: Vec<u32> = Vec::new();
    let mut lines: Vec<u32> = Vec::new();
    let mut start: Vec<usize> = Vec::with_capacity(n + 1);
    for (i, &c) in copy.iter().enumerate() {
        start.push(lines.len());
        if c {
            continue;
        }
        for &l in &num.lines[num.page(i)] {
            let l = l as usize;
            if num.words[l] < STORY_LINE_WORDS || page_freq[l] > NEAR_COPY_MAX_PAGES {
                continue;
            }
            if id[l] == NONE {
                id[l] = taken.len() as u32;
                taken.push(NONE);
            }
            let k = id[l];
            if first_for(&mut taken[k as usize], i as u32) {
                lines.push(k);
            }
        }
    }
    start.push(lines.len());
    drop(id);
    if lines.is_empty() {
        return;
    }
    let m = taken.len();
    let len = |i: usize| (start[i + 1] - start[i]) as u32;
    // Each line's holders in page order, as in `story_groups`.
    let mut held_start = vec![0u32; m + 1];
    for &l in &lines {
        held_start[l as usize + 1] += 1;
    }
    for l in 1..held_start.len() {
        held_start[l] += held_start[l - 1];
    }
    let mut held = vec![0u32; lines.len()];
    // `taken` again, now each line's holders so far.
    taken.fill(0);
    for i in 0..n {
        for &l in &lines[start[i]..start[i + 1]] {
            held[(held_start[l as usize] + taken[l as usize]) as usize] = i as u32;
            taken[l as usize] += 1;
        }
    }
    drop(taken);
    let holders =
        |l: u32| &held[held_start[l as usize] as usize..held_start[l as usize + 1] as usize];
    // Near pairs, found from the page that holds at most one line the other
    // lacks (P): the other holds at least two of P's three rarest lines (both
    // of two), so only pages met twice among those lines' holders are
    // candidates (counting every pair sharing a line, as `story_groups`
    // does, cost 5 % of `clean --learn` on sites of 30,000 generated pages
    // whose long lines all recur). The other page has from len(P) - 1 to
    // 1.5 len(P) lines (it lacks at most one of P's and holds at most half as
    // many more as they share).
    let mut mark = vec![NONE; m];
    let mut met = vec![(NONE, 0u8); n];
    let mut near: Vec<(u32, u32)> = Vec::new();
    let mut linked = UnionFind::new(n);
    for p in 0..n {
        let (page, lp) = (&lines[start[p]..start[p + 1]], len(p));
        if lp < 2 {
            continue;
        }
        // The (up to) three rarest, by holders then line number.
        let mut rare = [(usize::MAX, NONE); 3];
        for &l in page {
            let mut r = (holders(l).len(), l);
            for slot in &mut rare {
                if r < *slot {
                    std::mem::swap(slot, &mut r);
                }
            }
        }
        if rare[1].0 < 2 {
            continue;
        }
        let stamp = p as u32;
        let mut marked = false;
        for &(_, l) in rare.iter().filter(|r| r.1 != NONE) {
            for &q in holders(l) {
                let (s, c) = &mut met[q as usize];
                if *s != stamp {
                    (*s, *c) = (stamp, 0);
                }
                *c += 1;
                if *c != 2 || q == stamp {
                    continue;
                }
                let lq = len(q as usize);
                if lq + 1 < lp || 2 * lq > 3 * lp {
                    continue;
                }
                if !marked {
                    for &l in page {
                        mark[l as usize] = stamp;
                    }
                    marked = true;
                }
                let s = lines[start[q as usize]..start[q as usize + 1]]
                    .iter()
                    .filter(|&&l| mark[l as usize] == stamp)
                    .count() as u32;
                let (a, b) = (lp - s, lq - s);
                if s >= 2 && a.min(b) <= 1 && 2 * a.max(b) <= s {
                    near.push((stamp.min(q), stamp.max(q)));
                    linked.union(stamp, q);
                }
            }
        }
    }
    // A pair found from both of its pages once.
    near.sort_unstable();
    near.dedup();
    if near.is_empty() {
        return;
    }
    // The story's lines: every holder near-connected, on less than three
    // quarters of the site (a line on more is its template, copies or not).
    let story: Vec<bool> = (0..m as u32)
        .map(|l| {
            let hs = holders(l);
            hs.len() >= 2 && 4 * hs.len() < 3 * distinct && {
                let root = linked.find(hs[0]);
                hs[1..].iter().all(|&h| linked.find(h) == root)
            }
        })
        .collect();
    mark.fill(NONE);
    for &(j, i) in &near {
        for &l in &lines[start[j as usize]..start[j as usize + 1]] {
            mark[l as usize] = j;
        }
        let both = lines[start[i as usize]..start[i as usize + 1]]
            .iter()
            .filter(|&&l| mark[l as usize] == j && story[l as usize])
            .count();
        if both >= 2 {
            uf.union(j, i);
        }
    }
}

/// The pages story by story (copies of one story together, each story in
/// the order of its first page, pages in input order within it), each with
/// its story's number: what counts once per story is counted on this walk.
fn story_walk(uf: &mut UnionFind, pages: usize) -> Vec<(u32, usize)> {
    let group: Vec<u32> = (0..pages).map(|i| uf.find(i as u32)).collect();
    let mut by_story: Vec<usize> = (0..pages).collect();
    by_story.sort_by_key(|&i| (group[i], i));
    let mut story = NONE;
    by_story
        .iter()
        .enumerate()
        .map(|(n, &i)| {
            if n == 0 || group[i] != group[by_story[n - 1]] {
                story = story.wrapping_add(1);
            }
            (story, i)
        })
        .collect()
}

/// Whether `stamp` (a page or story) is new to the slot, marking it seen:
/// counts each line once per page or story without clearing a set.
#[inline]
fn first_for(slot: &mut u32, stamp: u32) -> bool {
    std::mem::replace(slot, stamp) != stamp
}

/// Words each neighbour of a line needs for the line to stand inside a
/// story's own text.
const INSIDE_WORDS: u16 = 12;

/// Drops from `freq` the recurring lines that stand, on a third of their
/// stories or more, between two long lines of the story itself (a series' section
/// header, a sign-off its stories share): article text, which the gold keeps,
/// where template stands among template or short lines.
fn drop_inside_text(num: &Numbered, walk: &[(u32, usize)], freq: &mut [u32], need: u32) {
    let recurs = |l: u32| freq[l as usize] >= need;
    // Stories a line stands inside the text on; `last` counts each once.
    let mut inside = vec![0u32; freq.len()];
    let mut last = vec![NONE; freq.len()];
    for &(story, i) in walk {
        let lines = &num.lines[num.page(i)];
        let text = |j: usize| {
            let l = lines[j];
            num.words[l as usize] >= INSIDE_WORDS && !recurs(l)
        };
        for (j, w) in lines.windows(3).enumerate() {
            let l = w[1];
            if recurs(l) && text(j) && text(j + 2) && first_for(&mut last[l as usize], story) {
                inside[l as usize] += 1;
            }
        }
    }
    for (c, &a) in freq.iter_mut().zip(&inside) {
        if 3 * a > *c {
            *c = 0;
        }
    }
}

/// A site's decisions: its model, its rules, and its distinct lines of at
/// most [`crate::page::CROSS_MAX_WORDS`] words (on some page).
pub(super) fn learn_site(
    site: &str,
    pages: &SiteLines,
    opts: &LearnOptions,
) -> (SiteModel, Vec<LearnedRule>, Vec<u64>) {
    let num = Numbered::of(pages);
    let (lines_n, openings_n) = (num.line_hash.len(), num.opening_hash.len());
    let short: Vec<u64> = (0..lines_n)
        .filter(|&l| usize::from(num.words[l]) <= crate::page::CROSS_MAX_WORDS)
        .map(|l| num.line_hash[l])
        .collect();
    let mut uf = story_groups(&num);
    // Count each line and opening once per story: walk the pages story by story.
    let walk = story_walk(&mut uf, pages.len());
    let groups = walk.last().map_or(0, |&(story, _)| story as usize + 1);
    let mut freq = vec![0u32; lines_n];
    let mut prefix_freq = vec![0u32; openings_n];
    // The story each line and opening was last counted for.
    let mut last = vec![NONE; lines_n];
    let mut last_opening = vec![NONE; openings_n];
    for &(story, i) in &walk {
        for k in num.page(i) {
            let (l, o) = (num.lines[k] as usize, num.openings[k]);
            if first_for(&mut last[l], story) {
                freq[l] += 1;
            }
            if o != NONE {
                let o = o as usize;
                if first_for(&mut last_opening[o], story) {
                    prefix_freq[o] += 1;
                }
            }
        }
    }
    let need = (opts.min_pages as f64)
        .max((opts.min_share * groups as f64).ceil())
        .max(2.0) as u32;
    drop_inside_text(&num, &walk, &mut freq, need);
    let template: HashSetKeyed<u64> = (0..lines_n)
        .filter(|&l| freq[l] >= need)
        .map(|l| num.line_hash[l])
        .collect();

    // Openings shared by many pages whose lines vary ("Translated by ...").
    let prefix_need = need.max((PREFIX_MIN_SHARE * groups as f64).ceil() as u32);
    // A prefix only ever seen on one line is that line: learned as a line.
    let opening_is_unit = |o: usize| prefix_freq[o] >= prefix_need && num.varies[o];
    let unit_of = |k: usize| -> Option<(Unit, u32)> {
        let (l, o) = (num.lines[k] as usize, num.openings[k]);
        if o != NONE && opening_is_unit(o as usize) {
            return Some((
                Unit::Prefix(num.opening_hash[o as usize]),
                prefix_freq[o as usize],
            ));
        }
        (freq[l] >= need).then(|| (Unit::Line(num.line_hash[l]), freq[l]))
    };

    // Units in order of first appearance (input order: deterministic),
    // numbered by line or opening number.
    let (mut unit_of_line, mut unit_of_opening) = (vec![NONE; lines_n], vec![NONE; openings_n]);
    let mut order: Vec<(Unit, u32, u16)> = Vec::new();
    let mut longest: Vec<u16> = Vec::new();
    // Each line's unit (NONE for none), read again by the block count.
    let mut line_units: Vec<u32> = Vec::with_capacity(num.lines.len());
    // Per line number, its unit once met: a line's unit and words are
    // functions of the line, so only a line's first occurrence is looked at.
    let mut known = vec![UNSEEN; lines_n];
    for k in 0..num.lines.len() {
        let l = num.lines[k] as usize;
        let seen = &mut known[l];
        if *seen != UNSEEN {
            line_units.push(*seen);
            continue;
        }
        let Some((u, c)) = unit_of(k) else {
            *seen = NONE;
            line_units.push(NONE);
            continue;
        };
        let no = match u {
            Unit::Prefix(_) => &mut unit_of_opening[num.openings[k] as usize],
            Unit::Line(_) => &mut unit_of_line[l],
        };
        let w = num.words[l];
        if *no == NONE {
            order.push((u, c, w));
            longest.push(0);
            *no = order.len() as u32 - 1;
        }
        let id = *no as usize;
        longest[id] = longest[id].max(w);
        *seen = id as u32;
        line_units.push(id as u32);
    }
    // Blocks: units that stand next to each other, counted once per story
    // (each pair keeps the story it was last counted for).
    // A site counts a pair for every two template lines next to each other
    // on a page: small integer keys, hashed by a multiply, not SipHash.
    let mut pair_count: HashMap<(usize, usize), (u32, u32), Mixed> = HashMap::default();
    for &(story, i) in &walk {
        let mut prev: Option<usize> = None;
        for &unit in &line_units[num.page(i)] {
            let id = (unit != NONE).then_some(unit as usize);
            if let (Some(a), Some(b)) = (prev, id)
                && a != b
            {
                let (count, last) = pair_count.entry((a.min(b), a.max(b))).or_insert((0, NONE));
                if first_for(last, story) {
                    *count += 1;
                }
            }
            prev = id;
        }
    }
    let mut blocks = UnionFind::new(order.len());
    let mut pairs: Vec<(&(usize, usize), &u32)> =
        pair_count.iter().map(|(k, (c, _))| (k, c)).collect();
    pairs.sort_unstable_by_key(|(k, _)| **k);
    for (&(a, b), &together) in pairs {
        // Units join a block when they stand together on most pages that
        // hold either, not merely somewhere (section headers meet many lines).
        let more = order[a].1.max(order[b].1);
        if together >= need && 2 * together >= more {
            blocks.union(a as u32, b as u32);
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..order.len() {
        members
            .entry(blocks.find(i as u32) as usize)
            .or_default()
            .push(i);
    }
    let mut rules = Vec::new();
    for m in members.values() {
        // A block of short lines only is not evidence enough (section
        // headers recur in clean text too).
        if !m.iter().any(|&i| order[i].2 as usize >= opts.min_words) {
            continue;
        }
        let lines: Vec<Unit> = m.iter().map(|&i| order[i].0).collect();
        let pages_max = m.iter().map(|&i| order[i].1 as usize).max().unwrap_or(0);
        let words_removed = m
            .iter()
            .map(|&i| u64::from(order[i].2) * u64::from(order[i].1))
            .sum();
        rules.push(LearnedRule {
            site: site.to_string(),
            examples: vec![None; lines.len()],
            max_words: m.iter().map(|&i| longest[i] as usize).max().unwrap_or(0),
            lines,
            pages: pages_max,
            site_pages: groups,
            words_removed,
        });
    }
    (SiteModel { template }, rules, short)
}
