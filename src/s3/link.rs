//! Links for a session: a download link for an object that exists (HEAD first, so nobody is
//! handed a link to nothing, then the link itself is tried as a colleague would open it),
//! and an upload ("send me a file") link. Both are signed locally with the session's clock
//! (corrected by the server's when they disagree) and say when they really stop working.

use std::time::{Duration, SystemTime};

use super::check::{LinkCheck, LinkProblem, try_link};
use super::presign::{ShareLink, ShareOptions, UploadLink, presign_url, with_content_disposition};
use super::session::Session;
use crate::error::{ErrorKind, S3Error};
use crate::share::{
    Expiry, SignedUrl, Signer, clock_warning, effective_end, format_local_time, link_warnings,
};

/// Credentials ending sooner than this give no link: it would die before it is opened.
const CREDENTIALS_MARGIN: Duration = Duration::from_secs(60);

/// What S3 accepts as the key of a single object, checked before any request.
/// The key rules of `share::key`, as the error the callers return.
fn check_object_key(_bucket: &str, key: &str) -> Result<(), S3Error> {
    crate::share::key::check_file_key(key).map_err(|e| S3Error::bad_input(e.to_string()))
}

impl Session {
    /// HEAD with the user's credentials: the object exists and we may read it.
    pub async fn check_object_exists(&self, bucket: &str, key: &str) -> Result<(), S3Error> {
        let what = "checking the object before sharing it";
        let region = self.bucket_region(bucket).await?;
        let checked = self
            .client_for(&region)
            .head_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(key))));
        match checked {
            Ok(_) => Ok(()),
            // A HEAD refusal has no body to tell "not allowed" from "keys not accepted".
            Err(err) if err.kind == ErrorKind::AccessDenied => {
                self.check_keys_accepted(bucket, &region, what).await?;
                Err(err)
            }
            Err(err) => Err(err),
        }
    }

    /// One cheap request that answers with a body: fails when the server does not accept
    /// the keys themselves (wrong secret, unknown key id). Any other answer (including
    /// "not allowed to list") means the keys are fine.
    async fn check_keys_accepted(
        &self,
        bucket: &str,
        region: &str,
        what: &str,
    ) -> Result<(), S3Error> {
        let listed = self
            .client_for(region)
            .list_objects_v2()
            .bucket(bucket)
            .max_keys(1)
            .send()
            .await;
        match listed {
            Err(e) => {
                let err = S3Error::from_sdk(&e, &self.doing(what, Some(bucket), None));
                if err.kind == ErrorKind::CredentialsRejected {
                    Err(err)
                } else {
                    Ok(())
                }
            }
            Ok(_) => Ok(()),
        }
    }

    /// A download link for an object that exists, tried as a colleague would open it,
    /// with the truth about its end. A link the server refuses comes back with
    /// `check: LinkCheck::Refused`: the caller must not hand it out without saying so.
    pub async fn share_link(
        &self,
        bucket: &str,
        key: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        let link = self.share_link_unchecked(bucket, key, options).await?;
        self.tried(link, options).await
    }

    /// A link to an object known to be there (just checked, or just copied and its size
    /// checked): signed without asking again, and tried when `try_it`.
    pub async fn link_to_stored(
        &self,
        bucket: &str,
        key: &str,
        options: &ShareOptions,
        try_it: bool,
    ) -> Result<ShareLink, S3Error> {
        let region = self.bucket_region(bucket).await?;
        let link = self.sign_download(bucket, key, &region, options).await?;
        if try_it {
            self.tried(link, options).await
        } else {
            Ok(link)
        }
    }

    /// `link` tried as a colleague would open it.
    async fn tried(&self, link: ShareLink, options: &ShareOptions) -> Result<ShareLink, S3Error> {
        let (bucket, key) = (link.bucket.clone(), link.key.clone());
        let first = self.try_share_link(link).await;
        // Refused as expired or not yet valid, and the server's answer showed that this
        // computer's clock is off: sign again with the server's time, once.
        let clock_refusal = matches!(first.check, LinkCheck::Refused(LinkProblem::Clock { .. }));
        if clock_refusal && first.clock_correction.is_none() && self.clock_correction().is_some() {
            let again = self
                .sign_download(&bucket, &key, &first.region, options)
                .await?;
            return Ok(self.try_share_link(again).await);
        }
        Ok(first)
    }

    /// `share_link` without the self-test (`--no-check`): the object is checked with the
    /// owner's credentials, the link itself is not tried.
    pub async fn share_link_unchecked(
        &self,
        bucket: &str,
        key: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        check_object_key(bucket, key)?;
        self.check_object_exists(bucket, key).await?;
        let region = self.bucket_region(bucket).await?;
        self.sign_download(bucket, key, &region, options).await
    }

    /// Fetches the first byte of the link without credentials (off the async threads) and
    /// records the verdict and the server's clock.
    pub(super) async fn try_share_link(&self, mut link: ShareLink) -> ShareLink {
        match self.try_signed(&link.url, &link.region).await {
            Ok(outcome) => {
                if let Some(date) = outcome.server_date {
                    self.inner.server_date.observe(date);
                }
                tracing::info!(bucket = link.bucket, key = link.key, check = ?outcome.check, "link tried");
                link.check = outcome.check;
            }
            Err(err) => link.check = LinkCheck::NotChecked(err.to_string()),
        }
        link
    }

    /// Tries `url` once without credentials, as a colleague would open it (off the async
    /// threads): revoking checks that a link no longer opens this way.
    pub async fn try_url(&self, bucket: &str, url: &SignedUrl) -> LinkCheck {
        let region = self
            .bucket_region(bucket)
            .await
            .unwrap_or_else(|_| self.region().to_owned());
        self.try_signed(url, &region)
            .await
            .map_or_else(|e| LinkCheck::NotChecked(e.to_string()), |o| o.check)
    }

    /// One GET of `url`'s first byte without credentials, off the async threads.
    async fn try_signed(
        &self,
        url: &SignedUrl,
        region: &str,
    ) -> Result<super::check::CheckOutcome, tokio::task::JoinError> {
        // A fragment (an encrypted share's key) is the browser's alone: never sent.
        let url = SignedUrl::new(
            url.expose()
                .split('#')
                .next()
                .unwrap_or_default()
                .to_owned(),
        );
        let region = region.to_owned();
        let host = host_of(url.expose()).to_owned();
        let ca_bundle = self.inner.ca_bundle.clone();
        tokio::task::spawn_blocking(move || try_link(&url, &host, &region, ca_bundle.as_ref()))
            .await
    }

    /// Signs a download link for `region` now (by the session's clock), without asking the
    /// server anything: no existence check, no self-test. `share_link` is the checked way.
    pub async fn sign_download(
        &self,
        bucket: &str,
        key: &str,
        region: &str,
        options: &ShareOptions,
    ) -> Result<ShareLink, S3Error> {
        check_object_key(bucket, key)?;
        let mut url = self.object_url(region, bucket, key);
        if let Some(name) = &options.download_filename {
            url = with_content_disposition(&url, name.header());
        }
        let credentials = self.current_credentials("signing the link").await?;
        let signed_at = self.now();
        self.refuse_ending_credentials(&credentials, signed_at, bucket, key)?;
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
        let clock_correction = self.clock_correction();
        let mut warnings = link_warnings(
            self.signer(),
            credentials.expiry(),
            cut_short,
            options.expiry,
        );
        warnings.extend(clock_correction.map(clock_warning));
        Ok(ShareLink {
            url: SignedUrl::new(url),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            download_filename: options
                .download_filename
                .as_ref()
                .map(|n| n.name().to_owned()),
            region: region.to_owned(),
            signed_at,
            expires_at: signed_at + options.expiry.as_duration(),
            effective_expires_at: effective,
            clock_correction,
            check: LinkCheck::Skipped,
            warnings,
            copy: None,
        })
    }

    /// An upload link: whoever has it may PUT one object at `key` until it expires. It is
    /// not tried (that would write an object); the credentials and the clock are checked.
    pub async fn upload_link(
        &self,
        bucket: &str,
        key: &str,
        content_type: Option<&str>,
        expiry: Expiry,
    ) -> Result<UploadLink, S3Error> {
        check_object_key(bucket, key)?;
        if let Some(t) = content_type
            && !is_media_type(t)
        {
            return Err(S3Error::bad_input(format!(
                "The content type {t:?} is not valid: use a plain type such as text/plain or application/pdf."
            )));
        }
        let region = self.bucket_region(bucket).await?;
        // Nothing is tried with an upload link (that would write), but keys the server
        // does not accept are caught before the link is handed out.
        self.check_keys_accepted(bucket, &region, "checking the keys for an upload link")
            .await?;
        let credentials = self.current_credentials("signing the upload link").await?;
        let signed_at = self.now();
        self.refuse_ending_credentials(&credentials, signed_at, bucket, key)?;
        let url = self.object_url(&region, bucket, key);
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
        let mut warnings = link_warnings(self.signer(), credentials.expiry(), cut_short, expiry);
        warnings.extend(self.clock_correction().map(clock_warning));
        // The colleague's PUT replaces whatever is there: say so before the link goes out.
        let client = self.client_for(&region);
        if super::upload::exists(self, &client, bucket, key).await? {
            warnings.insert(
                0,
                format!(
                    "s3://{bucket}/{key} already exists: a file sent through this link replaces it (unless the bucket keeps versions). Choose a new name to keep it."
                ),
            );
        }
        Ok(UploadLink {
            url: SignedUrl::new(url),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            content_type: content_type.map(str::to_owned),
            signed_at,
            lifetime: expiry,
            effective_expires_at: effective,
            warnings,
        })
    }

    /// Credentials that have ended, or end within a minute, sign no link: it would be dead
    /// on arrival. The message says how to renew them.
    fn refuse_ending_credentials(
        &self,
        credentials: &aws_credential_types::Credentials,
        now: SystemTime,
        bucket: &str,
        key: &str,
    ) -> Result<(), S3Error> {
        match credentials.expiry() {
            Some(end) if end <= now + CREDENTIALS_MARGIN => Err(S3Error::new(
                ErrorKind::ExpiredSession,
                &self.doing("signing the link", Some(bucket), Some(key)),
                format!("the credentials end at {}", format_local_time(end)),
            )),
            Some(_) | None => Ok(()),
        }
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

/// The host of an `http(s)://host[:port]/…` URL.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.split(['/', '?']).next().unwrap_or(rest)
}

/// `type/subtype`, optionally with `; name=value` parameters, of printable ASCII without
/// quotes or backslashes: what a Content-Type needs, and nothing that could break the
/// command line it is printed in.
fn is_media_type(text: &str) -> bool {
    let (essence, _) = text.split_once(';').unwrap_or((text, ""));
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
    };
    let printable = text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !b"'\"\\`".contains(&b));
    printable
        && essence
            .trim()
            .split_once('/')
            .is_some_and(|(major, minor)| token(major) && token(minor))
}
