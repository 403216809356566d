//! Server-side copies for links that can be taken back: each revocable link points at a copy
//! of its own under `.s3share/links/`, made by the server (CopyObject, or UploadPartCopy in
//! parts above what one copy may hold), so nothing passes through this computer. Deleting the
//! copy (every version of it) stops that link and no other.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::session::Session;
use crate::error::{ErrorKind, S3Error};

mod encrypted;
mod parts;

/// Where the copies live (inside S3 Share's own folder, never listed as the person's).
pub const LINKS_FOLDER: &str = ".s3share/links/";
/// Where the copies of revocable links through CloudFront live: outside `LINKS_FOLDER`,
/// whose lifecycle rule deletes copies after 8 days (these links may last a year).
pub const CLOUDFRONT_LINKS_FOLDER: &str = ".s3share/cloudfront-links/";

const MIB: u64 = 1024 * 1024;
/// S3 copies at most 5 GiB in one CopyObject; larger objects are copied in parts.
pub const MAX_SINGLE_COPY: u64 = 5 * 1024 * MIB;
/// The part size of a copy in parts: S3 allows 5 MiB to 5 GiB.
pub const COPY_PART_SIZE: u64 = 512 * MIB;
/// Tests copy in parts of this many bytes (and in parts from this size on), so that a
/// multipart copy can be tried with small files.
pub const COPY_PART_SIZE_ENV: &str = "S3SHARE_COPY_PART_SIZE";

/// The copy a revocable link points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCopy {
    pub key: String,
    /// The copy's version in a bucket that keeps versions: revoking deletes that version,
    /// not only the current one (a delete marker alone would leave the data stored).
    #[serde(default)]
    pub version_id: Option<String>,
    pub size: u64,
    /// The CloudFront distribution that serves the copy (a revocable link through
    /// CloudFront): revoking also clears the copy from its edges.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<String>,
}

/// What HEAD said of the object to copy: enough to refuse before copying, to keep what
/// the colleague sees, and to check the copy.
#[derive(Debug, Clone)]
pub struct CopySource {
    pub key: String,
    pub size: u64,
    pub content_type: Option<String>,
    content_disposition: Option<String>,
    content_encoding: Option<String>,
    content_language: Option<String>,
    cache_control: Option<String>,
    metadata: Option<std::collections::HashMap<String, String>>,
    etag: Option<String>,
}

/// The key of a link's copy: the link's end and id name its folder (so copies of ended
/// links are found by listing alone), the file keeps its name (what the browser saves),
/// less control characters: a listing cannot carry them in XML, and cleaning up lists.
pub fn copy_key(id: &str, ends: SystemTime, key: &str) -> String {
    copy_key_in(LINKS_FOLDER, id, ends, key)
}

/// `copy_key` in `folder` (`LINKS_FOLDER` or `CLOUDFRONT_LINKS_FOLDER`).
pub fn copy_key_in(folder: &str, id: &str, ends: SystemTime, key: &str) -> String {
    let ends = ends
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let name = key.rsplit('/').next().unwrap_or(key);
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    // "." and ".." would be rewritten by a browser in the link's URL.
    let name = if name.is_empty() || name == "." || name == ".." {
        "file"
    } else {
        &name
    };
    format!("{folder}{ends}-{id}/{name}")
}

/// When the link of a copy (or a page of links) ends, from the end its key was named with.
pub fn end_in_key(key: &str) -> Option<SystemTime> {
    let rest = key
        .strip_prefix(LINKS_FOLDER)
        .or_else(|| key.strip_prefix(CLOUDFRONT_LINKS_FOLDER))
        .or_else(|| key.strip_prefix(super::page::PAGES_FOLDER))?;
    let folder = rest.split('/').next()?;
    let (secs, _) = folder.split_once('-')?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs.parse().ok()?))
}

/// The link id in copy `key`'s folder name (`<end>-<id>`).
pub fn copy_link_id(key: &str) -> Option<&str> {
    let folder = key
        .strip_prefix(LINKS_FOLDER)
        .or_else(|| key.strip_prefix(CLOUDFRONT_LINKS_FOLDER))?
        .split('/')
        .next()?;
    folder
        .split_once('-')
        .map(|(_, id)| id)
        .filter(|id| !id.is_empty())
}

/// Storage classes whose objects must be restored before anything can read or copy them.
fn is_archived(storage_class: Option<&str>, restore: Option<&str>) -> bool {
    let archived = matches!(storage_class, Some("GLACIER" | "DEEP_ARCHIVE"));
    let restored = restore.is_some_and(|r| r.contains("ongoing-request=\"false\""));
    archived && !restored
}

