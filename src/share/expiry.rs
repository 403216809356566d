//! How long a link lives: SigV4's limits, the presets the window offers, parsing of
//! "90m" / "2h30m" / "7d" / "max", and the effective end once credentials are considered.

use std::time::{Duration, SystemTime};

/// SigV4 query authentication accepts at most seven days.
pub const MAX_EXPIRY_SECS: u64 = 604_800;
/// Shorter than a second cannot be expressed in `X-Amz-Expires`.
pub const MIN_EXPIRY_SECS: u64 = 1;

/// The lifetime presets (the sliders, "Copy link for…", "Renew for…"), shortest first: one
/// table of `Expiry` values, so no caller checks them again. Each is within SigV4's limits
/// (a unit test walks them).
pub const EXPIRY_PRESETS: &[(&str, Expiry)] = &[
    ("1 min", Expiry::preset(60)),
    ("5 min", Expiry::preset(5 * 60)),
    ("15 min", Expiry::preset(15 * 60)),
    ("1 h", Expiry::preset(3600)),
    ("4 h", Expiry::preset(4 * 3600)),
    ("12 h", Expiry::preset(12 * 3600)),
    ("1 day", Expiry::preset(86_400)),
    ("3 days", Expiry::preset(3 * 86_400)),
    ("7 days", Expiry::MAX),
];

/// The preset closest to `expiry` (a slider's position).
pub fn preset_index(expiry: Expiry) -> usize {
    let secs = expiry.as_secs();
    EXPIRY_PRESETS
        .iter()
        .enumerate()
        .min_by_key(|(_, (_, preset))| preset.as_secs().abs_diff(secs))
        .map_or(0, |(i, _)| i)
}

/// A link lifetime that is known to be within SigV4's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Expiry(Duration);

/// Why an expiry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpiryError {
    #[error("a link can live from 1 second to 7 days (604800 seconds); {0} is outside that range")]
    OutOfRange(String),
    #[error("could not read the lifetime {0:?}: write it like 90s, 15m, 2h30m, 3d, 7 days or max")]
    Unreadable(String),
    #[error("{0} has no unit: write {0}s, {0}m, {0}h or {0}d")]
    NoUnit(String),
    #[error("{0:?} is ambiguous (M could mean minutes or months): write m for minutes, d for days")]
    Ambiguous(String),
    #[error("{0} is longer than any link can live: CloudFront reads no date past 2038")]
    PastAnyEnd(String),
}

impl Expiry {
    /// The longest link SigV4 allows (7 days).
    pub const MAX: Expiry = Expiry(Duration::from_secs(MAX_EXPIRY_SECS));

    /// A preset of the table above (checked there by a unit test, not at run time).
    const fn preset(secs: u64) -> Expiry {
        Expiry(Duration::from_secs(secs))
    }

    /// Accepts a whole number of seconds in 1..=604800.
    pub fn from_secs(secs: u64) -> Result<Self, ExpiryError> {
        if (MIN_EXPIRY_SECS..=MAX_EXPIRY_SECS).contains(&secs) {
            Ok(Expiry(Duration::from_secs(secs)))
        } else {
            Err(ExpiryError::OutOfRange(format!("{secs} s")))
        }
    }

    /// Accepts a duration of whole seconds in range; fractions of a second are refused
    /// because `X-Amz-Expires` cannot carry them.
    pub fn from_duration(duration: Duration) -> Result<Self, ExpiryError> {
        if duration.subsec_nanos() != 0 {
            return Err(ExpiryError::OutOfRange(format!(
                "{:.3} s (not a whole number of seconds)",
                duration.as_secs_f64()
            )));
        }
        Self::from_secs(duration.as_secs())
    }

    pub fn as_duration(self) -> Duration {
        self.0
    }

    pub fn as_secs(self) -> u64 {
        self.0.as_secs()
    }
}

