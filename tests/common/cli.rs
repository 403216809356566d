//! The `s3share` binary, run the way the CLI suites run it: a temporary AWS config with an
//! endpoint_url profile on the bed's server, and nothing of the caller's AWS environment.

use std::path::Path;
use std::process::Output;

use super::Bed;

/// Writes an AWS config + credentials pair with one profile, "share", on the bed's server.
pub fn write_profile(dir: &Path, bed: &Bed) {
    std::fs::write(
        dir.join("config"),
        format!(
            "[profile share]\nregion = us-east-1\nendpoint_url = {}\n",
            bed.endpoint
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("credentials"),
        format!(
            "[share]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            bed.access_key, bed.secret_key
        ),
    )
    .unwrap();
}

/// The binary (behind `wrapper`, such as `faketime -f -1d`) with profile "share" of `dir`
/// and nothing of the caller's AWS environment.
pub fn profile_command(dir: &Path, wrapper: &[&str]) -> std::process::Command {
    let mut cmd = isolated_command(dir, wrapper);
    cmd.args(["--profile", "share"]);
    cmd
}

/// The binary (behind `wrapper`) reading the config and credentials files of `dir`, keeping
/// its history there, with no AWS_* variable of the caller and no instance metadata.
pub fn isolated_command(dir: &Path, wrapper: &[&str]) -> std::process::Command {
    let binary = assert_cmd::cargo::cargo_bin("s3share");
    let mut cmd = match wrapper.split_first() {
        Some((program, rest)) => {
            let mut cmd = std::process::Command::new(program);
            cmd.args(rest).arg(binary);
            cmd
        }
        None => std::process::Command::new(binary),
    };
    for (var, _) in std::env::vars_os() {
        if var.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(var);
        }
    }
    cmd.env("AWS_CONFIG_FILE", dir.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("S3SHARE_HISTORY_FILE", dir.join("history.json"));
    cmd
}

/// Runs the binary off the async runtime (the in-process server keeps serving meanwhile).
pub async fn s3share(dir: &Path, args: &[&str]) -> Output {
    run(profile_command(dir, &[]), args).await
}

/// `s3share` with its clock moved by `offset` (libfaketime).
pub async fn s3share_with_clock(dir: &Path, offset: &str, args: &[&str]) -> Output {
    run(profile_command(dir, &["faketime", "-f", offset]), args).await
}

pub async fn run(mut cmd: std::process::Command, args: &[&str]) -> Output {
    cmd.args(args);
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `cmd` (off the async runtime), sends it SIG`signal` after `after`, and returns what
/// it printed and how it ended.
#[cfg(unix)]
pub async fn stopped_by(
    mut cmd: std::process::Command,
    signal: &str,
    after: std::time::Duration,
) -> Output {
    let signal = signal.to_owned();
    tokio::task::spawn_blocking(move || {
        cmd.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let child = cmd.spawn().unwrap();
        std::thread::sleep(after);
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap()
}
