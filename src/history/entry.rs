//! One link made on this machine, and what can be said of it now.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::s3::{FileRequest, LinkCheck, LinkCopy, ShareLink, UploadLink};
use crate::share::{Expiry, SignedUrl, format_local_time};

/// What kind of link.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum LinkKind {
    /// A download link.
    #[default]
    Download,
    /// An upload ("send me a file") link.
    Upload,
    /// A file request page.
    Request,
    /// A page of links to many files.
    Page,
    /// An encrypted share: a page that decrypts a file stored encrypted beside it.
    Encrypted,
    /// A CloudFront signed URL (no 7-day cap); stopped only by rotating its key.
    CloudFront,
}

/// One link made on this machine. `Debug` shows the URL without its signature. Fields
/// added after the first version default, so older files still load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Stable within this machine's history (renew and forget name it).
    #[serde(default = "new_id")]
    pub id: String,
    #[serde(default)]
    pub kind: LinkKind,
    pub bucket: String,
    pub key: String,
    pub url: SignedUrl,
    /// The download filename, the upload's Content-Type, or the request's title.
    #[serde(default)]
    pub detail: Option<String>,
    #[serde(default)]
    pub made_at: Option<SystemTime>,
    /// The lifetime asked for (the default of Renew).
    #[serde(default)]
    pub lifetime: Option<Expiry>,
    /// When X-Amz-Expires runs out; later than `effective_expires_at` when the signing
    /// credentials end first.
    #[serde(default)]
    pub expires_at: Option<SystemTime>,
    /// When the link stops working (its own expiry or its credentials' end).
    pub effective_expires_at: SystemTime,
    /// What trying the link said when it was made.
    #[serde(default)]
    pub check: LinkCheck,
    /// A newer link for the same object was made with Renew.
    #[serde(default)]
    pub replaced: bool,
    /// A file request's page was deleted (closed) at this time.
    #[serde(default)]
    pub closed_at: Option<SystemTime>,
    /// The server the link points at is gone (a demo server of an earlier run).
    #[serde(default)]
    pub server_gone: bool,
    /// A revocable link: the copy made for it alone, which the link points at.
    #[serde(default)]
    pub copy: Option<LinkCopy>,
    /// The copy was deleted at this time (revoked, or cleaned up after the link ended); for
    /// a page of links: the page was closed.
    #[serde(default)]
    pub revoked_at: Option<SystemTime>,
    /// A page of links: how many files it lists, and the copies its links point at.
    #[serde(default)]
    pub page: Option<PageRecord>,
}

/// What closing a page of links needs to know.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// Where the page is stored.
    pub key: String,
    pub files: usize,
    /// The files' paths below the folder (what the manager lists under the page).
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub copies: Vec<LinkCopy>,
}

fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_owned()
}

/// Where a remembered link stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Works,
    NotChecked,
    CheckFailed,
    Replaced,
    /// A revocable link taken back: its copy is deleted.
    Revoked,
    /// A file request closed: its page is deleted.
    Closed,
    /// The server it points at is gone (the demo server of an earlier run).
    ServerGone,
    /// Its own lifetime ran out.
    Expired,
    /// The credentials that signed it ended first.
    CredentialsEnded,
}

impl LinkStatus {
    pub fn still_works(self) -> bool {
        matches!(
            self,
            LinkStatus::Works | LinkStatus::NotChecked | LinkStatus::Replaced
        )
    }
}

impl HistoryEntry {
    /// A row for a link just made; the constructors below fill in what their kind knows.
    pub(super) fn made(
        kind: LinkKind,
        bucket: &str,
        key: &str,
        url: &SignedUrl,
        made_at: SystemTime,
        effective_expires_at: SystemTime,
    ) -> HistoryEntry {
        HistoryEntry {
            id: new_id(),
            kind,
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            url: url.clone(),
            detail: None,
            made_at: Some(made_at),
            lifetime: None,
            expires_at: None,
            effective_expires_at,
            check: LinkCheck::Skipped,
            replaced: false,
            closed_at: None,
            server_gone: false,
            copy: None,
            revoked_at: None,
            page: None,
        }
    }

