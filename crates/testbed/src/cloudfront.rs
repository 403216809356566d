//! A small CloudFront-like edge for tests: it checks a signed URL the way CloudFront
//! documents it, with its own code (not S3 Share's): the `Expires` (canned) or `Policy`
//! (custom) parameter, the `Signature` over that policy with the trusted public key
//! (RSA-SHA1 PKCS#1 v1.5), `Key-Pair-Id`, the resource URL (the request's URL without
//! those three parameters, or a policy resource ending in `*`), the end, the start and
//! the client's address. Then it serves the object from the test bed's store (the folder
//! the in-process S3 server serves), honouring `response-content-disposition` as an
//! origin request policy that forwards it would. Refusals are 403 with CloudFront's XML.
//!
//! The client's address is the socket's, unless the request carries
//! `X-Test-Client-Ip` (so a test can come "from" another network).
//!
//! Like CloudFront, the edge keeps what it served (by path and the query it forwards) and
//! serves it again from that cache, even once the object is gone from the bucket, until an
//! invalidation that covers the path has completed. The invalidations come through a small
//! CloudFront API (`GetDistribution`, `CreateInvalidation`, `GetInvalidation` of API version
//! 2020-05-31) on a
//! port of its own, which checks each request's SigV4 signature (service `cloudfront`,
//! region `us-east-1`) with its own code against the keys it was given. An invalidation
//! answers `InProgress` to its first `GetInvalidation`, then completes.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

mod api;

use base64::Engine as _;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use percent_encoding::percent_decode_str;
use rsa::pkcs8::DecodePublicKey as _;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running edge (and its API); stops when dropped.
pub struct CloudFrontEdge {
    addr: SocketAddr,
    api_addr: SocketAddr,
    edge: Arc<Edge>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for CloudFrontEdge {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The distribution id the API answers for.
pub const DISTRIBUTION_ID: &str = "E2TESTBEDEDGE1";

/// One invalidation as the API holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalidation {
    pub id: String,
    pub paths: Vec<String>,
    pub completed: bool,
    /// `GetInvalidation` calls still answered `InProgress`.
    polls_left: u32,
}

struct Edge {
    key_id: String,
    public: rsa::PublicKey,
    /// The bucket's folder in the store, and the origin path under it.
    origin: PathBuf,
    /// `http://127.0.0.1:PORT`: the start of every resource URL.
    base: String,
    /// What was served, by path and forwarded query: served again until invalidated.
    cache: Mutex<HashMap<String, Served>>,
    invalidations: Mutex<Vec<Invalidation>>,
    /// The keys that may call the API (access key, secret).
    api_keys: Mutex<Option<(String, String)>>,
    /// An error code every API call answers with (a test of a refused invalidation).
    api_refusal: Mutex<Option<(u16, String)>>,
    /// Why API requests were refused, for a test's message.
    api_log: Mutex<Vec<String>>,
}

/// A body served, and its Content-Disposition.
type Served = (Vec<u8>, Option<String>);

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl CloudFrontEdge {
    /// Serves `store/bucket/origin_path/…` to URLs signed by the private half of
    /// `public_key_pem` (SPKI PEM) under `key_id`.
    pub async fn start(
        public_key_pem: &str,
        key_id: &str,
        store: PathBuf,
        bucket: &str,
        origin_path: &str,
    ) -> std::io::Result<CloudFrontEdge> {
        let public = rsa::PublicKey::from_public_key_pem(public_key_pem)
            .map_err(|e| std::io::Error::other(format!("public key: {e}")))?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let api_listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let api_addr = api_listener.local_addr()?;
        let mut origin = store.join(bucket);
        for part in origin_path.split('/').filter(|p| !p.is_empty()) {
            origin.push(part);
        }
        let edge = Arc::new(Edge {
            key_id: key_id.to_owned(),
            public,
            origin,
            base: format!("http://{addr}"),
            cache: Mutex::default(),
            invalidations: Mutex::default(),
            api_keys: Mutex::default(),
            api_refusal: Mutex::default(),
            api_log: Mutex::default(),
        });
        let serving = edge.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    return;
                };
                let edge = serving.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let edge = edge.clone();
                        async move {
                            Ok::<_, std::convert::Infallible>(edge.answer(&request, peer.ip()))
                        }
                    });
                    let _ = ConnBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let api = edge.clone();
        let api_task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = api_listener.accept().await else {
                    return;
                };
                let edge = api.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let edge = edge.clone();
                        async move { Ok::<_, std::convert::Infallible>(edge.api(request).await) }
                    });
                    let _ = ConnBuilder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        Ok(CloudFrontEdge {
            addr,
            api_addr,
            edge,
            tasks: vec![task, api_task],
        })
    }

    /// `http://127.0.0.1:PORT`: the distribution's "domain" in tests.
    pub fn domain(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The CloudFront API's endpoint (AWS_ENDPOINT_URL_CLOUDFRONT in tests); it accepts
    /// requests signed with `access_key` and `secret`.
    pub fn api_endpoint(&self, access_key: &str, secret: &str) -> String {
        *lock(&self.edge.api_keys) = Some((access_key.to_owned(), secret.to_owned()));
        format!("http://{}", self.api_addr)
    }

    /// Every invalidation asked for so far.
    pub fn invalidations(&self) -> Vec<Invalidation> {
        lock(&self.edge.invalidations).clone()
    }

    /// Why API requests were refused so far.
    pub fn api_refusals(&self) -> Vec<String> {
        lock(&self.edge.api_log).clone()
    }

    /// Every API call answers `status` with error `code` (None: answered again).
    pub fn refuse_api(&self, refusal: Option<(u16, &str)>) {
        *lock(&self.edge.api_refusal) = refusal.map(|(s, c)| (s, c.to_owned()));
    }
}

