//! Uploads against real S3 servers: bytes round-trip through a link, collisions never
//! overwrite silently, cancel and a vanished server leave nothing behind.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{bed, http_get, local_bed};
use s3share::ShareOptions;
use s3share::upload::{
    Collision, S3_MIN_PART_SIZE, UploadOutcome, UploadProgress, UploadRequest, upload_file,
};
use testbed::LocalS3Options;
use tokio_util::sync::CancellationToken;

fn file_of(dir: &std::path::Path, name: &str, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let bytes: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
    let path = dir.join(name);
    std::fs::write(&path, &bytes).unwrap();
    (path, bytes)
}

async fn download(bed: &common::Bed, bucket: &str, key: &str) -> Vec<u8> {
    let link = bed
        .session
        .share_link(bucket, key, &ShareOptions::default())
        .await
        .unwrap();
    let response = http_get(link.url.expose()).await;
    assert_eq!(response.status, 200, "{key}");
    response.body
}

fn small_parts(mut request: UploadRequest) -> UploadRequest {
    request.part_size = S3_MIN_PART_SIZE;
    request
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_small_and_multipart_files_round_trip_exactly() {
    let bed = bed().await;
    let bucket = bed.bucket("up").await;
    let dir = tempfile::tempdir().unwrap();
    for (name, len) in [
        ("empty.bin", 0),
        ("small file.txt", 1234),
        ("big.bin", 12 * 1024 * 1024 + 7),
    ] {
        let (path, bytes) = file_of(dir.path(), name, len);
        let key = format!("in/{name}");
        let started = Arc::new(Mutex::new(Vec::new()));
        let seen = started.clone();
        let outcome = upload_file(
            &bed.session,
            &small_parts(UploadRequest::new(&path, &bucket, &key, Collision::Ask)),
            &CancellationToken::new(),
            &move |p| seen.lock().unwrap().push(p),
        )
        .await
        .unwrap();
        assert_eq!(
            outcome,
            UploadOutcome::Uploaded {
                key: key.clone(),
                size: len as u64
            }
        );
        // A warning (a server that ignores If-None-Match) may come before the start.
        let events: Vec<_> = started
            .lock()
            .unwrap()
            .iter()
            .filter(|e| !matches!(e, UploadProgress::Warning(_)))
            .cloned()
            .collect();
        let multipart = matches!(
            events.first(),
            Some(UploadProgress::Started {
                upload_id: Some(_),
                ..
            })
        );
        assert_eq!(multipart, len > S3_MIN_PART_SIZE as usize, "{name}");
        assert_eq!(
            events.last(),
            Some(&UploadProgress::Bytes(len as u64)),
            "{name}"
        );
        let got = download(&bed, &bucket, &key).await;
        assert!(
            got == bytes,
            "{name}: {} bytes back, {} sent",
            got.len(),
            bytes.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_name_is_never_overwritten_without_being_asked() {
    let bed = bed().await;
    let bucket = bed.bucket("collide").await;
    let dir = tempfile::tempdir().unwrap();
    bed.put(&bucket, "report.pdf", b"original").await;
    let (path, _) = file_of(dir.path(), "report.pdf", 10);
    std::fs::write(&path, b"new version").unwrap();
    let run = |collision| {
        let request = UploadRequest::new(&path, &bucket, "report.pdf", collision);
        let session = bed.session.clone();
        async move {
            upload_file(&session, &request, &CancellationToken::new(), &|_| {})
                .await
                .unwrap()
        }
    };

    assert_eq!(
        run(Collision::Ask).await,
        UploadOutcome::Exists {
            key: "report.pdf".into()
        }
    );
    assert_eq!(
        run(Collision::Skip).await,
        UploadOutcome::Skipped {
            key: "report.pdf".into()
        }
    );
    assert_eq!(download(&bed, &bucket, "report.pdf").await, b"original");

    assert_eq!(
        run(Collision::KeepBoth).await,
        UploadOutcome::Uploaded {
            key: "report (1).pdf".into(),
            size: 11
        }
    );
    assert_eq!(
        run(Collision::KeepBoth).await,
        UploadOutcome::Uploaded {
            key: "report (2).pdf".into(),
            size: 11
        }
    );
    assert_eq!(download(&bed, &bucket, "report.pdf").await, b"original");
    assert_eq!(
        download(&bed, &bucket, "report (1).pdf").await,
        b"new version"
    );

    assert_eq!(
        run(Collision::Replace).await,
        UploadOutcome::Uploaded {
            key: "report.pdf".into(),
            size: 11
        }
    );
    assert_eq!(download(&bed, &bucket, "report.pdf").await, b"new version");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_and_missing_files_are_refused_with_a_message() {
    let bed = bed().await;
    let bucket = bed.bucket("refuse").await;
    let dir = tempfile::tempdir().unwrap();
    let folder = upload_file(
        &bed.session,
        &UploadRequest::new(dir.path(), &bucket, "x", Collision::Ask),
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(folder.message.contains("is a folder"), "{}", folder.message);
    let missing = upload_file(
        &bed.session,
        &UploadRequest::new(dir.path().join("nope.txt"), &bucket, "x", Collision::Ask),
        &CancellationToken::new(),
        &|_| {},
    )
    .await
    .unwrap_err();
    assert!(
        missing.message.contains("Cannot read the file"),
        "{}",
        missing.message
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_halfway_leaves_no_object_and_no_unfinished_upload() {
    let bed = bed().await;
    let bucket = bed.bucket("cancel").await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = file_of(dir.path(), "big.bin", 25 * 1024 * 1024);
    let mut request = small_parts(UploadRequest::new(
        &path,
        &bucket,
        "big.bin",
        Collision::Ask,
    ));
    request.concurrency = 1;
    let cancel = CancellationToken::new();
    let upload_id = Arc::new(Mutex::new(None));
    let (id_seen, stop) = (upload_id.clone(), cancel.clone());
    let outcome = upload_file(&bed.session, &request, &cancel, &move |p| match p {
        UploadProgress::Started { upload_id, .. } => *id_seen.lock().unwrap() = upload_id,
        // Cancel once the first part is in: halfway through.
        UploadProgress::Bytes(_) => stop.cancel(),
        UploadProgress::Warning(_) => {}
    })
    .await
    .unwrap();
    assert_eq!(outcome, UploadOutcome::Cancelled);
    let upload_id = upload_id
        .lock()
        .unwrap()
        .clone()
        .expect("a multipart upload began");

    let head = bed
        .client()
        .head_object()
        .bucket(&bucket)
        .key("big.bin")
        .send()
        .await;
    assert!(head.is_err(), "no object was stored");
    let parts = bed
        .client()
        .list_parts()
        .bucket(&bucket)
        .key("big.bin")
        .upload_id(&upload_id)
        .send()
        .await;
    // AWS and rclone answer NoSuchUpload; s3s-fs lists an aborted upload as having no parts.
    match parts {
        Err(_) => {}
        Ok(out) => assert!(out.parts().is_empty(), "parts remain after abort: {out:?}"),
    }
    if let Some(server) = &bed.server {
        let leftovers: Vec<_> = std::fs::read_dir(server.root())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(&upload_id))
            .collect();
        assert!(leftovers.is_empty(), "parts left on disk: {leftovers:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_goes_away_mid_upload_is_an_error_not_a_hang() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["gone".into()],
        ..LocalS3Options::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = file_of(dir.path(), "big.bin", 25 * 1024 * 1024);
    let mut request = small_parts(UploadRequest::new(&path, "gone", "big.bin", Collision::Ask));
    request.concurrency = 1;
    let server = bed.server.as_ref().unwrap();
    let stopped = std::sync::atomic::AtomicBool::new(false);
    let result = tokio::time::timeout(
        Duration::from_secs(120),
        upload_file(&bed.session, &request, &CancellationToken::new(), &|p| {
            if matches!(p, UploadProgress::Bytes(_))
                && !stopped.swap(true, std::sync::atomic::Ordering::SeqCst)
            {
                server.stop();
            }
        }),
    )
    .await
    .expect("the upload gave up instead of hanging");
    let err = result.unwrap_err();
    assert_eq!(err.kind, s3share::ErrorKind::Network, "{err:?}");
    assert!(!server.root().join("gone").join("big.bin").exists());
}

/// A pipe, or a file that claims to be empty but is not, never becomes an empty object.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipes_and_special_files_are_refused_not_stored_empty() {
    let bed = bed().await;
    let bucket = bed.bucket("special").await;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let request = UploadRequest::new(&fifo, &bucket, "pipe", Collision::Ask);
    let err = upload_file(&bed.session, &request, &CancellationToken::new(), &|_| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind, s3share::ErrorKind::LocalFile);
    assert!(
        err.message.contains("not a regular file"),
        "{}",
        err.message
    );

    let proc_file = std::path::Path::new("/proc/self/status");
    if proc_file.exists() {
        let request = UploadRequest::new(proc_file, &bucket, "status", Collision::Ask);
        let err = upload_file(&bed.session, &request, &CancellationToken::new(), &|_| {})
            .await
            .unwrap_err();
        assert!(
            err.message.contains("reports a size of 0 bytes"),
            "{}",
            err.message
        );
    }
    // A /sys file claims 4,096 bytes and holds fewer: a local file problem, not the network.
    let sys_file = std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled");
    let sys_file = if sys_file.exists() {
        Some(sys_file)
    } else {
        std::fs::read_dir("/sys/class/net")
            .ok()
            .and_then(|mut d| d.next())
            .and_then(|e| e.ok())
            .map(|e| e.path().join("address"))
            .filter(|p| p.exists())
            .map(|p| Box::leak(p.into_boxed_path()) as &std::path::Path)
    };
    if let Some(sys_file) = sys_file {
        let request = UploadRequest::new(sys_file, &bucket, "sys", Collision::Ask);
        let err = upload_file(&bed.session, &request, &CancellationToken::new(), &|_| {})
            .await
            .unwrap_err();
        assert_eq!(err.kind, s3share::ErrorKind::LocalFile, "{}", err.message);
        assert!(
            err.message.contains("reports a size of 4096 bytes"),
            "{}",
            err.message
        );
    }
    // A file this user may not read: said as such before anything is written.
    let locked = dir.path().join("locked.txt");
    std::fs::write(&locked, b"secret").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_err() {
        // (root reads anything: then there is nothing to check)
        let request = UploadRequest::new(&locked, &bucket, "locked", Collision::Ask);
        let err = upload_file(&bed.session, &request, &CancellationToken::new(), &|_| {})
            .await
            .unwrap_err();
        assert_eq!(err.kind, s3share::ErrorKind::LocalFile, "{}", err.message);
        assert!(
            err.message.contains("Cannot read the file"),
            "{}",
            err.message
        );
    }
    for key in ["pipe", "status", "sys", "locked"] {
        let head = bed
            .client()
            .head_object()
            .bucket(&bucket)
            .key(key)
            .send()
            .await;
        assert!(head.is_err(), "{key} was stored");
    }
}

/// A file that grows while it is sent: what was stored would not be the file, so nothing
/// is kept (single PUT: removed again; multipart: aborted before completing).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_changes_during_the_upload_is_not_kept() {
    let bed = bed().await;
    let bucket = bed.bucket("changing").await;
    let dir = tempfile::tempdir().unwrap();
    for (name, len) in [("small.log", 1000), ("big.log", 12 * 1024 * 1024)] {
        let (path, _) = file_of(dir.path(), name, len);
        let mut request = small_parts(UploadRequest::new(&path, &bucket, name, Collision::Ask));
        request.concurrency = 1;
        let grow = path.clone();
        let err = upload_file(
            &bed.session,
            &request,
            &CancellationToken::new(),
            &move |p| {
                if let UploadProgress::Started { .. } = p {
                    use std::io::Write;
                    let mut file = std::fs::OpenOptions::new()
                        .append(true)
                        .open(&grow)
                        .unwrap();
                    file.write_all(b"appended while uploading").unwrap();
                }
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind, s3share::ErrorKind::LocalFile, "{name}: {err:?}");
        assert!(
            err.message.contains("changed while it was being uploaded"),
            "{}",
            err.message
        );
        let head = bed
            .client()
            .head_object()
            .bucket(&bucket)
            .key(name)
            .send()
            .await;
        assert!(
            head.is_err(),
            "{name}: an object that is not the file was kept"
        );
    }
}

/// Faults on the way (503 SlowDown, a connection cut in the middle of a part) are retried:
/// the object is byte for byte the file, and no part is lost or doubled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_downs_and_cut_connections_are_retried_without_losing_a_byte() {
    use common::fault_proxy::{Fault, FaultProxy};
    let bed = bed().await;
    let bucket = bed.bucket("faults").await;
    let dir = tempfile::tempdir().unwrap();
    let (path, bytes) = file_of(dir.path(), "data.bin", 12 * 1024 * 1024);
    for (name, fault) in [
        (
            "slowdown.bin",
            Fault::SlowDown {
                matching: "partNumber=2".into(),
                times: 2,
            },
        ),
        (
            "dropped.bin",
            Fault::DropMidBody {
                matching: "partNumber=1".into(),
                times: 1,
            },
        ),
    ] {
        let proxy = FaultProxy::start(&bed.endpoint, fault).await;
        let through = s3share::Session::with_static_keys(
            "faults",
            &proxy.endpoint,
            common::REGION,
            &bed.access_key,
            &bed.secret_key,
        );
        let mut request = small_parts(UploadRequest::new(&path, &bucket, name, Collision::Ask));
        request.concurrency = 1;
        let outcome = upload_file(&through, &request, &CancellationToken::new(), &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(matches!(outcome, UploadOutcome::Uploaded { .. }), "{name}");
        assert!(
            proxy.injected.load(std::sync::atomic::Ordering::SeqCst) > 0,
            "{name}: no fault was injected"
        );
        let link = bed
            .session
            .share_link(&bucket, name, &ShareOptions::default())
            .await
            .unwrap();
        assert_eq!(http_get(link.url.expose()).await.body, bytes, "{name}");
    }
}

/// Two uploads of different files to the same free key at the same moment: exactly one is
/// stored, the other is told the name is taken, and the stored object is the winner's file
/// byte for byte (single PUT and multipart). On the in-process server (its conditional
/// writes take turns); `rclone serve s3` ignores If-None-Match, which the README says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_uploads_racing_for_one_free_key_store_exactly_one() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["race".into()],
        ..LocalS3Options::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    for (key, len) in [("small.bin", 1000usize), ("large.bin", 12 * 1024 * 1024)] {
        let mut contents = Vec::new();
        let mut uploads = Vec::new();
        for who in [b'a', b'b'] {
            let path = dir.path().join(format!("{who}-{key}"));
            let body = vec![who; len];
            std::fs::write(&path, &body).unwrap();
            contents.push(body);
            let request = UploadRequest::new(&path, "race", key, Collision::Ask);
            let session = bed.session.clone();
            uploads.push(tokio::spawn(async move {
                upload_file(&session, &request, &CancellationToken::new(), &|_| {}).await
            }));
        }
        let mut stored = 0;
        let mut taken = 0;
        for upload in uploads {
            match upload.await.unwrap().unwrap() {
                UploadOutcome::Uploaded { .. } => stored += 1,
                UploadOutcome::Exists { .. } => taken += 1,
                other => panic!("{key}: {other:?}"),
            }
        }
        assert_eq!((stored, taken), (1, 1), "{key}");
        let object = bed
            .client()
            .get_object()
            .bucket("race")
            .key(key)
            .send()
            .await
            .unwrap()
            .body
            .collect()
            .await
            .unwrap()
            .into_bytes();
        assert!(contents.iter().any(|c| c[..] == object[..]), "{key}: a mix");
    }
}
