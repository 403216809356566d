//! SigV4 query signing (presigned URLs), made for speed: a folder page or ten thousand links
//! sign every file, so each link costs one SHA-256 of its canonical request and one HMAC of
//! the string to sign with a signing key derived once per secret, day and region (the four
//! HMACs of the derivation are not repeated per link). The URLs are byte for byte those of
//! aws-sigv4's query signing with single encoding and no path normalization (S3's rules),
//! which the tests check against it for many keys, tokens, headers and ports.

use std::borrow::Cow;
use std::cell::RefCell;
use std::ops::Range;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};

/// What cannot be signed: the URL has no host.
#[derive(Debug, thiserror::Error)]
#[error("the URL {0:?} has no scheme and host to sign")]
pub struct NoHost(String);

/// `20130524T000000Z` (its first 8 bytes are the date, `20130524`), worked out once per
/// second per thread: a run of links signs them all in the same second.
fn amz_date(time: SystemTime) -> [u8; 16] {
    use chrono::{Datelike as _, Timelike as _};
    thread_local! {
        static LAST: std::cell::Cell<(i64, [u8; 16])> = const { std::cell::Cell::new((i64::MIN, [0; 16])) };
    }
    let utc = chrono::DateTime::<chrono::Utc>::from(time);
    let second = utc.timestamp();
    let (cached, text) = LAST.get();
    if cached == second {
        return text;
    }
    let mut text = *b"00000000T000000Z";
    put_digits(&mut text[0..4], i64::from(utc.year()));
    put_digits(&mut text[4..6], i64::from(utc.month()));
    put_digits(&mut text[6..8], i64::from(utc.day()));
    put_digits(&mut text[9..11], i64::from(utc.hour()));
    put_digits(&mut text[11..13], i64::from(utc.minute()));
    put_digits(&mut text[13..15], i64::from(utc.second()));
    LAST.set((second, text));
    text
}

/// `value` in as many decimal digits as `out` holds (leading zeros).
fn put_digits(out: &mut [u8], mut value: i64) {
    for digit in out.iter_mut().rev() {
        *digit = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The signing key of (secret, day, region, service), keyed into an HMAC ready to clone.
struct CachedKey {
    secret: String,
    date: String,
    region: String,
    service: &'static str,
    mac: Hmac<Sha256>,
}

thread_local! {
    /// One key per thread: links are signed in runs with the same credentials and day.
    static KEY: RefCell<Option<CachedKey>> = const { RefCell::new(None) };
}

/// The HMAC keyed with the signing key (derived at most once per secret, day and region).
fn signing_mac(secret: &str, date: &str, region: &str, service: &'static str) -> Hmac<Sha256> {
    KEY.with_borrow_mut(|cached| {
        if let Some(key) = cached
            .as_ref()
            .filter(|k| k.date == date && k.region == region && k.service == service)
            .filter(|k| k.secret == secret)
        {
            return key.mac.clone();
        }
        let key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
        let key = hmac(&key, region.as_bytes());
        let key = hmac(&key, service.as_bytes());
        let key = hmac(&key, b"aws4_request");
        let mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
        *cached = Some(CachedKey {
            secret: secret.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service,
            mac: mac.clone(),
        });
        mac
    })
}

const HEX: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `bytes` (32) as 64 lower-case hex digits.
fn hex_into(out: &mut [u8; 64], bytes: &[u8]) {
    for (i, b) in bytes.iter().take(32).enumerate() {
        out[2 * i] = HEX[usize::from(b >> 4)];
        out[2 * i + 1] = HEX[usize::from(b & 15)];
    }
}

/// The bytes SigV4 leaves as they are: letters, digits and `-._~`.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// How many of `bytes`' first bytes are unreserved (or `/` when `keep_slash`).
fn plain_run(bytes: &[u8], keep_slash: bool) -> usize {
    bytes
        .iter()
        .position(|&b| !(UNRESERVED[usize::from(b)] || keep_slash && b == b'/'))
        .unwrap_or(bytes.len())
}

/// `bytes` as SigV4 encodes them, handed to `put` piece by piece: runs of unreserved bytes
/// (and `/` when `keep_slash`, as in a key's path) whole, every other byte as `%XX`.
fn encode_with(mut bytes: &[u8], keep_slash: bool, mut put: impl FnMut(&[u8])) {
    loop {
        let run = plain_run(bytes, keep_slash);
        put(&bytes[..run]);
        let Some((&b, rest)) = bytes[run..].split_first() else {
            return;
        };
        put(&escaped(b));
        bytes = rest;
    }
}

/// `text` percent-encoded onto `out` as SigV4 encodes (see [`encode_with`]).
pub(super) fn encode_str_into(out: &mut String, text: &str, keep_slash: bool) {
    // Every piece is ASCII (only the piece is checked, not what `out` holds).
    encode_with(text.as_bytes(), keep_slash, |piece| {
        out.push_str(std::str::from_utf8(piece).expect("ASCII"));
    });
}

fn encode_into(out: &mut Vec<u8>, bytes: &[u8]) {
    encode_with(bytes, false, |piece| out.extend_from_slice(piece));
}

/// `%XX` for `b`.
fn escaped(b: u8) -> [u8; 3] {
    [
        b'%',
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 15)],
    ]
}

