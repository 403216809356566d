//! `link --revocable`, `revoke ID` and `revoke --ended`: the command line's side of links
//! that can be taken back (the use cases are in `ops`).

use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

use super::history::record;
use super::signals::or_cancel;
use crate::history::{Change, History, HistoryEntry};
use crate::ops;
use crate::s3::{ErrorKind, S3Error, Session, ShareLink, ShareOptions, parse_s3_uri};
use crate::share::human_size;

/// A link for one object (revocable when `options` says so): the copy's cost is said before
/// it is made, and a copy in parts reports its progress on stderr.
pub async fn share_one(
    session: &Session,
    cancel: &CancellationToken,
    bucket: &str,
    key: &str,
    options: &ShareOptions,
    check: bool,
) -> Result<ShareLink, S3Error> {
    let on_copy = copy_progress(options.expiry.as_duration());
    let shared = ops::share(session, bucket, key, options, check, cancel, &on_copy);
    // Ctrl+C stops the copy through `cancel`: the use case deletes what was copied.
    shared.await
}

/// What a revocable link's copy costs, said before it is made, then its progress (stderr).
pub fn copy_progress(lifetime: std::time::Duration) -> impl Fn(u64, u64) + Send + Sync {
    move |done: u64, total: u64| {
        if done == 0 {
            say!(
                "making a copy for this link: {}",
                ops::copy_cost(total, lifetime)
            );
        } else if done < total {
            say!("copied {} of {}", human_size(done), human_size(total));
        }
    }
}

/// `s3share revoke ID`: exit 0 once the link is checked to no longer open.
pub async fn revoke_one(
    session: &Session,
    cancel: &CancellationToken,
    id: &str,
) -> Result<(), S3Error> {
    let history = super::history::load()?;
    let Some(entry) = history.entries.iter().find(|e| e.id == id) else {
        return Err(S3Error::bad_input(format!(
            "No link with id {id} in this computer's history: s3share history --json lists the ids."
        )));
    };
    if let Some(at) = entry.revoked_at {
        say!(
            "link {id} was already {} at {}",
            if entry.page.is_some() {
                "closed"
            } else {
                "revoked"
            },
            crate::share::format_local_time(at)
        );
        return Ok(());
    }
    let revoked =
        match (&entry.page, &entry.copy) {
            (Some(page), _) => {
                let closing =
                    ops::close_page(session, &entry.bucket, &page.key, &page.copies, &entry.url);
                or_cancel(cancel, closing).await?
            }
            (None, Some(copy)) => or_cancel(
                cancel,
                ops::revoke(session, &entry.bucket, copy, &entry.url, &|what| {
                    say!(
                        "{what}: waiting until it has (Ctrl+C stops waiting; revoke again to check)"
                    );
                }),
            )
            .await?,
            (None, None) => return Err(not_revocable(entry)),
        };
    record(Change::Revoked {
        id: id.to_owned(),
        at: revoked.at,
    });
    if !revoked.checked {
        return Err(S3Error::plain(
            ErrorKind::Network,
            format!(
                "The copy of link {id} was deleted, but the link could not be tried from this computer to prove it no longer opens."
            ),
        ));
    }
    match &entry.page {
        Some(page) if page.copies.is_empty() => say!(
            "closed page {id} of s3://{}/{}: checked, it no longer opens; a file's link already taken from it works until {}",
            entry.bucket,
            entry.key,
            crate::share::format_local_time(entry.effective_expires_at)
        ),
        Some(_) => say!(
            "closed page {id} of s3://{}/{}: checked, it no longer opens, and every file's link on it is revoked",
            entry.bucket,
            entry.key
        ),
        None => say!(
            "revoked link {id} to s3://{}/{}: checked, it no longer opens (the file and other links to it are untouched)",
            entry.bucket,
            entry.key
        ),
    }
    Ok(())
}

/// `s3share revoke --ended`: the copies of ended links, in every bucket the history names
/// (and `bucket`).
pub async fn revoke_ended(
    session: &Session,
    cancel: &CancellationToken,
    bucket: Option<&str>,
) -> Result<(), S3Error> {
    let history = super::history::load()?;
    let mut buckets: Vec<String> = history
        .entries
        .iter()
        .filter(|e| e.holds_copies())
        .map(|e| e.bucket.clone())
        .collect();
    if let Some(uri) = bucket {
        let (name, _) = parse_s3_uri(uri)?;
        buckets.push(name);
    }
    buckets.sort();
    buckets.dedup();
    let now = session.now();
    for bucket in &buckets {
        let deleted = or_cancel(cancel, ops::delete_ended_copies(session, bucket, now)).await?;
        mark_deleted(&history, bucket, &deleted);
        say!(
            "s3://{bucket}: deleted {} cop{} of ended links",
            deleted.len(),
            if deleted.len() == 1 { "y" } else { "ies" }
        );
    }
    if buckets.is_empty() {
        say!("no revocable links in this computer's history: nothing to delete");
    }
    Ok(())
}

/// After a command against `bucket`: the copies of this computer's ended links there are
/// deleted (best effort, said only when it fails). Costs nothing when there are none.
pub async fn clean_up_after(session: &Session, bucket: &str) {
    let Ok(history) = super::history::load() else {
        return;
    };
    let now = session.now();
    if !history.has_ended_copies(bucket, now) {
        return;
    }
    match ops::delete_ended_copies(session, bucket, now).await {
        Ok(deleted) => mark_deleted(&history, bucket, &deleted),
        Err(err) => say!(
            "note: the copies of ended revocable links in s3://{bucket} were not deleted: {}",
            err.message
        ),
    }
}

/// Rows whose copy was among `deleted` are marked (their link had ended).
fn mark_deleted(history: &History, bucket: &str, deleted: &[String]) {
    for id in history.standing_for(bucket, deleted) {
        record(Change::Revoked {
            id,
            at: SystemTime::now(),
        });
    }
}

/// A normal link cannot be taken back: said with what can.
fn not_revocable(entry: &HistoryEntry) -> S3Error {
    S3Error::bad_input(format!(
        "Link {} (s3://{}/{}) is not revocable: a normal presigned link works until it ends, and only rotating the keys that signed it stops it sooner. Make revocable links with s3share link --revocable.",
        entry.id, entry.bucket, entry.key
    ))
}
