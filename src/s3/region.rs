//! Which region each bucket lives in. A link signed for the wrong region is refused with
//! SignatureDoesNotMatch or a redirect, so every bucket's region is looked up and cached.

use std::collections::HashMap;
use std::sync::Mutex;

/// The header S3 puts on HeadBucket answers, including 301 and 403 ones.
pub const BUCKET_REGION_HEADER: &str = "x-amz-bucket-region";

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

/// GetBucketLocation answers "" for us-east-1 and "EU" for the oldest eu-west-1 buckets.
pub fn normalize_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(region) => region.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_location_constraints_are_normalized() {
        assert_eq!(normalize_location(None), "us-east-1");
        assert_eq!(normalize_location(Some("")), "us-east-1");
        assert_eq!(normalize_location(Some("EU")), "eu-west-1");
        assert_eq!(normalize_location(Some("ap-south-1")), "ap-south-1");
    }

    #[test]
    fn the_cache_remembers_and_forgets() {
        let cache = RegionCache::default();
        cache.insert("b", "eu-west-3");
        assert_eq!(cache.get("b").as_deref(), Some("eu-west-3"));
        cache.forget("b");
        assert_eq!(cache.get("b"), None);
    }
}
