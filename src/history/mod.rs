//! Links made on this machine, so a user can see what was handed out, copy a link again or
//! renew it. A presigned URL is a bearer credential: the file and its directory are readable
//! by their owner only and no credentials are stored.
//!
//! Every link is kept until a week after it ends (`S3SHARE_HISTORY_DAYS` changes the week);
//! there is no count limit, so no link that still works is ever dropped. Several writers (the
//! window and any number of `s3share` commands) change the file through `record`: under an
//! exclusive lock, each reads what the others wrote, applies its one change and replaces the
//! file atomically (temp file + rename), so no writer's rows are lost. A file that cannot be
//! read (bad JSON, not UTF-8, no permission) is set aside under another name with a message
//! naming where it was kept, never silently emptied; a symlinked history file is written
//! through the link.

mod cloudfront;
mod entry;

use std::io::Write;

use crate::private_file::{create_private, create_private_dir, open_private};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

pub use entry::{HistoryEntry, LinkKind, LinkStatus, PageRecord};

/// Expired links are kept this long; S3SHARE_HISTORY_DAYS changes it.
const RETENTION_DAYS: u64 = 7;
/// The longest retention S3SHARE_HISTORY_DAYS may ask for (about 100 years).
const MAX_RETENTION_DAYS: u64 = 36_500;

