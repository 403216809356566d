//! One link for many files: a page stored under `.s3share/pages/` that lists each file with
//! its own link (signed for the same lifetime), handed out as a tried presigned link. Made
//! with revocable links, each file's link points at a copy of its own, and closing the page
//! deletes those copies too.

use std::time::SystemTime;

use tokio_util::sync::CancellationToken;

use super::or_stop;
use crate::error::{ErrorKind, S3Error};

const STOPPED: &str = "Cancelled: no page was made, nothing was kept.";
use crate::s3::{
    Depth, LINKS_FOLDER, LinkCopy, ObjectEntry, PAGES_FOLDER, Session, ShareLink, ShareOptions,
    copy_key, is_own_key, shared_page_key,
};
use crate::share::folder_page::{MAX_PAGE_FILES, PageFile, render};
use crate::share::{DownloadFilename, Expiry, effective_end};

/// Which files the page lists.
#[derive(Debug, Clone)]
pub enum PageFiles {
    /// The files of a folder (`all_levels`: and of its sub-folders).
    Folder { prefix: String, all_levels: bool },
    /// Files chosen one by one (the window's selection).
    Chosen(Vec<ObjectEntry>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageOptions {
    /// Shown at the top (default: the folder's name, or "N files").
    pub title: Option<String>,
    pub expiry: Expiry,
    /// Each file's link points at a copy of its own; closing the page deletes them.
    pub revocable: bool,
}

/// A page made and tried.
#[derive(Debug, Clone)]
pub struct SharedPage {
    pub id: String,
    /// Where the page is stored (closing deletes it).
    pub key: String,
    /// The page's own link (`key` is the page's key).
    pub link: ShareLink,
    pub title: String,
    /// The folder the files are under (what the history names).
    pub folder: String,
    pub files: usize,
    /// The files' paths below `folder`, as the page lists them.
    pub names: Vec<String>,
    /// The copies the files' links point at (revocable pages).
    pub copies: Vec<LinkCopy>,
}

/// Makes the page: every input and permission checked before anything is stored; the
/// files' links signed for `options.expiry`; the page stored, linked and tried. A page that
/// does not open is deleted again (with its copies) and the reason is the error.
pub async fn share_page(
    session: &Session,
    bucket: &str,
    files: PageFiles,
    options: &PageOptions,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(usize, usize) + Send + Sync),
) -> Result<SharedPage, S3Error> {
    let (folder, entries) = match files {
        PageFiles::Folder { prefix, all_levels } => {
            let depth = if all_levels {
                Depth::AllLevels
            } else {
                Depth::OneLevel
            };
            let mut entries = Vec::new();
            let listing = session.list_all_with(bucket, &prefix, depth, |page| {
                entries.extend(page.objects.into_iter().filter(|o| !is_own_key(&o.key)));
            });
            or_stop(cancel, STOPPED, listing).await?;
            (prefix, entries)
        }
        PageFiles::Chosen(entries) => (common_folder(&entries), entries),
    };
    if entries.is_empty() {
        return Err(S3Error::plain(
            ErrorKind::NoSuchKey,
            format!("There are no files to share under s3://{bucket}/{folder}."),
        ));
    }
    if entries.len() > MAX_PAGE_FILES {
        return Err(S3Error::bad_input(format!(
            "{} files are more than one page carries ({MAX_PAGE_FILES}: each link is about 1 KB, so a bigger page is too heavy for a phone's browser). Share a sub-folder, or use s3share link --recursive for a list of links.",
            entries.len()
        )));
    }
    let title = page_title(options.title.as_deref(), &folder, bucket)?;
    // Nothing is stored until S3 Share may write and delete its pages (and copies).
    or_stop(
        cancel,
        STOPPED,
        session.check_copy_permissions(bucket, PAGES_FOLDER),
    )
    .await?;
    if options.revocable {
        or_stop(
            cancel,
            STOPPED,
            session.check_copy_permissions(bucket, LINKS_FOLDER),
        )
        .await?;
    }
    let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    // The page, its copies and every link on it end together, at this time (named in the
    // keys, so what has ended is found and deleted by listing).
    let own_end = session.now() + options.expiry.as_duration();
    let key = shared_page_key(&id, own_end);
    let mut copies = Vec::new();
    let made = async {
        let region = session.bucket_region(bucket).await?;
        let what = "making a page of links";
        let credentials = session.current_credentials(what).await?;
        let signed_at = session.now();
        let page_expiry = super::revocable::until(
            own_end,
            signed_at,
            &ShareOptions {
                expiry: options.expiry,
                ..ShareOptions::default()
            },
        )
        .expiry;
        let (ends, _) = effective_end(signed_at, page_expiry, credentials.expiry());
        let mut page_files = Vec::with_capacity(entries.len());
        // What each link points at: the file, or (revocable) its copy.
        let mut targets: Vec<String> = entries.iter().map(|e| e.key.clone()).collect();
        if options.revocable {
            let copying = (id.as_str(), own_end, cancel, on_progress);
            copy_all(
                session,
                bucket,
                &entries,
                copying,
                &mut copies,
                &mut targets,
            )
            .await?;
        }
        for (done, entry) in entries.iter().enumerate() {
            let target = &targets[done];
            let name = crate::s3::file_name(&entry.key);
            let link_options = super::revocable::until(
                own_end,
                session.now(),
                &ShareOptions {
                    expiry: options.expiry,
                    download_filename: DownloadFilename::parse(name).ok(),
                    revocable: false,
                },
            );
            let link = session
                .sign_download(bucket, target, &region, &link_options)
                .await?;
            page_files.push(PageFile {
                path: entry.key[folder.len().min(entry.key.len())..].to_owned(),
                size: entry.size,
                modified_ms: entry
                    .last_modified
                    .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_millis() as i64),
                url: link.url.expose().to_owned(),
            });
            if !options.revocable {
                on_progress(done + 1, entries.len());
            }
        }
        let ends_ms = ends
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let html = render(&title, &page_files, ends_ms);
        session
            .store_page(bucket, &region, &key, html, what)
            .await?;
        session
            .page_link(
                bucket,
                &region,
                &key,
                &credentials,
                signed_at,
                page_expiry,
                ends,
            )
            .await
    };
    let made = or_stop(cancel, STOPPED, made).await;
    match made {
        Ok(link) if !link.check.refused() => Ok(SharedPage {
            id,
            key,
            link,
            title,
            files: entries.len(),
            names: entries
                .iter()
                .map(|e| e.key[folder.len().min(e.key.len())..].to_owned())
                .collect(),
            folder,
            copies,
        }),
        Ok(link) => {
            remove(session, bucket, &key, &copies).await;
            Err(S3Error::plain(
                ErrorKind::LinkRefused,
                link.check.describe(),
            ))
        }
        Err(err) => {
            remove(session, bucket, &key, &copies).await;
            Err(err)
        }
    }
}

