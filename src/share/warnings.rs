//! The words that tell the truth about a link's end, written once: the share panel's
//! preview and the warnings on a made link (window and CLI) all come from here.

use std::time::SystemTime;

use super::{Expiry, format_duration, format_local_time};

/// "<signer> end at <time>: the link stops working then, not after <lifetime>."
/// `signer` names the credentials: "The credentials that sign it", "The credentials of an
/// SSO session of profile work".
pub fn cut_short_sentence(signer: &str, end: SystemTime, lifetime: Expiry) -> String {
    format!(
        "{signer} end at {}: the link stops working then, not after {}.",
        format_local_time(end),
        format_duration(lifetime.as_duration())
    )
}

/// How the signing credentials of a profile are described in a warning.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    pub profile: &'a str,
    /// "an SSO session", "an assumed role"; None for kinds that are not temporary.
    pub temporary_kind: Option<&'a str>,
}

/// The warnings for a link signed at `signed_at` that lives `lifetime`, given when its
/// credentials end (None: they do not, or nobody knows).
pub fn link_warnings(
    signer: Signer<'_>,
    credentials_end: Option<SystemTime>,
    cut_short: bool,
    lifetime: Expiry,
) -> Vec<String> {
    match (credentials_end, signer.temporary_kind) {
        (Some(end), kind) if cut_short => {
            let what = kind.unwrap_or("temporary credentials");
            let name = match kind {
                Some(_) => format!("The credentials of {what} of profile {}", signer.profile),
                None => format!("The {what} of profile {}", signer.profile),
            };
            vec![cut_short_sentence(&name, end, lifetime)]
        }
        (None, Some(kind)) => vec![format!(
            "Signed with {kind} whose end is unknown; the link may stop working before it expires."
        )],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_link_cut_short_names_the_credentials_and_the_lifetime_it_loses() {
        let end = SystemTime::now() + Duration::from_secs(1800);
        let signer = Signer {
            profile: "work",
            temporary_kind: Some("an SSO session"),
        };
        let warnings = link_warnings(signer, Some(end), true, Expiry::MAX);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("an SSO session of profile work end at"));
        assert!(warnings[0].ends_with("the link stops working then, not after 7 days."));
        assert!(link_warnings(signer, Some(end), false, Expiry::MAX).is_empty());
        assert!(link_warnings(signer, None, false, Expiry::MAX)[0].contains("end is unknown"));
    }
}
