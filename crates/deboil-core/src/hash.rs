//! Hashers for maps on hot paths: keys that are already uniform hashes
//! (xxh3 of a line, a band hash), which hashing again would only cost, and
//! small integer keys, where SipHash costs more than the lookup.

use std::collections::{HashMap, HashSet};

/// A hasher for keys that are already uniform hashes (band hashes, xxh3):
/// it passes them through.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // Spread the 32 bits over the 64 the map's control bytes read.
        self.0 = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64 ^ (n >> 64) as u64;
    }
}

/// A map keyed by uniform hashes.
pub type HashKeyed<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<PassThrough>>;

/// A set of uniform hashes.
pub type HashSetKeyed<K> = HashSet<K, std::hash::BuildHasherDefault<PassThrough>>;

/// A multiply hasher for small integer keys (indices, pairs of them).
#[derive(Debug, Default, Clone, Copy)]
pub struct MixHasher(u64);

impl std::hash::Hasher for MixHasher {
    fn finish(&self) -> u64 {
        // The high bits of a product depend on all bits of the input.
        self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(26)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0.rotate_left(32) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// The build hasher of [`MixHasher`].
pub type Mixed = std::hash::BuildHasherDefault<MixHasher>;
