//! Signatures against exact Jaccard, the store, and word finding.
use super::words::for_each_word;
use super::*;
use xxhash_rust::xxh3::xxh3_64;

fn words(n: usize, from: usize) -> String {
    (from..from + n)
        .map(|i| format!("w{i}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Two documents with known Jaccard similarity over word 1-grams.
fn pair(shared: usize, only: usize) -> (String, String, f64) {
    let a = format!("{} {}", words(shared, 0), words(only, 100_000));
    let b = format!("{} {}", words(shared, 0), words(only, 200_000));
    (a, b, shared as f64 / (shared + 2 * only) as f64)
}

#[test]
fn estimates_are_close_to_true_jaccard_for_both_schemes() {
    for scheme in [Scheme::Oph, Scheme::Classic] {
        let signer = Signer::new(Shingling::Words(1), 256, scheme);
        for (shared, only) in [(800, 100), (500, 250), (200, 400)] {
            let (a, b, truth) = pair(shared, only);
            let est = signer.sign(&a).similarity(&signer.sign(&b));
            // 256 permutations: standard error <= 0.032; allow 4 sigma.
            assert!((est - truth).abs() < 0.13, "{scheme:?} {truth} {est}");
        }
    }
}

#[test]
fn store_keeps_low_bytes_across_chunks_and_full_values_on_request() {
    let sig = |i: u32| Signature {
        values: (0..8)
            .map(|v| i.wrapping_mul(0x9E37_79B9) ^ (v << 8))
            .collect(),
        shingles: i,
    };
    let n = CHUNK_DOCS as u32 + 3;
    let mut lean = SigStore::new(8, false);
    let mut full = SigStore::new(8, true);
    for i in 0..n {
        lean.push(&sig(i));
        full.push(&sig(i));
    }
    assert_eq!(lean.len(), n as usize);
    for i in [0, 1, CHUNK_DOCS as u32 - 1, CHUNK_DOCS as u32, n - 1] {
        let low: Vec<u8> = sig(i).values.iter().map(|&v| v as u8).collect();
        assert_eq!(lean.get(i as usize).low, &low[..]);
        assert_eq!(lean.get(i as usize).shingles, i);
        assert_eq!(lean.full(i as usize), None);
        assert_eq!(full.full(i as usize), Some(sig(i)));
    }
    // The stored form gives the same estimate as the signatures.
    let (a, b) = (sig(5), sig(7));
    let (x, y) = (lean.get(5), lean.get(7));
    assert_eq!(x.similarity(&y), a.similarity(&b));
    assert_eq!(x.containment(&y), a.containment(&b));
    assert_eq!(x.similarity(&x), 1.0);
}

#[test]
fn chance_agreement_of_low_bytes_is_corrected() {
    // Values that differ but share their low byte agree by chance only:
    // one in 256 such bins is expected, and counts as no agreement.
    let a = Signature {
        values: (0..256).map(|v| v << 8).collect(),
        shingles: 100,
    };
    let mut b = a.clone();
    for v in b.values.iter_mut().skip(1) {
        *v = v.wrapping_add(1);
    }
    assert_eq!(a.similarity(&b), 0.0);
    for v in b.values.iter_mut().take(128) {
        *v &= !0xff;
    }
    let half = a.similarity(&b);
    assert!(
        (half - (0.5 - CHANCE) / (1.0 - CHANCE)).abs() < 1e-12,
        "{half}"
    );
}

#[test]
fn containment_finds_an_abridged_copy() {
    let signer = Signer::new(Shingling::Words(1), 256, Scheme::Oph);
    let full = words(1000, 0);
    let half = words(500, 0);
    let (a, b) = (signer.sign(&full), signer.sign(&half));
    assert!(a.similarity(&b) < 0.65);
    assert!(a.containment(&b) > 0.85, "{}", a.containment(&b));
}

/// The plain definition of a word: a run of alphanumeric characters.
fn words_by_char(key: &str) -> Vec<String> {
    key.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn words_by_mask(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(key.as_bytes(), |s, e| out.push(key[s..e].to_string()));
    out
}

#[test]
fn char_shingles_are_the_n_character_substrings() {
    for (key, n) in [("grüße aus köln", 3), ("ab", 5), ("€€ x €", 2), ("", 4)] {
        let chars: Vec<char> = key.chars().collect();
        let want: Vec<u64> = if chars.is_empty() {
            Vec::new()
        } else {
            chars
                .windows(n.min(chars.len()))
                .map(|w| xxh3_64(w.iter().collect::<String>().as_bytes()))
                .collect()
        };
        let mut got = Vec::new();
        Signer::new(Shingling::Chars(n), 8, Scheme::Oph).shingles(key, |h| got.push(h));
        assert_eq!(got, want, "{key:?} {n}");
    }
}

#[test]
fn words_cross_chunk_edges() {
    for len in [1, 62, 63, 64, 65, 127, 128, 129, 200] {
        for lead in 0..3 {
            let key = format!("{}{} b-ü€x", " ".repeat(lead), "a".repeat(len));
            assert_eq!(words_by_mask(&key), words_by_char(&key), "{len} {lead}");
            let key = format!("{}{}", "é".repeat(len), "-z".repeat(lead));
            assert_eq!(words_by_mask(&key), words_by_char(&key), "{len} {lead}");
        }
    }
    assert!(words_by_mask("").is_empty());
    assert!(words_by_mask("…—").is_empty());
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Words found from the byte masks are the runs of alphanumeric
    /// characters, for any text (ASCII-heavy strings reach the fast path).
    #[test]
    fn words_match_the_plain_definition(key in r"([a-z0-9 .,;:'()\n-]{0,40}|\PC{0,12}){0,12}") {
        proptest::prop_assert_eq!(words_by_mask(&key), words_by_char(&key));
    }

    /// For any overlap, the OPH estimate stays within 5 standard errors
    /// (sqrt(J(1-J)/K) at K = 128) of the exact Jaccard similarity.
    #[test]
    fn oph_estimates_stay_within_the_error_bound(shared in 50usize..600, only_a in 0usize..300, only_b in 0usize..300, seed in 0usize..1000) {
        let signer = Signer::new(Shingling::Words(1), 128, Scheme::Oph);
        let base = seed * 10_000;
        let a = format!("{} {}", words(shared, base), words(only_a, 5_000_000 + base));
        let b = format!("{} {}", words(shared, base), words(only_b, 9_000_000 + base));
        let truth = shared as f64 / (shared + only_a + only_b) as f64;
        let est = signer.sign(&a).similarity(&signer.sign(&b));
        let se = (truth * (1.0 - truth) / 128.0).sqrt().max(0.01);
        proptest::prop_assert!((est - truth).abs() <= 5.0 * se, "truth {} est {}", truth, est);
    }

    /// Signatures do not depend on line breaks, case or spacing.
    #[test]
    fn signatures_ignore_layout(ws in proptest::collection::vec("[a-zA-Z]{1,8}", 1..60)) {
        let signer = Signer::new(Shingling::Chars(5), 64, Scheme::Oph);
        let a = ws.join(" ");
        let b = ws.iter().map(|w| w.to_uppercase()).collect::<Vec<_>>().join("\n  ");
        proptest::prop_assert_eq!(signer.sign(&a), signer.sign(&b));
    }
}

#[test]
fn distinct_shingle_counts_are_close() {
    let signer = Signer::new(Shingling::Words(1), 64, Scheme::Oph);
    for n in [1, 10, 300, 5000] {
        // Every word twice: duplicates must not count.
        let text = format!("{} {}", words(n, 0), words(n, 0));
        let got = f64::from(signer.sign(&text).shingles);
        assert!(
            (got - n as f64).abs() <= (n as f64 * 0.03).max(1.0),
            "{n}: {got}"
        );
    }
}

#[test]
fn shingling_parses_and_short_documents_still_sign() {
    assert_eq!("word:5".parse(), Ok(Shingling::Words(5)));
    assert_eq!("char:7".parse(), Ok(Shingling::Chars(7)));
    assert!("word:0".parse::<Shingling>().is_err());
    assert!("line:3".parse::<Shingling>().is_err());
    let signer = Signer::new(Shingling::Words(5), 64, Scheme::Oph);
    let s = signer.sign("two words");
    assert_eq!(s.shingles, 1);
    assert_eq!(s.similarity(&signer.sign("Two,  words.")), 1.0);
    assert!(signer.sign("").similarity(&s) == 0.0);
}

#[test]
fn char_shingles_see_through_line_breaks_and_quotes() {
    let signer = Signer::new(Shingling::Chars(5), 128, Scheme::Oph);
    let a = signer.sign("He said \u{201e}yes\u{201c}\nand left.");
    let b = signer.sign("He said \"yes\" and left.");
    assert_eq!(a.similarity(&b), 1.0);
}

/// Word n-gram hashes as first defined: each word hashed on its own (up to
/// 16 bytes by two loads and one multiply, longer ones by xxh3), the n
/// words of a window folded by `mix` from `n`; a document shorter than n
/// words is one shingle. The fast path must give exactly these.
fn word_shingles_by_definition(key: &str, n: usize) -> Vec<u64> {
    let word = |w: &[u8]| -> u64 {
        if w.len() > 16 {
            return xxh3_64(w);
        }
        let load = |b: &[u8]| {
            let mut pad = [0u8; 8];
            pad[..b.len().min(8)].copy_from_slice(&b[..b.len().min(8)]);
            u64::from_le_bytes(pad)
        };
        let lo = load(w);
        let hi = if w.len() > 8 {
            load(&w[w.len() - 8..])
        } else {
            0
        };
        let p = u128::from(lo ^ 0x243F_6A88_85A3_08D3 ^ w.len() as u64)
            * u128::from(hi ^ 0x1319_8A2E_0370_7345);
        (p as u64) ^ ((p >> 64) as u64)
    };
    let tokens: Vec<u64> = words_by_char(key)
        .iter()
        .map(|w| word(w.as_bytes()))
        .collect();
    if tokens.is_empty() {
        return Vec::new();
    }
    tokens
        .windows(n.min(tokens.len()))
        .map(|w| w.iter().fold(n as u64, |h, &t| mix(h, t)))
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// The unrolled n-gram loops and branch-free word hashes give the
    /// shingles of the plain definition, for every n (short documents too).
    #[test]
    fn word_shingles_match_the_definition(
        key in r"([a-z0-9 .,'\n-]{0,40}|[a-z]{9,30} |\PC{0,12}){0,14}",
        n in 1usize..11,
    ) {
        let mut got = Vec::new();
        Signer::new(Shingling::Words(n), 8, Scheme::Oph).shingles(&key, |h| got.push(h));
        proptest::prop_assert_eq!(got, word_shingles_by_definition(&key, n));
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// The branch-free hash of 4 to 8 bytes is the crate's xxh3.
    #[test]
    fn short_xxh3_is_xxh3(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 4..=8)) {
        proptest::prop_assert_eq!(super::chars::xxh3_4to8(&bytes), xxh3_64(&bytes));
    }

    /// Character shingles are the xxh3 of each n-character window, the
    /// whole key when shorter, for every n (ASCII keys take a path of their
    /// own).
    #[test]
    fn char_shingles_are_the_windows(key in "[a-z0-9 .,']{0,40}|[a-zé€ü𝄞 ]{0,30}|\\PC{0,20}", n in 1usize..12) {
        let chars: Vec<char> = key.chars().collect();
        let want: Vec<u64> = match chars.len() {
            0 => Vec::new(),
            len => chars
                .windows(n.min(len))
                .map(|w| xxh3_64(w.iter().collect::<String>().as_bytes()))
                .collect(),
        };
        let mut got = Vec::new();
        Signer::new(Shingling::Chars(n), 8, Scheme::Oph).shingles(&key, |h| got.push(h));
        proptest::prop_assert_eq!(got, want);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// The fixed-length path of 128 values is one-permutation hashing as
    /// defined: the least low half of the hashes falling in each bin, empty
    /// bins densified.
    #[test]
    fn oph_of_128_values_is_the_definition(
        key in "([a-z0-9 .,']{0,30}[é€ü𝄞—’]?){0,12}",
        shingling in proptest::sample::select(vec![Shingling::Chars(7), Shingling::Chars(3), Shingling::Words(5)]),
    ) {
        let signer = Signer::new(shingling, 128, Scheme::Oph);
        let (mut values, mut filled) = (vec![u32::MAX; 128], vec![false; 128]);
        signer.shingles(&key, |h| {
            let bin = ((u128::from(h) * 128) >> 64) as usize;
            values[bin] = values[bin].min(h as u32);
            filled[bin] = true;
        });
        if filled.contains(&true) {
            densify(&mut values, &filled);
        }
        proptest::prop_assert_eq!(signer.sign_key(&key).values, values);
    }
}
