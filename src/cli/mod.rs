//! The headless front end: the same core as the window, for scripts and tests.
//! Links go to stdout alone; expiry, warnings and errors go to stderr.

use std::io::Write;
use std::process::ExitCode;

use crate::history::HistoryEntry;
use crate::s3::upload::{Collision, UploadRequest, check_destination_key};
use crate::s3::{ErrorKind, ProfileFilesSource, S3Error, Session, ShareOptions, parse_s3_uri};
use crate::share::escape::field;
use crate::share::{countdown_text, format_local_time};
use tokio_util::sync::CancellationToken;

/// `eprintln!` for anything that may hold text from outside (keys, bucket names, server
/// messages, file names): control and direction characters are shown escaped.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::share::escape::text(&format!($($arg)*)))
    };
}

mod args;
mod cloudfront;
mod encrypted;
mod history;
mod links;
mod output;
mod page;
mod request;
mod revoke;
mod signals;
mod upload;

pub use args::{Args, Command};

use output::{print_check, print_qr, print_warnings, refuse_dead_link, write_line};
use signals::{cancel_on_signals, or_cancel};
use upload::upload_with_progress;

/// Runs one subcommand and turns its outcome into an exit code. Ctrl+C, SIGTERM and SIGHUP
/// cancel it at any point (an upload is aborted on the server).
pub async fn run(args: &Args, command: &Command) -> ExitCode {
    let cancel = CancellationToken::new();
    let signals = cancel_on_signals(cancel.clone());
    let outcome = run_command(args, command, &cancel).await;
    signals.abort();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            say!("error: {}", err.message);
            if !err.detail.is_empty() {
                tracing::debug!(detail = %err.detail, "error detail");
            }
            exit_code(err.kind)
        }
    }
}

/// 2 when the user can fix the input, 130 when the run was stopped (as after Ctrl+C), 1 for
/// every other failure.
fn exit_code(kind: ErrorKind) -> ExitCode {
    match kind {
        ErrorKind::Cancelled => ExitCode::from(130),
        ErrorKind::BadInput
        | ErrorKind::LocalFile
        | ErrorKind::AlreadyExists
        | ErrorKind::Output => ExitCode::from(2),
        ErrorKind::NoCredentials
        | ErrorKind::ExpiredSession
        | ErrorKind::CredentialsRejected
        | ErrorKind::AccessDenied
        | ErrorKind::NoSuchBucket
        | ErrorKind::NoSuchKey
        | ErrorKind::WrongRegion
        | ErrorKind::Redirected
        | ErrorKind::Network
        | ErrorKind::NoAnswer
        | ErrorKind::Oversized
        | ErrorKind::LinkRefused
        | ErrorKind::Certificate
        | ErrorKind::Server => ExitCode::FAILURE,
    }
}

