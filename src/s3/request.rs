//! File requests: a page anyone can open in a browser to send files into a folder of the
//! bucket. S3 enforces the limits itself through a signed POST policy (folder, size, type,
//! expiry); the page is stored in the bucket beside nothing else of the owner's, and handed
//! out as a presigned link. Unlike a download link, a request can be revoked: closing it
//! deletes the page.

use std::time::{Duration, SystemTime};

use super::check::LinkCheck;
use super::session::Session;
use crate::error::{ErrorKind, S3Error};
use crate::share::request_form::{
    AcceptedType, PolicyFields, check_texts, policy_json, request_folder,
};
use crate::share::request_page::{PageConfig, PolicyVariant, render};
use crate::share::{Expiry, SignedUrl, effective_end, format_local_time};

/// Where request pages are kept in the bucket.
pub const REQUESTS_FOLDER: &str = ".s3share/requests/";
pub use crate::share::key::{OWN_FOLDER, is_own_key};

/// What the owner asks of the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestOptions {
    /// The folder uploads go to; None: `incoming/<date> <title>/`.
    pub folder: Option<String>,
    pub title: String,
    pub message: String,
    pub max_size: u64,
    /// Accepted types; empty: any.
    pub types: Vec<AcceptedType>,
    pub expiry: Expiry,
}

/// A request page made and stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRequest {
    pub id: String,
    pub bucket: String,
    pub folder: String,
    pub title: String,
    pub made_at: SystemTime,
    pub lifetime: Expiry,
    /// The page, as a presigned link.
    pub url: SignedUrl,
    pub effective_expires_at: SystemTime,
    /// What opening the page without credentials said.
    pub check: LinkCheck,
    pub warnings: Vec<String>,
}

impl FileRequest {
    /// "bucket/id", what `s3share request --close` takes.
    pub fn handle(&self) -> String {
        format!("{}/{}", self.bucket, self.id)
    }
}

/// The key of a request's page.
pub fn page_key(id: &str) -> String {
    format!("{REQUESTS_FOLDER}{id}.html")
}

fn check_id(id: &str) -> Result<(), S3Error> {
    let valid = (8..=32).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric());
    if valid {
        Ok(())
    } else {
        Err(S3Error::bad_input(format!(
            "{id:?} is not a request id: use the bucket/id printed when the request was made."
        )))
    }
}

impl Session {
    /// Makes a request page: checks every input, signs one POST policy per accepted type,
    /// stores the page and returns its (tried) link.
    pub async fn request_files(
        &self,
        bucket: &str,
        options: &RequestOptions,
    ) -> Result<FileRequest, S3Error> {
        let bad =
            |e: crate::share::request_form::RequestFormError| S3Error::bad_input(e.to_string());
        let (title, message) = check_texts(&options.title, &options.message).map_err(bad)?;
        let folder = request_folder(options.folder.as_deref(), &title, self.now()).map_err(bad)?;
        if !(1..=crate::share::request_form::MAX_POST_SIZE).contains(&options.max_size) {
            return Err(S3Error::bad_input(
                "The largest file must be from 1 byte to 5 GB (S3's limit for browser uploads).",
            ));
        }
        let region = self.bucket_region(bucket).await?;
        let what = "making a file request";
        let credentials = self.current_credentials(what).await?;
        let signed_at = self.now();
        if credentials
            .expiry()
            .is_some_and(|end| end <= signed_at + Duration::from_secs(60))
        {
            return Err(S3Error::new(
                ErrorKind::ExpiredSession,
                &self.doing(what, Some(bucket), None),
                "the credentials end within a minute",
            ));
        }
        let (ends, cut_short) = effective_end(signed_at, options.expiry, credentials.expiry());
        let utc = chrono::DateTime::<chrono::Utc>::from(signed_at);
        let amz_date = utc.format("%Y%m%dT%H%M%SZ").to_string();
        let credential = format!(
            "{}/{}/{region}/s3/aws4_request",
            credentials.access_key_id(),
            utc.format("%Y%m%d")
        );
        let fields = PolicyFields {
            bucket,
            folder: &folder,
            max_size: options.max_size,
            expiration: signed_at + options.expiry.as_duration(),
            credential: &credential,
            amz_date: &amz_date,
            session_token: credentials.session_token(),
        };
        let signing_key = aws_sigv4::sign::v4::generate_signing_key(
            credentials.secret_access_key(),
            signed_at,
            &region,
            "s3",
        );
        let accepted: Vec<Option<&AcceptedType>> = if options.types.is_empty() {
            vec![None]
        } else {
            options.types.iter().map(Some).collect()
        };
        let variants = accepted
            .into_iter()
            .map(|accepted| {
                let policy = aws_smithy_types::base64::encode(policy_json(&fields, accepted));
                let signature = aws_sigv4::sign::v4::calculate_signature(
                    signing_key.as_ref(),
                    policy.as_bytes(),
                );
                PolicyVariant {
                    accepted: accepted.cloned(),
                    policy,
                    signature,
                }
            })
            .collect();
        let mut form_fields = vec![
            ("success_action_status".to_owned(), "201".to_owned()),
            ("x-amz-algorithm".to_owned(), "AWS4-HMAC-SHA256".to_owned()),
            ("x-amz-credential".to_owned(), credential.clone()),
            ("x-amz-date".to_owned(), amz_date.clone()),
            // Stored with every received file, so a browser downloads it rather than
            // running it on the bucket's origin (the policy demands it).
            (
                "Content-Disposition".to_owned(),
                crate::share::request_form::RECEIVED_DISPOSITION.to_owned(),
            ),
        ];
        if let Some(token) = credentials.session_token() {
            form_fields.push(("x-amz-security-token".to_owned(), token.to_owned()));
        }
        let action = self
            .object_url(&region, bucket, "")
            .trim_end_matches('/')
            .to_owned();
        let config = PageConfig {
            action,
            prefix: folder.clone(),
            max_size: options.max_size,
            ends_at_ms: ends
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            fields: form_fields,
            variants,
        };
        let page = render(&title, &message, &config);
        let id = uuid::Uuid::new_v4().simple().to_string()[..16].to_owned();
        let key = page_key(&id);
        self.store_page(bucket, &region, &key, page, what).await?;
        let mut link = self
            .page_link(
                bucket,
                &region,
                &key,
                &credentials,
                signed_at,
                options.expiry,
                ends,
            )
            .await?;
        let mut warnings = Vec::new();
        if link.check == LinkCheck::Opens {
            // The page opening says nothing of the uploads: try one as a sender would.
            match self.probe_uploads(bucket, &region, &config).await {
                Ok(None) => {}
                Ok(Some(problem)) => link.check = LinkCheck::Refused(problem),
                Err(warning) => warnings.push(warning),
            }
        }
        if cut_short {
            warnings.push(format!(
                "The signing credentials end at {}: the page stops working then.",
                format_local_time(ends)
            ));
        }
        Ok(FileRequest {
            id,
            bucket: bucket.to_owned(),
            folder,
            title,
            made_at: signed_at,
            lifetime: options.expiry,
            url: link.url,
            effective_expires_at: ends,
            check: link.check,
            warnings,
        })
    }

