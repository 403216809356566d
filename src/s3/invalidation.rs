//! CloudFront's API, the two calls S3 Share makes: `CreateInvalidation` (an edge stops
//! serving what it cached of a revoked link's copy) and `GetInvalidation` (whether it has).
//! Signed with SigV4 (service `cloudfront`, region `us-east-1`) with the session's
//! credentials, sent with the session's HTTPS client (its CA bundle).

use std::time::Duration;

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use super::Session;
use super::check::xml_field;
use crate::error::{ErrorKind, S3Error};
use crate::share::escape;

const API_VERSION: &str = "2020-05-31";
/// CloudFront's API, when no endpoint is set for it.
pub const DEFAULT_ENDPOINT: &str = "https://cloudfront.amazonaws.com";

/// An invalidation CloudFront accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidationId(pub String);

/// The text of every `<tag>` in `xml`.
fn all<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(text, _)| text))
        .collect()
}

fn xml_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A distribution id as CloudFront writes them (E2QWRUHAPOMQZL): letters and digits.
pub fn check_distribution_id(id: &str) -> Result<(), S3Error> {
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(S3Error::bad_input(format!(
            "\"{}\" is not a distribution ID: copy it from the CloudFront console or `aws cloudfront list-distributions` (like E2QWRUHAPOMQZL).",
            escape::text(id)
        )))
    }
}

