//! Links through CloudFront: the per-bucket setting (the distribution's domain, the key id,
//! where the private key is, the origin path) kept beside the history, owner-only, and the
//! use case that makes a tried signed URL for an object. The private key itself is never
//! copied: only its path is kept, and it is read when a link is signed.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;

use super::or_stop;

use crate::error::{ErrorKind, S3Error};
use crate::s3::{LinkCheck, Session, ShareLink};
use crate::share::DownloadFilename;
use crate::share::cloudfront::{
    CloudFrontError, CloudFrontKey, IpRange, Policy, check_domain, sign_url,
};

/// How a bucket is reached through CloudFront.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudFrontSetting {
    /// The URL's start: `https://` and the distribution's host name.
    pub domain: String,
    pub key_id: String,
    /// The PEM file of the private key (never its contents).
    pub private_key: PathBuf,
    /// The origin path, as a key prefix ("media/" for an origin path of /media); empty when
    /// the distribution serves the whole bucket.
    #[serde(default)]
    pub origin_path: String,
    /// The distribution's id (E2QWRUHAPOMQZL): revoking a link through it asks CloudFront
    /// to clear the link's copy from its edges. Needed only for revocable links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution_id: Option<String>,
}

fn bad(err: CloudFrontError) -> S3Error {
    S3Error::bad_input(err.to_string())
}

impl CloudFrontSetting {
    /// Checks everything before it is kept: the domain is a host, the key file reads as a
    /// 2048-bit RSA key that signs and verifies, the origin path is a plain prefix.
    pub fn new(
        domain: &str,
        key_id: &str,
        private_key: &Path,
        origin_path: Option<&str>,
        distribution_id: Option<&str>,
    ) -> Result<CloudFrontSetting, S3Error> {
        let domain = check_domain(domain).map_err(bad)?;
        let distribution_id = distribution_id.map(str::trim).filter(|id| !id.is_empty());
        if let Some(id) = distribution_id {
            crate::s3::check_distribution_id(id)?;
        }
        crate::share::cloudfront::check_key_id(key_id).map_err(bad)?;
        // "~/keys/k.pem" as a shell would read it (the window's field is not a shell).
        let private_key = match (private_key.strip_prefix("~"), std::env::var_os("HOME")) {
            (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
            _ => private_key.to_owned(),
        };
        let private_key = std::path::absolute(&private_key).unwrap_or(private_key);
        CloudFrontKey::load(key_id, &private_key).map_err(bad)?;
        let origin_path = origin_path.unwrap_or_default().trim_matches('/');
        if origin_path
            .split('/')
            .any(|part| part == "." || part == "..")
            || origin_path.contains(['?', '#', '\\', '%'])
            || origin_path.chars().any(crate::share::escape::is_unsafe)
        {
            return Err(S3Error::bad_input(format!(
                "\"{}\" is not an origin path: give the distribution's origin path as it is set in CloudFront, as /media.",
                crate::share::escape::text(origin_path)
            )));
        }
        Ok(CloudFrontSetting {
            domain,
            key_id: key_id.to_owned(),
            private_key,
            origin_path: if origin_path.is_empty() {
                String::new()
            } else {
                format!("{origin_path}/")
            },
            distribution_id: distribution_id.map(str::to_owned),
        })
    }

    /// The checks of `new`, on a setting read back from the file.
    fn check(&self) -> Result<(), String> {
        let domain = check_domain(&self.domain).map_err(|e| e.to_string())?;
        crate::share::cloudfront::check_key_id(&self.key_id).map_err(|e| e.to_string())?;
        let origin = self.origin_path.trim_end_matches('/');
        let origin_ok = origin.is_empty()
            || (self.origin_path.ends_with('/')
                && !origin
                    .split('/')
                    .any(|p| p.is_empty() || p == "." || p == ".."));
        let clean = domain == self.domain
            && origin_ok
            && self
                .distribution_id
                .as_deref()
                .is_none_or(|id| crate::s3::check_distribution_id(id).is_ok())
            && !self.origin_path.contains(['?', '#', '\\', '%'])
            && !self
                .origin_path
                .chars()
                .any(crate::share::escape::is_unsafe)
            && !self
                .private_key
                .to_string_lossy()
                .chars()
                .any(char::is_control);
        if clean {
            Ok(())
        } else {
            Err("a value there is not one S3 Share wrote".to_owned())
        }
    }

    /// The URL CloudFront serves `key` at (and the download filename's header, passed to
    /// the origin): the key below the origin path, encoded once as S3 keys are.
    pub fn resource(
        &self,
        bucket: &str,
        key: &str,
        filename: Option<&DownloadFilename>,
    ) -> Result<String, S3Error> {
        let Some(path) = key.strip_prefix(&self.origin_path) else {
            return Err(S3Error::bad_input(format!(
                "s3://{bucket}/{} is outside the distribution's origin path (/{}): CloudFront cannot serve it. Share it as a presigned link instead.",
                crate::share::escape::text(key),
                self.origin_path.trim_end_matches('/')
            )));
        };
        // A browser resolves "." and ".." in a URL's path: the URL opened would not be the
        // one signed.
        if path.split('/').any(|part| part == "." || part == "..") {
            return Err(S3Error::bad_input(format!(
                "s3://{bucket}/{} has a \".\" or \"..\" part: browsers rewrite such a URL, so no link through CloudFront could open it. Rename it, or share it as a presigned link.",
                crate::share::escape::text(key)
            )));
        }
        let url = format!("{}/{}", self.domain, crate::s3::encoded_key(path));
        Ok(match filename {
            Some(name) => crate::s3::with_content_disposition(&url, name.header()),
            None => url,
        })
    }
}

/// The CloudFront settings of every bucket, in `cloudfront.json` beside the history.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CloudFrontSettings {
    path: Option<PathBuf>,
    pub by_bucket: BTreeMap<String, CloudFrontSetting>,
}

