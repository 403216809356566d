//! Encrypted share end to end: the real binary against a real S3 server (in-process, or
//! rclone serve s3 in CI). `upload --encrypt` stores only ciphertext and a page; `fetch`, with
//! no AWS credentials, gives back the exact bytes or nothing at all.

mod common;

use std::path::Path;

use common::cli::{isolated_command, run, s3share, text, write_profile};
use common::{Bed, bed, http_get};

/// Random-looking bytes with a marker every 64 KiB: the marker must not reach the server.
fn plaintext(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    let mut out: Vec<u8> = (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    for at in (0..len.saturating_sub(32)).step_by(65_536) {
        out[at..at + 24].copy_from_slice(b"PLAINTEXT-MARKER-0123456");
    }
    out
}

/// Every key under `.s3share/` of `bucket`.
async fn stored(bed: &Bed, bucket: &str) -> Vec<(String, i64)> {
    bed.own_objects(bucket).await
}

async fn object(bed: &Bed, bucket: &str, key: &str) -> Vec<u8> {
    let got = bed
        .client()
        .get_object()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap();
    got.body.collect().await.unwrap().into_bytes().to_vec()
}

/// `s3share fetch` with no AWS profile at all (a colleague's machine).
async fn fetch(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = isolated_command(dir, &[]);
    cmd.current_dir(dir);
    run(cmd, &[&["fetch"], args].concat()).await
}

/// A bed, a bucket named after `prefix`, and a home with profile "share" on it.
async fn setup(prefix: &str) -> (Bed, String, tempfile::TempDir) {
    let bed = bed().await;
    let bucket = bed.bucket(prefix).await;
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), &bed);
    (bed, bucket, home)
}

