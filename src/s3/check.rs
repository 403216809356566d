//! The self-test: a link is tried before anyone gets it, exactly as a colleague's browser
//! would fetch it: a plain HTTP GET of its first byte, no credentials, no SDK. What the
//! owner's own request cannot see (a bucket policy's Deny, a KMS key, a wrong host or
//! region, a clock that is off, a server answering HEAD from a stale cache) shows here.
//!
//! The client honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY and AWS_CA_BUNDLE, as the SDK does.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use crate::share::SignedUrl;

/// What trying the link told us.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkCheck {
    /// A plain GET without credentials was answered with the file (or its first byte).
    Opens,
    /// The server refused the link: it does not work now.
    Refused(LinkProblem),
    /// This machine could not reach the server; a colleague elsewhere may still. The
    /// text says what failed.
    NotChecked(String),
    /// Not tried (`--no-check`, or an upload link, which a test would have to write).
    #[default]
    Skipped,
    /// A link that cannot open from here by design (a CloudFront link that starts later or
    /// opens only from other addresses): a short link to the same file with the same key
    /// was tried instead and opened. The text says why the link itself was not tried.
    Probed(String),
}

impl LinkCheck {
    /// One line for the window and the CLI.
    pub fn describe(&self) -> String {
        match self {
            LinkCheck::Opens => "Checked: opens for anyone with the link.".to_owned(),
            LinkCheck::Refused(problem) => problem.sentence(),
            LinkCheck::NotChecked(why) => format!(
                "Not checked: this computer could not reach the server ({why}); a colleague elsewhere may still be able to open it."
            ),
            LinkCheck::Skipped => "Not checked.".to_owned(),
            LinkCheck::Probed(why) => format!(
                "Checked with a 60-second link to the same file and key: it opens. This link itself {why}."
            ),
        }
    }

    pub fn refused(&self) -> bool {
        matches!(self, LinkCheck::Refused(_))
    }
}

/// Why a link that was tried does not open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LinkProblem {
    /// AccessDenied to the link although the owner may read the object: a bucket policy
    /// (IP range, VPC endpoint, TLS only) or a missing permission of the signer.
    Denied { detail: String },
    /// The object is encrypted with a KMS key the signing credentials may not use.
    KmsKey { detail: String },
    /// The server computed another signature: wrong host, region or credentials.
    SignatureMismatch { host: String, region: String },
    /// Expired or not yet valid: the clock of this computer or of the server is off.
    Clock { detail: String },
    /// The object is not there (the listing or a cache was stale).
    Missing,
    /// The server failed (5xx), for example a stale cache on its side.
    ServerError { status: u16, detail: String },
    /// Any other refusal.
    Other { status: u16, detail: String },
    /// CloudFront refused a signed URL (an untrusted key, a signature or policy it rejects,
    /// a distribution that cannot read the bucket).
    CloudFront { status: u16, detail: String },
    /// A file request's page opens, but the server refused a sender's upload through its
    /// policy (tried with a one-byte probe): senders could not send anything.
    UploadsRefused { status: u16, detail: String },
}

impl LinkProblem {
    pub fn sentence(&self) -> String {
        match self {
            LinkProblem::Denied { detail } => format!(
                "The link does not open: S3 refuses it (AccessDenied: {detail}). A bucket policy (IP range, VPC endpoint, HTTPS only) or a missing permission of the signing credentials blocks links; ask the bucket owner."
            ),
            LinkProblem::KmsKey { detail } => format!(
                "The link does not open: the object is encrypted with a KMS key the signing credentials may not use ({detail}). Ask for kms:Decrypt on that key."
            ),
            LinkProblem::SignatureMismatch { host, region } => format!(
                "The link does not open: the server does not accept its signature (signed for host {host}, region {region}). Check the profile's region and endpoint_url."
            ),
            LinkProblem::Clock { detail } => format!(
                "The link does not open: the server says it is expired or not yet valid ({detail}). The clock of this computer or of the server is off; correct it and try again."
            ),
            LinkProblem::Missing => {
                "The link does not open: the object is not there any more (the listing was out of date). Refresh the folder.".to_owned()
            }
            LinkProblem::ServerError { status, detail } => format!(
                "The link does not open: the server failed (HTTP {status}{detail}). Try again in a moment."
            ),
            LinkProblem::Other { status, detail } => {
                format!("The link does not open: the server answered HTTP {status}{detail}.")
            }
            LinkProblem::CloudFront { status, detail } => format!(
                "The link does not open through CloudFront (HTTP {status}: {detail}). Check that the key id is a public key in the distribution's trusted key group and matches this private key, that the domain is this distribution's, and that its origin access control may read the bucket."
            ),
            LinkProblem::UploadsRefused { status, detail } => format!(
                "The page opens, but the server refused a test upload through it (HTTP {status}{detail}): senders could not send files. This server may not accept uploads from a browser (POST); use an upload link instead."
            ),
        }
    }
}