impl CloudFrontSettings {
    /// Beside the history file at `history` (so S3SHARE_HISTORY_FILE moves both).
    pub fn beside(history: &Path) -> Option<PathBuf> {
        history.parent().map(|dir| dir.join("cloudfront.json"))
    }

    /// The settings at `path` (none when the file does not exist yet).
    pub fn load(path: PathBuf) -> Result<CloudFrontSettings, S3Error> {
        let by_bucket: BTreeMap<String, CloudFrontSetting> = match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                S3Error::plain(
                    ErrorKind::LocalFile,
                    format!(
                        "{} is damaged ({e}): fix it, or delete it and set CloudFront again.",
                        crate::share::escape::text(&path.display().to_string())
                    ),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(local_error(&path, &e)),
        };
        // Read back with the same checks as when it was set (a file edited by hand, or
        // planted: a domain with control characters, or plain http to another host).
        for (bucket, setting) in &by_bucket {
            setting.check().map_err(|why| {
                S3Error::plain(
                    ErrorKind::LocalFile,
                    format!(
                        "{} is damaged (the setting of {}: {why}): fix it, or delete it and set CloudFront again.",
                        crate::share::escape::text(&path.display().to_string()),
                        crate::share::escape::text(bucket)
                    ),
                )
            })?;
        }
        Ok(CloudFrontSettings {
            path: Some(path),
            by_bucket,
        })
    }

    /// No settings yet, to be kept at `path`.
    pub fn at(path: PathBuf) -> CloudFrontSettings {
        CloudFrontSettings {
            path: Some(path),
            by_bucket: BTreeMap::new(),
        }
    }

    /// Written whole (owner-only), replacing the file only once written.
    pub fn save(&self) -> Result<(), S3Error> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
            && !dir.exists()
        {
            crate::private_file::create_private_dir(dir).map_err(|e| local_error(dir, &e))?;
        }
        let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
        let written = (|| {
            let mut file = crate::private_file::create_private(&tmp)?;
            file.write_all(
                &serde_json::to_vec_pretty(&self.by_bucket).map_err(std::io::Error::other)?,
            )?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        written.map_err(|e| local_error(path, &e))
    }

    pub fn get(&self, bucket: &str) -> Option<&CloudFrontSetting> {
        self.by_bucket.get(bucket)
    }
}

fn local_error(path: &Path, e: &std::io::Error) -> S3Error {
    S3Error::plain(
        ErrorKind::LocalFile,
        format!(
            "Could not write {}: {e}.",
            crate::share::escape::text(&path.display().to_string())
        ),
    )
}

/// What a link through CloudFront is asked to allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloudFrontRequest {
    pub lifetime: Duration,
    pub download_filename: Option<DownloadFilename>,
    /// Not before this time (a custom policy).
    pub not_before: Option<SystemTime>,
    /// Only from these addresses (a custom policy).
    pub ip: Option<IpRange>,
    /// A link that can be taken back: it points at a copy made for it alone, under
    /// `.s3share/cloudfront-links/`, and revoking deletes the copy and clears it from
    /// CloudFront's edges.
    pub revocable: bool,
}

impl CloudFrontSetting {
    /// Why this setting cannot give revocable links (None: it can).
    pub fn why_not_revocable(&self, bucket: &str) -> Option<String> {
        if self.distribution_id.is_none() {
            return Some(format!(
                "A revocable link through CloudFront needs the distribution's ID, to clear the link's copy from CloudFront's edges when it is revoked: add it to s3://{bucket}/'s CloudFront setting (Distribution ID in the bucket's CloudFront… form, or s3share cloudfront set {bucket} … --distribution-id ID)."
            ));
        }
        if !self.origin_path.is_empty() {
            return Some(format!(
                "The distribution serves only /{} of s3://{bucket}/, and a revocable link's copy is kept under {}: CloudFront could not serve it. Make the link without Revocable.",
                self.origin_path.trim_end_matches('/'),
                crate::s3::CLOUDFRONT_LINKS_FOLDER
            ));
        }
        None
    }
}