impl Default for Expiry {
    /// One hour: long enough to hand over, short enough not to linger.
    fn default() -> Self {
        Expiry(Duration::from_secs(3600))
    }
}

impl TryFrom<u64> for Expiry {
    type Error = ExpiryError;
    fn try_from(secs: u64) -> Result<Self, Self::Error> {
        Self::from_secs(secs)
    }
}

impl From<Expiry> for u64 {
    fn from(expiry: Expiry) -> u64 {
        expiry.as_secs()
    }
}

impl std::str::FromStr for Expiry {
    type Err = ExpiryError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_expiry(s)
    }
}

impl std::fmt::Display for Expiry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

/// Parses "max", "7d", "90m", "2h30m", "1d12h", "45s" or a bare number of seconds.
pub fn parse_expiry(text: &str) -> Result<Expiry, ExpiryError> {
    match read_lifetime(text)? {
        Read::Max => Ok(Expiry::MAX),
        Read::Bare(secs) => Expiry::from_secs(secs),
        Read::Units(secs) => {
            Expiry::from_secs(secs).map_err(|_| ExpiryError::OutOfRange(text.trim().to_owned()))
        }
    }
}

/// A lifetime as typed: "max", a bare number of seconds, or numbers with units.
enum Read {
    Max,
    Bare(u64),
    Units(u64),
}

/// Reads a lifetime's words, without the 7-day bound of SigV4 (`parse_expiry` and
/// `Lifetime` each apply their own).
fn read_lifetime(text: &str) -> Result<Read, ExpiryError> {
    if text.contains('M') && !text.trim().eq_ignore_ascii_case("max") {
        return Err(ExpiryError::Ambiguous(text.trim().to_owned()));
    }
    let trimmed = text.trim().to_ascii_lowercase();
    if trimmed == "max" {
        return Ok(Read::Max);
    }
    if trimmed.is_empty() {
        return Err(ExpiryError::Unreadable(text.to_owned()));
    }
    if let Ok(secs) = trimmed.parse::<u64>() {
        return Ok(Read::Bare(secs));
    }
    if trimmed.starts_with('-') {
        return Err(ExpiryError::OutOfRange(text.trim().to_owned()));
    }
    let mut total: u64 = 0;
    let mut seen_unit = false;
    // Numbers and unit words in turn: "2h30m", "1 h 30 min", "7 days", "90 seconds".
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let letters = rest[digits..]
            .find(|c: char| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |n| digits + n);
        let (number, word) = (&rest[..digits], &rest[digits..letters]);
        let unit = match word {
            "y" | "year" | "years" => 365 * 86_400,
            "d" | "day" | "days" => 86_400,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3600,
            "m" | "min" | "mins" | "minute" | "minutes" => 60,
            "s" | "sec" | "secs" | "second" | "seconds" => 1,
            _ => return Err(ExpiryError::Unreadable(text.to_owned())),
        };
        let value: u64 = number
            .parse()
            .map_err(|_| ExpiryError::Unreadable(text.to_owned()))?;
        total = value
            .checked_mul(unit)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| ExpiryError::OutOfRange(text.trim().to_owned()))?;
        seen_unit = true;
        rest = &rest[letters..];
    }
    if !seen_unit {
        return Err(ExpiryError::Unreadable(text.to_owned()));
    }
    Ok(Read::Units(total))
}

/// A lifetime for a link SigV4 does not bound (a CloudFront signed URL): the same words
/// ("30d", "90 days", "1y"; "max" is still 7 days), at least one second. Its end is checked
/// against CloudFront's last date when it is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime(Duration);

impl Lifetime {
    pub fn from_duration(duration: Duration) -> Lifetime {
        Lifetime(duration.max(Duration::from_secs(1)))
    }

    pub fn as_duration(self) -> Duration {
        self.0
    }

    /// The same lifetime as a presigned link's, if SigV4 allows it.
    pub fn to_expiry(self) -> Result<Expiry, ExpiryError> {
        Expiry::from_secs(self.0.as_secs())
            .map_err(|_| ExpiryError::OutOfRange(format_duration(self.0)))
    }
}

