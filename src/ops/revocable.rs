//! Links that can be taken back: a link points at a copy made for it alone (server-side,
//! under `.s3share/links/`), and revoking deletes that copy, so that link stops at once
//! while the object and every other link to it keep working.

use std::time::{Duration, SystemTime};

use tokio_util::sync::CancellationToken;

use super::or_stop;
use crate::error::{ErrorKind, S3Error};
use crate::s3::{
    CopySource, LINKS_FOLDER, LinkCheck, LinkCopy, Session, ShareLink, ShareOptions, copy_key_in,
};
use crate::share::{SignedUrl, format_duration, human_size};

/// How long a revoked link is retried until it no longer opens (a server may answer from
/// a cache for a moment).
const REVOKE_CHECK_FOR: Duration = Duration::from_secs(3);

/// "keeps a 1.2 GiB copy for 7 days": said before a copy is made.
pub fn copy_cost(size: u64, lifetime: Duration) -> String {
    let size = human_size(size);
    // "an 8 MB", "an 11 GB", "an 18 kB" are said with a vowel.
    let number: String = size.chars().take_while(char::is_ascii_digit).collect();
    let article = if number.starts_with('8') || number == "11" || number == "18" {
        "an"
    } else {
        "a"
    };
    format!(
        "keeps {article} {size} copy for {} (until the link ends)",
        format_duration(lifetime)
    )
}

