//! `s3share` end to end: the real binary, a temporary AWS config with an endpoint_url
//! profile, a real S3 server, and a plain HTTP client for the links it prints.

mod common;

use std::process::Output;

use common::cli::{
    isolated_command, profile_command, run, s3share, s3share_with_clock, stopped_by, text,
    write_profile,
};
use common::{bed, http_get, http_put};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_prints_only_a_working_url_on_stdout() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-link").await;
    bed.put(&bucket, "reports/Q3 final.pdf", b"%PDF-1.7 pretend")
        .await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);

    let out = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/reports/Q3 final.pdf"),
            "--expires",
            "2h30m",
            "--filename",
            "Bericht März.pdf",
        ],
    )
    .await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "stdout is the link alone: {stdout}");
    assert!(lines[0].contains("X-Amz-Expires=9000"));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("expires "), "{stderr}");
    assert!(
        stderr.contains("(in 2 h 29 min)") || stderr.contains("(in 2 h 30 min)"),
        "{stderr}"
    );

    let response = http_get(lines[0]).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"%PDF-1.7 pretend");
    assert!(
        response
            .content_disposition
            .unwrap()
            .ends_with("filename*=UTF-8''Bericht%20M%C3%A4rz.pdf")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_missing_objects_exit_non_zero_with_one_line() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-bad").await;
    bed.put(&bucket, "there.txt", b"x").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);

    let too_long = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/there.txt"),
            "--expires",
            "8d",
        ],
    )
    .await;
    assert_eq!(too_long.status.code(), Some(2));
    assert!(text(&too_long.stderr).contains("1 second to 7 days"));
    assert!(too_long.stdout.is_empty());

    let missing = s3share(
        dir.path(),
        &["link", &format!("s3://{bucket}/not-there.txt")],
    )
    .await;
    assert_eq!(missing.status.code(), Some(1));
    let stderr = text(&missing.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: There is no object at"),
        "{stderr}"
    );
    assert!(missing.stdout.is_empty());

    let folder = s3share(dir.path(), &["link", &format!("s3://{bucket}/")]).await;
    assert_eq!(folder.status.code(), Some(2));
    assert!(text(&folder.stderr).contains("No object is named"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_lists_buckets_folders_and_objects() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-ls").await;
    bed.put(&bucket, "a/one.txt", b"1").await;
    bed.put(&bucket, "two.txt", b"22").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);

    let buckets = s3share(dir.path(), &["ls"]).await;
    assert!(buckets.status.success(), "{}", text(&buckets.stderr));
    assert!(text(&buckets.stdout).lines().any(|l| l == bucket));

    let listing = s3share(dir.path(), &["ls", &format!("s3://{bucket}/")]).await;
    assert!(listing.status.success(), "{}", text(&listing.stderr));
    let stdout = text(&listing.stdout);
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("PRE a/")),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|l| l.ends_with(" 2 two.txt")),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_link_accepts_a_plain_put_with_its_content_type() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-up").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);

    let out = s3share(
        dir.path(),
        &[
            "upload-link",
            &format!("s3://{bucket}/inbox/scan.pdf"),
            "--content-type",
            "application/pdf",
            "--expires",
            "15m",
        ],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert!(
        text(&out.stderr)
            .contains("curl --fail --upload-file FILE -H 'Content-Type: application/pdf'")
    );
    assert_eq!(
        http_put(&url, Some("application/pdf"), b"%PDF scan").await,
        200
    );
    let check = s3share(
        dir.path(),
        &["link", &format!("s3://{bucket}/inbox/scan.pdf")],
    )
    .await;
    assert!(check.status.success());
    assert_eq!(
        http_get(text(&check.stdout).trim()).await.body,
        b"%PDF scan"
    );
    assert!(!text(&out.stderr).contains("already exists"));

    // A second upload link for the same key says the colleague's file would replace it.
    let again = s3share(
        dir.path(),
        &["upload-link", &format!("s3://{bucket}/inbox/scan.pdf")],
    )
    .await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("already exists: a file sent through this link replaces it"),
        "{}",
        text(&again.stderr)
    );
    // A content type that could break the printed command is refused before signing.
    let quoted = s3share(
        dir.path(),
        &[
            "upload-link",
            &format!("s3://{bucket}/inbox/x.pdf"),
            "--content-type",
            "text/plain'; rm -rf ~; echo '",
        ],
    )
    .await;
    assert_eq!(quoted.status.code(), Some(2), "{}", text(&quoted.stderr));
    assert!(quoted.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_without_credentials_says_how_to_add_them() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile share]\nregion = eu-west-1\nendpoint_url = http://127.0.0.1:9\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("credentials"), "").unwrap();
    let out = s3share(dir.path(), &["ls"]).await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("No AWS credentials were found for profile share"),
        "{stderr}"
    );
    assert!(stderr.contains("aws configure"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_prints_a_working_link_and_never_overwrites_without_replace() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-upload").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let file = dir.path().join("Angebot 2026.pdf");
    std::fs::write(&file, b"first").unwrap();
    let file_arg = file.to_str().unwrap();
    let target = format!("s3://{bucket}/offers/");

    let out = s3share(
        dir.path(),
        &["upload", file_arg, &target, "--expires", "10m"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert!(url.contains("/offers/Angebot%202026.pdf?"), "{url}");
    assert_eq!(http_get(&url).await.body, b"first");

    std::fs::write(&file, b"second").unwrap();
    let again = s3share(dir.path(), &["upload", file_arg, &target]).await;
    assert_eq!(again.status.code(), Some(2));
    // Said before the upload: rclone serve s3 ignores If-None-Match, the test server refuses.
    assert_eq!(
        text(&out.stderr).contains("ignores If-None-Match"),
        bed.external,
        "{}",
        text(&out.stderr)
    );
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    assert!(again.stdout.is_empty());
    assert_eq!(http_get(&url).await.body, b"first", "not overwritten");

    let replaced = s3share(dir.path(), &["upload", file_arg, &target, "--replace"]).await;
    assert!(replaced.status.success(), "{}", text(&replaced.stderr));
    assert_eq!(
        http_get(text(&replaced.stdout).trim()).await.body,
        b"second"
    );
}

/// A link the server refuses is never printed: the reason on stderr, exit 1, stdout empty.
/// `--no-check` prints it unchecked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_the_server_refuses_is_not_printed() {
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["vpc-only".into()],
        link_denied_buckets: vec!["vpc-only".into()],
        ..testbed::LocalS3Options::default()
    })
    .await;
    bed.put("vpc-only", "plan.txt", b"plan").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let out = s3share(dir.path(), &["link", "s3://vpc-only/plan.txt"]).await;
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("bucket policy"), "{stderr}");

    let unchecked = s3share(
        dir.path(),
        &["link", "s3://vpc-only/plan.txt", "--no-check"],
    )
    .await;
    assert!(unchecked.status.success(), "{}", text(&unchecked.stderr));
    assert!(text(&unchecked.stdout).contains("X-Amz-Signature="));
}

