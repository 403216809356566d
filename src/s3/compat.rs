//! Compatibility with S3-compatible servers that stray from the S3 wire format.
//!
//! `rclone serve s3` (gofakes3) answers CreateMultipartUpload with the root element
//! `<InitiateMultipartUpload>` instead of `<InitiateMultipartUploadResult>`; the SDK then
//! refuses the answer and no multipart upload can start. For custom endpoints only, this
//! interceptor renames that root element before the SDK parses the response.

use std::pin::Pin;
use std::task::{Context, Poll};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;
use http_body::{Body, Frame};

#[derive(Debug, Default)]
pub struct InitiateMultipartRootFix;

impl Intercept for InitiateMultipartRootFix {
    fn name(&self) -> &'static str {
        "InitiateMultipartRootFix"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let is_create = cfg
            .load::<Metadata>()
            .is_some_and(|m| m.name() == "CreateMultipartUpload");
        if !is_create || !context.response().status().is_success() {
            return Ok(());
        }
        let response = context.response_mut();
        let body = response.take_body();
        *response.body_mut() = SdkBody::from_body_1_x(RenameRoot {
            inner: body,
            buffer: Vec::new(),
            finished: false,
        });
        Ok(())
    }
}

/// Collects the (small) XML answer, then hands it on with the root element renamed.
struct RenameRoot {
    inner: SdkBody,
    buffer: Vec<u8>,
    finished: bool,
}

impl Body for RenameRoot {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        loop {
            if self.finished {
                return Poll::Ready(None);
            }
            match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Poll::Ready(Some(Err(err))) => return Poll::Ready(Some(Err(err))),
                Poll::Ready(None) => {
                    self.finished = true;
                    let fixed = rename_root(&self.buffer);
                    return Poll::Ready(Some(Ok(Frame::data(Bytes::from(fixed)))));
                }
            }
        }
    }
}

/// `<InitiateMultipartUpload>` -> `<InitiateMultipartUploadResult>`; anything else unchanged.
pub fn rename_root(xml: &[u8]) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(xml) else {
        return xml.to_vec();
    };
    if text.contains("InitiateMultipartUploadResult") {
        return xml.to_vec();
    }
    text.replace(
        "<InitiateMultipartUpload>",
        "<InitiateMultipartUploadResult>",
    )
    .replace(
        "<InitiateMultipartUpload ",
        "<InitiateMultipartUploadResult ",
    )
    .replace(
        "</InitiateMultipartUpload>",
        "</InitiateMultipartUploadResult>",
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_only_the_gofakes3_root() {
        let bad = br#"<?xml version="1.0"?><InitiateMultipartUpload xmlns="x"><UploadId>1</UploadId></InitiateMultipartUpload>"#;
        assert_eq!(
            rename_root(bad),
            br#"<?xml version="1.0"?><InitiateMultipartUploadResult xmlns="x"><UploadId>1</UploadId></InitiateMultipartUploadResult>"#.to_vec()
        );
        let good = br#"<InitiateMultipartUploadResult><UploadId>1</UploadId></InitiateMultipartUploadResult>"#;
        assert_eq!(rename_root(good), good.to_vec());
    }
}
