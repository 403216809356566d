//! Uploads as the window shows them: a row per file with its progress and status, and the
//! commands that start one (from a drop, the file dialog or the name-taken question).

use std::path::PathBuf;
use std::time::Instant;

use super::{Effect, State};
use crate::command::Command;
use crate::s3::upload::Collision;
use crate::s3::{S3Error, ShareLink, ShareOptions, file_name};

/// Where an upload stands.
#[derive(Debug, Clone)]
pub enum UploadStatus {
    Queued,
    Running,
    /// The key is taken: waiting for keep both / replace / skip.
    Conflict,
    /// Uploaded; its link went to the clipboard.
    Shared(Box<ShareLink>),
    /// Encrypted, stored with its page; its link went to the clipboard.
    Encrypted(Box<crate::ops::EncryptedShare>),
    Skipped,
    Cancelled,
    Failed(S3Error),
    /// Its link was revoked (in Shared links) at this time.
    Revoked(std::time::SystemTime),
}

/// One row of the uploads panel.
#[derive(Debug, Clone)]
pub struct UploadRow {
    pub id: u64,
    pub path: PathBuf,
    pub bucket: String,
    /// The key asked for, then the one actually used.
    pub key: String,
    pub total: u64,
    pub done: u64,
    /// When bytes started to flow (for speed and time left).
    pub started: Option<Instant>,
    pub status: UploadStatus,
    /// Said before the first byte (a server that cannot refuse a taken name).
    pub warning: Option<String>,
    /// Shared encrypted, keyed so (chosen when the file was queued).
    pub encrypt: Option<crate::ops::Encryption>,
}

impl UploadRow {
    pub fn finished(&self) -> bool {
        !matches!(
            self.status,
            UploadStatus::Queued | UploadStatus::Running | UploadStatus::Conflict
        )
    }
}

impl State {
    pub fn upload_mut(&mut self, id: u64) -> Option<&mut UploadRow> {
        self.uploads.iter_mut().find(|row| row.id == id)
    }

    /// Queues a file for upload into the open folder, keeping its name.
    /// True when a folder is open to upload into; otherwise the uploads bar says to open
    /// one first (`what`: "files are", "a pasted image is").
    pub fn upload_folder_open(&mut self, what: &str) -> bool {
        let open = !self.listing.bucket.is_empty() && self.connected();
        if !open {
            self.upload_notice = Some(format!(
                "Open a bucket (and a folder) first: {what} uploaded into the folder shown."
            ));
        }
        open
    }

    pub fn queue_upload(&mut self, path: PathBuf) -> Vec<Effect> {
        if !self.upload_folder_open("files are") {
            return Vec::new();
        }
        // Encrypted: the passphrase is checked before anything is queued.
        let encrypt = if self.share.encrypt_uploads {
            match self.share.encryption() {
                Ok(encryption) => Some(encryption),
                Err(error) => {
                    self.upload_notice = Some(format!("Nothing was uploaded: {}", error.message));
                    return Vec::new();
                }
            }
        } else {
            None
        };
        self.upload_notice = None;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.next_upload_id += 1;
        let row = UploadRow {
            id: self.next_upload_id,
            path,
            bucket: self.listing.bucket.clone(),
            key: if encrypt.is_some() {
                name
            } else {
                format!("{}{name}", self.listing.prefix)
            },
            total: 0,
            done: 0,
            started: None,
            status: UploadStatus::Queued,
            warning: None,
            encrypt,
        };
        let command = self.upload_command(&row, Collision::Ask);
        self.uploads.push(row);
        vec![Effect::Send(command)]
    }

    /// The user's answer to "this name is taken".
    pub fn resolve_conflict(&mut self, id: u64, collision: Collision) -> Vec<Effect> {
        let Some(row) = self.upload_mut(id) else {
            return Vec::new();
        };
        row.status = UploadStatus::Queued;
        let row = row.clone();
        vec![Effect::Send(self.upload_command(&row, collision))]
    }

    fn upload_command(&self, row: &UploadRow, collision: Collision) -> Command {
        Command::Upload {
            id: row.id,
            path: row.path.clone(),
            bucket: row.bucket.clone(),
            key: row.key.clone(),
            collision,
            share: ShareOptions {
                expiry: self.share.expiry,
                // With the filename option on, the uploaded file keeps its own name (also
                // when "keep both" stores it as "name (1).ext").
                // A file name that cannot be a download filename (a control character)
                // leaves the option off for that file rather than failing the upload.
                download_filename: self
                    .share
                    .filename_enabled
                    .then(|| {
                        row.path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_else(|| file_name(&row.key).to_owned())
                    })
                    .and_then(|name| crate::share::DownloadFilename::parse(&name).ok()),
                revocable: self.share.revocable,
            },
            encrypt: row.encrypt.clone(),
        }
    }
}
