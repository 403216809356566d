//! The share panel's choices: the lifetime (preset, 7-day maximum or custom text) and the
//! optional download filename, each validated where it is entered.

use super::Effect;
use crate::command::Command;
use crate::s3::ShareOptions;
use crate::share::{
    DispositionError, DownloadFilename, EXPIRY_PRESETS, Expiry, ExpiryError, parse_typed_expiry,
};

/// The share panel's choices.
#[derive(Debug, Clone, Default)]
pub struct ShareSettings {
    pub expiry: Expiry,
    /// Text of the custom lifetime field and its error.
    pub custom_text: String,
    pub custom_error: Option<String>,
    pub filename_enabled: bool,
    pub filename: String,
    /// Links point at a copy made for each, so each can be taken back (remembered).
    pub revocable: bool,
    /// Files dropped, pasted or picked are shared encrypted (stored as ciphertext under
    /// .s3share/, not in the folder).
    pub encrypt_uploads: bool,
    /// The passphrase of encrypted shares (empty: the key travels in the link).
    pub passphrase: SecretText,
    /// The passphrase field is open in the share panel.
    pub passphrase_shown: bool,
    /// Copy link signs through the bucket's CloudFront distribution (when one is set).
    pub via_cloudfront: bool,
    /// A lifetime only CloudFront links can have (30 days, 90 days, 1 year); the slider's
    /// or the custom field's choice clears it.
    pub long_lifetime: Option<std::time::Duration>,
}

/// Text typed that must not reach a log: Debug shows nothing of it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretText(…)")
    }
}

impl ShareSettings {
    /// The slider position: the preset closest to the current expiry.
    pub fn preset_index(&self) -> usize {
        crate::share::preset_index(self.expiry)
    }

    /// Picks a preset; the custom field is emptied, since it no longer applies.
    pub fn set_preset(&mut self, index: usize) {
        if let Some((_, expiry)) = EXPIRY_PRESETS.get(index) {
            self.expiry = *expiry;
            self.long_lifetime = None;
            self.custom_text.clear();
            self.custom_error = None;
        }
    }

    /// Picks a lifetime only CloudFront links can have (30 days, 90 days, 1 year); the
    /// custom field is emptied, since it no longer applies (typed text left there would be
    /// applied at the next Copy link).
    pub fn set_long_lifetime(&mut self, lifetime: std::time::Duration) {
        self.long_lifetime = Some(lifetime);
        self.custom_text.clear();
        self.custom_error = None;
    }

    /// Applies the custom field ("90m", "2h30m", "3d") when the typing is done (Enter,
    /// focus elsewhere, or a link is asked for); keeps the last good expiry on error.
    pub fn apply_custom(&mut self) {
        if self.custom_text.trim().is_empty() {
            self.custom_error = None;
            return;
        }
        match self.custom_typed() {
            Some(Ok(typed)) => {
                match typed.to_expiry() {
                    Ok(expiry) => {
                        self.expiry = expiry;
                        self.long_lifetime = None;
                    }
                    // Longer than 7 days: only through CloudFront (custom_typed says so).
                    Err(_) => self.long_lifetime = Some(typed.as_duration()),
                }
                self.custom_error = None;
            }
            Some(Err(err)) => self.custom_error = Some(err.to_string()),
            None => {}
        }
    }

    /// What is wrong with the custom field as typed so far (nothing when it is empty).
    /// While it says something, no link can be made: the lifetime would not be the one
    /// the user is typing.
    pub fn custom_problem(&self) -> Option<ExpiryError> {
        self.custom_typed()?.err()
    }

    /// The custom field read as a lifetime (None when it is empty): up to 7 days, or longer
    /// when Copy link goes through CloudFront.
    pub fn custom_typed(&self) -> Option<Result<crate::share::Lifetime, ExpiryError>> {
        if self.custom_text.trim().is_empty() {
            return None;
        }
        Some(match parse_typed_expiry(&self.custom_text) {
            Ok(expiry) => Ok(expiry.into()),
            Err(ExpiryError::OutOfRange(text)) if self.via_cloudfront => self
                .custom_text
                .parse::<crate::share::Lifetime>()
                .map_err(|_| ExpiryError::OutOfRange(text)),
            Err(err) => Err(err),
        })
    }

