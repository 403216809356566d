//! AWS profiles as the AWS CLI reads them: `~/.aws/config` and `~/.aws/credentials`,
//! honouring AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and AWS_PROFILE. Parsing is
//! aws-config's own, so the list matches what the SDK will load.

use std::path::PathBuf;

use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_types::os_shim_internal::{Env, Fs};

/// Which profile files to read: the CLI's defaults, or explicit paths (tests, `--config`).
#[derive(Debug, Clone, Default)]
pub struct ProfileFilesSource {
    pub config_file: Option<PathBuf>,
    pub credentials_file: Option<PathBuf>,
}

impl ProfileFilesSource {
    pub(crate) fn profile_files(&self) -> Option<ProfileFiles> {
        if self.config_file.is_none() && self.credentials_file.is_none() {
            return None;
        }
        let mut builder = ProfileFiles::builder();
        match &self.config_file {
            Some(path) => builder = builder.with_file(ProfileFileKind::Config, path),
            None => builder = builder.include_default_config_file(true),
        }
        match &self.credentials_file {
            Some(path) => builder = builder.with_file(ProfileFileKind::Credentials, path),
            None => builder = builder.include_default_credentials_file(true),
        }
        Some(builder.build())
    }
}

/// How a profile gets its credentials; decides how expiry and errors are explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileKind {
    StaticKeys,
    Sso,
    AssumeRole,
    CredentialProcess,
    /// Environment variables, instance metadata or anything else the default chain finds.
    Other,
}

impl ProfileKind {
    /// Credentials of this kind are temporary: links die with them.
    pub fn is_temporary(self) -> bool {
        match self {
            ProfileKind::Sso | ProfileKind::AssumeRole => true,
            ProfileKind::StaticKeys | ProfileKind::CredentialProcess | ProfileKind::Other => false,
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            ProfileKind::StaticKeys => "access keys",
            ProfileKind::Sso => "an SSO session",
            ProfileKind::AssumeRole => "an assumed role",
            ProfileKind::CredentialProcess => "a credential process",
            ProfileKind::Other => "temporary credentials",
        }
    }
}

/// One profile as listed for the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub kind: ProfileKind,
}

/// The line aws-config's own parser refuses in the profile files, with the file's text of
/// that line: `(path, line number, text)`. None when the files parse (or cannot be read).
pub(crate) async fn parse_failure(source: &ProfileFilesSource) -> Option<(PathBuf, usize, String)> {
    let files = source.profile_files().unwrap_or_default();
    let err = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .err()?;
    // aws-runtime says "error parsing PATH on line N:\n  why", down the error's sources.
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    let mut said = None;
    while let Some(e) = next {
        let text = e.to_string();
        if text.starts_with("error parsing ") {
            said = Some(text);
            break;
        }
        next = e.source();
    }
    let said = said?;
    let (head, _) = said.split_once(":\n").unwrap_or((&said, ""));
    let (path, line) = head
        .strip_prefix("error parsing ")?
        .rsplit_once(" on line ")?;
    let line: usize = line.trim().parse().ok()?;
    let path = PathBuf::from(path);
    let text = std::fs::read_to_string(&path)
        .ok()?
        .lines()
        .nth(line.checked_sub(1)?)?
        .trim()
        .to_owned();
    Some((path, line, text))
}

/// Lists every profile in the config and credentials files, the selected one
/// (AWS_PROFILE, else `default`) first, the rest by name. Missing files give an empty list.
pub async fn list_profiles(source: &ProfileFilesSource) -> Vec<ProfileInfo> {
    let files = source.profile_files().unwrap_or_default();
    let Ok(set) = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None).await else {
        return Vec::new();
    };
    let selected = set.selected_profile().to_owned();
    let mut profiles: Vec<ProfileInfo> = set
        .profiles()
        .filter_map(|name| set.get_profile(name))
        .map(|profile| info_of(profile, profile.name()))
        .collect();
    // Names aws-config skips (brackets, spaces…) but the AWS CLI lists and uses.
    for name in odd_profile_names(source) {
        if profiles.iter().any(|p| p.name == name) {
            continue;
        }
        let Some((files, alias)) = aliased_profile_files(source, &name) else {
            continue;
        };
        if let Ok(set) = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None).await
            && let Some(profile) = set.get_profile(&alias)
        {
            profiles.push(info_of(profile, &name));
        }
    }
    profiles.sort_by(|a, b| (a.name != selected, &a.name).cmp(&(b.name != selected, &b.name)));
    profiles
}