/// The part size of a copy: `COPY_PART_SIZE_ENV` when set (tests), else `COPY_PART_SIZE`.
pub fn copy_part_size() -> u64 {
    std::env::var(COPY_PART_SIZE_ENV)
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&n| n >= 1)
        .unwrap_or(COPY_PART_SIZE)
}

impl Session {
    /// HEAD of the object to copy; an archived object is refused in plain words.
    pub async fn copy_source(&self, bucket: &str, key: &str) -> Result<CopySource, S3Error> {
        let what = "reading the object to copy for a revocable link";
        let region = self.bucket_region(bucket).await?;
        let head = self
            .client_for(&region)
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))))?;
        let class = head.storage_class().map(|c| c.as_str());
        if is_archived(class, head.restore()) {
            return Err(S3Error::bad_input(format!(
                "s3://{bucket}/{key} is archived ({}): it cannot be copied until it is restored. Restore it first (S3 console: Initiate restore), or make a normal link once it is restored.",
                class.unwrap_or_default()
            )));
        }
        Ok(CopySource {
            key: key.to_owned(),
            size: head.content_length().unwrap_or(0).max(0) as u64,
            content_type: head.content_type().map(str::to_owned),
            content_disposition: head.content_disposition().map(str::to_owned),
            content_encoding: head.content_encoding().map(str::to_owned),
            content_language: head.content_language().map(str::to_owned),
            cache_control: head.cache_control().map(str::to_owned),
            metadata: head.metadata().cloned(),
            etag: head.e_tag().map(str::to_owned),
        })
    }

    /// Writes and deletes an empty object in `folder`: a revocable link or a page needs both
    /// (storing, then taking back), and neither is found out by storing first.
    pub async fn check_copy_permissions(&self, bucket: &str, folder: &str) -> Result<(), S3Error> {
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let probe = format!("{folder}.probe");
        client
            .put_object()
            .bucket(bucket)
            .key(&probe)
            .body(Vec::new().into())
            .send()
            .await
            .map_err(|e| {
                S3Error::from_sdk(
                    &e,
                    &self.doing(
                        &format!("writing under {folder} (S3 Share needs s3:PutObject there)"),
                        Some(bucket),
                        None,
                    ),
                )
            })?;
        client
            .delete_object()
            .bucket(bucket)
            .key(&probe)
            .send()
            .await
            .map_err(|e| {
                let mut err = S3Error::from_sdk(
                    &e,
                    &self.doing(
                        &format!("deleting under {folder}, which taking a link back needs (s3:DeleteObject there)"),
                        Some(bucket),
                        None,
                    ),
                );
                err.message.push_str(&format!(
                    " Nothing was copied; an empty test object s3://{bucket}/{probe} is left."
                ));
                err
            })?;
        Ok(())
    }

    /// Copies `source` to `dest` on the server, in parts above `MAX_SINGLE_COPY` (or the
    /// test part size), reporting bytes copied. The copy is checked (its size); a copy that
    /// failed, was cancelled or differs is deleted (or its upload aborted): nothing is left.
    pub async fn copy_for_link(
        &self,
        bucket: &str,
        source: &CopySource,
        dest: &str,
        cancel: &CancellationToken,
        on_progress: &(dyn Fn(u64, u64) + Send + Sync),
    ) -> Result<LinkCopy, S3Error> {
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        on_progress(0, source.size);
        let part_size = copy_part_size();
        let in_parts = source.size > MAX_SINGLE_COPY.min(part_size);
        let copied = if in_parts {
            self.copy_in_parts(
                &client,
                bucket,
                source,
                dest,
                part_size,
                cancel,
                on_progress,
            )
            .await
        } else {
            let single = async {
                client
                    .copy_object()
                    .bucket(bucket)
                    .key(dest)
                    .copy_source(copy_source_header(bucket, &source.key))
                    .set_copy_source_if_match(source.etag.clone())
                    .send()
                    .await
                    .map(|out| out.version_id().map(str::to_owned))
                    .map_err(|e| self.copy_error(&e, bucket, &source.key))
            };
            tokio::select! {
                done = single => done,
                () = cancel.cancelled() => Err(cancelled()),
            }
        };
        let version_id = match copied {
            Ok(version_id) => version_id,
            Err(err) => {
                // A CopyObject cancelled in flight may still complete on the server.
                self.remove_copy(&client, bucket, dest, None).await;
                return Err(err);
            }
        };
        on_progress(source.size, source.size);
        let copy = LinkCopy {
            key: dest.to_owned(),
            version_id,
            size: source.size,
            distribution: None,
        };
        // A server that answers a part copy without copying (rclone serve s3 does) would
        // hand out a link to something else: the copy's size must be the object's.
        let stored = client.head_object().bucket(bucket).key(dest).send().await;
        let stored_size = stored
            .as_ref()
            .ok()
            .and_then(|h| h.content_length())
            .map(|n| n.max(0) as u64);
        if stored_size != Some(source.size) {
            self.remove_copy(&client, bucket, dest, copy.version_id.as_deref())
                .await;
            return Err(S3Error::plain(
                ErrorKind::Server,
                format!(
                    "The server did not copy s3://{bucket}/{} correctly (the copy holds {} bytes, the object {}){}: nothing was kept. Make a normal link instead.",
                    source.key,
                    stored_size.map_or("no".to_owned(), |n| n.to_string()),
                    source.size,
                    if in_parts {
                        ", as servers without UploadPartCopy do"
                    } else {
                        ""
                    }
                ),
            ));
        }
        Ok(copy)
    }

    /// Best effort, after a failed copy: what may have been stored goes.
    async fn remove_copy(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        key: &str,
        version_id: Option<&str>,
    ) {
        let _ = client
            .delete_object()
            .bucket(bucket)
            .key(key)
            .set_version_id(version_id.map(str::to_owned))
            .send()
            .await;
    }

    /// The refusal of a copy, with the permissions it needs named.
    fn copy_error<E>(
        &self,
        err: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
        bucket: &str,
        key: &str,
    ) -> S3Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut error = S3Error::from_sdk(
            err,
            &self.doing(
                "copying the object for a revocable link",
                Some(bucket),
                Some(key),
            ),
        );
        if error.kind == ErrorKind::AccessDenied {
            error = S3Error::from_sdk(
                err,
                &self.doing(
                    "copying the object for a revocable link (it needs s3:GetObject on the object and s3:PutObject on .s3share/links/*; a bucket policy may also deny copies)",
                    Some(bucket),
                    Some(key),
                ),
            );
        }
        if code_of(err) == Some("PreconditionFailed") {
            error.message = format!(
                "s3://{bucket}/{key} changed while it was being copied: nothing was kept. Try again."
            );
        }
        error
    }
}

