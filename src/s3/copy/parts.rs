//! A copy in parts (UploadPartCopy), for objects above what one CopyObject may hold; the
//! upload is aborted whenever it does not complete.

use aws_sdk_s3::types::CompletedPart;
use tokio_util::sync::CancellationToken;

use super::{CopySource, MAX_SINGLE_COPY, cancelled, copy_source_header};
use crate::error::{ErrorKind, S3Error};
use crate::s3::session::Session;

impl Session {
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn copy_in_parts(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        source: &CopySource,
        dest: &str,
        part_size: u64,
        cancel: &CancellationToken,
        on_progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<Option<String>, S3Error> {
        let doing = |what| self.doing(what, Some(bucket), Some(&source.key));
        let created = client
            .create_multipart_upload()
            .bucket(bucket)
            .key(dest)
            .set_content_type(source.content_type.clone())
            .set_content_disposition(source.content_disposition.clone())
            .set_content_encoding(source.content_encoding.clone())
            .set_content_language(source.content_language.clone())
            .set_cache_control(source.cache_control.clone())
            .set_metadata(source.metadata.clone())
            .send()
            .await
            .map_err(|e| self.copy_error(&e, bucket, &source.key))?;
        let Some(upload_id) = created.upload_id().map(str::to_owned) else {
            return Err(S3Error::new(
                ErrorKind::Server,
                &doing("copying the object"),
                "CreateMultipartUpload returned no upload id",
            ));
        };
        let parts = async {
            let mut done = Vec::new();
            let mut start = 0;
            let mut number = 1;
            while start < source.size {
                let end = (start + part_size).min(source.size) - 1;
                let part = client
                    .upload_part_copy()
                    .bucket(bucket)
                    .key(dest)
                    .upload_id(&upload_id)
                    .part_number(number)
                    .copy_source(copy_source_header(bucket, &source.key))
                    .copy_source_range(format!("bytes={start}-{end}"))
                    .set_copy_source_if_match(source.etag.clone())
                    .send()
                    .await
                    .map_err(|e| self.copy_error(&e, bucket, &source.key))?;
                let etag = part
                    .copy_part_result()
                    .and_then(|r| r.e_tag())
                    .map(str::to_owned);
                done.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(etag)
                        .build(),
                );
                on_progress(end + 1, source.size);
                start = end + 1;
                number += 1;
            }
            self.complete_copy(client, bucket, &source.key, dest, &upload_id, done)
                .await
        };
        let result = tokio::select! {
            result = parts => result,
            () = cancel.cancelled() => Err(cancelled()),
        };
        // A server that takes the upload but not the part copies (or their completion)
        // says "not valid" of a request that is: say what failed instead.
        let result = result.map_err(|mut err| {
            if matches!(err.kind, ErrorKind::BadInput | ErrorKind::Server) {
                err.message = format!(
                    "The server did not copy s3://{bucket}/{} in parts (UploadPartCopy, which copies above {} need): nothing was kept. Make a normal link instead.",
                    source.key,
                    crate::share::human_size(part_size.min(MAX_SINGLE_COPY))
                );
            }
            err
        });
        if result.is_err() {
            abort_upload(client, bucket, dest, &upload_id).await;
        }
        result
    }

    /// Completes the multipart upload `upload_id` of `dest` (a copy of `source_key`) from
    /// `parts`; the version the server gave it, in a bucket that keeps versions.
    pub(super) async fn complete_copy(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        source_key: &str,
        dest: &str,
        upload_id: &str,
        parts: Vec<CompletedPart>,
    ) -> Result<Option<String>, S3Error> {
        let completed = client
            .complete_multipart_upload()
            .bucket(bucket)
            .key(dest)
            .upload_id(upload_id)
            .multipart_upload(
                aws_sdk_s3::types::CompletedMultipartUpload::builder()
                    .set_parts(Some(parts))
                    .build(),
            )
            .send()
            .await
            .map_err(|e| self.copy_error(&e, bucket, source_key))?;
        Ok(completed.version_id().map(str::to_owned))
    }
}

/// Aborts a multipart upload that failed or was cancelled, so no part is left stored (best
/// effort: the error being reported matters more).
pub(super) async fn abort_upload(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    upload_id: &str,
) {
    let _ = client
        .abort_multipart_upload()
        .bucket(bucket)
        .key(key)
        .upload_id(upload_id)
        .send()
        .await;
}
