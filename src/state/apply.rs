//! The one reducer: how each worker event changes the state, and what follows from it.

use super::{Connection, Effect, Remote, ShareStatus, ShownLink, State, UploadStatus};
use crate::command::{Command, Event, UploadEnd};
use crate::history::HistoryEntry;
use crate::s3::ShareLink;

impl State {
    /// Applies one worker event; the effects are for `App` to carry out.
    pub fn apply(&mut self, event: Event) -> Vec<Effect> {
        let mut effects = Vec::new();
        match event {
            Event::Profiles(profiles) => {
                self.profiles = profiles;
                self.profiles_loaded = true;
            }
            Event::Connected(signed_in) => {
                // Links to an earlier run's demo server point at a port nobody serves now.
                #[cfg(feature = "demo")]
                if signed_in.demo
                    && let Some(origin) = signed_in.profile.endpoint_url.clone()
                {
                    effects.extend(self.record(crate::history::Change::ServerGone {
                        bucket: crate::demo::DEMO_BUCKET.to_owned(),
                        origin,
                    }));
                }
                let profile = signed_in.profile.name.clone();
                self.selected_profile = Some(profile.clone());
                self.connection = Connection::Connected(signed_in);
                self.buckets.start();
                effects.push(Effect::Send(Command::ListBuckets));
                if let Some((bucket, prefix)) = self.take_restore(&profile) {
                    effects.push(self.list_folder(&bucket, &prefix));
                }
            }
            Event::ConnectFailed(error) => {
                self.connection = Connection::Failed(error);
                self.buckets = Remote::NotRequested;
            }
            Event::Buckets(result) => {
                // With a single bucket (the demo, a scoped profile) there is nothing to choose.
                let only_bucket = match &result {
                    Ok(buckets) if buckets.len() == 1 => Some(buckets[0].name.clone()),
                    _ => None,
                };
                self.buckets.finish(result);
                if let Some(bucket) = only_bucket
                    && self.listing.bucket.is_empty()
                {
                    effects.push(self.list_folder(&bucket, ""));
                }
            }
            Event::ObjectsPage { generation, page } => {
                if generation == self.listing.generation {
                    self.listing.drop_previous_rows();
                    // S3 Share's own folder (request pages, probes) is not the user's: it is
                    // left out as the rows arrive, so no count or filter has to skip it.
                    let own = |f: &String| f.as_str() == crate::s3::OWN_FOLDER;
                    self.listing
                        .folders
                        .extend(page.folders.into_iter().filter(|f| !own(f)));
                    self.listing.objects.extend(page.objects);
                }
            }
            Event::RowsOrdered { key, rows, covers } => self.order_ready(key, rows, covers),
            Event::ObjectsDone { generation, result } => {
                if generation == self.listing.generation {
                    self.listing.loading = false;
                    match result {
                        Err(error) => self.listing.error = Some(error),
                        // An empty folder sends no page: clear the old rows now.
                        Ok(()) => {
                            self.listing.drop_previous_rows();
                            let bucket = self.listing.bucket.clone();
                            effects.extend(self.clean_ended_copies(&bucket));
                        }
                    }
                }
            }
            Event::LinkCopyProgress { done, total } => {
                if let ShareStatus::Signing { copy_progress, .. } = &mut self.share_status {
                    *copy_progress = Some((done, total));
                }
            }
            Event::PageShared(result) => effects.extend(self.page_shared(result)),
            Event::EncryptedShared { key, result } => {
                effects.extend(self.encrypted_shared(&key, result));
            }
            Event::PageNeedsConfirmation { files } => self.page_needs_confirmation(files),
            Event::Revoked { id, result } => effects.extend(self.revoked(id, result)),
            Event::EndedCopiesDeleted { bucket, result } => {
                effects.extend(self.ended_copies_deleted(&bucket, result));
            }
            Event::LinkCopiesRule { bucket, result } => self.link_copies_rule(&bucket, result),
            Event::CloudFrontSet { bucket, result } => self.cloudfront_set(&bucket, result),
            Event::Shared(result) => {
                self.share_status = ShareStatus::Idle;
                match result {
                    Ok(link) if Some(&link.key) == self.selected_key.as_ref() => {
                        effects.extend(self.hand_out(link));
                    }
                    // A revocable link for an object no longer selected: its copy is stored, so
                    // it is remembered (to copy or revoke from Shared links), not copied.
                    Ok(link) if link.copy.is_some() && !link.check.refused() => {
                        self.history.notice = Some(format!(
                            "The revocable link for {} arrived after another file was chosen: it was not copied. It is listed here, to copy or revoke.",
                            crate::share::escape::text(&format!(
                                "s3://{}/{}",
                                link.bucket, link.key
                            ))
                        ));
                        effects.extend(self.remember(HistoryEntry::of(&link)));
                    }
                    // A link for an object no longer selected: the user moved on.
                    Ok(_) => {}
                    // Whatever is on screen belongs to the last attempt: a failed copy
                    // does not sit above the previous link's "Copied".
                    Err(error) => {
                        self.share_status = ShareStatus::Refused(error);
                        self.drop_link();
                    }
                }
            }
            Event::UploadStarted { id, key, total } => {
                if let Some(row) = self.upload_mut(id) {
                    // An encrypted share's row keeps the file's name (its key is random).
                    if row.encrypt.is_none() {
                        row.key = key;
                    }
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
            Event::UploadWarning { id, text } => {
                if let Some(row) = self.upload_mut(id) {
                    row.warning = Some(text);
                }
            }
            Event::UploadConflict { id, key } => {
                if let Some(row) = self.upload_mut(id) {
                    row.key = key;
                    row.status = UploadStatus::Conflict;
                }
            }
            Event::UploadFinished { id, result } => {
                effects.extend(self.upload_finished(id, result))
            }
            Event::FilesPicked(paths) => {
                for path in paths {
                    effects.extend(self.queue_upload(path));
                }
            }
            Event::ClipboardHasNoFiles(why) => {
                self.upload_notice = Some(match why {
                    None => "The clipboard holds no copied files: copy files in the file manager first, or drag them onto the window.".to_owned(),
                    Some(why) => format!("The clipboard could not be read ({why}): drag the files onto the window instead."),
                });
            }
            Event::KeyFilePicked(picked) => {
                if let Some(form) = &mut self.cloudfront_form {
                    match picked {
                        Some(path) => form.private_key = path.display().to_string(),
                        None if form.private_key.is_empty() => {
                            form.error = Some(
                                "No file chosen: type or paste the private key file's path."
                                    .to_owned(),
                            );
                        }
                        None => {}
                    }
                }
            }
            Event::NoKeyFileDialog => {
                if let Some(form) = &mut self.cloudfront_form {
                    form.error = Some(
                        "No file dialog is available on this desktop: type or paste the private key file's path."
                            .to_owned(),
                    );
                }
            }
            Event::NoFileDialog => {
                self.upload_notice = Some(
                    "No file dialog is available on this desktop: drag the files onto the window, or copy them and paste here (Ctrl+V)."
                        .to_owned(),
                );
            }
            Event::HistoryTrouble(message) => self.history.notice = Some(message),
            Event::RequestMade(result) => {
                if let Ok(request) = &result {
                    effects.extend(self.remember(HistoryEntry::of_request(request)));
                }
                effects.extend(self.request_made(result));
            }
            Event::ProfileAdded(result) => match result {
                Ok(name) => {
                    // Saved: the dialog closes and the new profile signs in.
                    self.new_profile = None;
                    self.forget_session();
                    self.selected_profile = Some(name.clone());
                    self.region_choice = None;
                    effects.push(Effect::Send(Command::LoadProfiles));
                    effects.push(Effect::Send(Command::Connect {
                        profile: Some(name),
                        region: None,
                    }));
                }
                Err(error) => {
                    if let Some(form) = &mut self.new_profile {
                        form.saving = false;
                        form.error = Some(error);
                    }
                }
            },
            Event::PastedImageSaved(result) => match result {
                Ok(path) => effects.extend(self.queue_upload(path)),
                Err(error) => self.upload_notice = Some(error.message),
            },
            Event::FolderNeedsConfirmation { files } => self.deep_folder_needs_confirmation(files),
            Event::ManyProgress { done, total } => self.many.running = Some((done, total)),
            Event::ManyShared(results) => effects.extend(self.many_shared(results)),
            Event::Renewed { replaces, result } => effects.extend(self.renewed(&replaces, result)),
            Event::RequestClosed { id, result } => {
                let closed_at = result.as_ref().ok().copied();
                if let Some(row) = self.request_mut(&id) {
                    match result {
                        Ok(_) => {
                            row.closed = true;
                            row.error = None;
                        }
                        Err(error) => row.error = Some(error),
                    }
                }
                if let Some(at) = closed_at {
                    return self.record(crate::history::Change::CloseRequest { id, at });
                }
            }
            Event::Received { id, result } => {
                if let Some(row) = self.request_mut(&id) {
                    match result {
                        Ok(count) => {
                            row.received = Some(count);
                            row.error = None;
                        }
                        Err(error) => row.error = Some(error),
                    }
                }
            }
            Event::UploadLinkMade(result) => match result {
                Ok(link) => {
                    effects.extend(self.remember(HistoryEntry::of_upload(&link)));
                    self.upload_link = Some(link);
                    self.upload_error = None;
                }
                Err(error) => self.upload_error = Some(error),
            },
        }
        effects
    }

    fn upload_finished(
        &mut self,
        id: u64,
        result: Result<UploadEnd, crate::s3::S3Error>,
    ) -> Vec<Effect> {
        let Some(row) = self.upload_mut(id) else {
            return Vec::new();
        };
        row.status = match result {
            Ok(UploadEnd::Shared(link)) => UploadStatus::Shared(link),
            Ok(UploadEnd::Encrypted(share)) => UploadStatus::Encrypted(share),
            Ok(UploadEnd::UploadedNotShared(error)) => UploadStatus::Failed(error),
            Ok(UploadEnd::Skipped) => UploadStatus::Skipped,
            Ok(UploadEnd::Cancelled) => UploadStatus::Cancelled,
            Err(error) => UploadStatus::Failed(error),
        };
        if let UploadStatus::Encrypted(share) = &row.status {
            row.done = row.total;
            let share = share.clone();
            let mut effects = vec![Effect::Copy(share.link.url.clone())];
            effects.extend(self.remember(HistoryEntry::of_encrypted(&share)));
            return effects;
        }
        let UploadStatus::Shared(link) = &row.status else {
            return Vec::new();
        };
        row.done = row.total;
        let link = ShareLink::clone(link);
        let mut effects = Vec::new();
        // The new object becomes the selection, its link the one counting down, and the
        // folder it went to is listed again so it shows.
        if link.bucket == self.listing.bucket {
            self.select_object(&link.key);
            let (bucket, prefix) = (self.listing.bucket.clone(), self.listing.prefix.clone());
            effects.push(self.list_folder(&bucket, &prefix));
        }
        effects.extend(self.hand_out(link));
        effects
    }

    /// A new link counts down on screen. If its self-test passed (or could not reach the
    /// server) it goes to the clipboard and into the history at once; a link the server
    /// refused waits for "Copy anyway".
    fn hand_out(&mut self, link: ShareLink) -> Vec<Effect> {
        self.clock_correction = link.clock_correction;
        // A CloudFront link that could not be tried proved nothing (not the key, not the
        // distribution): like a refused one, it waits for "Copy anyway".
        let unproven = link.region == crate::share::cloudfront::VIA_CLOUDFRONT
            && matches!(link.check, crate::s3::LinkCheck::NotChecked(_));
        let refused = link.check.refused() || unproven;
        self.link = Some(ShownLink {
            link,
            copied: false,
            encrypted: false,
            passphrase: false,
        });
        if refused {
            Vec::new()
        } else {
            self.copy_current_link()
        }
    }

    /// Copies the link on screen and remembers it (also "Copy anyway").
    pub fn copy_current_link(&mut self) -> Vec<Effect> {
        let Some(shown) = &mut self.link else {
            return Vec::new();
        };
        shown.copied = true;
        let link = &shown.link;
        let mut effects = vec![Effect::Copy(link.url.clone())];
        let entry = HistoryEntry::of(link);
        effects.extend(self.record(crate::history::Change::Add(vec![entry])));
        effects
    }
}
