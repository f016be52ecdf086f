//! Per-document facts kept while deduplicating, column by column: there is
//! one entry per document, so no allocation or padding per document.

use super::Keep;

/// What the deduplicator keeps of one document.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub exact: u128,
    pub id: Box<str>,
    /// Only with [`Keep::Newest`].
    pub newest: Option<Box<str>>,
    /// Only with [`Keep::Longest`].
    pub chars: u32,
}

#[derive(Debug, Default)]
pub(super) struct Columns {
    /// Each normalised text's 128-bit hash.
    pub exact: Vec<u128>,
    /// The ids end to end; the i-th ends at `id_ends[i]`.
    ids: String,
    id_ends: Vec<u64>,
    /// Only with [`Keep::Longest`]: each text's characters.
    pub chars: Vec<u32>,
    /// Only with [`Keep::Newest`]: each document's value.
    pub newest: Vec<Option<Box<str>>>,
}

impl Columns {
    pub fn push(&mut self, f: Facts, keep: &Keep) {
        self.exact.push(f.exact);
        self.ids.push_str(&f.id);
        self.id_ends.push(self.ids.len() as u64);
        match keep {
            Keep::First => {}
            Keep::Longest => self.chars.push(f.chars),
            Keep::Newest(_) => self.newest.push(f.newest),
        }
    }

    pub fn id(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.id_ends[i - 1] };
        &self.ids[start as usize..self.id_ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.exact.len()
    }

    pub fn memory_bytes(&self) -> usize {
        let newest: usize = self.newest.iter().flatten().map(|n| n.len()).sum();
        self.exact.capacity() * 16
            + self.ids.capacity()
            + self.id_ends.capacity() * 8
            + self.chars.capacity() * 4
            + self.newest.capacity() * std::mem::size_of::<Option<Box<str>>>()
            + newest
    }
}

/// Documents per chunk of a [`ChunkedBytes`].
const CHUNK_DOCS: usize = 4096;

/// The same number of bytes per document, in fixed-size chunks: no doubling
/// slack as one growing array would have.
#[derive(Debug, Default)]
pub(super) struct ChunkedBytes {
    per_doc: usize,
    chunks: Vec<Vec<u8>>,
    len: usize,
}

impl ChunkedBytes {
    pub fn new(per_doc: usize) -> ChunkedBytes {
        ChunkedBytes {
            per_doc,
            ..ChunkedBytes::default()
        }
    }

    /// Appends one document's bytes (`per_doc` of them; none when that is 0).
    pub fn push(&mut self, bytes: &[u8]) {
        if self.per_doc == 0 {
            return;
        }
        assert_eq!(bytes.len(), self.per_doc, "bytes per document");
        if self.len.is_multiple_of(CHUNK_DOCS) {
            self.chunks
                .push(Vec::with_capacity(CHUNK_DOCS * self.per_doc));
        }
        self.chunks
            .last_mut()
            .expect("a chunk")
            .extend_from_slice(bytes);
        self.len += 1;
    }

    /// Appends zeros for one document, to be [`ChunkedBytes::set`] later.
    pub fn push_blank(&mut self) {
        if self.per_doc == 0 {
            return;
        }
        if self.len.is_multiple_of(CHUNK_DOCS) {
            self.chunks
                .push(Vec::with_capacity(CHUNK_DOCS * self.per_doc));
        }
        let chunk = self.chunks.last_mut().expect("a chunk");
        chunk.resize(chunk.len() + self.per_doc, 0);
        self.len += 1;
    }

    /// Sets document `i`'s bytes (pushed before).
    pub fn set(&mut self, i: usize, bytes: &[u8]) {
        if self.per_doc == 0 {
            return;
        }
        assert_eq!(bytes.len(), self.per_doc, "bytes per document");
        let at = (i % CHUNK_DOCS) * self.per_doc;
        self.chunks[i / CHUNK_DOCS][at..at + self.per_doc].copy_from_slice(bytes);
    }

    /// Document `i`'s bytes (empty when none are kept).
    #[inline]
    pub fn get(&self, i: usize) -> &[u8] {
        if self.per_doc == 0 {
            return &[];
        }
        let at = (i % CHUNK_DOCS) * self.per_doc;
        &self.chunks[i / CHUNK_DOCS][at..at + self.per_doc]
    }

    pub fn memory_bytes(&self) -> usize {
        self.chunks.iter().map(Vec::capacity).sum::<usize>()
            + self.chunks.capacity() * std::mem::size_of::<Vec<u8>>()
    }
}
