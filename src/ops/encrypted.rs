//! Encrypted share: the file is encrypted here (RFC 8188 aes128gcm) as it is uploaded, the
//! ciphertext is stored at a random key under `.s3share/links/`, and beside it a page that
//! decrypts in the colleague's browser with WebCrypto alone. The key travels only in the
//! link's `#fragment`, which browsers never send; in passphrase mode not even there.
//!
//! Closing it (`close_page`) deletes the ciphertext and the page: the link stops at once.

use std::path::Path;

use tokio_util::sync::CancellationToken;

use super::or_stop;
use crate::error::{ErrorKind, S3Error};
use crate::s3::upload::{Collision, UploadOutcome, UploadProgress, UploadRequest, upload_file};
use crate::s3::{LINKS_FOLDER, LinkCopy, PAGES_FOLDER, Session, ShareLink, ShareOptions};
use crate::share::ece::{self, KEY_LEN, PBKDF2_ROUNDS, SALT_LEN, Sealer};
use crate::share::encrypted_page;
use crate::share::{Expiry, SignedUrl, effective_end};

const STOPPED: &str =
    "Cancelled: nothing was kept (the encrypted upload and its page are removed).";

/// A passphrase, checked where it is typed or read; never shown in Debug.
#[derive(Clone, PartialEq, Eq)]
pub struct Passphrase(String);

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(…)")
    }
}

/// Shorter passphrases fall to a guessing run against the stored ciphertext.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

impl Passphrase {
    /// A passphrase as typed, or as a file holds it (one trailing line end is not part of it).
    pub fn parse(text: &str) -> Result<Passphrase, S3Error> {
        let text = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        if text.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(S3Error::bad_input(format!(
                "The passphrase is too short: use at least {MIN_PASSPHRASE_CHARS} characters (a few words are easy to say and hard to guess)."
            )));
        }
        if text.contains(['\n', '\r']) {
            return Err(S3Error::bad_input(
                "The passphrase must be one line: a colleague types it into the page.",
            ));
        }
        Ok(Passphrase(text.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Where the key comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// A random key, carried in the link's fragment.
    KeyInLink,
    /// A key derived from a passphrase said apart from the link (PBKDF2-SHA256).
    Passphrase(Passphrase),
}

/// How an encrypted share is made: its key, its lifetime, and the name the file is saved
/// as (default: its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncryptedRequest {
    pub encryption: Encryption,
    pub expiry: Expiry,
    pub save_as: Option<crate::share::DownloadFilename>,
}

/// What is shared encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plaintext {
    /// A file on this computer (dropped, pasted, picked, or named on the command line).
    File(std::path::PathBuf),
    /// An object already in the bucket: read, encrypted and stored again, a part at a time.
    Object(String),
}

/// The plaintext, ready to be read.
enum Source<'a> {
    File(&'a Path),
    Object(Box<crate::s3::CopySource>),
}

/// An encrypted file stored with its page and linked.
#[derive(Debug, Clone)]
pub struct EncryptedShare {
    pub id: String,
    /// The page's key (closing deletes it).
    pub page_key: String,
    /// The ciphertext (closing deletes it).
    pub data: LinkCopy,
    /// The page's link, its `url` followed by the fragment that holds the key (or the
    /// passphrase's salt), the file's name and type.
    pub link: ShareLink,
    /// The name the file is saved as (in the fragment only, never stored in the bucket).
    pub name: String,
    /// What was shared: the object's key, or the local file's name (this computer's
    /// history lists it so).
    pub shared: String,
    /// The file's own size (the ciphertext is `data.size`).
    pub size: u64,
    pub passphrase: bool,
    /// The lifetime asked for (the link may end sooner: its credentials, a slow copy).
    pub lifetime: Expiry,
}