pub(super) fn code_of<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(ctx) => ctx.err().code(),
        _ => None,
    }
}

fn cancelled() -> S3Error {
    S3Error::plain(
        ErrorKind::Cancelled,
        "Cancelled: the copy was stopped and nothing was kept.",
    )
}

/// `bucket/key` for x-amz-copy-source, the key encoded as in a link's path (a key may hold
/// any byte).
fn copy_source_header(bucket: &str, key: &str) -> String {
    format!("{bucket}/{}", crate::s3::presign::encoded_key(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_key_names_its_end_and_keeps_the_file_name() {
        let ends = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let key = copy_key("abc123", ends, "reports/Q3 final.pdf");
        assert_eq!(key, ".s3share/links/1800000000-abc123/Q3 final.pdf");
        assert_eq!(
            copy_key("abc123", ends, "d/evil\u{1b}[31m\tx\n.txt"),
            ".s3share/links/1800000000-abc123/evil[31mx.txt"
        );
        assert_eq!(end_in_key(&key), Some(ends));
        assert_eq!(copy_link_id(&key), Some("abc123"));
        assert_eq!(end_in_key(".s3share/links/notes.txt"), None);
        assert_eq!(end_in_key("reports/1800000000-a/x"), None);
        let page = crate::s3::shared_page_key("p1", ends);
        assert_eq!(page, ".s3share/pages/1800000000-p1.html");
        assert_eq!(end_in_key(&page), Some(ends));
    }

    #[test]
    fn archived_objects_are_refused_until_restored() {
        assert!(is_archived(Some("GLACIER"), None));
        assert!(is_archived(
            Some("DEEP_ARCHIVE"),
            Some("ongoing-request=\"true\"")
        ));
        assert!(!is_archived(
            Some("GLACIER"),
            Some("ongoing-request=\"false\", expiry-date=\"Fri, 21 Dec 2012 00:00:00 GMT\"")
        ));
        assert!(!is_archived(Some("GLACIER_IR"), None));
        assert!(!is_archived(Some("STANDARD"), None));
        assert!(!is_archived(None, None));
    }

    #[test]
    fn the_copy_source_is_percent_encoded() {
        assert_eq!(copy_source_header("b", "a b/ü?x"), "b/a%20b/%C3%BC%3Fx");
    }
}