    /// The lifetime in use for the next link (a long one only through CloudFront).
    pub fn lifetime_in_use(&self) -> crate::share::Lifetime {
        match self.long_lifetime.filter(|_| self.via_cloudfront) {
            Some(long) => crate::share::Lifetime::from_duration(long),
            None => self.expiry.into(),
        }
    }

    /// How the next encrypted share is keyed: the passphrase typed (checked), or a random
    /// key in the link when none is.
    pub fn encryption(&self) -> Result<crate::ops::Encryption, crate::s3::S3Error> {
        if self.passphrase.0.is_empty() {
            Ok(crate::ops::Encryption::KeyInLink)
        } else {
            crate::ops::Passphrase::parse(&self.passphrase.0)
                .map(crate::ops::Encryption::Passphrase)
        }
    }

    /// The download filename if switched on, validated.
    pub fn download_filename(&self) -> Result<Option<DownloadFilename>, DispositionError> {
        if !self.filename_enabled {
            return Ok(None);
        }
        DownloadFilename::parse(&self.filename).map(Some)
    }
}

impl super::State {
    /// A preset picked (the slider, 7 days): the panel's lifetime from now on.
    pub fn pick_preset(&mut self, index: usize) {
        self.share.set_preset(index);
        self.lifetime_changed();
    }

    /// A lifetime only CloudFront links can have picked (30 days, 90 days, 1 year).
    pub fn pick_long_lifetime(&mut self, lifetime: std::time::Duration) {
        self.share.set_long_lifetime(lifetime);
        self.lifetime_changed();
    }

    /// The custom field is done (Enter, focus elsewhere): applied when it reads.
    pub fn custom_lifetime_done(&mut self) {
        self.share.apply_custom();
        if self.share.custom_error.is_none() {
            self.lifetime_changed();
        }
    }

    /// The lifetime changed (slider, 7 days, custom field, a longer choice): what was refused
    /// for the lifetime before no longer applies, and goes.
    pub fn lifetime_changed(&mut self) {
        self.forget_refusal();
        if self
            .many
            .summary
            .as_deref()
            .is_some_and(|s| s.starts_with(super::many::LIFETIME_REFUSED))
        {
            self.many.summary = None;
        }
    }

    /// Makes a fresh link for the selected object with the panel's lifetime; it goes to the
    /// clipboard on arrival.
    pub fn copy_link(&mut self) -> Vec<Effect> {
        self.copy_link_for(None)
    }

    /// Makes a fresh link for the selected object; `lifetime` (a menu's "Copy link for…")
    /// is this link's lifetime whatever the panel shows, None takes the panel's.
    pub fn copy_link_for(&mut self, lifetime: Option<Expiry>) -> Vec<Effect> {
        let state = self;
        let Some(key) = state.selected_key.clone() else {
            return Vec::new();
        };
        if state.sharing() {
            return Vec::new();
        }
        let expiry = match lifetime {
            Some(lifetime) => lifetime,
            None => {
                // A lifetime still in the custom field counts as typed out once a link is
                // asked for; an unreadable one stops the request (the panel says why, the
                // button is disabled).
                state.share.apply_custom();
                if state.share.custom_error.is_some() {
                    return Vec::new();
                }
                state.share.expiry
            }
        };
        let download_filename = match state.share.download_filename() {
            Ok(name) => name,
            Err(err) => {
                state.share_status =
                    super::ShareStatus::Refused(crate::s3::S3Error::bad_input(err.to_string()));
                return Vec::new();
            }
        };
        if state.via_cloudfront() {
            if state.share.revocable
                && let Some(why) = state
                    .cloudfront_here()
                    .and_then(|s| s.why_not_revocable(&state.listing.bucket))
            {
                state.share_status = super::ShareStatus::Refused(crate::s3::S3Error::bad_input(
                    format!("{why} (Or untick Through CloudFront for a revocable presigned link.)"),
                ));
                return Vec::new();
            }
            let lifetime = lifetime.map(Expiry::as_duration);
            return state.copy_via_cloudfront(key, lifetime, download_filename);
        }
        state.start_signing(false);
        vec![Effect::Send(Command::Share {
            bucket: state.listing.bucket.clone(),
            key,
            options: ShareOptions {
                expiry,
                download_filename,
                revocable: state.share.revocable,
            },
        })]
    }
}
