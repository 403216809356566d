//! Pure sharing logic: expiry limits and presets, the effective end of a link,
//! countdown text, the words about a link's end, the Content-Disposition header, the
//! clock and the `SignedUrl` that hides a link's signature.
//!
//! Nothing here touches the network, egui or the AWS SDK, so every rule is unit-tested.

mod clock;
mod countdown;
mod disposition;
pub mod escape;
mod expiry;
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
pub use disposition::{DispositionError, content_disposition};
pub use expiry::{
    EXPIRY_PRESETS, Expiry, ExpiryError, effective_end, format_duration, parse_typed_expiry,
};

/// "2026-11-22 14:05:30" in the user's time zone (ends less than an hour away).
pub fn format_local_time_seconds(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Local>::from(t)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// "2026-11-22 14:05" in the user's time zone.
pub fn format_local_time(t: std::time::SystemTime) -> String {
    chrono::DateTime::<chrono::Local>::from(t)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}
