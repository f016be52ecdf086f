//! Clusters of duplicates: union-find over verified edges. Its components
//! are candidates only: [`crate::dedup`] splits each into stars around a
//! centre, so that weak matches cannot chain.

/// Disjoint sets over documents `0..n`.
#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> UnionFind {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// Adds a document as a new singleton; returns its index.
    pub fn push(&mut self) -> u32 {
        let i = self.parent.len() as u32;
        self.parent.push(i);
        i
    }

    /// The root of `x`'s set (with path halving).
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[x as usize];
            self.parent[x as usize] = self.parent[p as usize];
            x = self.parent[x as usize];
        }
        x
    }

    /// Joins the sets of `a` and `b`; the smaller root becomes the root, so
    /// roots are the first document of their cluster in input order.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }

    /// Bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.parent.capacity() * 4
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.parent.len()
    }

    /// Whether there are no documents.
    pub fn is_empty(&self) -> bool {
        self.parent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_the_first_member() {
        let mut uf = UnionFind::new(5);
        uf.union(3, 4);
        uf.union(4, 1);
        assert_eq!(uf.find(3), 1);
        assert_eq!(uf.find(4), 1);
        assert_eq!(uf.find(0), 0);
        assert_eq!(uf.push(), 5);
        uf.union(5, 3);
        assert_eq!(uf.find(5), 1);
    }
}
