//! A signed-in profile: its S3 clients (one per region), the one credentials cache, the
//! bucket-region cache, and the operations the window and the CLI need.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    IdentityCache, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};
use aws_sdk_s3::error::SdkError;

use super::config::{ProfileFilesSource, ProfileInfo, ProfileKind};
use super::credentials::CredentialsCache;
use super::error::{Doing, ErrorKind, S3Error, chain, credential_kind};
use super::list::{BucketEntry, ListPage, ObjectEntry};
use super::presign::{
    ShareLink, ShareOptions, UploadLink, object_url, presign_url, with_content_disposition,
};
use super::region::{BUCKET_REGION_HEADER, RegionCache, normalize_location};
use crate::share::{Expiry, content_disposition, effective_end, format_duration};

/// Used when a profile names no region: S3's own default.
pub const FALLBACK_REGION: &str = "us-east-1";

#[derive(Debug, Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    profile: ProfileInfo,
    region: String,
    region_from_profile: bool,
    endpoint_url: Option<String>,
    base_config: aws_sdk_s3::config::Builder,
    clients: Mutex<HashMap<String, Client>>,
    credentials: CredentialsCache,
    regions: RegionCache,
}

impl Session {
    /// Loads a profile the way the AWS CLI does (keys, SSO, assume-role,
    /// credential_process, environment), with its region and endpoint_url.
    /// Credentials are resolved on first use, so this does not touch the network.
    pub async fn connect(
        source: &ProfileFilesSource,
        profile: Option<&str>,
        region_override: Option<&str>,
    ) -> Result<Session, S3Error> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(files) = source.profile_files() {
            loader = loader.profile_files(files);
        }
        if let Some(name) = profile {
            loader = loader.profile_name(name);
        }
        if let Some(region) = region_override {
            loader = loader.region(Region::new(region.to_owned()));
        }
        let sdk = loader.load().await;
        let profiles = super::config::list_profiles(source).await;
        let name = profile
            .map(str::to_owned)
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .unwrap_or_else(|| "default".to_owned());
        let info = profiles
            .into_iter()
            .find(|p| p.name == name)
            .unwrap_or(ProfileInfo {
                name,
                region: None,
                endpoint_url: None,
                kind: ProfileKind::Other,
            });
        let Some(provider) = sdk.credentials_provider() else {
            return Err(S3Error::new(
                ErrorKind::NoCredentials,
                &Doing {
                    profile: &info.name,
                    what: "loading the profile",
                    ..Doing::default()
                },
                "no credentials provider",
            ));
        };
        let region_from_profile = sdk.region().is_some();
        let region = sdk
            .region()
            .map(|r| r.as_ref().to_owned())
            .unwrap_or_else(|| FALLBACK_REGION.to_owned());
        let endpoint_url = sdk.endpoint_url().map(str::to_owned);
        let base = aws_sdk_s3::config::Builder::from(&sdk);
        Ok(Self::build(
            info,
            region,
            region_from_profile,
            endpoint_url,
            CredentialsCache::new(provider),
            base,
        ))
    }

    /// A session on an explicit endpoint with fixed keys: the demo bucket and tests.
    pub fn with_static_keys(
        profile_name: &str,
        endpoint_url: &str,
        region: &str,
        access_key: &str,
        secret_key: &str,
    ) -> Session {
        let info = ProfileInfo {
            name: profile_name.to_owned(),
            region: Some(region.to_owned()),
            endpoint_url: Some(endpoint_url.to_owned()),
            kind: ProfileKind::StaticKeys,
        };
        Self::with_credentials(
            info,
            endpoint_url,
            region,
            CredentialsCache::from_static(access_key, secret_key),
        )
    }

    /// A session whose credentials come from `credentials` (tests of expiring credentials).
    pub fn with_credentials(
        profile: ProfileInfo,
        endpoint_url: &str,
        region: &str,
        credentials: CredentialsCache,
    ) -> Session {
        let base = aws_sdk_s3::config::Builder::new()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(endpoint_url);
        Self::build(
            profile,
            region.to_owned(),
            true,
            Some(endpoint_url.to_owned()),
            credentials,
            base,
        )
    }

    fn build(
        profile: ProfileInfo,
        region: String,
        region_from_profile: bool,
        endpoint_url: Option<String>,
        credentials: CredentialsCache,
        base: aws_sdk_s3::config::Builder,
    ) -> Session {
        let mut base = base
            .credentials_provider(credentials.clone())
            .identity_cache(IdentityCache::no_cache());
        if endpoint_url.is_some() {
            // MinIO, R2, Ceph and local servers: bucket in the path, and no checksum
            // trailers, which several of them do not understand.
            base = base
                .force_path_style(true)
                .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
                .interceptor(super::compat::InitiateMultipartRootFix);
        }
        Session {
            inner: Arc::new(Inner {
                profile,
                region,
                region_from_profile,
                endpoint_url,
                base_config: base,
                clients: Mutex::new(HashMap::new()),
                credentials,
                regions: RegionCache::default(),
            }),
        }
    }

    pub fn profile(&self) -> &ProfileInfo {
        &self.inner.profile
    }

    /// The profile's region (or us-east-1 when it names none).
    pub fn region(&self) -> &str {
        &self.inner.region
    }

    /// False when the profile names no region and the window should offer a picker.
    pub fn region_from_profile(&self) -> bool {
        self.inner.region_from_profile
    }

    pub fn endpoint_url(&self) -> Option<&str> {
        self.inner.endpoint_url.as_deref()
    }

    pub fn credentials(&self) -> &CredentialsCache {
        &self.inner.credentials
    }

    /// The S3 client that signs for `region` (built once per region).
    pub fn client_for(&self, region: &str) -> Client {
        let mut clients = self
            .inner
            .clients
            .lock()
            // Only whole inserts happen under this lock: the map is intact after a panic.
            .unwrap_or_else(|e| e.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                Client::from_conf(
                    self.inner
                        .base_config
                        .clone()
                        .region(Region::new(region.to_owned()))
                        .build(),
                )
            })
            .clone()
    }

    pub fn doing<'a>(
        &'a self,
        what: &'a str,
        bucket: Option<&'a str>,
        key: Option<&'a str>,
    ) -> Doing<'a> {
        Doing {
            profile: &self.inner.profile.name,
            sso: self.inner.profile.kind == ProfileKind::Sso,
            bucket,
            key,
            what,
        }
    }

    /// Resolves the signing credentials now, mapping failures to plain messages.
    pub async fn current_credentials(
        &self,
        what: &str,
    ) -> Result<aws_credential_types::Credentials, S3Error> {
        self.inner
            .credentials
            .current()
            .await
            .map_err(|err| self.credentials_error(&err, what))
    }

    fn credentials_error(&self, err: &CredentialsError, what: &str) -> S3Error {
        let detail = chain(err);
        let kind = match err {
            CredentialsError::CredentialsNotLoaded(_) => ErrorKind::NoCredentials,
            CredentialsError::ProviderTimedOut(_) => ErrorKind::Network,
            CredentialsError::InvalidConfiguration(_) => ErrorKind::NoCredentials,
            CredentialsError::ProviderError(_) | CredentialsError::Unhandled(_) => {
                credential_kind(&detail).unwrap_or(if self.inner.profile.kind == ProfileKind::Sso {
                    ErrorKind::ExpiredSession
                } else {
                    ErrorKind::NoCredentials
                })
            }
            _ => credential_kind(&detail).unwrap_or(ErrorKind::NoCredentials),
        };
        S3Error::new(kind, &self.doing(what, None, None), detail)
    }

    pub async fn list_buckets(&self) -> Result<Vec<BucketEntry>, S3Error> {
        let what = "listing buckets";
        self.current_credentials(what).await?;
        let client = self.client_for(&self.inner.region);
        let mut buckets = Vec::new();
        let mut token: Option<String> = None;
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
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => break,
            }
        }
        buckets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(buckets)
    }

    /// The bucket's region: HeadBucket's x-amz-bucket-region (sent even on 301/403),
    /// then GetBucketLocation on AWS, else the profile's region. Cached.
    pub async fn bucket_region(&self, bucket: &str) -> Result<String, S3Error> {
        if let Some(region) = self.inner.regions.get(bucket) {
            return Ok(region);
        }
        let what = "looking up the bucket's region";
        let doing = self.doing(what, Some(bucket), None);
        self.current_credentials(what).await?;
        let client = self.client_for(&self.inner.region);
        let from_header = match client.head_bucket().bucket(bucket).send().await {
            Ok(out) => out.bucket_region().map(str::to_owned),
            Err(SdkError::ServiceError(ctx)) => {
                let raw = ctx.raw();
                let header = raw.headers().get(BUCKET_REGION_HEADER).map(str::to_owned);
                if raw.status().as_u16() == 404 {
                    return Err(S3Error::new(
                        ErrorKind::NoSuchBucket,
                        &doing,
                        "HeadBucket: 404",
                    ));
                }
                header
            }
            Err(err) => return Err(S3Error::from_sdk(&err, &doing)),
        };
        let region = match from_header {
            Some(region) => region,
            None if self.inner.endpoint_url.is_some() => self.inner.region.clone(),
            None => match client.get_bucket_location().bucket(bucket).send().await {
                Ok(out) => normalize_location(out.location_constraint().map(|c| c.as_str())),
                // Without permission to ask, the profile's region is the best guess.
                Err(_) => self.inner.region.clone(),
            },
        };
        self.inner.regions.insert(bucket, &region);
        Ok(region)
    }

    /// One page of the listing under `prefix` ("folders" via delimiter "/").
    pub async fn list_page(
        &self,
        bucket: &str,
        prefix: &str,
        token: Option<String>,
    ) -> Result<ListPage, S3Error> {
        let what = "listing objects";
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        let out = client
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .delimiter("/")
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
                    storage_class: o.storage_class().map(|c| c.as_str().to_owned()),
                })
            })
            .collect();
        let next_token = if out.is_truncated().unwrap_or(false) {
            out.next_continuation_token().map(str::to_owned)
        } else {
            None
        };
        Ok(ListPage {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
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
        mut on_page: impl FnMut(ListPage),
    ) -> Result<(), S3Error> {
        let mut token = None;
        loop {
            let page = self.list_page(bucket, prefix, token).await?;
            token = page.next_token.clone();
            on_page(page);
            if token.is_none() {
                return Ok(());
            }
        }
    }

    fn check_object_key(&self, bucket: &str, key: &str) -> Result<(), S3Error> {
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

    /// HEAD with the user's credentials: the object exists and we may read it.
    pub async fn head_object(&self, bucket: &str, key: &str) -> Result<ObjectEntry, S3Error> {
        self.check_object_key(bucket, key)?;
        let what = "checking the object before sharing it";
        let region = self.bucket_region(bucket).await?;
        let out = self
            .client_for(&region)
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))))?;
        Ok(ObjectEntry {
            key: key.to_owned(),
            size: out.content_length().unwrap_or(0).max(0) as u64,
            last_modified: out
                .last_modified()
                .and_then(|d| SystemTime::try_from(*d).ok()),
            storage_class: out.storage_class().map(|c| c.as_str().to_owned()),
        })
    }

    /// A download link for an object that exists, with the truth about its end.
    pub async fn share_link(
        &self,
        bucket: &str,
        key: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        self.check_object_key(bucket, key)?;
        let disposition = match options.download_filename.as_deref() {
            Some(name) => {
                Some(content_disposition(name).map_err(|e| S3Error::bad_input(e.to_string()))?)
            }
            None => None,
        };
        self.head_object(bucket, key).await?;
        let region = self.bucket_region(bucket).await?;
        let credentials = self.current_credentials("signing the link").await?;
        let signed_at = SystemTime::now();
        let mut url = object_url(self.endpoint_url(), &region, bucket, key);
        if let Some(disposition) = &disposition {
            url = with_content_disposition(&url, disposition);
        }
        let url = presign_url(
            "GET",
            &url,
            &[],
            &region,
            &credentials,
            signed_at,
            options.expiry,
        )?;
        let (effective, cut_short) = effective_end(signed_at, options.expiry, credentials.expiry());
        let warnings = self.expiry_warnings(cut_short, credentials.expiry(), options.expiry);
        tracing::info!(
            bucket,
            key,
            region,
            expiry = options.expiry.as_secs(),
            "link signed"
        );
        Ok(ShareLink {
            url,
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            signed_at,
            expires_at: signed_at + options.expiry.as_duration(),
            effective_expires_at: effective,
            credentials_expire_at: credentials.expiry(),
            warnings,
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
        self.check_object_key(bucket, key)?;
        if let Some(t) = content_type
            && (t.is_empty() || t.chars().any(|c| c.is_control() || !c.is_ascii()))
        {
            return Err(S3Error::bad_input(format!(
                "The content type {t:?} is not valid: use a plain type such as text/plain or application/pdf."
            )));
        }
        let region = self.bucket_region(bucket).await?;
        let credentials = self.current_credentials("signing the upload link").await?;
        let signed_at = SystemTime::now();
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
            url,
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            content_type: content_type.map(str::to_owned),
            effective_expires_at: effective,
            warnings: self.expiry_warnings(cut_short, credentials.expiry(), expiry),
        })
    }

    fn expiry_warnings(
        &self,
        cut_short: bool,
        credentials_end: Option<SystemTime>,
        expiry: Expiry,
    ) -> Vec<String> {
        let kind = self.inner.profile.kind;
        match credentials_end {
            Some(end) if cut_short => vec![format!(
                "Signed with {} of profile {} that ends at {}; the link stops working then, not after {}.",
                if kind.is_temporary() {
                    kind.describe()
                } else {
                    "temporary credentials"
                },
                self.inner.profile.name,
                crate::share::format_local_time(end),
                format_duration(expiry.as_duration()),
            )],
            None if kind.is_temporary() => vec![format!(
                "Signed with {} whose end is unknown; the link may stop working before it expires.",
                kind.describe()
            )],
            _ => Vec::new(),
        }
    }

    /// Forgets cached credentials and regions (Retry after `aws sso login`).
    pub async fn reset(&self) {
        self.inner.credentials.invalidate().await;
    }
}
