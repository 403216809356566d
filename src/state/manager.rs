//! The "Shared links" manager: every link made on this machine, filtered by text and status;
//! renew (a new link for the same object and options, the old row marked replaced) and
//! forget (this list only: it revokes nothing).

use super::{Effect, State};
use crate::command::Command;
use crate::history::{Change, HistoryEntry, LinkKind, LinkStatus};
use crate::s3::{S3Error, ShareLink, ShareOptions};
use crate::share::Expiry;

/// Which rows the manager shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    All,
    /// Still works (checked, not checked, or replaced but not ended).
    Working,
    /// Expired or ended with their credentials.
    Ended,
    /// Its self-test failed.
    Failed,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 4] = [
        StatusFilter::All,
        StatusFilter::Working,
        StatusFilter::Ended,
        StatusFilter::Failed,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StatusFilter::All => "All",
            StatusFilter::Working => "Working",
            StatusFilter::Ended => "Ended",
            StatusFilter::Failed => "Check failed",
        }
    }

    fn admits(self, status: LinkStatus) -> bool {
        match self {
            StatusFilter::All => true,
            StatusFilter::Working => status.still_works(),
            StatusFilter::Ended => {
                matches!(
                    status,
                    LinkStatus::Expired
                        | LinkStatus::CredentialsEnded
                        | LinkStatus::Revoked
                        | LinkStatus::Closed
                        | LinkStatus::ServerGone
                )
            }
            StatusFilter::Failed => status == LinkStatus::CheckFailed,
        }
    }
}

/// The manager's own state.
#[derive(Debug, Clone, Default)]
pub struct Manager {
    pub open: bool,
    pub filter: String,
    pub status: StatusFilter,
    /// The last renew that failed, said in the manager.
    pub error: Option<S3Error>,
    /// The row Forget removed last, until Undo puts it back or another is forgotten.
    pub forgotten: Option<Forgotten>,
    /// Revoke: its confirmation, the one under way, what the last one came to.
    pub revoking: super::Revoking,
}

/// A row just forgotten: shown in its place with Undo, so the next row does not slide
/// under the pointer.
#[derive(Debug, Clone, PartialEq)]
pub struct Forgotten {
    pub entry: HistoryEntry,
    /// The row that came after it (None: it was the last).
    pub before: Option<String>,
}

impl State {
    /// The rows to show at `now`, newest first.
    pub fn manager_rows(&self, now: std::time::SystemTime) -> Vec<&HistoryEntry> {
        self.history
            .entries
            .iter()
            .filter(|e| {
                e.matches(&self.manager.filter) && self.manager.status.admits(e.status(now))
            })
            .collect()
    }

    /// A new download link for history entry `id`, with its download filename and the
    /// lifetime given (default: the one it had).
    pub fn renew(&mut self, id: &str, lifetime: Option<Expiry>) -> Vec<Effect> {
        let Some(entry) = self.history.get(id) else {
            return Vec::new();
        };
        if entry.kind != LinkKind::Download {
            self.manager.error = Some(S3Error::bad_input(
                "Only download links can be renewed here: make a new upload link or request instead.",
            ));
            return Vec::new();
        }
        self.manager.error = None;
        vec![Effect::Send(Command::Renew {
            replaces: id.to_owned(),
            bucket: entry.bucket.clone(),
            key: entry.key.clone(),
            options: ShareOptions {
                expiry: lifetime.or(entry.lifetime).unwrap_or_default(),
                download_filename: entry
                    .detail
                    .as_deref()
                    .and_then(|name| crate::share::DownloadFilename::parse(name).ok()),
                // A revocable link's renewal gets a copy of its own too.
                revocable: entry.copy.is_some(),
            },
        })]
    }

    /// A renewed link arrived: it is listed and copied (when it opens), the old one marked.
    pub(super) fn renewed(
        &mut self,
        replaces: &str,
        result: Result<ShareLink, S3Error>,
    ) -> Vec<Effect> {
        match result {
            Ok(link) => {
                let refused = link.check.refused();
                let mut effects = self.record(Change::MarkReplaced(replaces.to_owned()));
                effects.extend(self.record(Change::Add(vec![HistoryEntry::of(&link)])));
                if refused {
                    self.manager.error = Some(S3Error::plain(
                        crate::s3::ErrorKind::LinkRefused,
                        format!("The renewed link was not copied: {}", link.check.describe()),
                    ));
                } else {
                    effects.push(Effect::Copy(link.url));
                }
                effects
            }
            Err(error) => {
                self.manager.error = Some(error);
                Vec::new()
            }
        }
    }

    /// Removes a row. It revokes nothing: the link works until it ends.
    pub fn forget(&mut self, id: &str) -> Vec<Effect> {
        let at = self.history.entries.iter().position(|e| e.id == id);
        self.manager.forgotten = at.map(|at| Forgotten {
            entry: self.history.entries[at].clone(),
            before: self.history.entries.get(at + 1).map(|e| e.id.clone()),
        });
        self.record(Change::Forget(id.to_owned()))
    }

    /// Puts the row Forget removed last back in the list, as it was.
    pub fn undo_forget(&mut self) -> Vec<Effect> {
        let Some(Forgotten { entry, .. }) = self.manager.forgotten.take() else {
            return Vec::new();
        };
        // Back where it was: the list is newest first by when each link was made.
        self.record(Change::Add(vec![entry]))
    }

    /// Remembers a link made by the window (upload link, request page).
    pub(super) fn remember(&mut self, entry: HistoryEntry) -> Vec<Effect> {
        self.record(Change::Add(vec![entry]))
    }

    /// Applies `change` to the list on screen and asks the worker to apply it to the file
    /// (where other programs' rows are kept).
    pub(super) fn record(&mut self, change: Change) -> Vec<Effect> {
        self.history.apply(&change);
        match self.history.path() {
            Some(path) => vec![Effect::Send(Command::RecordHistory {
                path: path.to_owned(),
                change,
            })],
            None => Vec::new(),
        }
    }
}
