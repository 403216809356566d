//! A signed-in profile: its S3 clients (one per region), the one credentials cache, the
//! bucket-region cache and the clock the signer uses. The operations live beside their
//! concern: `list.rs` (buckets, folders), `region.rs` (bucket regions), `link.rs` (links).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{
    IdentityCache, Region, RequestChecksumCalculation, ResponseChecksumValidation,
};

use super::region_cache::RegionCache;
use crate::aws::{CredentialsCache, ProfileInfo, ProfileKind, SignIn};
use crate::error::{Doing, ErrorKind, S3Error, chain, credential_kind};
use crate::share::{Clock, ServerDate, corrected, system_clock};

#[derive(Clone)]
pub struct Session {
    pub(super) inner: Arc<Inner>,
    /// Stamps every link: the window's clock, so the countdown and the signer agree.
    clock: Clock,
    /// Where CloudFront's API is asked (None: cloudfront.amazonaws.com).
    cloudfront_endpoint: Option<Arc<str>>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("profile", &self.inner.profile.name)
            .field("region", &self.inner.region)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
pub(super) struct Inner {
    pub(super) profile: ProfileInfo,
    pub(super) region: String,
    region_from_profile: bool,
    pub(super) endpoint_url: Option<String>,
    /// Where the bucket goes in URLs (the profile's `s3 = addressing_style`).
    pub(super) addressing: crate::aws::Addressing,
    pub(super) base_config: aws_sdk_s3::config::Builder,
    clients: Mutex<HashMap<String, Client>>,
    credentials: CredentialsCache,
    pub(super) regions: RegionCache,
    /// Per bucket: whether the server refuses a conditional write to a taken key.
    conditional_writes: std::sync::Mutex<HashMap<String, bool>>,
    /// The server's clock, from the `Date` of its answers.
    pub(super) server_date: ServerDate,
    /// The profile files, to explain a credential failure (None: keys given in code).
    pub(super) profile_context: Option<crate::aws::explain::ProfileContext>,
    /// The CAs every HTTPS client of this session trusts (ca_bundle / AWS_CA_BUNDLE).
    pub(super) ca_bundle: Option<crate::aws::CaBundle>,
}

/// Connecting to S3 takes at most this long.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long credentials may take to arrive: twice an answer (60 s by default).
fn credentials_timeout() -> Duration {
    crate::limits::answer_timeout() * 2
}

impl Session {
    /// What a probe found of the bucket's conditional writes (None: not probed yet).
    pub(super) fn conditional_writes(&self, bucket: &str) -> Option<bool> {
        let known = self.inner.conditional_writes.lock();
        known
            .unwrap_or_else(|e| e.into_inner())
            .get(bucket)
            .copied()
    }

