//! One small set of error kinds, each with a plain sentence that says what went wrong
//! while doing what, and what to do next. SDK details stay in `detail` for logs.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;

mod words;

use words::message_for;

/// What kind of failure, so callers can react (Retry, sign in again, pick another region).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// No profile, keys, SSO session or role could be found.
    NoCredentials,
    /// The SSO session or temporary credentials have ended.
    ExpiredSession,
    /// The server refused the keys themselves (unknown key id, wrong secret).
    CredentialsRejected,
    /// The keys are valid but not allowed to do this.
    AccessDenied,
    NoSuchBucket,
    NoSuchKey,
    /// The request was signed for another region than the bucket's.
    WrongRegion,
    /// The server sent the request to another host (301 without a region): the endpoint or
    /// the addressing style does not fit this server.
    Redirected,
    /// The server could not be reached or the connection broke.
    Network,
    /// The server took the connection but did not answer in time (one attempt, no retry:
    /// the bound a person is told is the bound they get).
    NoAnswer,
    /// The server's answer was larger than any S3 answer can be (a fault or a wrong
    /// endpoint): given up at a bound instead of filling memory.
    Oversized,
    /// What the user typed cannot work (expiry, filename, key).
    BadInput,
    /// A local file cannot be read (missing, no permission, a folder, changed meanwhile).
    LocalFile,
    /// The object exists and was left as it is (nothing is overwritten without asking).
    AlreadyExists,
    /// The user stopped it; nothing was stored.
    Cancelled,
    /// The result could not be written out (stdout closed, disk full).
    Output,
    /// The server answered with an error that fits none of the above.
    Server,
    /// The link was tried without credentials and the server refused it.
    LinkRefused,
    /// The server's TLS certificate is not trusted (a company CA without ca_bundle).
    Certificate,
}

impl ErrorKind {
    /// Every kind, once (the tests walk them; `index` keeps this list whole: a new kind
    /// does not compile until it has its place).
    pub const ALL: [ErrorKind; 19] = [
        ErrorKind::NoCredentials,
        ErrorKind::ExpiredSession,
        ErrorKind::CredentialsRejected,
        ErrorKind::AccessDenied,
        ErrorKind::NoSuchBucket,
        ErrorKind::NoSuchKey,
        ErrorKind::WrongRegion,
        ErrorKind::Redirected,
        ErrorKind::Network,
        ErrorKind::NoAnswer,
        ErrorKind::Oversized,
        ErrorKind::BadInput,
        ErrorKind::LocalFile,
        ErrorKind::AlreadyExists,
        ErrorKind::Cancelled,
        ErrorKind::Output,
        ErrorKind::Server,
        ErrorKind::LinkRefused,
        ErrorKind::Certificate,
    ];

    /// The kind's place in `ALL`.
    pub const fn index(self) -> usize {
        match self {
            ErrorKind::NoCredentials => 0,
            ErrorKind::ExpiredSession => 1,
            ErrorKind::CredentialsRejected => 2,
            ErrorKind::AccessDenied => 3,
            ErrorKind::NoSuchBucket => 4,
            ErrorKind::NoSuchKey => 5,
            ErrorKind::WrongRegion => 6,
            ErrorKind::Redirected => 7,
            ErrorKind::Network => 8,
            ErrorKind::NoAnswer => 9,
            ErrorKind::Oversized => 10,
            ErrorKind::BadInput => 11,
            ErrorKind::LocalFile => 12,
            ErrorKind::AlreadyExists => 13,
            ErrorKind::Cancelled => 14,
            ErrorKind::Output => 15,
            ErrorKind::Server => 16,
            ErrorKind::LinkRefused => 17,
            ErrorKind::Certificate => 18,
        }
    }

    /// Retrying the same request can help.
    pub fn is_retryable(self) -> bool {
        match self {
            ErrorKind::Network
            | ErrorKind::NoAnswer
            | ErrorKind::Server
            | ErrorKind::ExpiredSession => true,
            ErrorKind::NoCredentials
            | ErrorKind::CredentialsRejected
            | ErrorKind::AccessDenied
            | ErrorKind::NoSuchBucket
            | ErrorKind::NoSuchKey
            | ErrorKind::WrongRegion
            | ErrorKind::Redirected
            | ErrorKind::BadInput
            | ErrorKind::LocalFile
            | ErrorKind::AlreadyExists
            | ErrorKind::Cancelled
            | ErrorKind::LinkRefused
            | ErrorKind::Certificate
            | ErrorKind::Oversized
            | ErrorKind::Output => false,
        }
    }
}