/// One change to the history, applied in memory and to the file alike.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// New links, newest last (they are listed newest first).
    Add(Vec<HistoryEntry>),
    /// Remove a row from the list (it revokes nothing).
    Forget(String),
    /// A renewed link replaced this row.
    MarkReplaced(String),
    /// The copy of revocable link `id` was deleted at this time: the link no longer opens.
    Revoked { id: String, at: SystemTime },
    /// File request `id` (not the row's id: the request's) was closed at this time.
    CloseRequest { id: String, at: SystemTime },
    /// The links to `bucket` that do not start with `origin` point at a server that is gone
    /// (the demo server moves to a new port each run).
    ServerGone { bucket: String, origin: String },
}

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
        let path = resolve_link(path);
        let (mut entries, notice) = read_or_set_aside(&path, now);
        prune(&mut entries, now);
        History {
            path: Some(path),
            entries,
            notice,
        }
    }

    /// Where this history is written (None: kept in memory only, as in tests).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// S3SHARE_HISTORY_FILE, else the usual place: `<config dir>/s3share/history.json`.
    pub fn default_path() -> Option<PathBuf> {
        if let Some(path) = std::env::var_os("S3SHARE_HISTORY_FILE") {
            return Some(PathBuf::from(path));
        }
        directories::ProjectDirs::from("", "", "s3share")
            .map(|d| d.config_dir().join("history.json"))
    }

    /// Links that still work at `now`, newest first (lazily).
    pub fn still_valid(&self, now: SystemTime) -> impl Iterator<Item = &HistoryEntry> {
        self.entries.iter().filter(move |e| {
            e.effective_expires_at > now
                && !e.replaced
                && e.closed_at.is_none()
                && e.revoked_at.is_none()
                && !e.server_gone
        })
    }

    /// Whether a link to `bucket` that has ended (by `now`) still holds copies or a page there:
    /// cleaning up costs nothing (not even a listing) when none does.
    pub fn has_ended_copies(&self, bucket: &str, now: SystemTime) -> bool {
        self.entries
            .iter()
            .any(|e| e.bucket == bucket && e.holds_copies() && e.effective_expires_at <= now)
    }

    /// The rows of `bucket` that stand for one of the `deleted` keys (copies, pages): what a
    /// cleanup marks as gone.
    pub fn standing_for(&self, bucket: &str, deleted: &[String]) -> Vec<String> {
        self.entries
            .iter()
            .filter(|e| {
                e.bucket == bucket && e.holds_copies() && deleted.iter().any(|k| e.points_at(k))
            })
            .map(|e| e.id.clone())
            .collect()
    }

    /// Adds a link (newest first), in memory. The same URL twice (copied again) stays one row.
    #[cfg(test)]
    pub fn add(&mut self, entry: HistoryEntry) {
        self.apply(&Change::Add(vec![entry]));
    }

    /// Applies `change` in memory.
    pub fn apply(&mut self, change: &Change) {
        apply(&mut self.entries, change);
    }

    pub fn get(&self, id: &str) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Applies `change` to the file at `path` under an exclusive lock, keeping every row
    /// other writers added meanwhile. Returns the notice when the file had to be set aside.
    pub fn record(
        path: &Path,
        change: &Change,
        now: SystemTime,
    ) -> std::io::Result<Option<String>> {
        let path = resolve_link(path.to_path_buf());
        if let Some(parent) = path.parent()
            && !parent.as_os_str().is_empty()
            && !parent.exists()
        {
            create_private_dir(parent)?;
        }
        let lock = open_private(&sibling(&path, ".lock"), false)?;
        lock.lock()?;
        let (mut entries, notice) = read_or_set_aside(&path, now);
        apply(&mut entries, change);
        prune(&mut entries, now);
        let tmp = sibling(&path, &format!(".tmp-{}", std::process::id()));
        let written = (|| {
            let mut file = create_private(&tmp)?;
            file.write_all(&serde_json::to_vec_pretty(&entries).map_err(std::io::Error::other)?)?;
            file.sync_all()?;
            std::fs::rename(&tmp, &path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        drop(lock);
        written.map(|()| notice)
    }
}

/// Applies one change to a list of rows, newest first.
fn apply(entries: &mut Vec<HistoryEntry>, change: &Change) {
    match change {
        Change::Add(new) => {
            let urls: std::collections::HashSet<&str> =
                new.iter().map(|e| e.url.expose()).collect();
            entries.retain(|e| !urls.contains(e.url.expose()));
            let mut added: Vec<HistoryEntry> = new.iter().rev().cloned().collect();
            added.append(entries);
            *entries = added;
            // Newest first by when each link was made (stable: rows of the same moment, or
            // from files without that field, keep their order). A row put back by Undo
            // returns to its place.
            entries.sort_by_key(|e| std::cmp::Reverse(e.made_at));
        }
        Change::Forget(id) => entries.retain(|e| &e.id != id),
        Change::MarkReplaced(id) => {
            if let Some(entry) = entries.iter_mut().find(|e| &e.id == id) {
                entry.replaced = true;
            }
        }
        Change::ServerGone { bucket, origin } => {
            for entry in entries
                .iter_mut()
                .filter(|e| &e.bucket == bucket && !e.url.expose().starts_with(origin.as_str()))
            {
                entry.server_gone = true;
            }
        }
        Change::Revoked { id, at } => {
            if let Some(entry) = entries.iter_mut().find(|e| &e.id == id) {
                entry.revoked_at.get_or_insert(*at);
            }
        }
        Change::CloseRequest { id, at } => {
            for entry in entries.iter_mut().filter(|e| e.is_request(id)) {
                entry.closed_at.get_or_insert(*at);
            }
        }
    }
}

/// Drops the rows that ended more than the retention ago (a revocable link's row stays
/// until its copy is deleted: the row is how S3 Share finds the bucket to clean up).
fn prune(entries: &mut Vec<HistoryEntry>, now: SystemTime) {
    let keep = retention();
    entries.retain(|e| {
        e.holds_copies()
            || e.effective_expires_at
                .checked_add(keep)
                .is_none_or(|until| until > now)
    });
}

/// `path.json` + `suffix`, beside it.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A symlinked history file is written through its link, not replaced by a plain file.
fn resolve_link(path: PathBuf) -> PathBuf {
    match std::fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(&path).unwrap_or(path),
        _ => path,
    }
}

/// Reads the rows at `path`. Missing: none. Unreadable for any reason (no permission, not
/// UTF-8, not the format): the file is renamed aside and the notice says where it is.
fn read_or_set_aside(path: &Path, now: SystemTime) -> (Vec<HistoryEntry>, Option<String>) {
    let problem = match std::fs::read(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return (Vec::new(), None),
        Err(err) => err.to_string(),
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(entries) => return (entries, None),
            Err(err) => err.to_string(),
        },
    };
    let stamp = crate::share::signed_secs(now, SystemTime::UNIX_EPOCH);
    let aside = sibling(path, &format!(".unreadable-{stamp}"));
    tracing::warn!(error = %problem, "the link history could not be read");
    let notice = match std::fs::rename(path, &aside) {
        Ok(()) => format!(
            "The list of shared links at {} could not be read ({problem}); it was kept as {} and a new list started.",
            path.display(),
            aside.display()
        ),
        Err(err) => format!(
            "The list of shared links at {} could not be read ({problem}) nor set aside ({err}); it was left as it is.",
            path.display()
        ),
    };
    (Vec::new(), Some(notice))
}

fn retention() -> Duration {
    retention_of(std::env::var("S3SHARE_HISTORY_DAYS").ok().as_deref())
}