/// How long revoking waits for CloudFront to clear a copy from its edges (CloudFront
/// usually takes a minute or two; the AWS CLI's waiter gives it 10 minutes).
pub const INVALIDATION_WAIT: Duration = Duration::from_secs(15 * 60);

/// Said with every link through CloudFront: what can end it before its time.
pub const CLOUDFRONT_CAVEAT: &str = "It stops sooner if its key leaves the distribution's key group or the distribution is disabled.";

/// A signed URL through the bucket's distribution for an object that exists, tried once
/// through the distribution without credentials before anyone gets it. Everything is checked
/// before anything is signed: the key file (it must sign and verify), the times, the range.
pub async fn link_via_cloudfront(
    session: &Session,
    setting: &CloudFrontSetting,
    (bucket, key): (&str, &str),
    request: &CloudFrontRequest,
    try_it: bool,
    cancel: &CancellationToken,
    on_copy: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<ShareLink, S3Error> {
    crate::share::key::check_file_key(key).map_err(|e| S3Error::bad_input(e.to_string()))?;
    // Everything is checked before anything is copied or signed.
    let distribution = match request.revocable {
        true => match setting.why_not_revocable(bucket) {
            Some(why) => return Err(S3Error::bad_input(why)),
            None => setting.distribution_id.clone(),
        },
        false => None,
    };
    let resource = setting.resource(bucket, key, request.download_filename.as_ref())?;
    let (key_id, path) = (setting.key_id.clone(), setting.private_key.clone());
    let signer = tokio::task::spawn_blocking(move || CloudFrontKey::load(&key_id, &path))
        .await
        .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?
        .map_err(bad)?;
    let asked_at = session.now();
    let end = asked_at
        .checked_add(request.lifetime)
        .ok_or_else(|| bad(CloudFrontError::TooLong))?;
    let policy = Policy {
        resource,
        end,
        start: request.not_before,
        ip: request.ip.clone(),
    };
    policy.check(asked_at).map_err(bad)?;
    let stopped = "Cancelled: no link was made.";
    let Some(distribution) = distribution else {
        let made = async {
            session.check_object_exists(bucket, key).await?;
            sign_and_try(session, (bucket, key), &signer, policy, request, try_it).await
        };
        return or_stop(cancel, stopped, made).await;
    };
    // Revoking will ask CloudFront to clear the copy from this distribution's edges: the
    // distribution must be the one at the domain, and CloudFront must answer this profile,
    // before a link said to be revocable is handed out.
    or_stop(
        cancel,
        stopped,
        check_distribution(session, setting, bucket, &distribution),
    )
    .await?;
    let folder = crate::s3::CLOUDFRONT_LINKS_FOLDER;
    let (source, dest) =
        super::revocable::before_copy(session, (bucket, key), folder, end, cancel, None).await?;
    // The copy's URL is checked before the copy exists (nothing is left behind on a refusal).
    let copy_resource = setting.resource(bucket, &dest, request.download_filename.as_ref())?;
    let mut copy = session
        .copy_for_link(bucket, &source, &dest, cancel, on_copy)
        .await?;
    copy.distribution = Some(distribution);
    // The copy is deleted once its folder's end has passed: that end is the policy's.
    let policy = Policy {
        resource: copy_resource,
        ..policy
    };
    let linked = or_stop(
        cancel,
        "Cancelled: the copy made for the link was deleted.",
        sign_and_try(
            session,
            (bucket, &copy.key),
            &signer,
            policy,
            request,
            try_it,
        ),
    )
    .await;
    match linked {
        Ok(link) if !matches!(link.check, LinkCheck::Refused(_)) => Ok(ShareLink {
            key: key.to_owned(),
            copy: Some(Box::new(copy)),
            ..link
        }),
        // A link that does not open keeps no copy: it would be stored for nothing.
        refused_or_failed => {
            let _ = session.delete_link_copy(bucket, &copy).await;
            refused_or_failed.map(|link| ShareLink {
                key: key.to_owned(),
                ..link
            })
        }
    }
}

/// Distribution `distribution` answers at the setting's domain (its CloudFront domain or an
/// alternate domain name), as CloudFront itself says.
async fn check_distribution(
    session: &Session,
    setting: &CloudFrontSetting,
    bucket: &str,
    distribution: &str,
) -> Result<(), S3Error> {
    let hosts = session.distribution_hosts(distribution).await?;
    let host = setting
        .domain
        .split_once("://")
        .map_or(setting.domain.as_str(), |(_, host)| host)
        .to_ascii_lowercase();
    if hosts.contains(&host) {
        return Ok(());
    }
    Err(S3Error::bad_input(format!(
        "Distribution {distribution} answers at {}, not at {host}: the distribution ID and the domain of s3://{bucket}/'s CloudFront setting do not belong together, and revoking would clear the wrong distribution's edges. Correct one of them.",
        crate::share::escape::text(&hosts.join(", "))
    )))
}

/// Signs `policy` now and tries the URL (or a 60-second probe of it when it cannot open
/// from here yet): the link to `key`.
async fn sign_and_try(
    session: &Session,
    (bucket, key): (&str, &str),
    signer: &CloudFrontKey,
    policy: Policy,
    request: &CloudFrontRequest,
    try_it: bool,
) -> Result<ShareLink, S3Error> {
    let signed_at = session.now();
    policy.check(signed_at).map_err(bad)?;
    let resource = policy.resource.clone();
    let url = sign_url(signer, &policy, signed_at).map_err(bad)?;
    // A link that starts later, or opens only from other addresses, cannot open from here:
    // a 60-second link to the same file with the same key is tried instead (the key, the
    // domain, the origin path and the object are what can be wrong).
    let why_not = match (&request.ip, request.not_before) {
        (Some(ip), _) => Some(format!("opens only from {}", ip.as_str())),
        (None, Some(start)) if start > signed_at => Some(format!(
            "opens from {}",
            crate::share::format_local_time(start)
        )),
        _ => None,
    };
    let check = match (try_it, why_not) {
        (false, _) => LinkCheck::Skipped,
        (true, None) => cloudfront_check(session.try_url(bucket, &url).await),
        (true, Some(why)) => {
            let probe = Policy {
                resource,
                end: signed_at + Duration::from_secs(60),
                start: None,
                ip: None,
            };
            let probe = sign_url(signer, &probe, signed_at).map_err(bad)?;
            match cloudfront_check(session.try_url(bucket, &probe).await) {
                LinkCheck::Opens => LinkCheck::Probed(why),
                other => other,
            }
        }
    };
    let end = policy.end;
    Ok(ShareLink {
        url,
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        download_filename: request
            .download_filename
            .as_ref()
            .map(|n| n.name().to_owned()),
        region: crate::share::cloudfront::VIA_CLOUDFRONT.to_owned(),
        signed_at,
        expires_at: end,
        effective_expires_at: end,
        clock_correction: session.clock_correction(),
        check,
        warnings: vec![CLOUDFRONT_CAVEAT.to_owned()],
        copy: None,
    })
}

/// What the window's CloudFront form asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloudFrontChange {
    Set {
        domain: String,
        key_id: String,
        private_key: std::path::PathBuf,
        origin_path: Option<String>,
        distribution_id: Option<String>,
    },
    Remove,
}

