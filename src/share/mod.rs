//! Pure sharing logic: expiry limits and presets, the effective end of a link,
//! countdown text, the words about a link's end, the Content-Disposition header, the
//! clock and the `SignedUrl` that hides a link's signature.
//!
//! Nothing here touches the network, egui or the AWS SDK, so every rule is unit-tested.

mod clock;
pub mod cloudfront;
mod countdown;
mod disposition;
pub mod ece;
pub mod encrypted_page;
pub mod escape;
mod expiry;
pub mod folder_page;
pub mod key;
pub mod link_list;
pub mod qr;
pub mod request_form;
pub mod request_page;
mod signed_url;
mod warnings;

pub use clock::{
    Clock, ServerDate, clock_warning, corrected, fixed_clock, signed_secs, system_clock,
};
pub use signed_url::SignedUrl;
pub use warnings::{Signer, cut_short_sentence, link_warnings};

pub use countdown::{countdown_text, time_left_text};
pub use disposition::{DispositionError, DownloadFilename, content_disposition};
pub use expiry::{
    EXPIRY_PRESETS, Expiry, ExpiryError, Lifetime, effective_end, format_duration,
    parse_typed_expiry, preset_index,
};

/// 1536 -> "1.5 KiB"; bytes below 1 KiB as "512 B".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// "2026-11-22 14:05:30" in the user's time zone (ends less than an hour away).
pub fn format_local_time_seconds(t: std::time::SystemTime) -> String {
    local_time(t, "%Y-%m-%d %H:%M:%S")
}

/// "2026-11-22 14:05" in the user's time zone.
pub fn format_local_time(t: std::time::SystemTime) -> String {
    local_time(t, "%Y-%m-%d %H:%M")
}

/// `t` in the user's time zone; a time chrono cannot hold (a history file edited by hand,
/// years beyond 262,000) is said as such rather than a panic.
fn local_time(t: std::time::SystemTime, format: &str) -> String {
    let secs = signed_secs(t, std::time::SystemTime::UNIX_EPOCH);
    match chrono::DateTime::from_timestamp(secs, 0) {
        Some(utc) => utc.with_timezone(&chrono::Local).format(format).to_string(),
        None => "(a time out of range)".to_owned(),
    }
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn a_time_beyond_the_calendar_is_said_not_a_panic() {
        let far = std::time::UNIX_EPOCH + std::time::Duration::from_secs(i64::MAX as u64);
        assert_eq!(super::format_local_time(far), "(a time out of range)");
        assert!(super::format_local_time(std::time::UNIX_EPOCH).starts_with("19"));
    }
}