/// A link for `key`, revocable when `options.revocable` says so (the window's worker and
/// the command line both come here). `check`: the link is tried as a colleague would open
/// it. `on_copy` hears the bytes copied so far and the total (a revocable link's copy).
pub async fn share(
    session: &Session,
    bucket: &str,
    key: &str,
    options: &ShareOptions,
    check: bool,
    cancel: &CancellationToken,
    on_copy: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<ShareLink, S3Error> {
    let stopped = "Cancelled: no link was made.";
    if !options.revocable {
        return or_stop(
            cancel,
            stopped,
            link_to(session, bucket, key, options, check),
        )
        .await;
    }
    share_copied(
        session,
        (bucket, key),
        options,
        check,
        cancel,
        on_copy,
        None,
    )
    .await
}

/// Whether S3 Share may write and delete copies, asked once for a run of many links (the
/// first link asks; the others wait for its answer) instead of once per copy.
pub(super) type AskedOnce = tokio::sync::OnceCell<Result<(), S3Error>>;

/// A revocable link to `key`: its copy made, then the link to the copy. `asked`: the
/// permissions were (or are being) asked once for many links, not for this copy alone.
async fn share_copied(
    session: &Session,
    (bucket, key): (&str, &str),
    options: &ShareOptions,
    check: bool,
    cancel: &CancellationToken,
    on_copy: &(dyn Fn(u64, u64) + Send + Sync),
    asked: Option<&AskedOnce>,
) -> Result<ShareLink, S3Error> {
    crate::share::key::check_file_key(key).map_err(|e| S3Error::bad_input(e.to_string()))?;
    let ends = session.now() + options.expiry.as_duration();
    let (source, dest) =
        before_copy(session, (bucket, key), LINKS_FOLDER, ends, cancel, asked).await?;
    let copy = session
        .copy_for_link(bucket, &source, &dest, cancel, on_copy)
        .await?;
    // The copy is deleted once its folder's end has passed: the link must not outlive it,
    // so a copy that took a while gives a link that much shorter (its real end is shown).
    let options = &until(ends, session.now(), options);
    // The copy was just checked (its size): no second HEAD before signing.
    let linked = or_stop(
        cancel,
        "Cancelled: the copy made for the link was deleted.",
        session.link_to_stored(bucket, &copy.key, options, check),
    )
    .await;
    match linked {
        // A link that does not open keeps no copy: it would be stored for nothing.
        Ok(link) if matches!(link.check, LinkCheck::Refused(_)) => {
            let _ = session.delete_link_copy(bucket, &copy).await;
            Ok(ShareLink {
                key: key.to_owned(),
                ..link
            })
        }
        Ok(link) => Ok(ShareLink {
            key: key.to_owned(),
            copy: Some(Box::new(copy)),
            ..link
        }),
        Err(err) => {
            let _ = session.delete_link_copy(bucket, &copy).await;
            Err(err)
        }
    }
}

/// Everything checked before a link's copy is made: the object (there, not archived), and
/// that S3 Share may write and delete its copies: in `folder` once for a run (`asked`, before
/// the object), else in this copy's own folder. Returns the source and the copy's key, in
/// `folder`, named with a new link id and `ends`.
pub(super) async fn before_copy(
    session: &Session,
    (bucket, key): (&str, &str),
    folder: &str,
    ends: SystemTime,
    cancel: &CancellationToken,
    asked: Option<&AskedOnce>,
) -> Result<(CopySource, String), S3Error> {
    let stopped = "Cancelled: no link was made.";
    if let Some(asked) = asked {
        let ask = || session.check_copy_permissions(bucket, folder);
        or_stop(cancel, stopped, async {
            asked.get_or_init(ask).await.clone()
        })
        .await?;
    }
    let source = or_stop(cancel, stopped, session.copy_source(bucket, key)).await?;
    let id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
    let dest = copy_key_in(folder, &id, ends, key);
    if asked.is_none() {
        let copy_folder = &dest[..=dest.rfind('/').unwrap_or(0)];
        or_stop(
            cancel,
            stopped,
            session.check_copy_permissions(bucket, copy_folder),
        )
        .await?;
    }
    Ok((source, dest))
}

/// How many links `share_all` makes and tries at once: enough to hide each round trip,
/// few enough for one server and for the copies of revocable links (server-side copies).
pub const MANY_AT_ONCE: usize = 16;

/// Links for `keys`, just listed (so no HEAD before each: the try finds what a HEAD would),
/// made and tried up to `MANY_AT_ONCE` at a time over kept-alive connections. `on_each`
/// hears each result as it comes, in the order of `keys`, and stops them all by returning an
/// error (output that cannot be written). Stops at `cancel`.
pub async fn share_all(
    session: &Session,
    bucket: &str,
    keys: &[String],
    options: &ShareOptions,
    cancel: &CancellationToken,
    on_each: impl FnMut(usize, &str, Result<ShareLink, S3Error>) -> Result<(), S3Error>,
) -> Result<(), S3Error> {
    let keys = futures_util::stream::iter(keys.iter().cloned());
    share_stream(session, bucket, keys, options, cancel, on_each)
        .await
        .map(|_| ())
}

/// `share_all` for keys as they come (a listing still going on): returns how many there were.
pub(super) async fn share_stream(
    session: &Session,
    bucket: &str,
    keys: impl futures_util::Stream<Item = String>,
    options: &ShareOptions,
    cancel: &CancellationToken,
    mut on_each: impl FnMut(usize, &str, Result<ShareLink, S3Error>) -> Result<(), S3Error>,
) -> Result<usize, S3Error> {
    use futures_util::stream::StreamExt;
    let asked = AskedOnce::new();
    let asked = &asked;
    let links = keys
        .map(|key| async move {
            let link = share_stored(session, (bucket, &key), options, true, cancel, Some(asked));
            let link = link.await;
            (key, link)
        })
        .buffered(MANY_AT_ONCE);
    let mut links = std::pin::pin!(links);
    let mut index = 0;
    loop {
        let next = tokio::select! {
            next = links.next() => next,
            () = cancel.cancelled() => {
                return Err(S3Error::plain(ErrorKind::Cancelled, "Cancelled: the links made so far were kept."));
            }
        };
        let Some((key, result)) = next else {
            return Ok(index);
        };
        on_each(index, &key, result)?;
        index += 1;
    }
}

/// A link to `key`, known to be stored (just listed or just uploaded): revocable (a copy;
/// with `asked`, the permissions for copies asked once for a run), or signed without a HEAD
/// first; tried as a colleague would open it when `check`.
pub(super) async fn share_stored(
    session: &Session,
    (bucket, key): (&str, &str),
    options: &ShareOptions,
    check: bool,
    cancel: &CancellationToken,
    asked: Option<&AskedOnce>,
) -> Result<ShareLink, S3Error> {
    if options.revocable {
        let no_progress = &|_, _| {};
        share_copied(
            session,
            (bucket, key),
            options,
            check,
            cancel,
            no_progress,
            asked,
        )
        .await
    } else {
        crate::share::key::check_file_key(key).map_err(|e| S3Error::bad_input(e.to_string()))?;
        session.link_to_stored(bucket, key, options, check).await
    }
}

/// The link to `key` (tried as a colleague would open it when `check`).
async fn link_to(
    session: &Session,
    bucket: &str,
    key: &str,
    options: &ShareOptions,
    check: bool,
) -> Result<ShareLink, S3Error> {
    if check {
        session.share_link(bucket, key, options).await
    } else {
        session.share_link_unchecked(bucket, key, options).await
    }
}

/// `options` with the lifetime that ends at `ends` when signed at `now` (at least 1 s).
/// Whole seconds, as SigV4 counts them (X-Amz-Date has no fraction): a link signed within
/// the same second as `ends` was planned keeps its whole lifetime.
pub(super) fn until(ends: SystemTime, now: SystemTime, options: &ShareOptions) -> ShareOptions {
    let secs = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    };
    let left = secs(ends).saturating_sub(secs(now)).max(1);
    ShareOptions {
        expiry: crate::share::Expiry::from_secs(left.min(options.expiry.as_secs()))
            .unwrap_or(options.expiry),
        ..options.clone()
    }
}