/// The real binary with its clock a day behind and 20 minutes ahead (libfaketime): the
/// link it prints opens now and lives as long as it says, or it prints none and names
/// the clock. A dead link with exit 0 is the failure this guards against.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_local_clock_never_yields_a_dead_link() {
    if which("faketime").is_none() {
        assert!(
            std::env::var_os("S3SHARE_REQUIRE_FAKETIME").is_none(),
            "faketime is required here (Debian package faketime)"
        );
        eprintln!("skipped: faketime is not installed (apt-get install faketime)");
        return;
    }
    let bed = bed().await;
    let bucket = bed.bucket("cli-clock").await;
    bed.put(&bucket, "t.txt", b"on time").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    for offset in ["-1d", "+20m"] {
        let out = s3share_with_clock(
            dir.path(),
            offset,
            &["link", &format!("s3://{bucket}/t.txt"), "--expires", "1h"],
        )
        .await;
        let stderr = text(&out.stderr);
        if out.status.success() {
            let url = text(&out.stdout).trim().to_owned();
            let response = http_get(&url).await;
            assert_eq!(response.status, 200, "{offset}: {stderr}");
            assert_eq!(response.body, b"on time");
            assert!(
                stderr.contains("(in 59:") || stderr.contains("(in 1 h 00 min)"),
                "{offset}: {stderr}"
            );
            assert!(
                stderr.contains("Your clock is"),
                "{offset} says so: {stderr}"
            );
        } else {
            assert!(out.stdout.is_empty(), "{offset}");
            assert!(stderr.contains("clock"), "{offset}: {stderr}");
        }
    }
}

/// `rclone serve s3` answers HEAD from a directory cache: a file removed behind its back
/// still "exists" while GET fails. The self-test catches it (CI: S3SHARE_TEST_DATA_DIR
/// is the directory rclone serves).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_only_a_stale_cache_remembers_gets_no_link() {
    let Some(data) = std::env::var_os("S3SHARE_TEST_DATA_DIR") else {
        eprintln!("skipped: needs S3SHARE_TEST_DATA_DIR (the directory rclone serve s3 serves)");
        return;
    };
    let bed = bed().await;
    let bucket = bed.bucket("cli-stale").await;
    bed.put(&bucket, "ghost.txt", b"boo").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let uri = format!("s3://{bucket}/ghost.txt");
    let first = s3share(dir.path(), &["link", &uri]).await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    std::fs::remove_file(std::path::Path::new(&data).join(&bucket).join("ghost.txt")).unwrap();
    let again = s3share(dir.path(), &["link", &uri]).await;
    let stderr = text(&again.stderr);
    assert!(
        again.stdout.is_empty(),
        "a dead link was printed; stderr: {stderr}"
    );
    assert_ne!(again.status.code(), Some(0), "{stderr}");
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

/// Keys exported into the environment (`aws configure export-credentials --format env`,
/// aws-vault) end at AWS_CREDENTIAL_EXPIRATION: the link's end and warning say so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn environment_keys_end_at_aws_credential_expiration() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-envexp").await;
    bed.put(&bucket, "e.txt", b"env").await;
    let dir = tempfile::tempdir().unwrap();
    let ends = chrono::Utc::now() + chrono::Duration::minutes(30);
    let (endpoint, access, secret) = (
        bed.endpoint.clone(),
        bed.access_key.clone(),
        bed.secret_key.clone(),
    );
    let uri = format!("s3://{bucket}/e.txt");
    let out = tokio::task::spawn_blocking(move || {
        let mut cmd = assert_cmd::Command::cargo_bin("s3share").unwrap();
        cmd.env("S3SHARE_HISTORY_FILE", dir.path().join("history.json"))
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", access)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_CREDENTIAL_EXPIRATION", ends.to_rfc3339())
            .args(["link", &uri, "--expires", "7d"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("(in 29:") || stderr.contains("(in 30:"),
        "the link ends with the keys, not in 7 days: {stderr}"
    );
    assert!(stderr.contains("stops working then"), "{stderr}");
    assert_eq!(http_get(text(&out.stdout).trim()).await.status, 200);
}

/// SIGTERM (what `timeout`, systemd and logout send), SIGHUP and Ctrl+C stop an upload
/// halfway: the multipart upload is aborted, nothing is left on the server, exit 130.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_upload_leaves_nothing_behind_whatever_stops_it() {
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["slow".into()],
        part_delay: Some(std::time::Duration::from_millis(1500)),
        ..testbed::LocalS3Options::default()
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let file = dir.path().join("video.bin");
    std::fs::write(&file, vec![7u8; 20 * 1024 * 1024]).unwrap();
    for signal in ["TERM", "HUP", "INT"] {
        let mut cmd = profile_command(dir.path(), &[]);
        cmd.arg("upload").arg(&file).args([
            "s3://slow/",
            "--part-size-mib",
            "5",
            "--parallel",
            "1",
        ]);
        // The first part is on its way (each takes 1.5 s to be answered).
        let out = stopped_by(cmd, signal, std::time::Duration::from_millis(900)).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(130), "SIG{signal}: {stderr}");
        assert!(stderr.contains("Cancelled"), "SIG{signal}: {stderr}");
        assert!(out.stdout.is_empty());
        let head = bed
            .client()
            .head_object()
            .bucket("slow")
            .key("video.bin")
            .send()
            .await;
        assert!(head.is_err(), "SIG{signal}: an object was stored");
        // s3s-fs has no ListMultipartUploads: its unfinished uploads are files beside the
        // bucket directories, so an empty root (but for the bucket) means none is left.
        if let Some(server) = &bed.server {
            let leftovers: Vec<_> = std::fs::read_dir(server.root())
                .unwrap()
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name() != "slow")
                // s3s-fs keeps the metadata files of a deleted object: those of S3 Share's
                // If-None-Match probe (key .s3share/probes/…, "LnMzc2hhcmUv" in base64) are
                // not parts of an upload.
                .filter(|e| !e.file_name().to_string_lossy().contains("LnMzc2hhcmUv"))
                .map(|e| e.file_name())
                .collect();
            assert!(
                leftovers.is_empty(),
                "SIG{signal}: parts left: {leftovers:?}"
            );
        }
    }
}

