//! The window. `logic` drains worker events through `State::apply` and carries out the
//! effects; `ui` lays out the panels and collects their intents; `intents` turns each
//! intent into state changes and commands. Nothing here waits on the network.

mod intents;
mod logic;
mod ui;

use std::time::{Duration, SystemTime};

use crate::command::Command;
use crate::history::History;
use crate::share::{Clock, system_clock};
use crate::state::{Persisted, Startup, State};
use crate::worker::{WorkerConfig, WorkerHandle};

const PERSIST_KEY: &str = "s3share";

/// When set, the window prints startup markers on stderr (benches/startup.py reads them).
pub const REPORT_FIRST_FRAME_ENV: &str = "S3SHARE_REPORT_FIRST_FRAME";
/// Set (to anything) to print each frame's CPU time and the rows shown on stderr, for
/// `benches/compare_list.py`.
pub const REPORT_FRAMES_ENV: &str = "S3SHARE_REPORT_FRAMES";

/// How the app starts.
pub struct AppOptions {
    pub demo: bool,
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Bucket and folder to open once signed in (wins over what the last run remembered).
    pub open: Option<(String, String)>,
    pub worker: WorkerConfig,
    /// Stamps links and drives countdowns (tests move it).
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
            open: None,
            worker: WorkerConfig::default(),
            clock: system_clock(),
            history_path: History::default_path(),
        }
    }
}

pub struct App {
    state: State,
    worker: WorkerHandle,
    clock: Clock,
    /// Set when REPORT_FIRST_FRAME_ENV asks for the first-frame marker (startup benchmark).
    first_frame_marker: Option<std::time::Instant>,
    /// Set when REPORT_FRAMES_ENV asks for frame times (list benchmark).
    report_frames: bool,
}

impl App {
    /// Builds the app on `runtime`; `storage` holds what the last run remembered.
    pub fn new(
        ctx: &egui::Context,
        runtime: &tokio::runtime::Handle,
        storage: Option<&dyn eframe::Storage>,
        options: AppOptions,
    ) -> App {
        // The system's light or dark preference (egui follows it); S3SHARE_THEME=light|dark
        // overrides it (screenshots, or a desktop that reports none).
        match std::env::var("S3SHARE_THEME").as_deref() {
            Ok("light") => ctx.set_theme(egui::ThemePreference::Light),
            Ok("dark") => ctx.set_theme(egui::ThemePreference::Dark),
            _ => {}
        }
        let repaint = ctx.clone();
        let worker = crate::worker::spawn(
            runtime,
            options.worker,
            options.clock.clone(),
            std::sync::Arc::new(move || repaint.request_repaint()),
        );
        let persisted: Persisted = storage
            .and_then(|s| eframe::get_value(s, PERSIST_KEY))
            .unwrap_or_default();
        let history = match options.history_path {
            Some(path) => History::load(path, (options.clock)()),
            None => History::default(),
        };
        let startup = Startup {
            demo: options.demo,
            profile: options.profile,
            region: options.region,
            open: options.open,
        };
        // Beside the history (tests without a history keep them in memory only).
        let cloudfront_path = history
            .path()
            .and_then(crate::ops::CloudFrontSettings::beside);
        let (mut state, effects) = State::starting(startup, persisted, history);
        // A damaged file is said, and kept as it is until a setting is saved over it.
        if let Some(path) = cloudfront_path {
            match crate::ops::CloudFrontSettings::load(path.clone()) {
                Ok(settings) => state.cloudfront = settings,
                Err(error) => {
                    state.cloudfront = crate::ops::CloudFrontSettings::at(path);
                    state.upload_notice = Some(error.message);
                }
            }
        }
        let mut app = App {
            state,
            worker,
            clock: options.clock,
            first_frame_marker: std::env::var_os(REPORT_FIRST_FRAME_ENV)
                .map(|_| std::time::Instant::now()),
            report_frames: std::env::var_os(REPORT_FRAMES_ENV).is_some(),
        };
        app.carry_out(ctx, effects);
        app
    }

    /// Now, corrected by the S3 server's clock when links are signed with it, so the
    /// countdown counts against the same time as the signer.
    fn now(&self) -> SystemTime {
        crate::share::corrected((self.clock)(), self.state.clock_correction)
    }

    /// Cancels every upload (aborting multipart uploads) and waits up to `timeout`.
    fn shutdown(&mut self, timeout: Duration) {
        if self.state.uploads.iter().all(|row| row.finished()) {
            return;
        }
        let (done, wait) = std::sync::mpsc::channel();
        self.worker.send(Command::Shutdown { done });
        if wait.recv_timeout(timeout).is_err() {
            tracing::warn!("uploads did not stop in time; unfinished multipart uploads may remain");
        }
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.window_ui(ui);
        if self.report_frames {
            // eframe's CPU time of the frame before this one: UI, tessellation and painting.
            let ms = frame.info().cpu_usage.unwrap_or(0.0) * 1000.0;
            eprintln!(
                "s3share: frame {ms:.2} ms, {} of {} files shown, loading {}, ordering {}",
                self.state.shown_files(),
                self.state.listing.objects.len(),
                self.state.listing.loading,
                self.state.ordering(),
            );
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        // Quitting mid-upload aborts multipart uploads so no parts are left behind.
        self.shutdown(Duration::from_secs(10));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PERSIST_KEY, &self.state.persisted());
    }
}