/// The retention S3SHARE_HISTORY_DAYS asks for: whole days, at most about a century.
fn retention_of(days: Option<&str>) -> Duration {
    let days = days
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(RETENTION_DAYS)
        .min(MAX_RETENTION_DAYS);
    Duration::from_secs(days * 86_400)
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
            closed_at: None,
            server_gone: false,
            copy: None,
            revoked_at: None,
            page: None,
        }
    }

    const DAY: u64 = 86_400;

    #[test]
    fn history_is_owner_only_and_forgets_expired_links() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("history.json");
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        let change = Change::Add(vec![entry("old", 1500), entry("new", 5000)]);
        History::record(&path, &change, t(1000)).unwrap();
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
        assert_eq!(later.still_valid(t(2000)).count(), 1);
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
    fn concurrent_writers_all_keep_their_rows() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let writers: Vec<_> = (0..20)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let change = Change::Add(vec![entry(&format!("k{i}"), 5000)]);
                    History::record(&path, &change, now).unwrap();
                })
            })
            .collect();
        for writer in writers {
            writer.join().unwrap();
        }
        let history = History::load(path, now);
        assert_eq!(history.entries.len(), 20);
    }

    #[test]
    fn thousands_of_links_are_all_kept_with_the_earlier_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        History::record(&path, &Change::Add(vec![entry("first", 7 * DAY)]), now).unwrap();
        let many: Vec<_> = (0..3000).map(|i| entry(&format!("f{i}"), 5000)).collect();
        History::record(&path, &Change::Add(many), now).unwrap();
        let history = History::load(path, now);
        assert_eq!(history.entries.len(), 3001);
        assert_eq!(history.entries[0].key, "f2999", "newest first");
        assert_eq!(history.entries[3000].key, "first");
    }

    #[cfg(unix)]
    #[test]
    fn a_folder_the_user_chose_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let chosen = dir.path().join("shared");
        std::fs::create_dir(&chosen).unwrap();
        std::fs::set_permissions(&chosen, std::fs::Permissions::from_mode(0o755)).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        History::record(
            &chosen.join("h.json"),
            &Change::Add(vec![entry("a", 5000)]),
            now,
        )
        .unwrap();
        let mode = std::fs::metadata(&chosen).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o755);
        let file = std::fs::metadata(chosen.join("h.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(file & 0o777, 0o600, "the file itself is private");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_history_is_written_through_its_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("history.json");
        std::fs::write(&real, b"[]").unwrap();
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        History::record(&link, &Change::Add(vec![entry("a", 5000)]), now).unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(History::load(real, now).entries.len(), 1);
    }

    #[test]
    fn a_history_that_is_not_utf8_is_set_aside_and_the_message_says_where() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.json");
        std::fs::write(&path, b"[\xff\xfe]").unwrap();
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        let notice = History::record(&path, &Change::Add(vec![entry("a", 5000)]), now)
            .unwrap()
            .expect("a notice");
        assert!(notice.contains("unreadable-1000"), "{notice}");
        assert!(dir.path().join("history.json.unreadable-1000").exists());
        assert_eq!(History::load(path, now).entries.len(), 1);
    }

    #[test]
    fn an_absurd_retention_does_not_panic() {
        let longest = retention_of(Some("18446744073709551615"));
        assert_eq!(longest, Duration::from_secs(MAX_RETENTION_DAYS * DAY));
        assert_eq!(retention_of(Some("-3")), Duration::from_secs(7 * DAY));
        // A row whose end is near the end of time is kept, not overflowed.
        let mut entries = vec![entry("a", u64::MAX / 4)];
        prune(&mut entries, SystemTime::now());
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn links_to_a_gone_demo_server_say_so() {
        let mut history = History::default();
        let mut old = entry("a", 5000);
        old.url = SignedUrl::new("http://127.0.0.1:1111/b/a?X-Amz-Signature=s".into());
        let mut current = entry("c", 5000);
        current.url = SignedUrl::new("http://127.0.0.1:2222/b/c?X-Amz-Signature=s".into());
        history.add(old);
        history.add(current);
        history.apply(&Change::ServerGone {
            bucket: "b".into(),
            origin: "http://127.0.0.1:2222".into(),
        });
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(100);
        assert_eq!(history.get("a").unwrap().status(t), LinkStatus::ServerGone);
        assert!(!history.get("a").unwrap().status(t).still_works());
        assert_eq!(history.get("c").unwrap().status(t), LinkStatus::Works);
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
