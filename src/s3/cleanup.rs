//! Taking copies away: one link's copy (its version too), every copy of an ended link (found
//! by listing, the end being in the copy's folder name), and the lifecycle rule that lets
//! the bucket delete them by itself.

use std::time::SystemTime;

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};

use super::copy::{LinkCopy, code_of, end_in_key};
use super::session::Session;
use crate::error::{ErrorKind, S3Error};

use super::copy::LINKS_FOLDER;

/// A copy stored under `LINKS_FOLDER`, as a listing found it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCopy {
    pub key: String,
    pub version_id: Option<String>,
    /// When its link ends (read from its folder's name); None for a key S3 Share did not make.
    pub link_ends: Option<SystemTime>,
}

/// Whether a lifecycle rule now deletes the copies by itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LifecycleRule {
    Added,
    AlreadyThere,
    /// The server does not keep lifecycle rules (it refused or ignored the rule).
    NotSupported(String),
}

impl Session {
    /// Deletes a link's copy: its version when the bucket keeps versions, so no data stays.
    pub async fn delete_link_copy(&self, bucket: &str, copy: &LinkCopy) -> Result<(), S3Error> {
        let region = self.bucket_region(bucket).await?;
        self.client_for(&region)
            .delete_object()
            .bucket(bucket)
            .key(&copy.key)
            .set_version_id(copy.version_id.clone())
            .send()
            .await
            .map_err(|e| {
                S3Error::from_sdk(
                    &e,
                    &self.doing(
                        "deleting the link's copy under .s3share/links/ (it needs s3:DeleteObject there, and s3:DeleteObjectVersion in a bucket that keeps versions)",
                        Some(bucket),
                        Some(&copy.key),
                    ),
                )
            })?;
        Ok(())
    }

    /// The versions still stored under `key` in a bucket that keeps versions (none asked for
    /// in one that does not: a delete there leaves nothing).
    pub async fn versions_left(&self, bucket: &str, key: &str) -> Result<Vec<StoredCopy>, S3Error> {
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let mut found = Vec::new();
        if self.keeps_versions(&client, bucket).await {
            let doing = self.doing(
                "listing the versions of a link's copy",
                Some(bucket),
                Some(key),
            );
            self.list_versions(&client, bucket, key, &doing, &mut found)
                .await?;
        }
        Ok(found)
    }

    /// Whether versioning is (or was) switched on in `bucket` (a server without versioning
    /// keeps none).
    async fn keeps_versions(&self, client: &aws_sdk_s3::Client, bucket: &str) -> bool {
        client
            .get_bucket_versioning()
            .bucket(bucket)
            .send()
            .await
            .ok()
            .is_some_and(|v| v.status().is_some())
    }

    /// Every object stored under each of `prefixes` (S3 Share's copies and pages; every
    /// version, in a bucket that keeps them: asked once for all the prefixes).
    pub async fn link_copies(
        &self,
        bucket: &str,
        prefixes: &[&str],
    ) -> Result<Vec<StoredCopy>, S3Error> {
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let doing = self.doing("listing the copies of revocable links", Some(bucket), None);
        let versioned = self.keeps_versions(&client, bucket).await;
        let mut found = Vec::new();
        for prefix in prefixes {
            if versioned {
                self.list_versions(&client, bucket, prefix, &doing, &mut found)
                    .await?;
            } else {
                self.list_current(&client, bucket, prefix, &doing, &mut found)
                    .await?;
            }
        }
        Ok(found)
    }

    async fn list_versions(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        prefix: &str,
        doing: &crate::error::Doing<'_>,
        found: &mut Vec<StoredCopy>,
    ) -> Result<(), S3Error> {
        let (mut key_marker, mut version_marker) = (None, None);
        loop {
            let page = client
                .list_object_versions()
                .bucket(bucket)
                .prefix(prefix)
                .set_key_marker(key_marker)
                .set_version_id_marker(version_marker)
                .send()
                .await
                .map_err(|e| S3Error::from_sdk(&e, doing))?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page
                .delete_markers()
                .iter()
                .map(|m| (m.key(), m.version_id()));
            for (key, version) in versions.chain(markers) {
                let Some(key) = key else { continue };
                found.push(StoredCopy {
                    key: key.to_owned(),
                    version_id: version.map(str::to_owned),
                    link_ends: end_in_key(key),
                });
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            version_marker = page.next_version_id_marker().map(str::to_owned);
            if key_marker.is_none() {
                break;
            }
        }
        Ok(())
    }

    async fn list_current(
        &self,
        client: &aws_sdk_s3::Client,
        bucket: &str,
        prefix: &str,
        doing: &crate::error::Doing<'_>,
        found: &mut Vec<StoredCopy>,
    ) -> Result<(), S3Error> {
        let mut token = None;
        loop {
            let page = client
                .list_objects_v2()
                .bucket(bucket)
                .prefix(prefix)
                .set_continuation_token(token)
                .send()
                .await
                .map_err(|e| S3Error::from_sdk(&e, doing))?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                found.push(StoredCopy {
                    key: key.to_owned(),
                    version_id: None,
                    link_ends: end_in_key(key),
                });
            }
            token = page.next_continuation_token().map(str::to_owned);
            if token.is_none() || page.is_truncated() != Some(true) {
                return Ok(());
            }
        }
    }

