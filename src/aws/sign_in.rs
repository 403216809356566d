//! Signing in with a profile as the AWS CLI does: which profile and files, which
//! credentials win, the region (asking the instance metadata service only briefly), the
//! endpoint S3 requests go to, and the CAs HTTPS trusts.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::Region;

use super::addressing::Addressing;
use super::config::{ProfileFilesSource, ProfileInfo, ProfileKind};
use super::credentials::CredentialsCache;
use crate::error::{Doing, ErrorKind, S3Error};

/// Used when a profile names no region: S3's own default.
pub const FALLBACK_REGION: &str = "us-east-1";

/// A complete sign-in, as the profile layer found it: who, where, with which credentials,
/// and how the SDK's client is configured. A `Session` is built from it whole.
pub struct SignIn {
    pub profile: ProfileInfo,
    pub region: String,
    /// False when the profile names no region (the fallback is used and said).
    pub region_from_profile: bool,
    pub endpoint_url: Option<String>,
    pub credentials: CredentialsCache,
    pub base: aws_sdk_s3::config::Builder,
    /// The profile's `s3 = addressing_style` (None: not set).
    pub addressing: Option<super::Addressing>,
    /// The profile files, to explain a credential failure (None: keys given in code).
    pub profile_context: Option<super::explain::ProfileContext>,
    /// The CAs every HTTPS client trusts (ca_bundle / AWS_CA_BUNDLE).
    pub ca_bundle: Option<super::CaBundle>,
    /// Where CloudFront's API is asked (invalidations), as the AWS CLI resolves it:
    /// AWS_ENDPOINT_URL_CLOUDFRONT or the profile's `services` section, then
    /// AWS_ENDPOINT_URL / endpoint_url; None: cloudfront.amazonaws.com.
    pub cloudfront_endpoint: Option<String>,
}

impl SignIn {
    /// Keys given in code on a known region and endpoint (the demo, tests, a profile being
    /// added): nothing to explain, the system's CAs.
    pub fn given(
        profile: ProfileInfo,
        region: &str,
        endpoint_url: Option<String>,
        credentials: CredentialsCache,
        base: aws_sdk_s3::config::Builder,
    ) -> SignIn {
        SignIn {
            profile,
            region: region.to_owned(),
            region_from_profile: true,
            endpoint_url,
            credentials,
            base,
            addressing: None,
            profile_context: None,
            ca_bundle: None,
            cloudfront_endpoint: None,
        }
    }
}