impl From<Expiry> for Lifetime {
    fn from(expiry: Expiry) -> Lifetime {
        Lifetime(expiry.as_duration())
    }
}

impl std::str::FromStr for Lifetime {
    type Err = ExpiryError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let secs = match read_lifetime(text)? {
            Read::Max => MAX_EXPIRY_SECS,
            Read::Bare(secs) | Read::Units(secs) => secs,
        };
        // Nothing signed lives a century (CloudFront reads no date past 2038).
        if secs == 0 {
            return Err(ExpiryError::OutOfRange(text.trim().to_owned()));
        }
        if secs > 100 * 365 * 86_400 {
            return Err(ExpiryError::PastAnyEnd(text.trim().to_owned()));
        }
        Ok(Lifetime(Duration::from_secs(secs)))
    }
}

impl std::fmt::Display for Lifetime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_duration(self.0))
    }
}

/// What the window's custom lifetime field accepts: `parse_expiry`, except that a bare
/// number is refused. In a field being typed into, "8" is usually the start of "8d", and
/// arming an 8-second link would break the promise.
pub fn parse_typed_expiry(text: &str) -> Result<Expiry, ExpiryError> {
    let trimmed = text.trim();
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        return match trimmed.parse::<u64>() {
            Ok(0) => Err(ExpiryError::OutOfRange(trimmed.to_owned())),
            _ => Err(ExpiryError::NoUnit(trimmed.to_owned())),
        };
    }
    parse_expiry(text)
}

