//! The memos' tags: xxh3-128 of a line's bytes, seeded by its kind, with
//! the long path (lines over 240 bytes) stepped 32 bytes at a time with
//! AVX2 where the CPU has it. A portable build of `xxhash-rust` steps it
//! with SSE2, and hashing long lines for the two memos was about a tenth
//! of what `clean --learn` adds to `clean`. The value is the crate's, bit
//! for bit (a test compares): only the speed differs.
// Elsewhere only the crate's path is taken.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

/// Inputs longer than this take xxh3's long path.
const MID_SIZE_MAX: usize = 240;

/// xxh3's default secret (its specification's `kSecret`).
const DEFAULT_SECRET: [u8; SECRET] = [
    0xb8, 0xfe, 0x6c, 0x39, 0x23, 0xa4, 0x4b, 0xbe, 0x7c, 0x01, 0x81, 0x2c, 0xf7, 0x21, 0xad, 0x1c,
    0xde, 0xd4, 0x6d, 0xe9, 0x83, 0x90, 0x97, 0xdb, 0x72, 0x40, 0xa4, 0xa4, 0xb7, 0xb3, 0x67, 0x1f,
    0xcb, 0x79, 0xe6, 0x4e, 0xcc, 0xc0, 0xe5, 0x78, 0x82, 0x5a, 0xd0, 0x7d, 0xcc, 0xff, 0x72, 0x21,
    0xb8, 0x08, 0x46, 0x74, 0xf7, 0x43, 0x24, 0x8e, 0xe0, 0x35, 0x90, 0xe6, 0x81, 0x3a, 0x26, 0x4c,
    0x3c, 0x28, 0x52, 0xbb, 0x91, 0xc3, 0x00, 0xcb, 0x88, 0xd0, 0x65, 0x8b, 0x1b, 0x53, 0x2e, 0xa3,
    0x71, 0x64, 0x48, 0x97, 0xa2, 0x0d, 0xf9, 0x4e, 0x38, 0x19, 0xef, 0x46, 0xa9, 0xde, 0xac, 0xd8,
    0xa8, 0xfa, 0x76, 0x3f, 0xe3, 0x9c, 0x34, 0x3f, 0xf9, 0xdc, 0xbb, 0xc7, 0xc7, 0x0b, 0x4f, 0x1d,
    0x8a, 0x51, 0xe0, 0x4b, 0xcd, 0xb4, 0x59, 0x31, 0xc8, 0x9f, 0x7e, 0xc9, 0xd9, 0x78, 0x73, 0x64,
    0xea, 0xc5, 0xac, 0x83, 0x34, 0xd3, 0xeb, 0xc3, 0xc5, 0x81, 0xa0, 0xff, 0xfa, 0x13, 0x63, 0xeb,
    0x17, 0x0d, 0xdd, 0x51, 0xb7, 0xf0, 0xda, 0x49, 0xd3, 0x16, 0x55, 0x26, 0x29, 0xd4, 0x68, 0x9e,
    0x2b, 0x16, 0xbe, 0x58, 0x7d, 0x47, 0xa1, 0xfc, 0x8f, 0xf8, 0xb8, 0xd1, 0x7a, 0xd0, 0x31, 0xce,
    0x45, 0xcb, 0x3a, 0x8f, 0x95, 0x16, 0x04, 0x28, 0xaf, 0xd7, 0xfb, 0xca, 0xbb, 0x4b, 0x40, 0x7e,
];

/// Bytes of a secret.
const SECRET: usize = 192;

/// The long path's secret for each kind (its seed): the default secret
/// with the seed added to each 16 bytes' first eight and taken from the
/// second eight, as xxh3 derives it for a seed (the crate per call).
static SECRETS: [[u8; SECRET]; super::memo::KINDS as usize] = {
    let mut out = [[0u8; SECRET]; super::memo::KINDS as usize];
    let mut seed = 0;
    while seed < out.len() {
        let mut i = 0;
        while i < SECRET {
            let s = seed as u64;
            let lo = read64(&DEFAULT_SECRET, i).wrapping_add(s).to_le_bytes();
            let hi = read64(&DEFAULT_SECRET, i + 8).wrapping_sub(s).to_le_bytes();
            let mut k = 0;
            while k < 8 {
                out[seed][i + k] = lo[k];
                out[seed][i + 8 + k] = hi[k];
                k += 1;
            }
            i += 16;
        }
        seed += 1;
    }
    out
};

