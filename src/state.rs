//! What the window shows, as plain data, and how each worker event changes it.
//! No egui here: every transition is unit-testable.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::s3::list::{BucketEntry, file_name};
use crate::s3::{ObjectEntry, ProfileInfo, S3Error, ShareLink, UploadLink};
use crate::share::{EXPIRY_PRESETS, Expiry, effective_end};
use crate::worker::{Event, SignedIn, UploadEnd};

/// What is remembered between runs (eframe persistence).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub bucket: Option<String>,
    pub prefix: String,
    pub expiry_secs: Option<u64>,
}

/// Where the sign-in stands.
#[derive(Debug, Clone, Default)]
pub enum Connection {
    #[default]
    NotConnected,
    Connecting,
    Connected(SignedIn),
    Failed(S3Error),
}

/// A value fetched from the network that keeps its previous content while reloading.
#[derive(Debug, Clone, Default)]
pub enum Remote<T> {
    #[default]
    NotRequested,
    Pending {
        previous: Option<T>,
    },
    Ready(T),
    Failed {
        error: S3Error,
        previous: Option<T>,
    },
}

impl<T: Clone> Remote<T> {
    /// The value to show: the current one, or the previous one while loading/after an error.
    pub fn value(&self) -> Option<&T> {
        match self {
            Remote::NotRequested => None,
            Remote::Pending { previous } | Remote::Failed { previous, .. } => previous.as_ref(),
            Remote::Ready(value) => Some(value),
        }
    }

    pub fn is_pending(&self) -> bool {
        matches!(self, Remote::Pending { .. })
    }

    pub fn error(&self) -> Option<&S3Error> {
        match self {
            Remote::Failed { error, .. } => Some(error),
            Remote::NotRequested | Remote::Pending { .. } | Remote::Ready(_) => None,
        }
    }

    /// Starts a reload, keeping what is shown.
    pub fn start(&mut self) {
        let previous = self.value().cloned();
        *self = Remote::Pending { previous };
    }

    pub fn finish(&mut self, result: Result<T, S3Error>) {
        *self = match result {
            Ok(value) => Remote::Ready(value),
            Err(error) => Remote::Failed {
                error,
                previous: self.value().cloned(),
            },
        };
    }
}

/// The folder being shown.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub bucket: String,
    pub prefix: String,
    pub generation: u64,
    pub folders: Vec<String>,
    pub objects: Vec<ObjectEntry>,
    /// Pages are still arriving.
    pub loading: bool,
    /// True until the first page of a refresh arrives: the old rows stay on screen.
    pub showing_previous: bool,
    pub error: Option<S3Error>,
}

impl Listing {
    /// The first page of a refresh replaces what was shown meanwhile.
    fn drop_previous_rows(&mut self) {
        if self.showing_previous {
            self.folders.clear();
            self.objects.clear();
            self.showing_previous = false;
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    Name,
    Size,
    Modified,
}

/// The share panel's choices.
#[derive(Debug, Clone, Default)]
pub struct ShareSettings {
    pub expiry: Expiry,
    /// Text of the custom lifetime field and its error.
    pub custom_text: String,
    pub custom_error: Option<String>,
    pub filename_enabled: bool,
    pub filename: String,
}

impl ShareSettings {
    /// The slider position: the preset closest to the current expiry.
    pub fn preset_index(&self) -> usize {
        let secs = self.expiry.as_secs();
        EXPIRY_PRESETS
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, preset))| preset.abs_diff(secs))
            .map(|(i, _)| i)
            .unwrap_or(0)
    }

    /// Picks a preset; the custom field is emptied, since it no longer applies.
    pub fn set_preset(&mut self, index: usize) {
        if let Some((_, secs)) = EXPIRY_PRESETS.get(index)
            && let Ok(expiry) = Expiry::from_secs(*secs)
        {
            self.expiry = expiry;
            self.custom_text.clear();
            self.custom_error = None;
        }
    }

    /// Applies the custom field ("90m", "2h30m", "3d"); keeps the last good expiry on error.
    pub fn apply_custom(&mut self) {
        match crate::share::parse_expiry(&self.custom_text) {
            Ok(expiry) => {
                self.expiry = expiry;
                self.custom_error = None;
            }
            Err(err) => self.custom_error = Some(err.to_string()),
        }
    }

    /// The download filename if switched on, validated.
    pub fn download_filename(&self) -> Result<Option<String>, String> {
        if !self.filename_enabled {
            return Ok(None);
        }
        crate::share::content_disposition(&self.filename)
            .map(|_| Some(self.filename.trim().to_owned()))
            .map_err(|e| e.to_string())
    }
}

