//! Links proven the way a colleague uses them: a plain HTTP client with no credentials,
//! against a real S3 server that checks signatures and expiry.

mod common;

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use common::{bed, http_get, http_put, local_bed};
use s3share::Expiry;
use s3share::{CredentialsCache, ErrorKind, ProfileInfo, ProfileKind, Session, ShareOptions};
use testbed::LocalS3Options;

fn options(secs: u64, filename: Option<&str>) -> ShareOptions {
    ShareOptions {
        expiry: Expiry::from_secs(secs).unwrap(),
        download_filename: filename.map(|f| s3share::DownloadFilename::parse(f).unwrap()),
        revocable: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_works_for_a_plain_http_client_before_expiry() {
    let bed = bed().await;
    let bucket = bed.bucket("works").await;
    bed.put(&bucket, "docs/report.txt", b"quarterly numbers")
        .await;
    let link = bed
        .session
        .share_link(&bucket, "docs/report.txt", &options(300, None))
        .await
        .unwrap();
    let response = http_get(link.url.expose()).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"quarterly numbers");
    assert!(link.warnings.is_empty());
    assert_eq!(
        link.effective_expires_at,
        link.signed_at + Duration::from_secs(300)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_link_is_refused_by_the_server() {
    let bed = bed().await;
    let bucket = bed.bucket("expiry").await;
    bed.put(&bucket, "k.txt", b"short-lived").await;
    let link = bed
        .session
        .share_link(&bucket, "k.txt", &options(2, None))
        .await
        .unwrap();
    assert_eq!(http_get(link.url.expose()).await.status, 200);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    let after = http_get(link.url.expose()).await;
    // AWS and s3s answer 403; rclone answers 400. Either way: not the file.
    assert!(matches!(after.status, 400 | 403), "status {}", after.status);
    assert_ne!(after.body, b"short-lived");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_is_refused_when_one_character_is_changed() {
    let bed = bed().await;
    let bucket = bed.bucket("tamper").await;
    bed.put(&bucket, "secret.txt", b"a").await;
    bed.put(&bucket, "secreu.txt", b"b").await;
    let link = bed
        .session
        .share_link(&bucket, "secret.txt", &options(600, None))
        .await
        .unwrap();
    let url = link.url.expose().to_owned();
    let last = url.chars().last().unwrap();
    let flipped = if last == '0' { '1' } else { '0' };
    let bad_signature = format!("{}{flipped}", &url[..url.len() - 1]);
    let other_key = url.replacen("secret.txt", "secreu.txt", 1);
    let longer = url.replacen("X-Amz-Expires=600", "X-Amz-Expires=900", 1);
    for (what, tampered) in [
        ("signature", bad_signature),
        ("key", other_key),
        ("expiry", longer),
    ] {
        assert_ne!(tampered, url, "{what} was not changed");
        let status = http_get(&tampered).await.status;
        assert!(matches!(status, 400 | 403), "{what}: status {status}");
    }
    assert_eq!(http_get(&url).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn download_filename_comes_back_in_content_disposition() {
    let bed = bed().await;
    let bucket = bed.bucket("names").await;
    bed.put(&bucket, "raw/0001.bin", b"payload").await;
    for (name, fallback, encoded) in [
        ("report.pdf", "report.pdf", "report.pdf"),
        (
            "Prüfbericht März.pdf",
            "Pr_fbericht M_rz.pdf",
            "Pr%C3%BCfbericht%20M%C3%A4rz.pdf",
        ),
        (
            "my \"final\" draft.txt",
            "my 'final' draft.txt",
            "my%20%22final%22%20draft.txt",
        ),
    ] {
        let link = bed
            .session
            .share_link(&bucket, "raw/0001.bin", &options(600, Some(name)))
            .await
            .unwrap();
        let response = http_get(link.url.expose()).await;
        assert_eq!(response.status, 200, "{name}");
        assert_eq!(
            response.content_disposition.as_deref(),
            Some(
                format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}").as_str()
            ),
            "{name}"
        );
        // The disposition is signed: changing it breaks the link.
        let changed = link.url.expose().replacen("attachment", "inline", 1);
        assert!(
            matches!(http_get(&changed).await.status, 400 | 403),
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_in_the_filename_are_refused_before_signing() {
    // A download filename is a value checked where it is entered: one with CR/LF cannot
    // even be made, so it never reaches the signer.
    let err = s3share::DownloadFilename::parse("evil\r\nSet-Cookie: x=1").unwrap_err();
    assert!(err.to_string().contains("control character"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_link_takes_its_content_type_and_refuses_another() {
    let bed = bed().await;
    let bucket = bed.bucket("upload").await;
    let link = bed
        .session
        .upload_link(
            &bucket,
            "inbox/from colleague.csv",
            Some("text/csv"),
            Expiry::from_secs(600).unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        http_put(link.url.expose(), Some("text/plain"), b"wrong").await,
        403
    );
    assert_eq!(
        http_put(link.url.expose(), Some("text/csv"), b"a,b\n1,2\n").await,
        200
    );
    let download = bed
        .session
        .share_link(&bucket, "inbox/from colleague.csv", &options(60, None))
        .await
        .unwrap();
    assert_eq!(http_get(download.url.expose()).await.body, b"a,b\n1,2\n");
    assert!(link.curl_command().contains("-H 'Content-Type: text/csv'"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_with_spaces_unicode_and_reserved_characters_give_working_links() {
    let bed = bed().await;
    let bucket = bed.bucket("keys").await;
    // File systems cap a name at 255 bytes, so the 1,024-byte key has folders.
    let long_key: String = (0..8)
        .map(|i| format!("{i}{}", "x".repeat(126)))
        .collect::<Vec<_>>()
        .join("/");
    let long_key = format!("{long_key}{}", "y".repeat(1024 - long_key.len()));
    assert_eq!(long_key.len(), 1024);
    let mut keys = vec![
        "with space.txt".to_owned(),
        "ünïcødé/файл 文件.txt".to_owned(),
        "a+b%c#d?e&f=g.txt".to_owned(),
        "plus+only".to_owned(),
        "per%25cent%2F.txt".to_owned(),
    ];
    if bed.external {
        keys.push(long_key.clone());
    } else {
        // s3s-fs cannot store a key this long (it puts the whole key in one file name),
        // but it checks the signature first: a valid link to a missing object gets 404,
        // a bad one 403.
        let creds = bed.session.current_credentials("test").await.unwrap();
        let url = s3share::object_url(Some(&bed.endpoint), "us-east-1", &bucket, &long_key);
        let signed = s3share::presign_url(
            "GET",
            &url,
            &[],
            "us-east-1",
            &creds,
            SystemTime::now(),
            Expiry::from_secs(60).unwrap(),
        )
        .unwrap();
        assert_eq!(http_get(&signed).await.status, 404);
        let tampered = signed.replacen("/7x", "/7y", 1);
        assert_ne!(tampered, signed);
        assert_eq!(http_get(&tampered).await.status, 403);
    }
    for (i, key) in keys.iter().enumerate() {
        let body = format!("body {i}");
        bed.put(&bucket, key, body.as_bytes()).await;
        let link = bed
            .session
            .share_link(&bucket, key, &options(600, None))
            .await
            .unwrap_or_else(|e| panic!("{key}: {e:?}"));
        let response = http_get(link.url.expose()).await;
        assert_eq!(response.status, 200, "{key}");
        assert_eq!(response.body, body.as_bytes(), "{key}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_keys_folders_and_buckets_are_refused_before_signing() {
    let bed = bed().await;
    let bucket = bed.bucket("missing").await;
    bed.put(&bucket, "folder/inside.txt", b"x").await;
    let missing = bed
        .session
        .share_link(&bucket, "folder/nope.txt", &options(60, None))
        .await
        .unwrap_err();
    assert_eq!(missing.kind, ErrorKind::NoSuchKey);
    assert!(missing.message.contains("folder/nope.txt"));
    let folder = bed
        .session
        .share_link(&bucket, "folder/", &options(60, None))
        .await
        .unwrap_err();
    assert_eq!(folder.kind, ErrorKind::BadInput);
    assert!(folder.message.contains("is a folder"));
    let no_bucket = bed
        .session
        .share_link("no-such-bucket-s3share", "k", &options(60, None))
        .await
        .unwrap_err();
    assert_eq!(no_bucket.kind, ErrorKind::NoSuchBucket, "{no_bucket:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_shows_folders_and_pages_through_every_object() {
    let bed = bed().await;
    let bucket = bed.bucket("list").await;
    let client = bed.client();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..1005 {
        let client = client.clone();
        let bucket = bucket.clone();
        tasks.spawn(async move {
            client
                .put_object()
                .bucket(bucket)
                .key(format!("many/file-{i:04}.txt"))
                .body(aws_sdk_s3::primitives::ByteStream::from_static(b"12345"))
                .send()
                .await
                .unwrap();
        });
        if tasks.len() >= 16 {
            tasks.join_next().await;
        }
    }
    while tasks.join_next().await.is_some() {}
    bed.put(&bucket, "top.txt", b"t").await;
    bed.put(&bucket, "other/deep/x.txt", b"x").await;

    let root = bed.session.list_page(&bucket, "", None).await.unwrap();
    assert_eq!(root.folders, ["many/", "other/"]);
    assert_eq!(root.objects.len(), 1);
    assert_eq!(root.objects[0].key, "top.txt");
    assert_eq!(root.objects[0].size, 1);
    assert!(root.objects[0].last_modified.is_some());

    let mut pages = 0;
    let mut keys = Vec::new();
    bed.session
        .list_all(&bucket, "many/", |page| {
            pages += 1;
            keys.extend(page.objects.into_iter().map(|o| o.key));
        })
        .await
        .unwrap();
    assert!(pages >= 2, "1005 objects came in {pages} page(s)");
    assert_eq!(keys.len(), 1005);
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), 1005);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_keys_are_reported_as_rejected_credentials() {
    let bed = bed().await;
    let session = Session::with_static_keys(
        "bad",
        &bed.endpoint,
        "us-east-1",
        &bed.access_key,
        "not-the-secret",
    );
    let err = session.list_buckets().await.unwrap_err();
    assert!(
        matches!(
            err.kind,
            ErrorKind::CredentialsRejected | ErrorKind::AccessDenied
        ),
        "{err:?}"
    );
    assert!(err.message.contains("profile bad"), "{}", err.message);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_server_is_a_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let session = Session::with_static_keys(
        "p",
        &format!("http://127.0.0.1:{port}"),
        "us-east-1",
        "a",
        "b",
    );
    let err = session.list_buckets().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network, "{err:?}");
    assert!(err.message.contains("try again"), "{}", err.message);
    assert!(err.is_retryable());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bucket_in_another_region_gets_a_link_signed_for_its_region() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["eu-reports".into(), "home".into()],
        bucket_regions: HashMap::from([("eu-reports".to_owned(), "eu-west-3".to_owned())]),
        default_region: "us-east-1".into(),
        ..LocalS3Options::default()
    })
    .await;
    // The bucket was made on disk; upload through a client that signs for its region.
    bed.session
        .client_for("eu-west-3")
        .put_object()
        .bucket("eu-reports")
        .key("q.txt")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"bonjour"))
        .send()
        .await
        .unwrap();
    assert_eq!(bed.session.region(), "us-east-1");
    let link = bed
        .session
        .share_link("eu-reports", "q.txt", &options(600, None))
        .await
        .unwrap();
    assert!(
        link.url.expose().contains("%2Feu-west-3%2Fs3%2F"),
        "signed for the bucket's region"
    );
    let response = http_get(link.url.expose()).await;
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"bonjour");
    // Control: the same link signed for the profile's region is refused, as on AWS.
    let creds = bed.session.current_credentials("test").await.unwrap();
    let naive = s3share::presign_url(
        "GET",
        &s3share::object_url(Some(&bed.endpoint), "us-east-1", "eu-reports", "q.txt"),
        &[],
        "us-east-1",
        &creds,
        SystemTime::now(),
        Expiry::from_secs(600).unwrap(),
    )
    .unwrap();
    assert_eq!(http_get(&naive).await.status, 400);
    // And a bucket in the profile's own region still works.
    assert_eq!(
        bed.session.bucket_region("home").await.unwrap(),
        "us-east-1"
    );
}

/// Temporary credentials that end in 30 minutes, as after `aws sso login`.
#[derive(Debug)]
struct EndingSoon {
    access_key: String,
    secret_key: String,
    ends_at: SystemTime,
}

impl ProvideCredentials for EndingSoon {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Ok(Credentials::new(
            &self.access_key,
            &self.secret_key,
            None,
            Some(self.ends_at),
            "sso-test",
        )))
    }
}

/// Profile "work-sso" on the bed's server, whose SSO credentials end at `ends_at`.
fn sso_session(bed: &common::Bed, ends_at: SystemTime) -> Session {
    Session::with_credentials(
        ProfileInfo {
            name: "work-sso".into(),
            region: Some("us-east-1".into()),
            endpoint_url: Some(bed.endpoint.clone()),
            kind: ProfileKind::Sso,
        },
        &bed.endpoint,
        "us-east-1",
        CredentialsCache::new(SharedCredentialsProvider::new(EndingSoon {
            access_key: bed.access_key.clone(),
            secret_key: bed.secret_key.clone(),
            ends_at,
        })),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_that_end_first_shorten_the_link_and_say_so() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["b-sso".into()],
        ..LocalS3Options::default()
    })
    .await;
    let ends_at = SystemTime::now() + Duration::from_secs(30 * 60);
    let session = sso_session(&bed, ends_at);
    bed.put("b-sso", "f.txt", b"f").await;
    let link = session
        .share_link(
            "b-sso",
            "f.txt",
            &ShareOptions {
                expiry: Expiry::MAX,
                download_filename: None,
                revocable: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        link.expires_at,
        link.signed_at + Duration::from_secs(604_800)
    );
    assert_eq!(link.effective_expires_at, ends_at);
    assert_eq!(link.warnings.len(), 1);
    assert!(
        link.warnings[0].contains("SSO session of profile work-sso"),
        "{}",
        link.warnings[0]
    );
    assert!(link.warnings[0].contains("stops working then"));
    assert_eq!(http_get(link.url.expose()).await.status, 200);
}

/// The S3 documentation's query-authentication example, made through a whole `Session`
/// (profile files, credentials cache, URL builder, signer) with the injected clock: the
/// signer takes its time from the clock it is given, not from the computer's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_signs_by_its_clock_to_the_documented_url() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        "[profile docs]\nregion = us-east-1\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("credentials"),
        "[docs]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
    )
    .unwrap();
    let files = s3share::ProfileFilesSource {
        config_file: Some(dir.path().join("config")),
        credentials_file: Some(dir.path().join("credentials")),
    };
    let documented_at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600);
    let session = Session::connect(&files, Some("docs"), None)
        .await
        .unwrap()
        .with_clock(s3share::fixed_clock(documented_at));
    let link = session
        .sign_download(
            "examplebucket",
            "test.txt",
            "us-east-1",
            &options(86_400, None),
        )
        .await
        .unwrap();
    assert_eq!(
        link.url.expose(),
        "https://examplebucket.s3.amazonaws.com/test.txt\
         ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
    assert_eq!(link.signed_at, documented_at);
    assert_eq!(
        link.effective_expires_at,
        documented_at + Duration::from_secs(86_400)
    );
    // What a log line or a panic message would show of it: no signature.
    assert!(!format!("{link:?}").contains("aeeed9bb"));
}

/// Every link is tried the way a colleague opens it; what the owner's HEAD cannot see is
/// caught and named: a bucket policy, a KMS key, a stale cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_self_test_names_why_a_link_would_not_open() {
    use s3share::{LinkCheck, LinkProblem};
    let bed = local_bed(LocalS3Options {
        buckets: vec!["open".into(), "ip-only".into(), "secret".into()],
        link_denied_buckets: vec!["ip-only".into()],
        kms_denied_objects: vec!["secret/payroll.csv".into()],
        stale_objects: vec!["open/gone.txt".into()],
        ..LocalS3Options::default()
    })
    .await;
    bed.put("open", "fine.txt", b"fine").await;
    bed.put("ip-only", "plan.txt", b"plan").await;
    bed.put("secret", "payroll.csv", b"a,b").await;
    let share = |bucket: &'static str, key: &'static str| {
        let session = bed.session.clone();
        async move {
            session
                .share_link(bucket, key, &options(600, None))
                .await
                .unwrap()
        }
    };

    let fine = share("open", "fine.txt").await;
    assert_eq!(fine.check, LinkCheck::Opens);
    assert!(fine.check.describe().contains("opens for anyone"));

    let policy = share("ip-only", "plan.txt").await;
    assert!(
        matches!(policy.check, LinkCheck::Refused(LinkProblem::Denied { .. })),
        "{:?}",
        policy.check
    );
    assert!(policy.check.describe().contains("bucket policy"));
    // The owner's own request passes: only the link is refused, as the check says.
    assert_eq!(http_get(policy.url.expose()).await.status, 403);

    let kms = share("secret", "payroll.csv").await;
    assert!(
        matches!(kms.check, LinkCheck::Refused(LinkProblem::KmsKey { .. })),
        "{:?}",
        kms.check
    );
    assert!(kms.check.describe().contains("kms:Decrypt"));

    let stale = share("open", "gone.txt").await;
    assert!(
        matches!(
            stale.check,
            LinkCheck::Refused(LinkProblem::ServerError { status: 500, .. })
        ),
        "{:?}",
        stale.check
    );
}

/// A computer whose clock is two days behind signs with the server's time (learned from
/// the `Date` of the HEAD before signing), says so, and its link opens now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clock_that_is_off_is_corrected_by_the_servers_date() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["clock".into()],
        ..LocalS3Options::default()
    })
    .await;
    bed.put("clock", "t.txt", b"time").await;
    let behind = SystemTime::now() - Duration::from_secs(2 * 86_400);
    let session = bed
        .session
        .clone()
        .with_clock(std::sync::Arc::new(move || behind));
    let link = session
        .share_link("clock", "t.txt", &options(3600, None))
        .await
        .unwrap();
    assert_eq!(link.check, s3share::LinkCheck::Opens, "{:?}", link.check);
    let correction = link.clock_correction.expect("a correction");
    assert!((2 * 86_400 - 5..=2 * 86_400 + 5).contains(&correction));
    assert!(
        link.warnings
            .iter()
            .any(|w| w.contains("Your clock is 2 days behind the S3 server")),
        "{:?}",
        link.warnings
    );
    let from_now = link
        .effective_expires_at
        .duration_since(SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((3590..=3600).contains(&from_now), "{from_now}");
    assert_eq!(http_get(link.url.expose()).await.status, 200);
}

/// Credentials that end within the minute sign no link: it would be dead on arrival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_about_to_end_give_no_link_but_a_way_to_renew_them() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["b-end".into()],
        ..LocalS3Options::default()
    })
    .await;
    bed.put("b-end", "f.txt", b"f").await;
    let session = sso_session(&bed, SystemTime::now() + Duration::from_secs(20));
    let err = session
        .share_link("b-end", "f.txt", &options(3600, None))
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::ExpiredSession);
    assert!(
        err.message.contains("aws sso login --profile work-sso"),
        "{}",
        err.message
    );
    let upload = session
        .upload_link("b-end", "in.txt", None, Expiry::MAX)
        .await
        .unwrap_err();
    assert_eq!(upload.kind, ErrorKind::ExpiredSession);
}

