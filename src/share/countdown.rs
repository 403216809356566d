//! The "time left" text beside a copied link.

use std::time::SystemTime;

/// "6 d 23 h" for days, "3 h 05 min" for hours, "59:12" under an hour, "expired" after.
/// Returns the text and whether the link is in its last minute (the window shows it red).
pub fn countdown_text(now: SystemTime, ends_at: SystemTime) -> (String, bool) {
    let Ok(left) = ends_at.duration_since(now) else {
        return ("expired".to_owned(), true);
    };
    // Rounded up: a link with 0.4 s left still works, so it is not "expired" yet.
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    if secs == 0 {
        return ("expired".to_owned(), true);
    }
    let text = if secs >= 86_400 {
        format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600)
    } else if secs >= 3600 {
        format!("{} h {:02} min", secs / 3600, secs % 3600 / 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    };
    (text, secs < 60)
}

/// The status line under a link: "Time left: 59:12", or "Expired 2 min ago" once it ended
/// (a duration never reads like a time of day). The flag is the last minute or after.
pub fn time_left_text(now: SystemTime, ends_at: SystemTime) -> (String, bool) {
    match now.duration_since(ends_at) {
        Ok(ago) if ago.as_secs() < 60 => ("Expired just now".to_owned(), true),
        Ok(ago) => (
            format!(
                "Expired {} ago",
                super::format_duration(std::time::Duration::from_secs(ago.as_secs() / 60 * 60))
            ),
            true,
        ),
        Err(_) => {
            let (left, last_minute) = countdown_text(now, ends_at);
            (format!("Time left: {left}"), last_minute)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn counts_down_in_the_units_that_matter() {
        let now = at(1000);
        assert_eq!(
            countdown_text(now, at(1000 + 604_799)),
            ("6 d 23 h".into(), false)
        );
        assert_eq!(
            countdown_text(now, at(1000 + 3 * 3600 + 5 * 60)),
            ("3 h 05 min".into(), false)
        );
        assert_eq!(
            countdown_text(now, at(1000 + 59 * 60 + 12)),
            ("59:12".into(), false)
        );
        assert_eq!(countdown_text(now, at(1000 + 59)), ("0:59".into(), true));
        assert_eq!(countdown_text(now, at(1000)), ("expired".into(), true));
        assert_eq!(countdown_text(now, at(10)), ("expired".into(), true));
        assert_eq!(
            time_left_text(at(1000 + 150), at(1000)).0,
            "Expired 2 min ago"
        );
        assert_eq!(time_left_text(at(1005), at(1000)).0, "Expired just now");
        assert_eq!(time_left_text(now, at(1000 + 59)).0, "Time left: 0:59");
        let almost = now + Duration::from_millis(400);
        assert_eq!(countdown_text(now, almost), ("0:01".into(), true));
    }
}
