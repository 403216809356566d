//! A profile's `credential_process`, run with bounds. aws-config reads everything the
//! command prints: one that never stops writing grows memory without limit (2.5 GB in 6 s
//! was measured). This runs the command as the AWS CLI does (through the shell), keeps at
//! most `MAX_OUTPUT` of its output, stops it past that, and words its failures the way
//! `explain` reads aws-config's (exit code, first stderr line, output that is not JSON).
//! Used for a profile whose own credentials come from a credential_process; a role chain
//! through one (source_profile) is still aws-config's.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};
use tokio::io::AsyncReadExt;

/// The most a credential_process may print (credentials JSON is well under 4 KiB).
pub const MAX_OUTPUT: u64 = 64 * 1024;

#[derive(Debug, Clone)]
pub struct BoundedProcess {
    pub command: String,
}

impl ProvideCredentials for BoundedProcess {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(run(&self.command))
    }
}

async fn run(command: &str) -> Result<Credentials, CredentialsError> {
    let mut cmd = if cfg!(windows) {
        let mut cmd = tokio::process::Command::new("cmd");
        cmd.args(["/C", command]);
        cmd
    } else {
        let mut cmd = tokio::process::Command::new("sh");
        cmd.args(["-c", command]);
        cmd
    };
    cmd.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let mut child = cmd.spawn().map_err(|e| {
        CredentialsError::provider_error(format!("external process could not be started: {e}"))
    })?;
    let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(CredentialsError::provider_error(
            "external process has no output",
        ));
    };
    // stderr is kept up to the bound and the rest drained, so the command never blocks on
    // a full pipe.
    let stderr_task = tokio::spawn(async move {
        let mut kept = Vec::new();
        let mut stderr = stderr;
        let _ = (&mut stderr).take(MAX_OUTPUT).read_to_end(&mut kept).await;
        let _ = tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await;
        kept
    });
    let mut out = Vec::new();
    let read = stdout.take(MAX_OUTPUT + 1).read_to_end(&mut out).await;
    if read.is_err() || out.len() as u64 > MAX_OUTPUT {
        let _ = child.kill().await;
        stderr_task.abort();
        return Err(CredentialsError::provider_error(format!(
            "external process wrote more than {} KiB: it is not printing credentials",
            MAX_OUTPUT / 1024
        )));
    }
    let status = child.wait().await.map_err(|e| {
        CredentialsError::provider_error(format!("external process could not be waited on: {e}"))
    })?;
    let stderr = stderr_task.await.unwrap_or_default();
    if !status.success() {
        let code = status.code().map_or("?".to_owned(), |c| c.to_string());
        return Err(CredentialsError::provider_error(format!(
            "external process exited with code exit status: {code}. Stderr: {}",
            String::from_utf8_lossy(&stderr)
        )));
    }
    parse(&out).ok_or_else(|| {
        CredentialsError::provider_error(
            "Error retrieving credentials from external process, could not parse response",
        )
    })
}

/// The credential_process JSON (Version 1) the AWS CLI reads.
fn parse(out: &[u8]) -> Option<Credentials> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Printed {
        version: u8,
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        expiration: Option<String>,
    }
    let printed: Printed = serde_json::from_slice(out).ok()?;
    if printed.version != 1 {
        return None;
    }
    let expiry = match printed.expiration {
        Some(text) => {
            let at = chrono::DateTime::parse_from_rfc3339(&text).ok()?;
            Some(SystemTime::from(at.with_timezone(&chrono::Utc)))
        }
        None => None,
    };
    Some(Credentials::new(
        printed.access_key_id,
        printed.secret_access_key,
        printed.session_token,
        expiry,
        "credential_process",
    ))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn credentials_json_is_read() {
        let creds = run(r#"printf '{"Version":1,"AccessKeyId":"AK","SecretAccessKey":"SK","SessionToken":"T","Expiration":"2030-01-02T03:04:05Z"}'"#)
            .await
            .unwrap();
        assert_eq!(creds.access_key_id(), "AK");
        assert_eq!(creds.session_token(), Some("T"));
        assert!(creds.expiry().is_some());
    }

    #[tokio::test]
    async fn a_process_that_never_stops_writing_is_stopped_at_the_bound() {
        let started = std::time::Instant::now();
        let err = run("yes credentials").await.unwrap_err();
        assert!(
            format!("{err:?}").contains("wrote more than 64 KiB"),
            "{err:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
        // Endless stderr before a failure: drained, the first of it kept.
        let err = run("yes noise | head -c 10000000 >&2; exit 2")
            .await
            .unwrap_err();
        assert!(format!("{err:?}").contains("exit status: 2"), "{err:?}");
    }

    #[tokio::test]
    async fn a_failure_keeps_its_exit_code_and_stderr() {
        let err = run("echo 'token expired' >&2; exit 3").await.unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("exited with code exit status: 3"), "{text}");
        assert!(text.contains("token expired"), "{text}");
    }
}
