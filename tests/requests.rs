//! File requests against a real S3 server that checks POST policies (the in-process s3s):
//! the page is fetched as a sender's browser would, and files are posted with a plain
//! multipart request and no credentials. rclone serve s3 does not accept browser POST
//! uploads, so this suite runs on the in-process server only.

mod common;

use std::time::Duration;

use common::{http_get, local_bed};
use s3share::{Expiry, RequestOptions};
use testbed::LocalS3Options;

/// The configuration the page carries, read out of its HTML as the page's script does.
fn page_config(html: &str) -> serde_json::Value {
    let start = html.find("id=\"config\">").expect("config element") + "id=\"config\">".len();
    let end = start + html[start..].find("</script>").expect("end of config");
    serde_json::from_str(&html[start..end]).expect("config is JSON")
}

/// A browser-style POST: the form fields in order, the file last. Returns status and body.
async fn post(
    config: &serde_json::Value,
    variant: usize,
    key: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String) {
    let boundary = "----s3sharetestboundary7MA4YWxkTrZu0gW";
    let mut fields: Vec<(String, String)> = vec![
        ("key".into(), key.into()),
        ("Content-Type".into(), content_type.into()),
    ];
    for pair in config["fields"].as_array().unwrap() {
        fields.push((
            pair[0].as_str().unwrap().into(),
            pair[1].as_str().unwrap().into(),
        ));
    }
    let v = &config["variants"][variant];
    fields.push(("policy".into(), v["policy"].as_str().unwrap().into()));
    fields.push((
        "x-amz-signature".into(),
        v["signature"].as_str().unwrap().into(),
    ));
    let mut form = Vec::new();
    for (name, value) in fields {
        form.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    form.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes(),
    );
    form.extend_from_slice(body);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let action = config["action"].as_str().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .post(&action)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&form[..])
            .expect("POST reaches the server");
        let status = response.status().as_u16();
        (
            status,
            response.body_mut().read_to_string().unwrap_or_default(),
        )
    })
    .await
    .unwrap()
}

fn options(types: &str, max_size: u64, expiry_secs: u64) -> RequestOptions {
    RequestOptions {
        folder: Some("incoming/contracts/".into()),
        title: "Signed contracts <please>".into(),
        message: "Drop the PDFs here & thanks".into(),
        max_size,
        types: s3share::parse_types(types).unwrap(),
        expiry: Expiry::from_secs(expiry_secs).unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_itself_enforces_the_folder_size_type_and_signature() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["inbox".into()],
        ..LocalS3Options::default()
    })
    .await;
    let request = bed
        .session
        .request_files("inbox", &options("text/plain", 100, 3600))
        .await
        .unwrap();
    assert_eq!(request.check, s3share::LinkCheck::Opens);
    let page = http_get(request.url.expose()).await;
    assert_eq!(page.status, 200);
    let html = String::from_utf8(page.body).unwrap();
    assert!(
        html.contains("<h1>Signed contracts &lt;please&gt;</h1>"),
        "owner text escaped"
    );
    assert!(html.contains("Drop the PDFs here &amp; thanks"));
    let config = page_config(&html);
    assert_eq!(config["prefix"], "incoming/contracts/");

    // A sender's file with an awkward name lands under the folder, byte for byte.
    let name = "incoming/contracts/Vertrag 2026 +%#?& ü.txt";
    let (status, body) = post(&config, 0, name, "text/plain", b"signed, sealed").await;
    assert_eq!(status, 201, "{body}");
    let stored = bed
        .client()
        .get_object()
        .bucket("inbox")
        .key(name)
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    assert_eq!(&stored[..], b"signed, sealed");

    // What the policy forbids, the server refuses.
    let (status, body) = post(
        &config,
        0,
        "incoming/contracts/big.txt",
        "text/plain",
        &[b'x'; 101],
    )
    .await;
    assert!(
        (400..500).contains(&status),
        "over the size limit: {status} {body}"
    );
    let (status, body) = post(&config, 0, "elsewhere/x.txt", "text/plain", b"x").await;
    assert!(
        (400..500).contains(&status),
        "outside the folder: {status} {body}"
    );
    let (status, body) = post(
        &config,
        0,
        "incoming/contracts/x.pdf",
        "application/pdf",
        b"x",
    )
    .await;
    assert!(
        (400..500).contains(&status),
        "a type not accepted: {status} {body}"
    );
    let mut tampered = config.clone();
    let policy = tampered["variants"][0]["policy"]
        .as_str()
        .unwrap()
        .to_owned();
    let json = String::from_utf8(base64_decode(&policy))
        .unwrap()
        .replace("100]", "100000]");
    tampered["variants"][0]["policy"] = serde_json::Value::String(base64_encode(json.as_bytes()));
    let (status, body) = post(
        &tampered,
        0,
        "incoming/contracts/t.txt",
        "text/plain",
        &[b'x'; 500],
    )
    .await;
    assert!(
        (400..500).contains(&status),
        "a tampered policy: {status} {body}"
    );
    for key in [
        "incoming/contracts/big.txt",
        "elsewhere/x.txt",
        "incoming/contracts/x.pdf",
        "incoming/contracts/t.txt",
    ] {
        assert!(
            bed.client()
                .head_object()
                .bucket("inbox")
                .key(key)
                .send()
                .await
                .is_err(),
            "{key} stored"
        );
    }

    // Closing deletes the page: its link stops at once; what was received stays.
    bed.session
        .close_request("inbox", &request.id)
        .await
        .unwrap();
    assert_ne!(http_get(request.url.expose()).await.status, 200);
    assert!(
        bed.client()
            .head_object()
            .bucket("inbox")
            .key(name)
            .send()
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_page_is_refused_by_the_server() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["late".into()],
        ..LocalS3Options::default()
    })
    .await;
    let request = bed
        .session
        .request_files("late", &options("", 100, 2))
        .await
        .unwrap();
    let config =
        page_config(&String::from_utf8(http_get(request.url.expose()).await.body).unwrap());
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let (status, body) = post(
        &config,
        0,
        "incoming/contracts/late.txt",
        "text/plain",
        b"late",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("expired"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_before_anything_is_written() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["strict".into()],
        ..LocalS3Options::default()
    })
    .await;
    let mut no_title = options("", 100, 60);
    no_title.title = "  ".into();
    let mut escaping = options("", 100, 60);
    escaping.folder = Some("../outside/".into());
    let mut too_big = options("", 100, 60);
    too_big.max_size = 6 * 1024 * 1024 * 1024;
    for (bad, says) in [
        (no_title, "title"),
        (escaping, "inside the bucket"),
        (too_big, "5 GB"),
    ] {
        let err = bed.session.request_files("strict", &bad).await.unwrap_err();
        assert_eq!(err.kind, s3share::ErrorKind::BadInput);
        assert!(err.message.contains(says), "{}", err.message);
    }
    let listed = bed
        .client()
        .list_objects_v2()
        .bucket("strict")
        .send()
        .await
        .unwrap();
    assert!(listed.contents().is_empty(), "nothing was written");
}

