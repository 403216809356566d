//! Listing: buckets, and one page of "folders" (common prefixes) and objects at a time, so
//! a window can show a long listing as it arrives.

use std::time::SystemTime;

use super::session::Session;
use crate::error::{ErrorKind, S3Error};

/// An object as shown in a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectEntry {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<SystemTime>,
}

impl ObjectEntry {
    /// The part after the last "/": what a file browser shows as the name.
    pub fn file_name(&self) -> &str {
        file_name(&self.key)
    }
}

/// The part of a key after its last "/" (a folder keeps its own trailing "/" off).
pub fn file_name(key: &str) -> &str {
    let trimmed = key.strip_suffix('/').unwrap_or(key);
    trimmed.rsplit('/').next().unwrap_or(trimmed)
}

/// One page of a listing under a prefix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListPage {
    /// Common prefixes, each ending in "/".
    pub folders: Vec<String>,
    pub objects: Vec<ObjectEntry>,
    /// Token for the next page; None on the last.
    pub next_token: Option<String>,
}

/// How deep a listing goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// The folder itself: its files, and its sub-folders as common prefixes.
    OneLevel,
    /// Every object below the prefix, at any depth.
    AllLevels,
}

/// A bucket as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketEntry {
    pub name: String,
    pub created: Option<SystemTime>,
}

impl Session {
    pub async fn list_buckets(&self) -> Result<Vec<BucketEntry>, S3Error> {
        let what = "listing buckets";
        self.current_credentials(what).await?;
        let client = self.client_for(&self.inner.region);
        let mut buckets = Vec::new();
        let mut token: Option<String> = None;
        let mut seen = std::collections::HashSet::new();
        loop {
            let out = client
                .list_buckets()
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, None, None)))?;
            for bucket in out.buckets() {
                if let Some(name) = bucket.name() {
                    buckets.push(BucketEntry {
                        name: name.to_owned(),
                        created: bucket
                            .creation_date()
                            .and_then(|d| SystemTime::try_from(*d).ok()),
                    });
                    if let Some(region) = bucket.bucket_region() {
                        self.inner.regions.insert(name, region);
                    }
                }
            }
            match out.continuation_token() {
                Some(next) if !next.is_empty() => {
                    if !seen.insert(next.to_owned()) {
                        return Err(repeated_token("", ""));
                    }
                    token = Some(next.to_owned());
                }
                _ => break,
            }
        }
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(buckets)
    }

    /// One page of the listing under `prefix` ("folders" via delimiter "/").
    pub async fn list_page(
        &self,
        bucket: &str,
        prefix: &str,
        token: Option<String>,
    ) -> Result<ListPage, S3Error> {
        self.list_page_with(bucket, prefix, token, Depth::OneLevel)
            .await
    }

    /// One page, one level deep ("folders" as common prefixes) or every level below.
    pub async fn list_page_with(
        &self,
        bucket: &str,
        prefix: &str,
        token: Option<String>,
        depth: Depth,
    ) -> Result<ListPage, S3Error> {
        let what = "listing objects";
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let out = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_delimiter((depth == Depth::OneLevel).then(|| "/".to_owned()))
            .set_continuation_token(token)
            .send()
            .await
            .map_err(|e| {
                let err = S3Error::from_sdk(&e, &self.doing(what, Some(bucket), None));
                if err.kind == ErrorKind::WrongRegion {
                    self.inner.regions.forget(bucket);
                }
                err
            })?;
        let folders = out
            .common_prefixes()
            .iter()
            .filter_map(|p| p.prefix().map(str::to_owned))
            .collect();
        let objects = out
            .contents()
            .iter()
            .filter_map(|o| {
                let key = o.key()?;
                // The zero-byte "folder marker" of the prefix itself is not a file.
                (key != prefix).then(|| ObjectEntry {
                    key: key.to_owned(),
                    size: o.size().unwrap_or(0).max(0) as u64,
                    last_modified: o
                        .last_modified()
                        .and_then(|d| SystemTime::try_from(*d).ok()),
                })
            })
            .collect();
        let next_token = if out.is_truncated().unwrap_or(false) {
            out.next_continuation_token().map(str::to_owned)
        } else {
            None
        };
        Ok(ListPage {
            folders,
            objects,
            next_token,
        })
    }

    /// Every page under `prefix`, handed to `on_page` as it arrives.
    pub async fn list_all(
        &self,
        bucket: &str,
        prefix: &str,
        on_page: impl FnMut(ListPage),
    ) -> Result<(), S3Error> {
        self.list_all_with(bucket, prefix, Depth::OneLevel, on_page)
            .await
    }

    /// Every page under `prefix` at `depth`, handed to `on_page` as it arrives.
    pub async fn list_all_with(
        &self,
        bucket: &str,
        prefix: &str,
        depth: Depth,
        mut on_page: impl FnMut(ListPage),
    ) -> Result<(), S3Error> {
        let mut token = None;
        // A server that hands back a token it gave before would loop forever.
        let mut seen = std::collections::HashSet::new();
        loop {
            let page = self.list_page_with(bucket, prefix, token, depth).await?;
            token = page.next_token.clone();
            on_page(page);
            match &token {
                None => return Ok(()),
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(repeated_token(bucket, prefix));
                }
                Some(_) => {}
            }
        }
    }
}

/// The server answered a listing with a continuation token it had given before.
fn repeated_token(bucket: &str, prefix: &str) -> S3Error {
    let what = if bucket.is_empty() {
        "the bucket list".to_owned()
    } else {
        format!("the listing of s3://{bucket}/{prefix}")
    };
    S3Error::plain(
        ErrorKind::Server,
        format!(
            "The S3 server sent {what} round in a circle (a continuation token it had sent before), so the listing was stopped. This is a fault of the server: report it to whoever runs it."
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_the_last_segment() {
        assert_eq!(file_name("a/b/c.txt"), "c.txt");
        assert_eq!(file_name("a/b/"), "b");
        assert_eq!(file_name("top"), "top");
    }
}
