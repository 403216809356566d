//! CloudFront signed URLs, as CloudFront documents them and botocore's `CloudFrontSigner`
//! writes them: a policy (canned: the URL and an end; custom: also a start and an IP range),
//! signed RSA-SHA1 PKCS#1 v1.5 with the private key of a trusted key group's public key, in
//! CloudFront's URL-safe base64 (`+` `=` `/` become `-` `_` `~`). Ours because no AWS SDK
//! for Rust signs them; pure, so the tests compare it byte for byte with botocore.
//!
//! Unlike a presigned S3 URL, such a link has no seven-day cap and does not depend on the
//! signer's session: it stops at its policy's end, or sooner if its key leaves the key
//! group or the distribution is disabled.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts as _;

use super::SignedUrl;

/// The `region` of a `ShareLink` signed for CloudFront (it has no S3 region).
pub const VIA_CLOUDFRONT: &str = "cloudfront";

/// The last end CloudFront reads (its epoch times are 32-bit): 2038-01-19.
pub const LAST_END: u64 = i32::MAX as u64;

/// What is wrong with a CloudFront setting or request, one sentence each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CloudFrontError {
    #[error(
        "The private key file {0} could not be read ({1}): choose the .pem file CloudFront's public key was made from."
    )]
    KeyUnreadable(String, String),
    #[error(
        "{0} is not an RSA private key in PEM form (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY): choose the private key whose public key is in the key group."
    )]
    NotAKey(String),
    #[error(
        "The key in {0} is protected by a password: save it without one (openssl rsa -in {0} -out private_key.pem) and choose that file."
    )]
    Encrypted(String),
    #[error(
        "The key in {0} has {1} bits; CloudFront takes RSA keys of 2048 bits: make one with openssl genrsa -out private_key.pem 2048."
    )]
    WrongSize(String, usize),
    #[error(
        "\"{0}\" is not a key id: it is the public key's ID in CloudFront (K followed by letters and digits, as K2JCJMDEHXQW5F), or a legacy key pair id (APKA…)."
    )]
    BadKeyId(String),
    #[error(
        "\"{0}\" is not a distribution's domain: give its host name, as d111111abcdef8.cloudfront.net or files.example.com."
    )]
    BadDomain(String),
    #[error(
        "\"{0}\" is not an IP range CloudFront can check: give a public IPv4 address or CIDR range, as 203.0.113.7 or 203.0.113.0/24 (CloudFront's policies take no IPv6, and it only ever sees public addresses)."
    )]
    BadIp(String),
    #[error("The link would end before it starts: choose a start before its end.")]
    EndsBeforeStart,
    #[error(
        "The link would end after 2038-01-19, the last date CloudFront reads: choose a shorter lifetime."
    )]
    TooLong,
    #[error("The link would end in the past: choose a lifetime of at least one second.")]
    InThePast,
    #[error(
        "The private key could not sign, or its signature did not verify with its own public key: the key file is damaged."
    )]
    SignFailed,
}

/// A PEM private key of 2048 bits is under 2 KiB; anything past this is not one.
const MAX_KEY_FILE: u64 = 64 * 1024;

/// A CloudFront key: its id and the private key, loaded and checked (2048-bit RSA that
/// signs and verifies). Debug shows the id only.
#[derive(Clone)]
pub struct CloudFrontKey {
    key_id: String,
    private: rsa::PrivateKey,
}

impl std::fmt::Debug for CloudFrontKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudFrontKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Checks a key id: a public key's id (K…) or a legacy key pair id (APKA…), letters and
/// digits only, so it can stand in a URL as it is.
pub fn check_key_id(key_id: &str) -> Result<(), CloudFrontError> {
    let ok = (8..=64).contains(&key_id.len())
        && key_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(CloudFrontError::BadKeyId(key_id.to_owned()))
    }
}