fn push_encoded(out: &mut Vec<u8>, b: u8) {
    if UNRESERVED[usize::from(b)] {
        out.push(b);
    } else {
        out.extend_from_slice(&escaped(b));
    }
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// A query name or value of the URL as a form decoder reads it (`+` is a space, `%XX` a
/// byte, a `%` without two hex digits itself), encoded again as SigV4 encodes: in one pass.
fn reencode_into(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // `+` and `%` are not unreserved: a plain run holds neither.
        let run = plain_run(&bytes[i..], false);
        if run > 0 {
            out.extend_from_slice(&bytes[i..i + run]);
            i += run;
            continue;
        }
        match bytes[i] {
            b'+' => push_encoded(out, b' '),
            b'%' => {
                let byte = bytes
                    .get(i + 1)
                    .and_then(|&h| hex_value(h))
                    .zip(bytes.get(i + 2).and_then(|&l| hex_value(l)));
                match byte {
                    Some((high, low)) => {
                        push_encoded(out, high << 4 | low);
                        i += 2;
                    }
                    None => push_encoded(out, b'%'),
                }
            }
            b => push_encoded(out, b),
        }
        i += 1;
    }
}

/// `url` signed for `method` with SigV4 query authentication for `service` in `region`,
/// valid `expires_secs` from `signed_at`; `headers` are signed too (the user of the link
/// must send them). The URL's path is signed as it stands (encoded once, not normalized).
pub fn presign(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    (region, service): (&str, &'static str),
    credentials: &Credentials,
    signed_at: SystemTime,
    expires_secs: u64,
) -> Result<String, NoHost> {
    let (scheme, rest) = url.split_once("://").ok_or_else(|| NoHost(url.into()))?;
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match before_query.find('/') {
        Some(at) => before_query.split_at(at),
        None => (before_query, "/"),
    };
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if authority.is_empty() {
        return Err(NoHost(url.into()));
    }
    // The default port is not part of the Host header (as aws-sigv4 signs it).
    let host = match (scheme, authority.rsplit_once(':')) {
        ("http", Some((host, "80"))) | ("https", Some((host, "443"))) => host,
        _ => authority,
    };
    let stamp = amz_date(signed_at);
    // Digits, `T` and `Z` only.
    let time = std::str::from_utf8(&stamp).expect("ASCII");
    let date = &time[..8];
    let headers = canonical_headers(host, headers);
    let mut signed_headers = String::with_capacity(16);
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 && headers[i - 1].0 == *name {
            continue;
        }
        if !signed_headers.is_empty() {
            signed_headers.push(';');
        }
        signed_headers.push_str(name);
    }

    // Every query parameter encoded once into `encoded` (names and values as ranges of it):
    // the URL's own, then S3 Share's X-Amz ones, which the signed URL reuses as they are.
    let mut encoded: Vec<u8> = Vec::with_capacity(query.len() + 256);
    let mut params: Vec<Param> = Vec::with_capacity(10);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        add(
            (&mut encoded, &mut params),
            &|out| reencode_into(out, name),
            &|out| reencode_into(out, value),
        );
    }
    let own_from = params.len();
    let mut digits = [0u8; 20];
    let expires = decimal(&mut digits, expires_secs);
    let access_key = credentials.access_key_id();
    let own: [(&str, &[&str]); 5] = [
        ("X-Amz-Algorithm", &["AWS4-HMAC-SHA256"]),
        (
            "X-Amz-Credential",
            &[
                access_key,
                "/",
                date,
                "/",
                region,
                "/",
                service,
                "/aws4_request",
            ],
        ),
        ("X-Amz-Date", &[time]),
        ("X-Amz-Expires", &[expires]),
        ("X-Amz-SignedHeaders", &[&signed_headers]),
    ];
    for (name, parts) in own {
        add(
            (&mut encoded, &mut params),
            &|out| out.extend_from_slice(name.as_bytes()),
            &|out| {
                for part in parts {
                    encode_into(out, part.as_bytes());
                }
            },
        );
    }
    let token = credentials.session_token();
    if let Some(token) = token {
        add(
            (&mut encoded, &mut params),
            &|out| out.extend_from_slice(b"X-Amz-Security-Token"),
            &|out| encode_into(out, token.as_bytes()),
        );
    }
    let mut own: [Param; 6] = Default::default();
    for (slot, param) in own.iter_mut().zip(&params[own_from..]) {
        slot.clone_from(param);
    }
    let own = &own[..params.len() - own_from];
    params.sort_unstable_by(|a, b| {
        (&encoded[a.0.clone()], &encoded[a.1.clone()])
            .cmp(&(&encoded[b.0.clone()], &encoded[b.1.clone()]))
    });

    // The canonical request, hashed as it is written (never held whole).
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b"\n");
    hash.update(path.as_bytes());
    hash.update(b"\n");
    for (i, (name, value)) in params.iter().enumerate() {
        if i > 0 {
            hash.update(b"&");
        }
        hash.update(&encoded[name.clone()]);
        hash.update(b"=");
        hash.update(&encoded[value.clone()]);
    }
    hash.update(b"\n");
    let mut last: Option<&str> = None;
    for (name, value) in &headers {
        // Repeated names are one line, their values joined by commas.
        if last == Some(name.as_ref()) {
            hash.update(b",");
            hash.update(value.as_bytes());
            continue;
        }
        if last.is_some() {
            hash.update(b"\n");
        }
        hash.update(name.as_bytes());
        hash.update(b":");
        hash.update(value.as_bytes());
        last = Some(name);
    }
    hash.update(b"\n\n");
    hash.update(signed_headers.as_bytes());
    hash.update(b"\nUNSIGNED-PAYLOAD");
    let mut hashed = [0u8; 64];
    hex_into(&mut hashed, &hash.finalize());

    // The string to sign, fed to the HMAC keyed with the (cached) signing key.
    let mut mac = signing_mac(credentials.secret_access_key(), date, region, service);
    for part in [
        b"AWS4-HMAC-SHA256\n".as_slice(),
        time.as_bytes(),
        b"\n",
        date.as_bytes(),
        b"/",
        region.as_bytes(),
        b"/",
        service.as_bytes(),
        b"/aws4_request\n",
        &hashed,
    ] {
        mac.update(part);
    }
    let mut signature = [0u8; 64];
    hex_into(&mut signature, &mac.finalize().into_bytes());

    // The URL as aws-sigv4's instructions add to it: the signature before the token.
    let mut signed: Vec<u8> = Vec::with_capacity(url.len() + encoded.len() + 160);
    signed.extend_from_slice(url.as_bytes());
    let mut separator = if url.contains('?') { b'&' } else { b'?' };
    let mut put = |signed: &mut Vec<u8>, name: &[u8], value: &[u8]| {
        signed.push(separator);
        signed.extend_from_slice(name);
        signed.push(b'=');
        signed.extend_from_slice(value);
        separator = b'&';
    };
    for (name, value) in &own[..5] {
        put(&mut signed, &encoded[name.clone()], &encoded[value.clone()]);
    }
    put(&mut signed, b"X-Amz-Signature", &signature);
    if let Some((name, value)) = own.get(5) {
        put(&mut signed, &encoded[name.clone()], &encoded[value.clone()]);
    }
    // Only ASCII was added to a `&str`.
    Ok(String::from_utf8(signed).expect("a URL and ASCII"))
}