/// A refusal through CloudFront said in CloudFront's terms (the key group, the
/// distribution), not a bucket policy's.
fn cloudfront_check(check: LinkCheck) -> LinkCheck {
    use crate::s3::LinkProblem;
    match check {
        LinkCheck::Refused(
            LinkProblem::Denied { detail }
            | LinkProblem::Other { detail, .. }
            | LinkProblem::KmsKey { detail },
        ) => LinkCheck::Refused(LinkProblem::CloudFront {
            status: 403,
            detail: detail.trim_start_matches(", ").to_owned(),
        }),
        LinkCheck::Refused(LinkProblem::SignatureMismatch { .. }) => {
            LinkCheck::Refused(LinkProblem::CloudFront {
                status: 403,
                detail: "the signature was not accepted".to_owned(),
            })
        }
        other => other,
    }
}

/// Applies the window's change (a setting is checked first) to the settings as the file
/// holds them now (the command line may have changed them since the window read them), and
/// writes them; `settings` without a file stay in memory.
pub fn change_cloudfront(
    settings: CloudFrontSettings,
    bucket: &str,
    change: CloudFrontChange,
) -> Result<CloudFrontSettings, S3Error> {
    let mut settings = match settings.path {
        Some(path) => CloudFrontSettings::load(path)?,
        None => settings,
    };
    match change {
        CloudFrontChange::Set {
            domain,
            key_id,
            private_key,
            origin_path,
            distribution_id,
        } => {
            let setting = CloudFrontSetting::new(
                &domain,
                &key_id,
                &private_key,
                origin_path.as_deref(),
                distribution_id.as_deref(),
            )?;
            settings.by_bucket.insert(bucket.to_owned(), setting);
        }
        CloudFrontChange::Remove => {
            settings.by_bucket.remove(bucket);
        }
    }
    settings.save()?;
    Ok(settings)
}
