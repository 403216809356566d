//! Links for a session: a download link for an object that exists (HEAD first, so nobody is
//! handed a link to nothing), and an upload ("send me a file") link. Both are signed
//! locally with the session's clock and say when they really stop working.

use super::error::S3Error;
use super::presign::{
    ShareLink, ShareOptions, UploadLink, object_url, presign_url, with_content_disposition,
};
use super::session::Session;
use crate::share::{Expiry, SignedUrl, Signer, content_disposition, effective_end, link_warnings};

/// What S3 accepts as the key of a single object, checked before any request.
fn check_object_key(bucket: &str, key: &str) -> Result<(), S3Error> {
    if key.is_empty() {
        return Err(S3Error::bad_input(format!(
            "No object is named: choose a file in bucket {bucket} (s3://{bucket}/KEY)."
        )));
    }
    if key.ends_with('/') {
        return Err(S3Error::bad_input(format!(
            "s3://{bucket}/{key} is a folder, not a file: open it and choose a file to share."
        )));
    }
    if key.len() > 1024 {
        return Err(S3Error::bad_input(format!(
            "The key is {} bytes long; S3 keys are at most 1024 bytes.",
            key.len()
        )));
    }
    Ok(())
}

impl Session {
    /// HEAD with the user's credentials: the object exists and we may read it.
    async fn check_object_exists(&self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let what = "checking the object before sharing it";
        let region = self.bucket_region(bucket).await?;
        self.client_for(&region)
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))))?;
        Ok(())
    }

    /// A download link for an object that exists, with the truth about its end.
    pub async fn share_link(
        &self,
        bucket: &str,
        key: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        check_object_key(bucket, key)?;
        if let Some(name) = options.download_filename.as_deref() {
            content_disposition(name).map_err(|e| S3Error::bad_input(e.to_string()))?;
        }
        self.check_object_exists(bucket, key).await?;
        let region = self.bucket_region(bucket).await?;
        self.sign_download(bucket, key, &region, options).await
    }

    /// Signs a download link for `region` now (by the session's clock), without asking the
    /// server anything: no existence check. `share_link` is the checked way in.
    pub async fn sign_download(
        &self,
        bucket: &str,
        key: &str,
        region: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        check_object_key(bucket, key)?;
        let mut url = object_url(self.endpoint_url(), region, bucket, key);
        if let Some(name) = options.download_filename.as_deref() {
            let disposition =
                content_disposition(name).map_err(|e| S3Error::bad_input(e.to_string()))?;
            url = with_content_disposition(&url, &disposition);
        }
        let credentials = self.current_credentials("signing the link").await?;
        let signed_at = self.now();
        let url = presign_url(
            "GET",
            &url,
            &[],
            region,
            &credentials,
            signed_at,
            options.expiry,
        )?;
        let (effective, cut_short) = effective_end(signed_at, options.expiry, credentials.expiry());
        tracing::info!(
            bucket,
            key,
            region,
            expiry = options.expiry.as_secs(),
            "link signed"
        );
        Ok(ShareLink {
            url: SignedUrl::new(url),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            signed_at,
            expires_at: signed_at + options.expiry.as_duration(),
            effective_expires_at: effective,
            warnings: link_warnings(
                self.signer(),
                credentials.expiry(),
                cut_short,
                options.expiry,
            ),
        })
    }

    /// An upload link: whoever has it may PUT one object at `key` until it expires.
    pub async fn upload_link(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
        expiry: Expiry,
    ) -> Result<UploadLink, S3Error> {
        check_object_key(bucket, key)?;
        if let Some(t) = content_type
            && (t.is_empty() || t.chars().any(|c| c.is_control() || !c.is_ascii()))
        {
            return Err(S3Error::bad_input(format!(
                "The content type {t:?} is not valid: use a plain type such as text/plain or application/pdf."
            )));
        }
        let region = self.bucket_region(bucket).await?;
        let credentials = self.current_credentials("signing the upload link").await?;
        let signed_at = self.now();
        let url = object_url(self.endpoint_url(), &region, bucket, key);
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| vec![("content-type", t)])
            .unwrap_or_default();
        let url = presign_url(
            "PUT",
            &url,
            &headers,
            &region,
            &credentials,
            signed_at,
            expiry,
        )?;
        let (effective, cut_short) = effective_end(signed_at, expiry, credentials.expiry());
        Ok(UploadLink {
            url: SignedUrl::new(url),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            content_type: content_type.map(str::to_owned),
            effective_expires_at: effective,
            warnings: link_warnings(self.signer(), credentials.expiry(), cut_short, expiry),
        })
    }

    /// How warnings name this session's credentials.
    fn signer(&self) -> Signer<'_> {
        let profile = self.profile();
        Signer {
            profile: &profile.name,
            temporary_kind: profile.kind.is_temporary().then(|| profile.kind.describe()),
        }
    }
}
