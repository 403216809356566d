//! Which region each bucket lives in. A link signed for the wrong region is refused with
//! SignatureDoesNotMatch or a redirect, so every bucket's region is looked up and cached.

use aws_sdk_s3::error::SdkError;

use super::session::Session;
use crate::error::{ErrorKind, S3Error};

/// The header S3 puts on HeadBucket answers, including 301 and 403 ones.
pub const BUCKET_REGION_HEADER: &str = "x-amz-bucket-region";

/// GetBucketLocation answers "" for us-east-1 and "EU" for the oldest eu-west-1 buckets.
pub fn normalize_location(constraint: Option<&str>) -> String {
    match constraint {
        None | Some("") => "us-east-1".to_owned(),
        Some("EU") => "eu-west-1".to_owned(),
        Some(region) => region.to_owned(),
    }
}

impl Session {
    /// The bucket's region: HeadBucket's x-amz-bucket-region (sent even on 301/403),
    /// then GetBucketLocation on AWS, else the profile's region. Cached.
    pub async fn bucket_region(&self, bucket: &str) -> Result<String, S3Error> {
        if let Some(region) = self.inner.regions.get(bucket) {
            return Ok(region);
        }
        let what = "looking up the bucket's region";
        let doing = self.doing(what, Some(bucket), None);
        self.current_credentials(what).await?;
        let client = self.client_for(&self.inner.region);
        let from_header = match client.head_bucket().bucket(bucket).send().await {
            Ok(out) => out.bucket_region().map(str::to_owned),
            Err(SdkError::ServiceError(ctx)) => {
                let raw = ctx.raw();
                let header = raw.headers().get(BUCKET_REGION_HEADER).map(str::to_owned);
                if raw.status().as_u16() == 404 {
                    return Err(S3Error::new(
                        ErrorKind::NoSuchBucket,
                        &doing,
                        "HeadBucket: 404",
                    ));
                }
                header
            }
            Err(err) => return Err(S3Error::from_sdk(&err, &doing)),
        };
        let region = match from_header {
            Some(region) => region,
            None if self.inner.endpoint_url.is_some() => self.inner.region.clone(),
            None => match client.get_bucket_location().bucket(bucket).send().await {
                Ok(out) => normalize_location(out.location_constraint().map(|c| c.as_str())),
                // Without permission to ask, the profile's region is the best guess.
                Err(_) => self.inner.region.clone(),
            },
        };
        self.inner.regions.insert(bucket, &region);
        Ok(region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_location_constraints_are_normalized() {
        assert_eq!(normalize_location(None), "us-east-1");
        assert_eq!(normalize_location(Some("")), "us-east-1");
        assert_eq!(normalize_location(Some("EU")), "eu-west-1");
        assert_eq!(normalize_location(Some("ap-south-1")), "ap-south-1");
    }
}
