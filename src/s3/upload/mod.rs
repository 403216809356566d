//! Uploads: one PUT for small files, multipart for large ones (parts read from disk as they
//! go, several in flight), never a silent overwrite, and no unfinished multipart upload left
//! behind on cancel or failure.

use std::path::{Path, PathBuf};

use aws_sdk_s3::error::SdkError;
use tokio_util::sync::CancellationToken;

use super::session::Session;
use crate::error::{ErrorKind, S3Error};

mod put;
use put::{Attempt, Put};

const MIB: u64 = 1024 * 1024;
/// Default part size; large files get larger parts so that no file needs more than
/// `MAX_PARTS` parts.
pub const DEFAULT_PART_SIZE: u64 = 8 * MIB;
/// S3 refuses parts (other than the last) smaller than this.
pub const S3_MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PARTS: u64 = 10_000;
pub const DEFAULT_CONCURRENCY: usize = 6;

/// What to do when the key is already taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collision {
    /// Stop and report `UploadOutcome::Exists` so the user can choose.
    Ask,
    /// Store as "name (1).ext", "name (2).ext", … whichever is free.
    KeepBoth,
    Replace,
    Skip,
}

#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub path: PathBuf,
    pub bucket: String,
    pub key: String,
    pub collision: Collision,
    /// Smallest part size; raised for very large files.
    pub part_size: u64,
    /// Parts in flight at once.
    pub concurrency: usize,
    /// Store the file RFC 8188-encrypted with these keys (an encrypted share): each part is
    /// encrypted from the file as it is sent, so nothing holds the whole file.
    pub encrypt: Option<crate::share::ece::Sealer>,
}

impl UploadRequest {
    pub fn new(path: impl Into<PathBuf>, bucket: &str, key: &str, collision: Collision) -> Self {
        UploadRequest {
            path: path.into(),
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            collision,
            part_size: DEFAULT_PART_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            encrypt: None,
        }
    }
}

/// Progress as it happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadProgress {
    /// The upload began under `key`; `upload_id` is set for multipart uploads.
    Started {
        key: String,
        total: u64,
        upload_id: Option<String>,
    },
    /// Bytes acknowledged by the server so far.
    Bytes(u64),
    /// Said before the first byte: something the person should know about this upload.
    Warning(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UploadOutcome {
    Uploaded {
        key: String,
        size: u64,
    },
    /// `Collision::Skip` and the key was taken: nothing was sent.
    Skipped {
        key: String,
    },
    /// `Collision::Ask` and the key is taken (or was taken meanwhile): nothing was changed.
    Exists {
        key: String,
    },
    /// Cancelled; any multipart upload was aborted.
    Cancelled,
}

/// The part size for a file: at least `min_part`, and large enough for `MAX_PARTS`.
pub fn part_size_for(len: u64, min_part: u64) -> u64 {
    let needed = len.div_ceil(MAX_PARTS).div_ceil(MIB) * MIB;
    min_part.max(needed)
}

/// "name (n).ext" beside `key`, keeping its folder and extension.
pub fn numbered_key(key: &str, n: u32) -> String {
    let (folder, name) = match key.rfind('/') {
        Some(i) => key.split_at(i + 1),
        None => ("", key),
    };
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{folder}{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{folder}{name} ({n})"),
    }
}

/// Content-Type from the file name (application/octet-stream when unknown).
pub fn content_type_for(path: &Path) -> String {
    mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// Uploads `request.path`. Progress goes to `on_progress`; `cancel` stops it and aborts
/// any multipart upload.
pub async fn upload_file(
    session: &Session,
    request: &UploadRequest,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(UploadProgress) + Send + Sync),
) -> Result<UploadOutcome, S3Error> {
    let path = &request.path;
    let meta = tokio::fs::metadata(path).await.map_err(|e| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "Cannot read the file {}: {e}. Check that it exists and that you may read it.",
                path.display()
            ),
        )
    })?;
    if meta.is_dir() {
        return Err(S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "{} is a folder: folders are not uploaded. Drop or pick the files inside it (or a zip of it).",
                path.display()
            ),
        ));
    }
    if !meta.is_file() {
        return Err(S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "{} is not a regular file (a pipe, device or socket): its size is unknown, so it is not uploaded. Save it to a file first, then upload that.",
                path.display()
            ),
        ));
    }
    check_destination_key(&request.key)?;
    let stamp = FileStamp::of(&meta);
    check_readable(path, stamp.len).await?;
    // What is stored: the file, or its encryption (a known length, larger by its header and
    // 17 bytes a record).
    let len = match &request.encrypt {
        // Laid out for the length read when the share began: a file that grew or shrank
        // since would not fit its own records.
        Some(sealer) if sealer.plain_len() != stamp.len => {
            return Err(S3Error::plain(
                ErrorKind::LocalFile,
                format!(
                    "{} changed size while the share was being prepared; nothing was stored. Share it again once it is complete.",
                    crate::share::escape::text(&path.display().to_string())
                ),
            ));
        }
        Some(sealer) => sealer.sealed_len(),
        None => stamp.len,
    };
    let region = session.bucket_region(&request.bucket).await?;
    let client = session.client_for(&region);
    // Ciphertext says nothing of the file's type.
    let content_type = match &request.encrypt {
        Some(_) => "application/octet-stream".to_owned(),
        None => content_type_for(path),
    };

    let mut key = request.key.clone();
    let mut copies = 0;
    // Keep both: "name (1).ext", "name (2).ext", … up to a sane limit.
    let mut next_copy = |key: &mut String| {
        copies += 1;
        if copies > 1000 {
            return Err(S3Error::plain(
                ErrorKind::AlreadyExists,
                format!(
                    "More than 1000 copies of {} exist: choose another name.",
                    request.key
                ),
            ));
        }
        *key = numbered_key(&request.key, copies);
        Ok(())
    };
    // Overwrite only when asked to; otherwise let the server refuse a key that appeared
    // meanwhile (If-None-Match: *).
    let conditional = request.collision != Collision::Replace;
    if conditional && !honours_if_none_match(session, &client, &request.bucket).await {
        on_progress(UploadProgress::Warning(format!(
            "this server ignores If-None-Match, so it cannot refuse a name taken in the same moment: S3 Share looks again right before storing, but if someone else stores s3://{}/{} at that instant, one upload can replace the other (AWS S3 and MinIO refuse it).",
            request.bucket, request.key
        )));
    }
    loop {
        if conditional && exists(session, &client, &request.bucket, &key).await? {
            match request.collision {
                Collision::Ask => return Ok(UploadOutcome::Exists { key }),
                Collision::Skip => return Ok(UploadOutcome::Skipped { key }),
                Collision::KeepBoth => {
                    next_copy(&mut key)?;
                    continue;
                }
                Collision::Replace => {}
            }
        }
        let put = Put {
            session,
            client: &client,
            request,
            key: &key,
            stamp,
            len,
            content_type: &content_type,
            conditional,
            cancel,
            on_progress,
        };
        let attempt = if len <= request.part_size.max(S3_MIN_PART_SIZE) {
            put.single().await
        } else {
            put.multipart().await
        };
        match attempt {
            Err(Attempt::Taken) if request.collision == Collision::KeepBoth => next_copy(&mut key)?,
            Err(Attempt::Taken) => return Ok(UploadOutcome::Exists { key }),
            Err(Attempt::Failed(err)) => return Err(err),
            Ok(outcome) => return Ok(outcome),
        }
    }
}

