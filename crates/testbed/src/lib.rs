//! The test bed (a dev-dependency only, never part of the product): a real S3 server inside
//! the test process, `s3s` + `s3s-fs` on 127.0.0.1 at a random port. It checks SigV4
//! signatures and link expiry, so tests exercise exactly what AWS would decide.
//!
//! A thin gate in front of `s3s` adds what AWS does and s3s-fs does not, after s3s has
//! checked the signature: the `response-*` overrides of a GET (Content-Disposition);
//! when buckets are given regions, `x-amz-bucket-region` and refusal of a request signed
//! for another region; and 403 AccessDenied for buckets marked as denied.
//!
//! Failures a link can meet although the owner's own requests pass, answered the way S3
//! answers them: a bucket policy that denies requests by link (query-signed) but not the
//! owner's; an object behind a KMS key the signer may not use; and an object that a stale
//! cache still reports to HEAD while GET fails (as `rclone serve s3` does).
//!
//! With `sts` on, it also answers STS AssumeRole (a form POST to `/`) the way STS does:
//! credentials (the server's own keys plus a session token) that expire after the
//! requested DurationSeconds (3600 when none is asked for). With `sso`, it answers the SSO
//! portal's GetRoleCredentials (`GET /federation/credentials`) in the same spirit.

#[path = "../../../src/demo/file_store.rs"]
mod file_store;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use percent_encoding::percent_decode_str;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod cloudfront;
mod synthetic;
pub use cloudfront::{CloudFrontEdge, DISTRIBUTION_ID as CLOUDFRONT_DISTRIBUTION_ID, Invalidation};
pub use synthetic::SyntheticFolder;

/// The header S3 puts on HeadBucket answers (and on wrong-region refusals).
const BUCKET_REGION_HEADER: &str = "x-amz-bucket-region";

/// How to start a local server.
#[derive(Debug, Clone, Default)]
pub struct LocalS3Options {
    /// Buckets to create (as directories) before serving.
    pub buckets: Vec<String>,
    /// bucket -> region; when non-empty, the region gate is on.
    pub bucket_regions: HashMap<String, String>,
    /// Region of buckets not in `bucket_regions`.
    pub default_region: String,
    /// Buckets whose every request is refused with 403 AccessDenied, as for a bucket the
    /// keys have no permission on (SimpleAuth alone allows everything).
    pub denied_buckets: Vec<String>,
    /// Buckets whose policy denies requests made with a link (query-signed) while the
    /// owner's header-signed requests pass: 403 AccessDenied, as for an IP-range Deny.
    pub link_denied_buckets: Vec<String>,
    /// "bucket/key" objects encrypted with a KMS key the signer may not use: a link GET
    /// gets 403 AccessDenied naming kms:Decrypt.
    pub kms_denied_objects: Vec<String>,
    /// "bucket/key" objects a stale cache still reports: HEAD answers 200 while GET
    /// answers 500 InternalError.
    pub stale_objects: Vec<String>,
    /// Answer STS AssumeRole too.
    pub sts: bool,
    /// Answer the SSO portal's GetRoleCredentials too (point AWS_ENDPOINT_URL_SSO here),
    /// with the server's keys ending after this long.
    pub sso: Option<std::time::Duration>,
    /// Hold every UploadPart this long before answering (a slow link, so a test can
    /// interrupt an upload halfway).
    pub part_delay: Option<std::time::Duration>,
    /// Serve HTTPS with this certificate chain and key (PEM), as a company's MinIO would.
    pub tls: Option<(String, String)>,
    /// Folders of generated keys (listing benchmarks); their bucket must be in `buckets`.
    pub synthetic: Vec<SyntheticFolder>,
    /// Append each request's method, path and query, and its Referer, to this file (what a
    /// server's access log would show: the browser tests check that no key reaches it).
    pub request_log: Option<PathBuf>,
}

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct LocalS3 {
    addr: SocketAddr,
    scheme: &'static str,
    root: PathBuf,
    pub access_key: String,
    pub secret_key: String,
    task: JoinHandle<()>,
    refusals: Arc<std::sync::Mutex<Refusals>>,
}