/// Encrypts `path` into `bucket` as it uploads, stores the page that decrypts it, signs and
/// tries both. Every input and permission is checked before anything is written; whatever
/// fails or is cancelled leaves nothing behind.
pub async fn share_encrypted(
    session: &Session,
    bucket: &str,
    plaintext: &Plaintext,
    request: &EncryptedRequest,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<EncryptedShare, S3Error> {
    let EncryptedRequest {
        encryption,
        expiry,
        save_as,
    } = request;
    let expiry = *expiry;
    let (plain_len, name, content_type, source) = match plaintext {
        Plaintext::File(path) => (
            local_file_len(path).await?,
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "file".to_owned()),
            crate::s3::upload::content_type_for(path),
            Source::File(path),
        ),
        Plaintext::Object(key) => {
            crate::share::key::check_file_key(key).map_err(|_| {
                S3Error::bad_input(format!(
                    "s3://{bucket}/{key} is not one object: an encrypted share is of one file (name it, as s3://{bucket}/folder/file.pdf)."
                ))
            })?;
            let source = or_stop(cancel, STOPPED, session.copy_source(bucket, key)).await?;
            // The stored type, unless it says no more than "bytes": then the name's.
            let content_type = source
                .content_type
                .clone()
                .filter(|t| !t.is_empty() && !t.ends_with("/octet-stream"))
                .unwrap_or_else(|| {
                    crate::s3::upload::content_type_for(Path::new(crate::s3::file_name(key)))
                });
            (
                source.size,
                crate::s3::file_name(key).to_owned(),
                content_type,
                Source::Object(Box::new(source)),
            )
        }
    };
    let shared = match plaintext {
        Plaintext::Object(key) => key.clone(),
        Plaintext::File(_) => name.clone(),
    };
    let name = save_as.as_ref().map_or(name, |n| n.name().to_owned());
    for folder in [PAGES_FOLDER, LINKS_FOLDER] {
        or_stop(
            cancel,
            STOPPED,
            session.check_copy_permissions(bucket, folder),
        )
        .await?;
    }
    // The key: random, or from the passphrase (600,000 rounds: off the async threads).
    let (ikm, fragment_key) = match encryption {
        Encryption::KeyInLink => {
            let ikm = ece::random::<KEY_LEN>();
            (ikm, format!("k={}", ece::b64(&ikm)))
        }
        Encryption::Passphrase(passphrase) => {
            let salt = ece::random::<SALT_LEN>();
            let passphrase = passphrase.clone();
            let ikm = tokio::task::spawn_blocking(move || {
                ece::passphrase_key(passphrase.expose(), &salt, PBKDF2_ROUNDS)
            })
            .await
            .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?;
            (ikm, format!("s={}&i={PBKDF2_ROUNDS}", ece::b64(&salt)))
        }
    };
    let sealer = Sealer::new(&ikm, ece::random(), plain_len);
    let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
    // The ciphertext, the page and both links end together, at this time (named in the
    // keys, so what has ended is found and deleted by listing).
    let own_end = session.now() + expiry.as_duration();
    let data_key = crate::s3::copy_key(&id, own_end, "data");
    let page_key = crate::s3::shared_page_key(&id, own_end);
    let data = match &source {
        Source::Object(source) => {
            let total = sealer.sealed_len();
            on_progress(UploadProgress::Started {
                key: data_key.clone(),
                total,
                upload_id: None,
            });
            let bytes = |done, _| on_progress(UploadProgress::Bytes(done));
            session
                .copy_encrypted(bucket, source, &sealer, &data_key, cancel, &bytes)
                .await?
        }
        Source::File(path) => {
            let mut request = UploadRequest::new(path, bucket, &data_key, Collision::Ask);
            request.encrypt = Some(sealer);
            match upload_file(session, &request, cancel, on_progress).await? {
                UploadOutcome::Uploaded { size, .. } => LinkCopy {
                    key: data_key,
                    version_id: None,
                    size,
                    distribution: None,
                },
                UploadOutcome::Cancelled => {
                    return Err(S3Error::plain(ErrorKind::Cancelled, STOPPED));
                }
                UploadOutcome::Exists { key } | UploadOutcome::Skipped { key } => {
                    return Err(S3Error::plain(
                        ErrorKind::AlreadyExists,
                        format!("s3://{bucket}/{key} already exists (a random key): try again."),
                    ));
                }
            }
        }
    };
    let stored = data.size;
    let made = async {
        let region = session.bucket_region(bucket).await?;
        let what = "making an encrypted link";
        let credentials = session.current_credentials(what).await?;
        let signed_at = session.now();
        let options = super::revocable::until(
            own_end,
            signed_at,
            &ShareOptions {
                expiry,
                ..ShareOptions::default()
            },
        );
        let (ends, _) = effective_end(signed_at, options.expiry, credentials.expiry());
        let data_link = session
            .sign_download(bucket, &data.key, &region, &options)
            .await?;
        if let crate::s3::LinkCheck::Refused(problem) =
            session.try_url(bucket, &data_link.url).await
        {
            return Err(S3Error::plain(
                ErrorKind::LinkRefused,
                crate::s3::LinkCheck::Refused(problem).describe(),
            ));
        }
        let html = encrypted_page::render(&encrypted_page::PageConfig {
            url: data_link.url.expose().to_owned(),
            size: stored,
            ends_ms: ends
                .duration_since(std::time::SystemTime::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
        });
        session
            .store_page(bucket, &region, &page_key, html, what)
            .await?;
        session
            .page_link(
                bucket,
                &region,
                &page_key,
                &credentials,
                signed_at,
                options.expiry,
                ends,
            )
            .await
    };
    match or_stop(cancel, STOPPED, made).await {
        Ok(link) if !link.check.refused() => {
            let fragment = format!(
                "{fragment_key}&n={}&t={}",
                fragment_value(&name),
                fragment_value(&content_type)
            );
            let link = ShareLink {
                url: SignedUrl::new(format!("{}#{fragment}", link.url.expose())),
                ..link
            };
            Ok(EncryptedShare {
                id,
                page_key,
                data,
                link,
                name,
                shared,
                size: plain_len,
                passphrase: matches!(encryption, Encryption::Passphrase(_)),
                lifetime: expiry,
            })
        }
        Ok(link) => {
            remove(session, bucket, &page_key, &data).await;
            Err(S3Error::plain(
                ErrorKind::LinkRefused,
                link.check.describe(),
            ))
        }
        Err(err) => {
            remove(session, bucket, &page_key, &data).await;
            Err(err)
        }
    }
}

/// The file's size, refusing what cannot be uploaded before anything is written.
async fn local_file_len(path: &Path) -> Result<u64, S3Error> {
    let meta = tokio::fs::metadata(path).await.map_err(|e| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "Cannot read the file {}: {e}. Check that it exists and that you may read it.",
                crate::share::escape::text(&path.display().to_string())
            ),
        )
    })?;
    if !meta.is_file() {
        return Err(S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "{} is not a file: only a file can be shared encrypted (a zip of a folder can).",
                crate::share::escape::text(&path.display().to_string())
            ),
        ));
    }
    Ok(meta.len())
}

/// A fragment value: percent-encoded so that `&`, `=` and `#` stay inside it.
fn fragment_value(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// Best effort, after a share that failed: nothing of it is kept.
async fn remove(session: &Session, bucket: &str, page_key: &str, data: &LinkCopy) {
    let _ = session
        .delete_page(bucket, page_key, "removing an encrypted page")
        .await;
    let _ = session.delete_link_copy(bucket, data).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_is_one_line_of_eight_characters_or_more() {
        assert!(Passphrase::parse("short").is_err());
        assert!(Passphrase::parse("two\nlines here").is_err());
        assert_eq!(
            Passphrase::parse("correct horse\n").unwrap().expose(),
            "correct horse"
        );
        assert_eq!(
            format!("{:?}", Passphrase::parse("secret words").unwrap()),
            "Passphrase(…)"
        );
    }

    #[test]
    fn fragment_values_keep_separators_inside() {
        assert_eq!(
            fragment_value("a&b=c#d é.pdf"),
            "a%26b%3Dc%23d%20%C3%A9%2Epdf"
        );
    }
}
