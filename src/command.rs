//! What the window asks of the runtime (`Command`) and what comes back (`Event`): the one
//! vocabulary between `state` (which makes commands and applies events) and `worker`
//! (which carries commands out). It sits below both, so neither imports the other.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::SystemTime;

use crate::s3::upload::Collision;
use crate::s3::{
    BucketEntry, FileRequest, ListPage, ProfileInfo, RequestOptions, S3Error, ShareLink,
    ShareOptions, UploadLink,
};
use crate::share::Expiry;

/// Links for more files than this are made only after a second click ("Copy 3,000 links,
/// 1 hour each (confirm)"): the worker counts, the window asks.
pub const CONFIRM_ABOVE: usize = 100;

/// What the window asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Read the profile list from the AWS config files.
    LoadProfiles,
    /// Sign in with a profile (None: AWS_PROFILE or default), optionally forcing a region.
    Connect {
        profile: Option<String>,
        region: Option<String>,
    },
    /// Start the embedded demo S3 server and sign in to it.
    StartDemo,
    /// List the buckets of the current session.
    ListBuckets,
    /// List a folder; every page comes back as `ObjectsPage` with this generation.
    ListObjects {
        bucket: String,
        prefix: String,
        generation: u64,
    },
    /// Filter and sort a listing's rows on the runtime (too many for the UI thread): the
    /// rows from `from` on, merged into `base`. Comes back as `RowsOrdered`.
    OrderRows {
        rows: crate::rows::ObjectRows,
        key: crate::rows::OrderKey,
        base: Vec<u32>,
        from: usize,
    },
    /// Make a download link (HEAD check, then local signing).
    Share {
        bucket: String,
        key: String,
        options: ShareOptions,
    },
    /// Upload a file to `key`, then make its link with `share`. Progress comes back as
    /// `Upload*` events with `id`.
    Upload {
        id: u64,
        path: PathBuf,
        bucket: String,
        key: String,
        collision: Collision,
        share: ShareOptions,
        /// Share it encrypted instead (stored as ciphertext under .s3share/, not at `key`).
        encrypt: Option<crate::ops::Encryption>,
    },
    /// Share an object of the bucket encrypted (read, encrypted and stored again); answers
    /// `EncryptedShared`, with `LinkCopyProgress` meanwhile.
    ShareEncrypted {
        bucket: String,
        key: String,
        request: crate::ops::EncryptedRequest,
    },
    /// A link through the bucket's CloudFront distribution; answers `Shared`.
    ShareViaCloudFront {
        bucket: String,
        key: String,
        setting: Box<crate::ops::CloudFrontSetting>,
        request: crate::ops::CloudFrontRequest,
    },
    /// Check and keep (or remove) a bucket's CloudFront setting in `settings`, then write
    /// them; answers `CloudFrontSet`. Needs no session.
    SetCloudFront {
        bucket: String,
        change: crate::ops::CloudFrontChange,
        settings: Box<crate::ops::CloudFrontSettings>,
    },
    /// The file dialog for the CloudFront form's private key; answers `KeyFilePicked`.
    PickKeyFile,
    /// Cancel one upload (a multipart upload is aborted).
    CancelUpload { id: u64 },
    /// Cancel every upload and report on `done` once they have all stopped (quitting).
    Shutdown { done: mpsc::Sender<()> },
    /// Apply one change to the link history file at `path` (off the UI thread; in order, one
    /// after another; under the file's lock, so links other programs recorded are kept).
    RecordHistory {
        path: PathBuf,
        change: crate::history::Change,
    },
    /// Open the native file dialog (on the runtime, never on the UI thread).
    PickFiles,
    /// Read the files copied to the clipboard (on the runtime; comes back as FilesPicked, or
    /// ClipboardHasNoFiles).
    ReadClipboardFiles,
    /// Try the keys of a new profile with one request, then write it to the AWS files.
    AddProfile(crate::s3::NewProfile),
    /// Write a pasted image as a PNG file named `name` in a private temporary folder (off
    /// the UI thread); `PastedImageSaved` says where, and the window uploads it.
    SavePastedImage {
        image: Arc<egui::ColorImage>,
        name: String,
    },
    /// Links for every object below `prefix` (all levels); unless `confirmed`, more than
    /// 100 objects come back as `FolderNeedsConfirmation` first. Once confirmed, the links
    /// are made and tried while the folder is listed again; `expected` is the count the
    /// person confirmed (the progress's total until the listing finds more).
    ShareFolder {
        bucket: String,
        prefix: String,
        confirmed: bool,
        expected: usize,
        options: ShareOptions,
    },
    /// Make (and try) a link for each of `keys`, one after another.
    ShareMany {
        bucket: String,
        keys: Vec<String>,
        options: ShareOptions,
    },
    /// Make a new link for an object of the history; it replaces entry `replaces`.
    Renew {
        replaces: String,
        bucket: String,
        key: String,
        options: ShareOptions,
    },
    /// Make a file request page (see `Session::request_files`).
    RequestFiles {
        bucket: String,
        options: RequestOptions,
    },
    /// Close a file request: its page is deleted.
    CloseRequest { bucket: String, id: String },
    /// Count the files a request has received so far.
    ListReceived {
        id: String,
        bucket: String,
        folder: String,
    },
    /// Make an upload ("send me a file") link.
    MakeUploadLink {
        bucket: String,
        key: String,
        content_type: Option<String>,
        expiry: Expiry,
    },
    /// Take back revocable link `id` (history row): its copy is deleted, then the link is
    /// tried to prove it no longer opens.
    Revoke {
        id: String,
        bucket: String,
        copy: crate::s3::LinkCopy,
        url: crate::share::SignedUrl,
    },
    /// Close page of links `id` (history row): the page is deleted (and the copies its
    /// links point at), then its link is tried. Comes back as `Revoked`.
    ClosePage {
        id: String,
        bucket: String,
        key: String,
        copies: Vec<crate::s3::LinkCopy>,
        url: crate::share::SignedUrl,
    },
    /// One link for many files: a page of links (see `ops::share_page`). Unless `confirmed`,
    /// a folder with its sub-folders of more than 100 files comes back as
    /// `PageNeedsConfirmation` first.
    SharePage {
        bucket: String,
        files: crate::ops::PageFiles,
        options: crate::ops::PageOptions,
        confirmed: bool,
    },
    /// Delete the copies of ended revocable links in `bucket` (a bucket was opened).
    DeleteEndedCopies { bucket: String },
    /// Add the lifecycle rule that deletes `.s3share/links/` copies after 8 days.
    ExpireLinkCopies { bucket: String },
}

