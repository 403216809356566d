//! The edge's CloudFront API: `GetDistribution` (its domain is the edge's), `CreateInvalidation`
//! and `GetInvalidation` (2020-05-31), each
//! request's SigV4 signature checked here, with this file's own code (canonical request,
//! string to sign, HMAC key chain), as AWS documents it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::{BodyExt as _, Full};
use sha2::{Digest as _, Sha256};

use super::{Answer, DISTRIBUTION_ID, Edge, Invalidation, lock};

const API: &str = "/2020-05-31/distribution/";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &[u8], data: &str) -> Vec<u8> {
    use hmac::{KeyInit as _, Mac as _};
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

fn error(status: u16, code: &str, message: &str) -> Answer {
    let body = format!(
        "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>testbed</RequestId></ErrorResponse>"
    );
    hyper::Response::builder()
        .status(status)
        .header("content-type", "text/xml")
        .body(Full::new(body.into()))
        .expect("a valid answer")
}

fn invalidation_xml(invalidation: &Invalidation) -> String {
    let items: String = invalidation
        .paths
        .iter()
        .map(|p| format!("<Path>{p}</Path>"))
        .collect();
    format!(
        "<?xml version=\"1.0\"?><Invalidation xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>{}</Id><Status>{}</Status><CreateTime>2026-12-03T00:00:00Z</CreateTime><InvalidationBatch><Paths><Quantity>{}</Quantity><Items>{items}</Items></Paths><CallerReference>x</CallerReference></InvalidationBatch></Invalidation>",
        invalidation.id,
        if invalidation.completed {
            "Completed"
        } else {
            "InProgress"
        },
        invalidation.paths.len()
    )
}

/// The text of every `<tag>` in `xml`, in order.
fn all<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    xml.split(&open)
        .skip(1)
        .filter_map(|rest| rest.split_once(&close).map(|(text, _)| text))
        .collect()
}

impl Edge {
    pub(super) async fn api(&self, request: hyper::Request<hyper::body::Incoming>) -> Answer {
        let (parts, body) = request.into_parts();
        let Ok(body) = body.collect().await.map(|b| b.to_bytes()) else {
            return error(400, "InvalidArgument", "body");
        };
        if let Err(why) = self.check_signature(&parts, &body) {
            lock(&self.api_log).push(why.clone());
            return error(403, "SignatureDoesNotMatch", &why);
        }
        if let Some((status, code)) = lock(&self.api_refusal).clone() {
            return error(status, &code, "refused by the test");
        }
        let path = parts.uri.path();
        let Some(rest) = path.strip_prefix(API) else {
            return error(404, "NotFound", "no such API");
        };
        let mut segments = rest.split('/');
        let (distribution, what, id) = (segments.next(), segments.next(), segments.next());
        if distribution != Some(DISTRIBUTION_ID) {
            return error(
                404,
                "NoSuchDistribution",
                "The specified distribution does not exist.",
            );
        }
        match (parts.method.as_str(), what, id) {
            ("GET", None, None) => {
                let host = self.base.trim_start_matches("http://");
                let xml = format!(
                    "<?xml version=\"1.0\"?><Distribution xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\"><Id>{DISTRIBUTION_ID}</Id><Status>Deployed</Status><DomainName>{host}</DomainName><DistributionConfig><Aliases><Quantity>0</Quantity></Aliases><Enabled>true</Enabled></DistributionConfig></Distribution>"
                );
                hyper::Response::builder()
                    .status(200)
                    .body(Full::new(xml.into()))
                    .expect("a valid answer")
            }
            ("POST", Some("invalidation"), None) => {
                let xml = String::from_utf8_lossy(&body);
                let paths: Vec<String> = all(&xml, "Path").into_iter().map(str::to_owned).collect();
                let quantity = all(&xml, "Quantity").first().and_then(|q| q.parse().ok());
                if paths.is_empty()
                    || quantity != Some(paths.len())
                    || all(&xml, "CallerReference").is_empty()
                    || paths.iter().any(|p| !p.starts_with('/'))
                {
                    return error(400, "InvalidArgument", "a malformed InvalidationBatch");
                }
                let mut invalidations = lock(&self.invalidations);
                let invalidation = Invalidation {
                    id: format!("I{:012}", invalidations.len() + 1),
                    paths,
                    completed: false,
                    polls_left: 1,
                };
                invalidations.push(invalidation.clone());
                hyper::Response::builder()
                    .status(201)
                    .header(
                        "location",
                        format!(
                            "{}{API}{DISTRIBUTION_ID}/invalidation/{}",
                            self.base, invalidation.id
                        ),
                    )
                    .body(Full::new(invalidation_xml(&invalidation).into()))
                    .expect("a valid answer")
            }
            ("GET", Some("invalidation"), Some(id)) => {
                let mut invalidations = lock(&self.invalidations);
                let Some(invalidation) = invalidations.iter_mut().find(|i| i.id == id) else {
                    return error(
                        404,
                        "NoSuchInvalidation",
                        "The specified invalidation does not exist.",
                    );
                };
                if invalidation.polls_left > 0 {
                    invalidation.polls_left -= 1;
                } else if !invalidation.completed {
                    invalidation.completed = true;
                    let mut cache = lock(&self.cache);
                    for pattern in &invalidation.paths {
                        cache.retain(|cached, _| {
                            let path = cached.split('?').next().unwrap_or_default();
                            match pattern.strip_suffix('*') {
                                Some(prefix) => !path.starts_with(prefix),
                                None => path != pattern,
                            }
                        });
                    }
                }
                let xml = invalidation_xml(invalidation);
                hyper::Response::builder()
                    .status(200)
                    .body(Full::new(xml.into()))
                    .expect("a valid answer")
            }
            _ => error(400, "InvalidAction", "not an API of this test bed"),
        }
    }

