//! Human-readable sizes and local times for the listing.

use std::time::SystemTime;

pub use crate::share::human_size;

/// "2026-11-22 14:05", or "" when unknown.
pub fn local_time(t: Option<SystemTime>) -> String {
    t.map(crate::share::format_local_time).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