    pub(super) fn set_conditional_writes(&self, bucket: &str, honoured: bool) {
        let mut known = self
            .inner
            .conditional_writes
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        known.insert(bucket.to_owned(), honoured);
    }
}

impl Session {
    /// Signs in with a profile as the AWS CLI does (`aws::sign_in`) and builds the session
    /// from that complete value. Credentials are resolved on first use.
    pub async fn connect(
        source: &crate::aws::ProfileFilesSource,
        profile: Option<&str>,
        region: Option<&str>,
    ) -> Result<Session, S3Error> {
        Ok(Self::build(
            crate::aws::sign_in(source, profile, region).await?,
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

    /// Fixed keys on `endpoint_url`, or on AWS itself when there is none (a profile being
    /// added, tried before it is saved).
    pub fn with_static_keys_at(
        profile_name: &str,
        endpoint_url: Option<&str>,
        region: &str,
        access_key: &str,
        secret_key: &str,
    ) -> Session {
        if let Some(endpoint) = endpoint_url {
            return Self::with_static_keys(profile_name, endpoint, region, access_key, secret_key);
        }
        let info = ProfileInfo {
            name: profile_name.to_owned(),
            region: Some(region.to_owned()),
            endpoint_url: None,
            kind: ProfileKind::StaticKeys,
        };
        let base = aws_sdk_s3::config::Builder::new().behavior_version(BehaviorVersion::latest());
        Self::build(SignIn::given(
            info,
            region,
            None,
            CredentialsCache::from_static(access_key, secret_key),
            base,
        ))
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
        Self::build(SignIn::given(
            profile,
            region,
            Some(endpoint_url.to_owned()),
            credentials,
            base,
        ))
    }

    /// The session of a complete sign-in: everything is known before it exists, so nothing
    /// is patched afterwards.
    pub(super) fn build(sign_in: SignIn) -> Session {
        let SignIn {
            profile,
            region,
            region_from_profile,
            endpoint_url,
            credentials,
            base,
            addressing,
            profile_context,
            ca_bundle,
            cloudfront_endpoint,
        } = sign_in;
        let server_date = ServerDate::default();
        // A server that stops answering must not hang a run: connecting and waiting for an
        // answer are bounded; a body nobody reads fails through the SDK's stalled-stream
        // protection (on with the latest behaviour version).
        let read_timeout = crate::limits::answer_timeout();
        let timeouts = aws_sdk_s3::config::timeout::TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT.min(read_timeout))
            .read_timeout(read_timeout)
            .build();
        let mut base = base
            .timeout_config(timeouts)
            .credentials_provider(credentials.clone())
            .identity_cache(IdentityCache::no_cache())
            .interceptor(super::server_date::ServerDateRecorder(server_date.clone()))
            .interceptor(super::bounded::BoundedAnswers)
            .retry_classifier(super::bounded::NoRetryAfterSilence);
        if endpoint_url.is_some() {
            // MinIO, R2, Ceph and local servers: bucket in the path, and no checksum
            // trailers, which several of them do not understand.
            base = base
                .force_path_style(true)
                .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
                .response_checksum_validation(ResponseChecksumValidation::WhenRequired)
                .interceptor(super::compat::InitiateMultipartRootFix);
        }
        // The SDK's requests use the same style as the links (the profile's
        // `s3 = addressing_style`), over the default above.
        match addressing {
            Some(crate::aws::Addressing::Path) => base = base.force_path_style(true),
            Some(crate::aws::Addressing::Virtual) => base = base.force_path_style(false),
            Some(crate::aws::Addressing::Auto) | None => {}
        }
        Session {
            clock: system_clock(),
            cloudfront_endpoint: cloudfront_endpoint.map(Arc::from),
            inner: Arc::new(Inner {
                profile,
                region,
                region_from_profile,
                endpoint_url,
                addressing: addressing.unwrap_or_default(),
                base_config: base,
                clients: Mutex::new(HashMap::new()),
                credentials,
                regions: RegionCache::default(),
                conditional_writes: std::sync::Mutex::default(),
                server_date,
                profile_context,
                ca_bundle,
            }),
        }
    }

    /// The same session, signing with `clock` (the window's, or a fixed one in tests).
    pub fn with_clock(mut self, clock: Clock) -> Session {
        self.clock = clock;
        self
    }

    /// The same session, asking CloudFront's API at `endpoint` (sessions made in code: the
    /// demo and tests; a profile's comes from AWS_ENDPOINT_URL_CLOUDFRONT and the like).
    pub fn with_cloudfront_endpoint(mut self, endpoint: &str) -> Session {
        self.cloudfront_endpoint = Some(Arc::from(endpoint));
        self
    }

    /// Where CloudFront's API is asked: the endpoint set for it, else CloudFront's own.
    pub fn cloudfront_endpoint(&self) -> &str {
        self.cloudfront_endpoint
            .as_deref()
            .unwrap_or(super::invalidation::DEFAULT_ENDPOINT)
    }

    /// Now, by the clock that signs: this computer's, corrected by the server's when they
    /// differ by more than a minute.
    pub fn now(&self) -> SystemTime {
        let local = (self.clock)();
        corrected(local, self.inner.server_date.correction(local))
    }

    /// Seconds the server's clock is ahead of this computer's (negative: behind), when
    /// links are being signed with the server's time.
    pub fn clock_correction(&self) -> Option<i64> {
        self.inner.server_date.correction((self.clock)())
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

    /// The unsigned URL of an object in `region`, at the endpoint and in the addressing
    /// style of this session: the URL the SDK's requests go to is the URL links are for.
    pub(super) fn object_url(&self, region: &str, bucket: &str, key: &str) -> String {
        super::presign::object_url_in_style(
            self.endpoint_url(),
            self.inner.addressing,
            region,
            bucket,
            key,
        )
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
        let host = self.inner.endpoint_url.as_deref().map(|url| {
            let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
            rest.split(['/', '?']).next().unwrap_or(rest)
        });
        Doing {
            profile: &self.inner.profile.name,
            sso: self.inner.profile.kind == ProfileKind::Sso,
            bucket,
            key,
            what,
            host,
        }
    }

    /// Resolves the signing credentials now, mapping failures to plain messages.
    pub async fn current_credentials(
        &self,
        what: &str,
    ) -> Result<aws_credential_types::Credentials, S3Error> {
        let limit = credentials_timeout();
        match tokio::time::timeout(limit, self.inner.credentials.current()).await {
            Ok(Ok(credentials)) => Ok(credentials),
            Ok(Err(err)) => Err(self.credentials_error(&err, what).await),
            Err(_) => Err(S3Error::plain(
                ErrorKind::NoCredentials,
                format!(
                    "The credentials of profile {} did not arrive within {} s while {what} (a credential_process, SSO or role that does not answer). Check the profile's settings, then try again.",
                    self.inner.profile.name,
                    limit.as_secs()
                ),
            )),
        }
    }

    async fn credentials_error(&self, err: &CredentialsError, what: &str) -> S3Error {
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
        let mut error = S3Error::new(kind, &self.doing(what, None, None), detail);
        tracing::debug!(
            explained = self.inner.profile_context.is_some(),
            detail = %error.detail,
            "credential failure"
        );
        if let Some(context) = &self.inner.profile_context
            && let Some(cause) = context
                .explain(&error.detail, &self.inner.profile.name)
                .await
        {
            error.message = cause;
        }
        error
    }
}