/// Every input is checked before the first byte is written: a bad download filename
/// stores nothing (and a retry is not told the name is taken).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_filename_is_refused_before_anything_is_uploaded() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-prevalidate").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let file = dir.path().join("invoice.pdf");
    std::fs::write(&file, b"%PDF").unwrap();
    let path = file.to_string_lossy().into_owned();
    let target = format!("s3://{bucket}/");
    for bad in ["a\nb.pdf", "invoice\u{202e}fdp.exe", ".."] {
        let out = s3share(dir.path(), &["upload", &path, &target, "--filename", bad]).await;
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stderr).lines().count(),
            1,
            "{}",
            text(&out.stderr)
        );
    }
    let head = bed
        .client()
        .head_object()
        .bucket(&bucket)
        .key("invoice.pdf")
        .send()
        .await;
    assert!(head.is_err(), "nothing was stored");
    let good = s3share(
        dir.path(),
        &["upload", &path, &target, "--filename", "Rechnung.pdf"],
    )
    .await;
    assert!(good.status.success(), "{}", text(&good.stderr));
}

/// Wrong input gets one line that names what is wrong and the right form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_arguments_get_one_line_that_names_the_right_form() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-forms").await;
    bed.put(&bucket, "k.txt", b"k").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["link".into(), format!("s3:/{bucket}/k.txt")],
            "s3://bucket/key",
        ),
        (
            vec!["link".into(), format!("S3://{bucket}/k.txt")],
            "s3://bucket/key",
        ),
        (
            vec![
                "link".into(),
                format!("https://{bucket}.s3.amazonaws.com/k.txt"),
            ],
            "s3://bucket/key",
        ),
        (
            vec![
                "link".into(),
                format!("s3://{bucket}/k.txt"),
                "--expires".into(),
                "1M".into(),
            ],
            "ambiguous",
        ),
        (
            vec![
                "link".into(),
                format!("s3://{bucket}/k.txt"),
                "--expires".into(),
                "8d".into(),
            ],
            "7 days",
        ),
        (
            vec![
                "--region".into(),
                "not a region!".into(),
                "link".into(),
                format!("s3://{bucket}/k.txt"),
            ],
            "not a region name",
        ),
        (vec!["link".into()], "s3share --help"),
        (
            vec![
                "--demo".into(),
                "link".into(),
                format!("s3://{bucket}/k.txt"),
            ],
            "leave out --demo",
        ),
        (
            vec!["--open".into(), format!("s3://{bucket}/"), "ls".into()],
            "leave out --open",
        ),
        (
            vec![
                "link".into(),
                format!("s3://{bucket}/k.txt"),
                "--filename".into(),
                "x".repeat(120 * 1024),
            ],
            "at most 255",
        ),
    ];
    for (args, says) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = s3share(dir.path(), &args).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let empty = run(isolated_command(dir.path(), &[]), &["--profile", "", "ls"]).await;
    assert_eq!(empty.status.code(), Some(2));
    assert!(
        text(&empty.stderr).contains("--profile is empty"),
        "{}",
        text(&empty.stderr)
    );
}

/// Keys the server does not accept are named as such, for links and for upload links.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_the_server_does_not_accept_are_named_as_such() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-badkeys").await;
    bed.put(&bucket, "k.txt", b"k").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[share]\naws_access_key_id = {}\naws_secret_access_key = {}-wrong\n",
            bed.access_key, bed.secret_key
        ),
    )
    .unwrap();
    for args in [
        vec!["link".to_owned(), format!("s3://{bucket}/k.txt")],
        vec!["upload-link".to_owned(), format!("s3://{bucket}/in.txt")],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = s3share(dir.path(), &args).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("does not accept the keys"),
            "{args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// RUST_LOG=trace shows what happens, never a secret key, session token or signature.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_log_level_prints_a_secret() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-secrets").await;
    bed.put(&bucket, "k.txt", b"k").await;
    let dir = tempfile::tempdir().unwrap();
    let token = "SESSIONTOKENSHOULDNEVERBELOGGED";
    let (endpoint, access, secret) = (
        bed.endpoint.clone(),
        bed.access_key.clone(),
        bed.secret_key.clone(),
    );
    let uri = format!("s3://{bucket}/k.txt");
    let out = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::cargo_bin("s3share")
            .unwrap()
            .env("S3SHARE_HISTORY_FILE", dir.path().join("history.json"))
            .env_remove("AWS_PROFILE")
            .env("AWS_CONFIG_FILE", dir.path().join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", access)
            .env("AWS_SECRET_ACCESS_KEY", &secret)
            .env("AWS_SESSION_TOKEN", token)
            .env("RUST_LOG", "trace")
            .args(["link", &uri, "--no-check"])
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&out.stderr);
    let url = text(&out.stdout);
    let signature = url
        .split("X-Amz-Signature=")
        .nth(1)
        .unwrap_or("none")
        .trim();
    assert!(stderr.lines().count() > 5, "trace logging is on: {stderr}");
    for secret_text in [bed.secret_key.as_str(), token, signature] {
        assert!(!stderr.contains(secret_text), "{secret_text} in the log");
    }
}

