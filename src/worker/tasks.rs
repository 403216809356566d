//! The worker's side: one loop on the runtime takes commands in order; each request runs
//! as its own task, so a slow listing never holds up a link.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::mpsc::UnboundedReceiver;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::jobs::{UploadJob, run_upload, share_listed, share_many};
use super::{Waker, WorkerConfig};
use crate::command::{Command, Event};
use crate::s3::upload::UploadRequest;
use crate::s3::{ErrorKind, S3Error, Session, list_profiles};
use crate::share::Clock;

/// Uploads that run at once; the rest wait in the queue.
pub(super) const PARALLEL_UPLOADS: usize = 2;

#[derive(Clone)]
pub(super) struct Outbox {
    pub(super) tx: mpsc::Sender<Event>,
    pub(super) waker: Waker,
}

impl Outbox {
    pub(super) fn send(&self, event: Event) {
        // A closed receiver means the window is gone; nothing is waiting for the event.
        if self.tx.send(event).is_ok() {
            (self.waker)();
        }
    }
}

pub(super) struct Worker {
    pub(super) config: WorkerConfig,
    /// The window's clock: every session signs by it.
    pub(super) clock: Clock,
    pub(super) session: Option<Session>,
    #[cfg(feature = "demo")]
    pub(super) demo: Option<crate::demo::Demo>,
    pub(super) listing: Option<JoinHandle<()>>,
    pub(super) uploads: HashMap<u64, (CancellationToken, JoinHandle<()>)>,
    pub(super) upload_slots: Arc<tokio::sync::Semaphore>,
    pub(super) dialog_open: Arc<std::sync::atomic::AtomicBool>,
    pub(super) out: Outbox,
}

impl Worker {
    pub(super) async fn run(mut self, mut commands: UnboundedReceiver<Command>) {
        while let Some(command) = commands.recv().await {
            self.handle(command).await;
        }
    }

