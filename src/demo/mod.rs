//! The demo bucket: a real S3 server embedded in the app (`server`), with a few sample files
//! under the user's data directory and keys generated on first use, so a newcomer can
//! browse, share and upload before configuring AWS.
//!
//! Why this is in the product: the README's first command (`cargo run -- --demo`) and the
//! window's "Try the demo bucket" must show something useful without any AWS account. It
//! sits behind the default-on `demo` cargo feature, the only reason the product links
//! `s3s`/`s3s-fs`; a build without it has no demo and no embedded server.

mod file_store;
mod server;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::s3::Session;
use server::DemoServer;

pub const DEMO_BUCKET: &str = "demo-bucket";
pub const DEMO_PROFILE: &str = "demo (local)";
const DEMO_REGION: &str = "us-east-1";

const SAMPLES: &[(&str, &str)] = &[
    (
        "README.txt",
        "This is the S3 Share demo bucket: a real S3 server running inside the app on 127.0.0.1.\nPick a file, choose how long the link lives and press Copy link.\n",
    ),
    (
        "reports/Quarterly report Q3.csv",
        "quarter,revenue,costs\nQ1,120,80\nQ2,135,82\nQ3,150,90\n",
    ),
    (
        "reports/Prüfbericht März.txt",
        "Prüfbericht für März: alles in Ordnung.\n",
    ),
    (
        "notes/meeting notes 2026-11-20.md",
        "# Meeting notes\n\n- ship the window\n- share links that tell the truth about expiry\n",
    ),
    ("empty.txt", ""),
];

/// Where the demo keeps its data: S3SHARE_DATA_DIR, else the OS data directory.
pub fn data_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("S3SHARE_DATA_DIR") {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "s3share").map(|d| d.data_dir().to_owned())
}

/// A running demo: the server and a session signed in to it.
#[derive(Debug)]
pub struct Demo {
    /// Serves as long as the demo is in use; dropping it stops the server.
    _server: DemoServer,
    pub session: Session,
}

/// Starts the demo server on the current Tokio runtime.
pub async fn start(base: &Path) -> std::io::Result<Demo> {
    let root = base.join("demo");
    let bucket_dir = root.join(DEMO_BUCKET);
    let fresh = !bucket_dir.exists();
    std::fs::create_dir_all(&bucket_dir)?;
    if fresh {
        for (key, body) in SAMPLES {
            let path = bucket_dir.join(key);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, body)?;
        }
    }
    let (access_key, secret_key) = demo_keys(base)?;
    let server = DemoServer::start(&root, &access_key, &secret_key).await?;
    let session = Session::with_static_keys(
        DEMO_PROFILE,
        &server.endpoint(),
        DEMO_REGION,
        &access_key,
        &secret_key,
    );
    Ok(Demo {
        _server: server,
        session,
    })
}

/// The demo's key pair, made on first use and kept readable by the owner only.
fn demo_keys(base: &Path) -> std::io::Result<(String, String)> {
    let path = base.join("demo-keys");
    if let Ok(text) = std::fs::read_to_string(&path)
        && let Some((access, secret)) = text.trim().split_once(':')
        && !access.is_empty()
        && !secret.is_empty()
    {
        return Ok((access.to_owned(), secret.to_owned()));
    }
    let access = format!("demo{}", &uuid::Uuid::new_v4().simple().to_string()[..16]);
    let secret = uuid::Uuid::new_v4().simple().to_string();
    std::fs::create_dir_all(base)?;
    let mut file = crate::private_file::create_private(&path)?;
    file.write_all(format!("{access}:{secret}\n").as_bytes())?;
    Ok((access, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_demo_serves_its_samples_with_keys_kept_between_runs() {
        let dir = tempfile::tempdir().unwrap();
        let first = start(dir.path()).await.unwrap();
        let page = first
            .session
            .list_page(DEMO_BUCKET, "", None)
            .await
            .unwrap();
        assert_eq!(page.folders, ["notes/", "reports/"]);
        assert!(page.objects.iter().any(|o| o.key == "README.txt"));
        let keys = std::fs::read_to_string(dir.path().join("demo-keys")).unwrap();
        drop(first);
        start(dir.path()).await.unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("demo-keys")).unwrap(),
            keys
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("demo-keys"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
