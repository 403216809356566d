//! A presigned URL is a bearer credential: whoever holds it can read (or write) the object
//! until it expires. `SignedUrl` carries one through the program so that logging, `Debug`
//! and `Display` can never show the signature; the whole URL is reachable only through
//! `expose`, used to copy or print it for the user.

use serde::{Deserialize, Serialize};

/// A whole presigned URL, signature and session token included.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SignedUrl(String);

impl SignedUrl {
    pub fn new(url: String) -> Self {
        SignedUrl(url)
    }

    /// The whole URL, for the clipboard, stdout or a plain HTTP client. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL without its query: safe for the screen, logs and listings.
    pub fn redacted(&self) -> String {
        redact(&self.0)
    }
}

impl std::fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SignedUrl({})", self.redacted())
    }
}

impl std::fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// `url` without its query string (where SigV4 puts the signature and session token).
pub fn redact(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?<signature hidden>"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_hides_the_signature() {
        assert_eq!(
            redact("https://h/b/k?X-Amz-Signature=abc"),
            "https://h/b/k?<signature hidden>"
        );
    }

    #[test]
    fn debug_and_display_never_show_the_query() {
        let url =
            SignedUrl::new("https://h/b/k?X-Amz-Security-Token=tok&X-Amz-Signature=abc".to_owned());
        for shown in [format!("{url:?}"), format!("{url}")] {
            assert!(!shown.contains("abc") && !shown.contains("tok"), "{shown}");
            assert!(shown.contains("https://h/b/k"), "{shown}");
        }
        assert!(url.expose().ends_with("X-Amz-Signature=abc"));
        let json = serde_json::to_string(&url).unwrap();
        assert_eq!(serde_json::from_str::<SignedUrl>(&json).unwrap(), url);
    }
}