/// Checks a distribution's domain: a host name (letters, digits, dots, hyphens), or in
/// tests an `http://127.0.0.1:port` URL. Returns the URL's start (scheme and host).
pub fn check_domain(domain: &str) -> Result<String, CloudFrontError> {
    let bad = || CloudFrontError::BadDomain(domain.to_owned());
    let (scheme, host) = match domain.split_once("://") {
        Some((scheme @ ("https" | "http"), host)) => (scheme, host.trim_end_matches('/')),
        Some(_) => return Err(bad()),
        None => ("https", domain.trim_end_matches('/')),
    };
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if port.parse::<u16>().is_ok() => (name, Some(port)),
        _ => (host, None),
    };
    let labels_ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    // Plain http only for a test edge on this computer.
    let local = name == "127.0.0.1" || name == "localhost";
    if !labels_ok || (scheme == "http" && !local) || (port.is_some() && !local) {
        return Err(bad());
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

impl CloudFrontKey {
    /// Reads and checks the private key at `path` for `key_id`.
    pub fn load(key_id: &str, path: &Path) -> Result<CloudFrontKey, CloudFrontError> {
        use std::io::Read as _;
        let shown = super::escape::text(&path.display().to_string()).into_owned();
        let unreadable = |why: String| CloudFrontError::KeyUnreadable(shown.clone(), why);
        // A regular file only (a pipe would block, a device never end), and small.
        let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
        if !meta.is_file() {
            return Err(unreadable("it is not a regular file".to_owned()));
        }
        let mut pem = String::new();
        std::fs::File::open(path)
            .and_then(|file| file.take(MAX_KEY_FILE + 1).read_to_string(&mut pem))
            .map_err(|e| unreadable(e.to_string()))?;
        if pem.len() as u64 > MAX_KEY_FILE {
            return Err(unreadable("it is far larger than a private key".to_owned()));
        }
        CloudFrontKey::from_pem(key_id, &pem, &shown)
    }

    /// Parses a PEM private key (PKCS#8 or PKCS#1); `shown` names it in errors.
    pub fn from_pem(
        key_id: &str,
        pem: &str,
        shown: &str,
    ) -> Result<CloudFrontKey, CloudFrontError> {
        check_key_id(key_id)?;
        if pem.contains("ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED") {
            return Err(CloudFrontError::Encrypted(shown.to_owned()));
        }
        let private = rsa::PrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| rsa::PrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| CloudFrontError::NotAKey(shown.to_owned()))?;
        let bits = private.n().bit_width() as usize;
        if bits != 2048 {
            return Err(CloudFrontError::WrongSize(shown.to_owned(), bits));
        }
        let key = CloudFrontKey {
            key_id: key_id.to_owned(),
            private,
        };
        // Signed and verified here once, so a damaged key is found before any link.
        let probe = b"S3 Share key check";
        let signature = key.sign(probe)?;
        key.verify(probe, &signature)?;
        Ok(key)
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CloudFrontError> {
        self.private
            .pkcs1v15_sign::<sha1::Sha1>(message)
            .map_err(|_| CloudFrontError::SignFailed)
    }

    /// Checks `signature` over `message` with this key's public half.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), CloudFrontError> {
        self.private
            .as_public_key()
            .pkcs1v15_verify::<sha1::Sha1>(message, signature)
            .map_err(|_| CloudFrontError::SignFailed)
    }
}

/// An IP range in CIDR form (an address alone is /32, or /128).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpRange(String);

