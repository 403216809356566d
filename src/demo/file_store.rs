//! What a server that stores objects as files (s3s-fs: the demo bucket's server, and the
//! test bed, which includes this file through `#[path]`) must add to behave like S3:
//!
//! - S3 keys are literal names: on AWS `inbox/../page.html` is one key like any other. On
//!   files a `..` segment would climb out of its folder and could replace any object, a
//!   request page among them. Such keys are refused, in the path and in browser (POST)
//!   uploads (`LiteralKeys`).
//! - `If-None-Match: *` must be atomic: s3s-fs checks that the file is absent, then writes,
//!   so two uploads to the same free key could both pass the check. Conditional writes to
//!   one key take turns (`ConditionalWrites`): the second sees the first's object and is
//!   refused with 412, as on S3.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use s3s::access::{S3Access, S3AccessContext};
use s3s::dto::PutObjectInput;
use s3s::path::S3Path;
use s3s::{S3Request, S3Result, s3_error};

/// Conditional writes (`If-None-Match: *`: a PUT, or the POST that completes a multipart
/// upload) to one key, one at a time.
#[derive(Debug, Default)]
pub struct ConditionalWrites(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl ConditionalWrites {
    /// Waits for this request's turn when it is a conditional write; the turn lasts as long
    /// as the guard (hold it until the server has answered).
    pub async fn turn<B>(
        &self,
        req: &http::Request<B>,
    ) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        let conditional = req
            .headers()
            .get(http::header::IF_NONE_MATCH)
            .is_some_and(|v| v.as_bytes() == b"*");
        let writes = req.method() == http::Method::PUT || req.method() == http::Method::POST;
        if !conditional || !writes {
            return None;
        }
        let lock = {
            let mut locks = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let key = format!(
                "{}{}",
                req.headers()
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or(""),
                req.uri().path()
            );
            locks.entry(key).or_default().clone()
        };
        Some(lock.lock_owned().await)
    }
}

/// The access check of the file-backed servers: signed requests only (as s3s's default),
/// and no key that would leave its folder.
pub struct LiteralKeys;

/// True when `key` would not stay a literal name on a file system.
pub fn climbs_out(key: &str) -> bool {
    key.starts_with('/') || key.split(['/', '\\']).any(|s| s == ".." || s == ".")
}

fn refuse(key: &str) -> s3s::S3Error {
    s3_error!(
        InvalidArgument,
        "This server stores objects as files and does not accept a key with a \".\" or \"..\" segment: {key:?}"
    )
}

#[async_trait::async_trait]
impl S3Access for LiteralKeys {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        if let S3Path::Object { key, .. } = cx.s3_path()
            && climbs_out(key)
        {
            return Err(refuse(key));
        }
        match cx.credentials() {
            Some(_) => Ok(()),
            None => Err(s3_error!(AccessDenied, "Signature is required")),
        }
    }

    /// Browser uploads name their key in the form, not the path.
    async fn put_object(&self, req: &mut S3Request<PutObjectInput>) -> S3Result<()> {
        if climbs_out(&req.input.key) {
            return Err(refuse(&req.input.key));
        }
        Ok(())
    }
}