/// What comes back.
#[derive(Debug, Clone)]
pub enum Event {
    Profiles(Vec<ProfileInfo>),
    /// Signed in; the credentials were resolved.
    Connected(SignedIn),
    ConnectFailed(S3Error),
    Buckets(Result<Vec<BucketEntry>, S3Error>),
    ObjectsPage {
        generation: u64,
        page: ListPage,
    },
    /// An order asked for with `OrderRows`, over the first `covers` rows.
    RowsOrdered {
        key: crate::rows::OrderKey,
        rows: Vec<u32>,
        covers: usize,
    },
    /// The listing of `generation` ended (Ok) or failed.
    ObjectsDone {
        generation: u64,
        result: Result<(), S3Error>,
    },
    Shared(Result<ShareLink, S3Error>),
    /// A revocable link's copy: `done` of `total` bytes (0 before it starts).
    LinkCopyProgress {
        done: u64,
        total: u64,
    },
    /// A page of links was made (and tried), or not.
    PageShared(Result<crate::ops::SharedPage, S3Error>),
    /// An object shared encrypted (`key` is the object's).
    EncryptedShared {
        key: String,
        result: Result<Box<crate::ops::EncryptedShare>, S3Error>,
    },
    /// A bucket's CloudFront setting was checked and written: every setting as now kept.
    CloudFrontSet {
        bucket: String,
        result: Result<Box<crate::ops::CloudFrontSettings>, S3Error>,
    },
    /// A `SharePage` of a folder found this many files and waits for confirmation.
    PageNeedsConfirmation {
        files: usize,
    },
    /// Link `id` was revoked (or not, and why).
    Revoked {
        id: String,
        result: Result<crate::ops::Revoked, S3Error>,
    },
    /// The copies of ended links deleted in `bucket` (their keys).
    EndedCopiesDeleted {
        bucket: String,
        result: Result<Vec<String>, S3Error>,
    },
    /// What adding the lifecycle rule for `.s3share/links/` in `bucket` came to.
    LinkCopiesRule {
        bucket: String,
        result: Result<crate::s3::LifecycleRule, S3Error>,
    },
    UploadLinkMade(Result<UploadLink, S3Error>),
    /// A new profile was tried and saved under this name (or not, and why).
    ProfileAdded(Result<String, S3Error>),
    /// A pasted image was written as a PNG file (or could not be).
    PastedImageSaved(Result<PathBuf, S3Error>),
    /// A `ShareFolder` found this many objects and waits for confirmation.
    FolderNeedsConfirmation {
        files: usize,
    },
    /// `done` of `total` links of a `ShareMany` are made.
    ManyProgress {
        done: usize,
        total: usize,
    },
    /// Every link of a `ShareMany`, in order, made or not.
    ManyShared(Vec<(String, Result<ShareLink, S3Error>)>),
    /// A renewed link (for history entry `replaces`) was made, or could not be.
    Renewed {
        replaces: String,
        result: Result<ShareLink, S3Error>,
    },
    /// A file request page was made (and tried).
    RequestMade(Result<FileRequest, S3Error>),
    /// A request was closed (its page deleted) at this time, or could not be.
    RequestClosed {
        id: String,
        result: Result<SystemTime, S3Error>,
    },
    /// How many files a request's folder holds now.
    Received {
        id: String,
        result: Result<usize, S3Error>,
    },
    /// The upload began under `key` (which may differ from the one asked for: keep both).
    UploadStarted {
        id: u64,
        key: String,
        total: u64,
    },
    UploadProgress {
        id: u64,
        bytes: u64,
    },
    /// Something to know about upload `id` before its first byte.
    UploadWarning {
        id: u64,
        text: String,
    },
    /// The key is taken: the user chooses keep both, replace or skip.
    UploadConflict {
        id: u64,
        key: String,
    },
    UploadFinished {
        id: u64,
        result: Result<UploadEnd, S3Error>,
    },
    /// Files chosen in the file dialog (empty when cancelled).
    FilesPicked(Vec<PathBuf>),
    /// No file dialog can open here (no portal / D-Bus session).
    NoFileDialog,
    /// The private key file chosen in the dialog (None: cancelled, or no dialog here).
    KeyFilePicked(Option<PathBuf>),
    /// No file dialog can open here for the key file (no portal / D-Bus session).
    NoKeyFileDialog,
    /// The clipboard holds no copied files (the reason, when it could not be read).
    ClipboardHasNoFiles(Option<String>),
    /// The history file could not be written, or was unreadable and set aside: the message.
    HistoryTrouble(String),
}