/// What S3 accepts as a key for one object, checked before anything is written.
pub fn check_destination_key(key: &str) -> Result<(), S3Error> {
    crate::share::key::check_file_key(key).map_err(|e| S3Error::bad_input(e.to_string()))
}

/// Size and modification time of a file when its upload began: if either differs at the
/// end, what was sent is not the file, and the upload is undone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FileStamp {
    pub(super) len: u64,
    modified: Option<std::time::SystemTime>,
}

impl FileStamp {
    fn of(meta: &std::fs::Metadata) -> FileStamp {
        FileStamp {
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }

    /// Fails with a local-file error when the file is not as it was.
    pub(super) async fn check_unchanged(&self, path: &Path) -> Result<(), S3Error> {
        let now = tokio::fs::metadata(path).await.map(|m| FileStamp::of(&m));
        match now {
            Ok(now) if now == *self => Ok(()),
            Ok(_) => Err(S3Error::plain(
                ErrorKind::LocalFile,
                format!(
                    "{} changed while it was being uploaded; nothing was kept. Upload it again once it is complete.",
                    path.display()
                ),
            )),
            Err(e) => Err(S3Error::plain(
                ErrorKind::LocalFile,
                format!(
                    "{} could not be read any more during the upload ({e}); nothing was kept.",
                    path.display()
                ),
            )),
        }
    }
}

/// Files up to this size are read whole before anything is written, to be sure they hold
/// what their size says.
const READ_AHEAD_CHECK: u64 = 1024 * 1024;

/// Before the first write: the file can be opened and read (no permission, a file that
/// vanished), and a small one holds exactly as many bytes as its size says (/proc and /sys
/// files claim 0 or 4,096 bytes and hold something else). Said as a local file problem,
/// never as the network's.
async fn check_readable(path: &Path, len: u64) -> Result<(), S3Error> {
    use tokio::io::AsyncReadExt;
    let cannot_read = |e: std::io::Error| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "Cannot read the file {}: {e}. Check that you may read it.",
                path.display()
            ),
        )
    };
    let file = tokio::fs::File::open(path).await.map_err(cannot_read)?;
    let want = if len <= READ_AHEAD_CHECK { len + 1 } else { 1 };
    let mut held = Vec::new();
    file.take(want)
        .read_to_end(&mut held)
        .await
        .map_err(cannot_read)?;
    let held = held.len() as u64;
    let fits = if len <= READ_AHEAD_CHECK {
        held == len
    } else {
        held == 1
    };
    if fits {
        return Ok(());
    }
    let holds = if held > len {
        "more".to_owned()
    } else {
        format!("{held}")
    };
    Err(S3Error::plain(
        ErrorKind::LocalFile,
        format!(
            "{} reports a size of {len} bytes but holds {holds} (a /proc, /sys or other special file): it is not uploaded. Copy it to a regular file first.",
            path.display()
        ),
    ))
}

