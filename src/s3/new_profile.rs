//! "Add a profile…" for people with keys but no AWS CLI (MinIO, R2, Wasabi users): the keys
//! are tried with one request first, then written to the config and credentials files
//! exactly as `aws configure` would — existing content kept, a backup of each file made
//! before writing, files readable by their owner only.

use std::path::Path;

use super::session::Session;
use crate::aws::{ProfileFilesSource, config_path, credentials_path, list_profiles};
use crate::error::{ErrorKind, S3Error};

/// What the dialog collected. `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct NewProfile {
    pub name: String,
    pub access_key: String,
    pub secret_key: String,
    pub region: String,
    /// MinIO, R2, Ceph…; empty for AWS.
    pub endpoint_url: String,
    /// Bucket in the path rather than the host name (most self-hosted servers).
    pub path_style: bool,
}

impl std::fmt::Debug for NewProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewProfile")
            .field("name", &self.name)
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .finish_non_exhaustive()
    }
}

impl NewProfile {
    /// Every field checked before anything is asked of a server or written.
    pub fn check(&self) -> Result<(), S3Error> {
        let bad = |m: &str| Err(S3Error::bad_input(m.to_owned()));
        let name = self.name.trim();
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return bad(
                "The profile name may use letters, digits, - _ and . only (for example minio or work-r2).",
            );
        }
        if self.access_key.trim().is_empty() || self.secret_key.trim().is_empty() {
            return bad("Enter both the access key and the secret key.");
        }
        if self
            .access_key
            .chars()
            .chain(self.secret_key.chars())
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return bad("The keys contain spaces or line breaks: paste them again without them.");
        }
        let region = self.region.trim();
        if region.is_empty()
            || !region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return bad(
                "Enter a region such as us-east-1 (MinIO and most servers accept us-east-1).",
            );
        }
        let endpoint = self.endpoint_url.trim();
        if !endpoint.is_empty() {
            let rest = endpoint
                .strip_prefix("https://")
                .or_else(|| endpoint.strip_prefix("http://"));
            let host = rest.and_then(|r| r.split(['/', '?']).next()).unwrap_or("");
            if host.is_empty() || host.contains(char::is_whitespace) || endpoint.contains('?') {
                return bad(
                    "The endpoint URL must look like https://minio.example.com:9000 (http:// or https://, a host, an optional port).",
                );
            }
        }
        Ok(())
    }
}

/// Tries the keys with one request, then writes the profile. Returns its name.
pub async fn test_and_save(
    source: &ProfileFilesSource,
    profile: &NewProfile,
) -> Result<String, S3Error> {
    profile.check()?;
    let name = profile.name.trim().to_owned();
    if list_profiles(source).await.iter().any(|p| p.name == name) {
        return Err(S3Error::bad_input(format!(
            "A profile named {name} exists already: choose another name (nothing was changed)."
        )));
    }
    let endpoint = Some(profile.endpoint_url.trim()).filter(|e| !e.is_empty());
    let session = Session::with_static_keys_at(
        &name,
        endpoint,
        profile.region.trim(),
        profile.access_key.trim(),
        profile.secret_key.trim(),
    );
    match session.list_buckets().await {
        Ok(_) => {}
        // Keys allowed to do less than list buckets are still good keys.
        Err(err) if err.kind == ErrorKind::AccessDenied => {}
        Err(err) => {
            return Err(S3Error {
                message: format!("{} Nothing was saved.", err.message),
                ..err
            });
        }
    }
    let config = config_path(source);
    let credentials = credentials_path(source);
    let local = |e: std::io::Error, path: &Path| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!(
                "{} could not be written ({e}); nothing was saved.",
                path.display()
            ),
        )
    };
    let mut config_section = if name == "default" {
        "[default]\n".to_owned()
    } else {
        format!("[profile {name}]\n")
    };
    config_section.push_str(&format!("region = {}\n", profile.region.trim()));
    if let Some(endpoint) = endpoint {
        config_section.push_str(&format!("endpoint_url = {endpoint}\n"));
    }
    if profile.path_style {
        config_section.push_str("s3 =\n    addressing_style = path\n");
    }
    let credentials_section = format!(
        "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        profile.access_key.trim(),
        profile.secret_key.trim()
    );
    append_section(&config, &config_section).map_err(|e| local(e, &config))?;
    append_section(&credentials, &credentials_section).map_err(|e| local(e, &credentials))?;
    Ok(name)
}

/// Adds `section` at the end of `path` (kept as it was otherwise), after copying the old
/// file to `<path>.bak-<seconds>`; the result is owner-only and replaced atomically.
fn append_section(path: &Path, section: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let old = match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let mut text = old.clone().unwrap_or_default();
    if let Some(old) = &old {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let backup = path.with_file_name(format!(
            "{}.bak-{stamp}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or("aws")
        ));
        let mut file = crate::private_file::create_private(&backup)?;
        std::io::Write::write_all(&mut file, old.as_bytes())?;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(section);
    let tmp = path.with_extension("s3share-tmp");
    let mut file = crate::private_file::create_private(&tmp)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> NewProfile {
        NewProfile {
            name: "minio".into(),
            access_key: "AK".into(),
            secret_key: "secret-key".into(),
            region: "us-east-1".into(),
            endpoint_url: "http://127.0.0.1:9000".into(),
            path_style: true,
        }
    }

    #[test]
    fn every_field_is_checked_and_the_secret_never_shown() {
        assert!(draft().check().is_ok());
        for (change, says) in [
            (
                NewProfile {
                    name: "my profile".into(),
                    ..draft()
                },
                "profile name",
            ),
            (
                NewProfile {
                    secret_key: "".into(),
                    ..draft()
                },
                "secret key",
            ),
            (
                NewProfile {
                    access_key: "A K".into(),
                    ..draft()
                },
                "spaces",
            ),
            (
                NewProfile {
                    region: "Frankfurt".into(),
                    ..draft()
                },
                "region",
            ),
            (
                NewProfile {
                    endpoint_url: "minio:9000".into(),
                    ..draft()
                },
                "endpoint URL",
            ),
        ] {
            let err = change.check().unwrap_err();
            assert!(err.message.contains(says), "{}", err.message);
        }
        assert!(!format!("{:?}", draft()).contains("secret-key"));
    }

    #[test]
    fn a_section_is_appended_after_a_backup_and_the_file_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config");
        std::fs::write(&path, "[default]\nregion = eu-west-1").unwrap();
        append_section(&path, "[profile minio]\nregion = us-east-1\n").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            "[default]\nregion = eu-west-1\n\n[profile minio]\nregion = us-east-1\n"
        );
        let backups: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with("config.bak-"))
            .collect();
        assert_eq!(backups.len(), 1);
        assert_eq!(
            std::fs::read_to_string(backups[0].path()).unwrap(),
            "[default]\nregion = eu-west-1"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
