//! `s3share request`: a page anyone can open to send files into a folder of the bucket, or
//! `--close` to delete one; and `s3share profiles`.

use std::io::Write;

use tokio_util::sync::CancellationToken;

use super::signals::or_cancel;
use super::{print_warnings, write_line};
use crate::history::HistoryEntry;
use crate::s3::{LinkCheck, ProfileFilesSource, RequestOptions, S3Error, Session, parse_s3_uri};
use crate::share::{Expiry, format_local_time};

/// What the command line asked for.
pub struct Asked<'a> {
    pub uri: Option<&'a str>,
    pub title: Option<&'a str>,
    pub message: &'a str,
    pub max_size: &'a str,
    pub types: &'a str,
    pub expires: Expiry,
    pub close: Option<&'a str>,
}

pub async fn run(
    session: &Session,
    cancel: &CancellationToken,
    asked: Asked<'_>,
    out: &mut impl Write,
) -> Result<(), S3Error> {
    if let Some(handle) = asked.close {
        let (bucket, id) = handle.split_once('/').ok_or_else(|| {
            S3Error::bad_input(format!(
                "{handle:?} is not a request: write it as BUCKET/ID, as printed when the request was made."
            ))
        })?;
        or_cancel(cancel, session.close_request(bucket, id)).await?;
        super::history::record(crate::history::Change::CloseRequest {
            id: id.to_owned(),
            at: std::time::SystemTime::now(),
        });
        say!(
            "closed: the page of request {handle} is deleted, so its link no longer opens. A sender who still has the page open can send files until the page's end (its upload permission cannot be withdrawn before then); files received stay where they are."
        );
        return Ok(());
    }
    let bad = |e: crate::share::request_form::RequestFormError| S3Error::bad_input(e.to_string());
    let uri = asked.uri.ok_or_else(|| {
        S3Error::bad_input("Name the bucket (and folder) files go to: s3share request s3://bucket/folder/ --title TITLE")
    })?;
    let (bucket, folder) = parse_s3_uri(uri)?;
    let title = asked.title.ok_or_else(|| {
        S3Error::bad_input("Give the request a title with --title (it is shown to the sender).")
    })?;
    let options = RequestOptions {
        folder: Some(folder).filter(|f| !f.is_empty()),
        title: title.to_owned(),
        message: asked.message.to_owned(),
        max_size: crate::share::request_form::parse_size(asked.max_size).map_err(bad)?,
        types: crate::share::request_form::parse_types(asked.types).map_err(bad)?,
        expiry: asked.expires,
    };
    let request = or_cancel(cancel, crate::ops::make_request(session, &bucket, &options)).await?;
    write_line(out, request.url.expose())?;
    super::history::remember(vec![HistoryEntry::of_request(&request)]);
    say!(
        "request {}: files go to s3://{bucket}/{}; the page works until {}; close it with: s3share request --close {}",
        request.handle(),
        request.folder,
        format_local_time(request.effective_expires_at),
        request.handle()
    );
    if let LinkCheck::NotChecked(_) = request.check {
        say!("warning: {}", request.check.describe());
    }
    print_warnings(&request.warnings);
    Ok(())
}

/// `s3share profiles`: name, how it signs in, region, endpoint; the selected one first.
pub async fn print_profiles(json: bool) -> Result<(), S3Error> {
    let profiles = crate::s3::list_profiles(&ProfileFilesSource::default()).await;
    let mut out = std::io::stdout().lock();
    for profile in profiles {
        let line = if json {
            serde_json::json!({
                "name": profile.name,
                "signs_in_with": profile.kind.describe(),
                "region": profile.region,
                "endpoint_url": profile.endpoint_url,
            })
            .to_string()
        } else {
            format!(
                "{}\t{}\t{}\t{}",
                profile.name,
                profile.kind.describe(),
                profile.region.as_deref().unwrap_or("-"),
                profile.endpoint_url.as_deref().unwrap_or("-")
            )
        };
        write_line(&mut out, &line)?;
    }
    Ok(())
}