/// What one try brought back: the verdict, and the server's clock if it sent one.
#[derive(Debug, Clone)]
pub struct CheckOutcome {
    pub check: LinkCheck,
    pub server_date: Option<SystemTime>,
}

/// Posts a browser-style form (`fields` in order, then `body` as the file) to `action`, as
/// a sender's page does, without credentials. Blocking. Returns the status and the
/// beginning of the answer, or why the server could not be reached.
pub fn post_form(
    action: &str,
    fields: &[(String, String)],
    content_type: &str,
    body: &[u8],
    ca_bundle: Option<&crate::aws::CaBundle>,
) -> Result<(u16, String), String> {
    let boundary = format!("----s3share{}", uuid::Uuid::new_v4().simple());
    let mut form = Vec::new();
    for (name, value) in fields {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"probe\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
    );
    form.extend_from_slice(body);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut response = agent(ca_bundle)
        .post(action)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .send(&form[..])
        .map_err(|err| unreachable_reason(&err))?;
    let status = response.status().as_u16();
    let text = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Ok((status, text))
}

/// Fetches the first byte of `url` without credentials. Blocking: run it off the UI thread
/// (the worker and the CLI call it through `spawn_blocking`).
pub fn try_link(
    url: &SignedUrl,
    host: &str,
    region: &str,
    ca_bundle: Option<&crate::aws::CaBundle>,
) -> CheckOutcome {
    let response = agent(ca_bundle)
        .get(url.expose())
        .header("Range", "bytes=0-0")
        .call();
    let mut response = match response {
        Ok(response) => response,
        Err(err) => {
            return CheckOutcome {
                check: LinkCheck::NotChecked(unreachable_reason(&err)),
                server_date: None,
            };
        }
    };
    let status = response.status().as_u16();
    let server_date = response
        .headers()
        .get("date")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date);
    let check = match status {
        200 | 206 | 416 => {
            // The byte asked for (or a small file whole) is read, so that the connection
            // goes back to the pool for the next try: ten thousand tries then use a few
            // connections, not ten thousand. A server that ignored the range and sends a
            // large file gets its connection closed instead.
            let _ = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_vec();
            LinkCheck::Opens
        }
        _ => {
            let body = response
                .body_mut()
                .with_config()
                .limit(64 * 1024)
                .read_to_string()
                .unwrap_or_default();
            LinkCheck::Refused(classify(status, &body, host, region))
        }
    };
    CheckOutcome { check, server_date }
}

/// The problem named by an S3 error answer.
pub fn classify(status: u16, body: &str, host: &str, region: &str) -> LinkProblem {
    let code = xml_field(body, "Code").unwrap_or_default();
    let message = xml_field(body, "Message").unwrap_or_default();
    let detail = if message.is_empty() {
        code.clone()
    } else {
        message.clone()
    };
    let lower = format!("{code} {message}").to_ascii_lowercase();
    if lower.contains("kms") {
        return LinkProblem::KmsKey { detail };
    }
    if lower.contains("expired")
        || lower.contains("not yet valid")
        || lower.contains("skewed")
        || code == "RequestTimeTooSkewed"
    {
        return LinkProblem::Clock { detail };
    }
    match (status, code.as_str()) {
        (_, "SignatureDoesNotMatch" | "AuthorizationQueryParametersError") => {
            LinkProblem::SignatureMismatch {
                host: host.to_owned(),
                region: region.to_owned(),
            }
        }
        (_, "NoSuchKey") | (404, _) => LinkProblem::Missing,
        (403, _) => LinkProblem::Denied { detail },
        (500..=599, _) => LinkProblem::ServerError {
            status,
            detail: suffix(&detail),
        },
        _ => LinkProblem::Other {
            status,
            detail: suffix(&detail),
        },
    }
}

/// ", <Code>: <Message>" of an S3 XML error body (empty when there is none).
pub fn error_detail(body: &str) -> String {
    let code = xml_field(body, "Code").unwrap_or_default();
    let message = xml_field(body, "Message").unwrap_or_default();
    let detail = match (code.is_empty(), message.is_empty()) {
        (true, true) => String::new(),
        (false, true) => code,
        (true, false) => message,
        (false, false) => format!("{code}: {message}"),
    };
    suffix(&detail.chars().take(300).collect::<String>())
}

fn suffix(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(", {detail}")
    }
}

/// The text of the first `<name>…</name>` in an S3 (or CloudFront) XML answer, with XML's
/// five entities read back (`&apos;` is a quote in the message shown, not five characters).
pub(super) fn xml_field(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("<{name}>"))? + name.len() + 2;
    let end = start + body[start..].find(&format!("</{name}>"))?;
    let text = body[start..end].trim();
    if !text.contains('&') {
        return Some(text.to_owned());
    }
    // `&amp;` last, so "&amp;lt;" stays "&lt;".
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