/// What revoking found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revoked {
    pub at: SystemTime,
    /// True once the link was tried and refused; false when it could not be tried from
    /// here (the copy is deleted all the same).
    pub checked: bool,
}

/// Takes a revocable link back: deletes its copy (every version of it), for a link through
/// CloudFront clears the copy from CloudFront's edges and waits until they have (`on_wait`
/// hears what is awaited), then checks that `url` no longer opens. A denied delete or
/// invalidation is an error, and nothing is said revoked (revoking again is safe).
pub async fn revoke(
    session: &Session,
    bucket: &str,
    copy: &LinkCopy,
    url: &SignedUrl,
    on_wait: &(dyn Fn(&str) + Send + Sync),
) -> Result<Revoked, S3Error> {
    session.delete_link_copy(bucket, copy).await?;
    // A bucket that keeps versions may hold the copy as a noncurrent version (a copy made
    // before versioning was switched on): those go too.
    // In a bucket that keeps none, the delete was all (no listing is asked for).
    for left in session.versions_left(bucket, &copy.key).await? {
        if left.key == copy.key {
            let version = LinkCopy {
                version_id: left.version_id,
                ..copy.clone()
            };
            session.delete_link_copy(bucket, &version).await?;
        }
    }
    if let Some(distribution) = &copy.distribution {
        clear_from_edges(session, distribution, &copy.key, on_wait).await?;
        // A link with a custom policy (a start, an address range) may be refused from here
        // whatever happened: a refusal would prove nothing.
        if url.expose().contains("Policy=") {
            return Ok(Revoked {
                at: SystemTime::now(),
                checked: false,
            });
        }
    }
    until_refused(session, bucket, url, &copy.key).await
}