impl Session {
    /// Asks CloudFront to drop `paths` (`/folder/*` patterns, URL-encoded) from every edge.
    pub async fn create_invalidation(
        &self,
        distribution: &str,
        paths: &[String],
    ) -> Result<InvalidationId, S3Error> {
        check_distribution_id(distribution)?;
        let items: String = paths
            .iter()
            .map(|p| format!("<Path>{}</Path>", xml_text(p)))
            .collect();
        let reference = uuid::Uuid::new_v4().simple().to_string();
        let body = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><InvalidationBatch xmlns=\"http://cloudfront.amazonaws.com/doc/{API_VERSION}/\"><Paths><Quantity>{}</Quantity><Items>{items}</Items></Paths><CallerReference>s3share-{reference}</CallerReference></InvalidationBatch>",
            paths.len()
        );
        let url = format!(
            "{}/{API_VERSION}/distribution/{distribution}/invalidation",
            self.cloudfront_endpoint().trim_end_matches('/')
        );
        let answer = self
            .cloudfront_call("POST", url, body, distribution)
            .await?;
        xml_field(&answer, "Id").map(InvalidationId).ok_or_else(|| {
            S3Error::plain(
                ErrorKind::Server,
                "CloudFront accepted the invalidation but its answer named none.",
            )
        })
    }

    /// True once the invalidation has completed on every edge.
    pub async fn invalidation_completed(
        &self,
        distribution: &str,
        id: &InvalidationId,
    ) -> Result<bool, S3Error> {
        if !id.0.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(S3Error::plain(
                ErrorKind::Server,
                "CloudFront named an invalidation with characters no id has.",
            ));
        }
        let url = format!(
            "{}/{API_VERSION}/distribution/{distribution}/invalidation/{}",
            self.cloudfront_endpoint().trim_end_matches('/'),
            id.0
        );
        let answer = self
            .cloudfront_call("GET", url, String::new(), distribution)
            .await?;
        Ok(xml_field(&answer, "Status").as_deref() == Some("Completed"))
    }

    /// The host names distribution `distribution` answers to: its CloudFront domain and its
    /// alternate domain names (GetDistribution).
    pub async fn distribution_hosts(&self, distribution: &str) -> Result<Vec<String>, S3Error> {
        check_distribution_id(distribution)?;
        let url = format!(
            "{}/{API_VERSION}/distribution/{distribution}",
            self.cloudfront_endpoint().trim_end_matches('/')
        );
        let answer = self
            .cloudfront_call("GET", url, String::new(), distribution)
            .await?;
        let mut hosts: Vec<String> = xml_field(&answer, "DomainName")
            .into_iter()
            .chain(all(&answer, "CNAME").into_iter().map(str::to_owned))
            .map(|h| h.trim().to_ascii_lowercase())
            .collect();
        hosts.dedup();
        Ok(hosts)
    }

    /// One signed call; its answer's body, or the error CloudFront named, in words.
    async fn cloudfront_call(
        &self,
        method: &'static str,
        url: String,
        body: String,
        distribution: &str,
    ) -> Result<String, S3Error> {
        let credentials = self
            .current_credentials("asking CloudFront to clear its caches")
            .await?;
        let identity: Identity = credentials.into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("cloudfront")
            .time(self.now())
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?
            .into();
        let signable = SignableRequest::new(
            method,
            &url,
            std::iter::empty(),
            SignableBody::Bytes(body.as_bytes()),
        )
        .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?;
        let (instructions, _) = sign(signable, &params)
            .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?
            .into_parts();
        let headers: Vec<(String, String)> = instructions
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        let agent = super::check::agent(self.inner.ca_bundle.as_ref());
        let sent = tokio::task::spawn_blocking(move || {
            let answer = if method == "POST" {
                let mut request = agent.post(&url).header("content-type", "text/xml");
                for (name, value) in &headers {
                    request = request.header(name, value);
                }
                request.send(body.as_bytes())
            } else {
                let mut request = agent.get(&url);
                for (name, value) in &headers {
                    request = request.header(name, value);
                }
                request.call()
            };
            let mut answer = answer?;
            let status = answer.status().as_u16();
            let text = answer
                .body_mut()
                .with_config()
                .limit(1 << 20)
                .read_to_string()?;
            Ok::<_, ureq::Error>((status, text))
        });
        let (status, text) = match tokio::time::timeout(Duration::from_secs(60), sent).await {
            Ok(Ok(Ok(answer))) => answer,
            Ok(Ok(Err(err))) => {
                return Err(S3Error::plain(
                    ErrorKind::Network,
                    format!(
                        "Could not reach CloudFront's API at {}: {}. Check the network connection (and AWS_ENDPOINT_URL_CLOUDFRONT if set), then try again.",
                        escape::text(self.cloudfront_endpoint()),
                        escape::text(&err.to_string())
                    ),
                ));
            }
            Ok(Err(err)) => return Err(S3Error::plain(ErrorKind::Server, err.to_string())),
            Err(_) => {
                return Err(S3Error::plain(
                    ErrorKind::NoAnswer,
                    "CloudFront's API did not answer within 60 s: try again.",
                ));
            }
        };
        if (200..300).contains(&status) {
            return Ok(text);
        }
        let code = xml_field(&text, "Code").unwrap_or_else(|| "no code".to_owned());
        let message = escape::text(&xml_field(&text, "Message").unwrap_or_default()).into_owned();
        // Asked somewhere else than CloudFront itself (AWS_ENDPOINT_URL_CLOUDFRONT, a
        // profile's endpoint_url): said, since that may be why.
        let message = match self.cloudfront_endpoint() {
            DEFAULT_ENDPOINT => message,
            other => format!("{message}; asked at {}", escape::text(other)),
        };
        let profile = &self.profile().name;
        Err(match code.as_str() {
            "AccessDenied" => S3Error::plain(
                ErrorKind::AccessDenied,
                format!(
                    "CloudFront refused profile {profile} ({message}): revocable links need cloudfront:GetDistribution, cloudfront:CreateInvalidation and cloudfront:GetInvalidation on distribution {distribution}."
                ),
            ),
            "NoSuchDistribution" => S3Error::bad_input(format!(
                "CloudFront has no distribution {distribution} for profile {profile}: check the distribution ID (s3share cloudfront set BUCKET --distribution-id ID)."
            )),
            "InvalidClientTokenId" | "SignatureDoesNotMatch" | "ExpiredToken" => S3Error::plain(
                ErrorKind::CredentialsRejected,
                format!(
                    "CloudFront did not accept the keys of profile {profile} ({}: {message}).",
                    escape::text(&code)
                ),
            ),
            _ => S3Error::plain(
                ErrorKind::Server,
                format!(
                    "CloudFront refused the request (HTTP {status}, {}: {message}).",
                    escape::text(&code)
                ),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distribution_ids_are_letters_and_digits() {
        assert!(check_distribution_id("E2QWRUHAPOMQZL").is_ok());
        for bad in ["", "E2/../x", "E2 X", "é", &"E".repeat(65)] {
            let err = check_distribution_id(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::BadInput);
            assert!(err.message.contains("distribution ID"), "{}", err.message);
        }
    }

    #[test]
    fn answers_are_read_by_tag_and_paths_escaped() {
        let xml = "<Invalidation><Id>I2J0I21PCUYOIK</Id><Status>InProgress</Status></Invalidation>";
        assert_eq!(xml_field(xml, "Id").as_deref(), Some("I2J0I21PCUYOIK"));
        assert_eq!(xml_field(xml, "Status").as_deref(), Some("InProgress"));
        assert_eq!(xml_field(xml, "Code"), None);
        assert_eq!(xml_text("/a&b<c>/*"), "/a&amp;b&lt;c&gt;/*");
    }
}
