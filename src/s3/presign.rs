//! Presigned URLs, signed locally with SigV4 query authentication (no network).
//!
//! The URL is built here rather than by the SDK's presigner so that it is exactly the
//! documented form (no extra `x-id` parameter), deterministic for a given time and key,
//! and cheap enough to make thousands per second.

use crate::aws::Addressing;
use std::time::SystemTime;

use aws_credential_types::Credentials;

use super::check::LinkCheck;
use crate::error::{ErrorKind, S3Error};
use crate::share::{Expiry, SignedUrl};

/// A key as it stands in a URL path (or in x-amz-copy-source): encoded once, slashes kept.
pub fn encoded_key(key: &str) -> String {
    let mut encoded = String::with_capacity(key.len() + 16);
    super::sigv4::encode_str_into(&mut encoded, key, true);
    encoded
}

/// What the user chose for a download link.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareOptions {
    pub expiry: Expiry,
    /// The name the browser saves as; None keeps the key's own name.
    pub download_filename: Option<crate::share::DownloadFilename>,
    /// The link points at a copy made for it alone, so it can be taken back (revoked).
    pub revocable: bool,
}

/// A download link and the truth about how long it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareLink {
    pub url: SignedUrl,
    pub bucket: String,
    pub key: String,
    /// The name the browser saves the download as (signed into the link).
    pub download_filename: Option<String>,
    /// The region it is signed for.
    pub region: String,
    /// By the server's clock when this computer's is off (see `clock_correction`).
    pub signed_at: SystemTime,
    /// When X-Amz-Expires runs out.
    pub expires_at: SystemTime,
    /// The earlier of `expires_at` and the signing credentials' end: when it really stops.
    /// The one value the window, the CLI, the history and the countdown show.
    pub effective_expires_at: SystemTime,
    /// Seconds the server's clock is ahead of this computer's, when links were signed with
    /// the server's time (the countdown corrects by it too).
    pub clock_correction: Option<i64>,
    /// What trying the link without credentials said.
    pub check: LinkCheck,
    /// Plain sentences, for example that the credentials end before the link.
    pub warnings: Vec<String>,
    /// A revocable link: the copy it points at (`key` is still the object shared).
    pub copy: Option<Box<super::copy::LinkCopy>>,
}

/// An upload ("send me a file") link: a presigned PUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadLink {
    pub url: SignedUrl,
    pub bucket: String,
    pub key: String,
    /// When set, the uploader must send exactly this Content-Type (it is signed).
    pub content_type: Option<String>,
    pub signed_at: SystemTime,
    pub lifetime: Expiry,
    pub effective_expires_at: SystemTime,
    pub warnings: Vec<String>,
}

impl UploadLink {
    /// A ready-to-paste command for whoever receives the link, with the link in it (so it
    /// is as secret as the link).
    pub fn curl_command(&self) -> String {
        self.curl_command_with(self.url.expose())
    }

    /// The same command with `<link>` (or another placeholder) instead of the link.
    pub fn curl_command_with(&self, url: &str) -> String {
        let header = self
            .content_type
            .as_deref()
            .map(|t| format!(" -H {}", shell_quote(&format!("Content-Type: {t}"))))
            .unwrap_or_default();
        format!(
            "curl --fail --upload-file FILE{header} {}",
            shell_quote(url)
        )
    }
}

/// `text` as one word of a POSIX shell command line: single-quoted, with each `'` closed,
/// escaped and reopened.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
#[test]
fn shell_words_survive_quotes() {
    assert_eq!(shell_quote("a b"), "'a b'");
    assert_eq!(shell_quote("it's"), "'it'\\''s'");
    // What a POSIX shell reads back is the text itself.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "printf %s {}",
            shell_quote("x'; echo pwned; '$(id)")
        ))
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"x'; echo pwned; '$(id)");
}

/// The unsigned URL of an object. With a custom endpoint (MinIO, R2, a local server) the
/// bucket goes in the path; on AWS in the host name when the name allows it.
pub fn object_url(endpoint: Option<&str>, region: &str, bucket: &str, key: &str) -> String {
    object_url_in_style(endpoint, Addressing::Auto, region, bucket, key)
}

