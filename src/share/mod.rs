//! Pure sharing logic: expiry limits and presets, the effective end of a link,
//! countdown text and the Content-Disposition header.
//!
//! Nothing here touches the network, egui or the AWS SDK, so every rule is unit-tested.

pub mod countdown;
pub mod disposition;
pub mod expiry;

pub use countdown::countdown_text;
pub use disposition::{DispositionError, content_disposition};
pub use expiry::{
    EXPIRY_PRESETS, Expiry, ExpiryError, MAX_EXPIRY_SECS, effective_end, format_duration,
    parse_expiry,
};

/// "2026-11-22 14:05" in the user's time zone.
pub fn format_local_time(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Local>::from(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