/// Closes a page: deletes it (and the copies its links point at), then tries its link until
/// the server refuses it. A refused delete is an error and nothing is said closed.
pub async fn close_page(
    session: &Session,
    bucket: &str,
    page_key: &str,
    copies: &[LinkCopy],
    url: &crate::share::SignedUrl,
) -> Result<super::Revoked, S3Error> {
    session
        .delete_page(bucket, page_key, "closing the page of links")
        .await?;
    for copy in copies {
        session.delete_link_copy(bucket, copy).await?;
    }
    super::revocable::until_refused(session, bucket, url, page_key).await
}

/// How many copies a revocable page makes at once (server-side copies: bounded, so one
/// page does not take every connection the server gives).
const COPIES_AT_ONCE: usize = 8;

/// The copies of a revocable page's files, `COPIES_AT_ONCE` at a time: each made is added to
/// `copies` (so a failure deletes it with the page) and becomes its file's target. After the
/// first failure no new copy starts, the ones under way finish, and the failure is returned.
async fn copy_all(
    session: &Session,
    bucket: &str,
    entries: &[ObjectEntry],
    (id, own_end, cancel, on_progress): (
        &str,
        SystemTime,
        &CancellationToken,
        &(dyn Fn(usize, usize) + Send + Sync),
    ),
    copies: &mut Vec<LinkCopy>,
    targets: &mut [String],
) -> Result<(), S3Error> {
    use futures_util::stream::{self, StreamExt};
    let failed = std::sync::atomic::AtomicBool::new(false);
    let failed = &failed;
    // By index: a closure over `&ObjectEntry` items would not be Send for every lifetime.
    let mut made = stream::iter(0..entries.len())
        .map(|index| async move {
            if failed.load(std::sync::atomic::Ordering::SeqCst) {
                return Ok(None);
            }
            let entry = &entries[index];
            let source = session.copy_source(bucket, &entry.key).await?;
            let dest = copy_key(&format!("{id}{index:05}"), own_end, &entry.key);
            let copy = session
                .copy_for_link(bucket, &source, &dest, cancel, &|_, _| {})
                .await?;
            Ok::<_, S3Error>(Some((index, copy)))
        })
        .buffer_unordered(COPIES_AT_ONCE);
    let mut first_error = None;
    let mut done = 0;
    while let Some(result) = made.next().await {
        match result {
            Ok(Some((index, copy))) => {
                targets[index] = copy.key.clone();
                copies.push(copy);
                done += 1;
                on_progress(done, entries.len());
            }
            Ok(None) => {}
            Err(err) => {
                failed.store(true, std::sync::atomic::Ordering::SeqCst);
                first_error.get_or_insert(err);
            }
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Best effort, after a page that failed: nothing of it is kept.
async fn remove(session: &Session, bucket: &str, key: &str, copies: &[LinkCopy]) {
    let _ = session.delete_page(bucket, key, "removing a page").await;
    for copy in copies {
        let _ = session.delete_link_copy(bucket, copy).await;
    }
}

/// The folder every chosen key is in ("" when they are in different top folders).
fn common_folder(entries: &[ObjectEntry]) -> String {
    let folder_of = |key: &str| key.rfind('/').map_or("", |i| &key[..=i]).to_owned();
    let mut common = entries
        .first()
        .map(|e| folder_of(&e.key))
        .unwrap_or_default();
    for entry in entries {
        while !entry.key.starts_with(&common) {
            let trimmed = common.trim_end_matches('/');
            common = trimmed.rfind('/').map_or("", |i| &trimmed[..=i]).to_owned();
        }
    }
    common
}

/// The title as given (one line, at most 200 characters), or the folder's name (the
/// bucket's at its top).
fn page_title(given: Option<&str>, folder: &str, bucket: &str) -> Result<String, S3Error> {
    if let Some(title) = given.map(str::trim).filter(|t| !t.is_empty()) {
        if title.chars().any(char::is_control) || title.chars().count() > 200 {
            return Err(S3Error::bad_input(
                "The page title must be one line of at most 200 characters.",
            ));
        }
        return Ok(title.to_owned());
    }
    let name = folder
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("");
    Ok(if name.is_empty() { bucket } else { name }.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str) -> ObjectEntry {
        ObjectEntry {
            key: key.into(),
            size: 1,
            last_modified: None,
        }
    }

    #[test]
    fn chosen_files_are_listed_under_their_common_folder() {
        let same = [entry("a/b/x.pdf"), entry("a/b/c/y.pdf")];
        assert_eq!(common_folder(&same), "a/b/");
        let apart = [entry("a/b/x.pdf"), entry("a/c/y.pdf")];
        assert_eq!(common_folder(&apart), "a/");
        let top = [entry("x.pdf"), entry("a/y.pdf")];
        assert_eq!(common_folder(&top), "");
    }

    #[test]
    fn a_title_is_one_line_or_the_folders_name() {
        assert_eq!(page_title(None, "reports/2026/", "b").unwrap(), "2026");
        assert_eq!(
            page_title(Some("  "), "", "team-files").unwrap(),
            "team-files"
        );
        assert_eq!(page_title(Some("Q3"), "x/", "b").unwrap(), "Q3");
        assert!(page_title(Some("a\nb"), "", "b").is_err());
    }
}
