//! S3 keys are literal names: on AWS `inbox/../page.html` is one key like any other. The
//! demo bucket's server (and the test bed, which includes this file) store objects as files,
//! where a `..` segment would climb out of its folder and could replace any object, a
//! request page among them. They refuse such keys, in the path and in browser (POST) uploads.
//! Shared by `src/demo/server.rs` and `crates/testbed` through `#[path]`.

use s3s::access::{S3Access, S3AccessContext};
use s3s::dto::PutObjectInput;
use s3s::path::S3Path;
use s3s::{S3Request, S3Result, s3_error};

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