impl LocalS3 {
    /// Serves `root` (one directory per bucket) on 127.0.0.1 at a free port. Must be called
    /// inside a Tokio runtime, which then runs the server.
    pub async fn start(
        root: &Path,
        access_key: &str,
        secret_key: &str,
        options: LocalS3Options,
    ) -> std::io::Result<LocalS3> {
        for bucket in &options.buckets {
            std::fs::create_dir_all(root.join(bucket))?;
        }
        let fs =
            s3s_fs::FileSystem::new(root).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
        builder.set_access(file_store::LiteralKeys);
        let service = builder.build();
        let refusals = Arc::new(std::sync::Mutex::new(Refusals::default()));
        let request_log = match &options.request_log {
            Some(path) => Some(std::sync::Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)?,
            )),
            None => None,
        };
        let gate = Arc::new(RegionGate {
            request_log,
            refusals: refusals.clone(),
            service,
            regions: options.bucket_regions,
            denied: options.denied_buckets,
            link_denied: options.link_denied_buckets,
            kms_denied: options.kms_denied_objects,
            stale: options.stale_objects,
            sts: options
                .sts
                .then(|| (access_key.to_owned(), secret_key.to_owned())),
            sso: options
                .sso
                .map(|lasts| (access_key.to_owned(), secret_key.to_owned(), lasts)),
            part_delay: options.part_delay,
            synthetic: options.synthetic,
            writes: file_store::ConditionalWrites::default(),
            default_region: if options.default_region.is_empty() {
                "us-east-1".to_owned()
            } else {
                options.default_region
            },
        });
        let acceptor = match &options.tls {
            Some((cert, key)) => Some(tls_acceptor(cert, key)?),
            None => None,
        };
        let scheme = if acceptor.is_some() { "https" } else { "http" };
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(serve(listener, gate, acceptor));
        tracing::info!(%addr, "local S3 server started");
        Ok(LocalS3 {
            addr,
            scheme,
            root: root.to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            task,
            refusals,
        })
    }

    /// `http://127.0.0.1:PORT` (`https://` with `tls`).
    pub fn endpoint(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// From now on, refuses what `refusals` names (replacing what was refused before).
    pub fn refuse(&self, refusals: Refusals) {
        *self.refusals.lock().unwrap_or_else(|e| e.into_inner()) = refusals;
    }

    /// Stops accepting connections (tests of a server that goes away).
    pub fn stop(&self) {
        self.task.abort();
    }
}