/// Whether the server refuses a conditional write to a taken key (`If-None-Match: *` ->
/// 412), found once per bucket with a probe object under `.s3share/probes/` (written,
/// written again conditionally, deleted). Unknown (no permission there) counts as yes: the
/// warning is only given when the server is seen to ignore it.
async fn honours_if_none_match(
    session: &Session,
    client: &aws_sdk_s3::Client,
    bucket: &str,
) -> bool {
    if let Some(known) = session.conditional_writes(bucket) {
        return known;
    }
    let key = format!(
        "{}probes/{}",
        crate::s3::OWN_FOLDER,
        uuid::Uuid::new_v4().simple()
    );
    let put = |conditional: bool| {
        let mut put = client
            .put_object()
            .bucket(bucket)
            .key(&key)
            .body(aws_sdk_s3::primitives::ByteStream::from_static(b"probe"));
        if conditional {
            put = put.if_none_match("*");
        }
        put.customize().config_override(put::sent_once()).send()
    };
    if put(false).await.is_err() {
        return true;
    }
    let honoured = match put(true).await {
        Ok(_) => false,
        Err(err) => put::is_precondition_failed(&err),
    };
    let _ = client.delete_object().bucket(bucket).key(&key).send().await;
    session.set_conditional_writes(bucket, honoured);
    honoured
}

pub(in crate::s3) async fn exists(
    session: &Session,
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
) -> Result<bool, S3Error> {
    match client.head_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(true),
        Err(SdkError::ServiceError(ctx)) if ctx.raw().status().as_u16() == 404 => Ok(false),
        Err(err) => Err(S3Error::from_sdk(
            &err,
            &session.doing("checking whether the name is free", Some(bucket), Some(key)),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An encrypted upload laid out for one length refuses a file that now has another,
    /// before any request (the endpoint here would refuse every connection).
    #[tokio::test]
    async fn an_encrypted_upload_refuses_a_file_whose_size_changed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("growing.log");
        std::fs::write(&path, b"ten bytes!").unwrap();
        let session = Session::with_static_keys("p", "http://127.0.0.1:9", "us-east-1", "a", "b");
        let mut request = UploadRequest::new(&path, "b", "k", Collision::Ask);
        request.encrypt = Some(crate::share::ece::Sealer::new(&[1; 16], [2; 16], 9));
        let err = upload_file(&session, &request, &CancellationToken::new(), &|_| {})
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::LocalFile, "{err:?}");
        assert!(err.message.contains("changed size"), "{}", err.message);
    }

    #[test]
    fn part_size_grows_so_no_file_needs_more_than_ten_thousand_parts() {
        assert_eq!(part_size_for(100 * MIB, DEFAULT_PART_SIZE), 8 * MIB);
        let five_tib = 5 * 1024 * 1024 * MIB;
        let size = part_size_for(five_tib, DEFAULT_PART_SIZE);
        assert!(five_tib.div_ceil(size) <= MAX_PARTS);
        assert_eq!(size % MIB, 0);
    }

    #[test]
    fn numbered_keys_keep_folder_and_extension() {
        assert_eq!(numbered_key("a/b/report.pdf", 1), "a/b/report (1).pdf");
        assert_eq!(numbered_key("notes", 2), "notes (2)");
        assert_eq!(numbered_key("dir.v2/.env", 3), "dir.v2/.env (3)");
        assert_eq!(numbered_key("archive.tar.gz", 1), "archive.tar (1).gz");
    }

    #[test]
    fn content_type_follows_the_extension() {
        assert_eq!(content_type_for(Path::new("a.pdf")), "application/pdf");
        assert_eq!(content_type_for(Path::new("a.csv")), "text/csv");
        assert_eq!(
            content_type_for(Path::new("noext")),
            "application/octet-stream"
        );
    }
}
