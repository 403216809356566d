//! `s3share upload`'s progress bar around the upload-and-share use case.

use std::io::IsTerminal;

use tokio_util::sync::CancellationToken;

use super::signals::cancelled;
use crate::ops::Uploaded;
use crate::s3::upload::{UploadProgress, UploadRequest};
use crate::s3::{ErrorKind, S3Error, Session, ShareLink, ShareOptions};

/// Uploads and shares with a progress bar on stderr when it is a terminal; `cancel`
/// (Ctrl+C, SIGTERM, SIGHUP) aborts it cleanly. The key stored, and its link or why none.
pub(super) async fn upload_with_progress(
    session: &Session,
    request: &UploadRequest,
    share: &ShareOptions,
    check: bool,
    cancel: &CancellationToken,
) -> Result<(String, Result<ShareLink, S3Error>), S3Error> {
    let (bar, on_progress) = progress_bar();
    let outcome =
        crate::ops::upload_and_share(session, request, share, check, cancel, &on_progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match outcome? {
        Uploaded::Shared(link) => Ok((link.key.clone(), Ok(*link))),
        Uploaded::StoredNotShared { key, error } => Ok((key, Err(error))),
        Uploaded::Exists { key } | Uploaded::Skipped { key } => Err(S3Error::plain(
            ErrorKind::AlreadyExists,
            format!(
                "s3://{}/{key} already exists and was left as it is: pass --replace to overwrite it, or upload under another key.",
                request.bucket
            ),
        )),
        Uploaded::Cancelled => Err(cancelled()),
    }
}

/// A bytes bar on stderr when it is a terminal.
pub(super) fn byte_bar() -> Option<indicatif::ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {bytes}/{total_bytes} {percent}% {bytes_per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    })
}

/// The bar and the upload progress callback that moves it (warnings are said either way).
pub(super) fn progress_bar() -> (
    Option<indicatif::ProgressBar>,
    impl Fn(UploadProgress) + Send + Sync,
) {
    let bar = byte_bar();
    let progress_bar = bar.clone();
    let on_progress = move |progress| {
        if let Some(bar) = &progress_bar {
            match progress {
                UploadProgress::Started { total, .. } => bar.set_length(total),
                UploadProgress::Bytes(done) => bar.set_position(done),
                UploadProgress::Warning(text) => bar.suspend(|| say!("warning: {text}")),
            }
        } else if let UploadProgress::Warning(text) = progress {
            say!("warning: {text}");
        }
    };
    (bar, on_progress)
}
