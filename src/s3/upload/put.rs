//! One attempt at storing a file under one key: a single PUT, or a multipart upload whose
//! parts are read from disk as they are sent and which is aborted on every failure path.

use std::time::Duration;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::primitives::{ByteStream, Length};
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
use tokio_util::sync::CancellationToken;

use super::{
    FileStamp, S3_MIN_PART_SIZE, UploadOutcome, UploadProgress, UploadRequest, exists,
    part_size_for,
};
use crate::error::{ErrorKind, S3Error};
use crate::s3::session::Session;

pub(super) enum Attempt {
    /// The server refused because the key exists (412 on If-None-Match).
    Taken,
    Failed(S3Error),
}

impl From<S3Error> for Attempt {
    fn from(err: S3Error) -> Self {
        Attempt::Failed(err)
    }
}

pub(super) fn is_precondition_failed<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> bool {
    match err {
        SdkError::ServiceError(ctx) => {
            ctx.raw().status().as_u16() == 412 || ctx.err().code() == Some("PreconditionFailed")
        }
        _ => false,
    }
}

/// One attempt at storing the file under one key.
#[derive(Clone, Copy)]
pub(super) struct Put<'a> {
    pub(super) session: &'a Session,
    pub(super) client: &'a aws_sdk_s3::Client,
    pub(super) request: &'a UploadRequest,
    pub(super) key: &'a str,
    /// The file as it was when the upload began; checked again before anything is kept.
    pub(super) stamp: FileStamp,
    pub(super) len: u64,
    pub(super) content_type: &'a str,
    /// Refuse (412) if the key exists by then: If-None-Match: *.
    pub(super) conditional: bool,
    pub(super) cancel: &'a CancellationToken,
    pub(super) on_progress: &'a (dyn Fn(UploadProgress) + Send + Sync),
}