type Answer = hyper::Response<Full<hyper::body::Bytes>>;

fn refuse(message: &str) -> Answer {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AccessDenied</Code><Message>{message}</Message></Error>"
    );
    hyper::Response::builder()
        .status(403)
        .header("content-type", "text/xml")
        .body(Full::new(body.into()))
        .expect("a valid answer")
}

fn b64(text: &str) -> Option<Vec<u8>> {
    let standard = text.replace('-', "+").replace('_', "=").replace('~', "/");
    base64::engine::general_purpose::STANDARD
        .decode(standard)
        .ok()
}

fn in_range(range: &str, ip: IpAddr) -> bool {
    let (address, bits) = range.split_once('/').unwrap_or((range, "32"));
    let (Ok(address), Ok(bits)) = (address.parse::<IpAddr>(), bits.parse::<u32>()) else {
        return false;
    };
    match (address, ip) {
        (IpAddr::V4(a), IpAddr::V4(b)) => {
            let mask = u32::MAX.checked_shl(32 - bits.min(32)).unwrap_or(0);
            u32::from(a) & mask == u32::from(b) & mask
        }
        _ => address == ip,
    }
}

impl Edge {
    fn answer(&self, request: &hyper::Request<hyper::body::Incoming>, peer: IpAddr) -> Answer {
        let client = request
            .headers()
            .get("x-test-client-ip")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(peer);
        let path = request.uri().path();
        let query = request.uri().query().unwrap_or_default();
        let (mut expires, mut policy, mut signature, mut key_id) = (None, None, None, None);
        let mut kept = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=').unwrap_or((pair, "")) {
                ("Expires", v) => expires = Some(v.to_owned()),
                ("Policy", v) => policy = Some(v.to_owned()),
                ("Signature", v) => signature = Some(v.to_owned()),
                ("Key-Pair-Id", v) => key_id = Some(v.to_owned()),
                _ => kept.push(pair),
            }
        }
        let resource = if kept.is_empty() {
            format!("{}{path}", self.base)
        } else {
            format!("{}{path}?{}", self.base, kept.join("&"))
        };
        let (Some(signature), Some(key_id)) = (signature.and_then(|s| b64(&s)), key_id) else {
            return refuse("Missing Key-Pair-Id query parameter or cookie value");
        };
        if key_id != self.key_id {
            return refuse("Unknown Key");
        }
        let policy_json = match (expires, policy) {
            (Some(expires), None) => format!(
                r#"{{"Statement":[{{"Resource":"{resource}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{expires}}}}}}}]}}"#
            ),
            (None, Some(policy)) => match b64(&policy).and_then(|p| String::from_utf8(p).ok()) {
                Some(json) => json,
                None => return refuse("Malformed Policy"),
            },
            _ => return refuse("Missing Expires or Policy"),
        };
        if self
            .public
            .pkcs1v15_verify::<sha1::Sha1>(policy_json.as_bytes(), &signature)
            .is_err()
        {
            return refuse("Invalid signature");
        }
        let Ok(policy) = serde_json::from_str::<serde_json::Value>(&policy_json) else {
            return refuse("Malformed Policy");
        };
        let statement = &policy["Statement"][0];
        let allowed = statement["Resource"].as_str().unwrap_or_default();
        let matches = match allowed.strip_suffix('*') {
            Some(prefix) => resource.starts_with(prefix),
            None => allowed == resource,
        };
        if !matches {
            return refuse("Access denied: the resource does not match the policy");
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs();
        let condition = &statement["Condition"];
        let ends = condition["DateLessThan"]["AWS:EpochTime"]
            .as_u64()
            .unwrap_or(0);
        if now >= ends {
            return refuse("Access denied: the URL has expired");
        }
        if condition["DateGreaterThan"]["AWS:EpochTime"]
            .as_u64()
            .is_some_and(|start| now < start)
        {
            return refuse("Access denied: the URL is not valid yet");
        }
        if let Some(range) = condition["IpAddress"]["AWS:SourceIp"].as_str()
            && !in_range(range, client)
        {
            return refuse("Access denied: not from an allowed address");
        }
        let cached = format!("{path}?{}", kept.join("&"));
        if let Some((body, disposition)) = lock(&self.cache).get(&cached).cloned() {
            return served(body, disposition, "Hit from cloudfront");
        }
        match self.serve(path, &kept) {
            Ok((body, disposition)) => {
                lock(&self.cache).insert(cached, (body.clone(), disposition.clone()));
                served(body, disposition, "Miss from cloudfront")
            }
            Err(refused) => *refused,
        }
    }

    /// The object from the store, and the Content-Disposition asked for.
    fn serve(&self, path: &str, query: &[&str]) -> Result<Served, Box<Answer>> {
        let Ok(key) = percent_decode_str(path.trim_start_matches('/')).decode_utf8() else {
            return Err(Box::new(refuse("Bad path")));
        };
        if key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return Err(Box::new(refuse("Bad path")));
        }
        let file = key
            .split('/')
            .fold(self.origin.clone(), |dir, part| dir.join(part));
        let Ok(body) = std::fs::read(&file) else {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
            return Err(Box::new(
                hyper::Response::builder()
                    .status(404)
                    .body(Full::new(body.into()))
                    .expect("a valid answer"),
            ));
        };
        let disposition = query
            .iter()
            .find_map(|p| p.strip_prefix("response-content-disposition="))
            .and_then(|v| percent_decode_str(v).decode_utf8().ok())
            .map(|v| v.into_owned());
        Ok((body, disposition))
    }
}

fn served(body: Vec<u8>, disposition: Option<String>, cache: &str) -> Answer {
    let mut answer = hyper::Response::builder()
        .status(200)
        .header("content-type", "application/octet-stream")
        .header("x-cache", cache);
    if let Some(disposition) = disposition {
        answer = answer.header("content-disposition", disposition);
    }
    answer.body(Full::new(body.into())).expect("a valid answer")
}
