//! The one table that words every kind of failure: what went wrong while doing what, and
//! what to do next, for the window and the command line alike.

use super::{Doing, ErrorKind};

/// The proxy the environment names (without any user:password), if any.
fn proxy_in_use() -> Option<String> {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .find_map(|var| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
    .map(|proxy| match proxy.rsplit_once('@') {
        Some((_, host)) => host.to_owned(),
        None => proxy,
    })
}

fn target(doing: &Doing<'_>) -> String {
    match (doing.bucket, doing.key) {
        (Some(bucket), Some(key)) => format!("s3://{bucket}/{key}"),
        (Some(bucket), None) => format!("bucket {bucket}"),
        _ => "S3".to_owned(),
    }
}

pub(super) fn message_for(kind: ErrorKind, doing: &Doing<'_>) -> String {
    let what = if doing.what.is_empty() {
        "reaching S3"
    } else {
        doing.what
    };
    let profile = if doing.profile.is_empty() {
        "default"
    } else {
        doing.profile
    };
    let target = target(doing);
    match kind {
        ErrorKind::NoCredentials => format!(
            "No AWS credentials were found for profile {profile} while {what}. Run `aws configure` (keys) or `aws configure sso`, or pick another profile."
        ),
        ErrorKind::ExpiredSession if doing.sso => format!(
            "The SSO session of profile {profile} has expired. Run `aws sso login --profile {profile}`, then try again."
        ),
        ErrorKind::ExpiredSession => format!(
            "The temporary credentials of profile {profile} have expired while {what}. Renew them (for example `aws sso login --profile {profile}` or a new role session), then try again."
        ),
        ErrorKind::CredentialsRejected => format!(
            "The server does not accept the keys of profile {profile} while {what}. Check the access key and secret with `aws configure --profile {profile}`."
        ),
        ErrorKind::AccessDenied => format!(
            "Access denied while {what} ({target}). Profile {profile} is not allowed to do this: ask the bucket owner for permission or pick another profile."
        ),
        ErrorKind::NoSuchBucket => format!(
            "There is no bucket named {} while {what}. Check the name and the profile's account or endpoint.",
            doing.bucket.unwrap_or("(none)")
        ),
        ErrorKind::NoSuchKey => format!(
            "There is no object at {target}. Check the key (names are case-sensitive) or refresh the listing."
        ),
        ErrorKind::WrongRegion => format!(
            "{target} is in another region than the one used while {what}. Refresh to look up the bucket's region, or set the region of profile {profile}."
        ),
        ErrorKind::Redirected => format!(
            "The server answered that {target} is served at another address (301 PermanentRedirect) while {what}. Check the profile's endpoint_url and addressing_style, or ask the server's owner for the right address."
        ),
        ErrorKind::Network => match proxy_in_use() {
            Some(proxy) => format!(
                "Could not reach the S3 server through the proxy {proxy} while {what}. Check that the proxy runs (or unset HTTPS_PROXY/HTTP_PROXY), then try again."
            ),
            None => format!(
                "Could not reach the S3 server while {what}. Check the network connection (and the profile's endpoint_url), then try again."
            ),
        },
        ErrorKind::NoAnswer => format!(
            "The S3 server did not answer within {} s while {what}. It may be overloaded or the endpoint wrong: check the profile's endpoint_url and try again (S3SHARE_TIMEOUT_SECS gives slow links more time).",
            crate::limits::answer_timeout().as_secs()
        ),
        ErrorKind::BadInput => format!(
            "The server refused the request for {target} as not valid while {what}. Check the bucket name (3 to 63 lower-case letters, digits, dots and hyphens on AWS) and the key (some servers refuse // or .. in keys)."
        ),
        ErrorKind::Oversized => format!(
            "The S3 server's answer while {what} was larger than {} MB, more than any S3 answer holds, so it was given up. Check the profile's endpoint_url (is it an S3 server?).",
            crate::limits::MAX_ANSWER_BYTES / (1024 * 1024)
        ),
        ErrorKind::LocalFile => format!(
            "A local file could not be read while {what}: check that it exists and that you may read it."
        ),
        ErrorKind::AlreadyExists => format!(
            "{target} already exists and was left as it is. Choose another name, or replace it explicitly."
        ),
        ErrorKind::Cancelled => format!("Cancelled while {what}; nothing was stored."),
        ErrorKind::Output => format!(
            "The result could not be written out while {what}: check the disk space, or where the output goes."
        ),
        ErrorKind::Certificate => format!(
            "The certificate of {} is not trusted while {what}. If the server uses a company CA, set ca_bundle in profile {profile} (or AWS_CA_BUNDLE) to its PEM file.",
            doing.host.unwrap_or("the S3 server")
        ),
        ErrorKind::LinkRefused => format!(
            "The link to {target} was tried and refused by the server. See the reason, then try again."
        ),
        ErrorKind::Server => format!(
            "The S3 server answered with an error while {what} ({target}). Try again in a moment; if it persists, run with RUST_LOG=s3share=debug to see the server's answer."
        ),
    }
}