/// A session the worker has signed in with, as the window shows it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub profile: ProfileInfo,
    pub region: String,
    /// False when the profile names no region (the window offers a picker).
    pub region_from_profile: bool,
    /// When the signing credentials end (None: they do not expire).
    pub credentials_expire_at: Option<SystemTime>,
    /// The embedded demo server rather than an AWS profile.
    pub demo: bool,
}

#[cfg(test)]
impl SignedIn {
    /// A signed-in demo session, for reducer tests that need one.
    pub fn demo_for_tests() -> SignedIn {
        SignedIn {
            profile: ProfileInfo {
                name: "demo (local)".into(),
                region: Some("us-east-1".into()),
                endpoint_url: None,
                kind: crate::s3::ProfileKind::StaticKeys,
            },
            region: "us-east-1".into(),
            region_from_profile: true,
            credentials_expire_at: None,
            demo: true,
        }
    }
}

/// How an upload ended.
#[derive(Debug, Clone)]
pub enum UploadEnd {
    /// Uploaded and shared: the link goes to the clipboard.
    Shared(Box<ShareLink>),
    /// Uploaded, but the link could not be made.
    UploadedNotShared(S3Error),
    /// Encrypted, stored with its page and linked: the link goes to the clipboard.
    Encrypted(Box<crate::ops::EncryptedShare>),
    Skipped,
    Cancelled,
}

