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

/// A hasher for byte-string keys on hot paths (site names, phrases): xxh3
/// of the bytes, where SipHash cost more than the look-up (a site's model
/// is looked up for every page). Like the maps keyed by xxh3 line hashes
/// above, it has no secret: keys are the input's own text, and keys are
/// still compared whole.
#[derive(Debug, Default, Clone, Copy)]
pub struct BytesHasher(u64);

impl std::hash::Hasher for BytesHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // Chained: `str` and slices write their bytes and a terminator or
        // length apart.
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }
}

/// The build hasher of [`BytesHasher`].
pub type Bytes = std::hash::BuildHasherDefault<BytesHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn byte_keys_hash_by_all_their_bytes_and_parts() {
        let h = Bytes::default();
        // Equal keys hash alike; parts split elsewhere, an empty key and a
        // key differing in one byte late in a long one do not.
        assert_eq!(h.hash_one("news.example"), h.hash_one("news.example"));
        assert_ne!(h.hash_one(("ab", "c")), h.hash_one(("a", "bc")));
        assert_ne!(h.hash_one(""), h.hash_one(("", "")));
        let long = "x".repeat(300);
        assert_ne!(h.hash_one(&long), h.hash_one(format!("{}y", &long[1..])));
        let map: HashMap<String, usize, Bytes> =
            (0..1000).map(|i| (format!("site{i}.example"), i)).collect();
        assert!((0..1000).all(|i| map[&format!("site{i}.example")] == i));
        assert!(!map.contains_key("site1000.example"));
    }
}
