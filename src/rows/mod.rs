//! The files of the folder shown, kept compact for folders of a million objects: each key is
//! stored once, in the text of a chunk of rows, and a row is its end offset, size and time
//! (24 bytes). Chunks are shared (`Arc`), so a copy for a sort on the runtime costs a few
//! pointers; only the last chunk, still filling, is copied when a snapshot holds it.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::s3::{ObjectEntry, file_name};

mod order;
pub use order::{Needle, OrderKey, SortColumn, order_rows};

/// Rows per chunk.
const CHUNK: usize = 4096;
/// `modified_ms` of an object whose time is unknown.
const UNKNOWN: i64 = i64::MIN;

#[derive(Debug, Clone, Copy)]
struct Row {
    /// Where the key ends in the chunk's text (it starts where the one before ends).
    end: u32,
    size: u64,
    /// Milliseconds since 1970, or `UNKNOWN`.
    modified_ms: i64,
}

#[derive(Debug, Clone, Default)]
struct Chunk {
    text: String,
    rows: Vec<Row>,
}

/// The object rows of a listing, in the order they arrived; indexes are stable while the
/// listing grows.
#[derive(Debug, Clone)]
pub struct ObjectRows {
    chunks: Vec<Arc<Chunk>>,
    len: usize,
    in_key_order: bool,
}

impl Default for ObjectRows {
    fn default() -> Self {
        ObjectRows {
            chunks: Vec::new(),
            len: 0,
            in_key_order: true,
        }
    }
}

impl ObjectRows {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every key came after the one before it, as S3 lists them (UTF-8 byte order): the
    /// arrival order is then the order by name.
    pub fn in_key_order(&self) -> bool {
        self.in_key_order
    }

    pub fn clear(&mut self) {
        *self = ObjectRows::default();
    }

    pub fn push(&mut self, object: ObjectEntry) {
        if self.len > 0 && self.key(self.len - 1) >= object.key.as_str() {
            self.in_key_order = false;
        }
        let room = self.chunks.last().is_some_and(|c| {
            c.rows.len() < CHUNK && c.text.len() + object.key.len() <= u32::MAX as usize
        });
        if !room {
            self.chunks.push(Arc::new(Chunk {
                text: String::new(),
                rows: Vec::with_capacity(CHUNK),
            }));
        }
        let chunk = Arc::make_mut(self.chunks.last_mut().expect("a chunk was just ensured"));
        chunk.text.push_str(&object.key);
        chunk.rows.push(Row {
            end: chunk.text.len() as u32,
            size: object.size,
            modified_ms: object.last_modified.map_or(UNKNOWN, millis),
        });
        self.len += 1;
    }

    fn at(&self, index: usize) -> (&Chunk, usize) {
        (&self.chunks[index / CHUNK], index % CHUNK)
    }

    /// The whole key of row `index`.
    pub fn key(&self, index: usize) -> &str {
        let (chunk, i) = self.at(index);
        let start = if i == 0 {
            0
        } else {
            chunk.rows[i - 1].end as usize
        };
        &chunk.text[start..chunk.rows[i].end as usize]
    }

    /// What a file browser shows: the part after the last "/".
    pub fn name(&self, index: usize) -> &str {
        file_name(self.key(index))
    }

    pub fn size(&self, index: usize) -> u64 {
        let (chunk, i) = self.at(index);
        chunk.rows[i].size
    }

    /// Milliseconds since 1970 (`i64::MIN` when unknown): what sorting by time compares.
    pub fn modified_ms(&self, index: usize) -> i64 {
        let (chunk, i) = self.at(index);
        chunk.rows[i].modified_ms
    }

    pub fn modified(&self, index: usize) -> Option<SystemTime> {
        let ms = self.modified_ms(index);
        if ms == UNKNOWN {
            return None;
        }
        let magnitude = Duration::from_millis(ms.unsigned_abs());
        if ms >= 0 {
            UNIX_EPOCH.checked_add(magnitude)
        } else {
            UNIX_EPOCH.checked_sub(magnitude)
        }
    }

