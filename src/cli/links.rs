//! `s3share link s3://bucket/prefix/ --recursive`: a tried link for every object below a
//! prefix, one line each; the ones that fail are named on stderr and make the exit code 1.

use std::io::Write;

use tokio_util::sync::CancellationToken;

use super::history::remember;
use crate::history::HistoryEntry;
use crate::s3::{ErrorKind, S3Error, Session, ShareOptions};
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
    let mut failed = 0;
    // Every link printed is recorded, in one write at the end (also when stopped early).
    let mut made = Vec::new();
    let outcome = print_links(
        session,
        cancel,
        (bucket, prefix),
        options,
        format,
        out,
        &mut made,
        &mut failed,
    )
    .await;
    remember(made);
    let count = outcome?;
    if failed > 0 {
        return Err(S3Error::plain(
            ErrorKind::LinkRefused,
            format!("{failed} of {count} links could not be made (see above)."),
        ));
    }
    say!("{count} links");
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn print_links(
    session: &Session,
    cancel: &CancellationToken,
    (bucket, prefix): (&str, &str),
    options: &ShareOptions,
    format: ListFormat,
    out: &mut impl Write,
    made: &mut Vec<HistoryEntry>,
    failed: &mut usize,
) -> Result<usize, S3Error> {
    // Several at once, printed in the folder's order as each is ready.
    let each = |_, key: &str, result: Result<crate::s3::ShareLink, S3Error>| match result {
        Ok(link) if !link.check.refused() => {
            writeln!(out, "{}", list_line(format, key, link.url.expose())).map_err(|e| {
                S3Error::plain(ErrorKind::Output, format!("could not write output: {e}"))
            })?;
            made.push(HistoryEntry::of(&link));
            Ok(())
        }
        Ok(link) => {
            *failed += 1;
            say!("error: {key}: {}", link.check.describe());
            Ok(())
        }
        Err(err) if err.kind == ErrorKind::Cancelled => Err(err),
        Err(err) => {
            *failed += 1;
            say!("error: {key}: {}", err.message);
            Ok(())
        }
    };
    // Listed and tried at once: the first links print after the first page.
    crate::ops::share_folder(session, bucket, prefix, options, cancel, each).await
}