/// What the filtered, sorted object rows depend on.
type RowKey = (u64, usize, String, SortColumn, bool);

/// The object rows of the last frame, recomputed only when their inputs change: scrolling
/// a long listing repaints often, and sorting thousands of rows per frame is wasted work.
#[derive(Debug, Clone, Default)]
struct RowCache {
    key: Option<RowKey>,
    rows: Vec<usize>,
}

/// Where an upload stands.
#[derive(Debug, Clone)]
pub enum UploadStatus {
    Queued,
    Running,
    /// The key is taken: waiting for keep both / replace / skip.
    Conflict,
    /// Uploaded; its link went to the clipboard.
    Shared(ShareLink),
    Skipped,
    Cancelled,
    Failed(S3Error),
}

/// One row of the uploads panel.
#[derive(Debug, Clone)]
pub struct UploadRow {
    pub id: u64,
    pub path: std::path::PathBuf,
    pub bucket: String,
    /// The key asked for, then the one actually used.
    pub key: String,
    pub total: u64,
    pub done: u64,
    /// When bytes started to flow (for speed and time left).
    pub started: Option<std::time::Instant>,
    pub status: UploadStatus,
}

impl UploadRow {
    pub fn finished(&self) -> bool {
        !matches!(
            self.status,
            UploadStatus::Queued | UploadStatus::Running | UploadStatus::Conflict
        )
    }
}

/// The last link made for the selected object.
#[derive(Debug, Clone)]
pub struct CopiedLink {
    pub link: ShareLink,
    /// The clipboard was handed the link (the window shows "Copied"); a new link is
    /// copied (and remembered) on the next frame.
    pub copied: bool,
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
    pub share: ShareSettings,
    pub sharing: bool,
    pub link: Option<CopiedLink>,
    pub share_error: Option<S3Error>,
    pub upload_key: String,
    pub upload_content_type: String,
    pub upload_link: Option<UploadLink>,
    pub upload_error: Option<S3Error>,
    pub uploads: Vec<UploadRow>,
    /// A message about dropped or picked files (no bucket open, no file dialog, …).
    pub upload_notice: Option<String>,
    row_cache: RowCache,
}

impl State {
    /// The session signed in with, if any.
    pub fn signed_in(&self) -> Option<&SignedIn> {
        match &self.connection {
            Connection::Connected(signed_in) => Some(signed_in),
            Connection::NotConnected | Connection::Connecting | Connection::Failed(_) => None,
        }
    }

    pub fn connected(&self) -> bool {
        self.signed_in().is_some()
    }

    pub fn demo(&self) -> bool {
        self.signed_in().is_some_and(|s| s.demo)
    }

    pub fn credentials_expire_at(&self) -> Option<SystemTime> {
        self.signed_in().and_then(|s| s.credentials_expire_at)
    }

    /// When a link made now would stop working, and whether the credentials cut it short.
    pub fn preview_end(&self, now: SystemTime) -> (SystemTime, bool) {
        effective_end(now, self.share.expiry, self.credentials_expire_at())
    }