    /// Row `index` as the listing gave it (times to the millisecond).
    pub fn get(&self, index: usize) -> ObjectEntry {
        ObjectEntry {
            key: self.key(index).to_owned(),
            size: self.size(index),
            last_modified: self.modified(index),
        }
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        (0..self.len).map(|i| self.key(i))
    }

    /// The row holding `key`: a binary search when the keys came in order.
    pub fn position(&self, key: &str) -> Option<usize> {
        if self.in_key_order {
            let (mut low, mut high) = (0, self.len);
            while low < high {
                let mid = (low + high) / 2;
                match self.key(mid).cmp(key) {
                    std::cmp::Ordering::Less => low = mid + 1,
                    std::cmp::Ordering::Greater => high = mid,
                    std::cmp::Ordering::Equal => return Some(mid),
                }
            }
            None
        } else {
            (0..self.len).find(|&i| self.key(i) == key)
        }
    }

    /// Bytes held: the keys' text and the rows (what the memory target counts).
    pub fn heap_bytes(&self) -> usize {
        self.chunks
            .iter()
            .map(|c| c.text.capacity() + c.rows.capacity() * std::mem::size_of::<Row>())
            .sum()
    }
}

impl Extend<ObjectEntry> for ObjectRows {
    fn extend<I: IntoIterator<Item = ObjectEntry>>(&mut self, objects: I) {
        for object in objects {
            self.push(object);
        }
    }
}

fn millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => i64::try_from(before.duration().as_millis()).map_or(i64::MIN + 1, |ms| -ms),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(key: &str, size: u64, secs: Option<u64>) -> ObjectEntry {
        ObjectEntry {
            key: key.to_owned(),
            size,
            last_modified: secs.map(|s| UNIX_EPOCH + Duration::from_millis(s * 1000 + 250)),
        }
    }

    #[test]
    fn rows_give_back_what_was_pushed_across_chunks() {
        let mut rows = ObjectRows::default();
        let objects: Vec<ObjectEntry> = (0..CHUNK * 2 + 5)
            .map(|i| {
                object(
                    &format!("logs/{i:06}.gz"),
                    i as u64,
                    (i % 3 != 0).then_some(i as u64),
                )
            })
            .collect();
        rows.extend(objects.clone());
        assert_eq!(rows.len(), objects.len());
        for (i, o) in objects.iter().enumerate() {
            assert_eq!(rows.get(i), *o, "row {i}");
        }
        assert_eq!(rows.name(7), "000007.gz");
        assert!(rows.in_key_order());
        assert_eq!(rows.position("logs/004100.gz"), Some(4100));
        assert_eq!(rows.position("logs/004100"), None);
    }

    #[test]
    fn keys_out_of_order_are_noticed_and_still_found() {
        let mut rows = ObjectRows::default();
        rows.extend([
            object("b", 1, None),
            object("a", 2, None),
            object("c", 3, None),
        ]);
        assert!(!rows.in_key_order());
        assert_eq!(rows.position("a"), Some(1));
        assert_eq!(rows.position("b"), Some(0));
    }

    #[test]
    fn a_copy_keeps_its_rows_while_the_original_grows() {
        let mut rows = ObjectRows::default();
        rows.push(object("a", 1, None));
        let snapshot = rows.clone();
        rows.push(object("b", 2, None));
        assert_eq!(snapshot.len(), 1);
        assert_eq!(snapshot.key(0), "a");
        assert_eq!(rows.key(1), "b");
    }

    #[test]
    fn a_million_rows_take_a_compact_amount_of_memory() {
        let mut rows = ObjectRows::default();
        for i in 0..1_000_000u64 {
            rows.push(object(&format!("photos/2024/IMG_{i:07}.jpg"), i, Some(i)));
        }
        // 28-byte keys + 24-byte rows: about 52 MB (a Vec<ObjectEntry> takes about 110 MB).
        let bytes = rows.heap_bytes();
        assert!(bytes < 60_000_000, "{bytes} bytes for a million rows");
    }
}
