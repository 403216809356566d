//! The longer jobs the worker starts: many links in a row, and an upload then its link.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::tasks::Outbox;
use crate::command::{Event, UploadEnd};
use crate::ops::Uploaded;
use crate::s3::upload::{UploadProgress, UploadRequest};
use crate::s3::{S3Error, Session, ShareLink, ShareOptions};

/// What a run of links has made so far: each key with its link or why it failed.
type Made = Vec<(String, Result<ShareLink, S3Error>)>;

/// The per-link callback of a run of `total` links (more, should a listing find more): each
/// result kept in `made`, and the window told how far the run has got.
fn each_into<'a>(
    made: &'a mut Made,
    out: &'a Outbox,
    total: usize,
) -> impl FnMut(usize, &str, Result<ShareLink, S3Error>) -> Result<(), S3Error> + 'a {
    move |done, key, result| {
        made.push((key.to_owned(), result));
        out.send(Event::ManyProgress {
            done: done + 1,
            total: total.max(done + 1),
        });
        Ok(())
    }
}

/// A tried link for each key, one after another, with progress; then all results.
pub(super) async fn share_many(
    session: Session,
    bucket: String,
    keys: Vec<String>,
    options: ShareOptions,
    out: Outbox,
) {
    let total = keys.len();
    let mut made = Vec::with_capacity(total);
    let never = CancellationToken::new();
    let each = each_into(&mut made, &out, total);
    let _ = crate::ops::share_all(&session, &bucket, &keys, &options, &never, each).await;
    out.send(Event::ManyShared(made));
}

/// A tried link for each key below `prefix`, made while the folder is listed (the person
/// confirmed `expected` files), with progress; then all results, and the listing's error
/// after them if it failed part way.
pub(super) async fn share_listed(
    session: Session,
    bucket: String,
    prefix: String,
    options: ShareOptions,
    expected: usize,
    out: Outbox,
) {
    let mut made = Vec::with_capacity(expected);
    let never = CancellationToken::new();
    let each = each_into(&mut made, &out, expected);
    let shared = crate::ops::share_folder(&session, &bucket, &prefix, &options, &never, each);
    if let Err(error) = shared.await {
        made.push((prefix, Err(error)));
    }
    out.send(Event::ManyShared(made));
}

/// One upload the window asked for.
pub(super) struct UploadJob {
    pub(super) id: u64,
    pub(super) request: UploadRequest,
    pub(super) share: ShareOptions,
    /// Shared encrypted instead (not stored at the request's key).
    pub(super) encrypt: Option<crate::ops::Encryption>,
}

pub(super) async fn run_upload(
    session: Session,
    job: UploadJob,
    cancel: CancellationToken,
    slots: Arc<tokio::sync::Semaphore>,
    out: Outbox,
) {
    let UploadJob {
        id,
        request,
        share,
        encrypt,
    } = job;
    // Queued until a slot frees up (or cancelled while waiting).
    let _slot = tokio::select! {
        slot = slots.acquire_owned() => slot,
        () = cancel.cancelled() => {
            out.send(Event::UploadFinished { id, result: Ok(UploadEnd::Cancelled) });
            return;
        }
    };
    let progress_out = out.clone();
    let on_progress = move |progress| match progress {
        UploadProgress::Started { key, total, .. } => {
            progress_out.send(Event::UploadStarted { id, key, total });
        }
        UploadProgress::Bytes(bytes) => progress_out.send(Event::UploadProgress { id, bytes }),
        UploadProgress::Warning(text) => progress_out.send(Event::UploadWarning { id, text }),
    };
    if let Some(encryption) = encrypt {
        let file = crate::ops::Plaintext::File(request.path.clone());
        let wanted = crate::ops::EncryptedRequest {
            encryption,
            expiry: share.expiry,
            save_as: share.download_filename.clone(),
        };
        let shared = crate::ops::share_encrypted(
            &session,
            &request.bucket,
            &file,
            &wanted,
            &cancel,
            &on_progress,
        )
        .await;
        let result = match shared {
            Ok(shared) => Ok(UploadEnd::Encrypted(Box::new(shared))),
            Err(error) if error.kind == crate::s3::ErrorKind::Cancelled => Ok(UploadEnd::Cancelled),
            Err(error) => Err(error),
        };
        out.send(Event::UploadFinished { id, result });
        return;
    }
    let outcome =
        crate::ops::upload_and_share(&session, &request, &share, true, &cancel, &on_progress).await;
    let result = match outcome {
        Ok(Uploaded::Shared(link)) => Ok(UploadEnd::Shared(link)),
        Ok(Uploaded::StoredNotShared { key, error }) => Ok(UploadEnd::UploadedNotShared(S3Error {
            message: format!(
                "Uploaded to s3://{}/{key}, but no link could be made: {} Select it in its folder and use Copy link.",
                request.bucket, error.message
            ),
            ..error
        })),
        Ok(Uploaded::Exists { key }) => {
            out.send(Event::UploadConflict { id, key });
            return;
        }
        Ok(Uploaded::Skipped { .. }) => Ok(UploadEnd::Skipped),
        Ok(Uploaded::Cancelled) => Ok(UploadEnd::Cancelled),
        Err(error) => Err(error),
    };
    out.send(Event::UploadFinished { id, result });
}

/// A page of links; a folder with its sub-folders of more than `CONFIRM_ABOVE` files is
/// counted first and waits for the person's second click.
pub(super) async fn share_page(
    session: Session,
    bucket: String,
    files: crate::ops::PageFiles,
    options: crate::ops::PageOptions,
    confirmed: bool,
    out: Outbox,
) -> Event {
    if let (
        false,
        crate::ops::PageFiles::Folder {
            prefix,
            all_levels: true,
        },
    ) = (confirmed, &files)
    {
        match crate::ops::keys_to_share(&session, &bucket, prefix).await {
            Ok(keys) if keys.len() > crate::command::CONFIRM_ABOVE => {
                return Event::PageNeedsConfirmation { files: keys.len() };
            }
            Ok(_) => {}
            Err(error) => return Event::PageShared(Err(error)),
        }
    }
    let never = tokio_util::sync::CancellationToken::new();
    let progress = move |done, total| out.send(Event::ManyProgress { done, total });
    let page = crate::ops::share_page(&session, &bucket, files, &options, &never, &progress);
    Event::PageShared(page.await)
}