/// Loads a profile the way the AWS CLI does (keys, SSO, assume-role, credential_process,
/// environment), with its region and endpoint_url. Credentials are resolved on first use,
/// so this does not touch the network.
pub async fn sign_in(
    source: &ProfileFilesSource,
    profile: Option<&str>,
    region_override: Option<&str>,
) -> Result<SignIn, S3Error> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    // AWS_DEFAULT_PROFILE names the profile when AWS_PROFILE does not (the AWS CLI
    // reads both; aws-config only the first).
    let default_profile = std::env::var("AWS_PROFILE")
        .is_err()
        .then(|| std::env::var("AWS_DEFAULT_PROFILE").ok())
        .flatten();
    let wanted = profile.or(default_profile.as_deref());
    // aws-config skips profile names with brackets and the like, which the AWS CLI
    // reads: such a profile is loaded under an alias from in-memory copies of the files.
    let aliased = wanted.and_then(|name| super::config::aliased_profile_files(source, name));
    let (files, sdk_name) = match &aliased {
        Some((files, alias)) => (Some(files.clone()), Some(alias.as_str())),
        None => (source.profile_files(), wanted),
    };
    if let Some(files) = &files {
        loader = loader.profile_files(files.clone());
    }
    if let Some(name) = sdk_name {
        loader = loader.profile_name(name);
    }
    // The region, resolved once: the S3 client and, for a profile chosen by name, the
    // STS or SSO client behind its credentials (an assumed role needs one to sign).
    let region = match region_override {
        Some(region) => {
            check_region(region)?;
            Some(Region::new(region.to_owned()))
        }
        // The metadata service of an EC2 instance answers in milliseconds; elsewhere
        // nothing answers, so the whole chain gets a short budget (the AWS CLI takes
        // about as long to give up).
        None => tokio::time::timeout(
            REGION_LOOKUP_BUDGET,
            region_chain(files.clone(), sdk_name).region(),
        )
        .await
        .unwrap_or(None),
    };
    // Found or not, the loader gets a region: left without one, aws-config asks the
    // instance metadata service again (a second each time, measured) for its own
    // providers. Whether one was found is kept apart for the window and the CLI's note.
    let region_found = region.is_some();
    let region = region.or_else(|| Some(Region::new(FALLBACK_REGION)));
    loader = loader.region(region.clone());
    if let (Some(_), Some(name)) = (profile, sdk_name) {
        // A profile asked for by name (--profile, or chosen in the window) signs with
        // its own credentials, as in the AWS CLI: keys left in the environment do not
        // win over it.
        let mut chosen = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .configure(
                &aws_config::provider_config::ProviderConfig::default().with_region(region.clone()),
            )
            .profile_name(name);
        if let Some(files) = &files {
            chosen = chosen.profile_files(files.clone());
        }
        loader = loader.credentials_provider(chosen.build());
    }
    let sdk = loader.load().await;
    let profiles = super::config::list_profiles(source).await;
    let known_profiles: Vec<String> = profiles.iter().map(|p| p.name.clone()).collect();
    let name = profile
        .map(str::to_owned)
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .or(default_profile.clone())
        .unwrap_or_else(|| "default".to_owned());
    let info = profiles
        .into_iter()
        .find(|p| p.name == name)
        .unwrap_or(ProfileInfo {
            name,
            region: None,
            endpoint_url: None,
            kind: ProfileKind::Other,
        });
    // aws-config ignores an assumed role's duration_seconds (a role that allows 12 h
    // would sign 1 h links): such a profile gets its own provider.
    let role = super::config::role_with_duration(source, &info.name).await;
    // The profile's own settings S3 Share reads itself, in one read of the files.
    let [
        process,
        own_keys,
        role_arn,
        sso,
        ca_bundle_setting,
        s3_section,
    ] = super::config::profile_values(
        files.clone(),
        sdk_name,
        [
            "credential_process",
            "aws_access_key_id",
            "role_arn",
            "sso_session",
            "ca_bundle",
            "s3",
        ],
    )
    .await;
    // A profile whose credentials come from its own credential_process (and would be
    // used: chosen by name, or no keys in the environment) runs it with bounds.
    let env_keys = std::env::var_os("AWS_ACCESS_KEY_ID").is_some();
    let bounded_process = process.filter(|_| {
        own_keys.is_none()
            && role_arn.is_none()
            && sso.is_none()
            && (profile.is_some() || !env_keys)
    });
    let provider = match (role, bounded_process) {
        (Some(role), _) => Some(role.provider(source, &sdk).await),
        (None, Some(command)) => Some(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                super::process_credentials::BoundedProcess { command },
            ),
        ),
        (None, None) => sdk.credentials_provider(),
    };
    let Some(provider) = provider else {
        return Err(S3Error::new(
            ErrorKind::NoCredentials,
            &Doing {
                profile: &info.name,
                what: "loading the profile",
                ..Doing::default()
            },
            "no credentials provider",
        ));
    };
    let region_from_profile = region_found;
    let region = sdk
        .region()
        .map(|r| r.as_ref().to_owned())
        .unwrap_or_else(|| FALLBACK_REGION.to_owned());
    let mut base = aws_sdk_s3::config::Builder::from(&sdk);
    // ca_bundle / AWS_CA_BUNDLE: an HTTPS MinIO or Ceph behind a company CA. Every HTTP
    // client of the session trusts exactly that bundle, as the AWS CLI does.
    let ca_path = match std::env::var_os("AWS_CA_BUNDLE") {
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => ca_bundle_setting.map(std::path::PathBuf::from),
    };
    tracing::debug!(ca_bundle = ?ca_path, "ca bundle");
    let ca_bundle = ca_path.as_deref().map(super::CaBundle::load).transpose()?;
    if let Some(bundle) = &ca_bundle {
        base = base.http_client(https_client_trusting(bundle)?);
    }
    // The endpoint S3 requests go to, as the SDK resolves it for S3 itself
    // (AWS_ENDPOINT_URL_S3, a profile's `services` section, then endpoint_url): the
    // endpoint that lists is the endpoint that signs.
    let endpoint_url = s3_endpoint(&sdk);
    let cloudfront_endpoint = service_endpoint(&sdk, "CloudFront");
    // `s3 =\n  addressing_style = path|virtual|auto`, as the AWS CLI reads it.
    let addressing = match s3_section {
        Some(section) => Addressing::from_s3_section(&section).map_err(S3Error::bad_input)?,
        None => None,
    };
    Ok(SignIn {
        profile: info,
        region,
        region_from_profile,
        endpoint_url,
        credentials: CredentialsCache::new(provider),
        base,
        addressing,
        profile_context: Some(super::explain::ProfileContext {
            config_file: super::config::config_path(source),
            known: known_profiles,
            source: source.clone(),
        }),
        ca_bundle,
        cloudfront_endpoint,
    })
}