const fn read64(b: &[u8], at: usize) -> u64 {
    let mut v = [0u8; 8];
    let mut k = 0;
    while k < 8 {
        v[k] = b[at + k];
        k += 1;
    }
    u64::from_le_bytes(v)
}

/// `xxhash_rust::xxh3::xxh3_128_with_seed(b, kind)`, for a kind below
/// [`super::memo::KINDS`].
#[inline]
pub(crate) fn xxh3_128(b: &[u8], kind: u8) -> u128 {
    #[cfg(target_arch = "x86_64")]
    if b.len() > MID_SIZE_MAX && std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked above.
        return unsafe { long_avx2(b, &SECRETS[usize::from(kind)]) };
    }
    xxhash_rust::xxh3::xxh3_128_with_seed(b, u64::from(kind))
}

const PRIME32_1: u64 = 0x9E37_79B1;
const PRIME32_2: u64 = 0x85EB_CA77;
const PRIME32_3: u64 = 0xC2B2_AE3D;
const PRIME64_1: u64 = 0x9E37_79B1_85EB_CA87;
const PRIME64_2: u64 = 0xC2B2_AE3D_27D4_EB4F;
const PRIME64_3: u64 = 0x1656_67B1_9E37_79F9;
const PRIME64_4: u64 = 0x85EB_CA77_C2B2_AE63;
const PRIME64_5: u64 = 0x27D4_EB2F_1656_67C5;

/// xxh3-128's long path (`input` over [`MID_SIZE_MAX`] bytes) with
/// `secret`: eight 64-bit accumulators, a 64-byte stripe at a time, each
/// stripe against the secret eight bytes further on, scrambled every
/// sixteen stripes; the last stripe against the secret's end.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn long_avx2(input: &[u8], secret: &[u8; SECRET]) -> u128 {
    use std::arch::x86_64::*;
    const STRIPES: usize = (SECRET - 64) / 8;
    const BLOCK: usize = 64 * STRIPES;
    assert!(input.len() > 64);
    let init = [
        PRIME32_3, PRIME64_1, PRIME64_2, PRIME64_3, PRIME64_4, PRIME32_2, PRIME64_5, PRIME32_1,
    ];
    let load = |b: &[u8], at: usize| {
        let b = &b[at..at + 32];
        // SAFETY: `b` holds the 32 bytes read (sliced above).
        unsafe { _mm256_loadu_si256(b.as_ptr().cast()) }
    };
    let mut acc = [load(as_bytes(&init), 0), load(as_bytes(&init), 32)];
    let (ip, sp) = (input.as_ptr(), secret.as_ptr());
    // One stripe of `input` at `at`, against `secret` at `key`. Every call
    // below has `at + 64 <= input.len()` and `key + 64 <= SECRET`: blocks
    // and stripes end before `input.len() - 1`, the last stripe is the
    // input's last 64 bytes (over 64), and keys go up to 8 * 15 or 121.
    let stripe = |acc: &mut [__m256i; 2], at: usize, key: usize| {
        debug_assert!(at + 64 <= input.len() && key + 64 <= SECRET);
        for (i, a) in acc.iter_mut().enumerate() {
            // SAFETY: within `input` and `secret` (see above); unchecked
            // here, as bounds checks cost the loop a third more.
            let (data, k) = unsafe {
                let data = _mm256_loadu_si256(ip.add(at + 32 * i).cast());
                (data, _mm256_loadu_si256(sp.add(key + 32 * i).cast()))
            };
            let dk = _mm256_xor_si256(data, k);
            let product = _mm256_mul_epu32(dk, _mm256_srli_epi64(dk, 32));
            // Each lane's other half of the 16 bytes: acc[i ^ 1] += data[i].
            let swapped = _mm256_shuffle_epi32(data, 0b01_00_11_10);
            *a = _mm256_add_epi64(product, _mm256_add_epi64(*a, swapped));
        }
    };
    let blocks = (input.len() - 1) / BLOCK;
    for n in 0..blocks {
        for s in 0..STRIPES {
            stripe(&mut acc, n * BLOCK + 64 * s, 8 * s);
        }
        let prime = _mm256_set1_epi32(PRIME32_1 as i32);
        for (i, a) in acc.iter_mut().enumerate() {
            let x = _mm256_xor_si256(*a, _mm256_srli_epi64(*a, 47));
            let dk = _mm256_xor_si256(x, load(secret, SECRET - 64 + 32 * i));
            let lo = _mm256_mul_epu32(dk, prime);
            let hi = _mm256_mul_epu32(_mm256_srli_epi64(dk, 32), prime);
            *a = _mm256_add_epi64(lo, _mm256_slli_epi64(hi, 32));
        }
    }
    let last = ((input.len() - 1) - BLOCK * blocks) / 64;
    for s in 0..last {
        stripe(&mut acc, blocks * BLOCK + 64 * s, 8 * s);
    }
    stripe(&mut acc, input.len() - 64, SECRET - 64 - 7);
    let mut lanes = [0u64; 8];
    for (i, a) in acc.iter().enumerate() {
        let out = &mut lanes[4 * i..4 * i + 4];
        // SAFETY: `out` holds the 32 bytes written (four u64s).
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().cast(), *a) };
    }
    let len = input.len() as u64;
    let lo = merge(&lanes, &secret[11..], len.wrapping_mul(PRIME64_1));
    let hi = merge(
        &lanes,
        &secret[SECRET - 64 - 11..],
        !len.wrapping_mul(PRIME64_2),
    );
    u128::from(lo) | (u128::from(hi) << 64)
}