/// An assumed role's `duration_seconds` is asked of STS (aws-config alone ignores it and
/// gets 1 h), so a 7-day link signed by a 12-hour role session lives 12 hours.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assumed_roles_duration_seconds_sets_how_long_its_links_live() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["roles".into()],
        sts: true,
        ..LocalS3Options::default()
    })
    .await;
    bed.put("roles", "r.txt", b"role").await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config"),
        format!(
            "[profile admin]\nrole_arn = arn:aws:iam::111122223333:role/R\nsource_profile = base\nduration_seconds = 43200\nregion = us-east-1\nendpoint_url = {}\n",
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
    let files = s3share::ProfileFilesSource {
        config_file: Some(dir.path().join("config")),
        credentials_file: Some(dir.path().join("credentials")),
    };
    let session = Session::connect(&files, Some("admin"), None).await.unwrap();
    let link = session
        .share_link("roles", "r.txt", &options(604_800, None))
        .await
        .unwrap();
    let lives = link
        .effective_expires_at
        .duration_since(SystemTime::now())
        .unwrap()
        .as_secs();
    assert!((43_100..=43_200).contains(&lives), "{lives} s");
    assert!(
        link.url
            .expose()
            .contains("X-Amz-Security-Token=testbed-session-43200")
    );
    assert!(
        link.warnings[0].contains("an assumed role of profile admin"),
        "{:?}",
        link.warnings
    );
    assert_eq!(http_get(link.url.expose()).await.status, 200);
}
