//! Links for several files at once: the selection, or every file of the open folder. One
//! lifetime, one self-test each; what opened is copied as one text, what failed is named.

use super::{Effect, State};
use crate::command::Command;
use crate::history::HistoryEntry;
use crate::s3::{S3Error, ShareLink, ShareOptions, file_name};
use crate::share::SignedUrl;
use crate::share::link_list::list_line;

use crate::command::CONFIRM_ABOVE;

/// How the folder's links refused for the lifetime begin (the refusal goes when it changes).
pub(super) const LIFETIME_REFUSED: &str = "No links made: custom lifetime";

impl State {
    /// Links for the selected files.
    pub fn copy_selected_links(&mut self) -> Vec<Effect> {
        let keys = self.selection.clone();
        self.share_many(keys)
    }

    /// Links for every file of the open folder (one level); above `CONFIRM_ABOVE` files the
    /// first call only asks for confirmation.
    pub fn copy_folder_links(&mut self) -> Vec<Effect> {
        let keys: Vec<String> = self.listing.objects.keys().map(str::to_owned).collect();
        if keys.len() > CONFIRM_ABOVE && self.many.confirm_folder != Some(keys.len()) {
            self.many.confirm_folder = Some(keys.len());
            return Vec::new();
        }
        self.many.confirm_folder = None;
        self.share_many(keys)
    }

    /// Links for every file below the open folder, sub-folders included. The worker lists
    /// them; above `CONFIRM_ABOVE` files it first comes back for a second click.
    pub fn copy_deep_folder_links(&mut self) -> Vec<Effect> {
        if self.many.running.is_some() || !self.lifetime_ready() {
            return Vec::new();
        }
        let confirmed = self.many.confirm_deep.take();
        self.many.summary = None;
        self.many.running = Some((0, confirmed.unwrap_or(0)));
        vec![Effect::Send(Command::ShareFolder {
            bucket: self.listing.bucket.clone(),
            prefix: self.listing.prefix.clone(),
            confirmed: confirmed.is_some(),
            expected: confirmed.unwrap_or(0),
            options: ShareOptions {
                expiry: self.share.expiry,
                download_filename: None,
                revocable: self.share.revocable,
            },
        })]
    }

    /// The folder links' pending question taken back: the next click asks again.
    pub fn cancel_folder_links(&mut self) {
        self.many.confirm_folder = None;
        self.many.confirm_deep = None;
    }

    /// The worker counted more files than can go without asking.
    pub(super) fn deep_folder_needs_confirmation(&mut self, files: usize) {
        self.many.running = None;
        self.many.confirm_deep = Some(files);
    }

    fn lifetime_ready(&mut self) -> bool {
        self.share.apply_custom();
        match &self.share.custom_error {
            Some(problem) => {
                self.many.summary = Some(format!("{LIFETIME_REFUSED}: {problem}."));
                false
            }
            None => true,
        }
    }

    fn share_many(&mut self, keys: Vec<String>) -> Vec<Effect> {
        if keys.is_empty() || self.many.running.is_some() || !self.lifetime_ready() {
            return Vec::new();
        }
        self.many.running = Some((0, keys.len()));
        self.many.summary = None;
        vec![Effect::Send(Command::ShareMany {
            bucket: self.listing.bucket.clone(),
            keys,
            options: ShareOptions {
                expiry: self.share.expiry,
                download_filename: None,
                revocable: self.share.revocable,
            },
        })]
    }

    /// Every link of a run has been made (or refused).
    pub(super) fn many_shared(
        &mut self,
        results: Vec<(String, Result<ShareLink, S3Error>)>,
    ) -> Vec<Effect> {
        self.many.running = None;
        let total = results.len();
        let mut lines = Vec::new();
        let mut made = Vec::new();
        let mut failures = Vec::new();
        for (key, result) in results {
            match result {
                Ok(link) if !link.check.refused() => {
                    // The path below the open folder: two files of one name in different
                    // sub-folders stay apart.
                    let name = key.strip_prefix(&self.listing.prefix).unwrap_or(&key);
                    lines.push(list_line(self.many.format, name, link.url.expose()));
                    made.push(HistoryEntry::of(&link));
                }
                Ok(link) => {
                    failures.push(format!("{}: {}", file_name(&key), link.check.describe()))
                }
                Err(err) => failures.push(format!("{}: {}", file_name(&key), err.message)),
            }
        }
        let copied = lines.len();
        let mut summary = format!("Copied {copied} of {total} links.");
        if !failures.is_empty() {
            summary.push_str(&format!(" Not copied: {}", failures.join("; ")));
        }
        self.many.summary = Some(summary);
        let mut effects = self.record(crate::history::Change::Add(made));
        if copied > 0 {
            effects.push(Effect::CopyList(SignedUrl::new(lines.join("\n") + "\n")));
        }
        effects
    }
}
