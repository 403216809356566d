//! The only way the window asks for work: a `Command` goes to a task on the Tokio
//! runtime, and an `Event` comes back, followed by a repaint request. The UI never awaits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::SystemTime;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::s3::list::BucketEntry;
use crate::s3::upload::{Collision, UploadOutcome, UploadProgress, UploadRequest, upload_file};
use crate::s3::{
    ListPage, ProfileFilesSource, ProfileInfo, S3Error, Session, ShareLink, ShareOptions,
    UploadLink, list_profiles,
};
use crate::share::Expiry;
use std::collections::HashMap;
use tokio_util::sync::CancellationToken;

/// Uploads that run at once; the rest wait in the queue.
const PARALLEL_UPLOADS: usize = 2;

/// What the window asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Read the profile list from the AWS config files.
    LoadProfiles,
    /// Sign in with a profile (None: AWS_PROFILE or default), optionally forcing a region.
    Connect {
        profile: Option<String>,
        region: Option<String>,
    },
    /// Start the embedded demo S3 server and sign in to it.
    StartDemo,
    /// List the buckets of the current session.
    ListBuckets,
    /// List a folder; every page comes back as `ObjectsPage` with this generation.
    ListObjects {
        bucket: String,
        prefix: String,
        generation: u64,
    },
    /// Make a download link (HEAD check, then local signing).
    Share {
        bucket: String,
        key: String,
        options: ShareOptions,
    },
    /// Upload a file to `key`, then make its link with `share`. Progress comes back as
    /// `Upload*` events with `id`.
    Upload {
        id: u64,
        path: PathBuf,
        bucket: String,
        key: String,
        collision: Collision,
        share: ShareOptions,
    },
    /// Cancel one upload (a multipart upload is aborted).
    CancelUpload { id: u64 },
    /// Cancel every upload and report on `done` once they have all stopped (quitting).
    Shutdown { done: mpsc::Sender<()> },
    /// Write the link history to disk (off the UI thread; in order, one after another).
    SaveHistory(crate::history::History),
    /// Open the native file dialog (on the runtime, never on the UI thread).
    PickFiles,
    /// Make an upload ("send me a file") link.
    MakeUploadLink {
        bucket: String,
        key: String,
        content_type: Option<String>,
        expiry: Expiry,
    },
}

/// What comes back.
#[derive(Debug, Clone)]
pub enum Event {
    Profiles(Vec<ProfileInfo>),
    /// Signed in; the credentials were resolved.
    Connected(SignedIn),
    ConnectFailed(S3Error),
    Buckets(Result<Vec<BucketEntry>, S3Error>),
    ObjectsPage {
        generation: u64,
        page: ListPage,
    },
    /// The listing of `generation` ended (Ok) or failed.
    ObjectsDone {
        generation: u64,
        result: Result<(), S3Error>,
    },
    Shared(Result<ShareLink, S3Error>),
    UploadLinkMade(Result<UploadLink, S3Error>),
    /// The upload began under `key` (which may differ from the one asked for: keep both).
    UploadStarted {
        id: u64,
        key: String,
        total: u64,
    },
    UploadProgress {
        id: u64,
        bytes: u64,
    },
    /// The key is taken: the user chooses keep both, replace or skip.
    UploadConflict {
        id: u64,
        key: String,
    },
    UploadFinished {
        id: u64,
        result: Result<UploadEnd, S3Error>,
    },
    /// Files chosen in the file dialog (empty when cancelled).
    FilesPicked(Vec<PathBuf>),
    /// No file dialog can open here (no portal / D-Bus session).
    NoFileDialog,
}

/// A session the worker has signed in with, as the window shows it.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub profile: ProfileInfo,
    pub region: String,
    /// False when the profile names no region (the window offers a picker).
    pub region_from_profile: bool,
    /// When the signing credentials end (None: they do not expire).
    pub credentials_expire_at: Option<SystemTime>,
    /// The embedded demo server rather than an AWS profile.
    pub demo: bool,
}

/// How an upload ended.
#[derive(Debug, Clone)]
pub enum UploadEnd {
    /// Uploaded and shared: the link goes to the clipboard.
    Shared(ShareLink),
    /// Uploaded, but the link could not be made.
    UploadedNotShared(S3Error),
    Skipped,
    Cancelled,
}

/// Called after every event so the window wakes up (egui's request_repaint).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// The window's handle: send commands, drain events.
pub struct WorkerHandle {
    commands: UnboundedSender<Command>,
    events: mpsc::Receiver<Event>,
}

impl WorkerHandle {
    pub fn send(&self, command: Command) {
        // The worker only stops when the runtime shuts down, i.e. when the app exits.
        if self.commands.send(command).is_err() {
            tracing::warn!("worker has stopped; command dropped");
        }
    }

    /// Every event that has arrived, without waiting.
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }
}

/// Where the worker finds profiles and the demo's data.
#[derive(Debug, Clone, Default)]
pub struct WorkerConfig {
    pub profile_files: ProfileFilesSource,
    pub data_dir: Option<PathBuf>,
}

/// Starts the worker on `runtime`.
pub fn spawn(runtime: &tokio::runtime::Handle, config: WorkerConfig, waker: Waker) -> WorkerHandle {
    let (command_tx, command_rx) = unbounded_channel();
    let (event_tx, event_rx) = mpsc::channel();
    let worker = Worker {
        config,
        session: None,
        demo: None,
        listing: None,
        uploads: HashMap::new(),
        upload_slots: Arc::new(tokio::sync::Semaphore::new(PARALLEL_UPLOADS)),
        dialog_open: Arc::new(std::sync::atomic::AtomicBool::new(false)),
        out: Outbox {
            tx: event_tx,
            waker,
        },
    };
    runtime.spawn(worker.run(command_rx));
    WorkerHandle {
        commands: command_tx,
        events: event_rx,
    }
}