/// A server that accepts connections and never answers: the run ends with a message
/// instead of hanging (S3SHARE_TIMEOUT_SECS shortens the wait for the test).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_is_an_error_not_a_hang() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(8).flatten() {
            open.push(stream); // accepted, never answered
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!("[profile share]\nregion = us-east-1\nendpoint_url = {endpoint}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        "[share]\naws_access_key_id = AKSTALL\naws_secret_access_key = stall-secret-0123456789\n",
    )
    .unwrap();
    let started = std::time::Instant::now();
    let dir_path = dir.path().to_owned();
    let out = tokio::task::spawn_blocking(move || {
        assert_cmd::Command::cargo_bin("s3share")
            .unwrap()
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_ACCESS_KEY_ID")
            .env("AWS_CONFIG_FILE", dir_path.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", dir_path.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("S3SHARE_TIMEOUT_SECS", "2")
            .args(["--profile", "share", "link", "s3://b/k.txt"])
            .timeout(std::time::Duration::from_secs(120))
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // One attempt of the 2 s asked for, said as what it is (no retries multiply it).
    assert!(stderr.contains("did not answer within 2 s"), "{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "took {:?}",
        started.elapsed()
    );
    drop(held);
}

/// A credential_process that never returns ends in a message that names what hung.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_process_that_never_returns_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile share]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\ncredential_process = sleep 20\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("credentials"), "").unwrap();
    let mut cmd = profile_command(dir.path(), &[]);
    cmd.env("S3SHARE_TIMEOUT_SECS", "2");
    let out = run(cmd, &["link", "s3://b/k.txt"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("did not arrive within 4 s"), "{stderr}");
    assert!(stderr.contains("credential_process"), "{stderr}");
}

/// Each way a link can fail its self-test, end to end through the CLI: its own sentence on
/// stderr, exit 1, nothing on stdout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_self_test_failure_gets_its_own_sentence() {
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["vpc-only".into(), "docs".into()],
        link_denied_buckets: vec!["vpc-only".into()],
        kms_denied_objects: vec!["docs/payroll.csv".into()],
        stale_objects: vec!["docs/ghost.txt".into()],
        ..testbed::LocalS3Options::default()
    })
    .await;
    bed.put("vpc-only", "plan.txt", b"plan").await;
    bed.put("docs", "payroll.csv", b"a,b").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    for (uri, says) in [
        ("s3://vpc-only/plan.txt", "A bucket policy"),
        ("s3://docs/payroll.csv", "KMS key"),
        ("s3://docs/ghost.txt", "the server failed (HTTP 500"),
    ] {
        let out = s3share(dir.path(), &["link", uri]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{uri}: {stderr}");
        assert!(out.stdout.is_empty(), "{uri}");
        assert_eq!(stderr.lines().count(), 1, "{uri}: {stderr}");
        assert!(stderr.contains(says), "{uri}: {stderr}");
    }
}

/// `--qr` prints the link as a QR code on stderr that a real decoder reads back exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_qr_code_of_a_link_reads_back_as_the_link() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-qr").await;
    bed.put(&bucket, "Quartalsbericht März.pdf", b"%PDF").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let uri = format!("s3://{bucket}/Quartalsbericht März.pdf");
    let out = s3share(
        dir.path(),
        &["link", &uri, "--qr", "--filename", "Bericht.pdf"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert_eq!(common::qr::decode_terminal(&text(&out.stderr)), url);
}

/// Links made on the command line enter the history; `s3share history` lists them without
/// their signatures unless asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_lists_links_made_here_without_their_signatures() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-history").await;
    bed.put(&bucket, "a.txt", b"a").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let made = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/a.txt"),
            "--filename",
            "A.txt",
        ],
    )
    .await;
    assert!(made.status.success(), "{}", text(&made.stderr));
    let url = text(&made.stdout).trim().to_owned();
    let listed = s3share(dir.path(), &["history"]).await;
    let stdout = text(&listed.stdout);
    assert!(stdout.contains(&format!("{bucket}/a.txt")), "{stdout}");
    assert!(stdout.contains("works (checked"), "{stdout}");
    assert!(!stdout.contains("X-Amz-Signature"), "{stdout}");
    let shown = s3share(dir.path(), &["history", "--json", "--show-urls"]).await;
    let row: serde_json::Value =
        serde_json::from_str(text(&shown.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(row["url"], url);
    assert_eq!(row["detail"], "A.txt");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("history.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

/// `--recursive` prints one tried link per object below the prefix, in the chosen format.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prefix_gives_one_working_link_per_object() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-many").await;
    for key in ["docs/a.txt", "docs/sub/b.txt", "other/c.txt"] {
        bed.put(&bucket, key, key.as_bytes()).await;
    }
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let out = s3share(
        dir.path(),
        &["link", &format!("s3://{bucket}/docs/"), "--recursive"],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for line in lines {
        let (key, url) = line.split_once('\t').unwrap();
        let response = http_get(url).await;
        assert_eq!(response.body, key.as_bytes(), "{key}");
    }
    let markdown = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/docs/"),
            "--recursive",
            "--format",
            "markdown",
        ],
    )
    .await;
    assert!(
        text(&markdown.stdout).starts_with("- [docs/a.txt]("),
        "{}",
        text(&markdown.stdout)
    );
}

/// Where the AWS CLI would send S3 requests, the link points too, and the credentials it
/// would use sign it: S3-specific endpoints (AWS_ENDPOINT_URL_S3, a `services` section),
/// `--profile` over keys left in the environment, AWS_DEFAULT_PROFILE.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_follow_the_aws_cli_rules_for_endpoints_and_credentials() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-cliwise").await;
    bed.put(&bucket, "k.txt", b"cli").await;
    let dir = tempfile::tempdir().unwrap();
    let keys = format!(
        "[share]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        bed.access_key, bed.secret_key
    );
    std::fs::write(dir.path().join("credentials"), &keys).unwrap();
    let uri = format!("s3://{bucket}/k.txt");
    let run_with = |config: String, env: Vec<(&'static str, String)>, args: Vec<String>| {
        let dir = dir.path().to_owned();
        async move {
            std::fs::write(dir.join("config"), config).unwrap();
            let mut cmd = isolated_command(&dir, &[]);
            cmd.envs(env).args(args);
            run(cmd, &[]).await
        }
    };
    let link_args = |profile: bool| {
        let mut args = Vec::new();
        if profile {
            args.extend(["--profile".to_owned(), "share".to_owned()]);
        }
        args.extend(["link".to_owned(), uri.clone()]);
        args
    };
    let good = |out: &Output| {
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_owned()
    };

    // AWS_ENDPOINT_URL_S3 wins over the profile's general endpoint_url (which is wrong).
    let wrong_general =
        "[profile share]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n".to_owned();
    let url = good(
        &run_with(
            wrong_general,
            vec![("AWS_ENDPOINT_URL_S3", bed.endpoint.clone())],
            link_args(true),
        )
        .await,
    );
    assert!(url.starts_with(&bed.endpoint), "{url}");
    assert_eq!(http_get(&url).await.body, b"cli");

    // A `services` section names S3's endpoint for the profile.
    let services = format!(
        "[profile share]\nregion = us-east-1\nservices = local\n\n[services local]\ns3 =\n  endpoint_url = {}\n",
        bed.endpoint
    );
    let url = good(&run_with(services.clone(), vec![], link_args(true)).await);
    assert!(url.starts_with(&bed.endpoint), "{url}");
    assert_eq!(http_get(&url).await.status, 200);

    // --profile beats keys left in the environment.
    let stale_env = vec![
        ("AWS_ACCESS_KEY_ID", "AKSTALEKEYFROMENV".to_owned()),
        (
            "AWS_SECRET_ACCESS_KEY",
            "stale-secret-from-the-environment".to_owned(),
        ),
    ];
    let url = good(&run_with(services.clone(), stale_env, link_args(true)).await);
    assert!(
        url.contains(&format!("X-Amz-Credential={}", bed.access_key)),
        "{url}"
    );
    assert_eq!(http_get(&url).await.status, 200);

    // AWS_DEFAULT_PROFILE names the profile when AWS_PROFILE does not.
    let url = good(
        &run_with(
            services,
            vec![("AWS_DEFAULT_PROFILE", "share".to_owned())],
            link_args(false),
        )
        .await,
    );
    assert_eq!(http_get(&url).await.status, 200);

    // addressing_style = virtual on an endpoint that is an IP address: the bucket stays in
    // the path (as the S3 endpoint rules say), and the link works.
    let virtual_style = |style: &str| {
        format!(
            "[profile share]\nregion = us-east-1\nendpoint_url = {}\ns3 =\n  addressing_style = {style}\n",
            bed.endpoint
        )
    };
    let url = good(&run_with(virtual_style("virtual"), vec![], link_args(true)).await);
    assert!(
        url.starts_with(&format!("{}/{bucket}/", bed.endpoint)),
        "{url}"
    );
    assert_eq!(http_get(&url).await.body, b"cli");
    // An unknown style is named, in one line, before anything is asked of the server.
    let out = run_with(virtual_style("sideways"), vec![], link_args(true)).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("addressing_style = sideways"), "{err}");
}

