//! `s3share cloudfront set|show|remove BUCKET` and `s3share link --via-cloudfront` around the
//! CloudFront use case.

use std::io::Write;

use tokio_util::sync::CancellationToken;

use super::args::CloudFrontAction;
use super::output::{print_check, print_qr, print_warnings, refuse_dead_link, write_line};
use crate::history::HistoryEntry;
use crate::ops::{CloudFrontRequest, CloudFrontSetting, CloudFrontSettings};
use crate::s3::{S3Error, Session};
use crate::share::cloudfront::IpRange;
use crate::share::{DownloadFilename, Lifetime, countdown_text, format_local_time};

fn settings() -> Result<CloudFrontSettings, S3Error> {
    let path = crate::history::History::default_path()
        .and_then(|history| CloudFrontSettings::beside(&history))
        .ok_or_else(|| {
            S3Error::bad_input(
                "No folder for S3 Share's settings here: set HOME or S3SHARE_HISTORY_FILE.",
            )
        })?;
    CloudFrontSettings::load(path)
}

/// The bucket of `s3://name`, `s3://name/` or `name`; a folder in it is refused (the
/// distribution's origin path says which folder it serves).
fn bucket_name(text: &str) -> Result<String, S3Error> {
    let name = text
        .trim()
        .trim_start_matches("s3://")
        .trim_end_matches('/');
    let valid = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if valid {
        return Ok(name.to_owned());
    }
    Err(S3Error::bad_input(if name.contains('/') {
        format!(
            "{} names a folder: give the bucket alone, and the folder the distribution serves with --origin-path.",
            crate::share::escape::text(text)
        )
    } else {
        format!(
            "{:?} is not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens).",
            text
        )
    }))
}

/// `s3share cloudfront …` (no AWS credentials needed: only this computer's settings).
pub fn run(action: &CloudFrontAction, out: &mut impl Write) -> Result<(), S3Error> {
    let mut all = settings()?;
    match action {
        CloudFrontAction::Set {
            bucket,
            domain,
            key_id,
            private_key,
            origin_path,
            distribution_id,
        } => {
            let bucket = bucket_name(bucket)?;
            let setting = CloudFrontSetting::new(
                domain,
                key_id,
                private_key,
                origin_path.as_deref(),
                distribution_id.as_deref(),
            )?;
            all.by_bucket.insert(bucket.clone(), setting.clone());
            all.save()?;
            say!(
                "links to s3://{bucket}/ through CloudFront are signed with key {} ({}) for {}; the key file stays where it is",
                setting.key_id,
                setting.private_key.display(),
                setting.domain
            );
            say!("make one with: s3share link s3://{bucket}/KEY --via-cloudfront --expires 90d");
            match setting.why_not_revocable(&bucket) {
                None => say!(
                    "revocable ones too (--revocable): revoking clears the link's copy from distribution {}'s edges",
                    setting.distribution_id.as_deref().unwrap_or_default()
                ),
                Some(_) if setting.origin_path.is_empty() => say!(
                    "for revocable links (--revocable) add --distribution-id ID: revoking clears the link's copy from the distribution's edges"
                ),
                Some(_) => {}
            }
        }
        CloudFrontAction::Show { bucket } => {
            let bucket = bucket_name(bucket)?;
            let Some(setting) = all.get(&bucket) else {
                return Err(S3Error::bad_input(format!(
                    "Nothing is set for s3://{bucket}/: set it with s3share cloudfront set {bucket} --domain D --key-id ID --private-key FILE."
                )));
            };
            let origin = format!("/{}", setting.origin_path.trim_end_matches('/'));
            let key = setting.private_key.display().to_string();
            let lines = [
                ("domain", setting.domain.as_str()),
                ("key-id", setting.key_id.as_str()),
                ("private-key", key.as_str()),
                ("origin-path", origin.as_str()),
                (
                    "distribution-id",
                    setting.distribution_id.as_deref().unwrap_or("-"),
                ),
            ];
            for (name, value) in lines {
                write_line(
                    out,
                    &format!("{name}\t{}", crate::share::escape::field(value)),
                )?;
            }
        }
        CloudFrontAction::Remove { bucket } => {
            let bucket = bucket_name(bucket)?;
            if all.by_bucket.remove(&bucket).is_none() {
                return Err(S3Error::bad_input(format!(
                    "Nothing was set for s3://{bucket}/; nothing was changed."
                )));
            }
            all.save()?;
            say!(
                "links to s3://{bucket}/ are no longer signed through CloudFront (links already made keep working until their end, or until their key leaves the key group)"
            );
        }
    }
    Ok(())
}