/// An error with a message meant for the person using the app.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct S3Error {
    pub kind: ErrorKind,
    /// One or two plain sentences: what failed and what to do.
    pub message: String,
    /// Technical detail (error code, status) for logs and a "details" fold-out.
    pub detail: String,
}

/// What the user was doing, so a message can name it.
#[derive(Debug, Clone, Default)]
pub struct Doing<'a> {
    pub profile: &'a str,
    pub sso: bool,
    pub bucket: Option<&'a str>,
    pub key: Option<&'a str>,
    pub what: &'a str,
    /// The server's host, when it is not AWS (certificate problems name it).
    pub host: Option<&'a str>,
}

impl S3Error {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::plain(ErrorKind::BadInput, message)
    }

    /// An error whose whole message is given (local files, cancellations, output).
    pub fn plain(kind: ErrorKind, message: impl Into<String>) -> Self {
        S3Error {
            kind,
            message: message.into(),
            detail: String::new(),
        }
    }

    pub fn new(kind: ErrorKind, doing: &Doing<'_>, detail: impl Into<String>) -> Self {
        S3Error {
            kind,
            message: message_for(kind, doing),
            detail: detail.into(),
        }
    }

    /// Retrying the same request can help (the window shows Retry for these).
    pub fn is_retryable(&self) -> bool {
        self.kind.is_retryable()
    }

    /// Classifies an SDK error from an operation.
    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>, doing: &Doing<'_>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let (kind, detail) = classify(err, doing);
        S3Error::new(kind, doing, detail)
    }
}

fn classify<E>(err: &SdkError<E, HttpResponse>, doing: &Doing<'_>) -> (ErrorKind, String)
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    if let Some(bound) = crate::limits::answer_bound(err) {
        let kind = match bound {
            crate::limits::AnswerBound::TooSlow(_) => ErrorKind::NoAnswer,
            crate::limits::AnswerBound::TooLarge(_) => ErrorKind::Oversized,
        };
        return (kind, chain(err));
    }
    match err {
        SdkError::ConstructionFailure(_) => (ErrorKind::BadInput, chain(err)),
        SdkError::TimeoutError(_) => (ErrorKind::NoAnswer, chain(err)),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            (ErrorKind::NoAnswer, chain(err))
        }
        SdkError::DispatchFailure(_) => {
            let text = chain(err);
            let lower = text.to_ascii_lowercase();
            if lower.contains("certificate") || lower.contains("unknownissuer") {
                return (ErrorKind::Certificate, text);
            }
            (credential_kind(&text).unwrap_or(ErrorKind::Network), text)
        }
        SdkError::ResponseError(ctx) => {
            let status = ctx.raw().status().as_u16();
            (kind_from_status(status, None, doing), chain(err))
        }
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status().as_u16();
            let code = ctx.err().code();
            let detail = match code {
                Some(code) => format!(
                    "HTTP {status}, {code}{}",
                    ctx.err()
                        .message()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
                None => format!("HTTP {status}: {}", chain(err)),
            };
            // A 400 without a body (HEAD) is a region problem only when the server names
            // the bucket's region; otherwise the server refused the request itself (a key
            // such as "a//b" or "..").
            let names_region = ctx.raw().headers().get("x-amz-bucket-region").is_some();
            // A redirect that names no region points at another host altogether (an
            // endpoint or addressing style that does not fit), not at another region.
            if code == Some("PermanentRedirect") && !names_region {
                return (ErrorKind::Redirected, detail);
            }
            if status == 400 && code.is_none() && !names_region {
                return (ErrorKind::BadInput, detail);
            }
            (kind_from_status(status, code, doing), detail)
        }
        _ => {
            let text = chain(err);
            (credential_kind(&text).unwrap_or(ErrorKind::Server), text)
        }
    }
}