fn base64_encode(bytes: &[u8]) -> String {
    aws_smithy_types::base64::encode(bytes)
}

fn base64_decode(text: &str) -> Vec<u8> {
    aws_smithy_types::base64::decode(text).unwrap()
}

/// What a sender stores cannot touch what is not theirs: every received file is stored to be
/// downloaded (an SVG with script is never run on the bucket's origin), a POST without that
/// disposition is refused by the policy, a `..` key cannot climb out of the folder onto the
/// page, and the owner cannot put a request folder inside `.s3share/`. The page's own upload
/// test (a one-byte probe through the policy) is removed after it passed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn senders_cannot_reach_what_is_not_theirs() {
    let bed = local_bed(LocalS3Options {
        buckets: vec!["shared".into()],
        ..LocalS3Options::default()
    })
    .await;
    let request = bed
        .session
        .request_files("shared", &options("images, text", 1000, 3600))
        .await
        .unwrap();
    assert_eq!(request.check, s3share::LinkCheck::Opens);
    let listed = bed
        .client()
        .list_objects_v2()
        .bucket("shared")
        .prefix("incoming/")
        .send()
        .await
        .unwrap();
    assert!(listed.contents().is_empty(), "the upload test was removed");
    let page = http_get(request.url.expose()).await.body;
    let config = page_config(&String::from_utf8(page.clone()).unwrap());

    let svg =
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(document.domain)</script></svg>";
    let key = "incoming/contracts/0123456789abcdef0123456789abcdef/x.svg";
    let (status, body) = post(&config, 0, key, "image/svg+xml", svg).await;
    assert_eq!(status, 201, "{body}");
    let link = bed
        .session
        .share_link(
            "shared",
            key,
            &s3share::ShareOptions {
                expiry: Expiry::from_secs(60).unwrap(),
                download_filename: None,
                revocable: false,
            },
        )
        .await
        .unwrap();
    let served = http_get(link.url.expose()).await;
    assert_eq!(served.status, 200);
    assert_eq!(served.content_disposition.as_deref(), Some("attachment"));

    let mut inline = config.clone();
    inline["fields"] = serde_json::Value::Array(
        config["fields"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f[0] != "Content-Disposition")
            .cloned()
            .collect(),
    );
    let (status, body) = post(&inline, 0, "incoming/contracts/y.svg", "image/svg+xml", svg).await;
    assert!(
        (400..500).contains(&status),
        "stored inline: {status} {body}"
    );

    let page_key = format!(".s3share/requests/{}.html", request.id);
    let climbing = format!("incoming/contracts/../../{page_key}");
    let (status, body) = post(&config, 1, &climbing, "text/plain", b"<h1>owned</h1>").await;
    assert!((400..500).contains(&status), "climbed out: {status} {body}");
    assert_eq!(
        http_get(request.url.expose()).await.body,
        page,
        "the page is intact"
    );

    let mut inside = options("", 100, 60);
    inside.folder = Some(".s3share/requests/".into());
    let err = bed
        .session
        .request_files("shared", &inside)
        .await
        .unwrap_err();
    assert!(err.message.contains(".s3share/"), "{}", err.message);
    let refused = s3share::parse_types("text/html").unwrap_err().to_string();
    assert!(refused.contains("run it as a page"), "{refused}");
}