    /// Adds a lifecycle rule that deletes copies `days` after they were made, keeping every
    /// rule the bucket has (S3 replaces the whole configuration on each write).
    pub async fn expire_link_copies(
        &self,
        bucket: &str,
        days: i32,
    ) -> Result<LifecycleRule, S3Error> {
        use aws_sdk_s3::types::{
            BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration,
            LifecycleRule as Rule, LifecycleRuleFilter, NoncurrentVersionExpiration,
        };
        const RULE_ID: &str = "s3share-link-copies";
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let doing = self.doing(
            "adding a lifecycle rule for .s3share/links/ (it needs s3:GetLifecycleConfiguration and s3:PutLifecycleConfiguration)",
            Some(bucket),
            None,
        );
        let mut rules = match client
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
        {
            Ok(out) => out.rules().to_vec(),
            Err(e) if code_of(&e) == Some("NoSuchLifecycleConfiguration") => Vec::new(),
            Err(e) if not_supported(&e) => {
                return Ok(LifecycleRule::NotSupported(not_supported_words()));
            }
            Err(e) => return Err(S3Error::from_sdk(&e, &doing)),
        };
        if rules.iter().any(|r| r.id() == Some(RULE_ID)) {
            return Ok(LifecycleRule::AlreadyThere);
        }
        let rule = Rule::builder()
            .id(RULE_ID)
            .filter(LifecycleRuleFilter::builder().prefix(LINKS_FOLDER).build())
            .status(ExpirationStatus::Enabled)
            .expiration(LifecycleExpiration::builder().days(days).build())
            .noncurrent_version_expiration(
                NoncurrentVersionExpiration::builder()
                    .noncurrent_days(1)
                    .build(),
            )
            .build()
            .map_err(|e| S3Error::new(ErrorKind::Server, &doing, e.to_string()))?;
        rules.push(rule);
        let config = BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(|e| S3Error::new(ErrorKind::Server, &doing, e.to_string()))?;
        match client
            .put_bucket_lifecycle_configuration()
            .bucket(bucket)
            .lifecycle_configuration(config)
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) if not_supported(&e) => {
                return Ok(LifecycleRule::NotSupported(not_supported_words()));
            }
            Err(e) => return Err(S3Error::from_sdk(&e, &doing)),
        }
        // Some servers answer 200 and keep nothing: only a rule read back counts.
        let kept = client
            .get_bucket_lifecycle_configuration()
            .bucket(bucket)
            .send()
            .await
            .ok()
            .is_some_and(|out| out.rules().iter().any(|r| r.id() == Some(RULE_ID)));
        Ok(if kept {
            LifecycleRule::Added
        } else {
            LifecycleRule::NotSupported(
                "this server accepted the rule but does not keep it: copies of ended links are deleted when S3 Share next runs against this bucket".to_owned(),
            )
        })
    }
}

fn not_supported<E: ProvideErrorMetadata>(
    err: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
) -> bool {
    let status = match err {
        SdkError::ServiceError(ctx) => Some(ctx.raw().status().as_u16()),
        SdkError::ResponseError(ctx) => Some(ctx.raw().status().as_u16()),
        _ => None,
    };
    // 200 with something else than the answer asked for: the server ignored `?lifecycle`
    // (rclone serve s3 lists the bucket instead).
    code_of(err) == Some("NotImplemented") || matches!(status, Some(501 | 200))
}

fn not_supported_words() -> String {
    "this server does not support lifecycle rules: copies of ended links are deleted when S3 Share next runs against this bucket (or with s3share revoke --ended)".to_owned()
}