/// A region name as AWS and S3-compatible stores write them ("eu-west-1", "auto").
fn check_region(region: &str) -> Result<(), S3Error> {
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(S3Error::bad_input(format!(
            "{region:?} is not a region name: write it like eu-west-1 or us-east-1."
        )))
    }
}

/// The endpoint of S3 as the SDK resolves it for the S3 client (see aws-sdk-s3's
/// `From<&SdkConfig>`): an endpoint set in code, else AWS_ENDPOINT_URL_S3 or the profile's
/// `services` section, else AWS_ENDPOINT_URL / endpoint_url.
fn s3_endpoint(sdk: &aws_types::SdkConfig) -> Option<String> {
    service_endpoint(sdk, "S3")
}

/// The endpoint of service `service_id` ("S3", "CloudFront") as the SDK resolves it.
fn service_endpoint(sdk: &aws_types::SdkConfig, service_id: &str) -> Option<String> {
    if sdk.get_origin("endpoint_url").is_client_config() {
        return sdk.endpoint_url().map(str::to_owned);
    }
    let key = aws_types::service_config::ServiceConfigKey::builder()
        .service_id(service_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build();
    key.ok()
        .and_then(|key| sdk.service_config().and_then(|conf| conf.load_config(key)))
        .or_else(|| sdk.endpoint_url().map(str::to_owned))
}

/// The longest the region chain may take (the instance metadata service included).
const REGION_LOOKUP_BUDGET: Duration = Duration::from_millis(400);

/// Where the region comes from when none is given: the environment, the profile, then the
/// EC2 instance metadata service — asked briefly and once, so a laptop (where nothing
/// answers at that address) does not wait seconds on every command for it.
fn region_chain(
    files: Option<aws_runtime::env_config::file::EnvConfigFiles>,
    profile: Option<&str>,
) -> aws_config::meta::region::RegionProviderChain {
    use aws_config::environment::region::EnvironmentVariableRegionProvider;
    use aws_config::imds::region::ImdsRegionProvider;
    use aws_config::profile::region::ProfileFileRegionProvider;
    let mut from_profile = ProfileFileRegionProvider::builder();
    if let Some(files) = files {
        from_profile = from_profile.profile_files(files);
    }
    if let Some(name) = profile {
        from_profile = from_profile.profile_name(name);
    }
    let imds = aws_config::imds::Client::builder()
        .connect_timeout(Duration::from_millis(250))
        .read_timeout(Duration::from_millis(250))
        .max_attempts(1)
        .build();
    aws_config::meta::region::RegionProviderChain::first_try(
        EnvironmentVariableRegionProvider::new(),
    )
    .or_else(from_profile.build())
    .or_else(ImdsRegionProvider::builder().imds_client(imds).build())
}

/// The SDK's own HTTPS client (rustls), trusting only the CAs in the PEM file at `path`.
fn https_client_trusting(
    bundle: &super::CaBundle,
) -> Result<aws_smithy_runtime_api::client::http::SharedHttpClient, S3Error> {
    use aws_smithy_http_client::tls;
    let unusable = |why: String| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "The CA bundle {} cannot be used ({why}): check ca_bundle or AWS_CA_BUNDLE.",
                bundle.path().display()
            ),
        )
    };
    let context = tls::TlsContext::builder()
        .with_trust_store(tls::TrustStore::empty().with_pem_certificate(bundle.pem().to_vec()))
        .build()
        .map_err(|e| unusable(e.to_string()))?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ))
        .tls_context(context)
        .build_https())
}