fn info_of(profile: &aws_config::profile::Profile, name: &str) -> ProfileInfo {
    let get = |k: &str| profile.get(k).map(str::to_owned);
    let kind = if profile.get("sso_session").is_some() || profile.get("sso_start_url").is_some() {
        ProfileKind::Sso
    } else if profile.get("role_arn").is_some() {
        ProfileKind::AssumeRole
    } else if profile.get("credential_process").is_some() {
        ProfileKind::CredentialProcess
    } else if profile.get("aws_access_key_id").is_some() {
        ProfileKind::StaticKeys
    } else {
        ProfileKind::Other
    };
    ProfileInfo {
        name: name.to_owned(),
        region: get("region"),
        endpoint_url: get("endpoint_url"),
        kind,
    }
}

/// The config file the AWS CLI reads: explicit, AWS_CONFIG_FILE, or ~/.aws/config.
pub(crate) fn config_path(source: &ProfileFilesSource) -> PathBuf {
    source
        .config_file
        .clone()
        .or_else(|| std::env::var_os("AWS_CONFIG_FILE").map(PathBuf::from))
        .unwrap_or_else(|| aws_dir().join("config"))
}

/// The credentials file: explicit, AWS_SHARED_CREDENTIALS_FILE, or ~/.aws/credentials.
pub(crate) fn credentials_path(source: &ProfileFilesSource) -> PathBuf {
    source
        .credentials_file
        .clone()
        .or_else(|| std::env::var_os("AWS_SHARED_CREDENTIALS_FILE").map(PathBuf::from))
        .unwrap_or_else(|| aws_dir().join("credentials"))
}

fn aws_dir() -> PathBuf {
    directories::BaseDirs::new()
        .map(|d| d.home_dir().join(".aws"))
        .unwrap_or_else(|| PathBuf::from(".aws"))
}

/// Settings of the profile `name` (or the selected one) in `files`, e.g. `ca_bundle`, read
/// with one load of the files.
pub(crate) async fn profile_values<const N: usize>(
    files: Option<ProfileFiles>,
    name: Option<&str>,
    keys: [&str; N],
) -> [Option<String>; N] {
    let files = files.unwrap_or_default();
    let set = aws_config::profile::load(
        &Fs::real(),
        &Env::real(),
        &files,
        name.map(|n| n.to_owned().into()),
    )
    .await
    .ok();
    let profile = set.as_ref().and_then(|set| match name {
        Some(name) => set.get_profile(name),
        None => set.get_profile(set.selected_profile()),
    });
    keys.map(|key| profile.and_then(|p| p.get(key)).map(str::to_owned))
}

/// Whether aws-config accepts `name` as a profile name (it drops the others silently).
pub(crate) fn aws_config_accepts(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_-/.%@:+".contains(c))
}

/// Profile names in the files that aws-config would skip.
fn odd_profile_names(source: &ProfileFilesSource) -> Vec<String> {
    let mut names = Vec::new();
    let config = std::fs::read_to_string(config_path(source)).unwrap_or_default();
    let credentials = std::fs::read_to_string(credentials_path(source)).unwrap_or_default();
    for (text, in_config) in [(config, true), (credentials, false)] {
        for line in text.lines() {
            let Some(header) = line
                .trim()
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
            else {
                continue;
            };
            let name = if in_config {
                match header.trim().strip_prefix("profile ") {
                    Some(name) => name.trim(),
                    None => continue,
                }
            } else {
                header.trim()
            };
            if !aws_config_accepts(name) && !names.iter().any(|n| n == name) {
                names.push(name.to_owned());
            }
        }
    }
    names
}

