//! A record's UTF-8 check, thirty-two bytes a step where they are ASCII:
//! the standard library's check reads sixteen, and a separate pass looks
//! for NUL bytes. Only says yes; anything else is left to the full check,
//! which says where the problem is.

/// Whether `b` is UTF-8 without NUL bytes; `false` also where the CPU
/// lacks AVX2 (the full check then decides).
pub(super) fn utf8_without_nul(b: &[u8]) -> bool {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU has AVX2, checked above.
        return unsafe { utf8_without_nul_avx2(b) };
    }
    let _ = b;
    false
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn utf8_without_nul_avx2(b: &[u8]) -> bool {
    use std::arch::x86_64::*;
    let mut i = 0;
    while i < b.len() {
        if i + 32 <= b.len() {
            // SAFETY: the load reads the 32 bytes at `b[i..]`, checked above.
            let m = unsafe {
                let v = _mm256_loadu_si256(b.as_ptr().add(i).cast());
                let nul = _mm256_cmpeq_epi8(v, _mm256_setzero_si256());
                _mm256_movemask_epi8(_mm256_or_si256(v, nul)) as u32
            };
            if m == 0 {
                i += 32;
                continue;
            }
            // The first byte that is not ASCII, or NUL.
            i += m.trailing_zeros() as usize;
        }
        match b[i] {
            0 => return false,
            1..0x80 => i += 1,
            _ => match char_len(b, i) {
                Some(n) => i += n,
                None => return false,
            },
        }
    }
    true
}

/// The length of the UTF-8 character of several bytes at `b[i]`, or `None`
/// where there is none (the well-formed sequences of Unicode's table 3-7:
/// no overlong forms, surrogates or values past U+10FFFF).
#[inline]
fn char_len(b: &[u8], i: usize) -> Option<usize> {
    let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
    let cont = |k: usize| at(k) & 0xC0 == 0x80;
    let (n, second) = match b[i] {
        0xC2..=0xDF => (2, 0x80..=0xBF),
        0xE0 => (3, 0xA0..=0xBF),
        0xE1..=0xEC | 0xEE..=0xEF => (3, 0x80..=0xBF),
        0xED => (3, 0x80..=0x9F),
        0xF0 => (4, 0x90..=0xBF),
        0xF1..=0xF3 => (4, 0x80..=0xBF),
        0xF4 => (4, 0x80..=0x8F),
        _ => return None,
    };
    (second.contains(&at(1)) && (2..n).all(cont)).then_some(n)
}

#[cfg(test)]
mod tests;
