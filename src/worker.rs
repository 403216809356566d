//! The only way the window asks for work: a `Command` goes to a task on the Tokio
//! runtime, and an `Event` comes back, followed by a repaint request. The UI never awaits.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::SystemTime;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::s3::list::BucketEntry;
use crate::s3::{
    ListPage, ProfileFilesSource, ProfileInfo, S3Error, Session, ShareLink, ShareOptions,
    UploadLink, list_profiles,
};
use crate::share::Expiry;

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
    /// Signed in; the credentials were resolved and end at `credentials_expire_at`.
    Connected {
        profile: ProfileInfo,
        region: String,
        region_from_profile: bool,
        credentials_expire_at: Option<SystemTime>,
        demo: bool,
    },
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
                let Some(session) = self.session.clone() else {
                    return;
                };
                let out = self.out.clone();
                tokio::spawn(async move {
                    out.send(Event::Buckets(session.list_buckets().await));
                });
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
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                let out = self.out.clone();
                tokio::spawn(async move {
                    out.send(Event::Shared(
                        session.share_link(&bucket, &key, &options).await,
                    ));
                });
            }
            Command::MakeUploadLink {
                bucket,
                key,
                content_type,
                expiry,
            } => {
                let Some(session) = self.session.clone() else {
                    return;
                };
                let out = self.out.clone();
                tokio::spawn(async move {
                    let link = session
                        .upload_link(&bucket, &key, content_type.as_deref(), expiry)
                        .await;
                    out.send(Event::UploadLinkMade(link));
                });
            }
        }
    }

    /// Resolves the credentials now, so "no credentials" and "expired SSO session" show at
    /// once and the expiry of what will sign is known before any link is made.
    async fn signed_in(&mut self, session: Session, demo: bool) {
        match session.current_credentials("signing in").await {
            Ok(credentials) => {
                self.out.send(Event::Connected {
                    profile: session.profile().clone(),
                    region: session.region().to_owned(),
                    region_from_profile: session.region_from_profile(),
                    credentials_expire_at: credentials.expiry(),
                    demo,
                });
                self.session = Some(session);
            }
            Err(err) => self.out.send(Event::ConnectFailed(err)),
        }
    }

    fn stop_listing(&mut self) {
        if let Some(task) = self.listing.take() {
            task.abort();
        }
    }
}
