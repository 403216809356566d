//! No server can hang or exhaust the app through the SDK. Every answer the SDK reads whole
//! (listings, errors, every XML reply) must arrive within the answer timeout and be at most
//! `MAX_ANSWER_BYTES`: an error body that never ends or trickles a byte at a time fails
//! instead of growing memory or waiting forever. And a request the server did not answer in
//! time is not retried, so the time a person is told (S3SHARE_TIMEOUT_SECS, 30 s by
//! default) is the time they wait, not three times it.
//!
//! This is ours because the SDK bounds neither: its read timeout is per attempt and to the
//! first byte, its stalled-stream protection watches streaming bodies only.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, InterceptorContext,
};
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::config_bag::ConfigBag;
use bytes::Bytes;

use crate::limits::{AnswerBound, MAX_ANSWER_BYTES, answer_bound};

/// Wraps every answer's body in `Bounded`.
#[derive(Debug)]
pub struct BoundedAnswers;

impl Intercept for BoundedAnswers {
    fn name(&self) -> &'static str {
        "BoundedAnswers"
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let body = std::mem::replace(context.response_mut().body_mut(), SdkBody::taken());
        let bounded = Bounded::new(body, MAX_ANSWER_BYTES, crate::limits::answer_timeout());
        *context.response_mut().body_mut() = SdkBody::from_body_1_x(bounded);
        Ok(())
    }
}

/// A body that fails past `limit` bytes or after `within` from its start.
pub struct Bounded<B> {
    inner: B,
    limit: u64,
    read: u64,
    within: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl<B> Bounded<B> {
    pub fn new(inner: B, limit: u64, within: Duration) -> Self {
        Bounded {
            inner,
            limit,
            read: 0,
            within,
            deadline: Box::pin(tokio::time::sleep(within)),
        }
    }
}

impl<B> http_body::Body for Bounded<B>
where
    B: http_body::Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    this.read += data.len() as u64;
                    if this.read > this.limit {
                        return Poll::Ready(Some(Err(AnswerBound::TooLarge(this.limit).into())));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(err))) => Poll::Ready(Some(Err(err.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(AnswerBound::TooSlow(this.within).into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// A request the server took but did not answer in time is not tried again.
#[derive(Debug)]
pub struct NoRetryAfterSilence;

impl ClassifyRetry for NoRetryAfterSilence {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(err))
                if err.is_timeout_error()
                    || err.as_connector_error().is_some_and(|e| e.is_timeout())
                    || answer_bound(err).is_some() =>
            {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NoRetryAfterSilence"
    }

    fn priority(&self) -> RetryClassifierPriority {
        // Before the SDK's own classifiers: a forbidden retry ends the classification.
        RetryClassifierPriority::run_before(
            RetryClassifierPriority::modeled_as_retryable_classifier(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn an_endless_body_fails_at_the_limit() {
        let endless = http_body_util::StreamBody::new(futures_stream(1024));
        let mut body = Bounded::new(endless, 10 * 1024, Duration::from_secs(30));
        let mut read = 0;
        let err = loop {
            match body.frame().await {
                Some(Ok(frame)) => read += frame.into_data().map(|d| d.len()).unwrap_or(0),
                Some(Err(err)) => break err,
                None => panic!("an endless body ended"),
            }
        };
        assert!(read <= 10 * 1024);
        assert_eq!(
            answer_bound(err.as_ref()),
            Some(&AnswerBound::TooLarge(10 * 1024))
        );
    }

    #[tokio::test]
    async fn a_trickling_body_fails_at_the_deadline() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<http_body::Frame<Bytes>, BoxError>>(1);
        tokio::spawn(async move {
            loop {
                if tx
                    .send(Ok(http_body::Frame::data(Bytes::from_static(b"x"))))
                    .await
                    .is_err()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        });
        let stream = http_body_util::StreamBody::new(tokio_stream_of(rx));
        let mut body = Bounded::new(stream, MAX_ANSWER_BYTES, Duration::from_millis(700));
        let started = std::time::Instant::now();
        let err = loop {
            match body.frame().await {
                Some(Ok(_)) => {}
                Some(Err(err)) => break err,
                None => panic!("ended"),
            }
        };
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(matches!(
            answer_bound(err.as_ref()),
            Some(AnswerBound::TooSlow(_))
        ));
    }

    /// Endless 1 KiB frames.
    fn futures_stream(
        size: usize,
    ) -> impl futures_util::Stream<Item = Result<http_body::Frame<Bytes>, BoxError>> + Unpin {
        futures_util::stream::repeat_with(move || {
            Ok(http_body::Frame::data(Bytes::from(vec![b'x'; size])))
        })
    }

    fn tokio_stream_of(
        mut rx: tokio::sync::mpsc::Receiver<Result<http_body::Frame<Bytes>, BoxError>>,
    ) -> impl futures_util::Stream<Item = Result<http_body::Frame<Bytes>, BoxError>> + Unpin {
        Box::pin(futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx)))
    }
}
