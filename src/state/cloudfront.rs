//! Links through CloudFront in the window: the bucket's setting (a form opened from the
//! bucket's context menu, checked by the worker before it is kept), the share panel's
//! "Through CloudFront" choice with its longer lifetimes, and Copy link through it.

use std::time::{Duration, SystemTime};

use super::{Effect, State};
use crate::command::Command;
use crate::ops::{CloudFrontChange, CloudFrontRequest, CloudFrontSetting, CloudFrontSettings};
use crate::s3::S3Error;

/// The CloudFront form of one bucket, while open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudFrontForm {
    pub bucket: String,
    pub domain: String,
    pub key_id: String,
    /// The private key's path (the key itself is never read into the form).
    pub private_key: String,
    pub origin_path: String,
    /// The distribution's id (for revocable links; optional).
    pub distribution_id: String,
    pub error: Option<String>,
    /// Checking and saving.
    pub saving: bool,
    /// The bucket has a setting now (so it can be removed).
    pub is_set: bool,
}

impl State {
    /// The setting of the open bucket, if links to it can go through CloudFront.
    pub fn cloudfront_here(&self) -> Option<&CloudFrontSetting> {
        self.cloudfront.get(&self.listing.bucket)
    }

    /// Copy link goes through CloudFront: chosen in the panel, and set for the bucket.
    pub fn via_cloudfront(&self) -> bool {
        self.share.via_cloudfront && self.cloudfront_here().is_some()
    }

    /// The lifetime of the next link through CloudFront: a longer choice, or the panel's.
    pub fn cloudfront_lifetime(&self) -> Duration {
        self.share
            .long_lifetime
            .unwrap_or_else(|| self.share.expiry.as_duration())
    }

    /// Why `what` (a presigned S3 link, up to 7 days) cannot have the lifetime shown: a
    /// lifetime only links through CloudFront can have was chosen.
    pub(super) fn cloudfront_only_lifetime(&self, what: &str) -> Option<S3Error> {
        // With several files chosen the panel shows the slider's lifetime, which is used.
        if self.selection.len() > 1 {
            return None;
        }
        let long = self.share.long_lifetime.filter(|_| self.via_cloudfront())?;
        Some(S3Error::bad_input(format!(
            "{what} is a presigned S3 link and lives at most 7 days, not {}: choose a lifetime on the slider for it (the longer ones are for Copy link through CloudFront).",
            crate::share::format_duration(long)
        )))
    }

    /// A refusal on screen goes (the choice it was about changed).
    pub fn forget_refusal(&mut self) {
        self.share_status.forget_refusal();
        self.pages.error = None;
    }

    /// When a link through CloudFront made now would end (its policy's end: no session
    /// cuts it short).
    pub fn cloudfront_end(&self, now: SystemTime) -> SystemTime {
        now + self.cloudfront_lifetime()
    }

    /// Opens the form for `bucket`, filled with what is set.
    pub fn open_cloudfront_form(&mut self, bucket: &str) {
        let set = self.cloudfront.get(bucket);
        self.cloudfront_form = Some(CloudFrontForm {
            bucket: bucket.to_owned(),
            domain: set.map(|s| s.domain.clone()).unwrap_or_default(),
            key_id: set.map(|s| s.key_id.clone()).unwrap_or_default(),
            private_key: set
                .map(|s| s.private_key.display().to_string())
                .unwrap_or_default(),
            origin_path: set
                .map(|s| format!("/{}", s.origin_path.trim_end_matches('/')))
                .filter(|p| p != "/")
                .unwrap_or_default(),
            distribution_id: set
                .and_then(|s| s.distribution_id.clone())
                .unwrap_or_default(),
            error: None,
            saving: false,
            is_set: set.is_some(),
        });
    }

    /// Save (`remove`: Stop using CloudFront): checked and written by the worker.
    pub fn change_cloudfront(&mut self, remove: bool) -> Vec<Effect> {
        let Some(form) = &mut self.cloudfront_form else {
            return Vec::new();
        };
        if form.saving {
            return Vec::new();
        }
        let change = if remove {
            CloudFrontChange::Remove
        } else {
            if form.domain.trim().is_empty()
                || form.key_id.trim().is_empty()
                || form.private_key.trim().is_empty()
            {
                form.error = Some(
                    "Fill in the domain, the key id and the private key file (origin path only if the distribution has one).".to_owned(),
                );
                return Vec::new();
            }
            CloudFrontChange::Set {
                domain: form.domain.trim().to_owned(),
                key_id: form.key_id.trim().to_owned(),
                private_key: form.private_key.trim().into(),
                origin_path: Some(form.origin_path.trim().to_owned()).filter(|p| !p.is_empty()),
                distribution_id: Some(form.distribution_id.trim().to_owned())
                    .filter(|p| !p.is_empty()),
            }
        };
        form.saving = true;
        form.error = None;
        vec![Effect::Send(Command::SetCloudFront {
            bucket: form.bucket.clone(),
            change,
            settings: Box::new(self.cloudfront.clone()),
        })]
    }

    /// The worker checked and wrote the settings (or said why not).
    pub(super) fn cloudfront_set(
        &mut self,
        bucket: &str,
        result: Result<Box<CloudFrontSettings>, S3Error>,
    ) {
        match result {
            Ok(settings) => {
                let set = settings.get(bucket).is_some();
                self.cloudfront = *settings;
                if self
                    .cloudfront_form
                    .as_ref()
                    .is_some_and(|f| f.bucket == bucket)
                {
                    self.cloudfront_form = None;
                }
                if bucket == self.listing.bucket {
                    self.share.via_cloudfront = set;
                }
            }
            Err(error) => {
                if let Some(form) = self.cloudfront_form.as_mut().filter(|f| f.bucket == bucket) {
                    form.saving = false;
                    form.error = Some(error.message);
                }
            }
        }
    }

    /// Copy link through CloudFront for the selected object (`lifetime`: a menu's choice).
    pub(super) fn copy_via_cloudfront(
        &mut self,
        key: String,
        lifetime: Option<Duration>,
        download_filename: Option<crate::share::DownloadFilename>,
    ) -> Vec<Effect> {
        let Some(setting) = self.cloudfront_here().cloned() else {
            return Vec::new();
        };
        self.start_signing(false);
        vec![Effect::Send(Command::ShareViaCloudFront {
            bucket: self.listing.bucket.clone(),
            key,
            setting: Box::new(setting),
            request: CloudFrontRequest {
                lifetime: lifetime.unwrap_or_else(|| self.cloudfront_lifetime()),
                download_filename,
                not_before: None,
                ip: None,
                revocable: self.share.revocable,
            },
        })]
    }
}
