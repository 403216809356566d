//! The only way the window asks for work: a `Command` goes to a task on the Tokio
//! runtime, and an `Event` comes back, followed by a repaint request. The UI never awaits.
//! This file holds the two enums and the handle; `tasks.rs` does the work.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc;

use std::collections::HashMap;

use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

pub use crate::command::{Command, Event};
use crate::s3::ProfileFilesSource;
use crate::share::Clock;

mod jobs;
mod links;
mod paste;
mod sign_in;
mod tasks;
use tasks::{Outbox, PARALLEL_UPLOADS, Worker};

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

/// Starts the worker on `runtime`; every session it signs in with signs by `clock`.
pub fn spawn(
    runtime: &tokio::runtime::Handle,
    config: WorkerConfig,
    clock: Clock,
    waker: Waker,
) -> WorkerHandle {
    let (command_tx, command_rx) = unbounded_channel();
    let (event_tx, event_rx) = mpsc::channel();
    let worker = Worker {
        config,
        clock,
        session: None,
        #[cfg(feature = "demo")]
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
