//! Links through CloudFront in the history: their own end (no SigV4 lifetime to renew
//! with), and the key that signed them (rotating it is the only way to stop them early).

use super::{HistoryEntry, LinkKind};
use crate::s3::ShareLink;

/// The entry for a link through CloudFront.
pub(super) fn of_cloudfront(link: &ShareLink) -> HistoryEntry {
    let mut entry = HistoryEntry::made(
        LinkKind::CloudFront,
        &link.bucket,
        &link.key,
        &link.url,
        link.signed_at,
        link.effective_expires_at,
    );
    entry.expires_at = Some(link.expires_at);
    entry.check = link.check.clone();
    // A revocable link: its id is its copy's (s3share revoke ID), and the copy is kept.
    if let Some(copy) = &link.copy {
        if let Some(id) = crate::s3::copy_link_id(&copy.key) {
            id.clone_into(&mut entry.id);
        }
        entry.copy = Some(copy.as_ref().clone());
    }
    entry.detail = link
        .download_filename
        .as_ref()
        .map(|name| format!("saved as {name}"));
    entry
}

impl HistoryEntry {
    /// The CloudFront key that signed this link (its `Key-Pair-Id`), if it is such a link.
    pub fn cloudfront_key_id(&self) -> Option<&str> {
        if self.kind != LinkKind::CloudFront {
            return None;
        }
        let query = self.url.expose().split_once('?')?.1;
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix("Key-Pair-Id="))
    }
}
