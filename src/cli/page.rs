//! `s3share link s3://bucket/folder/ --page`: one link to a page of the folder's files.

use std::io::Write;

use tokio_util::sync::CancellationToken;

use super::history::remember;
use super::output::write_line;
use crate::history::HistoryEntry;
use crate::ops::{self, PageFiles, PageOptions};
use crate::s3::{S3Error, Session};
use crate::share::{SignedUrl, countdown_text, format_local_time};

/// Makes the page, prints its link on stdout (what it lists, its end and how to close it on
/// stderr) and records it; returns the link.
pub async fn print_page(
    session: &Session,
    cancel: &CancellationToken,
    bucket: &str,
    prefix: &str,
    all_levels: bool,
    options: &PageOptions,
    out: &mut impl Write,
) -> Result<SignedUrl, S3Error> {
    if !prefix.is_empty() && !prefix.ends_with('/') {
        return Err(S3Error::bad_input(format!(
            "--page shares a folder: name it with a trailing slash (s3://{bucket}/{prefix}/), or leave --page out for one file's link."
        )));
    }
    let files = PageFiles::Folder {
        prefix: prefix.to_owned(),
        all_levels,
    };
    let on_progress = |done: usize, total: usize| {
        if options.revocable && (done.is_multiple_of(100) || done == total) {
            say!("copied and signed {done} of {total} files");
        }
    };
    let page = ops::share_page(session, bucket, files, options, cancel, &on_progress).await?;
    write_line(out, page.link.url.expose())?;
    remember(vec![HistoryEntry::of_page(&page, options.expiry)]);
    let (left, _) = countdown_text(session.now(), page.link.effective_expires_at);
    say!(
        "page of {} file{} in s3://{bucket}/{}; it and every link on it expire {} (in {left})",
        page.files,
        if page.files == 1 { "" } else { "s" },
        page.folder,
        format_local_time(page.link.effective_expires_at)
    );
    super::output::print_check(&page.link);
    super::output::print_warnings(&page.link.warnings);
    say!("close it with: s3share revoke {}", page.id);
    Ok(page.link.url)
}