    /// SigV4 as AWS documents it: the scope names this service and region, the date is
    /// within 15 minutes, the payload hash is the body's, and the signature is recomputed.
    fn check_signature(&self, parts: &http::request::Parts, body: &[u8]) -> Result<(), String> {
        let Some((access_key, secret)) = lock(&self.api_keys).clone() else {
            return Err("no keys were given to the test bed's API".to_owned());
        };
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let auth = header("authorization").ok_or("no Authorization header")?;
        let fields = auth
            .strip_prefix("AWS4-HMAC-SHA256 ")
            .ok_or("not AWS4-HMAC-SHA256")?;
        let field = |name: &str| {
            fields
                .split(',')
                .map(str::trim)
                .find_map(|f| f.strip_prefix(name))
                .ok_or(format!("no {name} in Authorization"))
        };
        let credential = field("Credential=")?;
        let signed_headers = field("SignedHeaders=")?;
        let signature = field("Signature=")?;
        let (key, scope) = credential.split_once('/').ok_or("a malformed Credential")?;
        if key != access_key {
            return Err(format!("unknown access key {key}"));
        }
        let scope_parts: Vec<&str> = scope.split('/').collect();
        if scope_parts.len() != 4
            || scope_parts[1] != "us-east-1"
            || scope_parts[2] != "cloudfront"
            || scope_parts[3] != "aws4_request"
        {
            return Err(format!("scope {scope} is not us-east-1/cloudfront"));
        }
        let amz_date = header("x-amz-date").ok_or("no X-Amz-Date")?;
        if !amz_date.starts_with(scope_parts[0]) {
            return Err("X-Amz-Date is not the scope's day".to_owned());
        }
        let signed_at = parse_amz_date(amz_date).ok_or("a malformed X-Amz-Date")?;
        let now = SystemTime::now();
        let skew = now
            .duration_since(signed_at)
            .or_else(|_| signed_at.duration_since(now))
            .unwrap_or_default();
        if skew > Duration::from_secs(15 * 60) {
            return Err("X-Amz-Date is more than 15 minutes away".to_owned());
        }
        if !signed_headers.split(';').any(|h| h == "host") {
            return Err("host is not signed".to_owned());
        }
        let payload = hex(&Sha256::digest(body));
        if let Some(claimed) = header("x-amz-content-sha256")
            && claimed != payload
        {
            return Err("x-amz-content-sha256 is not the body's".to_owned());
        }
        let mut canonical_headers = String::new();
        for name in signed_headers.split(';') {
            let value = header(name).ok_or(format!("signed header {name} is missing"))?;
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            canonical_headers.push_str(&format!("{name}:{value}\n"));
        }
        let mut query: Vec<&str> = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .collect();
        query.sort_unstable();
        let canonical = format!(
            "{}\n{}\n{}\n{canonical_headers}\n{signed_headers}\n{payload}",
            parts.method,
            parts.uri.path(),
            query.join("&")
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let mut signing_key = hmac(format!("AWS4{secret}").as_bytes(), scope_parts[0]);
        for part in &scope_parts[1..] {
            signing_key = hmac(&signing_key, part);
        }
        if hex(&hmac(&signing_key, &to_sign)) == signature {
            Ok(())
        } else {
            Err("the signature does not match".to_owned())
        }
    }
}

/// `20261203T071500Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let digits = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (y, m, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hh, mm, ss) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hh * 3600 + mm * 60 + ss;
    Some(UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).ok()?))
}
