//! The bounds every request lives within (how long an answer may take, how large it may
//! be) and the typed cause of a request that went past one. Below `error`, which words it,
//! and `s3`, which applies it.

use std::time::Duration;

/// An answer (its first byte) takes at most this long (S3SHARE_TIMEOUT_SECS changes it, for
/// very slow links).
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The longest S3SHARE_TIMEOUT_SECS honoured (a day); anything larger is this.
const MAX_TIMEOUT_SECS: u64 = 86_400;

/// How long an answer may take: S3SHARE_TIMEOUT_SECS (1 s to a day), else `READ_TIMEOUT`.
pub fn answer_timeout() -> Duration {
    std::env::var("S3SHARE_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .map_or(READ_TIMEOUT, |secs| {
            Duration::from_secs(secs.min(MAX_TIMEOUT_SECS))
        })
}

/// The most an answer read whole may hold. A page of 1,000 keys of 1,024 bytes, escaped,
/// is under 8 MB.
pub const MAX_ANSWER_BYTES: u64 = 32 * 1024 * 1024;

/// Why an answer was given up on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerBound {
    #[error("the answer was larger than {0} bytes")]
    TooLarge(u64),
    #[error("the answer did not arrive whole within {} s", .0.as_secs())]
    TooSlow(Duration),
}

/// Finds an `AnswerBound` in an error's source chain.
pub fn answer_bound<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a AnswerBound> {
    let mut next = Some(err);
    while let Some(err) = next {
        if let Some(bound) = err.downcast_ref::<AnswerBound>() {
            return Some(bound);
        }
        next = err.source();
    }
    None
}
