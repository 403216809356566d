//! `s3share history`, and the command line's links entering the same history as the
//! window's (so "which links did I hand out?" has one answer on this computer).

use std::io::Write;
use std::time::SystemTime;

use crate::history::{Change, History, HistoryEntry};
use crate::s3::{ErrorKind, S3Error};
use crate::share::escape::field;
use crate::share::{countdown_text, format_local_time};

/// Adds links to the history file (under its lock, so other writers' rows stay). A link
/// that was handed out but not recorded is said on stderr; the command itself succeeds.
pub fn remember(entries: Vec<HistoryEntry>) {
    record(Change::Add(entries));
}

/// Applies one change to the history file; a failure is said on stderr.
pub fn record(change: Change) {
    let Some(path) = History::default_path() else {
        return;
    };
    match History::record(&path, &change, SystemTime::now()) {
        Ok(None) => {}
        Ok(Some(notice)) => say!("warning: {notice}"),
        Err(err) => {
            let what = match &change {
                Change::Add(entries) if entries.len() == 1 => "the link was not added".to_owned(),
                Change::Add(entries) => format!("{} links were not added", entries.len()),
                _ => "the change was not written".to_owned(),
            };
            say!(
                "warning: {what} to the history at {}: {err}",
                path.display()
            );
        }
    }
}

/// The history as this computer has it (a notice about an unreadable file goes to stderr).
pub fn load() -> Result<History, S3Error> {
    let Some(path) = History::default_path() else {
        return Err(S3Error::plain(
            ErrorKind::LocalFile,
            "No configuration directory was found for the link history.",
        ));
    };
    let history = History::load(path, SystemTime::now());
    if let Some(notice) = &history.notice {
        say!("warning: {notice}");
    }
    Ok(history)
}

pub fn print_history(all: bool, json: bool, show_urls: bool) -> Result<(), S3Error> {
    let now = SystemTime::now();
    let history = load()?;
    let mut out = std::io::stdout().lock();
    let write_error = |e: std::io::Error| {
        S3Error::plain(ErrorKind::Output, format!("could not write output: {e}"))
    };
    for entry in &history.entries {
        let status = entry.status(now);
        if !all && !status.still_works() {
            continue;
        }
        let url = if show_urls {
            entry.url.expose().to_owned()
        } else {
            entry.url.redacted()
        };
        let line = if json {
            serde_json::json!({
                "id": entry.id,
                "kind": format!("{:?}", entry.kind).to_lowercase(),
                "bucket": entry.bucket,
                "key": entry.key,
                "detail": entry.detail,
                "ends": format_local_time(entry.effective_expires_at),
                "status": entry.status_text(now),
                "revocable": entry.copy.is_some(),
                "url": url,
            })
            .to_string()
        } else {
            let (left, _) = countdown_text(now, entry.effective_expires_at);
            format!(
                "{}\t{}\t{}/{}\t{}\t{url}",
                format_local_time(entry.effective_expires_at),
                left,
                field(&entry.bucket),
                field(&entry.key),
                field(&entry.status_text(now))
            )
        };
        writeln!(out, "{line}").map_err(write_error)?;
    }
    Ok(())
}