/// The profile files with profile `name` renamed to an alias aws-config accepts, held in
/// memory (nothing is copied to disk). None when `name` needs no alias.
pub(crate) fn aliased_profile_files(
    source: &ProfileFilesSource,
    name: &str,
) -> Option<(ProfileFiles, String)> {
    if aws_config_accepts(name) {
        return None;
    }
    let alias = format!(
        "s3share-alias-{}",
        name.bytes().map(|b| format!("{b:02x}")).collect::<String>()
    );
    let rename = |text: String, in_config: bool| -> String {
        text.lines()
            .map(|line| {
                let trimmed = line.trim();
                let header = trimmed.strip_prefix('[').and_then(|l| l.strip_suffix(']'));
                match header.map(str::trim) {
                    Some(h)
                        if in_config && h.strip_prefix("profile ").map(str::trim) == Some(name) =>
                    {
                        format!("[profile {alias}]")
                    }
                    Some(h) if !in_config && h == name => format!("[{alias}]"),
                    _ => line.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let config = std::fs::read_to_string(config_path(source)).unwrap_or_default();
    let credentials = std::fs::read_to_string(credentials_path(source)).unwrap_or_default();
    let files = ProfileFiles::builder()
        .with_contents(ProfileFileKind::Config, rename(config, true))
        .with_contents(ProfileFileKind::Credentials, rename(credentials, false))
        .build();
    Some((files, alias))
}

/// An assumed-role profile whose `duration_seconds` aws-config would not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleWithDuration {
    role_arn: String,
    source_profile: String,
    duration: std::time::Duration,
    external_id: Option<String>,
    session_name: Option<String>,
}

/// The role settings of `profile` when it names `duration_seconds` and a `source_profile`
/// (the AWS CLI's AssumeRole then asks STS for that long a session).
pub(crate) async fn role_with_duration(
    source: &ProfileFilesSource,
    profile: &str,
) -> Option<RoleWithDuration> {
    let files = source.profile_files().unwrap_or_default();
    let set = aws_config::profile::load(&Fs::real(), &Env::real(), &files, None)
        .await
        .ok()?;
    let profile = set.get_profile(profile)?;
    let duration = profile
        .get("duration_seconds")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(RoleWithDuration {
        role_arn: profile.get("role_arn")?.to_owned(),
        source_profile: profile.get("source_profile")?.to_owned(),
        duration: std::time::Duration::from_secs(duration),
        external_id: profile.get("external_id").map(str::to_owned),
        session_name: profile.get("role_session_name").map(str::to_owned),
    })
}

impl RoleWithDuration {
    /// AssumeRole with the profile's duration, on the credentials of its source profile.
    pub(crate) async fn provider(
        &self,
        source: &ProfileFilesSource,
        sdk: &aws_types::SdkConfig,
    ) -> aws_credential_types::provider::SharedCredentialsProvider {
        let mut base = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(&self.source_profile);
        if let Some(files) = source.profile_files() {
            base = base.profile_files(files);
        }
        let mut role = aws_config::sts::AssumeRoleProvider::builder(&self.role_arn)
            .session_name(
                self.session_name
                    .clone()
                    .unwrap_or_else(|| format!("s3share-{}", std::process::id())),
            )
            .session_length(self.duration)
            .configure(sdk);
        if let Some(id) = &self.external_id {
            role = role.external_id(id);
        }
        if let Some(region) = sdk.region() {
            role = role.region(region.clone());
        }
        aws_credential_types::provider::SharedCredentialsProvider::new(
            role.build_from_provider(base.build()).await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lists_profiles_of_both_files_with_the_selected_first() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("config");
        let credentials = dir.path().join("credentials");
        std::fs::write(
            &config,
            "[default]\nregion = eu-west-1\n\n[profile minio]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9000\n\n[profile work]\nsso_session = corp\nsso_account_id = 1\nsso_role_name = R\n\n[sso-session corp]\nsso_start_url = https://x\nsso_region = eu-west-1\n\n[profile admin]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = default\n",
        )
        .unwrap();
        std::fs::write(
            &credentials,
            "[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n\n[minio]\naws_access_key_id = m\naws_secret_access_key = n\n\n[tool]\ncredential_process = /bin/true\n",
        )
        .unwrap();
        let source = ProfileFilesSource {
            config_file: Some(config),
            credentials_file: Some(credentials),
        };
        let profiles = list_profiles(&source).await;
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        // AWS_PROFILE may be set on a developer machine; only assert when it is not.
        if std::env::var_os("AWS_PROFILE").is_none() {
            assert_eq!(names, ["default", "admin", "minio", "tool", "work"]);
        }
        let by_name = |n: &str| profiles.iter().find(|p| p.name == n).unwrap().clone();
        assert_eq!(by_name("default").kind, ProfileKind::StaticKeys);
        assert_eq!(by_name("default").region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            by_name("minio").endpoint_url.as_deref(),
            Some("http://127.0.0.1:9000")
        );
        assert_eq!(by_name("work").kind, ProfileKind::Sso);
        assert_eq!(by_name("admin").kind, ProfileKind::AssumeRole);
        assert_eq!(by_name("tool").kind, ProfileKind::CredentialProcess);
    }

    #[tokio::test]
    async fn missing_files_give_no_profiles() {
        let dir = tempfile::tempdir().unwrap();
        let source = ProfileFilesSource {
            config_file: Some(dir.path().join("nope")),
            credentials_file: Some(dir.path().join("nope2")),
        };
        assert!(list_profiles(&source).await.is_empty());
    }
}