/// Maps an S3 error code and HTTP status onto a kind.
pub fn kind_from_status(status: u16, code: Option<&str>, doing: &Doing<'_>) -> ErrorKind {
    match code {
        Some("NoSuchBucket") => return ErrorKind::NoSuchBucket,
        Some("NoSuchKey") => return ErrorKind::NoSuchKey,
        Some("ExpiredToken" | "TokenRefreshRequired" | "RequestExpired") => {
            return ErrorKind::ExpiredSession;
        }
        Some("InvalidAccessKeyId" | "SignatureDoesNotMatch" | "InvalidToken") => {
            return ErrorKind::CredentialsRejected;
        }
        Some("AccessDenied" | "AllAccessDisabled" | "AccountProblem") => {
            return ErrorKind::AccessDenied;
        }
        Some(
            "PermanentRedirect"
            | "AuthorizationHeaderMalformed"
            | "AuthorizationQueryParametersError"
            | "IllegalLocationConstraintException",
        ) => return ErrorKind::WrongRegion,
        _ => {}
    }
    match status {
        301 | 307 => ErrorKind::WrongRegion,
        400 if code.is_none() => ErrorKind::WrongRegion,
        401 | 403 => ErrorKind::AccessDenied,
        404 if doing.key.is_some() => ErrorKind::NoSuchKey,
        404 => ErrorKind::NoSuchBucket,
        400..=499 => ErrorKind::BadInput,
        _ => ErrorKind::Server,
    }
}

/// Credential failures arrive as text deep in an error chain; recognise the two that matter.
pub fn credential_kind(text: &str) -> Option<ErrorKind> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("no credentials")
        || lower.contains("credentialsnotloaded")
        || lower.contains("the credential provider was not enabled")
        || lower.contains("could not find profile")
        || lower.contains("no providers in chain provided credentials")
    {
        return Some(ErrorKind::NoCredentials);
    }
    if (lower.contains("sso") || lower.contains("token"))
        && (lower.contains("expired") || lower.contains("refresh"))
    {
        return Some(ErrorKind::ExpiredSession);
    }
    None
}

/// The whole `source()` chain on one line: the SDK's top-level Display says little.
pub fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doing<'a>(key: Option<&'a str>) -> Doing<'a> {
        Doing {
            profile: "work",
            sso: true,
            bucket: Some("reports"),
            key,
            what: "sharing a link",
            host: None,
        }
    }

    #[test]
    fn codes_and_statuses_map_onto_kinds() {
        let obj = doing(Some("a.txt"));
        let bucket = doing(None);
        assert_eq!(kind_from_status(404, None, &obj), ErrorKind::NoSuchKey);
        assert_eq!(
            kind_from_status(404, None, &bucket),
            ErrorKind::NoSuchBucket
        );
        assert_eq!(
            kind_from_status(404, Some("NoSuchBucket"), &obj),
            ErrorKind::NoSuchBucket
        );
        assert_eq!(kind_from_status(403, None, &obj), ErrorKind::AccessDenied);
        assert_eq!(kind_from_status(301, None, &obj), ErrorKind::WrongRegion);
        assert_eq!(
            kind_from_status(400, Some("ExpiredToken"), &obj),
            ErrorKind::ExpiredSession
        );
        assert_eq!(
            kind_from_status(403, Some("SignatureDoesNotMatch"), &obj),
            ErrorKind::CredentialsRejected
        );
        assert_eq!(
            kind_from_status(503, Some("SlowDown"), &obj),
            ErrorKind::Server
        );
    }

    #[test]
    fn expired_sso_message_names_the_login_command() {
        let err = S3Error::new(ErrorKind::ExpiredSession, &doing(None), "");
        assert!(err.message.contains("aws sso login --profile work"));
        assert!(err.is_retryable());
    }

    #[test]
    fn every_kind_is_listed_once() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind:?}");
        }
    }

    #[test]
    fn every_message_names_a_next_step() {
        // Cancelled is what the person asked for: nothing to do next.
        for kind in ErrorKind::ALL
            .into_iter()
            .filter(|k| *k != ErrorKind::Cancelled)
        {
            let msg = S3Error::new(kind, &doing(Some("k")), "").message;
            let lower = msg.to_lowercase();
            assert!(
                [
                    "run",
                    "check",
                    "ask",
                    "try again",
                    "refresh",
                    "renew",
                    "pick",
                    "choose",
                    "set "
                ]
                .iter()
                .any(|verb| lower.contains(verb)),
                "{kind:?}: {msg}"
            );
        }
    }

    #[test]
    fn credential_failures_are_recognised_in_text() {
        assert_eq!(
            credential_kind("dispatch failure: no credentials in the property bag"),
            Some(ErrorKind::NoCredentials)
        );
        assert_eq!(
            credential_kind("the SSO token has expired and must be refreshed"),
            Some(ErrorKind::ExpiredSession)
        );
        assert_eq!(credential_kind("connection refused"), None);
    }
}
