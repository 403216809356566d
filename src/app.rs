//! The window: `logic` drains worker events into `State`; `ui` draws the panels and turns
//! clicks into `Command`s. Nothing here waits on the network.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::history::{History, HistoryEntry};
use crate::state::{Connection, Persisted, State};
use crate::worker::{Command, Event, WorkerConfig, WorkerHandle};

/// The time source, so tests can move a countdown forward.
pub type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

const PERSIST_KEY: &str = "s3share";

/// When set, the window prints startup markers on stderr (benches/startup.py reads them).
pub const REPORT_FIRST_FRAME_ENV: &str = "S3SHARE_REPORT_FIRST_FRAME";

/// How the app starts.
pub struct AppOptions {
    pub demo: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    pub worker: WorkerConfig,
    pub clock: Clock,
    /// Where shared links are remembered; None keeps no history (tests).
    pub history_path: Option<std::path::PathBuf>,
}

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            demo: false,
            profile: None,
            region: None,
            worker: WorkerConfig::default(),
            clock: Arc::new(SystemTime::now),
            history_path: History::default_path(),
        }
    }
}

pub struct App {
    pub state: State,
    worker: WorkerHandle,
    clock: Clock,
    /// Bucket and folder to reopen once signed in (from the last run).
    restore: Option<Persisted>,
    history: History,
    next_upload_id: u64,
    /// Set when REPORT_FIRST_FRAME_ENV asks for the first-frame marker (startup benchmark).
    first_frame_marker: Option<std::time::Instant>,
}

impl App {
    /// Builds the app on `runtime`; `storage` holds what the last run remembered.
    pub fn new(
        ctx: &egui::Context,
        runtime: &tokio::runtime::Handle,
        storage: Option<&dyn eframe::Storage>,
        options: AppOptions,
    ) -> App {
        let repaint = ctx.clone();
        let worker = crate::worker::spawn(
            runtime,
            options.worker,
            Arc::new(move || repaint.request_repaint()),
        );
        let persisted: Persisted = storage
            .and_then(|s| eframe::get_value(s, PERSIST_KEY))
            .unwrap_or_default();
        let mut state = State::default();
        if let Some(expiry) = persisted
            .expiry_secs
            .and_then(|s| crate::share::Expiry::from_secs(s).ok())
        {
            state.share.expiry = expiry;
        }
        let profile = options.profile.or_else(|| persisted.profile.clone());
        let region = options.region.or_else(|| persisted.region.clone());
        state.selected_profile = profile.clone();
        state.region_choice = region.clone();
        worker.send(Command::LoadProfiles);
        if options.demo {
            worker.send(Command::StartDemo);
        } else {
            worker.send(Command::Connect { profile, region });
        }
        state.connection = Connection::Connecting;
        let history = match options.history_path {
            Some(path) => History::load(path, (options.clock)()),
            None => History::default(),
        };
        App {
            state,
            worker,
            clock: options.clock,
            restore: Some(persisted),
            history,
            next_upload_id: 0,
            first_frame_marker: std::env::var_os(REPORT_FIRST_FRAME_ENV)
                .map(|_| std::time::Instant::now()),
        }
    }

    pub fn now(&self) -> SystemTime {
        (self.clock)()
    }

    /// Links shared from this machine that still work, newest first.
    pub fn recent_links(&self) -> Vec<HistoryEntry> {
        let now = crate::s3::presign::unix_secs(self.now());
        self.history
            .entries
            .iter()
            .filter(|e| e.effective_expires_at > now)
            .take(10)
            .cloned()
            .collect()
    }

