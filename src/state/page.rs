//! "Share as one page" in the window: the selection, the open folder, or the folder with its
//! sub-folders as one page of links (asking above 100 files, as Copy links does); the
//! page's link is copied and counts down in the share panel.

use super::{Effect, State};
use crate::command::{CONFIRM_ABOVE, Command};
use crate::history::HistoryEntry;
use crate::ops::{PageFiles, PageOptions, SharedPage};
use crate::s3::S3Error;

/// Which files a page is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageOf {
    Selection,
    Folder,
    FolderAndSubFolders,
}

/// The page being made, waiting for confirmation, or made last.
#[derive(Debug, Clone, Default)]
pub struct Pages {
    pub running: bool,
    /// A folder of this many files waits for a second click.
    pub confirm: Option<(PageOf, usize)>,
    /// The last page made, its link on the clipboard.
    pub made: Option<SharedPage>,
    pub error: Option<S3Error>,
    /// The last page asked for, and when (a double-click's second click is not a second page).
    pub last_asked: Option<(PageOf, std::time::Instant)>,
}

/// Two clicks this close on the same page action are one.
const DOUBLE_CLICK: std::time::Duration = std::time::Duration::from_millis(500);

impl State {
    /// "Share as one page": above `CONFIRM_ABOVE` files the first call only asks.
    pub fn share_page(&mut self, of: PageOf) -> Vec<Effect> {
        if self.pages.running {
            return Vec::new();
        }
        // The second click of a double-click makes no second page.
        let now = std::time::Instant::now();
        if self
            .pages
            .last_asked
            .is_some_and(|(asked, at)| asked == of && now.duration_since(at) < DOUBLE_CLICK)
        {
            return Vec::new();
        }
        self.share.apply_custom();
        if let Some(problem) = &self.share.custom_error {
            self.pages.error = Some(S3Error::bad_input(format!(
                "No page made: custom lifetime: {problem}."
            )));
            return Vec::new();
        }
        if let Some(refusal) = self.cloudfront_only_lifetime("A page of links") {
            self.pages.error = Some(refusal);
            return Vec::new();
        }
        let confirmed = self
            .pages
            .confirm
            .take()
            .is_some_and(|(asked, _)| asked == of);
        let rows = &self.listing.objects;
        let files = match of {
            PageOf::Selection => {
                let count = self.selection.len();
                if count > CONFIRM_ABOVE && !confirmed {
                    self.pages.confirm = Some((of, count));
                    return Vec::new();
                }
                let chosen = self
                    .selection
                    .iter()
                    .filter_map(|key| rows.position(key).map(|i| rows.get(i)))
                    .collect::<Vec<_>>();
                PageFiles::Chosen(chosen)
            }
            PageOf::Folder => {
                let count = rows.len();
                if count > CONFIRM_ABOVE && !confirmed {
                    self.pages.confirm = Some((of, count));
                    return Vec::new();
                }
                PageFiles::Chosen((0..count).map(|i| rows.get(i)).collect())
            }
            PageOf::FolderAndSubFolders => PageFiles::Folder {
                prefix: self.listing.prefix.clone(),
                all_levels: true,
            },
        };
        self.pages.last_asked = Some((of, now));
        self.pages.running = true;
        self.pages.error = None;
        self.many.running = Some((0, 0));
        vec![Effect::Send(Command::SharePage {
            bucket: self.listing.bucket.clone(),
            files,
            options: PageOptions {
                title: None,
                expiry: self.share.expiry,
                revocable: self.share.revocable,
            },
            confirmed: confirmed || of != PageOf::FolderAndSubFolders,
        })]
    }

    pub(super) fn page_needs_confirmation(&mut self, files: usize) {
        self.pages.running = false;
        // The click that confirms is a new one, however soon it comes.
        self.pages.last_asked = None;
        self.many.running = None;
        self.pages.confirm = Some((PageOf::FolderAndSubFolders, files));
    }

    /// A page arrived: its link is copied and remembered, and counts down.
    pub(super) fn page_shared(&mut self, result: Result<SharedPage, S3Error>) -> Vec<Effect> {
        self.pages.running = false;
        self.many.running = None;
        match result {
            Ok(page) => {
                let entry = HistoryEntry::of_page(&page, self.share.expiry);
                let mut effects = vec![Effect::Copy(page.link.url.clone())];
                effects.extend(self.remember(entry));
                self.pages.made = Some(page);
                effects
            }
            Err(error) => {
                self.pages.error = Some(error);
                Vec::new()
            }
        }
    }
}
