//! Upload a file, then share it: every input checked before the first byte is written, the
//! upload (single PUT or multipart, cancellable), then a link to what was stored.

use tokio_util::sync::CancellationToken;

use crate::s3::upload::{UploadOutcome, UploadProgress, UploadRequest, upload_file};
use crate::s3::{S3Error, Session, ShareLink, ShareOptions};

/// How an upload-and-share ended.
#[derive(Debug, Clone)]
pub enum Uploaded {
    /// Stored and linked (the link's own check says whether it opens).
    Shared(Box<ShareLink>),
    /// Stored under `key`, but no link could be made: the file is there all the same.
    StoredNotShared {
        key: String,
        error: S3Error,
    },
    /// The key is taken and the request said to ask: nothing was written.
    Exists {
        key: String,
    },
    /// The key is taken and the request said to skip.
    Skipped {
        key: String,
    },
    Cancelled,
}

/// Uploads `request`, then makes its link with `share` (`check`: tried without
/// credentials, as a colleague would open it).
pub async fn upload_and_share(
    session: &Session,
    request: &UploadRequest,
    share: &ShareOptions,
    check: bool,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<Uploaded, S3Error> {
    let key = match upload_file(session, request, cancel, on_progress).await? {
        UploadOutcome::Uploaded { key, .. } => key,
        UploadOutcome::Exists { key } => return Ok(Uploaded::Exists { key }),
        UploadOutcome::Skipped { key } => return Ok(Uploaded::Skipped { key }),
        UploadOutcome::Cancelled => return Ok(Uploaded::Cancelled),
    };
    // Just stored (CompleteMultipartUpload or PutObject said so): no HEAD before signing (a
    // round trip saved); the try still opens the link as a colleague would, so a server still
    // finishing the object is waited for (rclone serve s3: about 1.6 s for a fresh 1 GiB
    // object, compare_upload.py --phases).
    let link = super::revocable::share_stored(
        session,
        (&request.bucket, &key),
        share,
        check,
        cancel,
        None,
    );
    // The file is stored from here on: stopping now stops the link, not the upload.
    let linked = tokio::select! {
        linked = link => linked,
        () = cancel.cancelled() => Err(S3Error::plain(
            crate::s3::ErrorKind::Cancelled,
            "Cancelled before the link was made.",
        )),
    };
    tracing::debug!("upload phase: link made");
    Ok(match linked {
        Ok(link) => Uploaded::Shared(Box::new(link)),
        Err(error) => Uploaded::StoredNotShared { key, error },
    })
}
