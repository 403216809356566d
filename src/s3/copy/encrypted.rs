//! An encrypted copy of an object already in the bucket (an encrypted share of it): the
//! object is read with ranged GETs, one part at a time, each part's records encrypted here
//! and uploaded, so nothing holds more than a part. The server cannot do this for us (it
//! would need the key). A failed or cancelled copy is aborted: no parts are left behind.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::CompletedPart;
use tokio_util::sync::CancellationToken;

use super::{CopySource, LinkCopy};
use crate::error::{ErrorKind, S3Error};
use crate::s3::session::Session;
use crate::s3::upload::{DEFAULT_PART_SIZE, S3_MIN_PART_SIZE, part_size_for};
use crate::share::ece::Sealer;

fn stopped() -> S3Error {
    S3Error::plain(
        ErrorKind::Cancelled,
        "Cancelled: the encrypted copy was stopped and nothing was kept.",
    )
}

impl Session {
    /// Writes `source`, encrypted by `sealer` (made for its size), to `dest`.
    pub async fn copy_encrypted(
        &self,
        bucket: &str,
        source: &CopySource,
        sealer: &Sealer,
        dest: &str,
        cancel: &CancellationToken,
        on_progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<LinkCopy, S3Error> {
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let total = sealer.sealed_len();
        let part_size = part_size_for(total, DEFAULT_PART_SIZE.max(S3_MIN_PART_SIZE));
        on_progress(0, total);
        let sealed_part = |start: u64, len: u64| {
            let client = client.clone();
            async move {
                let (from, span) = sealer.plain_span(start, len);
                let plain = if span == 0 {
                    Vec::new()
                } else {
                    let got = client
                        .get_object()
                        .bucket(bucket)
                        .key(&source.key)
                        .range(format!("bytes={from}-{}", from + span - 1))
                        .set_if_match(source.etag.clone())
                        .send()
                        .await
                        .map_err(|e| self.copy_error(&e, bucket, &source.key))?;
                    let bytes = got.body.collect().await.map_err(|e| {
                        S3Error::plain(
                            ErrorKind::Network,
                            format!(
                                "Reading s3://{bucket}/{} broke off ({e}): nothing was kept. Try again.",
                                source.key
                            ),
                        )
                    })?;
                    bytes.into_bytes().to_vec()
                };
                if plain.len() as u64 != span {
                    return Err(S3Error::plain(
                        ErrorKind::Server,
                        format!(
                            "The server sent {} bytes of s3://{bucket}/{} where {span} were asked for: nothing was kept.",
                            plain.len(),
                            source.key
                        ),
                    ));
                }
                sealer
                    .range(start, len, |o, l| {
                        let at = (o - from) as usize;
                        Ok::<_, S3Error>(plain[at..at + l as usize].to_vec())
                    })
                    .map(ByteStream::from)
            }
        };
        if total <= part_size {
            let put = async {
                let body = sealed_part(0, total).await?;
                client
                    .put_object()
                    .bucket(bucket)
                    .key(dest)
                    .content_type("application/octet-stream")
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| self.copy_error(&e, bucket, &source.key))
            };
            let put = tokio::select! {
                put = put => put,
                () = cancel.cancelled() => Err(stopped()),
            };
            let stored = match put {
                Ok(stored) => stored,
                Err(err) => {
                    self.remove_copy(&client, bucket, dest, None).await;
                    return Err(err);
                }
            };
            on_progress(total, total);
            return Ok(LinkCopy {
                key: dest.to_owned(),
                version_id: stored.version_id().map(str::to_owned),
                size: total,
                distribution: None,
            });
        }
        let created = client
            .create_multipart_upload()
            .bucket(bucket)
            .key(dest)
            .content_type("application/octet-stream")
            .send()
            .await
            .map_err(|e| self.copy_error(&e, bucket, &source.key))?;
        let Some(upload_id) = created.upload_id().map(str::to_owned) else {
            return Err(S3Error::plain(
                ErrorKind::Server,
                "The server started no upload (CreateMultipartUpload returned no upload id): nothing was kept.",
            ));
        };
        let parts = async {
            let mut done = Vec::new();
            let (mut start, mut number) = (0u64, 1i32);
            while start < total {
                let len = part_size.min(total - start);
                let body = sealed_part(start, len).await?;
                let part = client
                    .upload_part()
                    .bucket(bucket)
                    .key(dest)
                    .upload_id(&upload_id)
                    .part_number(number)
                    .content_length(len as i64)
                    .body(body)
                    .send()
                    .await
                    .map_err(|e| self.copy_error(&e, bucket, &source.key))?;
                done.push(
                    CompletedPart::builder()
                        .part_number(number)
                        .set_e_tag(part.e_tag().map(str::to_owned))
                        .build(),
                );
                start += len;
                number += 1;
                on_progress(start, total);
            }
            self.complete_copy(&client, bucket, &source.key, dest, &upload_id, done)
                .await
        };
        let result = tokio::select! {
            result = parts => result,
            () = cancel.cancelled() => Err(stopped()),
        };
        match result {
            Ok(version_id) => Ok(LinkCopy {
                key: dest.to_owned(),
                version_id,
                size: total,
                distribution: None,
            }),
            Err(err) => {
                super::parts::abort_upload(&client, bucket, dest, &upload_id).await;
                Err(err)
            }
        }
    }
}