    /// Opens a folder: a new generation, so pages of an older listing are ignored.
    /// Returns the generation to request.
    pub fn open_folder(&mut self, bucket: &str, prefix: &str) -> u64 {
        let refresh = self.listing.bucket == bucket && self.listing.prefix == prefix;
        let generation = self.listing.generation + 1;
        if refresh {
            self.listing.showing_previous = true;
        } else {
            self.listing = Listing {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
                ..Listing::default()
            };
            self.selected_key = None;
            self.link = None;
            self.share_error = None;
            self.object_filter.clear();
        }
        self.listing.generation = generation;
        self.listing.loading = true;
        self.listing.error = None;
        self.upload_key = prefix.to_owned();
        generation
    }

    /// The parent folder of the one shown ("" at the top).
    pub fn parent_prefix(&self) -> Option<String> {
        let prefix = self.listing.prefix.strip_suffix('/')?;
        Some(match prefix.rfind('/') {
            Some(i) => prefix[..=i].to_owned(),
            None => String::new(),
        })
    }

    pub fn select_object(&mut self, key: &str) {
        if self.selected_key.as_deref() != Some(key) {
            self.selected_key = Some(key.to_owned());
            self.link = None;
            self.share_error = None;
            self.share.filename = file_name(key).to_owned();
        }
    }

    /// Objects after the filter and sort, as indexes into `listing.objects`.
    pub fn visible_objects(&self) -> Vec<usize> {
        let needle = self.object_filter.to_lowercase();
        let mut rows: Vec<usize> = (0..self.listing.objects.len())
            .filter(|&i| {
                needle.is_empty()
                    || file_name(&self.listing.objects[i].key)
                        .to_lowercase()
                        .contains(&needle)
            })
            .collect();
        let objects = &self.listing.objects;
        rows.sort_by(|&a, &b| {
            let (a, b) = (&objects[a], &objects[b]);
            let order = match self.sort {
                SortColumn::Name => a.key.cmp(&b.key),
                SortColumn::Size => a.size.cmp(&b.size).then_with(|| a.key.cmp(&b.key)),
                SortColumn::Modified => a
                    .last_modified
                    .cmp(&b.last_modified)
                    .then_with(|| a.key.cmp(&b.key)),
            };
            if self.sort_descending {
                order.reverse()
            } else {
                order
            }
        });
        rows
    }

    /// `visible_objects`, kept from the last call while the listing, filter and sort are
    /// unchanged.
    pub fn visible_object_rows(&mut self) -> &[usize] {
        let key = (
            self.listing.generation,
            self.listing.objects.len(),
            self.object_filter.clone(),
            self.sort,
            self.sort_descending,
        );
        if self.row_cache.key.as_ref() != Some(&key) {
            self.row_cache.rows = self.visible_objects();
            self.row_cache.key = Some(key);
        }
        &self.row_cache.rows
    }

    pub fn visible_folders(&self) -> Vec<&str> {
        let needle = self.object_filter.to_lowercase();
        self.listing
            .folders
            .iter()
            .map(String::as_str)
            .filter(|f| needle.is_empty() || file_name(f).to_lowercase().contains(&needle))
            .collect()
    }

