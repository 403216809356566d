//! `s3share upload FILE s3://bucket/ --encrypt [--passphrase-file F]` and
//! `s3share fetch LINK [-o FILE] [--passphrase-file F]` around the encrypted-share use cases.

use std::io::Write;
use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::history::remember;
use super::output::write_line;
use super::upload::progress_bar;
use crate::error::{ErrorKind, S3Error};
use crate::history::HistoryEntry;
use crate::ops::{self, Encryption, Passphrase, Plaintext};
use crate::s3::Session;
use crate::share::{Expiry, countdown_text, escape, format_local_time};

/// The passphrase on a file's first line (checked before anything is uploaded).
pub fn read_passphrase(path: &Path) -> Result<Passphrase, S3Error> {
    let shown = escape::text(&path.display().to_string()).into_owned();
    let meta = std::fs::metadata(path).map_err(|e| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!("Cannot read the passphrase file {shown}: {e}."),
        )
    })?;
    if meta.len() > 4096 {
        return Err(S3Error::bad_input(format!(
            "The passphrase file {shown} is larger than 4 KB: it should hold one line."
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!("Cannot read the passphrase file {shown}: {e} (it must be UTF-8 text)."),
        )
    })?;
    let first = text.split_inclusive('\n').next().unwrap_or_default();
    Passphrase::parse(first)
}

/// What the command line asked of an encrypted share.
pub struct Wanted<'a> {
    pub expiry: Expiry,
    /// --filename: the name the file is saved as.
    pub save_as: Option<&'a crate::share::DownloadFilename>,
    pub passphrase_file: Option<&'a Path>,
}

/// Encrypts, uploads (or copies encrypted) and links; prints the link (with its key) on
/// stdout.
pub async fn share(
    session: &Session,
    cancel: &CancellationToken,
    plaintext: &Plaintext,
    bucket: &str,
    wanted: Wanted<'_>,
    out: &mut impl Write,
) -> Result<crate::share::SignedUrl, S3Error> {
    // Every input is checked before the first byte is written.
    let encryption = match wanted.passphrase_file {
        Some(path) => Encryption::Passphrase(read_passphrase(path)?),
        None => Encryption::KeyInLink,
    };
    let expiry = wanted.expiry;
    let request = ops::EncryptedRequest {
        encryption,
        expiry,
        save_as: wanted.save_as.cloned(),
    };
    let (bar, on_progress) = progress_bar();
    let shared =
        ops::share_encrypted(session, bucket, plaintext, &request, cancel, &on_progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let shared = shared?;
    write_line(out, shared.link.url.expose())?;
    remember(vec![HistoryEntry::of_encrypted(&shared)]);
    let (left, _) = countdown_text(session.now(), shared.link.effective_expires_at);
    say!(
        "encrypted {} ({}) into s3://{bucket}/{}; the link expires {} (in {left})",
        shared.name,
        crate::share::human_size(shared.size),
        shared.data.key,
        format_local_time(shared.link.effective_expires_at)
    );
    if shared.passphrase {
        say!("the link needs the passphrase: give it to your colleague another way");
    } else {
        say!("the key is in the link after #: whoever has the whole link can decrypt it");
    }
    if shared.passphrase && shared.link.check == crate::s3::LinkCheck::Opens {
        say!(
            "checked: the page opens for anyone with the link; the file decrypts only with the passphrase"
        );
    } else {
        super::output::print_check(&shared.link);
    }
    super::output::print_warnings(&shared.link.warnings);
    say!("take it back with: s3share revoke {}", shared.id);
    super::revoke::clean_up_after(session, bucket).await;
    Ok(shared.link.url)
}

/// Downloads and decrypts a link into `output` (default: its file's name, here).
pub async fn fetch(
    cancel: &CancellationToken,
    link: &str,
    output: Option<&Path>,
    passphrase_file: Option<&Path>,
) -> Result<(), S3Error> {
    let (page_url, fragment) = ops::parse_link(link)?;
    let passphrase = match (passphrase_file, &fragment.key) {
        (Some(_), Some(_)) => {
            return Err(S3Error::bad_input(
                "This link carries its key: leave --passphrase-file out.",
            ));
        }
        (Some(path), None) => Some(read_passphrase(path)?),
        (None, _) => None,
    };
    let output = output.map_or_else(
        || PathBuf::from(ops::safe_name(fragment.name.as_deref())),
        Path::to_path_buf,
    );
    let bar = super::upload::byte_bar();
    let progress = bar.clone();
    let on_progress = move |done: u64, total: u64| {
        if let Some(bar) = &progress {
            bar.set_length(total.max(done));
            bar.set_position(done);
        }
    };
    // It watches the token itself: a stop removes what was written so far.
    let fetched = ops::fetch_encrypted(
        &page_url,
        &fragment,
        passphrase.as_ref(),
        &output,
        cancel,
        &on_progress,
    )
    .await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let fetched = fetched?;
    say!(
        "decrypted and saved {} ({})",
        fetched.path.display(),
        crate::share::human_size(fetched.size)
    );
    Ok(())
}
