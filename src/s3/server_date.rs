//! Learns the S3 server's clock from the `Date` header of every SDK answer, so links can be
//! signed with the server's time when this computer's clock is off.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use super::check::parse_http_date;
use crate::share::ServerDate;

#[derive(Debug)]
pub struct ServerDateRecorder(pub ServerDate);

impl Intercept for ServerDateRecorder {
    fn name(&self) -> &'static str {
        "ServerDateRecorder"
    }

    fn read_before_deserialization(
        &self,
        context: &BeforeDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(date) = context
            .response()
            .headers()
            .get("date")
            .and_then(parse_http_date)
        {
            self.0.observe(date);
        }
        Ok(())
    }
}
