//! Links shared from this machine, kept so a user can copy one again while it still works.
//! A presigned URL is a bearer credential: the file is created readable and writable by
//! its owner only, expired links are dropped on load, and no credentials are stored.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::s3::{LinkCheck, ShareLink};
use crate::share::SignedUrl;

/// At most this many links are kept.
pub const HISTORY_LIMIT: usize = 200;

/// One link made on this machine. `Debug` shows the URL without its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub bucket: String,
    pub key: String,
    pub url: SignedUrl,
    /// When the link stops working (its own expiry or its credentials' end).
    pub effective_expires_at: SystemTime,
    /// What trying the link said when it was made.
    #[serde(default)]
    pub check: LinkCheck,
}

impl HistoryEntry {
    /// The entry for a link just made.
    pub fn of(link: &ShareLink) -> HistoryEntry {
        HistoryEntry {
            bucket: link.bucket.clone(),
            key: link.key.clone(),
            url: link.url.clone(),
            effective_expires_at: link.effective_expires_at,
            check: link.check.clone(),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct History {
    path: Option<PathBuf>,
    pub entries: Vec<HistoryEntry>,
}

impl History {
    /// Loads `path`, dropping links that have expired. A missing or unreadable file is an
    /// empty history (the file is a convenience, never a reason to fail).
    pub fn load(path: PathBuf, now: SystemTime) -> History {
        let entries: Vec<HistoryEntry> = std::fs::read(&path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        History {
            path: Some(path),
            entries: entries
                .into_iter()
                .filter(|e| e.effective_expires_at > now)
                .collect(),
        }
    }

    /// The usual place: `<config dir>/s3share/history.json`.
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "s3share")
            .map(|d| d.config_dir().join("history.json"))
    }

    /// Links that still work at `now`, newest first, at most `limit`.
    pub fn still_valid(&self, now: SystemTime, limit: usize) -> Vec<&HistoryEntry> {
        self.entries
            .iter()
            .filter(|e| e.effective_expires_at > now)
            .take(limit)
            .collect()
    }

    /// Adds a link (newest first), in memory; `save` writes the file.
    pub fn add(&mut self, entry: HistoryEntry) {
        self.entries.insert(0, entry);
        self.entries.truncate(HISTORY_LIMIT);
    }

    /// Writes the history (owner-only, replaced atomically). The window asks the worker to
    /// do this, so the disk write and fsync never hold up a frame.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let tmp = path.with_extension("json.tmp");
        let mut file = create_private(&tmp)?;
        file.write_all(&serde_json::to_vec_pretty(&self.entries).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(tmp, path)
    }
}

/// Creates (or truncates) a file that only its owner can read and write.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // An existing file keeps its old mode on open: tighten it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        // On Windows the per-user profile directory is already private to its owner.
        options.open(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn entry(key: &str, ends: u64) -> HistoryEntry {
        HistoryEntry {
            bucket: "b".into(),
            key: key.into(),
            url: SignedUrl::new(format!("http://h/b/{key}?X-Amz-Signature=s")),
            effective_expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(ends),
            check: LinkCheck::Opens,
        }
    }

    #[test]
    fn history_is_owner_only_and_forgets_expired_links() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("history.json");
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let mut history = History::load(path.clone(), t(1000));
        history.add(entry("old", 1500));
        history.add(entry("new", 5000));
        history.save().unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let later = History::load(path, t(2000));
        assert_eq!(later.entries, vec![entry("new", 5000)]);
    }
}
