//! What the window shows, as plain data, and the one reducer: `State::apply(Event)` is the
//! only place a worker event changes it, and the `Effect`s it returns are carried out by
//! `App`. No egui here: every transition is unit-testable.
//!
//! By concern: `remote` (a value that keeps showing while it reloads), `listing` (the
//! folder shown, filter, sort), `share_form` (lifetime and filename), `uploads` (upload
//! rows), `persisted` (what the next run reopens), `apply` (the reducer).

mod apply;
mod cloudfront;
mod cursor;
mod encrypted;
mod listing;
mod manager;
mod many;
mod page;
mod persisted;
mod remote;
mod requests;
mod revocable;
mod share_form;
mod share_status;
mod uploads;
mod view;

#[cfg(test)]
mod tests;

use std::time::{Duration, SystemTime};

pub use crate::rows::SortColumn;
pub use cloudfront::CloudFrontForm;
pub use cursor::CursorMove;
pub use listing::Listing;
pub use manager::{Manager, StatusFilter};
pub use page::{PageOf, Pages};
pub use persisted::{Persisted, Startup};
pub use remote::Remote;
pub use requests::{RequestForm, RequestRow};
pub use revocable::Revoking;
pub use share_form::ShareSettings;
pub use share_status::{ShareStatus, ShownLink};
pub use uploads::{UploadRow, UploadStatus};

use crate::command::{Command, SignedIn};
use crate::history::{History, HistoryEntry};
use crate::s3::{BucketEntry, ProfileInfo, S3Error, UploadLink};
use crate::share::{SignedUrl, effective_end};

/// Recent links shown in the share panel.
const RECENT_LINKS: usize = 10;

/// What follows from an event or an intent, carried out by `App`.
#[derive(Debug)]
pub enum Effect {
    /// Ask the worker for work.
    Send(Command),
    /// Put a link on the clipboard.
    Copy(SignedUrl),
    /// Put an upload link's ready-to-paste curl command on the clipboard.
    CopyCurl(UploadLink),
    /// Put several links, one per line, on the clipboard. As secret as the links: kept in
    /// a `SignedUrl`, whose Debug shows nothing past the first "?".
    CopyList(SignedUrl),
}

/// Links for several files at once: progress, the result, the list format.
#[derive(Debug, Clone, Default)]
pub struct ManyLinks {
    /// (done, total) while links are being made.
    pub running: Option<(usize, usize)>,
    /// What the last run copied, and what failed.
    pub summary: Option<String>,
    pub format: crate::share::link_list::ListFormat,
    /// A folder of this many files waits for a second click.
    pub confirm_folder: Option<usize>,
    /// The same, for a folder with its sub-folders (counted by the worker).
    pub confirm_deep: Option<usize>,
}

/// The "Add a profile" dialog: what was typed, and where saving stands.
#[derive(Debug, Clone)]
pub struct NewProfileForm {
    pub profile: crate::s3::NewProfile,
    pub saving: bool,
    pub error: Option<S3Error>,
}

impl Default for NewProfileForm {
    fn default() -> Self {
        NewProfileForm {
            profile: crate::s3::NewProfile {
                name: String::new(),
                access_key: String::new(),
                secret_key: String::new(),
                region: "us-east-1".to_owned(),
                endpoint_url: String::new(),
                path_style: true,
            },
            saving: false,
            error: None,
        }
    }
}

/// A pasted image (a screenshot) and the name it will be uploaded as.
#[derive(Debug, Clone)]
pub struct PastedImage {
    pub image: std::sync::Arc<egui::ColorImage>,
    pub name: String,
}

/// A link shown as a QR code (encoded once, when asked for).
#[derive(Debug, Clone)]
pub struct QrView {
    /// What the code is for ("plan.pdf").
    pub label: String,
    pub ends: SystemTime,
    pub matrix: Result<crate::share::qr::QrMatrix, crate::share::qr::TooLong>,
}

impl QrView {
    pub fn new(url: &SignedUrl, label: String, ends: SystemTime) -> QrView {
        QrView {
            label,
            ends,
            matrix: crate::share::qr::QrMatrix::encode(url.expose()),
        }
    }
}

/// Where the sign-in stands.
#[derive(Debug, Clone, Default)]
pub enum Connection {
    #[default]
    Connecting,
    Connected(SignedIn),
    Failed(S3Error),
}