impl IpRange {
    pub fn parse(text: &str) -> Result<IpRange, CloudFrontError> {
        let bad = || CloudFrontError::BadIp(text.to_owned());
        let (address, bits) = match text.trim().split_once('/') {
            Some((address, bits)) => (address, Some(bits)),
            None => (text.trim(), None),
        };
        let address: std::net::Ipv4Addr = address.parse().map_err(|_| bad())?;
        let bits = match bits {
            Some(bits) => bits
                .parse::<u32>()
                .ok()
                .filter(|b| *b <= 32)
                .ok_or_else(bad)?,
            None => 32,
        };
        // Addresses CloudFront never sees as a client's: private, loopback, link-local…
        if address.is_private()
            || address.is_loopback()
            || address.is_link_local()
            || address.is_unspecified()
            || address.is_broadcast()
            || address.is_multicast()
        {
            return Err(bad());
        }
        // The network itself (203.0.113.9/24 is 203.0.113.0/24).
        let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
        let network = std::net::Ipv4Addr::from(u32::from(address) & mask);
        Ok(IpRange(format!("{network}/{bits}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a link through CloudFront allows: this URL, until `end`; with a custom policy, also
/// not before `start` and only from `ip`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub resource: String,
    pub end: SystemTime,
    pub start: Option<SystemTime>,
    pub ip: Option<IpRange>,
}

fn epoch(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
}

impl Policy {
    /// Checks the times against `now`: an end in the future, not past 2038, after the start.
    pub fn check(&self, now: SystemTime) -> Result<(), CloudFrontError> {
        let end = epoch(self.end);
        if end <= epoch(now) {
            return Err(CloudFrontError::InThePast);
        }
        if end > LAST_END {
            return Err(CloudFrontError::TooLong);
        }
        if self.start.is_some_and(|start| epoch(start) >= end) {
            return Err(CloudFrontError::EndsBeforeStart);
        }
        Ok(())
    }

    /// A canned policy is enough: nothing but an end.
    pub fn canned(&self) -> bool {
        self.start.is_none() && self.ip.is_none()
    }

    /// The policy's JSON, byte for byte as botocore's `build_policy` writes it (its
    /// conditions in that order; the resource is ASCII, percent-encoded).
    pub fn json(&self) -> String {
        let mut condition = format!(r#""DateLessThan":{{"AWS:EpochTime":{}}}"#, epoch(self.end));
        if let Some(ip) = &self.ip {
            condition.push_str(&format!(
                r#","IpAddress":{{"AWS:SourceIp":"{}"}}"#,
                ip.as_str()
            ));
        }
        if let Some(start) = self.start {
            condition.push_str(&format!(
                r#","DateGreaterThan":{{"AWS:EpochTime":{}}}"#,
                epoch(start)
            ));
        }
        format!(
            r#"{{"Statement":[{{"Resource":"{}","Condition":{{{condition}}}}}]}}"#,
            json_escape(&self.resource)
        )
    }
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// CloudFront's URL-safe base64.
pub fn cloudfront_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(bytes)
        .replace('+', "-")
        .replace('=', "_")
        .replace('/', "~")
}

/// The signed URL for `policy` (its resource is the URL; checked against `now` first).
pub fn sign_url(
    key: &CloudFrontKey,
    policy: &Policy,
    now: SystemTime,
) -> Result<SignedUrl, CloudFrontError> {
    policy.check(now)?;
    let json = policy.json();
    let signature = key.sign(json.as_bytes())?;
    let first = if policy.canned() {
        format!("Expires={}", epoch(policy.end))
    } else {
        format!("Policy={}", cloudfront_b64(json.as_bytes()))
    };
    let separator = if policy.resource.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(SignedUrl::new(format!(
        "{}{separator}{first}&Signature={}&Key-Pair-Id={}",
        policy.resource,
        cloudfront_b64(&signature),
        key.key_id
    )))
}

/// The longest lifetime offered for links through CloudFront (the window's choices).
pub const LONG_LIFETIMES: &[(&str, Duration)] = &[
    ("30 days", Duration::from_secs(30 * 86_400)),
    ("90 days", Duration::from_secs(90 * 86_400)),
    ("1 year", Duration::from_secs(365 * 86_400)),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Undoes `cloudfront_b64`.
    fn from_cloudfront_b64(text: &str) -> Option<Vec<u8>> {
        let standard = text.replace('-', "+").replace('_', "=").replace('~', "/");
        base64::engine::general_purpose::STANDARD
            .decode(standard)
            .ok()
    }

    pub(crate) fn test_key() -> CloudFrontKey {
        let pem = include_str!("../../tests/fixtures/cloudfront-test-key.pem");
        CloudFrontKey::from_pem("K2JCJMDEHXQW5F", pem, "test key").unwrap()
    }

    #[test]
    fn a_canned_policy_url_carries_expires_signature_and_key_id() {
        let key = test_key();
        let end = UNIX_EPOCH + Duration::from_secs(2_000_000_000);
        let policy = Policy {
            resource: "https://d1.cloudfront.net/a%20b/c%2B.pdf".into(),
            end,
            start: None,
            ip: None,
        };
        assert_eq!(
            policy.json(),
            r#"{"Statement":[{"Resource":"https://d1.cloudfront.net/a%20b/c%2B.pdf","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000}}}]}"#
        );
        let now = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        let url = sign_url(&key, &policy, now).unwrap();
        let url = url.expose();
        let (base, query) = url.split_once('?').unwrap();
        assert_eq!(base, policy.resource);
        let pairs: Vec<_> = query.split('&').collect();
        assert_eq!(pairs[0], "Expires=2000000000");
        assert_eq!(pairs[2], "Key-Pair-Id=K2JCJMDEHXQW5F");
        let signature = from_cloudfront_b64(pairs[1].strip_prefix("Signature=").unwrap()).unwrap();
        assert_eq!(signature.len(), 256);
        key.verify(policy.json().as_bytes(), &signature).unwrap();
        assert!(key.verify(b"another policy", &signature).is_err());
    }

    #[test]
    fn a_custom_policy_has_its_conditions_in_botocores_order() {
        let policy = Policy {
            resource: "https://d1.cloudfront.net/x?response-content-disposition=a".into(),
            end: UNIX_EPOCH + Duration::from_secs(2_000_000_000),
            start: Some(UNIX_EPOCH + Duration::from_secs(1_999_000_000)),
            ip: Some(IpRange::parse("203.0.113.0/24").unwrap()),
        };
        assert_eq!(
            policy.json(),
            r#"{"Statement":[{"Resource":"https://d1.cloudfront.net/x?response-content-disposition=a","Condition":{"DateLessThan":{"AWS:EpochTime":2000000000},"IpAddress":{"AWS:SourceIp":"203.0.113.0/24"},"DateGreaterThan":{"AWS:EpochTime":1999000000}}}]}"#
        );
        let url = sign_url(&test_key(), &policy, UNIX_EPOCH).unwrap();
        let query = url.expose().split_once("x?").unwrap().1;
        assert!(
            query.starts_with("response-content-disposition=a&Policy="),
            "{query}"
        );
        let encoded = query
            .split('&')
            .nth(1)
            .unwrap()
            .strip_prefix("Policy=")
            .unwrap();
        assert_eq!(
            from_cloudfront_b64(encoded).unwrap(),
            policy.json().as_bytes()
        );
    }

    #[test]
    fn times_ranges_ids_and_domains_are_checked() {
        let now = UNIX_EPOCH + Duration::from_secs(1_900_000_000);
        let mut policy = Policy {
            resource: "https://d/x".into(),
            end: now,
            start: None,
            ip: None,
        };
        assert_eq!(policy.check(now), Err(CloudFrontError::InThePast));
        policy.end = UNIX_EPOCH + Duration::from_secs(LAST_END + 1);
        assert_eq!(policy.check(now), Err(CloudFrontError::TooLong));
        policy.end = now + Duration::from_secs(60);
        policy.start = Some(now + Duration::from_secs(60));
        assert_eq!(policy.check(now), Err(CloudFrontError::EndsBeforeStart));

        assert_eq!(
            IpRange::parse("203.0.113.9/24").unwrap().as_str(),
            "203.0.113.0/24"
        );
        assert_eq!(
            IpRange::parse("198.51.100.7").unwrap().as_str(),
            "198.51.100.7/32"
        );
        for refused in [
            "0.0.0.0/0",
            "10.0.0.1",
            "127.0.0.1/8",
            "2001:db8::1",
            "::/0",
            "198.51.100.7/33",
            "ten",
        ] {
            assert!(IpRange::parse(refused).is_err(), "{refused}");
        }

        assert!(check_key_id("K2JCJMDEHXQW5F").is_ok());
        assert!(check_key_id("k2j cjm").is_err());
        assert_eq!(
            check_domain("D111111abcdef8.cloudfront.net/").unwrap(),
            "https://d111111abcdef8.cloudfront.net"
        );
        assert_eq!(
            check_domain("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(check_domain("http://files.example.com").is_err());
        assert!(check_domain("files.example.com/path?x").is_err());
        assert!(check_domain("-bad-.example.com").is_err());
    }

    #[test]
    fn keys_that_cannot_sign_for_cloudfront_are_refused() {
        let pem = include_str!("../../tests/fixtures/cloudfront-test-key.pem");
        assert!(matches!(
            CloudFrontKey::from_pem("K2JCJMDEHXQW5F", "not a key", "x.pem"),
            Err(CloudFrontError::NotAKey(_))
        ));
        assert!(matches!(
            CloudFrontKey::from_pem("bad id", pem, "x.pem"),
            Err(CloudFrontError::BadKeyId(_))
        ));
        let small = include_str!("../../tests/fixtures/cloudfront-1024-key.pem");
        assert_eq!(
            CloudFrontKey::from_pem("K2JCJMDEHXQW5F", small, "small.pem").unwrap_err(),
            CloudFrontError::WrongSize("small.pem".into(), 1024)
        );
        let pkcs1 = include_str!("../../tests/fixtures/cloudfront-test-key-pkcs1.pem");
        let a = CloudFrontKey::from_pem("K2JCJMDEHXQW5F", pkcs1, "p1").unwrap();
        assert_eq!(
            a.sign(b"x").unwrap(),
            test_key().sign(b"x").unwrap(),
            "the same key"
        );
        assert!(!format!("{a:?}").contains("BEGIN"));
    }
}