impl Put<'_> {
    /// What the user was doing, for error messages.
    fn doing(&self, what: &'static str) -> crate::error::Doing<'_> {
        self.session
            .doing(what, Some(&self.request.bucket), Some(self.key))
    }

    fn report_start(&self, upload_id: Option<String>) {
        (self.on_progress)(UploadProgress::Started {
            key: self.key.to_owned(),
            total: self.len,
            upload_id,
        });
    }

    pub(super) async fn single(&self) -> Result<UploadOutcome, Attempt> {
        let Put {
            client,
            request,
            key,
            len,
            content_type,
            conditional,
            cancel,
            on_progress,
            ..
        } = *self;
        self.report_start(None);
        let body = match &request.encrypt {
            // At most one part's worth: encrypted in memory.
            Some(sealer) => part_body(&request.path, Some(sealer), 0, len).await,
            None => ByteStream::from_path(&request.path)
                .await
                .map_err(|e| e.to_string()),
        }
        .map_err(|e| {
            S3Error::plain(
                ErrorKind::LocalFile,
                format!("Cannot read {}: {e}", request.path.display()),
            )
        })?;
        let mut put = client
            .put_object()
            .bucket(&request.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(len as i64)
            .body(body);
        if conditional {
            put = put.if_none_match("*");
        }
        // A conditional PUT is sent once: after a retry, the server's 412 could be about the
        // first attempt's own object (a name the server failed on would read as "taken").
        let once = if conditional {
            sent_once()
        } else {
            aws_sdk_s3::config::Builder::default()
        };
        let put = put.customize().config_override(once);
        // Dropping the request on cancel closes the connection: S3 stores no partial object.
        let result = tokio::select! {
            result = put.send() => result,
            () = cancel.cancelled() => return Ok(UploadOutcome::Cancelled),
        };
        match result {
            Ok(_) => {
                // A single PUT cannot be held back before it lands: if the file changed
                // meanwhile, what was stored is not the file, so it is removed again.
                if let Err(changed) = self.stamp.check_unchanged(&request.path).await {
                    self.remove_stored().await;
                    return Err(changed.into());
                }
                on_progress(UploadProgress::Bytes(len));
                Ok(UploadOutcome::Uploaded {
                    key: key.to_owned(),
                    size: len,
                })
            }
            Err(err) if is_precondition_failed(&err) => Err(Attempt::Taken),
            Err(err) => {
                // A file that shrank or vanished breaks the request body: say so, not
                // "could not reach the server".
                self.stamp.check_unchanged(&request.path).await?;
                Err(Attempt::Failed(S3Error::from_sdk(
                    &err,
                    &self.doing("uploading"),
                )))
            }
        }
    }

    /// Deletes the object this attempt stored (the file changed while it was sent).
    async fn remove_stored(&self) {
        let deleted = self
            .client
            .delete_object()
            .bucket(&self.request.bucket)
            .key(self.key)
            .send()
            .await;
        if let Err(err) = deleted {
            tracing::warn!(bucket = self.request.bucket, key = self.key, error = %crate::error::chain(&err), "could not remove an object that differs from its file");
        }
    }

    pub(super) async fn multipart(&self) -> Result<UploadOutcome, Attempt> {
        let Put {
            client,
            request,
            key,
            content_type,
            ..
        } = *self;
        let created = client
            .create_multipart_upload()
            .bucket(&request.bucket)
            .key(key)
            .content_type(content_type)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing("uploading")))?;
        let Some(upload_id) = created.upload_id().map(str::to_owned) else {
            return Err(S3Error::new(
                ErrorKind::Server,
                &self.doing("uploading"),
                "CreateMultipartUpload returned no upload id",
            )
            .into());
        };
        self.report_start(Some(upload_id.clone()));
        let result = self.parts_and_complete(&upload_id).await;
        let keep = matches!(result, Ok(UploadOutcome::Uploaded { .. }));
        if !keep {
            abort(client, &request.bucket, key, &upload_id).await;
        }
        result
    }

    async fn parts_and_complete(&self, upload_id: &str) -> Result<UploadOutcome, Attempt> {
        let Put {
            client,
            request,
            key,
            len,
            conditional,
            cancel,
            on_progress,
            ..
        } = *self;
        let part_size = part_size_for(len, request.part_size.max(S3_MIN_PART_SIZE));
        let parts = len.div_ceil(part_size);
        let mut done = 0u64;
        let mut in_flight = tokio::task::JoinSet::new();
        let mut completed: Vec<CompletedPart> = Vec::with_capacity(parts as usize);
        let mut next_part = 0u64;
        let concurrency = request.concurrency.max(1);
        // Phases, for where an upload's time goes (RUST_LOG=s3share=debug; compare_upload.py).
        tracing::debug!(parts, part_size, concurrency, "upload phase: parts start");
        loop {
            while in_flight.len() < concurrency && next_part < parts {
                let offset = next_part * part_size;
                let length = part_size.min(len - offset);
                let number = (next_part + 1) as i32;
                let client = client.clone();
                let path = request.path.clone();
                let sealer = request.encrypt.clone();
                let (bucket, key, upload_id) =
                    (request.bucket.clone(), key.to_owned(), upload_id.to_owned());
                in_flight.spawn(async move {
                    // Read from disk as the part is sent: memory stays bounded whatever the size.
                    let body = part_body(&path, sealer.as_ref(), offset, length)
                        .await
                        .map_err(PartError::Read)?;
                    let out = client
                        .upload_part()
                        .bucket(bucket)
                        .key(key)
                        .upload_id(upload_id)
                        .part_number(number)
                        .content_length(length as i64)
                        .body(body)
                        .send()
                        .await
                        .map_err(|e| PartError::Sdk(Box::new(e)))?;
                    let part = CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(out.e_tag().map(str::to_owned))
                        .build();
                    Ok::<_, PartError>((part, length))
                });
                next_part += 1;
            }
            if in_flight.is_empty() {
                break;
            }
            // Every early return below drops `in_flight`, which aborts the parts still running.
            let joined = tokio::select! {
                joined = in_flight.join_next() => joined,
                () = cancel.cancelled() => return Ok(UploadOutcome::Cancelled),
            };
            match joined {
                Some(Ok(Ok((part, length)))) => {
                    completed.push(part);
                    done += length;
                    on_progress(UploadProgress::Bytes(done));
                }
                Some(Ok(Err(PartError::Sdk(err)))) => {
                    self.stamp.check_unchanged(&request.path).await?;
                    return Err(S3Error::from_sdk(&err, &self.doing("uploading a part")).into());
                }
                Some(Ok(Err(PartError::Read(message)))) => {
                    self.stamp.check_unchanged(&request.path).await?;
                    return Err(S3Error::plain(
                        ErrorKind::LocalFile,
                        format!(
                            "Reading {} failed during the upload: {message}. Nothing was stored.",
                            request.path.display()
                        ),
                    )
                    .into());
                }
                Some(Err(join_error)) => {
                    return Err(S3Error::new(
                        ErrorKind::Server,
                        &self.doing("uploading"),
                        join_error.to_string(),
                    )
                    .into());
                }
                None => break,
            }
        }
        tracing::debug!("upload phase: parts sent");
        // Nothing is kept unless it is the file as it was when the upload began.
        self.stamp.check_unchanged(&request.path).await?;
        // Some servers ignore If-None-Match (rclone serve s3): look once more right before
        // completing, so a key taken meanwhile is reported instead of replaced.
        if conditional
            && exists(self.session, client, &request.bucket, key)
                .await
                .map_err(Attempt::Failed)?
        {
            return Err(Attempt::Taken);
        }
        completed.sort_by_key(|p| p.part_number());
        let complete = client
            .complete_multipart_upload()
            .bucket(&request.bucket)
            .key(key)
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(completed))
                    .build(),
            );
        let sent = if conditional {
            complete
                .if_none_match("*")
                .customize()
                .config_override(sent_once())
                .send()
                .await
        } else {
            complete.send().await
        };
        tracing::debug!("upload phase: completed");
        match sent {
            Ok(_) => Ok(UploadOutcome::Uploaded {
                key: key.to_owned(),
                size: len,
            }),
            Err(err) if is_precondition_failed(&err) => Err(Attempt::Taken),
            Err(err) => Err(S3Error::from_sdk(&err, &self.doing("finishing the upload")).into()),
        }
    }
}

