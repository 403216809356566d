//! One line that names the cause of a credential failure, from what aws-config reports deep
//! in its error chain: the unknown profile and the known ones, the credential_process's exit
//! code and first line of stderr, a source_profile loop or a missing one, the config line
//! that does not parse.

use std::path::PathBuf;

/// What the explanation needs to know about the profile files.
#[derive(Debug, Clone, Default)]
pub struct ProfileContext {
    pub config_file: PathBuf,
    pub known: Vec<String>,
    /// The files signed in from: read again only to name a line that does not parse.
    pub source: super::ProfileFilesSource,
}

impl ProfileContext {
    /// `explain`, with the line aws-config's parser refused looked up only when the failure
    /// is a file that does not parse (no extra read of the files at every sign-in).
    pub async fn explain(&self, detail: &str, profile: &str) -> Option<String> {
        let parse_failure = if detail.contains("could not parse profile file") {
            super::config::parse_failure(&self.source).await
        } else {
            None
        };
        explain(detail, profile, self, parse_failure.as_ref())
    }
}

/// A sentence for `detail` (the error chain), or None when nothing specific is recognised.
/// `parse_failure`: the line aws-config's parser refused (file, line number, its text).
fn explain(
    detail: &str,
    profile: &str,
    context: &ProfileContext,
    parse_failure: Option<&(PathBuf, usize, String)>,
) -> Option<String> {
    if let Some(rest) = detail.split("could not find source profile ").nth(1) {
        let missing = rest.split_whitespace().next().unwrap_or("");
        if rest.contains("referenced from the root profile") {
            let known = if context.known.is_empty() {
                "none".to_owned()
            } else {
                context.known.join(", ")
            };
            return Some(format!(
                "There is no profile named {missing} in {}. Known profiles: {known}.",
                context.config_file.display()
            ));
        }
        let from = rest
            .split("referenced from ")
            .nth(1)
            .unwrap_or(profile)
            .trim();
        return Some(format!(
            "Profile {from} names source_profile {missing}, which does not exist in {}: fix source_profile or add that profile.",
            context.config_file.display()
        ));
    }
    if let Some(rest) = detail.split("external process exited with code ").nth(1) {
        let code = rest
            .trim_start_matches("exit status: ")
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or("?");
        let stderr = rest
            .split("Stderr: ")
            .nth(1)
            .and_then(|s| s.lines().next())
            .unwrap_or("")
            .trim();
        return Some(format!(
            "The credential_process of profile {profile} failed (exit code {code}){}.",
            if stderr.is_empty() {
                String::new()
            } else {
                format!(": {stderr}")
            }
        ));
    }
    if detail.contains("external process wrote more than") {
        return Some(format!(
            "The credential_process of profile {profile} printed more than {} KiB, which is not credentials JSON, so it was stopped: check the command.",
            super::process_credentials::MAX_OUTPUT / 1024
        ));
    }
    if detail.contains("from external process, could not parse response") {
        return Some(format!(
            "The credential_process of profile {profile} printed something that is not credentials JSON (Version 1 with AccessKeyId and SecretAccessKey): check the command."
        ));
    }
    if let Some(rest) = detail
        .split("profile formed an infinite loop. first we loaded ")
        .nth(1)
    {
        let chain: String = rest
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
            .replace('"', "")
            .replace(", ", " -> ");
        return Some(format!(
            "The profiles {chain} -> {profile} name each other as source_profile (a loop): fix source_profile in {}.",
            context.config_file.display()
        ));
    }
    if detail.contains("while loading credentials")
        && detail.contains("dispatch failure")
        && ["connect", "dns error", "timed out", "timeout"]
            .iter()
            .any(|sign| detail.contains(sign))
    {
        return Some(format!(
            "Could not reach the service that gives profile {profile} its credentials (STS for a role, the SSO portal for SSO). Check the network connection, and AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL_SSO if set."
        ));
    }
    if detail.contains("could not parse profile file") {
        // The line is the one aws-config's own parser refused (read at sign-in).
        let (file, place) = match parse_failure {
            Some((file, line, text)) => (file.as_path(), format!(", line {line}: {text:?}")),
            None => (context.config_file.as_path(), String::new()),
        };
        return Some(format!(
            "The AWS config file {} cannot be read{place}. Fix that line (sections look like [profile name], settings like key = value).",
            file.display()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context sign-in would make for a config file holding `config` (the parse failure
    /// comes from aws-config's own parser).
    async fn context(dir: &std::path::Path, config: &str) -> ProfileContext {
        let path = dir.join("config");
        std::fs::write(&path, config).unwrap();
        std::fs::write(dir.join("credentials"), "").unwrap();
        let source = crate::aws::ProfileFilesSource {
            config_file: Some(path.clone()),
            credentials_file: Some(dir.join("credentials")),
        };
        ProfileContext {
            config_file: path,
            known: vec!["default".into(), "work".into()],
            source,
        }
    }

    #[tokio::test]
    async fn each_failure_gets_its_own_cause() {
        let dir = tempfile::tempdir().unwrap();
        let ctx = context(dir.path(), "[profile p]\nregion\n").await;
        let says = async |detail: &str| ctx.explain(detail, "p").await.unwrap_or_default();
        assert!(says("the credential provider was not enabled: profile `nope` was not defined: could not find source profile nope referenced from the root profile").await.contains("no profile named nope") );
        assert!(
            says("could not find source profile nope referenced from the root profile")
                .await
                .contains("Known profiles: default, work")
        );
        assert!(
            says("could not find source profile missing referenced from p")
                .await
                .contains("Profile p names source_profile missing")
        );
        let failed = says(
            "Error retrieving credentials: external process exited with code exit status: 3. Stderr: bad thing\nmore",
        ).await;
        assert_eq!(
            failed,
            "The credential_process of profile p failed (exit code 3): bad thing."
        );
        assert!(says("Error retrieving credentials from external process, could not parse response: invalid JSON").await.contains("not credentials JSON"));
        assert!(says("ProfileFile provider could not be built: profile formed an infinite loop. first we loaded [\"p\", \"q\"], then attempted to reload p").await.contains("p -> q -> p"));
        let bad = says("invalid profile: could not parse profile file").await;
        assert!(bad.contains("line 2: \"region\""), "{bad}");
        let unreachable = says(
            "an error occurred while loading credentials: dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
        ).await;
        assert!(
            unreachable
                .starts_with("Could not reach the service that gives profile p its credentials"),
            "{unreachable}"
        );
        assert_eq!(
            ctx.explain("the credential provider was not enabled", "p")
                .await,
            None
        );
    }
}
