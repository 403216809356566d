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

/// Differences up to this are left alone: HTTP dates have one-second steps, and S3 itself
/// accepts requests up to 15 minutes off.
pub const CLOCK_TOLERANCE_SECS: i64 = 60;

/// The S3 server's idea of now, learned from the `Date` header of its answers. Shared by
/// every client of a session (an SDK interceptor and the link self-test feed it).
#[derive(Debug, Clone, Default)]
pub struct ServerDate(Arc<std::sync::Mutex<Option<(SystemTime, std::time::Instant)>>>);

impl ServerDate {
    /// Records the `Date` of an answer received just now.
    pub fn observe(&self, date: SystemTime) {
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *last = Some((date, std::time::Instant::now()));
    }

    /// Whole seconds the server is ahead of `local_now` (negative: behind), once it has
    /// answered; None while it has not, or when the two agree within the tolerance.
    pub fn correction(&self, local_now: SystemTime) -> Option<i64> {
        let last = *self.0.lock().unwrap_or_else(|e| e.into_inner());
        let (date, at) = last?;
        let server_now = date + at.elapsed();
        let offset = signed_secs(server_now, local_now);
        (offset.abs() > CLOCK_TOLERANCE_SECS).then_some(offset)
    }
}

/// `later - earlier` in whole seconds, negative when `later` is earlier.
pub fn signed_secs(later: SystemTime, earlier: SystemTime) -> i64 {
    match later.duration_since(earlier) {
        Ok(ahead) => ahead.as_secs() as i64,
        Err(behind) => -(behind.duration().as_secs() as i64),
    }
}

/// `local_now` moved by `correction` seconds.
pub fn corrected(local_now: SystemTime, correction: Option<i64>) -> SystemTime {
    match correction {
        Some(secs) if secs >= 0 => local_now + std::time::Duration::from_secs(secs as u64),
        Some(secs) => local_now - std::time::Duration::from_secs(secs.unsigned_abs()),
        None => local_now,
    }
}

/// "Your clock is 7 min ahead of the S3 server; links are signed with the server's time."
pub fn clock_warning(correction: i64) -> String {
    // HTTP dates come in whole seconds and the answer took a moment: minutes are honest.
    let minutes = correction.unsigned_abs().saturating_add(30) / 60;
    let off = super::format_duration(std::time::Duration::from_secs(minutes * 60));
    let direction = if correction < 0 { "ahead of" } else { "behind" };
    format!(
        "Your clock is {off} {direction} the S3 server; links are signed with the server's time."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_clock_off_by_more_than_a_minute_is_corrected_by_the_servers_date() {
        let local = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let server = ServerDate::default();
        assert_eq!(server.correction(local), None, "no answer yet");
        server.observe(local + Duration::from_secs(30));
        assert_eq!(server.correction(local), None, "within the tolerance");
        server.observe(local - Duration::from_secs(7 * 60));
        let correction = server.correction(local);
        assert!(matches!(correction, Some(-420 | -419)), "{correction:?}");
        assert_eq!(
            corrected(local, Some(-420)),
            local - Duration::from_secs(420)
        );
        assert_eq!(
            clock_warning(-420),
            "Your clock is 7 min ahead of the S3 server; links are signed with the server's time."
        );
        server.observe(local + Duration::from_secs(86_400));
        assert!(server.correction(local).is_some_and(|s| s >= 86_399));
        assert!(clock_warning(86_400).contains("1 day behind"));
    }
}