    /// The entry for a download link just made.
    pub fn of(link: &ShareLink) -> HistoryEntry {
        if link.region == crate::share::cloudfront::VIA_CLOUDFRONT {
            return super::cloudfront::of_cloudfront(link);
        }
        let lifetime = link
            .expires_at
            .duration_since(link.signed_at)
            .ok()
            .and_then(|d| Expiry::from_secs(d.as_secs()).ok());
        let id = link
            .copy
            .as_ref()
            .and_then(|c| crate::s3::copy_link_id(&c.key))
            .map_or_else(new_id, str::to_owned);
        HistoryEntry {
            id,
            detail: link.download_filename.clone(),
            lifetime,
            expires_at: Some(link.expires_at),
            check: link.check.clone(),
            copy: link.copy.as_deref().cloned(),
            ..Self::made(
                LinkKind::Download,
                &link.bucket,
                &link.key,
                &link.url,
                link.signed_at,
                link.effective_expires_at,
            )
        }
    }

    /// The entry for an upload link.
    pub fn of_upload(link: &UploadLink) -> HistoryEntry {
        let (made_at, lifetime) = (link.signed_at, link.lifetime);
        HistoryEntry {
            detail: link.content_type.clone(),
            lifetime: Some(lifetime),
            expires_at: Some(made_at + lifetime.as_duration()),
            ..Self::made(
                LinkKind::Upload,
                &link.bucket,
                &link.key,
                &link.url,
                made_at,
                link.effective_expires_at,
            )
        }
    }

    /// The entry for a file request page.
    pub fn of_request(request: &FileRequest) -> HistoryEntry {
        let (made_at, lifetime) = (request.made_at, request.lifetime);
        HistoryEntry {
            detail: Some(request.title.clone()),
            lifetime: Some(lifetime),
            expires_at: Some(made_at + lifetime.as_duration()),
            check: request.check.clone(),
            ..Self::made(
                LinkKind::Request,
                &request.bucket,
                &request.folder,
                &request.url,
                made_at,
                request.effective_expires_at,
            )
        }
    }

    /// The entry for a page of links (its id is the page's, which `revoke` closes).
    pub fn of_page(page: &crate::ops::SharedPage, lifetime: Expiry) -> HistoryEntry {
        let link = &page.link;
        HistoryEntry {
            id: page.id.clone(),
            detail: Some(page.title.clone()),
            lifetime: Some(lifetime),
            expires_at: Some(link.expires_at),
            check: link.check.clone(),
            page: Some(PageRecord {
                key: page.key.clone(),
                files: page.files,
                names: page.names.clone(),
                copies: page.copies.clone(),
            }),
            ..Self::made(
                LinkKind::Page,
                &link.bucket,
                &page.folder,
                &link.url,
                link.signed_at,
                link.effective_expires_at,
            )
        }
    }

    /// The entry for an encrypted share (its id is the share's, which `revoke` closes). The
    /// file's name is kept here, on this computer only; the URL holds the key (or the
    /// passphrase's salt) in its fragment, hidden like the signature.
    pub fn of_encrypted(share: &crate::ops::EncryptedShare) -> HistoryEntry {
        let link = &share.link;
        HistoryEntry {
            id: share.id.clone(),
            detail: Some({
                let keyed = if share.passphrase {
                    "opens with the passphrase"
                } else {
                    "key in the link"
                };
                if share.name == crate::s3::file_name(&share.shared) {
                    keyed.to_owned()
                } else {
                    format!("{keyed}, saved as {}", share.name)
                }
            }),
            lifetime: Some(share.lifetime),
            expires_at: Some(link.expires_at),
            check: link.check.clone(),
            page: Some(PageRecord {
                key: share.page_key.clone(),
                files: 1,
                names: Vec::new(),
                copies: vec![share.data.clone()],
            }),
            ..Self::made(
                LinkKind::Encrypted,
                &link.bucket,
                &share.shared,
                &link.url,
                link.signed_at,
                link.effective_expires_at,
            )
        }
    }

    /// A page of links not closed yet.
    pub fn page_open(&self) -> Option<&PageRecord> {
        self.page.as_ref().filter(|_| self.revoked_at.is_none())
    }

    /// Objects of S3 Share's this row stands for, not yet deleted (a revocable link's copy;
    /// a page, and its copies): what cleaning up after it ends is for.
    pub fn holds_copies(&self) -> bool {
        self.copy_stored().is_some() || self.page_open().is_some()
    }

