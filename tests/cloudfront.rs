//! Links through CloudFront end to end: the real binary signs, a CloudFront-like edge in the
//! test bed checks each URL as CloudFront documents it (its own code: policy, RSA-SHA1
//! signature with the trusted public key, end, start, client address) and serves the object
//! from the in-process S3 server's store.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use common::cli::{s3share, text, write_profile};
use common::{http_get, local_bed};
use testbed::{CloudFrontEdge, LocalS3Options};

const KEY_ID: &str = "K2JCJMDEHXQW5F";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A GET as from `client` (the edge reads X-Test-Client-Ip as the caller's address).
async fn get_from(url: &str, client: Option<&str>) -> u16 {
    let (url, client) = (url.to_owned(), client.map(str::to_owned));
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut request = agent.get(&url);
        if let Some(ip) = client {
            request = request.header("X-Test-Client-Ip", ip);
        }
        request.call().unwrap().status().as_u16()
    })
    .await
    .unwrap()
}

/// `s3share cloudfront set BUCKET --domain D --key-id KEY_ID --private-key KEY MORE…`.
async fn set_with(
    home: &Path,
    bucket: &str,
    domain: &str,
    key: &str,
    more: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "cloudfront",
        "set",
        bucket,
        "--domain",
        domain,
        "--key-id",
        KEY_ID,
        "--private-key",
        key,
    ];
    args.extend(more);
    s3share(home, &args).await
}

/// `s3share cloudfront set BUCKET --domain D --key-id KEY_ID --private-key KEY
/// [--origin-path ORIGIN]`.
async fn set(
    home: &Path,
    bucket: &str,
    domain: &str,
    key: &str,
    origin: Option<&str>,
) -> std::process::Output {
    let more = origin.map_or(Vec::new(), |origin| vec!["--origin-path", origin]);
    set_with(home, bucket, domain, key, &more).await
}

/// `s3share cloudfront set BUCKET --domain D --key-id KEY_ID --private-key KEY
/// --distribution-id ID`.
async fn set_with_id(
    home: &Path,
    bucket: &str,
    domain: &str,
    key: &Path,
    id: &str,
) -> std::process::Output {
    let key = key.to_str().unwrap();
    set_with(home, bucket, domain, key, &["--distribution-id", id]).await
}