#[derive(Debug, Clone, Default)]
pub struct State {
    pub profiles: Vec<ProfileInfo>,
    pub profiles_loaded: bool,
    pub selected_profile: Option<String>,
    pub region_choice: Option<String>,
    pub connection: Connection,
    pub buckets: Remote<Vec<BucketEntry>>,
    pub bucket_filter: String,
    pub listing: Listing,
    pub object_filter: String,
    pub sort: SortColumn,
    pub sort_descending: bool,
    pub selected_key: Option<String>,
    /// Every selected file (Ctrl/Shift+click, Ctrl+A); `selected_key` is the last one.
    pub selection: Vec<String>,
    /// The row under the keyboard cursor (a folder ends with "/").
    pub cursor: Option<String>,
    /// The listing scrolls to the cursor on the next frame.
    pub scroll_to_cursor: bool,
    /// Rows the listing shows at once (Page Up/Down move by this); set as it is drawn.
    pub page_rows: usize,
    type_ahead_text: String,
    type_ahead_at: Option<std::time::Instant>,
    /// Links for several files at once.
    pub many: ManyLinks,
    /// "Share as one page".
    pub pages: Pages,
    pub share: ShareSettings,
    /// Where making a link for the selected object stands.
    pub share_status: ShareStatus,
    /// The last link made for the selected object, counting down.
    pub link: Option<ShownLink>,
    /// Seconds the S3 server's clock is ahead of this computer's, when links are signed
    /// with the server's time; the countdown corrects by it too.
    pub clock_correction: Option<i64>,
    pub upload_key: String,
    /// The lifetime of upload links (the "Receive a file" section's own).
    pub upload_expiry: crate::share::Expiry,
    /// What was put on the clipboard last (a link, a curl command, a list, an s3:// URI),
    /// so the button or row it came from can say "Copied". A `SignedUrl`: its Debug hides
    /// the signature.
    pub last_copied: Option<crate::share::SignedUrl>,
    /// The upload key field takes the keyboard on the next frame ("Make an upload link here").
    pub focus_upload_key: bool,
    pub upload_content_type: String,
    pub upload_link: Option<UploadLink>,
    pub upload_error: Option<S3Error>,
    pub uploads: Vec<UploadRow>,
    /// A message about dropped or picked files (no bucket open, no file dialog, …).
    pub upload_notice: Option<String>,
    /// The "Shared links" manager.
    pub manager: Manager,
    /// The "Add a profile" dialog, while open.
    pub new_profile: Option<NewProfileForm>,
    /// An image pasted into the window, waiting for its name to be confirmed.
    pub pasted_image: Option<PastedImage>,
    /// A link shown as a QR code, if any.
    pub qr: Option<QrView>,
    /// The "Request files" form and the requests made in this session.
    pub request_form: RequestForm,
    pub requests: Vec<RequestRow>,
    /// Links made on this machine (saved by the worker, off the UI thread).
    pub history: History,
    /// The buckets whose links can go through CloudFront (beside the history file).
    pub cloudfront: crate::ops::CloudFrontSettings,
    /// A bucket's CloudFront form, while open.
    pub cloudfront_form: Option<CloudFrontForm>,
    /// Bucket and folder to reopen once signed in (from the last run).
    restore: Option<Persisted>,
    /// Bucket and folder asked for on the command line (`--open`).
    open_at_start: Option<(String, String)>,
    next_upload_id: u64,
    order: view::RowOrder,
}

impl State {
    /// The session signed in with, if any.
    pub fn signed_in(&self) -> Option<&SignedIn> {
        match &self.connection {
            Connection::Connected(signed_in) => Some(signed_in),
            Connection::Connecting | Connection::Failed(_) => None,
        }
    }

    pub fn connected(&self) -> bool {
        self.signed_in().is_some()
    }

    pub fn demo(&self) -> bool {
        self.signed_in().is_some_and(|s| s.demo)
    }

    /// When a link made now would stop working, and whether the credentials cut it short.
    pub fn preview_end(&self, now: SystemTime) -> (SystemTime, bool) {
        let credentials_end = self.signed_in().and_then(|s| s.credentials_expire_at);
        effective_end(now, self.share.expiry, credentials_end)
    }

    /// Links shared from this machine that still work, newest first.
    pub fn recent_links(&self, now: SystemTime) -> Vec<&HistoryEntry> {
        // One row per file (its newest link): the same file shared twice is one row here;
        // Shared links lists every link.
        // Lazily: drawn every frame, it stops after RECENT_LINKS rows whatever the history holds.
        let mut seen = std::collections::HashSet::new();
        self.history
            .still_valid(now)
            .filter(|e| seen.insert((e.kind, e.bucket.as_str(), e.key.as_str())))
            .take(RECENT_LINKS)
            .collect()
    }

    /// True when `text` is what was copied last.
    pub fn copied_last(&self, text: &str) -> bool {
        self.last_copied
            .as_ref()
            .is_some_and(|c| c.expose() == text)
    }

    /// What was shown for the previous session goes while the next one signs in.
    pub fn forget_session(&mut self) {
        // Request cards belong to the profile that made them (the history keeps them all).
        self.requests.clear();
        self.connection = Connection::Connecting;
        self.buckets = Remote::default();
        self.listing = Listing::default();
        self.selected_key = None;
        self.drop_link();
    }

    /// When the next frame is needed without any event: every second while a countdown is
    /// on screen, twice a second while an upload runs (speed and time left).
    pub fn repaint_after(&self) -> Option<Duration> {
        let uploading = self
            .uploads
            .iter()
            .any(|row| matches!(row.status, UploadStatus::Running));
        if uploading {
            Some(Duration::from_millis(500))
        } else if self.link.is_some()
            || self.pages.made.is_some()
            || self.manager.open
            || self.requests.iter().any(|row| !row.closed)
        {
            // A countdown on screen (a link, a page of links, Shared links' rows).
            Some(Duration::from_secs(1))
        } else if self.selected_key.is_some() {
            // The "works until" preview moves with the clock: once a minute is enough.
            Some(Duration::from_secs(60))
        } else {
            None
        }
    }
}
