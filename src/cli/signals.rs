//! Every way a run can be stopped cleans up: Ctrl+C, SIGTERM (what `timeout`, systemd and
//! logout send) and SIGHUP all cancel the whole command, so a multipart upload is aborted
//! and the run exits 130, as shells expect.

use std::future::Future;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::s3::{ErrorKind, S3Error};

/// Cancels `token` when the process is asked to stop.
pub fn cancel_on_signals(token: CancellationToken) -> JoinHandle<()> {
    tokio::spawn(async move {
        stop_requested().await;
        token.cancel();
    })
}

#[cfg(unix)]
async fn stop_requested() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let hangup = signal(SignalKind::hangup());
    match (term, hangup) {
        (Ok(mut term), Ok(mut hangup)) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
                _ = hangup.recv() => {}
            }
        }
        // Without those handlers, Ctrl+C still cancels.
        _ => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn stop_requested() {
    let _ = tokio::signal::ctrl_c().await;
}

/// The error of a run stopped by the user.
pub fn cancelled() -> S3Error {
    S3Error::plain(ErrorKind::Cancelled, "Cancelled; nothing was stored.")
}

/// Runs `work` unless the run is cancelled first. Only for work that leaves nothing behind
/// when dropped (requests that write nothing); uploads watch the token themselves.
pub async fn or_cancel<T>(
    token: &CancellationToken,
    work: impl Future<Output = Result<T, S3Error>>,
) -> Result<T, S3Error> {
    tokio::select! {
        result = work => result,
        () = token.cancelled() => Err(cancelled()),
    }
}