/// The accumulators' bytes, in memory order.
#[cfg(target_arch = "x86_64")]
fn as_bytes(v: &[u64; 8]) -> &[u8] {
    // SAFETY: eight u64s are 64 initialised bytes, and u8 has no alignment.
    unsafe { std::slice::from_raw_parts(v.as_ptr().cast(), 64) }
}

/// xxh3's merge of the accumulators into 64 bits, from `start`.
#[cfg(target_arch = "x86_64")]
fn merge(acc: &[u64; 8], secret: &[u8], start: u64) -> u64 {
    let mut r = start;
    for i in 0..4 {
        let a = acc[2 * i] ^ read64(secret, 16 * i);
        let b = acc[2 * i + 1] ^ read64(secret, 16 * i + 8);
        let p = u128::from(a) * u128::from(b);
        r = r.wrapping_add(p as u64 ^ (p >> 64) as u64);
    }
    r ^= r >> 37;
    r = r.wrapping_mul(0x1656_6791_9E37_79F9);
    r ^ (r >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_the_crates_xxh3_128() {
        // Lengths around the long path's start, its stripes (64 bytes)
        // and blocks (1024), every kind; bytes from a fixed generator.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let bytes: Vec<u8> = (0..5000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let lens = (0..=300)
            .chain(1000..1100)
            .chain([2047, 2048, 2049, 3071, 3072, 3073, 4095, 4096, 4097, 5000]);
        for len in lens {
            for kind in 0..super::super::memo::KINDS {
                for from in [0, 3] {
                    let Some(b) = bytes.get(from..from + len) else {
                        continue;
                    };
                    let want = xxhash_rust::xxh3::xxh3_128_with_seed(b, u64::from(kind));
                    assert_eq!(xxh3_128(b, kind), want, "length {len}, kind {kind}");
                }
            }
        }
    }

    #[test]
    fn the_long_path_runs_here() {
        // Where the CPU has AVX2 (the test above then holds the long path
        // to the crate's), the long path is ours.
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            let b = [7u8; 300];
            // SAFETY: the CPU has AVX2, checked above.
            let ours = unsafe { long_avx2(&b, &SECRETS[1]) };
            assert_eq!(ours, xxhash_rust::xxh3::xxh3_128_with_seed(&b, 1));
        }
    }
}