/// `value` in decimal, written into `buffer`.
fn decimal(buffer: &mut [u8; 20], mut value: u64) -> &str {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + u8::try_from(value % 10).unwrap_or(0);
        value /= 10;
        if value == 0 {
            break;
        }
    }
    // Digits only.
    std::str::from_utf8(&buffer[start..]).expect("ASCII")
}

/// A query parameter's encoded name and value, as ranges of one buffer.
type Param = (Range<usize>, Range<usize>);

/// Adds a query parameter to `encoded` (written by `name` and `value`) and its ranges to
/// `params`.
fn add(
    (encoded, params): (&mut Vec<u8>, &mut Vec<Param>),
    name: &dyn Fn(&mut Vec<u8>),
    value: &dyn Fn(&mut Vec<u8>),
) {
    let start = encoded.len();
    name(encoded);
    let middle = encoded.len();
    value(encoded);
    params.push((start..middle, middle..encoded.len()));
}

/// The canonical headers: host and the given ones, by lower-case name, values trimmed and
/// their runs of spaces made one.
fn canonical_headers<'a>(
    host: &'a str,
    headers: &[(&'a str, &'a str)],
) -> Vec<(Cow<'a, str>, Cow<'a, str>)> {
    let mut canonical: Vec<(Cow<str>, Cow<str>)> = Vec::with_capacity(headers.len() + 1);
    canonical.push((Cow::Borrowed("host"), Cow::Borrowed(host)));
    for &(name, value) in headers {
        let value = value.trim_matches(' ');
        let value = if value.contains("  ") {
            let mut collapsed = String::with_capacity(value.len());
            let mut space = false;
            for c in value.chars() {
                if c != ' ' || !space {
                    collapsed.push(c);
                }
                space = c == ' ';
            }
            Cow::Owned(collapsed)
        } else {
            Cow::Borrowed(value)
        };
        let name = if name.bytes().any(|b| b.is_ascii_uppercase()) || !name.is_ascii() {
            Cow::Owned(name.to_lowercase())
        } else {
            Cow::Borrowed(name)
        };
        canonical.push((name, value));
    }
    canonical.sort_by(|a, b| a.0.cmp(&b.0));
    canonical
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    use std::time::Duration;
    use std::time::UNIX_EPOCH;

    const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');

    /// aws-sigv4's own query signing of the same request: the reference.
    fn reference(
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        region: &str,
        credentials: &Credentials,
        signed_at: SystemTime,
        expires_secs: u64,
    ) -> String {
        use aws_sigv4::http_request::{
            PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
            UriPathNormalizationMode, sign,
        };
        use aws_smithy_runtime_api::client::identity::Identity;
        let identity: Identity = credentials.clone().into();
        let mut settings = SigningSettings::default();
        settings.signature_location = SignatureLocation::QueryParams;
        settings.expires_in = Some(Duration::from_secs(expires_secs));
        settings.percent_encoding_mode = PercentEncodingMode::Single;
        settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region(region)
            .name("s3")
            .time(signed_at)
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let signable = SignableRequest::new(
            method,
            url,
            headers.iter().copied(),
            SignableBody::UnsignedPayload,
        )
        .unwrap();
        let (instructions, _) = sign(signable, &params).unwrap().into_parts();
        let mut signed = url.to_owned();
        let mut separator = if url.contains('?') { '&' } else { '?' };
        for (name, value) in instructions.params() {
            signed.push(separator);
            signed.push_str(name);
            signed.push('=');
            signed.extend(utf8_percent_encode(value, UNRESERVED));
            separator = '&';
        }
        signed
    }

    #[test]
    fn dates_are_utc_civil_dates() {
        let at = |secs| UNIX_EPOCH + Duration::from_secs(secs);
        assert_eq!(&amz_date(at(0)), b"19700101T000000Z");
        assert_eq!(&amz_date(at(1_369_353_600)), b"20130524T000000Z");
        assert_eq!(&amz_date(at(951_782_400))[..8], b"20000229");
        assert_eq!(&amz_date(at(4_102_444_799)), b"20991231T235959Z");
        // Python: datetime.fromtimestamp(1804000123, UTC).
        assert_eq!(&amz_date(at(1_804_000_123)), b"20270302T150843Z");
        // The same second again (remembered), then the next one.
        assert_eq!(&amz_date(at(1_804_000_123)), b"20270302T150843Z");
        assert_eq!(&amz_date(at(1_804_000_124)), b"20270302T150844Z");
    }

    #[test]
    fn encoding_equals_percent_encodings_for_every_byte() {
        const SLASH_KEPT: &AsciiSet = &UNRESERVED.remove(b'/');
        let mut texts: Vec<String> = (0..=0x7f_u8).map(|b| char::from(b).to_string()).collect();
        texts.extend(
            [
                "",
                "folder/sub folder/IMG_0001 (1).jpg",
                "été/日本語/😀+%20~._-",
                "a//b/",
                "attachment; filename=\"r\u{e9}sum\u{e9}.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
            ]
            .map(str::to_owned),
        );
        for text in &texts {
            for (keep_slash, set) in [(false, UNRESERVED), (true, SLASH_KEPT)] {
                let mut ours = String::from("prefix/");
                encode_str_into(&mut ours, text, keep_slash);
                assert_eq!(
                    ours,
                    format!("prefix/{}", utf8_percent_encode(text, set)),
                    "{text:?} keep_slash={keep_slash}"
                );
            }
        }
        assert_eq!(decimal(&mut [0; 20], 0), "0");
        assert_eq!(decimal(&mut [0; 20], 604_800), "604800");
        assert_eq!(decimal(&mut [0; 20], u64::MAX), u64::MAX.to_string());
    }

    #[test]
    fn urls_equal_aws_sigv4s_for_keys_tokens_headers_and_ports() {
        let plain = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "t",
        );
        let temporary = Credentials::new(
            "ASIAEXAMPLE",
            "secret+/=",
            Some("the/session+token= é".into()),
            None,
            "t",
        );
        let urls = [
            "https://examplebucket.s3.amazonaws.com/test.txt",
            "https://b.s3.eu-west-1.amazonaws.com/a%20b/c%2Bd%C3%A9.pdf?response-content-disposition=attachment%3B%20filename%3D%22Q3%20report.pdf%22",
            "http://127.0.0.1:9000/bucket/folder/file-1.pdf",
            "https://minio.example.com:443/bucket/k",
            "http://minio.example.com:80/bucket/k?response-content-type=text%2Fhtml%3B%20charset%3Dutf-8",
            "https://minio.example.com:8443/bucket/%7E~tilde/%2F%2F.s3share/x",
            "http://[::1]:9000/b/k?b=2&a=1&a=0",
            "https://host/b/k?flag&x=%2B+y",
            "https://host/b/k?bad=%zz%4&low=%c3%a9",
            "https://host",
        ];
        let headers: [&[(&str, &str)]; 3] = [
            &[],
            &[("content-type", "application/pdf")],
            &[
                ("Content-Type", "  text/plain;   charset=utf-8 "),
                ("x-amz-meta-a", "1"),
            ],
        ];
        let mut compared = 0;
        for (i, url) in urls.iter().enumerate() {
            for creds in [&plain, &temporary] {
                for headers in headers {
                    for method in ["GET", "PUT"] {
                        let at =
                            UNIX_EPOCH + Duration::from_secs(1_369_353_600 + 86_391 * i as u64);
                        for region in ["us-east-1", "eu-central-1"] {
                            let ours =
                                presign(method, url, headers, (region, "s3"), creds, at, 604_800)
                                    .unwrap();
                            let theirs =
                                reference(method, url, headers, region, creds, at, 604_800);
                            assert_eq!(ours, theirs, "{method} {url} {headers:?} {region}");
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, urls.len() * 2 * 3 * 2 * 2);
    }

    #[test]
    fn a_url_without_a_host_is_refused() {
        let creds = Credentials::new("A", "S", None, None, "t");
        for url in ["no-scheme/path", "https:///path"] {
            assert!(presign("GET", url, &[], ("us-east-1", "s3"), &creds, UNIX_EPOCH, 60).is_err());
        }
    }

    #[test]
    fn the_cached_key_follows_the_secret_the_day_and_the_region() {
        let one = Credentials::new("A", "first-secret", None, None, "t");
        let two = Credentials::new("A", "second-secret", None, None, "t");
        let day = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let next = day + Duration::from_secs(86_400);
        let url = "https://h/b/k";
        for (creds, at, region) in [
            (&one, day, "us-east-1"),
            (&two, day, "us-east-1"),
            (&one, next, "us-east-1"),
            (&one, next, "eu-west-1"),
            (&one, day, "us-east-1"),
        ] {
            assert_eq!(
                presign("GET", url, &[], (region, "s3"), creds, at, 60).unwrap(),
                reference("GET", url, &[], region, creds, at, 60)
            );
        }
    }
}