/// "7 d", "2 h 30 min", "90 s": compact, for labels.
pub fn format_duration(duration: Duration) -> String {
    let secs = duration.as_secs();
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    let mut parts = Vec::new();
    match d {
        0 => {}
        1 => parts.push("1 day".to_owned()),
        d => parts.push(format!("{d} days")),
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

/// The moment a link really stops working: its own expiry, or the end of the credentials
/// that signed it if that comes first. Returns the end and whether the credentials cut it short.
pub fn effective_end(
    signed_at: SystemTime,
    expiry: Expiry,
    credentials_expire_at: Option<SystemTime>,
) -> (SystemTime, bool) {
    let link_end = signed_at + expiry.as_duration();
    match credentials_expire_at {
        Some(creds_end) if creds_end < link_end => (creds_end, true),
        _ => (link_end, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_users_type() {
        assert_eq!(parse_expiry("90m").unwrap().as_secs(), 5400);
        assert_eq!(parse_expiry("2h30m").unwrap().as_secs(), 9000);
        assert_eq!(parse_expiry("3d").unwrap().as_secs(), 259_200);
        assert_eq!(parse_expiry("1d 12h").unwrap().as_secs(), 129_600);
        assert_eq!(parse_expiry("45s").unwrap().as_secs(), 45);
        assert_eq!(parse_expiry("120").unwrap().as_secs(), 120);
        assert_eq!(parse_expiry(" MAX ").unwrap(), Expiry::MAX);
        assert_eq!(parse_expiry("7d").unwrap(), Expiry::MAX);
    }

    #[test]
    fn refuses_zero_negative_and_more_than_seven_days() {
        for bad in ["0", "0s", "-5", "-1h", "8d", "7d1s", "604801"] {
            let err = parse_expiry(bad).unwrap_err();
            assert!(matches!(err, ExpiryError::OutOfRange(_)), "{bad}: {err:?}");
            assert!(err.to_string().contains("1 second to 7 days"), "{err}");
        }
    }

    #[test]
    fn refuses_unreadable_text_with_examples() {
        for bad in ["", "soon", "5x", "h", "1.5h", "99999999999999999999d"] {
            let err = parse_expiry(bad).unwrap_err();
            assert!(err.to_string().contains("2h30m") || err.to_string().contains("7 days"));
        }
    }

    #[test]
    fn a_capital_m_is_refused_as_ambiguous() {
        assert!(matches!(parse_expiry("1M"), Err(ExpiryError::Ambiguous(_))));
        assert_eq!(parse_expiry("MAX").unwrap(), Expiry::MAX);
        assert_eq!(parse_expiry("1H").unwrap().as_secs(), 3600);
    }

    #[test]
    fn a_typed_lifetime_needs_a_unit() {
        assert!(matches!(
            parse_typed_expiry("8"),
            Err(ExpiryError::NoUnit(_))
        ));
        assert!(matches!(
            parse_typed_expiry("0"),
            Err(ExpiryError::OutOfRange(_))
        ));
        assert!(
            parse_typed_expiry("8")
                .unwrap_err()
                .to_string()
                .contains("8d")
        );
        assert_eq!(parse_typed_expiry("8m").unwrap().as_secs(), 480);
        assert_eq!(parse_typed_expiry("max").unwrap(), Expiry::MAX);
    }

    #[test]
    fn sub_second_durations_are_refused() {
        assert!(Expiry::from_duration(Duration::from_millis(1500)).is_err());
        assert!(Expiry::from_duration(Duration::from_millis(500)).is_err());
        assert_eq!(
            Expiry::from_duration(Duration::from_secs(2))
                .unwrap()
                .as_secs(),
            2
        );
    }

    #[test]
    fn presets_are_sorted_and_within_limits() {
        for pair in EXPIRY_PRESETS.windows(2) {
            assert!(pair[0].1.as_secs() < pair[1].1.as_secs());
        }
        for (_, preset) in EXPIRY_PRESETS {
            assert_eq!(Expiry::from_secs(preset.as_secs()).unwrap(), *preset);
        }
        assert_eq!(EXPIRY_PRESETS.last().unwrap().1, Expiry::MAX);
        assert_eq!(
            preset_index(Expiry::from_secs(3000).unwrap()),
            3,
            "closest: 1 h"
        );
    }

    #[test]
    fn credentials_that_end_first_cut_the_link_short() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let week = Expiry::MAX;
        let creds_end = t0 + Duration::from_secs(3600);
        assert_eq!(effective_end(t0, week, Some(creds_end)), (creds_end, true));
        let hour = Expiry::from_secs(60).unwrap();
        assert_eq!(
            effective_end(t0, hour, Some(creds_end)),
            (t0 + Duration::from_secs(60), false)
        );
        assert_eq!(
            effective_end(t0, week, None),
            (t0 + Duration::from_secs(MAX_EXPIRY_SECS), false)
        );
    }

    #[test]
    fn formats_durations_compactly() {
        assert_eq!(format_duration(Duration::from_secs(9000)), "2 h 30 min");
        assert_eq!(
            format_duration(Duration::from_secs(MAX_EXPIRY_SECS)),
            "7 days"
        );
        assert_eq!(
            format_duration(Duration::from_secs(86_400 + 3600)),
            "1 day 1 h"
        );
        for (typed, secs) in [
            ("7 days", MAX_EXPIRY_SECS),
            ("1 day", 86_400),
            ("2 hours 30 minutes", 9000),
            ("1 h 30 min", 5400),
            ("90 seconds", 90),
            ("2h30m", 9000),
        ] {
            assert_eq!(
                parse_typed_expiry(typed).unwrap().as_secs(),
                secs,
                "{typed}"
            );
        }
        for bad in ["2h30", "7 weeks", "h", "3 dayz"] {
            assert!(parse_typed_expiry(bad).is_err(), "{bad}");
        }
        assert_eq!(format_duration(Duration::from_secs(0)), "0 s");
    }

    #[test]
    fn serde_refuses_out_of_range_values() {
        assert!(serde_json::from_str::<Expiry>("0").is_err());
        assert_eq!(serde_json::from_str::<Expiry>("60").unwrap().as_secs(), 60);
    }
}