    pub fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// Applies every event that has arrived and starts the work that follows from it.
    pub fn logic(&mut self, ctx: &egui::Context) {
        for event in self.worker.drain() {
            let follow_up = match &event {
                Event::Connected(signed_in) => Some(signed_in.profile.name.clone()),
                _ => None,
            };
            let uploaded_here = match &event {
                Event::UploadFinished {
                    result: Ok(crate::worker::UploadEnd::Shared(link)),
                    ..
                } => link.bucket == self.state.listing.bucket,
                _ => false,
            };
            if let Event::FilesPicked(paths) = &event {
                for path in paths.clone() {
                    self.queue_upload(path);
                }
            }
            let only_bucket = match &event {
                Event::Buckets(Ok(buckets)) if buckets.len() == 1 => Some(buckets[0].name.clone()),
                _ => None,
            };
            self.state.apply(event);
            if let Some(profile) = follow_up {
                self.after_sign_in(&profile);
            }
            if uploaded_here {
                let (bucket, prefix) = (
                    self.state.listing.bucket.clone(),
                    self.state.listing.prefix.clone(),
                );
                self.open_folder(&bucket, &prefix);
            }
            // With a single bucket (the demo, a scoped profile) there is nothing to choose.
            if let Some(bucket) = only_bucket
                && self.state.listing.bucket.is_empty()
            {
                self.open_folder(&bucket, "");
            }
        }
        // A link that just arrived goes to the clipboard and the history, once.
        if let Some(copied) = &mut self.state.link
            && !copied.copied
        {
            copied.copied = true;
            ctx.copy_text(copied.link.url.clone());
            let entry = HistoryEntry {
                bucket: copied.link.bucket.clone(),
                key: copied.link.key.clone(),
                url: copied.link.url.clone(),
                effective_expires_at: crate::s3::presign::unix_secs(
                    copied.link.effective_expires_at,
                ),
            };
            self.history.add(entry);
            self.worker.send(Command::SaveHistory(self.history.clone()));
        }
    }

    fn after_sign_in(&mut self, profile: &str) {
        self.state.buckets.start();
        self.send(Command::ListBuckets);
        let restore = self
            .restore
            .take()
            .filter(|p| p.profile.as_deref() == Some(profile));
        if let Some(bucket) = restore.as_ref().and_then(|p| p.bucket.clone()) {
            let prefix = restore.map(|p| p.prefix).unwrap_or_default();
            self.open_folder(&bucket, &prefix);
        }
    }

    /// Signs in with another profile (or the same one again: Retry).
    pub fn connect(&mut self, profile: Option<String>, region: Option<String>) {
        self.forget_session();
        self.state.selected_profile = profile.clone();
        self.state.region_choice = region.clone();
        self.send(Command::Connect { profile, region });
    }

    /// Signs in again with the same profile and region (after `aws sso login`, say).
    pub fn retry_sign_in(&mut self) {
        let (profile, region) = (
            self.state.selected_profile.clone(),
            self.state.region_choice.clone(),
        );
        self.connect(profile, region);
    }

    pub fn start_demo(&mut self) {
        self.forget_session();
        self.send(Command::StartDemo);
    }

    /// What was shown for the previous session goes while the next one signs in.
    fn forget_session(&mut self) {
        self.state.connection = Connection::Connecting;
        self.state.buckets = Default::default();
        self.state.listing = Default::default();
        self.state.selected_key = None;
        self.state.link = None;
    }

    pub fn open_folder(&mut self, bucket: &str, prefix: &str) {
        let generation = self.state.open_folder(bucket, prefix);
        self.send(Command::ListObjects {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            generation,
        });
    }

    pub fn refresh_buckets(&mut self) {
        self.state.buckets.start();
        self.send(Command::ListBuckets);
    }

    /// Makes a fresh link for the selected object; it goes to the clipboard on arrival.
    pub fn copy_link(&mut self) {
        let Some(key) = self.state.selected_key.clone() else {
            return;
        };
        if self.state.sharing {
            return;
        }
        let download_filename = match self.state.share.download_filename() {
            Ok(name) => name,
            Err(message) => {
                self.state.share_error = Some(crate::s3::S3Error::bad_input(message));
                return;
            }
        };
        self.state.sharing = true;
        self.state.share_error = None;
        self.send(Command::Share {
            bucket: self.state.listing.bucket.clone(),
            key,
            options: crate::s3::ShareOptions {
                expiry: self.state.share.expiry,
                download_filename,
            },
        });
    }

    /// Queues a file for upload into the open folder, keeping its name.
    pub fn queue_upload(&mut self, path: std::path::PathBuf) {
        if self.state.listing.bucket.is_empty() || !self.state.connected() {
            self.state.upload_notice = Some(
                "Open a bucket (and a folder) first: files are uploaded to the folder shown."
                    .to_owned(),
            );
            return;
        }
        self.state.upload_notice = None;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.next_upload_id += 1;
        let row = crate::state::UploadRow {
            id: self.next_upload_id,
            path,
            bucket: self.state.listing.bucket.clone(),
            key: format!("{}{name}", self.state.listing.prefix),
            total: 0,
            done: 0,
            started: None,
            status: crate::state::UploadStatus::Queued,
        };
        self.send_upload(&row, crate::s3::upload::Collision::Ask);
        self.state.uploads.push(row);
    }

