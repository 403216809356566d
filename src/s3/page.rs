//! Pages S3 Share stores in a bucket and hands out as a presigned link (file request pages,
//! pages that share many files): stored as HTML under `.s3share/`, linked with the type
//! forced to HTML (whatever the server kept), tried as a colleague would open them.

use std::time::SystemTime;

use aws_sdk_s3::primitives::ByteStream;

use super::check::LinkCheck;
use super::presign::{ShareLink, presign_url};
use super::session::Session;
use crate::error::S3Error;
use crate::share::{Expiry, SignedUrl};

/// Where pages that share many files are kept.
pub const PAGES_FOLDER: &str = ".s3share/pages/";

/// The key of shared page `id`, ending at `ends` (named in the key, so a page that has ended
/// is found by listing alone and deleted with the copies of ended links).
pub fn shared_page_key(id: &str, ends: SystemTime) -> String {
    let ends = ends
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    format!("{PAGES_FOLDER}{ends}-{id}.html")
}

impl Session {
    /// Stores `html` at `key` (no caching: closing a page must stop it at once).
    pub async fn store_page(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
        html: String,
        what: &str,
    ) -> Result<(), S3Error> {
        self.client_for(region)
            .put_object()
            .bucket(bucket)
            .key(key)
            .content_type("text/html; charset=utf-8")
            .cache_control("no-store")
            .body(ByteStream::from(html.into_bytes()))
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))))?;
        Ok(())
    }

    /// The link of a stored page, signed at `signed_at` for `expiry` (ending at `ends`, its
    /// credentials considered), tried once without credentials.
    #[allow(clippy::too_many_arguments)]
    pub async fn page_link(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
        credentials: &aws_credential_types::Credentials,
        signed_at: SystemTime,
        expiry: Expiry,
        ends: SystemTime,
    ) -> Result<ShareLink, S3Error> {
        // The page is served as HTML whatever the server stored as its type.
        let page_url = format!(
            "{}?response-content-type=text%2Fhtml%3B%20charset%3Dutf-8",
            self.object_url(region, bucket, key)
        );
        let url = presign_url(
            "GET",
            &page_url,
            &[],
            region,
            credentials,
            signed_at,
            expiry,
        )?;
        let link = ShareLink {
            url: SignedUrl::new(url),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            download_filename: None,
            region: region.to_owned(),
            signed_at,
            expires_at: signed_at + expiry.as_duration(),
            effective_expires_at: ends,
            clock_correction: self.clock_correction(),
            check: LinkCheck::Skipped,
            warnings: Vec::new(),
            copy: None,
        };
        Ok(self.try_share_link(link).await)
    }

    /// Deletes a stored page (its link stops at once).
    pub async fn delete_page(&self, bucket: &str, key: &str, what: &str) -> Result<(), S3Error> {
        let region = self.bucket_region(bucket).await?;
        self.client_for(&region)
            .delete_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))))?;
        Ok(())
    }
}