/// `body` written as `name` in `home`, shared encrypted into `bucket` (with `extra`
/// arguments); the link printed.
async fn share_file(home: &Path, bucket: &str, name: &str, body: &[u8], extra: &[&str]) -> String {
    let file = home.join(name);
    std::fs::write(&file, body).unwrap();
    let uri = format!("s3://{bucket}/");
    let args = [
        &["upload", file.to_str().unwrap(), &uri, "--encrypt"],
        extra,
    ]
    .concat();
    let out = s3share(home, &args).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).trim().to_owned()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// What is left in `dir` besides the AWS files and the history.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            !matches!(
                n.as_str(),
                "config" | "credentials" | "history.json" | "history.json.lock"
            )
        })
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_encrypted_upload_comes_back_byte_exact_and_the_bucket_holds_only_ciphertext() {
    let (bed, bucket, home) = setup("encrypted").await;
    // Above the 8 MiB part size: a multipart upload whose parts are encrypted one by one.
    let body = plaintext(9 * 1024 * 1024 + 12_345, 3);
    let file = home.path().join("Quarterly report & plan.pdf");
    std::fs::write(&file, &body).unwrap();

    let out = s3share(
        home.path(),
        &[
            "upload",
            file.to_str().unwrap(),
            &format!("s3://{bucket}/reports/"),
            "--encrypt",
            "--expires",
            "2h",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_owned();
    let (page_url, fragment) = link.split_once('#').expect("the key is in the fragment");
    assert!(fragment.starts_with("k="), "{fragment}");
    assert!(
        fragment.contains("n=Quarterly%20report%20%26%20plan%2Epdf"),
        "{fragment}"
    );
    assert!(
        text(&out.stderr).contains("s3share revoke "),
        "{}",
        text(&out.stderr)
    );

    // The server holds a page and the ciphertext, under random keys that name nothing.
    let keys = stored(&bed, &bucket).await;
    assert_eq!(keys.len(), 2, "{keys:?}");
    let (data_key, data_size) = keys
        .iter()
        .find(|(k, _)| k.starts_with(".s3share/links/"))
        .cloned()
        .expect("the ciphertext");
    let (page_key, _) = keys
        .iter()
        .find(|(k, _)| k.starts_with(".s3share/pages/"))
        .cloned()
        .expect("the page");
    let records = body.len().div_ceil(65_519) as i64;
    assert_eq!(data_size, 37 + body.len() as i64 + 17 * records);
    let ciphertext = object(&bed, &bucket, &data_key).await;
    assert!(
        !contains(&ciphertext, b"PLAINTEXT-MARKER"),
        "only ciphertext is stored"
    );
    assert!(!contains(&ciphertext, &body[1000..1064]));
    let page = text(&object(&bed, &bucket, &page_key).await);
    assert!(
        !page.contains("Quarterly"),
        "the page does not name the file"
    );
    assert!(
        !page.contains(fragment.split('&').next().unwrap()),
        "nor hold the key"
    );

    // The page opens as a colleague would open it: HTML with a strict policy.
    let opened = http_get(page_url).await;
    assert_eq!(opened.status, 200);
    assert!(text(&opened.body).contains("default-src 'none'"));

    // fetch, with no credentials: the exact bytes under the link's name.
    let colleague = tempfile::tempdir().unwrap();
    let got = fetch(colleague.path(), &[&link]).await;
    assert!(got.status.success(), "{}", text(&got.stderr));
    let saved = colleague.path().join("Quarterly report & plan.pdf");
    assert!(std::fs::read(&saved).unwrap() == body, "byte-exact");
    // Fetching again never overwrites.
    std::fs::write(&saved, b"mine").unwrap();
    let again = fetch(colleague.path(), &[&link]).await;
    assert_eq!(again.status.code(), Some(2), "{}", text(&again.stderr));
    assert!(text(&again.stderr).contains("already exists"));
    assert_eq!(std::fs::read(&saved).unwrap(), b"mine");

    // Revoking deletes the ciphertext and the page: the link stops at once.
    let history = s3share(home.path(), &["history", "--json", "--all"]).await;
    let row: serde_json::Value = serde_json::from_str(
        text(&history.stdout)
            .lines()
            .next()
            .expect("one history row"),
    )
    .unwrap();
    assert!(
        !text(&history.stdout).contains(fragment),
        "history --json hides the key"
    );
    let id = row["id"].as_str().unwrap();
    let revoked = s3share(home.path(), &["revoke", id]).await;
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    assert!(stored(&bed, &bucket).await.is_empty(), "nothing is left");
    let late = tempfile::tempdir().unwrap();
    let refused = fetch(late.path(), &[&link, "-o", "late.pdf"]).await;
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("ended or was taken back"),
        "{}",
        text(&refused.stderr)
    );
    assert!(
        files_in(late.path()).is_empty(),
        "nothing written: {:?}",
        files_in(late.path())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_changed_ciphertext_is_refused_and_nothing_is_written() {
    let (bed, bucket, home) = setup("tampered").await;
    let body = plaintext(200_000, 5);
    let link = share_file(home.path(), &bucket, "notes.txt", &body, &[]).await;
    let (data_key, _) = stored(&bed, &bucket)
        .await
        .into_iter()
        .find(|(k, _)| k.starts_with(".s3share/links/"))
        .unwrap();
    let mut ciphertext = object(&bed, &bucket, &data_key).await;
    ciphertext[150_000] ^= 0x01;
    bed.put(&bucket, &data_key, &ciphertext).await;

    let colleague = tempfile::tempdir().unwrap();
    let got = fetch(colleague.path(), &[&link]).await;
    assert_eq!(got.status.code(), Some(2), "{}", text(&got.stderr));
    let said = text(&got.stderr);
    assert!(said.contains("changed after it was encrypted"), "{said}");
    assert!(said.contains("Nothing was kept"), "{said}");
    assert!(
        files_in(colleague.path()).is_empty(),
        "{:?}",
        files_in(colleague.path())
    );

    // Cut off after its second record: refused as cut off, nothing written.
    ciphertext[150_000] ^= 0x01;
    bed.put(&bucket, &data_key, &ciphertext[..37 + 2 * 65_536])
        .await;
    let got = fetch(colleague.path(), &[&link]).await;
    assert_eq!(got.status.code(), Some(2), "{}", text(&got.stderr));
    assert!(
        text(&got.stderr).contains("cut off"),
        "{}",
        text(&got.stderr)
    );
    assert!(files_in(colleague.path()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_passphrase_link_needs_the_right_passphrase() {
    let (bed, bucket, home) = setup("passphrase").await;
    let body = plaintext(70_000, 9);
    let file = home.path().join("plan.txt");
    std::fs::write(&file, &body).unwrap();
    let pass = home.path().join("pass.txt");
    std::fs::write(&pass, "correct horse battery\n").unwrap();
    let short = home.path().join("short.txt");
    std::fs::write(&short, "abc\n").unwrap();

    // A short passphrase is refused before anything is written.
    let out = s3share(
        home.path(),
        &[
            "upload",
            file.to_str().unwrap(),
            &format!("s3://{bucket}/"),
            "--encrypt",
            "--passphrase-file",
            short.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("too short"));
    assert!(stored(&bed, &bucket).await.is_empty());

    let pass_arg = ["--passphrase-file", pass.to_str().unwrap()];
    let link = share_file(home.path(), &bucket, "plan.txt", &body, &pass_arg).await;
    let fragment = link.split_once('#').unwrap().1;
    assert!(
        fragment.starts_with("s=") && fragment.contains("&i=600000"),
        "{fragment}"
    );
    assert!(
        !fragment.contains("k="),
        "no key in a passphrase link: {fragment}"
    );

    let colleague = tempfile::tempdir().unwrap();
    let none = fetch(colleague.path(), &[&link]).await;
    assert_eq!(none.status.code(), Some(2));
    assert!(
        text(&none.stderr).contains("passphrase"),
        "{}",
        text(&none.stderr)
    );
    let wrong = colleague.path().join("wrong.txt");
    std::fs::write(&wrong, "incorrect horse battery").unwrap();
    let got = fetch(
        colleague.path(),
        &[&link, "--passphrase-file", wrong.to_str().unwrap()],
    )
    .await;
    assert_eq!(got.status.code(), Some(2), "{}", text(&got.stderr));
    assert!(
        text(&got.stderr).contains("Check the passphrase"),
        "{}",
        text(&got.stderr)
    );
    assert_eq!(files_in(colleague.path()), ["wrong.txt"]);
    let right = colleague.path().join("right.txt");
    std::fs::write(&right, "correct horse battery").unwrap();
    let got = fetch(
        colleague.path(),
        &[&link, "--passphrase-file", right.to_str().unwrap()],
    )
    .await;
    assert!(got.status.success(), "{}", text(&got.stderr));
    assert!(std::fs::read(colleague.path().join("plan.txt")).unwrap() == body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_file_and_a_file_of_exactly_one_record_round_trip() {
    let (_bed, bucket, home) = setup("records").await;
    for (name, len) in [("empty.bin", 0), ("one.bin", 65_519), ("two.bin", 65_520)] {
        let body = plaintext(len, len as u64);
        let link = share_file(home.path(), &bucket, name, &body, &[]).await;
        let colleague = tempfile::tempdir().unwrap();
        let got = fetch(colleague.path(), &[&link, "-o", "out.bin"]).await;
        assert!(got.status.success(), "{name}: {}", text(&got.stderr));
        assert!(
            std::fs::read(colleague.path().join("out.bin")).unwrap() == body,
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_already_in_the_bucket_is_shared_encrypted_a_part_at_a_time() {
    let (bed, bucket, home) = setup("in-bucket").await;
    // Two ciphertext parts of 8 MiB and a short third.
    let body = plaintext(17 * 1024 * 1024, 11);
    bed.put(&bucket, "videos/demo.mp4", &body).await;

    let folder = s3share(
        home.path(),
        &["link", &format!("s3://{bucket}/videos/"), "--encrypt"],
    )
    .await;
    assert_eq!(folder.status.code(), Some(2), "{}", text(&folder.stderr));
    assert!(text(&folder.stderr).contains("is not one object"));

    let out = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/videos/demo.mp4"),
            "--encrypt",
            "--expires",
            "30m",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let link = text(&out.stdout).trim().to_owned();
    assert!(
        link.contains("#k=") && link.contains("&n=demo%2Emp4&t=video%2Fmp4"),
        "{link}"
    );
    let keys = stored(&bed, &bucket).await;
    let (data_key, _) = keys
        .iter()
        .find(|(k, _)| k.starts_with(".s3share/links/"))
        .cloned()
        .unwrap();
    let ciphertext = object(&bed, &bucket, &data_key).await;
    assert!(!contains(&ciphertext, b"PLAINTEXT-MARKER"));
    assert!(
        object(&bed, &bucket, "videos/demo.mp4").await == body,
        "the object is untouched"
    );

    let colleague = tempfile::tempdir().unwrap();
    let got = fetch(colleague.path(), &[&link]).await;
    assert!(got.status.success(), "{}", text(&got.stderr));
    assert!(std::fs::read(colleague.path().join("demo.mp4")).unwrap() == body);
}