/// An SSO profile signs in as the AWS CLI does after `aws sso login`: the cached token is
/// exchanged at the SSO portal (the test bed's stand-in, through AWS_ENDPOINT_URL_SSO) for
/// role credentials, and the link lives no longer than they do. Before the login, the one
/// line names the command to run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sso_profile_signs_with_the_portals_role_credentials() {
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["sso-b".into()],
        sso: Some(std::time::Duration::from_secs(2 * 3600)),
        ..testbed::LocalS3Options::default()
    })
    .await;
    bed.put("sso-b", "s.txt", b"sso").await;
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso").join("cache")).unwrap();
    std::fs::write(
        aws.join("config"),
        format!(
            "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Dev\nregion = us-east-1\nendpoint_url = {}\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
            bed.endpoint
        ),
    )
    .unwrap();
    let link = || {
        // The files are where the AWS CLI looks under HOME; the SSO token cache is found
        // through HOME.
        let mut cmd = isolated_command(&aws, &[]);
        cmd.env("HOME", home.path())
            .env("AWS_ENDPOINT_URL_SSO", &bed.endpoint)
            .args([
                "--profile",
                "dev",
                "link",
                "s3://sso-b/s.txt",
                "--expires",
                "7d",
            ]);
        cmd
    };

    // Before `aws sso login`: no token in the cache.
    let out = run(link(), &[]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("aws sso login --profile dev"), "{err}");

    // After it: the token is cached under the SHA-1 of the session name.
    std::fs::write(
        aws.join("sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken":"token-from-login","expiresAt":"2099-01-01T00:00:00Z","region":"us-east-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .unwrap();
    let out = run(link(), &[]).await;
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    let url = text(&out.stdout).trim().to_owned();
    assert!(url.contains("X-Amz-Security-Token=testbed-sso"), "{url}");
    assert_eq!(http_get(&url).await.body, b"sso");
    // The 7 days asked for are cut to the role credentials' 2 hours, and said so.
    assert!(
        err.contains("in 2 h 00 min") || err.contains("in 1 h 59 min"),
        "{err}"
    );
    assert!(
        err.contains("SSO session of profile dev") && err.contains("not after 7 days"),
        "{err}"
    );
}

/// A role profile chosen with --profile assumes its role at STS (here the test bed's, named
/// by AWS_ENDPOINT_URL_STS) in the profile's region, and its links carry the role session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_profile_chosen_by_name_assumes_its_role() {
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["role-b".into()],
        sts: true,
        ..testbed::LocalS3Options::default()
    })
    .await;
    bed.put("role-b", "r.txt", b"role").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile share]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nregion = us-east-1\nendpoint_url = {}\n",
            bed.endpoint
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            bed.access_key, bed.secret_key
        ),
    )
    .unwrap();
    let mut cmd = profile_command(dir.path(), &[]);
    cmd.env("AWS_ENDPOINT_URL_STS", &bed.endpoint);
    let out = run(cmd, &["link", "s3://role-b/r.txt"]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let url = text(&out.stdout).trim().to_owned();
    assert!(
        url.contains("X-Amz-Security-Token=testbed-session-3600"),
        "{url}"
    );
    assert_eq!(http_get(&url).await.body, b"role");

    // STS out of reach: said in one line, not as "no credentials".
    let mut cmd = profile_command(dir.path(), &[]);
    cmd.env("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");
    let out = run(cmd, &["link", "s3://role-b/r.txt"]).await;
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("Could not reach the service that gives profile share its credentials"),
        "{err}"
    );
}

