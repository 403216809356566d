//! The one source of "now": the signer stamps links with it and the countdown reads it, so
//! a test can move time and pin a whole URL, and a clock correction has one place to go.

use std::sync::Arc;
use std::time::SystemTime;

/// The time source shared by the signer and the countdown.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The computer's clock.
pub fn system_clock() -> Clock {
    Arc::new(SystemTime::now)
}

/// A clock stopped at `at` (tests that pin a whole signed URL).
pub fn fixed_clock(at: SystemTime) -> Clock {
    Arc::new(move || at)
}
