//! Links made on this machine, so a user can see what was handed out, copy a link again or
//! renew it. A presigned URL is a bearer credential: the file and its directory are readable
//! by their owner only, the file is replaced atomically (temp file + rename) by the worker,
//! off the UI thread, and no credentials are stored. Expired links are kept for a week (so
//! "what did I send Tuesday?" has an answer), then dropped; a file that cannot be read is
//! set aside under another name with a message, never silently emptied.

mod entry;

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub use entry::{HistoryEntry, LinkKind, LinkStatus};

/// At most this many links are kept (newest first).
pub const HISTORY_LIMIT: usize = 1000;
/// Expired links are kept this long; S3SHARE_HISTORY_DAYS changes it.
const RETENTION_DAYS: u64 = 7;

#[derive(Debug, Clone, Default)]
pub struct History {
    path: Option<PathBuf>,
    pub entries: Vec<HistoryEntry>,
    /// Said once when the file could not be read (and was set aside).
    pub notice: Option<String>,
}

impl History {
    /// Loads `path`, dropping links that ended more than the retention ago. A missing file
    /// is an empty history; an unreadable one is renamed `history.json.unreadable-<time>`
    /// (kept for the user) and the history starts empty with a notice.
    pub fn load(path: PathBuf, now: SystemTime) -> History {
        let mut notice = None;
        let entries: Vec<HistoryEntry> = match std::fs::read(&path) {
            Err(_) => Vec::new(),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(entries) => entries,
                Err(err) => {
                    let stamp = crate::share::signed_secs(now, SystemTime::UNIX_EPOCH);
                    let aside = path.with_extension(format!("json.unreadable-{stamp}"));
                    let kept = std::fs::rename(&path, &aside).is_ok();
                    tracing::warn!(error = %err, "the link history could not be read");
                    notice = Some(if kept {
                        format!(
                            "The list of shared links could not be read ({err}); it was kept as {} and a new list started.",
                            aside.display()
                        )
                    } else {
                        format!("The list of shared links could not be read ({err}).")
                    });
                    Vec::new()
                }
            },
        };
        let keep_until = retention();
        History {
            path: Some(path),
            entries: entries
                .into_iter()
                .filter(|e| e.effective_expires_at + keep_until > now)
                .collect(),
            notice,
        }
    }

    /// S3SHARE_HISTORY_FILE, else the usual place: `<config dir>/s3share/history.json`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os("S3SHARE_HISTORY_FILE") {
            return Some(PathBuf::from(path));
        }
        directories::ProjectDirs::from("", "", "s3share")
            .map(|d| d.config_dir().join("history.json"))
    }

    /// Links that still work at `now`, newest first, at most `limit`.
    pub fn still_valid(&self, now: SystemTime, limit: usize) -> Vec<&HistoryEntry> {
        self.entries
            .iter()
            .filter(|e| e.effective_expires_at > now && !e.replaced)
            .take(limit)
            .collect()
    }

    /// Adds a link (newest first), in memory; `save` writes the file. The same URL twice
    /// (copied again) stays one row.
    pub fn add(&mut self, entry: HistoryEntry) {
        self.entries.retain(|e| e.url != entry.url);
        self.entries.insert(0, entry);
        self.entries.truncate(HISTORY_LIMIT);
    }

    pub fn get(&self, id: &str) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Marks `id` as replaced by a renewed link.
    pub fn mark_replaced(&mut self, id: &str) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            entry.replaced = true;
        }
    }

    /// Removes `id` from this list. It does not revoke anything: the link works until it ends.
    pub fn forget(&mut self, id: &str) {
        self.entries.retain(|e| e.id != id);
    }

    /// Writes the history (owner-only, replaced atomically). The window asks the worker to
    /// do this, so the disk write and fsync never hold up a frame.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(parent) = path.parent() {
            create_private_dir(parent)?;
        }
        let tmp = path.with_extension("json.tmp");
        let mut file = create_private(&tmp)?;
        file.write_all(&serde_json::to_vec_pretty(&self.entries).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(tmp, path)
    }
}

fn retention() -> Duration {
    let days = std::env::var("S3SHARE_HISTORY_DAYS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(RETENTION_DAYS);
    Duration::from_secs(days * 86_400)
}

/// Creates `dir` (and its parents) readable by its owner only.
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
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
    use crate::s3::LinkCheck;
    use crate::share::SignedUrl;

    fn entry(key: &str, ends: u64) -> HistoryEntry {
        HistoryEntry {
            id: key.into(),
            kind: LinkKind::Download,
            bucket: "b".into(),
            key: key.into(),
            url: SignedUrl::new(format!("http://h/b/{key}?X-Amz-Signature=s")),
            detail: None,
            made_at: None,
            lifetime: None,
            expires_at: None,
            effective_expires_at: SystemTime::UNIX_EPOCH + Duration::from_secs(ends),
            check: LinkCheck::Opens,
            replaced: false,
        }
    }

    const DAY: u64 = 86_400;

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
            let dir_mode = std::fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(dir_mode & 0o777, 0o700);
        }
        // Expired links stay a week, for "what did I send Tuesday?", then go.
        let later = History::load(path.clone(), t(2000));
        assert_eq!(later.entries.len(), 2);
        assert_eq!(later.still_valid(t(2000), 10).len(), 1);
        let week_later = History::load(path, t(1500 + 7 * DAY + 1));
        assert_eq!(week_later.entries, vec![entry("new", 5000)]);
    }

    #[test]
    fn an_unreadable_history_is_set_aside_with_a_message_not_emptied() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, b"[{\"bucket\": \"b\", \"key\": \"trunc").unwrap();
        let history = History::load(path.clone(), SystemTime::now());
        assert!(history.entries.is_empty());
        let notice = history.notice.expect("a message");
        assert!(notice.contains("could not be read"), "{notice}");
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("history.json.unreadable-"))
            .collect();
        assert_eq!(aside.len(), 1, "the old file is kept");
        let kept = std::fs::read(dir.path().join(&aside[0])).unwrap();
        assert!(kept.ends_with(b"trunc"));
    }

    #[test]
    fn the_same_link_copied_again_is_one_row() {
        let mut history = History::default();
        history.add(entry("a", 10));
        history.add(entry("b", 10));
        history.add(entry("a", 10));
        let keys: Vec<_> = history.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["a", "b"]);
    }

    #[test]
    fn status_tells_expired_from_credentials_ended_and_replaced() {
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let mut e = entry("x", 100);
        assert_eq!(e.status(t(50)), LinkStatus::Works);
        e.replaced = true;
        assert_eq!(e.status(t(50)), LinkStatus::Replaced);
        assert_eq!(e.status(t(100)), LinkStatus::Expired);
        e.expires_at = Some(t(3600));
        assert_eq!(e.status(t(200)), LinkStatus::CredentialsEnded);
    }
}
