//! Listing results: one page of "folders" (common prefixes) and objects at a time, so a
//! window can show a long listing as it arrives.

use std::time::SystemTime;

/// An object as shown in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<SystemTime>,
    pub storage_class: Option<String>,
}

impl ObjectEntry {
    /// The part after the last "/": what a file browser shows as the name.
    pub fn file_name(&self) -> &str {
        file_name(&self.key)
    }
}

/// The part of a key after its last "/" (a folder keeps its own trailing "/" off).
pub fn file_name(key: &str) -> &str {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// One page of a listing under a prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    pub bucket: String,
    pub prefix: String,
    /// Common prefixes, each ending in "/".
    pub folders: Vec<String>,
    pub objects: Vec<ObjectEntry>,
    /// Token for the next page; None on the last.
    pub next_token: Option<String>,
}

/// A bucket as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketEntry {
    pub name: String,
    pub created: Option<SystemTime>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_last_segment() {
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
        assert_eq!(file_name("a/b/"), "b");
        assert_eq!(file_name("top"), "top");
    }
}