    async fn handle(&mut self, command: Command) {
        // A command that needs a session, while none is signed in (a click during a sign-in
        // or after one failed), is answered at once with what stops it, never dropped.
        if self.session.is_none() {
            let error = S3Error::plain(
                ErrorKind::NoCredentials,
                "Not signed in yet: wait for the sign-in to finish (or choose a profile), then try again.",
            );
            if let Some(answer) = command.unanswered(&error) {
                self.out.send(answer);
                return;
            }
        }
        match command {
            Command::LoadProfiles => {
                let profiles = list_profiles(&self.config.profile_files).await;
                self.out.send(Event::Profiles(profiles));
            }
            Command::Connect { profile, region } => {
                self.stop_listing();
                self.session = None;
                let connected = Session::connect(
                    &self.config.profile_files,
                    profile.as_deref(),
                    region.as_deref(),
                )
                .await;
                match connected {
                    Ok(session) => self.signed_in(session, false).await,
                    Err(err) => self.out.send(Event::ConnectFailed(err)),
                }
            }
            Command::StartDemo => {
                self.stop_listing();
                self.start_demo().await;
            }
            Command::ListBuckets => {
                self.spawn_request(
                    |session| async move { Event::Buckets(session.list_buckets().await) },
                )
            }
            Command::ListObjects {
                bucket,
                prefix,
                generation,
            } => {
                self.stop_listing();
                let Some(session) = self.session.clone() else {
                    return;
                };
                let out = self.out.clone();
                self.listing = Some(tokio::spawn(async move {
                    let pages = out.clone();
                    let result = session
                        .list_all(&bucket, &prefix, |page| {
                            pages.send(Event::ObjectsPage { generation, page });
                        })
                        .await;
                    out.send(Event::ObjectsDone { generation, result });
                }));
            }
            Command::OrderRows {
                rows,
                key,
                base,
                from,
            } => {
                let out = self.out.clone();
                tokio::task::spawn_blocking(move || {
                    let order = crate::rows::order_rows(&rows, &key, base, from);
                    out.send(Event::RowsOrdered {
                        key,
                        rows: order,
                        covers: rows.len(),
                    });
                });
            }
            command @ (Command::Share { .. }
            | Command::Renew { .. }
            | Command::Revoke { .. }
            | Command::ClosePage { .. }
            | Command::SharePage { .. }
            | Command::ShareEncrypted { .. }
            | Command::ShareViaCloudFront { .. }
            | Command::DeleteEndedCopies { .. }
            | Command::ExpireLinkCopies { .. }) => self.handle_link(command),
            Command::Upload {
                id,
                path,
                bucket,
                key,
                collision,
                share,
                encrypt,
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                self.uploads.retain(|_, (_, task)| !task.is_finished());
                let cancel = CancellationToken::new();
                let job = UploadJob {
                    id,
                    request: UploadRequest::new(path, &bucket, &key, collision),
                    share,
                    encrypt,
                };
                let task = tokio::spawn(run_upload(
                    session,
                    job,
                    cancel.clone(),
                    self.upload_slots.clone(),
                    self.out.clone(),
                ));
                self.uploads.insert(id, (cancel, task));
            }
            Command::CancelUpload { id } => {
                if let Some((cancel, _)) = self.uploads.get(&id) {
                    cancel.cancel();
                }
            }
            Command::Shutdown { done } => {
                let tasks: Vec<JoinHandle<()>> = self
                    .uploads
                    .drain()
                    .map(|(_, (cancel, task))| {
                        cancel.cancel();
                        task
                    })
                    .collect();
                tokio::spawn(async move {
                    for task in tasks {
                        let _ = task.await;
                    }
                    let _ = done.send(());
                });
            }
            Command::RecordHistory { path, change } => {
                // Awaited here so changes happen in the order they were asked for.
                let now = (self.clock)();
                let recorded = tokio::task::spawn_blocking(move || {
                    crate::history::History::record(&path, &change, now)
                        .map_err(|err| format!("The list of shared links could not be saved at {}: {err}. Links made now are on screen but not kept.", path.display()))
                })
                .await;
                let trouble = match recorded {
                    Ok(Ok(None)) => None,
                    Ok(Ok(Some(notice))) => Some(notice),
                    Ok(Err(message)) => Some(message),
                    Err(err) => Some(format!("Saving the list of shared links stopped: {err}")),
                };
                if let Some(message) = trouble {
                    tracing::warn!("{message}");
                    self.out.send(Event::HistoryTrouble(message));
                }
            }
            Command::SetCloudFront {
                bucket,
                change,
                settings,
            } => {
                let out = self.out.clone();
                // Reads the key file and signs once: off the async threads.
                tokio::task::spawn_blocking(move || {
                    let result =
                        crate::ops::change_cloudfront(*settings, &bucket, change).map(Box::new);
                    out.send(Event::CloudFrontSet { bucket, result });
                });
            }
            Command::PickKeyFile => {
                use std::sync::atomic::Ordering;
                if self.dialog_open.swap(true, Ordering::SeqCst) {
                    return;
                }
                let (out, open) = (self.out.clone(), self.dialog_open.clone());
                tokio::spawn(async move {
                    if file_dialog_available() {
                        let picked = rfd::AsyncFileDialog::new()
                            .set_title("The CloudFront private key (.pem)")
                            .add_filter("PEM private key", &["pem", "key"])
                            .pick_file()
                            .await
                            .map(|f| f.path().to_owned());
                        out.send(Event::KeyFilePicked(picked));
                    } else {
                        out.send(Event::NoKeyFileDialog);
                    }
                    open.store(false, Ordering::SeqCst);
                });
            }
            Command::PickFiles => {
                use std::sync::atomic::Ordering;
                // One dialog at a time.
                if self.dialog_open.swap(true, Ordering::SeqCst) {
                    return;
                }
                let (out, open) = (self.out.clone(), self.dialog_open.clone());
                tokio::spawn(async move {
                    if !file_dialog_available() {
                        out.send(Event::NoFileDialog);
                    } else {
                        let picked = rfd::AsyncFileDialog::new()
                            .set_title("Upload to S3")
                            .pick_files()
                            .await
                            .unwrap_or_default();
                        out.send(Event::FilesPicked(
                            picked.iter().map(|f| f.path().to_owned()).collect(),
                        ));
                    }
                    open.store(false, Ordering::SeqCst);
                });
            }
            Command::ReadClipboardFiles => {
                let out = self.out.clone();
                tokio::spawn(async move {
                    let read = tokio::task::spawn_blocking(|| {
                        arboard::Clipboard::new()
                            .and_then(|mut clipboard| clipboard.get().file_list())
                    })
                    .await;
                    out.send(match read {
                        Ok(Ok(files)) if !files.is_empty() => Event::FilesPicked(files),
                        // Nothing there, or something that is not a file list.
                        Ok(Ok(_))
                        | Ok(Err(
                            arboard::Error::ContentNotAvailable
                            | arboard::Error::ConversionFailure
                            | arboard::Error::Unknown { .. },
                        )) => Event::ClipboardHasNoFiles(None),
                        Ok(Err(err)) => Event::ClipboardHasNoFiles(Some(err.to_string())),
                        Err(err) => Event::ClipboardHasNoFiles(Some(err.to_string())),
                    });
                });
            }
            Command::AddProfile(profile) => {
                let (out, source) = (self.out.clone(), self.config.profile_files.clone());
                tokio::spawn(async move {
                    let saved = crate::s3::test_and_save(&source, &profile).await;
                    out.send(Event::ProfileAdded(saved));
                });
            }
            Command::SavePastedImage { image, name } => {
                let out = self.out.clone();
                tokio::spawn(async move {
                    let saved =
                        tokio::task::spawn_blocking(move || super::paste::save_png(&image, &name))
                            .await
                            .unwrap_or_else(|e| {
                                Err(S3Error::plain(ErrorKind::LocalFile, e.to_string()))
                            });
                    out.send(Event::PastedImageSaved(saved));
                });
            }
            Command::ShareMany {
                bucket,
                keys,
                options,
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                tokio::spawn(share_many(session, bucket, keys, options, self.out.clone()));
            }
            Command::ShareFolder {
                bucket,
                prefix,
                confirmed,
                expected,
                options,
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                let out = self.out.clone();
                if confirmed {
                    // Counted once already: the links come while the folder is listed.
                    let job = share_listed(session, bucket, prefix, options, expected, out);
                    tokio::spawn(job);
                    return;
                }
                tokio::spawn(async move {
                    match crate::ops::keys_to_share(&session, &bucket, &prefix).await {
                        Err(error) => out.send(Event::ManyShared(vec![(prefix, Err(error))])),
                        Ok(keys) if keys.len() > crate::command::CONFIRM_ABOVE => {
                            out.send(Event::FolderNeedsConfirmation { files: keys.len() });
                        }
                        Ok(keys) => share_many(session, bucket, keys, options, out).await,
                    }
                });
            }
            Command::RequestFiles { bucket, options } => self.spawn_request(|session| async move {
                Event::RequestMade(crate::ops::make_request(&session, &bucket, &options).await)
            }),
            Command::CloseRequest { bucket, id } => self.spawn_request(|session| async move {
                let result = session.close_request(&bucket, &id).await;
                let result = result.map(|()| session.now());
                Event::RequestClosed { id, result }
            }),
            Command::ListReceived { id, bucket, folder } => {
                self.spawn_request(|session| async move {
                    let result = crate::ops::count_received(&session, &bucket, &folder).await;
                    Event::Received { id, result }
                })
            }
            Command::MakeUploadLink {
                bucket,
                key,
                content_type,
                expiry,
            } => self.spawn_request(|session| async move {
                Event::UploadLinkMade(
                    session
                        .upload_link(&bucket, &key, content_type.as_deref(), expiry)
                        .await,
                )
            }),
        }
    }

    /// Runs one request on the current session off the command loop and sends its event.
    /// Without a session (sign-in failed) there is nothing to ask.
    pub(super) fn spawn_request<F, Fut>(&self, request: F)
    where
        F: FnOnce(Session) -> Fut,
        Fut: std::future::Future<Output = Event> + Send + 'static,
    {
        let Some(session) = self.session.clone() else {
            return;
        };
        let out = self.out.clone();
        let event = request(session);
        tokio::spawn(async move { out.send(event.await) });
    }

    fn stop_listing(&mut self) {
        if let Some(task) = self.listing.take() {
            task.abort();
        }
    }
}

/// rfd's portal backend returns "cancelled" at once when there is no D-Bus session: say so
/// instead of pretending the user closed a dialog they never saw.
fn file_dialog_available() -> bool {
    if cfg!(any(target_os = "linux", target_os = "freebsd")) {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
    } else {
        true
    }
}