/// Asks CloudFront to drop the folder of `copy_key` (the copy, whatever query it was
/// asked with) from every edge, and waits until it has, polling as the AWS CLI's waiter
/// does but sooner at first (an invalidation of one path often completes in seconds).
async fn clear_from_edges(
    session: &Session,
    distribution: &str,
    copy_key: &str,
    on_wait: &(dyn Fn(&str) + Send + Sync),
) -> Result<(), S3Error> {
    let folder = &copy_key[..=copy_key.rfind('/').unwrap_or(0)];
    // The folder is S3 Share's own name (end and id): nothing in it needs encoding.
    let path = format!("/{folder}*");
    let id = session
        .create_invalidation(distribution, std::slice::from_ref(&path))
        .await
        .map_err(|err| S3Error {
            message: format!(
                "The link's copy was deleted, but CloudFront's edges may still serve what they cached of it until their cache ends: {} Revoke again once that is fixed.",
                err.message
            ),
            ..err
        })?;
    on_wait(&format!(
        "CloudFront is clearing the copy from its edges (invalidation {}; usually a minute or two)",
        id.0
    ));
    let started = std::time::Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        match session.invalidation_completed(distribution, &id).await {
            Ok(true) => return Ok(()),
            Ok(false) => {}
            // A moment's trouble (the network, throttling, CloudFront's own errors) is
            // asked again within the wait; anything else ends it, said with what was done.
            Err(err)
                if matches!(
                    err.kind,
                    ErrorKind::Network | ErrorKind::NoAnswer | ErrorKind::Server
                ) && started.elapsed() < super::cloudfront::INVALIDATION_WAIT => {}
            Err(err) => {
                return Err(S3Error {
                    message: format!(
                        "The link's copy was deleted and CloudFront was asked to clear it from its edges (invalidation {} of distribution {distribution}), but whether it has could not be learned: {} Until it has, an edge that cached it may still serve it. Revoke again later to check.",
                        id.0, err.message
                    ),
                    ..err
                });
            }
        }
        if started.elapsed() >= super::cloudfront::INVALIDATION_WAIT {
            return Err(S3Error::plain(
                ErrorKind::Server,
                format!(
                    "The link's copy was deleted, but CloudFront had not finished clearing it from its edges after {} (invalidation {} of distribution {distribution}): an edge that cached it may still serve it. Revoke again later to check.",
                    format_duration(super::cloudfront::INVALIDATION_WAIT),
                    id.0
                ),
            ));
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(20));
    }
}

/// Tries `url` without credentials until the server refuses it (for a few seconds: a
/// server or a cache in front of it may answer for a moment after a delete). `deleted` is
/// what was deleted, for the message when the link still opens.
pub(super) async fn until_refused(
    session: &Session,
    bucket: &str,
    url: &SignedUrl,
    deleted: &str,
) -> Result<Revoked, S3Error> {
    let started = std::time::Instant::now();
    loop {
        match session.try_url(bucket, url).await {
            LinkCheck::Refused(_) => {
                return Ok(Revoked {
                    at: SystemTime::now(),
                    checked: true,
                });
            }
            LinkCheck::NotChecked(_) | LinkCheck::Skipped | LinkCheck::Probed(_) => {
                return Ok(Revoked {
                    at: SystemTime::now(),
                    checked: false,
                });
            }
            LinkCheck::Opens if started.elapsed() < REVOKE_CHECK_FOR => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            LinkCheck::Opens => {
                return Err(S3Error::plain(
                    ErrorKind::Server,
                    format!(
                        "s3://{bucket}/{deleted} was deleted, but the link still opens (the server or a cache in front of it still serves it). Try again in a minute."
                    ),
                ));
            }
        }
    }
}

/// Deletes the copies of links that have ended (by `now`), and the pages of links that have,
/// in `bucket`; returns their keys. Keys S3 Share did not name are left alone.
pub async fn delete_ended_copies(
    session: &Session,
    bucket: &str,
    now: SystemTime,
) -> Result<Vec<String>, S3Error> {
    let mut deleted = Vec::new();
    let folders = [
        crate::s3::LINKS_FOLDER,
        crate::s3::CLOUDFRONT_LINKS_FOLDER,
        crate::s3::PAGES_FOLDER,
    ];
    for stored in session.link_copies(bucket, &folders).await? {
        if stored.link_ends.is_some_and(|end| end <= now) {
            let copy = LinkCopy {
                key: stored.key.clone(),
                version_id: stored.version_id,
                size: 0,
                distribution: None,
            };
            session.delete_link_copy(bucket, &copy).await?;
            if !deleted.contains(&stored.key) {
                deleted.push(stored.key);
            }
        }
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn the_copys_cost_is_said_with_the_right_article() {
        let week = Duration::from_secs(7 * 86_400);
        assert!(super::copy_cost(82, week).starts_with("keeps an 82 B copy for 7 days"));
        assert!(super::copy_cost(1_200_000, week).starts_with("keeps a 1"));
        assert!(super::copy_cost(11, week).starts_with("keeps an 11 B"));
        assert!(super::copy_cost(110, week).starts_with("keeps a 110 B"));
    }
}