async fn run_command(
    args: &Args,
    command: &Command,
    cancel: &CancellationToken,
) -> Result<(), S3Error> {
    if let Command::Profiles { json } = command {
        return request::print_profiles(*json).await;
    }
    if let Command::History {
        all,
        json,
        show_urls,
    } = command
    {
        return history::print_history(*all, *json, *show_urls);
    }
    if let Command::Fetch {
        link,
        output,
        passphrase_file,
    } = command
    {
        return encrypted::fetch(cancel, link, output.as_deref(), passphrase_file.as_deref()).await;
    }
    if let Command::Cloudfront { action } = command {
        return cloudfront::run(action, &mut std::io::stdout().lock());
    }
    // Every input is read before signing in (which may take a while, or ask for a token).
    let via_cloudfront = cloudfront::read_link_inputs(command)?;
    // Signing in can wait on a credential_process, SSO, STS or the instance metadata
    // service: Ctrl+C stops it like any other step.
    let files = ProfileFilesSource::default();
    let connect = Session::connect(&files, args.profile.as_deref(), args.region.as_deref());
    let session = or_cancel(cancel, connect).await?;
    let mut stdout = std::io::stdout().lock();
    match command {
        Command::Link {
            uri,
            expires,
            filename,
            no_check,
            qr,
            recursive,
            format,
            revocable,
            page,
            title,
            encrypt,
            passphrase_file,
            ..
        } => {
            let (bucket, key) = parse_s3_uri(uri)?;
            if let Some(via) = &via_cloudfront {
                let (object, flags) = ((bucket.as_str(), key.as_str()), (!*no_check, *qr));
                return cloudfront::link(&session, cancel, object, via, flags, &mut stdout).await;
            }
            // Checked above, before signing in.
            let expires = &expires
                .to_expiry()
                .map_err(|e| S3Error::bad_input(e.to_string()))?;
            if *encrypt {
                let object = crate::ops::Plaintext::Object(key);
                let wanted = encrypted::Wanted {
                    expiry: *expires,
                    save_as: filename.as_ref(),
                    passphrase_file: passphrase_file.as_deref(),
                };
                let link =
                    encrypted::share(&session, cancel, &object, &bucket, wanted, &mut stdout)
                        .await?;
                if *qr {
                    print_qr(link.expose())?;
                }
                return Ok(());
            }
            if *page {
                if filename.is_some() || *no_check {
                    return Err(S3Error::bad_input(
                        "--filename and --no-check are for one link; a page gives each file its own name and is always tried: leave them out.",
                    ));
                }
                let options = crate::ops::PageOptions {
                    title: title.clone(),
                    expiry: *expires,
                    revocable: *revocable,
                };
                let link = page::print_page(
                    &session,
                    cancel,
                    &bucket,
                    &key,
                    *recursive,
                    &options,
                    &mut stdout,
                )
                .await?;
                if *qr {
                    print_qr(link.expose())?;
                }
                revoke::clean_up_after(&session, &bucket).await;
                return Ok(());
            }
            if *recursive {
                if filename.is_some() || *qr {
                    let flag = if *qr { "--qr" } else { "--filename" };
                    return Err(S3Error::bad_input(format!(
                        "{flag} is for one link; with --recursive every file gets its own link and keeps its own name: leave {flag} out, or name one file."
                    )));
                }
                let options = ShareOptions {
                    expiry: *expires,
                    download_filename: None,
                    revocable: *revocable,
                };
                return links::print_many(
                    &session,
                    cancel,
                    &bucket,
                    &key,
                    &options,
                    *format,
                    &mut stdout,
                )
                .await;
            }
            let options = ShareOptions {
                expiry: *expires,
                download_filename: filename.clone(),
                revocable: *revocable,
            };
            let link =
                revoke::share_one(&session, cancel, &bucket, &key, &options, !*no_check).await?;
            refuse_dead_link(&link, "")?;
            write_line(&mut stdout, link.url.expose())?;
            history::remember(vec![HistoryEntry::of(&link)]);
            let (left, _) = countdown_text(session.now(), link.effective_expires_at);
            say!(
                "expires {} (in {left})",
                format_local_time(link.effective_expires_at)
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
            if *qr {
                print_qr(link.url.expose())?;
            }
            revoke::clean_up_after(&session, &bucket).await;
        }
        Command::UploadLink {
            uri,
            content_type,
            expires,
        } => {
            let (bucket, key) = parse_s3_uri(uri)?;
            let link = or_cancel(
                cancel,
                session.upload_link(&bucket, &key, content_type.as_deref(), *expires),
            )
            .await?;
            write_line(&mut stdout, link.url.expose())?;
            history::remember(vec![HistoryEntry::of_upload(&link)]);
            say!(
                "expires {}; upload with: {}",
                format_local_time(link.effective_expires_at),
                link.curl_command_with("URL")
            );
            print_warnings(&link.warnings);
        }
        Command::Upload {
            file,
            uri,
            expires,
            filename,
            replace,
            parallel,
            part_size_mib,
            no_check,
            revocable,
            encrypt,
            passphrase_file,
        } => {
            let (bucket, prefix) = parse_s3_uri(uri)?;
            if *encrypt {
                let file = crate::ops::Plaintext::File(file.clone());
                let wanted = encrypted::Wanted {
                    expiry: *expires,
                    save_as: filename.as_ref(),
                    passphrase_file: passphrase_file.as_deref(),
                };
                encrypted::share(&session, cancel, &file, &bucket, wanted, &mut stdout).await?;
                return Ok(());
            }
            let key = destination_key(&prefix, file)?;
            let collision = if *replace {
                Collision::Replace
            } else {
                Collision::Ask
            };
            let options = ShareOptions {
                expiry: *expires,
                download_filename: filename.clone(),
                revocable: *revocable,
            };
            // Every input is checked before the first byte is written.
            check_destination_key(&key)?;
            let mut request = UploadRequest::new(file, &bucket, &key, collision);
            request.concurrency = usize::from(*parallel);
            request.part_size = part_size_mib * 1024 * 1024;
            let (key, link) =
                upload_with_progress(&session, &request, &options, !*no_check, cancel).await?;
            // The file is stored from here on: every failure says so and how to get a link.
            let stored = format!("s3://{bucket}/{key} was uploaded, but ");
            let link = link.map_err(|err| S3Error {
                message: format!(
                    "{stored}no link could be made: {} Get one later with: s3share link 's3://{bucket}/{key}'",
                    err.message
                ),
                ..err
            })?;
            refuse_dead_link(&link, &stored)?;
            write_line(&mut stdout, link.url.expose())?;
            history::remember(vec![HistoryEntry::of(&link)]);
            say!(
                "uploaded s3://{bucket}/{key}; link expires {}",
                format_local_time(link.effective_expires_at)
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
            revoke::clean_up_after(&session, &bucket).await;
        }
        Command::Revoke {
            id: Some(id),
            ended: false,
            ..
        } => revoke::revoke_one(&session, cancel, id).await?,
        Command::Revoke { bucket, .. } => {
            revoke::revoke_ended(&session, cancel, bucket.as_deref()).await?;
        }
        Command::Request {
            uri,
            title,
            message,
            max_size,
            types,
            expires,
            close,
        } => {
            let asked = request::Asked {
                uri: uri.as_deref(),
                title: title.as_deref(),
                message,
                max_size,
                types,
                expires: *expires,
                close: close.as_deref(),
            };
            request::run(&session, cancel, asked, &mut stdout).await?;
        }
        // Read from files before any session is made (see the top).
        Command::History { .. }
        | Command::Profiles { .. }
        | Command::Fetch { .. }
        | Command::Cloudfront { .. } => {}
        Command::Ls { uri: None } => {
            for bucket in or_cancel(cancel, session.list_buckets()).await? {
                write_line(&mut stdout, &field(&bucket.name))?;
            }
        }
        Command::Ls { uri: Some(uri) } => {
            let (bucket, prefix) = parse_s3_uri(uri)?;
            // Each page is printed as it arrives, in one write: a folder of a million keys
            // starts printing at once and is never held in memory whole.
            let mut text = String::new();
            let mut failed = None;
            let listing = session.list_all(&bucket, &prefix, |page| {
                if failed.is_some() {
                    return;
                }
                text.clear();
                // S3 Share's own folder (link copies, request pages) is not the person's:
                // left out at the top, listed when asked for by name.
                let own = |f: &String| f.as_str() == crate::s3::OWN_FOLDER;
                for folder in page.folders.into_iter().filter(|f| !own(f)) {
                    let line = format_args!("{:>19} {:>12} {}\n", "", "PRE", field(&folder));
                    let _ = std::fmt::Write::write_fmt(&mut text, line);
                }
                for object in page.objects {
                    let modified = object
                        .last_modified
                        .map(format_local_time)
                        .unwrap_or_default();
                    let key = field(&object.key);
                    let line = format_args!("{modified:>19} {:>12} {key}\n", object.size);
                    let _ = std::fmt::Write::write_fmt(&mut text, line);
                }
                if let Err(e) = stdout.write_all(text.as_bytes()) {
                    failed = Some(e);
                }
            });
            or_cancel(cancel, listing).await?;
            if let Some(e) = failed {
                return Err(S3Error::plain(
                    ErrorKind::Output,
                    format!("could not write output: {e}"),
                ));
            }
        }
    }
    if !session.region_from_profile() {
        say!(
            "note: region {} assumed (the profile names none; set one with --region or AWS_REGION)",
            session.region()
        );
    }
    Ok(())
}

/// `prefix/` + the file's name, or the key as given when it does not end with "/".
fn destination_key(prefix: &str, file: &std::path::Path) -> Result<String, S3Error> {
    if !prefix.is_empty() && !prefix.ends_with('/') {
        return Ok(prefix.to_owned());
    }
    let name = file.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        S3Error::bad_input(format!(
            "{} has no usable file name: give the key in full (s3://bucket/key).",
            file.display()
        ))
    })?;
    Ok(format!("{prefix}{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn upload_defaults_match_the_core() {
        let args = Args::try_parse_from(["s3share", "upload", "f.bin", "s3://b/"]).unwrap();
        let Some(Command::Upload {
            parallel,
            part_size_mib,
            replace,
            ..
        }) = args.command
        else {
            panic!("not an upload");
        };
        assert_eq!(
            usize::from(parallel),
            crate::s3::upload::DEFAULT_CONCURRENCY
        );
        assert_eq!(
            part_size_mib * 1024 * 1024,
            crate::s3::upload::DEFAULT_PART_SIZE
        );
        assert!(!replace);
        assert!(
            Args::try_parse_from(["s3share", "upload", "f", "s3://b/", "--part-size-mib", "4"])
                .is_err()
        );
    }

    #[test]
    fn destination_keeps_the_file_name_under_a_prefix() {
        let file = std::path::Path::new("/tmp/Q3 report.pdf");
        assert_eq!(destination_key("in/", file).unwrap(), "in/Q3 report.pdf");
        assert_eq!(destination_key("", file).unwrap(), "Q3 report.pdf");
        assert_eq!(
            destination_key("in/renamed.pdf", file).unwrap(),
            "in/renamed.pdf"
        );
    }
}