impl Command {
    /// The answer to this command when it cannot be carried out because no session is signed
    /// in (a click while a profile is still signing in): the same event its work would send,
    /// with `error`, so nothing waits for ever. None for commands that need no session.
    pub fn unanswered(&self, error: &S3Error) -> Option<Event> {
        fn failed<T>(error: &S3Error) -> Result<T, S3Error> {
            Err(error.clone())
        }
        Some(match self {
            Command::ListBuckets => Event::Buckets(failed(error)),
            Command::ListObjects { generation, .. } => Event::ObjectsDone {
                generation: *generation,
                result: failed(error),
            },
            Command::Share { .. } | Command::ShareViaCloudFront { .. } => {
                Event::Shared(failed(error))
            }
            Command::Upload { id, .. } => Event::UploadFinished {
                id: *id,
                result: failed(error),
            },
            Command::ShareFolder { prefix, .. } => {
                Event::ManyShared(vec![(prefix.clone(), failed(error))])
            }
            Command::ShareMany { keys, .. } => {
                Event::ManyShared(keys.iter().map(|k| (k.clone(), failed(error))).collect())
            }
            Command::Renew { replaces, .. } => Event::Renewed {
                replaces: replaces.clone(),
                result: failed(error),
            },
            Command::RequestFiles { .. } => Event::RequestMade(failed(error)),
            Command::CloseRequest { id, .. } => Event::RequestClosed {
                id: id.clone(),
                result: failed(error),
            },
            Command::ListReceived { id, .. } => Event::Received {
                id: id.clone(),
                result: failed(error),
            },
            Command::MakeUploadLink { .. } => Event::UploadLinkMade(failed(error)),
            Command::Revoke { id, .. } => Event::Revoked {
                id: id.clone(),
                result: failed(error),
            },
            Command::ClosePage { id, .. } => Event::Revoked {
                id: id.clone(),
                result: failed(error),
            },
            Command::SharePage { .. } => Event::PageShared(failed(error)),
            Command::ShareEncrypted { key, .. } => Event::EncryptedShared {
                key: key.clone(),
                result: failed(error),
            },
            Command::DeleteEndedCopies { bucket } => Event::EndedCopiesDeleted {
                bucket: bucket.clone(),
                result: failed(error),
            },
            Command::ExpireLinkCopies { bucket } => Event::LinkCopiesRule {
                bucket: bucket.clone(),
                result: failed(error),
            },
            Command::LoadProfiles
            | Command::Connect { .. }
            | Command::StartDemo
            | Command::OrderRows { .. }
            | Command::CancelUpload { .. }
            | Command::Shutdown { .. }
            | Command::RecordHistory { .. }
            | Command::PickFiles
            | Command::ReadClipboardFiles
            | Command::AddProfile(_)
            | Command::SavePastedImage { .. }
            | Command::SetCloudFront { .. }
            | Command::PickKeyFile => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_needs_a_session_is_answered_without_one() {
        let error = S3Error::bad_input("not signed in");
        let share = Command::Share {
            bucket: "b".into(),
            key: "k".into(),
            options: ShareOptions::default(),
        };
        assert!(matches!(
            share.unanswered(&error),
            Some(Event::Shared(Err(_)))
        ));
        let close = Command::CloseRequest {
            bucket: "b".into(),
            id: "r1".into(),
        };
        assert!(
            matches!(close.unanswered(&error), Some(Event::RequestClosed { id, result: Err(_) }) if id == "r1")
        );
        assert!(Command::LoadProfiles.unanswered(&error).is_none());
    }
}
