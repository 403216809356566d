//! The demo's S3 server: `s3s` + `s3s-fs` on 127.0.0.1 at a random port, serving one
//! directory per bucket. It checks SigV4 signatures and link expiry like AWS does, so the
//! demo shows what a real bucket would decide.
//!
//! Only what a demo needs lives here. s3s-fs ignores the `response-*` overrides of a GET;
//! AWS applies them (they are signed into the link), so this server does too: that is how
//! the download filename of a demo link reaches the browser. Test-only behaviours (denied
//! buckets, region checks) belong to the `testbed` crate, never to the product.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use percent_encoding::percent_decode_str;
use s3s::auth::SimpleAuth;
use s3s::service::{S3Service, S3ServiceBuilder};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running server; stops when dropped.
#[derive(Debug)]
pub struct DemoServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl DemoServer {
    /// Serves `root` on 127.0.0.1 at a free port. Must be called inside a Tokio runtime,
    /// which then runs the server.
    pub async fn start(root: &Path, access_key: &str, secret_key: &str) -> std::io::Result<Self> {
        let fs =
            s3s_fs::FileSystem::new(root).map_err(|e| std::io::Error::other(format!("{e:?}")))?;
        let mut builder = S3ServiceBuilder::new(fs);
        builder.set_auth(SimpleAuth::from_single(access_key, secret_key));
        builder.set_access(super::file_store::LiteralKeys);
        let service = Arc::new(Store {
            service: builder.build(),
            writes: super::file_store::ConditionalWrites::default(),
        });
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(serve(listener, service));
        tracing::info!(%addr, "demo S3 server started");
        Ok(DemoServer { addr, task })
    }

    /// `http://127.0.0.1:PORT`
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The S3 service and the turns its conditional writes take.
struct Store {
    service: S3Service,
    writes: super::file_store::ConditionalWrites,
}

async fn serve(listener: TcpListener, service: Arc<Store>) {
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
        let service = service.clone();
        let conn = http
            .serve_connection(
                TokioIo::new(socket),
                service_fn(move |req| {
                    let service = service.clone();
                    async move { call(&service, req).await }
                }),
            )
            .into_owned();
        // Connections live in this JoinSet, so aborting the server ends them too.
        connections.spawn(async move {
            let _ = conn.await;
        });
        while connections.try_join_next().is_some() {}
    }
}

async fn call(
    store: &Store,
    req: http::Request<hyper::body::Incoming>,
) -> Result<http::Response<s3s::Body>, s3s::HttpError> {
    let overrides = response_overrides(req.uri().query());
    let is_get = req.method() == http::Method::GET;
    let _turn = store.writes.turn(&req).await;
    let mut response = store.service.call(req.map(s3s::Body::from)).await?;
    // Applied only after s3s accepted the signature, which covers the overrides.
    if is_get && response.status().is_success() {
        for (name, value) in overrides {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
    }
    Ok(response)
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
