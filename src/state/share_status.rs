//! The share panel's link and where making the next one stands, as values that cannot
//! contradict each other: a link is copied or not (never "copied" without a link), and
//! signing and a refusal exclude each other. The previous link stays on screen while the
//! next one is signed, and a refused filename leaves it there too, as before.

use crate::s3::{S3Error, ShareLink};

/// The last link made for the selected object, counting down.
#[derive(Debug, Clone)]
pub struct ShownLink {
    pub link: ShareLink,
    /// It went to the clipboard: it passed its self-test, or the user chose "Copy anyway"
    /// after reading why it failed.
    pub copied: bool,
    /// An encrypted share's link (a page that decrypts a copy stored encrypted).
    pub encrypted: bool,
    /// An encrypted share that decrypts only with the passphrase.
    pub passphrase: bool,
}

/// Where making a link for the selected object stands.
#[derive(Debug, Clone, Default)]
pub enum ShareStatus {
    #[default]
    Idle,
    /// A link is being signed (and, for a revocable link, its copy made; for an encrypted
    /// share, the object encrypted and stored: bytes done and the total).
    Signing {
        copy_progress: Option<(u64, u64)>,
        encrypting: bool,
    },
    /// The last attempt failed, with the reason.
    Refused(S3Error),
}

impl ShareStatus {
    pub fn signing(&self) -> bool {
        matches!(self, ShareStatus::Signing { .. })
    }

    pub fn error(&self) -> Option<&S3Error> {
        match self {
            ShareStatus::Refused(error) => Some(error),
            ShareStatus::Idle | ShareStatus::Signing { .. } => None,
        }
    }

    pub fn copy_progress(&self) -> Option<(u64, u64)> {
        match self {
            ShareStatus::Signing { copy_progress, .. } => *copy_progress,
            ShareStatus::Idle | ShareStatus::Refused(_) => None,
        }
    }

    /// A refusal on screen goes (another file was chosen); signing goes on.
    pub fn forget_refusal(&mut self) {
        if let ShareStatus::Refused(_) = self {
            *self = ShareStatus::Idle;
        }
    }
}

impl super::State {
    /// The link on screen, if any.
    pub fn link(&self) -> Option<&ShareLink> {
        self.link.as_ref().map(|shown| &shown.link)
    }

    /// The link on screen went to the clipboard.
    pub fn link_copied(&self) -> bool {
        self.link.as_ref().is_some_and(|shown| shown.copied)
    }

    pub fn sharing(&self) -> bool {
        self.share_status.signing()
    }

    pub fn share_error(&self) -> Option<&S3Error> {
        self.share_status.error()
    }

    /// A link for the selected object is being made (`encrypting`: an encrypted share);
    /// what a page refused before no longer stands beside it.
    pub(super) fn start_signing(&mut self, encrypting: bool) {
        self.share_status = ShareStatus::Signing {
            copy_progress: None,
            encrypting,
        };
        self.pages.error = None;
    }

    /// The link on screen goes (another file, folder or session).
    pub(super) fn drop_link(&mut self) {
        self.link = None;
    }
}