impl Drop for LocalS3 {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn tls_acceptor(cert: &str, key: &str) -> std::io::Result<tokio_rustls::TlsAcceptor> {
    let certs = rustls_pemfile::certs(&mut cert.as_bytes()).collect::<Result<Vec<_>, _>>()?;
    let key = rustls_pemfile::private_key(&mut key.as_bytes())?
        .ok_or_else(|| std::io::Error::other("no private key in the PEM"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(std::io::Error::other)?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

async fn serve(
    listener: TcpListener,
    gate: Arc<RegionGate>,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    let http = ConnBuilder::new(TokioExecutor::new());
    let mut connections = tokio::task::JoinSet::new();
    loop {
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        // Answers go out as written (a header and a small body are two writes): without
        // this, Nagle's algorithm and the client's delayed ACK hold each answer on a
        // kept-alive connection for 40 ms.
        let _ = socket.set_nodelay(true);
        let gate = gate.clone();
        let service = service_fn(move |req| {
            let gate = gate.clone();
            async move { gate.call(req).await }
        });
        let http = http.clone();
        let tls = tls.clone();
        // Connections live in this JoinSet, so aborting the server ends them too.
        connections.spawn(async move {
            match tls {
                Some(acceptor) => {
                    // A client that refuses the certificate ends the handshake: nothing to serve.
                    if let Ok(stream) = acceptor.accept(socket).await {
                        let _ = http.serve_connection(TokioIo::new(stream), service).await;
                    }
                }
                None => {
                    let _ = http.serve_connection(TokioIo::new(socket), service).await;
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
}

#[derive(Debug)]
struct RegionGate {
    service: S3Service,
    regions: HashMap<String, String>,
    denied: Vec<String>,
    link_denied: Vec<String>,
    kms_denied: Vec<String>,
    stale: Vec<String>,
    sts: Option<(String, String)>,
    sso: Option<(String, String, std::time::Duration)>,
    part_delay: Option<std::time::Duration>,
    synthetic: Vec<SyntheticFolder>,
    writes: file_store::ConditionalWrites,
    default_region: String,
    refusals: Arc<std::sync::Mutex<Refusals>>,
    request_log: Option<std::sync::Mutex<std::fs::File>>,
}

/// Requests refused with 403 AccessDenied from the moment a test asks, as a bucket policy
/// changed meanwhile would (set with `LocalS3::refuse`).
#[derive(Debug, Clone, Default)]
pub struct Refusals {
    /// DELETEs of keys starting with "bucket/prefix".
    pub deletes_under: Vec<String>,
    /// CopyObject / UploadPartCopy into these buckets.
    pub copies_into: Vec<String>,
}

impl RegionGate {
    fn refused<B>(&self, req: &http::Request<B>, path: &str) -> bool {
        let refusals = self.refusals.lock().unwrap_or_else(|e| e.into_inner());
        let object = path.trim_start_matches('/');
        let delete = req.method() == http::Method::DELETE
            && refusals
                .deletes_under
                .iter()
                .any(|p| object.starts_with(p.as_str()));
        let copy = req.method() == http::Method::PUT
            && req.headers().contains_key("x-amz-copy-source")
            && refusals
                .copies_into
                .iter()
                .any(|b| object.split('/').next() == Some(b.as_str()));
        delete || copy
    }

    async fn call(
        &self,
        req: http::Request<hyper::body::Incoming>,
    ) -> Result<http::Response<s3s::Body>, s3s::HttpError> {
        if let Some(log) = &self.request_log {
            use std::io::Write;
            let referer = req
                .headers()
                .get(http::header::REFERER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-");
            let mut log = log.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(log, "{} {} referer={referer}", req.method(), req.uri());
        }
        let overrides = response_overrides(req.uri().query());
        let path = req.uri().path().to_owned();
        let mut segments = path.trim_start_matches('/').splitn(2, '/');
        let bucket = segments.next().unwrap_or("").to_owned();
        let is_bucket_request = segments.next().is_none_or(str::is_empty);
        if self.refused(&req, &path) {
            return Ok(error_response(
                http::StatusCode::FORBIDDEN,
                "AccessDenied",
                "Access Denied",
            ));
        }
        if let Some(delay) = self.part_delay
            && req.method() == http::Method::PUT
            && req.uri().query().is_some_and(|q| q.contains("partNumber="))
        {
            tokio::time::sleep(delay).await;
        }
        if let Some((access, secret)) = &self.sts
            && req.method() == http::Method::POST
            && path == "/"
        {
            use http_body_util::BodyExt;
            let body = req.into_body().collect().await.map(|b| b.to_bytes());
            let form = body
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            return Ok(assume_role_response(&form, access, secret));
        }
        if let Some((access, secret, lasts)) = &self.sso
            && req.method() == http::Method::GET
            && path == "/federation/credentials"
        {
            let token = req.headers().get("x-amz-sso_bearer_token");
            return Ok(role_credentials_response(
                token.is_some(),
                access,
                secret,
                *lasts,
            ));
        }
        let object = percent_decode_str(path.trim_start_matches('/'))
            .decode_utf8_lossy()
            .into_owned();
        let by_link = req
            .uri()
            .query()
            .is_some_and(|q| q.contains("X-Amz-Signature="));
        if self.stale.contains(&object) {
            if req.method() == http::Method::HEAD {
                let mut response = http::Response::new(s3s::Body::empty());
                response.headers_mut().insert(
                    http::header::CONTENT_LENGTH,
                    http::HeaderValue::from_static("10"),
                );
                return Ok(response);
            }
            if req.method() == http::Method::GET {
                return Ok(error_response(
                    http::StatusCode::INTERNAL_SERVER_ERROR,
                    "InternalError",
                    "We encountered an internal error. Please try again.",
                ));
            }
        }
        if by_link && self.link_denied.contains(&bucket) {
            return Ok(error_response(
                http::StatusCode::FORBIDDEN,
                "AccessDenied",
                "Access Denied",
            ));
        }
        if by_link && req.method() == http::Method::GET && self.kms_denied.contains(&object) {
            return Ok(error_response(
                http::StatusCode::FORBIDDEN,
                "AccessDenied",
                "User: arn:aws:iam::111122223333:user/sharer is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because no identity-based policy allows the kms:Decrypt action",
            ));
        }
        if self.denied.contains(&bucket) {
            return Ok(error_response(
                http::StatusCode::FORBIDDEN,
                "AccessDenied",
                "Access Denied",
            ));
        }
        let gate_regions = !self.regions.is_empty() && !bucket.is_empty();
        let bucket_region = self
            .regions
            .get(&bucket)
            .cloned()
            .unwrap_or_else(|| self.default_region.clone());
        if gate_regions
            && let Some(signed_region) = signing_region(&req)
            && signed_region != bucket_region
        {
            let head_bucket = req.method() == http::Method::HEAD && is_bucket_request;
            return Ok(wrong_region_response(
                &signed_region,
                &bucket_region,
                head_bucket,
            ));
        }
        let is_get = req.method() == http::Method::GET;
        let synthetic_page = if is_get && is_bucket_request {
            let query = req.uri().query().unwrap_or("");
            self.synthetic.iter().find_map(|f| f.page(&bucket, query))
        } else {
            None
        };
        let _turn = self.writes.turn(&req).await;
        let mut response = self.service.call(req.map(s3s::Body::from)).await?;
        if gate_regions && let Ok(value) = http::HeaderValue::from_str(&bucket_region) {
            response.headers_mut().insert(BUCKET_REGION_HEADER, value);
        }
        // s3s answered for the real (empty) bucket, so the signature passed: the page of
        // generated keys goes in its place.
        if let Some(page) = synthetic_page
            && response.status().is_success()
        {
            let mut listed = http::Response::new(s3s::Body::from(page));
            listed.headers_mut().insert(
                http::header::CONTENT_TYPE,
                http::HeaderValue::from_static("application/xml"),
            );
            return Ok(listed);
        }
        // s3s-fs ignores the response-* overrides; AWS applies them to a GET that passed
        // the signature check (they are part of what is signed), so do the same here.
        if is_get && response.status().is_success() {
            for (name, value) in overrides {
                if let Ok(value) = http::HeaderValue::from_str(&value) {
                    response.headers_mut().insert(name, value);
                }
            }
        }
        Ok(response)
    }
}

/// `response-content-disposition` and friends of a GetObject query.
fn response_overrides(query: Option<&str>) -> Vec<(http::header::HeaderName, String)> {
    let Some(query) = query else {
        return Vec::new();
    };
    query
        .split('&')
        .filter_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            let header = match name {
                "response-content-disposition" => http::header::CONTENT_DISPOSITION,
                "response-content-type" => http::header::CONTENT_TYPE,
                "response-cache-control" => http::header::CACHE_CONTROL,
                "response-content-language" => http::header::CONTENT_LANGUAGE,
                "response-content-encoding" => http::header::CONTENT_ENCODING,
                "response-expires" => http::header::EXPIRES,
                _ => return None,
            };
            Some((
                header,
                percent_decode_str(value).decode_utf8_lossy().into_owned(),
            ))
        })
        .collect()
}

/// The region in the credential scope of a header- or query-signed request.
fn signing_region<B>(req: &http::Request<B>) -> Option<String> {
    let from_header = req
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split("Credential=").nth(1))
        .map(str::to_owned);
    let from_query = || {
        req.uri().query().and_then(|q| {
            q.split('&')
                .find_map(|pair| pair.strip_prefix("X-Amz-Credential="))
                .map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())
        })
    };
    let credential = from_header.or_else(from_query)?;
    // AK/DATE/REGION/s3/aws4_request
    credential.split('/').nth(2).map(str::to_owned)
}

/// STS's answer to AssumeRole: the session lasts the DurationSeconds asked for.
fn assume_role_response(form: &str, access: &str, secret: &str) -> http::Response<s3s::Body> {
    let duration = form
        .split('&')
        .find_map(|pair| pair.strip_prefix("DurationSeconds="))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(3600);
    let ends = std::time::SystemTime::now() + std::time::Duration::from_secs(duration);
    let body = format!(
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
         <Credentials><AccessKeyId>{access}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
         <SessionToken>testbed-session-{duration}</SessionToken><Expiration>{}</Expiration></Credentials>\
         <AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/R/s</Arn><AssumedRoleId>AROATESTBED:s</AssumedRoleId></AssumedRoleUser>\
         </AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>",
        iso8601(ends)
    );
    xml_response(http::StatusCode::OK, body)
}

/// The SSO portal's answer to GetRoleCredentials: JSON, the end in epoch milliseconds; 401
/// without the bearer token of `aws sso login`.
fn role_credentials_response(
    has_token: bool,
    access: &str,
    secret: &str,
    lasts: std::time::Duration,
) -> http::Response<s3s::Body> {
    let (status, body) = if has_token {
        let ends = (std::time::SystemTime::now() + lasts)
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis();
        (
            http::StatusCode::OK,
            format!(
                "{{\"roleCredentials\":{{\"accessKeyId\":\"{access}\",\"secretAccessKey\":\"{secret}\",\"sessionToken\":\"testbed-sso\",\"expiration\":{ends}}}}}"
            ),
        )
    } else {
        (
            http::StatusCode::UNAUTHORIZED,
            "{\"message\":\"Session token not found or invalid\"}".to_owned(),
        )
    };
    let mut response = http::Response::new(s3s::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// "2026-11-23T19:15:10Z"
fn iso8601(t: std::time::SystemTime) -> String {
    let secs = t
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

fn error_response(
    status: http::StatusCode,
    code: &str,
    message: &str,
) -> http::Response<s3s::Body> {
    xml_response(status, error_xml(code, message, ""))
}

fn error_xml(code: &str, message: &str, extra: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>{extra}</Error>"
    )
}

fn xml_response(status: http::StatusCode, body: String) -> http::Response<s3s::Body> {
    let mut response = http::Response::new(s3s::Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/xml"),
    );
    response
}

fn wrong_region_response(
    signed: &str,
    expected: &str,
    head_bucket: bool,
) -> http::Response<s3s::Body> {
    let mut response = if head_bucket {
        xml_response(http::StatusCode::MOVED_PERMANENTLY, String::new())
    } else {
        xml_response(
            http::StatusCode::BAD_REQUEST,
            error_xml(
                "AuthorizationHeaderMalformed",
                &format!("the region '{signed}' is wrong; expecting '{expected}'"),
                &format!("<Region>{expected}</Region>"),
            ),
        )
    };
    if let Ok(value) = http::HeaderValue::from_str(expected) {
        response.headers_mut().insert(BUCKET_REGION_HEADER, value);
    }
    response
}