    /// Whether `key` (a copy, or a page) is one this row stands for.
    pub fn points_at(&self, key: &str) -> bool {
        self.copy.as_ref().is_some_and(|c| c.key == key)
            || self
                .page
                .as_ref()
                .is_some_and(|p| p.key == key || p.copies.iter().any(|c| c.key == key))
    }

    /// A revocable link whose copy is still stored (it can be revoked, or cleaned up).
    pub fn copy_stored(&self) -> Option<&LinkCopy> {
        self.copy.as_ref().filter(|_| self.revoked_at.is_none())
    }

    /// True when this row is the page of file request `id` (its page key ends the path).
    pub fn is_request(&self, id: &str) -> bool {
        self.kind == LinkKind::Request
            && self
                .url
                .expose()
                .split('?')
                .next()
                .is_some_and(|path| path.ends_with(&format!("/requests/{id}.html")))
    }

    pub fn status(&self, now: SystemTime) -> LinkStatus {
        if now >= self.effective_expires_at {
            let cut_short = self
                .expires_at
                .is_some_and(|own| own > self.effective_expires_at + Duration::from_secs(1));
            return if cut_short {
                LinkStatus::CredentialsEnded
            } else {
                LinkStatus::Expired
            };
        }
        if (self.copy.is_some() || self.page.is_some()) && self.revoked_at.is_some() {
            return LinkStatus::Revoked;
        }
        if self.server_gone {
            return LinkStatus::ServerGone;
        }
        if self.closed_at.is_some() {
            return LinkStatus::Closed;
        }
        if self.replaced {
            return LinkStatus::Replaced;
        }
        match self.check {
            LinkCheck::Opens | LinkCheck::Probed(_) => LinkStatus::Works,
            LinkCheck::Refused(_) => LinkStatus::CheckFailed,
            LinkCheck::NotChecked(_) | LinkCheck::Skipped => LinkStatus::NotChecked,
        }
    }

    /// "works (checked 14:05)", "expired", "credentials ended", "check failed: …".
    pub fn status_text(&self, now: SystemTime) -> String {
        let checked = self
            .made_at
            .map(|t| format!(" (checked {})", format_local_time(t)))
            .unwrap_or_default();
        match self.status(now) {
            LinkStatus::Works => format!("works{checked}"),
            LinkStatus::NotChecked => "not checked".to_owned(),
            LinkStatus::CheckFailed => format!("check failed: {}", self.check.describe()),
            LinkStatus::Replaced => "replaced (still works until it ends)".to_owned(),
            LinkStatus::Revoked if self.kind == LinkKind::Encrypted => format!(
                "revoked {}: the encrypted file and its page are deleted",
                self.revoked_at.map(format_local_time).unwrap_or_default()
            ),
            LinkStatus::Revoked if self.page.as_ref().is_some_and(|p| p.copies.is_empty()) => {
                format!(
                    "closed {}: the page no longer opens; a link already taken from it works until {}",
                    self.revoked_at.map(format_local_time).unwrap_or_default(),
                    format_local_time(self.effective_expires_at)
                )
            }
            LinkStatus::Revoked if self.page.is_some() => format!(
                "closed {} (checked: the page no longer opens, and every file's link is revoked)",
                self.revoked_at.map(format_local_time).unwrap_or_default()
            ),
            LinkStatus::Revoked => format!(
                "revoked {} (checked: it no longer opens)",
                self.revoked_at.map(format_local_time).unwrap_or_default()
            ),
            LinkStatus::ServerGone => {
                "ended: the demo server it points at stopped when that run of the app ended"
                    .to_owned()
            }
            LinkStatus::Closed => format!(
                "closed {}: the page no longer opens; a sender who still has it open can send files until {}",
                self.closed_at.map(format_local_time).unwrap_or_default(),
                format_local_time(self.effective_expires_at)
            ),
            LinkStatus::Expired => "expired".to_owned(),
            LinkStatus::CredentialsEnded => "credentials ended".to_owned(),
        }
    }

    /// Bucket, key and detail, for the text filter.
    pub fn matches(&self, needle: &str) -> bool {
        let needle = needle.to_lowercase();
        needle.is_empty()
            || format!(
                "{}/{} {}",
                self.bucket,
                self.key,
                self.detail.as_deref().unwrap_or_default()
            )
            .to_lowercase()
            .contains(&needle)
    }
}