fn query_value<'a>(url: &'a str, name: &str) -> &'a str {
    url.split_once('?')
        .unwrap()
        .1
        .split('&')
        .find_map(|p| p.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {url}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_through_cloudfront_open_until_their_end_and_not_otherwise() {
    let bed = local_bed(LocalS3Options::default()).await;
    let bucket = bed.bucket("edge").await;
    let key = "media/Q3 report+final é.pdf";
    let body = b"the report through the edge".to_vec();
    bed.put(&bucket, key, &body).await;
    bed.put(&bucket, "private/other.txt", b"not behind the distribution")
        .await;
    let public = std::fs::read_to_string(fixture("cloudfront-test-key.pub.pem")).unwrap();
    let root = bed.server.as_ref().unwrap().root().to_owned();
    let edge = CloudFrontEdge::start(&public, KEY_ID, root, &bucket, "media")
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), &bed);
    let private_key = fixture("cloudfront-test-key.pem");

    // Before it is set: one line that says how.
    let unset = s3share(
        home.path(),
        &["link", &format!("s3://{bucket}/{key}"), "--via-cloudfront"],
    )
    .await;
    assert_eq!(unset.status.code(), Some(2));
    assert!(
        text(&unset.stderr).contains("cloudfront set"),
        "{}",
        text(&unset.stderr)
    );

    // Bad settings are refused before anything is kept.
    let small = set(
        home.path(),
        &bucket,
        &edge.domain(),
        fixture("cloudfront-1024-key.pem").to_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(small.status.code(), Some(2));
    assert!(
        text(&small.stderr).contains("2048"),
        "{}",
        text(&small.stderr)
    );
    let missing = set(
        home.path(),
        &bucket,
        "not a host!",
        private_key.to_str().unwrap(),
        None,
    )
    .await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("not a distribution's domain"));
    assert!(!home.path().join("cloudfront.json").exists());

    let saved = set(
        home.path(),
        &bucket,
        &edge.domain(),
        private_key.to_str().unwrap(),
        Some("/media"),
    )
    .await;
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    let settings = std::fs::read_to_string(home.path().join("cloudfront.json")).unwrap();
    assert!(
        !settings.contains("PRIVATE KEY"),
        "the key itself is never copied"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(home.path().join("cloudfront.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "owner-only");
    }
    let shown = s3share(home.path(), &["cloudfront", "show", &bucket]).await;
    assert!(text(&shown.stdout).contains(&format!("key-id\t{KEY_ID}")));

    // A 90-day link with a download filename: tried, then it opens for anyone.
    let made = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/{key}"),
            "--via-cloudfront",
            "--expires",
            "90d",
            "--filename",
            "Plan 2027.pdf",
        ],
    )
    .await;
    assert!(made.status.success(), "{}", text(&made.stderr));
    let url = text(&made.stdout).trim().to_owned();
    let stderr = text(&made.stderr);
    assert!(stderr.contains("checked: opens for anyone"), "{stderr}");
    assert!(stderr.contains("key group"), "the caveat is said: {stderr}");
    assert!(
        url.starts_with(&format!(
            "{}/Q3%20report%2Bfinal%20%C3%A9.pdf?",
            edge.domain()
        )),
        "{url}"
    );
    let expires: u64 = query_value(&url, "Expires").parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(
        expires.abs_diff(now + 90 * 86_400) < 60,
        "90 days: {expires} vs {now}"
    );
    let got = http_get(&url).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, body);
    assert!(got.content_disposition.unwrap().contains("Plan 2027.pdf"));

    // A changed signature, or a later end written in, opens nothing.
    let signature = query_value(&url, "Signature");
    let flipped = if signature.starts_with('A') { "B" } else { "A" };
    let tampered = url.replacen(
        &format!("Signature={signature}"),
        &format!("Signature={flipped}{}", &signature[1..]),
        1,
    );
    assert_eq!(get_from(&tampered, None).await, 403);
    let later = url.replacen(
        &format!("Expires={expires}"),
        &format!("Expires={}", expires + 1),
        1,
    );
    assert_eq!(get_from(&later, None).await, 403);

    // A custom policy: only from 203.0.113.0/24; a policy widened by hand fails.
    let ranged = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/{key}"),
            "--via-cloudfront",
            "--expires",
            "1y",
            "--ip",
            "203.0.113.0/24",
        ],
    )
    .await;
    assert!(ranged.status.success(), "{}", text(&ranged.stderr));
    assert!(
        text(&ranged.stderr).contains("Checked with a 60-second link to the same file and key"),
        "a link that cannot open from here is checked through a short one: {}",
        text(&ranged.stderr)
    );
    let ranged = text(&ranged.stdout).trim().to_owned();
    assert!(ranged.contains("Policy="), "{ranged}");
    assert_eq!(get_from(&ranged, Some("203.0.113.7")).await, 200);
    assert_eq!(get_from(&ranged, Some("198.51.100.7")).await, 403);
    let policy = query_value(&ranged, "Policy");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(policy.replace('-', "+").replace('_', "=").replace('~', "/"))
        .unwrap();
    let widened = String::from_utf8(decoded)
        .unwrap()
        .replace("203.0.113.0/24", "0.0.0.0/0");
    let widened = base64::engine::general_purpose::STANDARD
        .encode(widened)
        .replace('+', "-")
        .replace('=', "_")
        .replace('/', "~");
    let widened = ranged.replacen(policy, &widened, 1);
    assert_eq!(get_from(&widened, Some("198.51.100.7")).await, 403);

    // A short link ends when it says.
    let short = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/{key}"),
            "--via-cloudfront",
            "--expires",
            "2s",
        ],
    )
    .await;
    assert!(short.status.success(), "{}", text(&short.stderr));
    let short = text(&short.stdout).trim().to_owned();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(get_from(&short, None).await, 403, "ended");

    // Outside the origin path, or 8 days without CloudFront: one line, nothing printed.
    let outside = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/private/other.txt"),
            "--via-cloudfront",
        ],
    )
    .await;
    assert_eq!(outside.status.code(), Some(2));
    assert!(text(&outside.stderr).contains("outside the distribution's origin path"));
    assert!(outside.stdout.is_empty());
    let long = s3share(
        home.path(),
        &["link", &format!("s3://{bucket}/{key}"), "--expires", "8d"],
    )
    .await;
    assert_eq!(long.status.code(), Some(2));
    assert!(text(&long.stderr).contains("1 second to 7 days"));
    assert!(text(&long.stderr).contains("CloudFront"));

    // A key the distribution does not trust: refused when tried, never printed.
    let other = set(
        home.path(),
        &bucket,
        &edge.domain(),
        fixture("cloudfront-other-key.pem").to_str().unwrap(),
        Some("media"),
    )
    .await;
    assert!(other.status.success(), "{}", text(&other.stderr));
    let refused = s3share(
        home.path(),
        &[
            "link",
            &format!("s3://{bucket}/{key}"),
            "--via-cloudfront",
            "--expires",
            "30d",
        ],
    )
    .await;
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stderr));
    assert!(refused.stdout.is_empty());
    assert!(
        text(&refused.stderr).contains("through CloudFront"),
        "{}",
        text(&refused.stderr)
    );
    assert!(
        text(&refused.stderr).contains("key group"),
        "{}",
        text(&refused.stderr)
    );

    // Inputs that cannot make a working link: one line each, exit 2, nothing printed.
    let uri = format!("s3://{bucket}/{key}");
    let media = format!("s3://{bucket}/media/");
    let refusals: [(&[&str], &str); 4] = [
        (
            &[
                "link",
                &uri,
                "--via-cloudfront",
                "--expires",
                "300000000000y",
            ],
            "past 2038",
        ),
        (
            &["link", &uri, "--via-cloudfront", "--ip", "10.0.0.1"],
            "public IPv4",
        ),
        (
            &["link", &uri, "--via-cloudfront", "--ip", "2001:db8::1"],
            "public IPv4",
        ),
        (
            &[
                "cloudfront",
                "set",
                &media,
                "--domain",
                "d1.cloudfront.net",
                "--key-id",
                KEY_ID,
                "--private-key",
                "x.pem",
            ],
            "--origin-path",
        ),
    ];
    for (args, said) in refusals {
        let out = s3share(home.path(), args).await;
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains(said),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }
    let folder_as_key = set(
        home.path(),
        &bucket,
        "d1.cloudfront.net",
        home.path().to_str().unwrap(),
        None,
    )
    .await;
    assert!(
        text(&folder_as_key.stderr).contains("not a regular file"),
        "{}",
        text(&folder_as_key.stderr)
    );

    // A settings file changed by hand to carry control characters is refused as damaged.
    let file = home.path().join("cloudfront.json");
    let kept = std::fs::read_to_string(&file).unwrap();
    let planted = kept.replace(&edge.domain(), "http://evil.example/\\u001b]0;x\\u0007");
    assert_ne!(planted, kept);
    std::fs::write(&file, planted).unwrap();
    let damaged = s3share(home.path(), &["link", &uri, "--via-cloudfront"]).await;
    assert_eq!(damaged.status.code(), Some(2), "{}", text(&damaged.stderr));
    assert!(
        text(&damaged.stderr).contains("is damaged"),
        "{}",
        text(&damaged.stderr)
    );
    assert!(damaged.stdout.is_empty() && !damaged.stderr.contains(&0x1b));
    std::fs::write(&file, kept).unwrap();

    let history = std::fs::read_to_string(home.path().join("history.json")).unwrap();
    assert!(
        history.contains("\"CloudFront\""),
        "remembered as a CloudFront link"
    );
    let removed = s3share(home.path(), &["cloudfront", "remove", &bucket]).await;
    assert!(removed.status.success());
    let gone = s3share(home.path(), &["cloudfront", "show", &bucket]).await;
    assert_eq!(gone.status.code(), Some(2));
}

