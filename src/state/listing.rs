//! The folder being shown: its rows as pages arrive (a generation drops pages of an older
//! listing), the filter and sort (their order: view.rs).

use super::{Effect, SortColumn, State};
use crate::command::Command;
use crate::rows::ObjectRows;
use crate::s3::{BucketEntry, file_name};

/// The folder being shown.
#[derive(Debug, Clone, Default)]
pub struct Listing {
    pub bucket: String,
    pub prefix: String,
    pub generation: u64,
    pub folders: Vec<String>,
    pub objects: ObjectRows,
    /// Pages are still arriving.
    pub loading: bool,
    /// True until the first page of a refresh arrives: the old rows stay on screen.
    pub showing_previous: bool,
    pub error: Option<crate::s3::S3Error>,
}

impl Listing {
    /// The first page of a refresh replaces what was shown meanwhile.
    pub(super) fn drop_previous_rows(&mut self) {
        if self.showing_previous {
            self.folders.clear();
            self.objects.clear();
            self.showing_previous = false;
        }
    }
}

impl State {
    /// Opens a folder: a new generation, so pages of an older listing are ignored.
    /// Returns the generation to request.
    pub fn open_folder(&mut self, bucket: &str, prefix: &str) -> u64 {
        let refresh = self.listing.bucket == bucket && self.listing.prefix == prefix;
        let generation = self.listing.generation + 1;
        if self.listing.bucket != bucket {
            // Through CloudFront by default where the bucket has a distribution set.
            self.share.via_cloudfront = self.cloudfront.get(bucket).is_some();
        }
        if refresh {
            self.listing.showing_previous = true;
        } else {
            self.listing = Listing {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
                ..Listing::default()
            };
            self.selected_key = None;
            self.selection.clear();
            self.many.confirm_folder = None;
            self.pages.confirm = None;
            self.drop_link();
            self.share_status.forget_refusal();
            self.object_filter.clear();
            // Another folder: the upload key starts there (a refresh keeps what was typed).
            self.upload_key = prefix.to_owned();
        }
        self.listing.generation = generation;
        self.listing.loading = true;
        self.listing.error = None;
        generation
    }

    /// `open_folder`, and the request for its pages.
    pub fn list_folder(&mut self, bucket: &str, prefix: &str) -> Effect {
        let generation = self.open_folder(bucket, prefix);
        Effect::Send(Command::ListObjects {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            generation,
        })
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
        // "Copied 3 of 3 links" was about the selection before.
        if self.selection.len() > 1 || self.selection.first().map(String::as_str) != Some(key) {
            self.many.summary = None;
        }
        self.selection = vec![key.to_owned()];
        self.cursor = Some(key.to_owned());
        if self.selected_key.as_deref() != Some(key) {
            self.selected_key = Some(key.to_owned());
            self.drop_link();
            self.share_status.forget_refusal();
            self.share.filename = file_name(key).to_owned();
        }
    }

    /// Ctrl+click adds or removes `key`; Shift+click (`range`) selects from the last
    /// selected file to `key`, in the order shown.
    pub fn select_more(&mut self, key: &str, range: bool) {
        self.many.summary = None;
        let anchor = self.selected_key.clone();
        self.refresh_order();
        match anchor {
            Some(anchor) if range => {
                let shown: Vec<String> = self
                    .visible_objects()
                    .into_iter()
                    .map(|i| self.listing.objects.key(i).to_owned())
                    .collect();
                let (Some(a), Some(b)) = (
                    shown.iter().position(|k| *k == anchor),
                    shown.iter().position(|k| k == key),
                ) else {
                    return self.select_object(key);
                };
                let (from, to) = (a.min(b), a.max(b));
                self.selection = shown[from..=to].to_vec();
            }
            Some(_) => {
                if let Some(i) = self.selection.iter().position(|k| k == key) {
                    self.selection.remove(i);
                } else {
                    self.selection.push(key.to_owned());
                }
            }
            None => return self.select_object(key),
        }
        self.selected_key = self.selection.last().cloned();
        self.drop_link();
    }

    /// Every file shown (Ctrl+A).
    pub fn select_all_files(&mut self) {
        self.many.summary = None;
        self.refresh_order();
        self.selection = self
            .visible_objects()
            .into_iter()
            .map(|i| self.listing.objects.key(i).to_owned())
            .collect();
        self.selected_key = self.selection.last().cloned();
        self.drop_link();
    }

    /// Sorts by `column`; the same column again reverses the order. The selection stays,
    /// and the list scrolls to it.
    pub fn sort_by(&mut self, column: SortColumn) {
        self.scroll_to_cursor = true;
        if self.sort == column {
            self.sort_descending = !self.sort_descending;
        } else {
            self.sort = column;
            self.sort_descending = false;
        }
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
}