fn unreachable_reason(err: &ureq::Error) -> String {
    match err {
        ureq::Error::Timeout(_) => "no answer in time".to_owned(),
        ureq::Error::HostNotFound => "host not found".to_owned(),
        ureq::Error::ConnectionFailed => "connection refused".to_owned(),
        ureq::Error::Io(io) => without_query(&io.to_string()),
        other => without_query(&other.to_string()),
    }
}

/// An error text cut before any query string, so no signature reaches a message or a log.
fn without_query(text: &str) -> String {
    match text.split_once('?') {
        Some((before, _)) => format!("{before}?…"),
        None => text.to_owned(),
    }
}

/// "Mon, 23 Nov 2026 07:06:13 GMT"
pub fn parse_http_date(text: &str) -> Option<SystemTime> {
    chrono::DateTime::parse_from_rfc2822(text)
        .ok()
        .map(SystemTime::from)
}

/// One client per CA bundle (the session's ca_bundle / AWS_CA_BUNDLE, or the usual roots),
/// made once: its TLS roots and proxy settings are read then.
pub(super) fn agent(ca_bundle: Option<&crate::aws::CaBundle>) -> ureq::Agent {
    static AGENTS: OnceLock<
        std::sync::Mutex<std::collections::HashMap<Option<std::path::PathBuf>, ureq::Agent>>,
    > = OnceLock::new();
    let agents = AGENTS.get_or_init(Default::default);
    let mut agents = agents.lock().unwrap_or_else(|e| e.into_inner());
    agents
        .entry(ca_bundle.map(|b| b.path().to_path_buf()))
        .or_insert_with(|| {
            let mut tls = ureq::tls::TlsConfig::builder();
            if let Some(roots) = ca_bundle
                .map(crate::aws::CaBundle::certificates)
                .filter(|c| !c.is_empty())
            {
                tls = tls.root_certs(ureq::tls::RootCerts::Specific(Arc::new(roots)));
            }
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                // Many links are tried several at a time (ops::MANY_AT_ONCE): each keeps its
                // connection for the next.
                .max_idle_connections_per_host(32)
                .max_idle_connections(64)
                .timeout_connect(Some(Duration::from_secs(5)))
                .timeout_global(Some(Duration::from_secs(20)))
                .tls_config(tls.build())
                .build()
                .into()
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_entities_in_an_answer_are_read_back() {
        let body = "<Error><Code>NotImplemented</Code><Message>unknown service &apos;cloudfront&apos; &amp;lt;x&gt;</Message></Error>";
        assert_eq!(
            xml_field(body, "Message").as_deref(),
            Some("unknown service 'cloudfront' &lt;x>")
        );
        assert_eq!(xml_field(body, "Code").as_deref(), Some("NotImplemented"));
    }

    fn error(code: &str, message: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
        )
    }

    #[test]
    fn each_refusal_is_named_by_its_cause() {
        let c = |status, body: &str| classify(status, body, "h.example", "eu-west-1");
        assert!(matches!(
            c(403, &error("AccessDenied", "Access Denied")),
            LinkProblem::Denied { .. }
        ));
        assert!(matches!(
            c(
                403,
                &error(
                    "AccessDenied",
                    "User is not authorized to perform: kms:Decrypt"
                )
            ),
            LinkProblem::KmsKey { .. }
        ));
        assert!(matches!(
            c(400, &error("KMS.DisabledException", "key disabled")),
            LinkProblem::KmsKey { .. }
        ));
        assert!(matches!(
            c(403, &error("AccessDenied", "Request has expired")),
            LinkProblem::Clock { .. }
        ));
        assert!(matches!(
            c(403, &error("AccessDenied", "Request is not yet valid")),
            LinkProblem::Clock { .. }
        ));
        assert_eq!(
            c(403, &error("SignatureDoesNotMatch", "x")),
            LinkProblem::SignatureMismatch {
                host: "h.example".into(),
                region: "eu-west-1".into()
            }
        );
        assert_eq!(c(404, &error("NoSuchKey", "gone")), LinkProblem::Missing);
        assert!(matches!(
            c(500, ""),
            LinkProblem::ServerError { status: 500, .. }
        ));
        assert!(
            c(403, &error("SignatureDoesNotMatch", "x"))
                .sentence()
                .contains("eu-west-1")
        );
    }

    #[test]
    fn http_dates_are_read() {
        let t = parse_http_date("Mon, 23 Nov 2026 07:06:13 GMT").unwrap();
        let secs = t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
        assert_eq!(secs, 1_795_417_573);
    }
}
