//! Revocable links end to end: the real binary against a real S3 server (in-process, or
//! rclone serve s3 in CI), each link opened with a plain HTTP client and no credentials.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

#[cfg(unix)]
use common::cli::stopped_by;
use common::cli::{profile_command, run, s3share, text, write_profile};
use common::{Bed, bed, http_get, local_bed};
use testbed::{LocalS3Options, Refusals};

/// Random-looking bytes (a copy that dropped or reordered anything would differ).
fn bytes(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Every key under `.s3share/` of `bucket`, as the server stores it.
async fn stored_copies(bed: &Bed, bucket: &str) -> Vec<String> {
    bed.own_objects(bucket)
        .await
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// `history --json --all` rows.
async fn history(dir: &Path) -> Vec<serde_json::Value> {
    let out = s3share(dir, &["history", "--json", "--all"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The id of the history row whose link is `url` (matched by the redacted URL's path).
async fn id_of(dir: &Path, url: &str) -> String {
    let path = url.split('?').next().unwrap();
    let rows = history(dir).await;
    let row = rows
        .iter()
        .find(|r| r["url"].as_str().unwrap().starts_with(path))
        .unwrap_or_else(|| panic!("no history row for {path}: {rows:?}"));
    row["id"].as_str().unwrap().to_owned()
}

async fn link(dir: &Path, args: &[&str]) -> String {
    let out = s3share(dir, args).await;
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_link_stops_at_once_while_the_file_and_other_links_work() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke").await;
    let body = bytes(1024 * 1024, 7);
    bed.put(&bucket, "reports/Q3 final.pdf", &body).await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let uri = format!("s3://{bucket}/reports/Q3 final.pdf");

    let out = s3share(
        dir.path(),
        &["link", &uri, "--revocable", "--expires", "2h"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("keeps a 1.0 MiB copy for 2 h"),
        "the cost is said: {stderr}"
    );
    let revocable = text(&out.stdout).trim().to_owned();
    assert!(revocable.contains("/.s3share/links/"), "{revocable}");
    assert!(revocable.contains("Q3%20final.pdf"), "keeps the file name");
    let normal = link(dir.path(), &["link", &uri]).await;

    let opened = http_get(&revocable).await;
    assert_eq!(opened.status, 200);
    assert!(opened.body == body, "the copy serves the exact bytes");
    assert_eq!(stored_copies(&bed, &bucket).await.len(), 1);

    let rows = history(dir.path()).await;
    let row = rows
        .iter()
        .find(|r| r["revocable"] == true)
        .expect("a revocable row");
    assert_eq!(
        row["key"], "reports/Q3 final.pdf",
        "the row names the file shared"
    );
    assert_eq!(
        rows.iter().filter(|r| r["revocable"] == false).count(),
        1,
        "the normal link is not revocable: {rows:?}"
    );
    let id = id_of(dir.path(), &revocable).await;

    let started = Instant::now();
    let out = s3share(dir.path(), &["revoke", &id]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no longer opens"));
    let after = http_get(&revocable).await;
    assert!(
        matches!(after.status, 403 | 404),
        "revoked link answers {}",
        after.status
    );
    // One command: sign in, delete, try the link (a process start included).
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        http_get(&normal).await.status,
        200,
        "other links still open"
    );
    let original = bed
        .client()
        .get_object()
        .bucket(&bucket)
        .key("reports/Q3 final.pdf")
        .send()
        .await
        .unwrap();
    assert!(original.body.collect().await.unwrap().into_bytes() == body);
    assert!(
        stored_copies(&bed, &bucket).await.is_empty(),
        "the copy is gone from the server"
    );
    let rows = history(dir.path()).await;
    let row = rows.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert!(
        row["status"].as_str().unwrap().starts_with("revoked"),
        "{row}"
    );

    // Again: said, not an error; a normal link cannot be revoked, and says why.
    let again = s3share(dir.path(), &["revoke", &id]).await;
    assert!(again.status.success());
    assert!(text(&again.stderr).contains("already revoked"));
    let normal_id = id_of(dir.path(), &normal).await;
    let refused = s3share(dir.path(), &["revoke", &normal_id]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("not revocable"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_ended_deletes_exactly_the_copies_of_ended_links() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke-ended").await;
    bed.put(&bucket, "a.txt", b"short-lived").await;
    bed.put(&bucket, "b.txt", b"long-lived").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let short = link(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/a.txt"),
            "--revocable",
            "--expires",
            "3s",
        ],
    )
    .await;
    let long = link(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/b.txt"),
            "--revocable",
            "--expires",
            "1h",
        ],
    )
    .await;
    assert_eq!(stored_copies(&bed, &bucket).await.len(), 2);
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_ne!(http_get(&short).await.status, 200, "the short link ended");

    let out = s3share(dir.path(), &["revoke", "--ended"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("deleted 1 copy"),
        "{}",
        text(&out.stderr)
    );
    let left = stored_copies(&bed, &bucket).await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with("/b.txt"));
    assert_eq!(
        http_get(&long).await.status,
        200,
        "the live link still opens"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_can_be_shared_revocably_and_own_copies_stay_out_of_folder_links() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke-upload").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let file = dir.path().join("notes.txt");
    std::fs::write(&file, b"uploaded, then shared revocably").unwrap();
    let url = link(
        dir.path(),
        &[
            "upload",
            file.to_str().unwrap(),
            &format!("s3://{bucket}/in/"),
            "--revocable",
        ],
    )
    .await;
    assert!(url.contains("/.s3share/links/"), "{url}");
    assert_eq!(
        http_get(&url).await.body,
        b"uploaded, then shared revocably"
    );
    // The copy is S3 Share's, not one of the person's files.
    let listed = link(
        dir.path(),
        &["link", &format!("s3://{bucket}/"), "--recursive"],
    )
    .await;
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.starts_with("in/notes.txt\t"), "{listed}");
    let ls = s3share(dir.path(), &["ls", &format!("s3://{bucket}/")]).await;
    assert!(
        !text(&ls.stdout).contains(".s3share"),
        "{}",
        text(&ls.stdout)
    );
}

/// A run of revocable links (a folder): a copy each, each link opening its own file, in
/// the folder's order; revoking one stops that one only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_folder_of_revocable_links_gives_each_file_its_own_copy() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke-many").await;
    for i in 0..20 {
        bed.put(
            &bucket,
            &format!("d/f{i:02}.txt"),
            format!("file {i}").as_bytes(),
        )
        .await;
    }
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let folder = format!("s3://{bucket}/d/");
    let out = link(dir.path(), &["link", &folder, "--recursive", "--revocable"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 20, "{out}");
    let mut urls = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let (name, url) = line.split_once('\t').unwrap();
        assert_eq!(name, format!("d/f{i:02}.txt"));
        assert!(url.contains("/.s3share/links/"), "{url}");
        assert_eq!(http_get(url).await.body, format!("file {i}").as_bytes());
        urls.push(url.to_owned());
    }
    let copies = stored_copies(&bed, &bucket).await;
    assert_eq!(
        copies.iter().filter(|k| !k.ends_with("/.probe")).count(),
        20,
        "{copies:?}"
    );
    let id = id_of(dir.path(), &urls[3]).await;
    let out = s3share(dir.path(), &["revoke", &id]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let revoked = http_get(&urls[3]).await.status;
    assert!(matches!(revoked, 403 | 404), "{revoked}");
    assert_eq!(http_get(&urls[4]).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_in_parts_is_byte_exact_or_refused_with_nothing_left() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke-parts").await;
    // S3 takes parts of 5 MiB and more (but the last): three parts.
    let body = bytes(11 * 1024 * 1024 + 123, 11);
    bed.put(&bucket, "big.bin", &body).await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let mut cmd = profile_command(dir.path(), &[]);
    cmd.env("S3SHARE_COPY_PART_SIZE", (5 * 1024 * 1024).to_string());
    let out = run(
        cmd,
        &["link", &format!("s3://{bucket}/big.bin"), "--revocable"],
    )
    .await;
    let stderr = text(&out.stderr);
    if out.status.success() {
        let url = text(&out.stdout).trim().to_owned();
        assert!(
            stderr.contains("copied 5.0 MiB of 11.0 MiB"),
            "progress: {stderr}"
        );
        let opened = http_get(&url).await;
        assert!(opened.body == body, "a copy in 3 parts is byte-exact");
    } else {
        // rclone serve s3 answers UploadPartCopy without copying: the check catches it.
        assert!(
            bed.external,
            "the in-process server copies in parts: {stderr}"
        );
        assert!(
            stderr.contains("did not copy") && stderr.contains("in parts"),
            "{stderr}"
        );
        assert!(text(&out.stdout).is_empty());
        assert!(stored_copies(&bed, &bucket).await.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_copy_leaves_nothing_and_a_denied_delete_is_not_called_revoked() {
    let bed = local_bed(LocalS3Options::default()).await;
    let server = bed.server.as_ref().unwrap();
    let bucket = bed.bucket("revoke-denied").await;
    bed.put(&bucket, "plan.txt", b"the plan").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let uri = format!("s3://{bucket}/plan.txt");

    // A bucket policy that denies copies: said before any link, nothing kept, no fallback.
    server.refuse(Refusals {
        copies_into: vec![bucket.clone()],
        ..Refusals::default()
    });
    let out = s3share(dir.path(), &["link", &uri, "--revocable"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).is_empty(),
        "no link, not even a normal one"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("s3:PutObject on .s3share/links/"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{stderr}"
    );
    assert!(stored_copies(&bed, &bucket).await.is_empty());

    // Deleting under .s3share/links/ denied: said before copying (the permission named).
    server.refuse(Refusals {
        deletes_under: vec![format!("{bucket}/.s3share/links/")],
        ..Refusals::default()
    });
    let out = s3share(dir.path(), &["link", &uri, "--revocable"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stdout).is_empty());
    assert!(
        text(&out.stderr).contains("s3:DeleteObject"),
        "{}",
        text(&out.stderr)
    );
    let probe_only = stored_copies(&bed, &bucket).await;
    assert!(
        probe_only.iter().all(|k| k.ends_with("/.probe")),
        "nothing but the empty test object is left: {probe_only:?}"
    );

    // The same for a run of revocable links (the permissions asked once for the run):
    // every file refused with the permission named, no copy made.
    bed.put(&bucket, "notes.txt", b"the notes").await;
    let folder = format!("s3://{bucket}/");
    let out = s3share(dir.path(), &["link", &folder, "--recursive", "--revocable"]).await;
    assert!(!out.status.success());
    assert!(text(&out.stdout).is_empty(), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("s3:DeleteObject"), "{stderr}");
    for name in ["plan.txt", "notes.txt"] {
        assert!(stderr.contains(name), "{name} named: {stderr}");
    }
    let probe_only = stored_copies(&bed, &bucket).await;
    assert!(
        probe_only.iter().all(|k| k.ends_with("/.probe")),
        "no copy made: {probe_only:?}"
    );

    // A link made while deletes were allowed, then a revoke the server refuses.
    server.refuse(Refusals::default());
    let url = link(dir.path(), &["link", &uri, "--revocable"]).await;
    let id = id_of(dir.path(), &url).await;
    server.refuse(Refusals {
        deletes_under: vec![format!("{bucket}/.s3share/links/")],
        ..Refusals::default()
    });
    let out = s3share(dir.path(), &["revoke", &id]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("s3:DeleteObject"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(http_get(&url).await.status, 200, "the link still works");
    let rows = history(dir.path()).await;
    let row = rows.iter().find(|r| r["id"] == id.as_str()).unwrap();
    assert!(
        !row["status"].as_str().unwrap().contains("revoked"),
        "not marked revoked: {row}"
    );
}

/// Ctrl+C (or SIGTERM) during a copy in parts: the multipart upload is aborted, no copy is
/// kept, no link printed, exit 130.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_copy_leaves_nothing_behind() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["slowcopy".into()],
        part_delay: Some(Duration::from_millis(1500)),
        ..LocalS3Options::default()
    })
    .await;
    bed.put("slowcopy", "big.bin", &bytes(11 * 1024 * 1024, 3))
        .await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    for signal in ["INT", "TERM"] {
        let mut cmd = profile_command(dir.path(), &[]);
        cmd.env("S3SHARE_COPY_PART_SIZE", (5 * 1024 * 1024).to_string())
            .args(["link", "s3://slowcopy/big.bin", "--revocable"]);
        // The first part copy is on its way (each is answered after 1.5 s).
        let out = stopped_by(cmd, signal, Duration::from_millis(900)).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {stderr}");
        assert!(
            stderr.contains("making a copy"),
            "the copy had begun: {stderr}"
        );
        assert!(out.stdout.is_empty());
        assert!(stored_copies(&bed, "slowcopy").await.is_empty());
        // s3s-fs has no ListMultipartUploads: an unfinished upload is its parts
        // (`.upload_id-<id>.part-<n>`) and metadata (`….upload-<id>.metadata.json`) beside
        // the bucket directories.
        let root = bed.server.as_ref().unwrap().root();
        let leftovers: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".upload_id-") || n.contains(".upload-"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "SIG{signal}: parts left: {leftovers:?}"
        );
    }
}

/// The lifecycle rule is added, or the server's lack of it is said; never an error for a
/// server that simply does not keep rules, and never a rule claimed that is not there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lifecycle_rule_is_added_or_its_absence_said() {
    let bed = bed().await;
    let bucket = bed.bucket("revoke-rule").await;
    let rule = bed.session.expire_link_copies(&bucket, 8).await.unwrap();
    let said = format!("{rule:?}");
    let kept = bed
        .client()
        .get_bucket_lifecycle_configuration()
        .bucket(&bucket)
        .send()
        .await
        .ok()
        .is_some_and(|c| {
            c.rules()
                .iter()
                .any(|r| r.id() == Some("s3share-link-copies"))
        });
    if kept {
        assert_eq!(said, "Added");
        let again = bed.session.expire_link_copies(&bucket, 8).await.unwrap();
        assert_eq!(format!("{again:?}"), "AlreadyThere");
    } else {
        assert!(said.starts_with("NotSupported"), "{said}");
        assert!(said.contains("next runs against this bucket"), "{said}");
    }
}

/// A key holding ESC, a tab and a newline: the revocable link works, nothing of the key
/// reaches the terminal raw, and revoking it works (its copy's name carries no control
/// characters, so nothing that lists copies trips over them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_with_control_characters_is_shared_and_revoked() {
    let bed = local_bed(LocalS3Options::default()).await;
    let bucket = bed.bucket("revoke-esc").await;
    let key = "d/evil\u{1b}[31mred\ttab\nline.txt";
    bed.put(&bucket, key, b"odd name").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let out = s3share(
        dir.path(),
        &["link", &format!("s3://{bucket}/{key}"), "--revocable"],
    )
    .await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\t'),
        "{stderr:?}"
    );
    let url = text(&out.stdout).trim().to_owned();
    assert_eq!(http_get(&url).await.body, b"odd name");
    let history = s3share(dir.path(), &["history"]).await;
    assert!(
        text(&history.stdout).contains("evil\\x1b[31mred\\ttab\\nline.txt"),
        "{}",
        text(&history.stdout)
    );
    let id = id_of(dir.path(), &url).await;
    let out = s3share(dir.path(), &["revoke", &id]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains('\u{1b}'));
    assert!(matches!(http_get(&url).await.status, 403 | 404));
}