#[derive(Clone)]
struct Outbox {
    tx: mpsc::Sender<Event>,
    waker: Waker,
}

impl Outbox {
    fn send(&self, event: Event) {
        // A closed receiver means the window is gone; nothing is waiting for the event.
        if self.tx.send(event).is_ok() {
            (self.waker)();
        }
    }
}

struct Worker {
    config: WorkerConfig,
    session: Option<Session>,
    demo: Option<crate::demo::Demo>,
    listing: Option<JoinHandle<()>>,
    uploads: HashMap<u64, (CancellationToken, JoinHandle<()>)>,
    upload_slots: Arc<tokio::sync::Semaphore>,
    dialog_open: Arc<std::sync::atomic::AtomicBool>,
    out: Outbox,
}

impl Worker {
    async fn run(mut self, mut commands: UnboundedReceiver<Command>) {
        while let Some(command) = commands.recv().await {
            self.handle(command).await;
        }
    }

    async fn handle(&mut self, command: Command) {
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
                let started = match &self.demo {
                    Some(demo) => Ok(demo.session.clone()),
                    None => match self.config.data_dir.clone().or_else(crate::demo::data_dir) {
                        Some(dir) => crate::demo::start(&dir).await.map(|demo| {
                            let session = demo.session.clone();
                            self.demo = Some(demo);
                            session
                        }),
                        None => Err(std::io::Error::other("no data directory")),
                    },
                };
                match started {
                    Ok(session) => self.signed_in(session, true).await,
                    Err(err) => self.out.send(Event::ConnectFailed(S3Error::bad_input(format!(
                        "The demo bucket could not start: {err}. Check that the data directory is writable."
                    )))),
                }
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
            Command::Share {
                bucket,
                key,
                options,
            } => self.spawn_request(|session| async move {
                Event::Shared(session.share_link(&bucket, &key, &options).await)
            }),
            Command::Upload {
                id,
                path,
                bucket,
                key,
                collision,
                share,
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                self.uploads.retain(|_, (_, task)| !task.is_finished());
                let cancel = CancellationToken::new();
                let task = tokio::spawn(run_upload(
                    session,
                    id,
                    UploadRequest::new(path, &bucket, &key, collision),
                    share,
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
            Command::SaveHistory(history) => {
                // Awaited here so saves happen in the order they were asked for.
                let saved = tokio::task::spawn_blocking(move || history.save()).await;
                match saved {
                    Ok(Ok(())) => {}
                    Ok(Err(err)) => tracing::warn!(error = %err, "could not save the link history"),
                    Err(err) => tracing::warn!(error = %err, "saving the link history stopped"),
                }
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

    /// Resolves the credentials now, so "no credentials" and "expired SSO session" show at
    /// once and the expiry of what will sign is known before any link is made.
    async fn signed_in(&mut self, session: Session, demo: bool) {
        match session.current_credentials("signing in").await {
            Ok(credentials) => {
                self.out.send(Event::Connected(SignedIn {
                    profile: session.profile().clone(),
                    region: session.region().to_owned(),
                    region_from_profile: session.region_from_profile(),
                    credentials_expire_at: credentials.expiry(),
                    demo,
                }));
                self.session = Some(session);
            }
            Err(err) => self.out.send(Event::ConnectFailed(err)),
        }
    }

    /// Runs one request on the current session off the command loop and sends its event.
    /// Without a session (sign-in failed) there is nothing to ask.
    fn spawn_request<F, Fut>(&self, request: F)
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

async fn run_upload(
    session: Session,
    id: u64,
    request: UploadRequest,
    share: ShareOptions,
    cancel: CancellationToken,
    slots: Arc<tokio::sync::Semaphore>,
    out: Outbox,
) {
    // Queued until a slot frees up (or cancelled while waiting).
    let _slot = tokio::select! {
        slot = slots.acquire_owned() => slot,
        () = cancel.cancelled() => {
            out.send(Event::UploadFinished { id, result: Ok(UploadEnd::Cancelled) });
            return;
        }
    };
    let progress_out = out.clone();
    let outcome = upload_file(
        &session,
        &request,
        &cancel,
        &move |progress| match progress {
            UploadProgress::Started { key, total, .. } => {
                progress_out.send(Event::UploadStarted { id, key, total });
            }
            UploadProgress::Bytes(bytes) => progress_out.send(Event::UploadProgress { id, bytes }),
        },
    )
    .await;
    let result = match outcome {
        Ok(UploadOutcome::Uploaded { key, .. }) => {
            match session.share_link(&request.bucket, &key, &share).await {
                Ok(link) => Ok(UploadEnd::Shared(link)),
                Err(error) => Ok(UploadEnd::UploadedNotShared(error)),
            }
        }
        Ok(UploadOutcome::Exists { key }) => {
            out.send(Event::UploadConflict { id, key });
            return;
        }
        Ok(UploadOutcome::Skipped { .. }) => Ok(UploadEnd::Skipped),
        Ok(UploadOutcome::Cancelled) => Ok(UploadEnd::Cancelled),
        Err(error) => Err(error),
    };
    out.send(Event::UploadFinished { id, result });
}
