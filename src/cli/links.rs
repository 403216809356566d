//! `s3share link s3://bucket/prefix/ --recursive`: a tried link for every object below a
//! prefix, one line each; the ones that fail are named on stderr and make the exit code 1.

use std::io::Write;

use tokio_util::sync::CancellationToken;

use super::history::remember;
use super::signals::or_cancel;
use crate::history::HistoryEntry;
use crate::s3::{Depth, ErrorKind, S3Error, Session, ShareOptions};
use crate::share::link_list::{ListFormat, list_line};

pub async fn print_many(
    session: &Session,
    cancel: &CancellationToken,
    bucket: &str,
    prefix: &str,
    options: &ShareOptions,
    format: ListFormat,
    out: &mut impl Write,
) -> Result<(), S3Error> {
    let mut keys = Vec::new();
    let listing = session.list_all_with(bucket, prefix, Depth::AllLevels, |page| {
        keys.extend(page.objects.into_iter().map(|o| o.key));
    });
    or_cancel(cancel, listing).await?;
    if keys.is_empty() {
        return Err(S3Error::plain(
            ErrorKind::NoSuchKey,
            format!("There are no objects under s3://{bucket}/{prefix}."),
        ));
    }
    let mut failed = 0;
    for key in &keys {
        match or_cancel(cancel, session.share_link(bucket, key, options)).await {
            Ok(link) if !link.check.refused() => {
                writeln!(out, "{}", list_line(format, key, link.url.expose())).map_err(|e| {
                    S3Error::plain(ErrorKind::Output, format!("could not write output: {e}"))
                })?;
                remember(HistoryEntry::of(&link));
            }
            Ok(link) => {
                failed += 1;
                eprintln!("error: {key}: {}", link.check.describe());
            }
            Err(err) if err.kind == ErrorKind::Cancelled => return Err(err),
            Err(err) => {
                failed += 1;
                eprintln!("error: {key}: {}", err.message);
            }
        }
    }
    if failed > 0 {
        return Err(S3Error::plain(
            ErrorKind::LinkRefused,
            format!(
                "{failed} of {} links could not be made (see above).",
                keys.len()
            ),
        ));
    }
    eprintln!("{} links", keys.len());
    Ok(())
}