/// What `link --via-cloudfront` was given, read before anything is asked of a server.
pub struct ViaCloudFront {
    pub setting: CloudFrontSetting,
    pub request: CloudFrontRequest,
}

/// Checks `link --via-cloudfront`'s inputs: a setting for the bucket, the start, the range.
fn read_request(
    bucket: &str,
    lifetime: Lifetime,
    filename: Option<&DownloadFilename>,
    not_before: Option<&str>,
    ip: Option<&str>,
    revocable: bool,
) -> Result<ViaCloudFront, S3Error> {
    let setting = settings()?.get(bucket).cloned().ok_or_else(|| {
        S3Error::bad_input(format!(
            "s3://{bucket}/ has no CloudFront distribution set: set it first with s3share cloudfront set {bucket} --domain D --key-id ID --private-key FILE."
        ))
    })?;
    if revocable && let Some(why) = setting.why_not_revocable(bucket) {
        return Err(S3Error::bad_input(why));
    }
    let not_before = not_before
        .map(|text| {
            chrono::DateTime::parse_from_rfc3339(text.trim())
                .map(std::time::SystemTime::from)
                .map_err(|_| {
                    S3Error::bad_input(format!(
                        "--not-before {text:?} is not a time: write it as 2027-01-04T09:00:00Z (or with an offset, +01:00)."
                    ))
                })
        })
        .transpose()?;
    let ip = ip
        .map(|text| IpRange::parse(text).map_err(|e| S3Error::bad_input(e.to_string())))
        .transpose()?;
    Ok(ViaCloudFront {
        setting,
        request: CloudFrontRequest {
            lifetime: lifetime.as_duration(),
            download_filename: filename.cloned(),
            not_before,
            ip,
            revocable,
        },
    })
}

/// `link`'s lifetime and CloudFront inputs, read before signing in: the request when it goes
/// through CloudFront; else a lifetime over 7 days is refused here.
pub fn read_link_inputs(command: &super::Command) -> Result<Option<ViaCloudFront>, S3Error> {
    match command {
        super::Command::Link {
            uri,
            expires,
            filename,
            via_cloudfront: true,
            not_before,
            ip,
            revocable,
            ..
        } => {
            let (bucket, _) = crate::s3::parse_s3_uri(uri)?;
            read_request(
                &bucket,
                *expires,
                filename.as_ref(),
                not_before.as_deref(),
                ip.as_deref(),
                *revocable,
            )
            .map(Some)
        }
        super::Command::Link { expires, .. } => {
            expires.to_expiry().map_err(|e| {
                S3Error::bad_input(format!(
                    "{e}; a link through CloudFront can live longer (s3share cloudfront set, then link --via-cloudfront)"
                ))
            })?;
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Prints a tried link through CloudFront on stdout, its end and caveat on stderr.
pub async fn link(
    session: &Session,
    cancel: &CancellationToken,
    (bucket, key): (&str, &str),
    via: &ViaCloudFront,
    (try_it, qr): (bool, bool),
    out: &mut impl Write,
) -> Result<(), S3Error> {
    let on_copy = super::revoke::copy_progress(via.request.lifetime);
    // Ctrl+C stops a copy through `cancel`: the use case deletes what was copied.
    let link = crate::ops::link_via_cloudfront(
        session,
        &via.setting,
        (bucket, key),
        &via.request,
        try_it,
        cancel,
        &on_copy,
    )
    .await?;
    refuse_dead_link(&link, "through CloudFront: ")?;
    write_line(out, link.url.expose())?;
    super::history::remember(vec![HistoryEntry::of(&link)]);
    let (left, _) = countdown_text(session.now(), link.effective_expires_at);
    say!(
        "expires {} (in {left}), through CloudFront ({})",
        format_local_time(link.effective_expires_at),
        via.setting.domain
    );
    print_check(&link);
    print_warnings(&link.warnings);
    if let Some(id) = link
        .copy
        .as_ref()
        .and_then(|c| crate::s3::copy_link_id(&c.key))
    {
        say!("revocable: take it back with s3share revoke {id}");
    }
    if qr {
        print_qr(link.url.expose())?;
    }
    Ok(())
}