/// `s3share profiles` lists what the AWS CLI would, names with brackets and dots included,
/// and such a profile is usable by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_are_listed_and_odd_names_usable() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-profiles").await;
    bed.put(&bucket, "p.txt", b"p").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile work(prod).eu]\nregion = eu-west-1\nendpoint_url = {}\n\n[profile sso-one]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n",
            bed.endpoint
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        format!(
            "[work(prod).eu]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            bed.access_key, bed.secret_key
        ),
    )
    .unwrap();
    let mut cmd = profile_command(dir.path(), &[]);
    // `profile_command` names profile "share"; `profiles` ignores it.
    cmd.env("AWS_REGION", "us-east-1");
    let listed = run(cmd, &["profiles", "--json"]).await;
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let rows: Vec<serde_json::Value> = text(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let names: Vec<&str> = rows.iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(
        names.contains(&"work(prod).eu") && names.contains(&"sso-one"),
        "{names:?}"
    );
    let sso = rows.iter().find(|r| r["name"] == "sso-one").unwrap();
    assert_eq!(sso["signs_in_with"], "an SSO session");
    let mut link = isolated_command(dir.path(), &[]);
    link.args(["--profile", "work(prod).eu", "--region", "us-east-1"]);
    let out = run(link, &["link", &format!("s3://{bucket}/p.txt")]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(http_get(text(&out.stdout).trim()).await.status, 200);
}

/// A profile without a region: the instance metadata service is asked briefly (here it
/// accepts and never answers), quietly, and the region assumed is said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_without_a_region_says_which_one_was_assumed() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-noregion").await;
    bed.put(&bucket, "r.txt", b"r").await;
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let imds = format!("http://{}", silent.local_addr().unwrap());
    let held = std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in silent.incoming().take(4).flatten() {
            open.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    std::fs::write(
        dir.path().join("config"),
        format!("[profile share]\nendpoint_url = {}\n", bed.endpoint),
    )
    .unwrap();
    let mut cmd = profile_command(dir.path(), &[]);
    cmd.env_remove("AWS_EC2_METADATA_DISABLED")
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds);
    let out = run(cmd, &["link", &format!("s3://{bucket}/r.txt")]).await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("region us-east-1 assumed"), "{stderr}");
    assert!(!stderr.contains("WARN"), "quietly: {stderr}");
    assert_eq!(http_get(text(&out.stdout).trim()).await.status, 200);
    drop(held);
}

/// Each way a profile can be wrong ends in its own one-line cause, nothing else on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_credential_failure_names_its_cause_in_one_line() {
    let cases: Vec<(&str, &str, &str)> = vec![
        (
            "[profile other]\nregion = us-east-1\n",
            "nope",
            "no profile named nope",
        ),
        (
            "[profile p]\ncredential_process = sh -c \"echo token expired >&2; exit 3\"\n",
            "p",
            "failed (exit code 3): token expired",
        ),
        (
            "[profile p]\ncredential_process = echo garbage\n",
            "p",
            "not credentials JSON",
        ),
        (
            "[profile p]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = q\n[profile q]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = p\n",
            "p",
            "(a loop)",
        ),
        (
            "[profile p]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = missing\n",
            "p",
            "names source_profile missing, which does not exist",
        ),
        (
            "[profile p\nregion = us-east-1\n",
            "p",
            "line 1: \"[profile p\"",
        ),
    ];
    for (config, profile, says) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(dir.path().join("credentials"), "").unwrap();
        let mut cmd = isolated_command(dir.path(), &[]);
        cmd.args(["--profile", profile, "--region", "us-east-1"]);
        let out = run(cmd, &["ls"]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{says}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        assert!(stderr.contains(says), "{says}: {stderr}");
    }
}

/// An HTTPS server behind a company CA: with ca_bundle the profile lists, and its links are
/// tried (and open) over TLS; without it, the failure is a certificate problem naming the
/// host, not "could not reach the server".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_ca_is_trusted_through_ca_bundle() {
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "Example Company Root CA");
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &ca_cert, &ca_key)
        .unwrap();
    let bed = common::local_bed(testbed::LocalS3Options {
        buckets: vec!["secure".into()],
        tls: Some((leaf.pem(), leaf_key.serialize_pem())),
        ..testbed::LocalS3Options::default()
    })
    .await;
    assert!(bed.endpoint.starts_with("https://"));
    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("company-ca.pem");
    std::fs::write(&ca_file, ca_cert.pem()).unwrap();
    write_profile(dir.path(), &bed);
    let host = bed.endpoint.trim_start_matches("https://").to_owned();

    // Without the CA: a certificate problem, naming the host.
    let out = s3share(dir.path(), &["ls"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("certificate of {host} is not trusted")),
        "{stderr}"
    );

    // With ca_bundle in the profile: the SDK and the link's self-test both trust it.
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile share]\nregion = us-east-1\nendpoint_url = {}\nca_bundle = {}\n",
            bed.endpoint,
            ca_file.display()
        ),
    )
    .unwrap();
    let listed = s3share(dir.path(), &["ls"]).await;
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    assert!(text(&listed.stdout).contains("secure"));
    std::fs::write(dir.path().join("k.txt"), b"over tls").unwrap();
    let uploaded = s3share(
        dir.path(),
        &[
            "upload",
            &dir.path().join("k.txt").to_string_lossy(),
            "s3://secure/",
        ],
    )
    .await;
    let stderr = text(&uploaded.stderr);
    assert!(uploaded.status.success(), "{stderr}");
    assert!(
        stderr.contains("checked: opens for anyone with the link"),
        "{stderr}"
    );
}

