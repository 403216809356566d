//! Which region each bucket is in, remembered for the session (the session holds it; the
//! lookups in `region.rs` fill it).

use std::collections::HashMap;
use std::sync::Mutex;

/// bucket -> region, filled as buckets are looked up.
#[derive(Debug, Default)]
pub struct RegionCache {
    regions: Mutex<HashMap<String, String>>,
}

impl RegionCache {
    pub fn get(&self, bucket: &str) -> Option<String> {
        self.lock().get(bucket).cloned()
    }

    pub fn insert(&self, bucket: &str, region: &str) {
        self.lock().insert(bucket.to_owned(), region.to_owned());
    }

    pub fn forget(&self, bucket: &str) {
        self.lock().remove(bucket);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        // A panic while holding this lock cannot leave the map half-written (single
        // insert/remove calls), so the data is still good after poisoning.
        self.regions.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_remembers_and_forgets() {
        let cache = RegionCache::default();
        cache.insert("b", "eu-west-3");
        assert_eq!(cache.get("b").as_deref(), Some("eu-west-3"));
        cache.forget("b");
        assert_eq!(cache.get("b"), None);
    }
}
