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

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use percent_encoding::percent_decode_str;
use rsa::pkcs8::DecodePublicKey as _;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running edge; stops when dropped.
pub struct CloudFrontEdge {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for CloudFrontEdge {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Edge {
    key_id: String,
    public: rsa::PublicKey,
    /// The bucket's folder in the store, and the origin path under it.
    origin: PathBuf,
    /// `http://127.0.0.1:PORT`: the start of every resource URL.
    base: String,
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
        let mut origin = store.join(bucket);
        for part in origin_path.split('/').filter(|p| !p.is_empty()) {
            origin.push(part);
        }
        let edge = Arc::new(Edge {
            key_id: key_id.to_owned(),
            public,
            origin,
            base: format!("http://{addr}"),
        });
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, peer)) = listener.accept().await else {
                    return;
                };
                let edge = edge.clone();
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
        Ok(CloudFrontEdge { addr, task })
    }

    /// `http://127.0.0.1:PORT`: the distribution's "domain" in tests.
    pub fn domain(&self) -> String {
        format!("http://{}", self.addr)
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
        self.serve(path, &kept)
    }

    /// The object from the store, with the asked Content-Disposition.
    fn serve(&self, path: &str, query: &[&str]) -> Answer {
        let Ok(key) = percent_decode_str(path.trim_start_matches('/')).decode_utf8() else {
            return refuse("Bad path");
        };
        if key
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            return refuse("Bad path");
        }
        let file = key
            .split('/')
            .fold(self.origin.clone(), |dir, part| dir.join(part));
        let Ok(body) = std::fs::read(&file) else {
            let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
            return hyper::Response::builder()
                .status(404)
                .body(Full::new(body.into()))
                .expect("a valid answer");
        };
        let mut answer = hyper::Response::builder()
            .status(200)
            .header("content-type", "application/octet-stream")
            .header("x-cache", "Miss from cloudfront");
        if let Some(disposition) = query
            .iter()
            .find_map(|p| p.strip_prefix("response-content-disposition="))
            .and_then(|v| percent_decode_str(v).decode_utf8().ok())
        {
            answer = answer.header("content-disposition", disposition.as_ref());
        }
        answer.body(Full::new(body.into())).expect("a valid answer")
    }
}