/// S3 Share's own keys in `bucket` under `prefix` (listed by the bed's client).
async fn stored_under(bed: &common::Bed, bucket: &str, prefix: &str) -> Vec<String> {
    bed.own_objects(bucket)
        .await
        .into_iter()
        .map(|(key, _)| key)
        .filter(|key| key.starts_with(prefix))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocable_link_through_cloudfront_is_cleared_from_the_edges_when_revoked() {
    let bed = local_bed(LocalS3Options::default()).await;
    let bucket = bed.bucket("edge-revoke").await;
    let key = "handbook/Team handbook+v2.pdf";
    let body = b"the handbook, revocably".to_vec();
    bed.put(&bucket, key, &body).await;
    let public = std::fs::read_to_string(fixture("cloudfront-test-key.pub.pem")).unwrap();
    let root = bed.server.as_ref().unwrap().root().to_owned();
    let edge = CloudFrontEdge::start(&public, KEY_ID, root, &bucket, "")
        .await
        .unwrap();
    let api = edge.api_endpoint(&bed.access_key, &bed.secret_key);
    let home = tempfile::tempdir().unwrap();
    write_profile(home.path(), &bed);
    // CloudFront's API endpoint as the AWS CLI reads it: the profile's services section.
    let config = std::fs::read_to_string(home.path().join("config")).unwrap();
    std::fs::write(
        home.path().join("config"),
        format!(
            "{config}services = bed-services\n\n[services bed-services]\ncloudfront =\n  endpoint_url = {api}\n"
        ),
    )
    .unwrap();
    let private_key = fixture("cloudfront-test-key.pem");
    let uri = format!("s3://{bucket}/{key}");
    let revocable = ["--via-cloudfront", "--revocable", "--expires", "90d"];

    // Without the distribution's id: refused before anything is copied.
    let saved = set(
        home.path(),
        &bucket,
        &edge.domain(),
        private_key.to_str().unwrap(),
        None,
    )
    .await;
    assert!(saved.status.success(), "{}", text(&saved.stderr));
    assert!(text(&saved.stderr).contains("--distribution-id"));
    let refused = s3share(home.path(), &[&["link", &uri][..], &revocable].concat()).await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("distribution's ID"),
        "{}",
        text(&refused.stderr)
    );
    assert!(stored_under(&bed, &bucket, ".s3share").await.is_empty());
    let bad_id = set_with_id(
        home.path(),
        &bucket,
        &edge.domain(),
        &private_key,
        "E2/../x",
    )
    .await;
    assert_eq!(bad_id.status.code(), Some(2));
    assert!(text(&bad_id.stderr).contains("not a distribution ID"));
    // A distribution ID that is not the domain's distribution: refused when a revocable
    // link is asked for (revoking would clear another distribution's edges), nothing copied.
    let other_domain = edge.domain().replace("127.0.0.1", "localhost");
    let mismatched = set_with_id(
        home.path(),
        &bucket,
        &other_domain,
        &private_key,
        testbed::CLOUDFRONT_DISTRIBUTION_ID,
    )
    .await;
    assert!(mismatched.status.success(), "{}", text(&mismatched.stderr));
    let refused = s3share(home.path(), &[&["link", &uri][..], &revocable].concat()).await;
    assert_eq!(refused.status.code(), Some(2), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).contains("do not belong together"),
        "{}",
        text(&refused.stderr)
    );
    assert!(stored_under(&bed, &bucket, ".s3share").await.is_empty());
    let with_id = set_with_id(
        home.path(),
        &bucket,
        &edge.domain(),
        &private_key,
        testbed::CLOUDFRONT_DISTRIBUTION_ID,
    )
    .await;
    assert!(with_id.status.success(), "{}", text(&with_id.stderr));
    let shown = s3share(home.path(), &["cloudfront", "show", &bucket]).await;
    assert!(text(&shown.stdout).contains(&format!(
        "distribution-id\t{}",
        testbed::CLOUDFRONT_DISTRIBUTION_ID
    )));

    // A 90-day revocable link: it points at a copy outside .s3share/links/ (whose lifecycle
    // rule deletes copies after 8 days), was tried, and opens for anyone.
    let made = s3share(home.path(), &[&["link", &uri][..], &revocable].concat()).await;
    assert!(made.status.success(), "{}", text(&made.stderr));
    let stderr = text(&made.stderr);
    let url = text(&made.stdout).trim().to_owned();
    assert!(stderr.contains("checked: opens for anyone"), "{stderr}");
    let id = stderr
        .split("s3share revoke ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("a revoke id in {stderr}"))
        .to_owned();
    let copies = stored_under(&bed, &bucket, ".s3share/cloudfront-links").await;
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(copies[0].ends_with("/Team handbook+v2.pdf"), "{copies:?}");
    assert!(copies[0].contains(&id), "{copies:?}");
    assert!(
        stored_under(&bed, &bucket, ".s3share/links")
            .await
            .is_empty()
    );
    let expires: u64 = query_value(&url, "Expires").parse().unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(expires.abs_diff(now + 90 * 86_400) < 120, "90 days");
    let got = http_get(&url).await;
    assert_eq!((got.status, got.body), (200, body.clone()));

    // The edge keeps what it served: deleting the copy alone would not stop the link.
    // Revoking deletes it, asks for an invalidation of its folder, waits for it, and
    // then checks the link no longer opens.
    let revoked = s3share(home.path(), &["revoke", &id]).await;
    assert!(revoked.status.success(), "{}", text(&revoked.stderr));
    let said = text(&revoked.stderr);
    assert!(said.contains("invalidation"), "{said}");
    assert!(said.contains("checked, it no longer opens"), "{said}");
    let invalidations = edge.invalidations();
    assert_eq!(invalidations.len(), 1, "{invalidations:?}");
    let folder = &copies[0][..copies[0].rfind('/').unwrap()];
    assert_eq!(invalidations[0].paths, vec![format!("/{folder}/*")]);
    assert!(invalidations[0].completed, "revoking waited for it");
    assert!(edge.api_refusals().is_empty(), "{:?}", edge.api_refusals());
    assert_ne!(http_get(&url).await.status, 200);
    assert!(stored_under(&bed, &bucket, ".s3share").await.is_empty());
    // The object itself is untouched, and a link to it through CloudFront still opens.
    let plain = s3share(
        home.path(),
        &["link", &uri, "--via-cloudfront", "--expires", "30d"],
    )
    .await;
    assert!(plain.status.success(), "{}", text(&plain.stderr));
    assert_eq!(http_get(text(&plain.stdout).trim()).await.status, 200);

    // CloudFront refuses the invalidation: the revoke fails, says what the profile needs,
    // and the link is not marked revoked (its cached copy may still be served); once
    // allowed, revoking again works.
    let second = s3share(home.path(), &[&["link", &uri][..], &revocable].concat()).await;
    assert!(second.status.success(), "{}", text(&second.stderr));
    let second_url = text(&second.stdout).trim().to_owned();
    let second_id = text(&second.stderr)
        .split("s3share revoke ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();
    assert_eq!(http_get(&second_url).await.status, 200);
    edge.refuse_api(Some((403, "AccessDenied")));
    let denied = s3share(home.path(), &["revoke", &second_id]).await;
    assert!(!denied.status.success());
    let said = text(&denied.stderr);
    assert!(said.contains("cloudfront:CreateInvalidation"), "{said}");
    assert!(
        said.contains("asked at http://127.0.0.1:"),
        "the endpoint asked: {said}"
    );
    assert!(said.contains("edges may still serve"), "{said}");
    assert_eq!(
        http_get(&second_url).await.status,
        200,
        "the edge still serves its cached copy"
    );
    edge.refuse_api(None);
    let again = s3share(home.path(), &["revoke", &second_id]).await;
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_ne!(http_get(&second_url).await.status, 200);
}