/// The unsigned URL of an object, the bucket placed as `style` says. The host and path
/// rules (virtual or path style, never a bucket in the host of an IP address or when its
/// name is not DNS-safe, partitions such as China) are aws-sdk-s3's own endpoint resolver's,
/// so a link goes where the SDK's requests go. Ours: `Auto` with a custom endpoint means
/// path style (what the AWS CLI does), us-east-1 keeps the global host (as the CLI signs),
/// and the key is appended encoded once (the resolver places only the bucket).
pub fn object_url_in_style(
    endpoint: Option<&str>,
    style: Addressing,
    region: &str,
    bucket: &str,
    key: &str,
) -> String {
    let mut url = String::with_capacity(64 + key.len() + key.len() / 2);
    bucket_base(&mut url, endpoint, style, region, bucket);
    url.push('/');
    super::sigv4::encode_str_into(&mut url, key, true);
    url
}

/// Where a bucket's keys start (`https://b.s3.eu-west-1.amazonaws.com`,
/// `http://127.0.0.1:9000/b`), remembered per thread for the last bucket asked: ten thousand
/// links to one folder resolve it once.
fn bucket_base(
    out: &mut String,
    endpoint: Option<&str>,
    style: Addressing,
    region: &str,
    bucket: &str,
) {
    type Asked = (Option<String>, Addressing, String, String);
    thread_local! {
        static LAST: std::cell::RefCell<Option<(Asked, String)>> = const { std::cell::RefCell::new(None) };
    }
    let same = |asked: &Asked| {
        asked.0.as_deref() == endpoint && asked.1 == style && asked.2 == region && asked.3 == bucket
    };
    let known = LAST.with_borrow(|last| {
        last.as_ref()
            .filter(|(asked, _)| same(asked))
            .map(|(_, base)| out.push_str(base))
            .is_some()
    });
    if known {
        return;
    }
    let base = resolve_bucket_base(endpoint, style, region, bucket);
    LAST.with_borrow_mut(|last| {
        *last = Some((
            (
                endpoint.map(str::to_owned),
                style,
                region.to_owned(),
                bucket.to_owned(),
            ),
            base.clone(),
        ));
    });
    out.push_str(&base);
}

fn resolve_bucket_base(
    endpoint: Option<&str>,
    style: Addressing,
    region: &str,
    bucket: &str,
) -> String {
    use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
    let force_path_style = match style {
        Addressing::Path => true,
        Addressing::Auto => endpoint.is_some(),
        Addressing::Virtual => false,
    };
    let resolved = Params::builder()
        .bucket(bucket)
        .region(region)
        .force_path_style(force_path_style)
        .use_global_endpoint(true)
        .set_endpoint(endpoint.map(|e| e.trim_end_matches('/').to_owned()))
        .build()
        .ok()
        .and_then(|params| {
            // The default resolver computes its answer at once: one poll gives it.
            // Built once: it holds the partitions' table.
            static RESOLVER: std::sync::LazyLock<DefaultResolver> =
                std::sync::LazyLock::new(DefaultResolver::new);
            let resolving = RESOLVER.resolve_endpoint(&params);
            let mut resolving = std::pin::pin!(resolving);
            let mut context = std::task::Context::from_waker(std::task::Waker::noop());
            match resolving.as_mut().poll(&mut context) {
                std::task::Poll::Ready(Ok(found)) => Some(found.url().to_owned()),
                _ => None,
            }
        });
    match resolved {
        Some(base) => base.trim_end_matches('/').to_owned(),
        // A name the resolver refuses (an invalid bucket): the request names the path, and
        // the server answers for it.
        None => {
            let base = endpoint.map_or_else(
                || format!("https://s3.{region}.amazonaws.com"),
                |e| e.trim_end_matches('/').to_owned(),
            );
            let mut url = base + "/";
            super::sigv4::encode_str_into(&mut url, bucket, false);
            url
        }
    }
}