/// `--open` with something that is not an s3:// address is refused in one line before a
/// window opens (no display is needed to see it).
#[test]
fn open_refuses_a_web_address_before_any_window() {
    let dir = tempfile::tempdir().unwrap();
    let out = isolated_command(dir.path(), &[])
        .args(["--open", "https://bucket.s3.amazonaws.com/folder/"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: --open:") && stderr.contains("s3://bucket/key"),
        "{stderr}"
    );
    // A good --open without a display: one line that names the missing display, and no
    // path of the machine that built the program.
    let out = isolated_command(dir.path(), &[])
        .args(["--open", "s3://bucket/folder/"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("DISPLAY"), "{stderr}");
    assert!(
        !stderr.contains(".rs:") && !stderr.contains("/.cargo/"),
        "{stderr}"
    );
}

/// One `link --recursive` on 3,000 files keeps every link in the history, and the links
/// made before it too (the history used to stop at 1,000 rows, dropping working links).
/// Twenty commands at once each record their link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_keeps_every_link_of_a_big_folder_and_of_concurrent_commands() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-big-history").await;
    bed.put(&bucket, "first.txt", b"first").await;
    let client = bed.client();
    let puts = (0..3000).map(|i| {
        let client = client.clone();
        let bucket = bucket.clone();
        async move {
            client
                .put_object()
                .bucket(bucket)
                .key(format!("big/f{i:04}.txt"))
                .body(aws_sdk_s3::primitives::ByteStream::from_static(b"x"))
                .send()
                .await
                .unwrap();
        }
    });
    let mut puts: Vec<_> = puts.collect();
    while !puts.is_empty() {
        let batch: Vec<_> = puts.drain(..puts.len().min(32)).collect();
        futures_join_all(batch).await;
    }
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let first = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/first.txt"),
            "--expires",
            "7d",
        ],
    )
    .await;
    assert!(first.status.success(), "{}", text(&first.stderr));
    let first_url = text(&first.stdout).trim().to_owned();

    let many = s3share(
        dir.path(),
        &["link", &format!("s3://{bucket}/big/"), "--recursive"],
    )
    .await;
    assert!(many.status.success(), "{}", text(&many.stderr));
    assert_eq!(text(&many.stdout).lines().count(), 3000);
    // Made several at a time, printed in the folder's order.
    for (i, line) in text(&many.stdout).lines().enumerate() {
        assert!(
            line.starts_with(&format!("big/f{i:04}.txt\t")),
            "line {i}: {line}"
        );
    }

    // Each with its own lifetime: two links signed in the same second would be one URL.
    let together: Vec<_> = (0..20)
        .map(|i| {
            let dir = dir.path().to_owned();
            let uri = format!("s3://{bucket}/first.txt");
            let expires = format!("{}m", i + 1);
            tokio::spawn(async move { s3share(&dir, &["link", &uri, "--expires", &expires]).await })
        })
        .collect();
    for command in together {
        let out = command.await.unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert!(
            !text(&out.stderr).contains("history"),
            "{}",
            text(&out.stderr)
        );
    }

    let listed = s3share(dir.path(), &["history", "--all", "--json", "--show-urls"]).await;
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let rows: Vec<serde_json::Value> = text(&listed.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 1 + 3000 + 20);
    assert!(
        rows.iter().any(|r| r["url"] == first_url),
        "the 7-day link is kept"
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r["key"].as_str().unwrap().starts_with("big/"))
            .count(),
        3000
    );
}

/// Runs the futures together (no extra dependency for one test).
async fn futures_join_all<F: std::future::Future<Output = ()> + Send + 'static>(futures: Vec<F>) {
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    for handle in handles {
        handle.await.unwrap();
    }
}

/// Keys are arbitrary UTF-8: C1 controls (U+009B is CSI, U+009D OSC: a clipboard write),
/// newlines, tabs and direction overrides reach the terminal escaped, one record a line, in
/// `ls`, `link --recursive` and `history`; `--format json` keeps the exact key. (ESC itself
/// cannot be listed through S3's XML without encoding-type=url, which the test servers
/// ignore; the escaping of ESC and CR is the same function, unit-tested in share::escape,
/// and an error naming such a key is checked here.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_from_the_bucket_reaches_the_terminal_escaped() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-escape").await;
    let evil = "in/x\u{9d}52;c;cHduZWQ=\u{9c}\u{9b}2Jline\nnext\t\u{202e}txt.exe";
    bed.put(&bucket, evil, b"payload").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    // A tab separates the fields of tsv and history lines; the key's own tab is escaped.
    let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || c == '\u{202e}';

    let listing = s3share(dir.path(), &["ls", &format!("s3://{bucket}/in/")]).await;
    assert!(listing.status.success(), "{}", text(&listing.stderr));
    let stdout = text(&listing.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout:?}");
    assert!(!stdout.chars().any(unsafe_char), "{stdout:?}");
    assert!(
        stdout
            .contains("x\\u{009d}52;c;cHduZWQ=\\u{009c}\\u{009b}2Jline\\nnext\\t\\u{202e}txt.exe"),
        "{stdout}"
    );

    for format in ["tsv", "markdown"] {
        let out = s3share(
            dir.path(),
            &[
                "link",
                &format!("s3://{bucket}/in/"),
                "--recursive",
                "--format",
                format,
            ],
        )
        .await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert_eq!(stdout.lines().count(), 1, "{format}: {stdout:?}");
        assert!(!stdout.chars().any(unsafe_char), "{format}: {stdout:?}");
        let tabs = stdout.matches('\t').count();
        assert_eq!(tabs, usize::from(format == "tsv"), "{format}: {stdout:?}");
    }
    let json = s3share(
        dir.path(),
        &[
            "link",
            &format!("s3://{bucket}/in/"),
            "--recursive",
            "--format",
            "json",
        ],
    )
    .await;
    let row: serde_json::Value = serde_json::from_str(text(&json.stdout).trim()).unwrap();
    assert_eq!(row["key"], evil, "JSON keeps the exact key");
    assert_eq!(
        http_get(row["url"].as_str().unwrap()).await.body,
        b"payload"
    );

    let history = s3share(dir.path(), &["history"]).await;
    let stdout = text(&history.stdout);
    assert!(!stdout.chars().any(unsafe_char), "{stdout:?}");

    // An error naming the key: stderr is escaped too.
    let missing = format!("s3://{bucket}/gone\u{1b}[31m\r.txt");
    let failed = s3share(dir.path(), &["link", &missing]).await;
    assert!(!failed.status.success());
    let stderr = text(&failed.stderr);
    assert!(!stderr.chars().any(unsafe_char), "{stderr:?}");
    assert!(stderr.contains("gone\\x1b[31m\\r.txt"), "{stderr}");

    // --filename and --qr name one link: with --recursive they are refused, not ignored.
    for flag in [&["--filename", "x.txt"][..], &["--qr"][..]] {
        let mut args = vec![
            "link".to_owned(),
            format!("s3://{bucket}/in/"),
            "--recursive".to_owned(),
        ];
        args.extend(flag.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = s3share(dir.path(), &args).await;
        assert_eq!(out.status.code(), Some(2), "{flag:?}");
        assert!(text(&out.stderr).contains(flag[0]), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty());
    }
}

