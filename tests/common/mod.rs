//! The test bed: a real S3 server (in-process s3s-fs, or an external one named by
//! S3SHARE_TEST_ENDPOINT, S3SHARE_TEST_ACCESS_KEY, S3SHARE_TEST_SECRET_KEY) and a plain
//! HTTP client with no credentials, the way a colleague opens a link.
#![allow(dead_code)]

pub mod bad_server;
pub mod cli;
pub mod fault_proxy;
pub mod qr;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use s3share::Session;
use testbed::{LocalS3, LocalS3Options};

pub const ACCESS_KEY: &str = "s3share-test-access";
pub const SECRET_KEY: &str = "s3share-test-secret-0123456789";
pub const REGION: &str = "us-east-1";

pub struct Bed {
    pub session: Session,
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    pub external: bool,
    pub server: Option<LocalS3>,
    _dir: Option<tempfile::TempDir>,
}

/// The server the suite runs against: external when the environment names one.
pub async fn bed() -> Bed {
    if let Ok(endpoint) = std::env::var("S3SHARE_TEST_ENDPOINT") {
        let access_key = std::env::var("S3SHARE_TEST_ACCESS_KEY").expect("S3SHARE_TEST_ACCESS_KEY");
        let secret_key = std::env::var("S3SHARE_TEST_SECRET_KEY").expect("S3SHARE_TEST_SECRET_KEY");
        let session =
            Session::with_static_keys("test", &endpoint, REGION, &access_key, &secret_key);
        return Bed {
            session,
            endpoint,
            access_key,
            secret_key,
            external: true,
            server: None,
            _dir: None,
        };
    }
    local_bed(LocalS3Options::default()).await
}

/// Always the in-process server (region tests need its region gate).
pub async fn local_bed(options: LocalS3Options) -> Bed {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = LocalS3::start(dir.path(), ACCESS_KEY, SECRET_KEY, options)
        .await
        .expect("start local S3");
    let endpoint = server.endpoint();
    Bed {
        session: Session::with_static_keys("test", &endpoint, REGION, ACCESS_KEY, SECRET_KEY),
        endpoint,
        access_key: ACCESS_KEY.into(),
        secret_key: SECRET_KEY.into(),
        external: false,
        server: Some(server),
        _dir: Some(dir),
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A bucket name no other test uses.
pub fn unique_name(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{}-{n}-{nanos}", std::process::id())
}

impl Bed {
    pub fn client(&self) -> aws_sdk_s3::Client {
        self.session.client_for(REGION)
    }

    pub async fn bucket(&self, prefix: &str) -> String {
        let name = unique_name(prefix);
        self.client()
            .create_bucket()
            .bucket(&name)
            .send()
            .await
            .expect("create bucket");
        name
    }

    /// Every key under `.s3share/` of `bucket` (S3 Share's own objects) and its size.
    pub async fn own_objects(&self, bucket: &str) -> Vec<(String, i64)> {
        let listed = self
            .client()
            .list_objects_v2()
            .bucket(bucket)
            .prefix(".s3share/")
            .send()
            .await
            .unwrap();
        listed
            .contents()
            .iter()
            .filter_map(|o| Some((o.key()?.to_owned(), o.size()?)))
            .collect()
    }

    pub async fn put(&self, bucket: &str, key: &str, body: &[u8]) {
        self.client()
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body.to_vec()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put {key}: {e:?}"));
    }
}

pub struct HttpResponse {
    pub status: u16,
    pub content_disposition: Option<String>,
    pub body: Vec<u8>,
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// A plain GET, no credentials, as a browser or curl would do it.
pub async fn http_get(url: &str) -> HttpResponse {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut response = agent().get(&url).call().expect("GET reaches the server");
        HttpResponse {
            status: response.status().as_u16(),
            content_disposition: response
                .headers()
                .get("content-disposition")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: response
                .body_mut()
                .with_config()
                .limit(u64::MAX)
                .read_to_vec()
                .expect("read the body"),
        }
    })
    .await
    .expect("GET task")
}

/// A plain PUT of `body`, with an optional Content-Type.
pub async fn http_put(url: &str, content_type: Option<&str>, body: &[u8]) -> u16 {
    let url = url.to_owned();
    let content_type = content_type.map(str::to_owned);
    let body = body.to_vec();
    tokio::task::spawn_blocking(move || {
        let mut request = agent().put(&url);
        if let Some(t) = content_type {
            request = request.header("Content-Type", t);
        }
        request
            .send(&body[..])
            .expect("PUT reaches the server")
            .status()
            .as_u16()
    })
    .await
    .expect("PUT task")
}
