//! Encrypted shares from the window: the selected object ("Share encrypted"), and files
//! dropped, pasted or picked while "Share encrypted" is on in the uploads bar.

use super::{Effect, ShareStatus, ShownLink, State};
use crate::command::Command;
use crate::history::HistoryEntry;
use crate::ops::EncryptedShare;
use crate::s3::S3Error;

impl State {
    /// Shares the selected object encrypted with the panel's lifetime and passphrase (if
    /// any); the link goes to the clipboard on arrival.
    pub fn share_encrypted(&mut self) -> Vec<Effect> {
        let Some(key) = self.selected_key.clone() else {
            return Vec::new();
        };
        if self.sharing() {
            return Vec::new();
        }
        self.share.apply_custom();
        if self.share.custom_error.is_some() {
            return Vec::new();
        }
        if let Some(refusal) = self.cloudfront_only_lifetime("An encrypted share") {
            self.share_status = ShareStatus::Refused(refusal);
            return Vec::new();
        }
        let encryption = match self.share.encryption() {
            Ok(encryption) => encryption,
            Err(error) => {
                self.share_status = ShareStatus::Refused(error);
                return Vec::new();
            }
        };
        // The download filename, when set, is the name the page saves the file as.
        let save_as = match self.share.download_filename() {
            Ok(name) => name,
            Err(err) => {
                self.share_status = ShareStatus::Refused(S3Error::bad_input(err.to_string()));
                return Vec::new();
            }
        };
        self.start_signing(true);
        vec![Effect::Send(Command::ShareEncrypted {
            bucket: self.listing.bucket.clone(),
            key,
            request: crate::ops::EncryptedRequest {
                encryption,
                expiry: self.share.expiry,
                save_as,
            },
        })]
    }

    /// An encrypted share of object `key` arrived: it is remembered whatever happens next
    /// (its ciphertext is stored, so it must stay revocable); copied and shown if `key` is
    /// still the file chosen.
    pub(super) fn encrypted_shared(
        &mut self,
        key: &str,
        result: Result<Box<EncryptedShare>, S3Error>,
    ) -> Vec<Effect> {
        self.share_status = ShareStatus::Idle;
        let chosen = self.selected_key.as_deref() == Some(key);
        match result {
            Ok(share) => {
                let mut effects = self.remember(HistoryEntry::of_encrypted(&share));
                if chosen {
                    effects.push(Effect::Copy(share.link.url.clone()));
                    self.link = Some(ShownLink {
                        passphrase: share.passphrase,
                        link: share.link,
                        copied: true,
                        encrypted: true,
                    });
                } else {
                    self.history.notice = Some(format!(
                        "The encrypted link for {} arrived after another file was chosen: it was not copied. It is listed in Shared links, to copy or revoke.",
                        crate::share::escape::text(key)
                    ));
                }
                effects
            }
            Err(error) if chosen => {
                self.share_status = ShareStatus::Refused(error);
                self.drop_link();
                Vec::new()
            }
            Err(_) => Vec::new(),
        }
    }
}