    /// Posts a one-byte file through the page's first policy, as a sender's browser would
    /// (no credentials), then deletes it. None: uploads work. A refusal is the problem to
    /// show; Err is a warning (the probe could not be run or removed).
    async fn probe_uploads(
        &self,
        bucket: &str,
        region: &str,
        config: &PageConfig,
    ) -> Result<Option<super::check::LinkProblem>, String> {
        let Some(variant) = config.variants.first() else {
            return Ok(None);
        };
        let content_type = match &variant.accepted {
            None => "application/octet-stream".to_owned(),
            Some(t) if t.prefix => format!("{}x-s3share-probe", t.value),
            Some(t) => t.value.clone(),
        };
        let key = format!(
            "{}{}/.s3share-probe",
            config.prefix,
            uuid::Uuid::new_v4().simple()
        );
        let mut fields = vec![
            ("key".to_owned(), key.clone()),
            ("Content-Type".to_owned(), content_type.clone()),
        ];
        fields.extend(config.fields.iter().cloned());
        fields.push(("policy".to_owned(), variant.policy.clone()));
        fields.push(("x-amz-signature".to_owned(), variant.signature.clone()));
        let action = config.action.clone();
        let ca_bundle = self.inner.ca_bundle.clone();
        let posted = tokio::task::spawn_blocking(move || {
            super::check::post_form(&action, &fields, &content_type, b"x", ca_bundle.as_ref())
        })
        .await
        .map_err(|e| {
            format!("The upload test did not run ({e}); the page is not known to accept files.")
        })?;
        let (status, body) = match posted {
            Ok(answer) => answer,
            Err(why) => {
                return Err(format!(
                    "Uploads through the page were not tried: this computer could not reach the server ({why})."
                ));
            }
        };
        if !(200..300).contains(&status) {
            let detail = super::check::error_detail(&body);
            return Ok(Some(super::check::LinkProblem::UploadsRefused {
                status,
                detail,
            }));
        }
        let removed = self
            .client_for(region)
            .delete_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await;
        if let Err(err) = removed {
            let err = S3Error::from_sdk(
                &err,
                &self.doing("removing the upload test", Some(bucket), Some(&key)),
            );
            return Err(format!(
                "The test upload {key} could not be removed: {}",
                err.message
            ));
        }
        Ok(None)
    }

    /// Closes a request: its page is deleted, so its link stops at once; files received
    /// stay where they are.
    pub async fn close_request(&self, bucket: &str, id: &str) -> Result<(), S3Error> {
        check_id(id)?;
        let key = page_key(id);
        let what = "closing the file request";
        let region = self.bucket_region(bucket).await?;
        let client = self.client_for(&region);
        client
            .head_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(&key))))?;
        client
            .delete_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| S3Error::from_sdk(&e, &self.doing(what, Some(bucket), Some(&key))))?;
        Ok(())
    }
}
