//! What the person at the window asked for. Panels push these and nothing else; `App`
//! turns each into state changes and worker commands in one place (`app/intents.rs`).

use std::path::PathBuf;

use crate::s3::UploadLink;
use crate::s3::upload::Collision;
use crate::share::SignedUrl;
use crate::state::SortColumn;

#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Sign in with this profile (None: AWS_PROFILE or default), optionally forcing a region.
    Connect {
        profile: Option<String>,
        region: Option<String>,
    },
    /// Sign in again with the same profile and region (Retry, after `aws sso login`).
    RetrySignIn,
    /// Switch to the embedded demo bucket.
    StartDemo,
    /// Read the profile list again (the AWS files may have changed).
    RefreshProfiles,
    /// Load the bucket list again.
    RefreshBuckets,
    /// Show a folder ("" is the bucket's top); the folder already shown is listed again.
    OpenFolder { bucket: String, prefix: String },
    /// Open a bucket's CloudFront form (its context menu).
    OpenCloudFront(String),
    /// Check and keep the CloudFront form.
    SaveCloudFront,
    /// Stop signing the form's bucket's links through CloudFront.
    RemoveCloudFront,
    /// Choose the CloudFront form's private key file in a file dialog.
    PickKeyFile,
    /// Close the CloudFront form without a change.
    CloseCloudFront,
    /// Go to the parent of the folder shown.
    GoUp,
    /// Select an object to share.
    SelectObject(String),
    /// Ctrl+click (`range`: Shift+click) a file: add it to the selection, or a range.
    SelectMore { key: String, range: bool },
    /// Select every file shown (Ctrl+A).
    SelectAll,
    /// Links for every selected file, copied as one text.
    CopySelectedLinks,
    /// Links for every file of the open folder, or (`all_levels`) also of its sub-folders;
    /// asks again above 100 files.
    CopyFolderLinks { all_levels: bool },
    /// Cancel (or Esc): take back the folder links' pending "(confirm)" question.
    CancelFolderLinks,
    /// How several links are written.
    SetListFormat(crate::share::link_list::ListFormat),
    /// Move the keyboard cursor (arrows, Page Up/Down, Home/End).
    MoveCursor(crate::state::CursorMove),
    /// Enter: open the folder under the cursor, or copy the file's link.
    Activate,
    /// Letters typed outside a text field: jump to the first name starting with them.
    TypeAhead {
        text: String,
        at: std::time::Instant,
    },
    /// Esc: empty the filter.
    ClearFilter,
    /// The filter text changed (typed).
    FilterChanged,
    /// Double-click or the context menu: select `key` and copy a fresh link to it, with
    /// the lifetime given (None: the panel's).
    CopyLinkOf {
        key: String,
        lifetime: Option<crate::share::Expiry>,
    },
    /// Copy `s3://bucket/key` (not a link: no access comes with it).
    CopyUri(String),
    /// Fill the upload-link form with this folder, for a file name to be added.
    UploadLinkHere(String),
    /// Open this folder and the file dialog to upload into it.
    UploadFilesHere(String),
    /// Select `key` and switch the download filename on, to edit it.
    DownloadFilenameFor(String),
    /// Sort the listing by a column; the same column again reverses the order.
    SortBy(SortColumn),
    /// Make a fresh link for the selected object and copy it.
    CopyLink,
    /// Share the selected object encrypted (the panel's lifetime and passphrase).
    ShareEncrypted,
    /// Copy the link on screen although its self-test failed (the reason is shown).
    CopyAnyway,
    /// Copy a link made earlier again (recent links, the upload link).
    CopyAgain(SignedUrl),
    /// Copy the ready-to-paste curl command of an upload link.
    CopyCurlCommand(UploadLink),
    /// Make an upload ("send me a file") link for the key and type in the form.
    MakeUploadLink,
    /// Open the "Add a profile" dialog (keys but no AWS CLI).
    AddProfile,
    /// Try the keys typed in the dialog and save the profile.
    SaveProfile,
    /// Close the dialog without saving.
    CancelAddProfile,
    /// Open or close the "Shared links" manager.
    ToggleManager,
    /// A new link for history entry `id` (None: its original lifetime); copied when made.
    Renew {
        id: String,
        lifetime: Option<crate::share::Expiry>,
    },
    /// Remove history entry `id` from the list (it revokes nothing).
    Forget(String),
    /// Put the row Forget removed last back.
    UndoForget,
    /// "Share as one page" (clicked again to confirm above 100 files).
    SharePage(crate::state::PageOf),
    /// Revoke clicked on a revocable row (or Close page on a page's): ask first.
    AskRevoke(String),
    /// The confirmation's "Keep it".
    CancelRevoke,
    /// The confirmation's "Revoke now": the link's copy is deleted and the link tried.
    Revoke(String),
    /// Add the lifecycle rule that deletes link copies in this bucket after 8 days.
    ExpireLinkCopies(String),
    /// Show a link as a QR code (for a phone), with what it is for and when it ends.
    ShowQr {
        url: SignedUrl,
        label: String,
        ends: std::time::SystemTime,
    },
    /// Close the QR code.
    HideQr,
    /// Make a file request page from the "Request files" form.
    MakeFileRequest,
    /// Close file request `id`: asks to confirm first.
    CloseRequest(String),
    /// Confirmed: its page is deleted, its link stops.
    ConfirmCloseRequest(String),
    /// Not closed after all.
    KeepRequest(String),
    /// Count the files request `id` has received.
    RefreshReceived(String),
    /// Upload a file into the open folder, then share it.
    QueueUpload(PathBuf),
    /// Files pasted into the window (a copied file list): uploaded like a drop.
    PasteFiles(Vec<PathBuf>),
    /// An image pasted into the window (a screenshot), with the name suggested for it.
    PasteImage {
        image: std::sync::Arc<egui::ColorImage>,
        name: String,
    },
    /// Upload the pasted image under the name shown (edited or not).
    UploadPastedImage,
    /// Drop the pasted image without uploading it.
    DiscardPastedImage,
    /// Open the file dialog to choose files to upload.
    PickFiles,
    /// Read a copied file list from the clipboard (text/uri-list, GNOME's copied files),
    /// which Ctrl+V cannot see when the clipboard holds no text.
    PasteFromClipboard,
    /// Ctrl+V brought text that names no file.
    PastedText,
    /// The answer to "this name is taken" for upload `id`.
    ResolveConflict { id: u64, collision: Collision },
    /// Stop upload `id` (a multipart upload is aborted).
    CancelUpload(u64),
    /// Remove finished uploads from the list.
    ClearFinishedUploads,
}