/// Signs `url` (which may already carry query parameters such as
/// `response-content-disposition`) for `method`, valid `expiry` from `signed_at`.
/// `headers` are signed too, so the user of the link must send them unchanged.
pub fn presign_url(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    region: &str,
    credentials: &Credentials,
    signed_at: SystemTime,
    expiry: Expiry,
) -> Result<String, S3Error> {
    super::sigv4::presign(
        method,
        url,
        headers,
        (region, "s3"),
        credentials,
        signed_at,
        expiry.as_secs(),
    )
    .map_err(|e| signing_error(&e))
}

/// Adds `response-content-disposition` to an unsigned object URL.
pub fn with_content_disposition(url: &str, disposition: &str) -> String {
    const NAME: &str = "?response-content-disposition=";
    let mut with = String::with_capacity(url.len() + NAME.len() + disposition.len() * 2);
    with.push_str(url);
    with.push_str(NAME);
    super::sigv4::encode_str_into(&mut with, disposition, false);
    with
}

fn signing_error(err: &dyn std::error::Error) -> S3Error {
    S3Error {
        kind: ErrorKind::BadInput,
        message: "The link could not be signed: the key, region or credentials contain something SigV4 cannot sign. Check them and try again.".to_owned(),
        detail: crate::error::chain(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// "Example: Presigned URL" of the S3 API reference (Authenticating Requests:
    /// Using Query Parameters), 2013-05-24T00:00:00Z, 86400 s, us-east-1.
    #[test]
    fn reproduces_the_query_authentication_example_of_the_s3_documentation() {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "static",
        );
        let url = object_url(None, "us-east-1", "examplebucket", "test.txt");
        let signed = presign_url(
            "GET",
            &url,
            &[],
            "us-east-1",
            &creds,
            at(1_369_353_600),
            Expiry::from_secs(86_400).unwrap(),
        )
        .unwrap();
        assert_eq!(
            signed,
            "https://examplebucket.s3.amazonaws.com/test.txt\
             ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
             &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
             &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
             &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        );
    }

    #[test]
    fn temporary_credentials_put_their_session_token_in_the_link() {
        let creds = Credentials::new(
            "ASIAEXAMPLE",
            "secret",
            Some("the/session+token=".into()),
            Some(at(2_000_000_000)),
            "test",
        );
        let url = object_url(None, "eu-west-1", "b", "k");
        let signed = presign_url(
            "GET",
            &url,
            &[],
            "eu-west-1",
            &creds,
            at(1_700_000_000),
            Expiry::MAX,
        )
        .unwrap();
        assert!(
            signed.contains("X-Amz-Security-Token=the%2Fsession%2Btoken%3D"),
            "{signed}"
        );
        assert!(!signed.contains("secret"));
    }

    #[test]
    fn keys_are_encoded_once_with_slashes_kept() {
        assert_eq!(
            object_url(
                Some("http://127.0.0.1:9000/"),
                "us-east-1",
                "b",
                "a b/+%#?&=ü.txt"
            ),
            "http://127.0.0.1:9000/b/a%20b/%2B%25%23%3F%26%3D%C3%BC.txt"
        );
    }

    #[test]
    fn aws_urls_use_the_bucket_host_when_the_name_allows() {
        assert_eq!(
            object_url(None, "eu-central-1", "my-bucket", "k"),
            "https://my-bucket.s3.eu-central-1.amazonaws.com/k"
        );
        assert_eq!(
            object_url(None, "eu-central-1", "my.dotted.bucket", "k"),
            "https://s3.eu-central-1.amazonaws.com/my.dotted.bucket/k"
        );
        assert_eq!(
            object_url(None, "cn-north-1", "b-cn", "k"),
            "https://b-cn.s3.cn-north-1.amazonaws.com.cn/k"
        );
    }

    #[test]
    fn the_disposition_is_inside_the_signed_query() {
        let creds = Credentials::new("AK", "SK", None, None, "static");
        let url = with_content_disposition(
            &object_url(Some("http://h"), "us-east-1", "b", "k"),
            "attachment; filename=\"a b\"",
        );
        let signed = presign_url(
            "GET",
            &url,
            &[],
            "us-east-1",
            &creds,
            at(1_700_000_000),
            Expiry::MAX,
        )
        .unwrap();
        assert!(signed.starts_with(
            "http://h/b/k?response-content-disposition=attachment%3B%20filename%3D%22a%20b%22&X-Amz-Algorithm="
        ));
    }

    #[test]
    fn addressing_style_is_read_from_the_nested_s3_section() {
        let read = Addressing::from_s3_section;
        assert_eq!(
            read("\naddressing_style = path"),
            Ok(Some(Addressing::Path))
        );
        assert_eq!(
            read("\nendpoint_url = http://h\naddressing_style=virtual"),
            Ok(Some(Addressing::Virtual))
        );
        assert_eq!(
            read("\naddressing_style = auto"),
            Ok(Some(Addressing::Auto))
        );
        assert_eq!(read("\nmax_concurrent_requests = 4"), Ok(None));
        let err = read("\naddressing_style = sideways").unwrap_err();
        assert!(
            err.contains("sideways") && err.contains("auto, path or virtual"),
            "{err}"
        );
    }

    #[test]
    fn the_addressing_style_places_the_bucket() {
        let url = |endpoint, style| object_url_in_style(endpoint, style, "eu-west-1", "bkt", "a b");
        // Custom endpoints: path unless virtual is asked for and the host is a name.
        let local = Some("http://localhost:9000");
        assert_eq!(
            url(local, Addressing::Auto),
            "http://localhost:9000/bkt/a%20b"
        );
        assert_eq!(
            url(local, Addressing::Path),
            "http://localhost:9000/bkt/a%20b"
        );
        assert_eq!(
            url(local, Addressing::Virtual),
            "http://bkt.localhost:9000/a%20b"
        );
        assert_eq!(
            url(Some("https://s3.corp.example/base/"), Addressing::Virtual),
            "https://bkt.s3.corp.example/base/a%20b"
        );
        let ip = Some("http://127.0.0.1:9000");
        assert_eq!(
            url(ip, Addressing::Virtual),
            "http://127.0.0.1:9000/bkt/a%20b"
        );
        // AWS: in the host name unless path is asked for.
        assert_eq!(
            url(None, Addressing::Auto),
            "https://bkt.s3.eu-west-1.amazonaws.com/a%20b"
        );
        assert_eq!(
            url(None, Addressing::Path),
            "https://s3.eu-west-1.amazonaws.com/bkt/a%20b"
        );
    }

    /// The URL a link is for is the URL the SDK's own requests go to, in every style.
    #[tokio::test]
    async fn links_and_sdk_requests_agree_on_the_url() {
        use aws_sdk_s3::presigning::PresigningConfig;
        let cases = [
            (Some("http://localhost:9000"), Addressing::Path),
            (Some("http://localhost:9000"), Addressing::Virtual),
            (Some("http://127.0.0.1:9000"), Addressing::Virtual),
            (None, Addressing::Auto),
            (None, Addressing::Path),
        ];
        for (endpoint, style) in cases {
            let mut config = aws_sdk_s3::Config::builder()
                .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
                .region(aws_sdk_s3::config::Region::new("eu-west-1"))
                .credentials_provider(Credentials::new("AK", "SK", None, None, "test"))
                .force_path_style(style == Addressing::Path);
            if let Some(endpoint) = endpoint {
                config = config.endpoint_url(endpoint);
            }
            let client = aws_sdk_s3::Client::from_conf(config.build());
            let sdk = client
                .get_object()
                .bucket("bkt")
                .key("a b")
                .presigned(PresigningConfig::expires_in(Duration::from_secs(60)).unwrap())
                .await
                .unwrap();
            let sdk_url = sdk.uri().split('?').next().unwrap().to_owned();
            let ours = object_url_in_style(endpoint, style, "eu-west-1", "bkt", "a b");
            assert_eq!(ours, sdk_url, "{endpoint:?} {style:?}");
        }
    }
}