/// A request page is tried the way a sender would use it: a one-byte upload through its
/// policy, removed afterwards. Where the server takes browser uploads (the in-process
/// server) the page is printed; where it does not (`rclone serve s3` in CI answers 400),
/// nothing is printed, the page is deleted and the reason is said.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_page_is_handed_out_only_when_senders_can_upload() {
    let bed = bed().await;
    let bucket = bed.bucket("cli-probe").await;
    let dir = tempfile::tempdir().unwrap();
    write_profile(dir.path(), &bed);
    let out = s3share(
        dir.path(),
        &[
            "request",
            &format!("s3://{bucket}/inbox/"),
            "--title",
            "Scans",
        ],
    )
    .await;
    let stderr = text(&out.stderr);
    let client = bed.client();
    let left: Vec<String> = client
        .list_objects_v2()
        .bucket(&bucket)
        .send()
        .await
        .unwrap()
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_owned))
        .collect();
    if bed.external {
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(out.stdout.is_empty(), "no page link: {}", text(&out.stdout));
        assert!(stderr.contains("refused a test upload"), "{stderr}");
        assert!(left.is_empty(), "page and probe removed: {left:?}");
    } else {
        assert!(out.status.success(), "{stderr}");
        let link = text(&out.stdout).trim().to_owned();
        assert_eq!(http_get(&link).await.status, 200);
        assert_eq!(left.len(), 1, "only the page: {left:?}");
        assert!(left[0].starts_with(".s3share/requests/"), "{left:?}");
        // The page (with its live upload policy) is never among a folder's links.
        bed.put(&bucket, "report.txt", b"r").await;
        let all = s3share(
            dir.path(),
            &["link", &format!("s3://{bucket}/"), "--recursive"],
        )
        .await;
        assert!(all.status.success(), "{}", text(&all.stderr));
        let lines = text(&all.stdout);
        assert_eq!(lines.lines().count(), 1, "{lines}");
        assert!(lines.starts_with("report.txt\t"), "{lines}");
        // An absurd timeout is bounded, never a panic.
        let mut absurd = profile_command(dir.path(), &[]);
        absurd
            .env("S3SHARE_TIMEOUT_SECS", "18446744073709551615")
            .args(["link", &format!("s3://{bucket}/report.txt")]);
        let out = run(absurd, &[]).await;
        assert!(out.status.success(), "{}", text(&out.stderr));
        // Closing says what it cannot do, and the history shows the row as closed.
        let handle = stderr
            .split("--close ")
            .nth(1)
            .map(|rest| rest.trim().to_owned())
            .expect("the close command is named");
        let closed = s3share(dir.path(), &["request", "--close", &handle]).await;
        assert!(closed.status.success(), "{}", text(&closed.stderr));
        assert!(
            text(&closed.stderr).contains("can send files until"),
            "{}",
            text(&closed.stderr)
        );
        assert_ne!(http_get(&link).await.status, 200);
        let history = s3share(dir.path(), &["history", "--all", "--json"]).await;
        let row: serde_json::Value = text(&history.stdout)
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|r| r["kind"] == "request")
            .expect("the request's row");
        assert!(
            row["status"].as_str().unwrap().starts_with("closed"),
            "{row}"
        );
    }
}

/// A server that misbehaves cannot hang or exhaust the command: an error body that never
/// ends stops at a bound, an answer trickled a byte at a time stops at the timeout asked
/// for (said as a server that did not answer), and a listing that repeats its continuation
/// token stops after the repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_misbehaving_server_cannot_hang_or_exhaust_the_command() {
    use common::bad_server::{Misbehaviour, start};
    for (how, says) in [
        (Misbehaviour::EndlessErrorBody, "was larger than 32 MB"),
        (Misbehaviour::Trickle, "did not answer within 2 s"),
        (Misbehaviour::RepeatedToken, "round in a circle"),
        (Misbehaviour::Redirect, "served at another address"),
    ] {
        let endpoint = start(how);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("config"),
            format!("[profile share]\nregion = us-east-1\nendpoint_url = {endpoint}\n"),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("credentials"),
            "[share]\naws_access_key_id = AKBAD\naws_secret_access_key = bad-secret-0123456789\n",
        )
        .unwrap();
        let mut cmd = profile_command(dir.path(), &[]);
        cmd.env("S3SHARE_TIMEOUT_SECS", "2").args(["ls", "s3://b/"]);
        let started = std::time::Instant::now();
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let elapsed = started.elapsed();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{how:?}: {stderr}");
        assert!(stderr.contains(says), "{how:?}: {stderr}");
        assert!(
            elapsed < std::time::Duration::from_secs(20),
            "{how:?} took {elapsed:?}"
        );
        assert!(text(&out.stdout).lines().count() <= 2, "{how:?}");
    }
}

/// Ctrl+C stops a command at once, whatever it waits for: here a server that takes the
/// connection and never answers, with a 30 s timeout (exit 130, within seconds).
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_a_command_waiting_on_a_silent_server() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().take(16).flatten() {
            open.push(stream);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!("[profile share]\nendpoint_url = {endpoint}\n"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        "[share]\naws_access_key_id = AKSILENT\naws_secret_access_key = silent-secret-0123456789\n",
    )
    .unwrap();
    for args in [&["link", "s3://b/k.txt"][..], &["ls", "s3://b/"][..]] {
        let mut cmd = profile_command(dir.path(), &[]);
        cmd.env("S3SHARE_TIMEOUT_SECS", "30").args(args);
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        let stopped = std::time::Instant::now();
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let out = tokio::task::spawn_blocking(move || {
            let start = std::time::Instant::now();
            loop {
                if let Some(status) = child.try_wait().unwrap() {
                    return Some(status);
                }
                if start.elapsed() > std::time::Duration::from_secs(10) {
                    let _ = child.kill();
                    return None;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        })
        .await
        .unwrap();
        let status = out.unwrap_or_else(|| panic!("{args:?}: still running 10 s after Ctrl+C"));
        assert_eq!(status.code(), Some(130), "{args:?}");
        assert!(
            stopped.elapsed() < std::time::Duration::from_secs(5),
            "{args:?}"
        );
    }
}

/// A credential_process that never stops writing is stopped at a bound and named, in one
/// line, instead of filling memory.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_process_that_never_stops_writing_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile share]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\ncredential_process = yes credentials\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("credentials"), "").unwrap();
    let started = std::time::Instant::now();
    let out = s3share(dir.path(), &["ls"]).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("printed more than 64 KiB"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
}
