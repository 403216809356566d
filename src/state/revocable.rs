//! Revocable links in the window: revoke a row of Shared links (after a confirmation that
//! says what stops), the copies of ended links deleted when their bucket is opened, and the
//! offer of a lifecycle rule that deletes copies by itself.

use super::{Effect, State};
use crate::command::Command;
use crate::history::Change;
use crate::s3::{LifecycleRule, S3Error};
use crate::share::format_local_time;

/// Revoking in the manager: which row asks for confirmation, which is under way, and what
/// the last revoke or rule came to.
#[derive(Debug, Clone, Default)]
pub struct Revoking {
    /// The row whose Revoke was clicked, waiting for "Revoke now".
    pub confirm: Option<String>,
    /// The rows being revoked (each copy deleted, then its link tried; through CloudFront
    /// this takes minutes, and other rows may be revoked meanwhile).
    pub running: std::collections::BTreeSet<String>,
    /// One line about the last revoke or lifecycle rule.
    pub notice: Option<String>,
    /// Buckets whose ended copies were looked for in this session (once each).
    cleaned: std::collections::HashSet<String>,
}

impl State {
    /// Revoke clicked on a row: the confirmation is shown first.
    pub fn ask_revoke(&mut self, id: &str) {
        self.manager.revoking.confirm = Some(id.to_owned());
    }

    pub fn cancel_revoke(&mut self) {
        self.manager.revoking.confirm = None;
    }

    /// "Revoke now": the copy is deleted and the link tried.
    pub fn revoke(&mut self, id: &str) -> Vec<Effect> {
        self.manager.revoking.confirm = None;
        let Some(entry) = self.history.get(id) else {
            return Vec::new();
        };
        if self.manager.revoking.running.contains(id) {
            return Vec::new();
        }
        let command = if let Some(page) = entry.page_open() {
            Command::ClosePage {
                id: id.to_owned(),
                bucket: entry.bucket.clone(),
                key: page.key.clone(),
                copies: page.copies.clone(),
                url: entry.url.clone(),
            }
        } else if let Some(copy) = entry.copy_stored() {
            Command::Revoke {
                id: id.to_owned(),
                bucket: entry.bucket.clone(),
                copy: copy.clone(),
                url: entry.url.clone(),
            }
        } else {
            return Vec::new();
        };
        self.manager.revoking.running.insert(id.to_owned());
        self.manager.revoking.notice = None;
        vec![Effect::Send(command)]
    }

    pub(super) fn revoked(
        &mut self,
        id: String,
        result: Result<crate::ops::Revoked, S3Error>,
    ) -> Vec<Effect> {
        self.manager.revoking.running.remove(&id);
        if let (Ok(revoked), Some(entry)) = (&result, self.history.get(&id)) {
            let url = entry.url.clone();
            self.link_taken_back(&url, revoked.at);
        }
        let page = self.history.get(&id).and_then(|e| e.page.clone());
        let encrypted = self
            .history
            .get(&id)
            .is_some_and(|e| e.kind == crate::history::LinkKind::Encrypted);
        match result {
            Ok(revoked) if encrypted => {
                self.manager.revoking.notice = Some(format!(
                    "Revoked at {}: {}the encrypted file and its page are deleted.",
                    format_local_time(revoked.at),
                    if revoked.checked {
                        "checked, the link no longer opens; "
                    } else {
                        ""
                    }
                ));
                self.record(Change::Revoked { id, at: revoked.at })
            }
            Ok(revoked) if page.is_some() => {
                if self.pages.made.as_ref().is_some_and(|p| p.id == id) {
                    self.pages.made = None;
                }
                let stops = if page.is_some_and(|p| !p.copies.is_empty()) {
                    "and every file's link on it is revoked"
                } else {
                    "a file's link already taken from it works until its end"
                };
                self.manager.revoking.notice = Some(format!(
                    "Page closed at {}: {} it no longer opens; {stops}.",
                    format_local_time(revoked.at),
                    if revoked.checked { "checked," } else { "" }
                ));
                self.record(Change::Revoked { id, at: revoked.at })
            }
            Ok(revoked) => {
                self.manager.revoking.notice = Some(if revoked.checked {
                    format!(
                        "Revoked at {}: checked, the link no longer opens. The file and its other links are untouched.",
                        format_local_time(revoked.at)
                    )
                } else {
                    "The link's copy was deleted, but the link could not be tried from this computer to prove it no longer opens.".to_owned()
                });
                self.record(Change::Revoked { id, at: revoked.at })
            }
            Err(error) => {
                self.manager.error = Some(error);
                Vec::new()
            }
        }
    }

    /// A link was revoked: the share panel stops counting it down and an upload row that
    /// made it says it was taken back (neither offers to copy it again).
    fn link_taken_back(&mut self, url: &crate::share::SignedUrl, at: std::time::SystemTime) {
        if self
            .link
            .as_ref()
            .is_some_and(|shown| shown.link.url == *url)
        {
            self.drop_link();
        }
        for row in &mut self.uploads {
            let made = match &row.status {
                super::UploadStatus::Shared(link) => &link.url,
                super::UploadStatus::Encrypted(share) => &share.link.url,
                _ => continue,
            };
            if made == url {
                row.status = super::UploadStatus::Revoked(at);
            }
        }
    }

    /// A listing of `bucket` finished: the copies of this computer's ended links there are
    /// deleted (once per bucket and session; nothing is asked when there are none).
    pub(super) fn clean_ended_copies(&mut self, bucket: &str) -> Vec<Effect> {
        let ended_here = self
            .history
            .has_ended_copies(bucket, std::time::SystemTime::now());
        if !ended_here || !self.manager.revoking.cleaned.insert(bucket.to_owned()) {
            return Vec::new();
        }
        vec![Effect::Send(Command::DeleteEndedCopies {
            bucket: bucket.to_owned(),
        })]
    }

    pub(super) fn ended_copies_deleted(
        &mut self,
        bucket: &str,
        result: Result<Vec<String>, S3Error>,
    ) -> Vec<Effect> {
        let deleted = match result {
            Ok(deleted) => deleted,
            Err(error) => {
                self.manager.revoking.notice = Some(format!(
                    "The copies of ended revocable links in {bucket} were not deleted: {}",
                    error.message
                ));
                return Vec::new();
            }
        };
        let ids = self.history.standing_for(bucket, &deleted);
        let at = std::time::SystemTime::now();
        ids.into_iter()
            .flat_map(|id| self.record(Change::Revoked { id, at }))
            .collect()
    }

    /// "Delete copies automatically": a lifecycle rule for `.s3share/links/` in `bucket`.
    pub fn expire_link_copies(&mut self, bucket: &str) -> Vec<Effect> {
        self.manager.revoking.notice = Some(format!("Adding a lifecycle rule to {bucket}…"));
        vec![Effect::Send(Command::ExpireLinkCopies {
            bucket: bucket.to_owned(),
        })]
    }

    pub(super) fn link_copies_rule(
        &mut self,
        bucket: &str,
        result: Result<LifecycleRule, S3Error>,
    ) {
        self.manager.revoking.notice = Some(match result {
            Ok(LifecycleRule::Added) => format!(
                "Added: {bucket} now deletes link copies 8 days after they were made (a link lives 7 days at most)."
            ),
            Ok(LifecycleRule::AlreadyThere) => {
                format!("{bucket} already deletes link copies after 8 days.")
            }
            Ok(LifecycleRule::NotSupported(why)) => format!("Not added: {why}."),
            Err(error) => format!("Not added: {}", error.message),
        });
    }
}
