//! Telling exact copies from near ones within a result.

use super::Deduplication;

impl Deduplication {
    /// Whether documents `a` and `b` have the same normalised text: exact
    /// copies, whatever the estimated similarity of the rest of a cluster.
    pub fn same_text(&self, a: usize, b: usize) -> bool {
        self.docs.exact[a] == self.docs.exact[b]
    }
}