    pub fn visible_buckets(&self) -> Vec<&BucketEntry> {
        let needle = self.bucket_filter.to_lowercase();
        self.buckets
            .value()
            .map(|buckets| {
                buckets
                    .iter()
                    .filter(|b| needle.is_empty() || b.name.to_lowercase().contains(&needle))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn upload_mut(&mut self, id: u64) -> Option<&mut UploadRow> {
        self.uploads.iter_mut().find(|row| row.id == id)
    }

    /// Applies one worker event.
    pub fn apply(&mut self, event: Event) {
        match event {
            Event::Profiles(profiles) => {
                self.profiles = profiles;
                self.profiles_loaded = true;
            }
            Event::Connected(signed_in) => {
                self.selected_profile = Some(signed_in.profile.name.clone());
                self.connection = Connection::Connected(signed_in);
            }
            Event::ConnectFailed(error) => {
                self.connection = Connection::Failed(error);
                self.buckets = Remote::NotRequested;
            }
            Event::Buckets(result) => self.buckets.finish(result),
            Event::ObjectsPage { generation, page } => {
                if generation != self.listing.generation {
                    return;
                }
                self.listing.drop_previous_rows();
                self.listing.folders.extend(page.folders);
                self.listing.objects.extend(page.objects);
            }
            Event::ObjectsDone { generation, result } => {
                if generation != self.listing.generation {
                    return;
                }
                self.listing.loading = false;
                if let Err(error) = result {
                    self.listing.error = Some(error);
                } else {
                    // An empty folder sends no page: clear the old rows now.
                    self.listing.drop_previous_rows();
                }
            }
            Event::Shared(result) => {
                self.sharing = false;
                match result {
                    Ok(link) if Some(&link.key) == self.selected_key.as_ref() => {
                        self.share_error = None;
                        self.link = Some(CopiedLink {
                            link,
                            copied: false,
                        });
                    }
                    // A link for an object no longer selected: the user moved on.
                    Ok(_) => {}
                    Err(error) => self.share_error = Some(error),
                }
            }
            Event::UploadStarted { id, key, total } => {
                if let Some(row) = self.upload_mut(id) {
                    row.key = key;
                    row.total = total;
                    row.done = 0;
                    row.started = Some(std::time::Instant::now());
                    row.status = UploadStatus::Running;
                }
            }
            Event::UploadProgress { id, bytes } => {
                if let Some(row) = self.upload_mut(id) {
                    row.done = bytes;
                }
            }
            Event::UploadConflict { id, key } => {
                if let Some(row) = self.upload_mut(id) {
                    row.key = key;
                    row.status = UploadStatus::Conflict;
                }
            }
            Event::UploadFinished { id, result } => {
                let Some(row) = self.upload_mut(id) else {
                    return;
                };
                row.status = match result {
                    Ok(UploadEnd::Shared(link)) => UploadStatus::Shared(link),
                    Ok(UploadEnd::UploadedNotShared(error)) => UploadStatus::Failed(error),
                    Ok(UploadEnd::Skipped) => UploadStatus::Skipped,
                    Ok(UploadEnd::Cancelled) => UploadStatus::Cancelled,
                    Err(error) => UploadStatus::Failed(error),
                };
                if let UploadStatus::Shared(link) = &row.status {
                    row.done = row.total;
                    let link = link.clone();
                    // The new object becomes the selection, its link the one counting down.
                    if link.bucket == self.listing.bucket {
                        self.select_object(&link.key);
                    }
                    self.link = Some(CopiedLink {
                        link,
                        copied: false,
                    });
                }
            }
            Event::FilesPicked(_) => {}
            Event::NoFileDialog => {
                self.upload_notice = Some(
                    "No file dialog is available on this desktop: drag the files onto the window instead."
                        .to_owned(),
                );
            }
            Event::UploadLinkMade(result) => match result {
                Ok(link) => {
                    self.upload_link = Some(link);
                    self.upload_error = None;
                }
                Err(error) => self.upload_error = Some(error),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::ListPage;

    fn page(objects: &[&str]) -> ListPage {
        ListPage {
            objects: objects
                .iter()
                .map(|k| ObjectEntry {
                    key: (*k).into(),
                    size: k.len() as u64,
                    last_modified: None,
                    storage_class: None,
                })
                .collect(),
            ..ListPage::default()
        }
    }

    #[test]
    fn pages_of_an_old_listing_are_ignored() {
        let mut state = State::default();
        let old = state.open_folder("b", "a/");
        let new = state.open_folder("b", "c/");
        state.apply(Event::ObjectsPage {
            generation: old,
            page: page(&["a/x"]),
        });
        assert!(state.listing.objects.is_empty());
        state.apply(Event::ObjectsPage {
            generation: new,
            page: page(&["c/y"]),
        });
        assert_eq!(state.listing.objects.len(), 1);
        assert!(state.listing.loading);
        state.apply(Event::ObjectsDone {
            generation: new,
            result: Ok(()),
        });
        assert!(!state.listing.loading);
    }

    #[test]
    fn a_refresh_keeps_the_old_rows_until_the_first_page() {
        let mut state = State::default();
        let first = state.open_folder("b", "");
        state.apply(Event::ObjectsPage {
            generation: first,
            page: page(&["one", "two"]),
        });
        let again = state.open_folder("b", "");
        assert_eq!(
            state.listing.objects.len(),
            2,
            "still shown while refreshing"
        );
        state.apply(Event::ObjectsPage {
            generation: again,
            page: page(&["three"]),
        });
        assert_eq!(state.listing.objects.len(), 1);
    }

    #[test]
    fn filter_and_sort_apply_to_file_names() {
        let mut state = State::default();
        let g = state.open_folder("b", "d/");
        state.apply(Event::ObjectsPage {
            generation: g,
            page: page(&["d/bbb.txt", "d/a.txt", "d/cc.pdf"]),
        });
        let keys = |s: &State| -> Vec<String> {
            s.visible_objects()
                .into_iter()
                .map(|i| s.listing.objects[i].key.clone())
                .collect()
        };
        assert_eq!(keys(&state), ["d/a.txt", "d/bbb.txt", "d/cc.pdf"]);
        state.sort = SortColumn::Size;
        state.sort_descending = true;
        assert_eq!(keys(&state), ["d/bbb.txt", "d/cc.pdf", "d/a.txt"]);
        state.object_filter = "TXT".into();
        assert_eq!(keys(&state), ["d/bbb.txt", "d/a.txt"]);
    }

    #[test]
    fn cached_rows_follow_new_pages_filter_and_sort() {
        let mut state = State::default();
        let g = state.open_folder("b", "");
        state.apply(Event::ObjectsPage {
            generation: g,
            page: page(&["b.txt", "a.txt"]),
        });
        assert_eq!(state.visible_object_rows(), [1, 0]);
        state.apply(Event::ObjectsPage {
            generation: g,
            page: page(&["0.pdf"]),
        });
        assert_eq!(state.visible_object_rows(), [2, 1, 0]);
        state.object_filter = "txt".into();
        assert_eq!(state.visible_object_rows(), [1, 0]);
        state.sort_descending = true;
        assert_eq!(state.visible_object_rows(), [0, 1]);
    }

    #[test]
    fn parent_prefix_walks_up_one_folder() {
        let mut state = State::default();
        state.open_folder("b", "a/b/");
        assert_eq!(state.parent_prefix().as_deref(), Some("a/"));
        state.open_folder("b", "a/");
        assert_eq!(state.parent_prefix().as_deref(), Some(""));
        state.open_folder("b", "");
        assert_eq!(state.parent_prefix(), None);
    }

    #[test]
    fn custom_lifetime_keeps_the_last_good_value_on_error() {
        let mut share = ShareSettings {
            custom_text: "2h30m".into(),
            ..ShareSettings::default()
        };
        share.apply_custom();
        assert_eq!(share.expiry.as_secs(), 9000);
        share.custom_text = "9d".into();
        share.apply_custom();
        assert_eq!(share.expiry.as_secs(), 9000);
        assert!(share.custom_error.as_ref().unwrap().contains("7 days"));
        share.set_preset(8);
        assert_eq!(share.expiry, Expiry::MAX);
        assert_eq!(share.preset_index(), 8);
    }

    #[test]
    fn filename_with_a_line_break_is_refused() {
        let share = ShareSettings {
            filename_enabled: true,
            filename: "a\nb".into(),
            ..ShareSettings::default()
        };
        assert!(
            share
                .download_filename()
                .unwrap_err()
                .contains("control character")
        );
    }
}