/// Bytes `offset..offset + length` of what is stored: the file's own, read as they are
/// sent, or their encryption, made from the file records under them (one part in memory).
async fn part_body(
    path: &std::path::Path,
    sealer: Option<&crate::share::ece::Sealer>,
    offset: u64,
    length: u64,
) -> Result<ByteStream, String> {
    let Some(sealer) = sealer else {
        return ByteStream::read_from()
            .path(path)
            .offset(offset)
            .length(Length::Exact(length))
            .build()
            .await
            .map_err(|e| e.to_string());
    };
    let (path, sealer) = (path.to_owned(), sealer.clone());
    let sealed = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Seek, SeekFrom};
        let mut file = std::fs::File::open(&path)?;
        sealer.range(offset, length, |at, len| {
            let mut plain = vec![0; len as usize];
            file.seek(SeekFrom::Start(at))?;
            file.read_exact(&mut plain)?;
            Ok::<_, std::io::Error>(plain)
        })
    })
    .await
    .map_err(|e| e.to_string())?
    .map_err(|e| e.to_string())?;
    Ok(ByteStream::from(sealed))
}

/// The config of a request that must not be retried by the SDK (a conditional write).
pub(super) fn sent_once() -> aws_sdk_s3::config::Builder {
    aws_sdk_s3::config::Builder::default()
        .retry_config(aws_sdk_s3::config::retry::RetryConfig::disabled())
}

/// Aborts an unfinished multipart upload so no parts are left to pay for. Best effort:
/// a server that is gone cannot be told (a bucket lifecycle rule cleans those up).
async fn abort(client: &aws_sdk_s3::Client, bucket: &str, key: &str, upload_id: &str) {
    let aborted = tokio::time::timeout(
        Duration::from_secs(15),
        client
            .abort_multipart_upload()
            .bucket(bucket)
            .key(key)
            .upload_id(upload_id)
            .send(),
    )
    .await;
    match aborted {
        Ok(Ok(_)) => tracing::info!(bucket, key, "multipart upload aborted"),
        Ok(Err(err)) => {
            tracing::warn!(bucket, key, error = %crate::error::chain(&err), "could not abort the multipart upload")
        }
        Err(_) => tracing::warn!(bucket, key, "aborting the multipart upload timed out"),
    }
}

enum PartError {
    Read(String),
    Sdk(
        Box<
            SdkError<
                aws_sdk_s3::operation::upload_part::UploadPartError,
                aws_smithy_runtime_api::client::orchestrator::HttpResponse,
            >,
        >,
    ),
}