    fn send_upload(&self, row: &crate::state::UploadRow, collision: crate::s3::upload::Collision) {
        self.send(Command::Upload {
            id: row.id,
            path: row.path.clone(),
            bucket: row.bucket.clone(),
            key: row.key.clone(),
            collision,
            share: crate::s3::ShareOptions {
                expiry: self.state.share.expiry,
                // With the filename option on, the uploaded file keeps its own name (also
                // when "keep both" stores it as "name (1).ext").
                download_filename: self.state.share.filename_enabled.then(|| {
                    row.path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| crate::s3::list::file_name(&row.key).to_owned())
                }),
            },
        });
    }

    /// The user's answer to "this name is taken".
    pub fn resolve_conflict(&mut self, id: u64, collision: crate::s3::upload::Collision) {
        let Some(row) = self.state.upload_mut(id) else {
            return;
        };
        row.status = crate::state::UploadStatus::Queued;
        let row = row.clone();
        self.send_upload(&row, collision);
    }

    pub fn cancel_upload(&mut self, id: u64) {
        self.send(Command::CancelUpload { id });
    }

    pub fn pick_files(&mut self) {
        self.send(Command::PickFiles);
    }

    /// Cancels every upload (aborting multipart uploads) and waits up to `timeout`.
    pub fn shutdown(&mut self, timeout: Duration) {
        if self.state.uploads.iter().all(|row| row.finished()) {
            return;
        }
        let (done, wait) = std::sync::mpsc::channel();
        self.send(Command::Shutdown { done });
        if wait.recv_timeout(timeout).is_err() {
            tracing::warn!("uploads did not stop in time; unfinished multipart uploads may remain");
        }
    }

    pub fn make_upload_link(&mut self) {
        let key = self.state.upload_key.trim().to_owned();
        let content_type =
            Some(self.state.upload_content_type.trim().to_owned()).filter(|t| !t.is_empty());
        self.state.upload_link = None;
        self.send(Command::MakeUploadLink {
            bucket: self.state.listing.bucket.clone(),
            key,
            content_type,
            expiry: self.state.share.expiry,
        });
    }

    /// Draws the whole window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        crate::ui::profile_bar::profile_bar_ui(self, ui);
        crate::ui::uploads::uploads_ui(self, ui);
        crate::ui::buckets::buckets_ui(self, ui);
        if self.state.selected_key.is_some() || self.state.connected() {
            crate::ui::share_panel::share_panel_ui(self, ui);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            crate::ui::objects::objects_ui(self, ui);
        });
        self.keyboard(ui.ctx());
        crate::ui::uploads::drop_ui(self, ui.ctx());
        if let Some(created) = self.first_frame_marker.take() {
            let in_app = created.elapsed().as_millis();
            eprintln!("s3share: first frame ({in_app} ms after the app was created)");
        }
    }

    fn keyboard(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() {
            return;
        }
        let (copy, up) = ctx.input_mut(|i| {
            let copy = i.events.iter().any(|e| matches!(e, egui::Event::Copy))
                || i.consume_key(egui::Modifiers::COMMAND, egui::Key::C);
            let up = i.consume_key(egui::Modifiers::NONE, egui::Key::Backspace)
                || i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowUp);
            (copy, up)
        });
        if copy && self.state.selected_key.is_some() {
            self.copy_link();
        }
        if up
            && !self.state.listing.bucket.is_empty()
            && let Some(parent) = self.state.parent_prefix()
        {
            let bucket = self.state.listing.bucket.clone();
            self.open_folder(&bucket, &parent);
        }
    }

    /// What the next run should reopen.
    pub fn persisted(&self) -> Persisted {
        let demo = self.state.demo();
        Persisted {
            profile: if demo {
                None
            } else {
                self.state.selected_profile.clone()
            },
            region: self.state.region_choice.clone(),
            bucket: Some(self.state.listing.bucket.clone()).filter(|b| !b.is_empty() && !demo),
            prefix: if demo {
                String::new()
            } else {
                self.state.listing.prefix.clone()
            },
            expiry_secs: Some(self.state.share.expiry.as_secs()),
        }
    }

    /// Asks for the next frame in a second while a countdown is on screen.
    pub fn tick_while_counting(&self, ctx: &egui::Context) {
        if self.state.link.is_some() {
            ctx.request_repaint_after(Duration::from_secs(1));
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        App::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        App::ui(self, ui);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting mid-upload aborts multipart uploads so no parts are left behind.
        self.shutdown(Duration::from_secs(10));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PERSIST_KEY, &self.persisted());
    }
}
