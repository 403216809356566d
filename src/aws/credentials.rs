//! One cache of the credentials that sign everything, so the expiry we report is the
//! expiry of the very credentials in the link. SDK clients use it with their own identity
//! cache turned off, so there is exactly one copy.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use tokio::sync::Mutex;

/// Credentials this close to their end are refreshed before use, so a fresh link does
/// not die a few seconds after it is made.
const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
pub struct CredentialsCache {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    provider: SharedCredentialsProvider,
    cached: Mutex<Option<Credentials>>,
}

impl CredentialsCache {
    pub fn new(provider: SharedCredentialsProvider) -> Self {
        CredentialsCache {
            inner: Arc::new(Inner {
                provider,
                cached: Mutex::new(None),
            }),
        }
    }

    /// Fixed keys, for tests and the demo server.
    pub fn from_static(access_key: &str, secret_key: &str) -> Self {
        Self::new(SharedCredentialsProvider::new(Credentials::new(
            access_key, secret_key, None, None, "static",
        )))
    }

    /// The credentials to sign with now; refreshed when missing or near their end.
    pub async fn current(&self) -> Result<Credentials, CredentialsError> {
        let mut cached = self.inner.cached.lock().await;
        if let Some(creds) = cached.as_ref() {
            let fresh = match creds.expiry() {
                None => true,
                Some(end) => end > SystemTime::now() + REFRESH_MARGIN,
            };
            if fresh {
                return Ok(creds.clone());
            }
        }
        let creds = self.inner.provider.provide_credentials().await?;
        let creds = with_env_expiration(
            creds,
            std::env::var("AWS_ACCESS_KEY_ID").ok().as_deref(),
            std::env::var("AWS_CREDENTIAL_EXPIRATION").ok().as_deref(),
        );
        *cached = Some(creds.clone());
        Ok(creds)
    }

    /// Drops the cached credentials (after `aws sso login`, Retry picks up the new ones).
    pub async fn invalidate(&self) {
        *self.inner.cached.lock().await = None;
    }
}

/// Keys taken from the environment end at AWS_CREDENTIAL_EXPIRATION (RFC 3339), which
/// `aws configure export-credentials --format env` and aws-vault set beside them. The SDK's
/// environment provider ignores it; a link signed with those keys dies with them.
fn with_env_expiration(
    creds: Credentials,
    env_access_key: Option<&str>,
    env_expiration: Option<&str>,
) -> Credentials {
    if creds.expiry().is_some() || env_access_key != Some(creds.access_key_id()) {
        return creds;
    }
    let Some(text) = env_expiration else {
        return creds;
    };
    match chrono::DateTime::parse_from_rfc3339(text.trim()) {
        Ok(end) => Credentials::new(
            creds.access_key_id(),
            creds.secret_access_key(),
            creds.session_token().map(str::to_owned),
            Some(SystemTime::from(end)),
            "Environment",
        ),
        Err(err) => {
            tracing::warn!(error = %err, "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time; ignored");
            creds
        }
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.current())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_from_the_environment_end_at_aws_credential_expiration() {
        let keys = || Credentials::new("AKENV", "secret", Some("tok".into()), None, "Environment");
        let ends = with_env_expiration(keys(), Some("AKENV"), Some("2030-01-02T03:04:05Z"));
        let secs = ends
            .expiry()
            .unwrap()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(secs, 1_893_553_445);
        assert_eq!(ends.session_token(), Some("tok"));
        // Other keys than the environment's, or no readable time: left as they are.
        assert!(
            with_env_expiration(keys(), Some("OTHER"), Some("2030-01-02T03:04:05Z"))
                .expiry()
                .is_none()
        );
        assert!(
            with_env_expiration(keys(), Some("AKENV"), Some("soon"))
                .expiry()
                .is_none()
        );
    }
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: Duration,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            future::ProvideCredentials::ready(Ok(Credentials::new(
                format!("AK{n}"),
                "SK",
                Some("token".into()),
                Some(SystemTime::now() + self.lifetime),
                "test",
            )))
        }
    }

    #[tokio::test]
    async fn long_lived_credentials_are_fetched_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(3600),
        }));
        let a = cache.current().await.unwrap();
        let b = cache.current().await.unwrap();
        assert_eq!(a.access_key_id(), b.access_key_id());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn credentials_near_their_end_are_refreshed() {
        let calls = Arc::new(AtomicUsize::new(0));
        let cache = CredentialsCache::new(SharedCredentialsProvider::new(Counting {
            calls: calls.clone(),
            lifetime: Duration::from_secs(60),
        }));
        let a = cache.current().await.unwrap();
        let b = cache.current().await.unwrap();
        assert_ne!(a.access_key_id(), b.access_key_id());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
