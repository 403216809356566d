//! Fetch an encrypted share without AWS credentials, as the page does in a browser: read the
//! page the link opens, download the ciphertext it points at, decrypt it record by record,
//! and keep the file only once every record passed its check (nothing is written under the
//! file's name before that: a partial file never appears).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::error::{ErrorKind, S3Error};
use crate::share::ece::{self, EceError, Opener};
use crate::share::escape;

use super::link_fragment::Fragment;

/// What was fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fetched {
    pub path: PathBuf,
    pub size: u64,
}

/// Downloads and decrypts `page_url`'s file into `output` (which must not exist). With a
/// passphrase link, `passphrase` is needed. Runs off the async threads.
pub async fn fetch_encrypted(
    page_url: &str,
    fragment: &Fragment,
    passphrase: Option<&super::Passphrase>,
    output: &Path,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<Fetched, S3Error> {
    let ikm = match (&fragment.key, &fragment.salt, passphrase) {
        (Some(key), _, _) => key.clone(),
        (None, Some(salt), Some(passphrase)) => {
            let (salt, rounds, passphrase) = (salt.clone(), fragment.rounds, passphrase.clone());
            tokio::task::spawn_blocking(move || {
                ece::passphrase_key(passphrase.expose(), &salt, rounds).to_vec()
            })
            .await
            .map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?
        }
        (None, _, _) => {
            return Err(S3Error::bad_input(
                "This link is protected by a passphrase: pass it with --passphrase-file FILE (one line).",
            ));
        }
    };
    if output.exists() {
        return Err(S3Error::plain(
            ErrorKind::AlreadyExists,
            format!(
                "{} already exists and was left as it is: choose another name with -o.",
                escape::text(&output.display().to_string())
            ),
        ));
    }
    // The plaintext is written beside the output under a name of its own (readable by this
    // user only), and renamed only when whole. The part file goes whatever happens: an
    // error, a cancel, or this future dropped (the process stopping).
    let part = PartFile::create(output)?;
    let (page_url, output, file) = (page_url.to_owned(), output.to_owned(), part.file()?);
    let part_path = part.path.clone();
    let blocking_cancel = cancel.clone();
    // The blocking task reports through a channel; progress is said from here.
    let (tx, rx) = std::sync::mpsc::channel::<(u64, u64)>();
    let mut task = tokio::task::spawn_blocking(move || {
        let report = move |done, total| {
            let _ = tx.send((done, total));
        };
        fetch_blocking(
            &page_url,
            &ikm,
            (file, &part_path),
            &output,
            &blocking_cancel,
            &report,
        )
    });
    loop {
        tokio::select! {
            // Stopped at once, even with the download waiting on a silent server: the part
            // file is removed here and the blocking read ends with its connection.
            () = cancel.cancelled() => {
                drop(part);
                return Err(S3Error::plain(ErrorKind::Cancelled, "Cancelled: nothing was kept."));
            }
            done = &mut task => {
                drop(part);
                while let Ok((d, t)) = rx.try_recv() {
                    on_progress(d, t);
                }
                return done.map_err(|e| S3Error::plain(ErrorKind::Server, e.to_string()))?;
            }
            () = tokio::time::sleep(Duration::from_millis(100)) => {
                while let Ok((d, t)) = rx.try_recv() {
                    on_progress(d, t);
                }
            }
        }
    }
}

/// The plaintext being written; removed when dropped (once the whole file was linked under
/// its name, only the part's own name goes).
struct PartFile {
    path: PathBuf,
    file: Option<std::fs::File>,
}

impl PartFile {
    fn create(output: &Path) -> Result<PartFile, S3Error> {
        let folder = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let path = folder.join(format!(
            ".{}.s3share-part-{}",
            output
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            uuid::Uuid::new_v4().simple()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&path).map_err(|e| local_error(folder, &e))?;
        Ok(PartFile {
            path,
            file: Some(file),
        })
    }

    fn file(&self) -> Result<std::fs::File, S3Error> {
        let file = self.file.as_ref().expect("open until dropped");
        file.try_clone().map_err(|e| local_error(&self.path, &e))
    }
}

impl Drop for PartFile {
    fn drop(&mut self) {
        self.file = None;
        let _ = std::fs::remove_file(&self.path);
    }
}

fn local_error(place: &Path, e: &std::io::Error) -> S3Error {
    S3Error::plain(
        ErrorKind::LocalFile,
        format!(
            "Could not write into {}: {e}. Nothing was kept.",
            escape::text(&place.display().to_string())
        ),
    )
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        // The page and its file are on the bucket's origin: a redirect elsewhere is not
        // followed (an answer of 3xx is refused as it is).
        .max_redirects(0)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_recv_response(Some(Duration::from_secs(60)))
        .build()
        .into()
}

fn refused(status: u16, what: &str) -> S3Error {
    let (kind, text) = match status {
        400 | 403 | 404 => (
            ErrorKind::LinkRefused,
            format!(
                "The server refused the {what} (HTTP {status}): the link has ended or was taken back. Ask the sender for a new link."
            ),
        ),
        _ => (
            ErrorKind::Server,
            format!("The server answered HTTP {status} for the {what}: try again in a moment."),
        ),
    };
    S3Error::plain(kind, text)
}

fn unreachable(err: &ureq::Error) -> S3Error {
    // ureq's own text may hold the URL: keep the query (the signature) out of it.
    let text = err.to_string();
    let text = text.split('?').next().unwrap_or_default();
    S3Error::plain(
        ErrorKind::Network,
        format!(
            "Could not download the encrypted file ({}): check the connection, then try again.",
            escape::text(text)
        ),
    )
}

/// The ciphertext's URL from the page's configuration (same origin as the page).
fn data_url(page_url: &str, html: &str) -> Result<String, S3Error> {
    let not_ours = || {
        S3Error::bad_input(
            "The link opens a page that is not an encrypted S3 Share page: check that it is the whole link.",
        )
    };
    let start = html
        .find(r#"<script type="application/json" id="config">"#)
        .ok_or_else(not_ours)?;
    let json = &html[start..];
    let json = &json[json.find('>').ok_or_else(not_ours)? + 1..];
    let json = &json[..json.find("</script>").ok_or_else(not_ours)?];
    let config: serde_json::Value = serde_json::from_str(json).map_err(|_| not_ours())?;
    let url = config["url"].as_str().ok_or_else(not_ours)?.to_owned();
    let origin = |u: &str| {
        let rest = u.split_once("://").map_or("", |(_, r)| r);
        format!(
            "{}://{}",
            u.split("://").next().unwrap_or_default(),
            rest.split('/').next().unwrap_or_default()
        )
    };
    if origin(&url) != origin(page_url) {
        return Err(not_ours());
    }
    Ok(url)
}

fn fetch_blocking(
    page_url: &str,
    ikm: &[u8],
    (mut file, part): (std::fs::File, &Path),
    output: &Path,
    cancel: &CancellationToken,
    on_progress: &(dyn Fn(u64, u64) + Send + Sync),
) -> Result<Fetched, S3Error> {
    let agent = agent();
    let mut page = agent.get(page_url).call().map_err(|e| unreachable(&e))?;
    if !page.status().is_success() {
        return Err(refused(page.status().as_u16(), "page"));
    }
    let html = page
        .body_mut()
        .with_config()
        .limit(4 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| unreachable(&e))?;
    let url = data_url(page_url, &html)?;
    let mut data = agent.get(&url).call().map_err(|e| unreachable(&e))?;
    if !data.status().is_success() {
        return Err(refused(data.status().as_u16(), "encrypted file"));
    }
    let total = data
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = data.body_mut().with_config().limit(u64::MAX).reader();
    let local = |e: std::io::Error| local_error(part, &e);
    let result = (|| {
        let mut opener = Opener::new(ikm);
        let mut buffer = vec![0u8; 256 * 1024];
        let (mut received, mut written) = (0u64, 0u64);
        loop {
            if cancel.is_cancelled() {
                return Err(S3Error::plain(
                    ErrorKind::Cancelled,
                    "Cancelled: nothing was kept.",
                ));
            }
            let n = body.read(&mut buffer).map_err(|e| {
                S3Error::plain(
                    ErrorKind::Network,
                    format!(
                        "The download broke off ({}): nothing was kept. Try again.",
                        escape::text(&e.to_string())
                    ),
                )
            })?;
            if n == 0 {
                break;
            }
            received += n as u64;
            let plain = opener.push(&buffer[..n]).map_err(undecryptable)?;
            file.write_all(&plain).map_err(local)?;
            written += plain.len() as u64;
            on_progress(received, total);
        }
        let plain = opener.finish().map_err(undecryptable)?;
        file.write_all(&plain).map_err(local)?;
        file.sync_all().map_err(local)?;
        Ok(written + plain.len() as u64)
    })();
    drop(file);
    let size = result?;
    // A hard link cannot replace a file that appeared meanwhile; a rename could. (The part
    // file itself is removed by its owner.)
    let kept = std::fs::hard_link(part, output)
        .or_else(|_| {
            if output.exists() {
                Err(std::io::Error::from(std::io::ErrorKind::AlreadyExists))
            } else {
                std::fs::rename(part, output)
            }
        })
        .map_err(|e| {
            S3Error::plain(
                ErrorKind::AlreadyExists,
                format!(
                    "Could not save {}: {e}. Nothing was kept.",
                    escape::text(&output.display().to_string())
                ),
            )
        });
    kept?;
    Ok(Fetched {
        path: output.to_owned(),
        size,
    })
}

fn undecryptable(err: EceError) -> S3Error {
    let next = match err {
        EceError::WrongKey => "Check the passphrase, or copy the whole link again.",
        _ => "Ask the sender to share it again.",
    };
    S3Error::plain(
        ErrorKind::BadInput,
        format!("The file cannot be decrypted: {err}. Nothing was kept. {next}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on 127.0.0.1 that answers its connections in turn with `answers(base)` (raw
    /// HTTP), then holds each connection open without a word.
    fn serve(answers: impl FnOnce(&str) -> Vec<Vec<u8>>) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let answers = answers(&base);
        std::thread::spawn(move || {
            for answer in answers {
                let Ok((mut socket, _)) = listener.accept() else {
                    return;
                };
                let mut head = [0u8; 4096];
                let _ = socket.read(&mut head);
                let _ = socket.write_all(&answer);
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_secs(3));
                    drop(socket);
                });
            }
        });
        base
    }

    fn answer(head: &str, body: &[u8]) -> Vec<u8> {
        let mut out =
            format!("HTTP/1.1 {head}\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    fn page(data_url: &str) -> Vec<u8> {
        let html = format!(
            r#"<script type="application/json" id="config">{{"url":"{data_url}"}}</script>"#
        );
        answer("200 OK", html.as_bytes())
    }

    async fn fetch_into(dir: &Path, page_url: &str, cancel: &CancellationToken) -> S3Error {
        let fragment = Fragment {
            key: Some(vec![5; 16]),
            salt: None,
            rounds: ece::PBKDF2_ROUNDS,
            name: None,
        };
        let output = dir.join("out.bin");
        fetch_encrypted(page_url, &fragment, None, &output, cancel, &|_, _| {})
            .await
            .unwrap_err()
    }

    /// A download stopped while the server is silent ends at once and leaves no file (and
    /// no part file) behind.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_fetch_leaves_nothing_behind() {
        let plain = vec![9u8; 1_000_000];
        let sealer = ece::Sealer::new(&[5; 16], [6; 16], plain.len() as u64);
        let all = sealer
            .range(0, sealer.sealed_len(), |at, len| {
                Ok::<_, ()>(plain[at as usize..(at + len) as usize].to_vec())
            })
            .unwrap();
        let base = serve(|base| {
            // The data's head says the whole length; two records come, then silence.
            let mut data =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", all.len()).into_bytes();
            data.extend_from_slice(&all[..150_000]);
            vec![page(&format!("{base}/data")), data]
        });
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let stop = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            stop.cancel();
        });
        let started = std::time::Instant::now();
        let err = fetch_into(dir.path(), &format!("{base}/p.html"), &cancel).await;
        assert_eq!(err.kind, ErrorKind::Cancelled, "{err:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "it did not wait for the server"
        );
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "left behind: {left:?}");
    }

    /// A page that redirects elsewhere is refused, not followed.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_redirect_is_not_followed() {
        let elsewhere = serve(|base| vec![page(&format!("{base}/data"))]);
        let base = serve(|_| {
            vec![answer(
                &format!("302 Found\r\nLocation: {elsewhere}/p.html"),
                b"",
            )]
        });
        let dir = tempfile::tempdir().unwrap();
        let cancel = CancellationToken::new();
        let err = fetch_into(dir.path(), &format!("{base}/p.html"), &cancel).await;
        assert!(err.message.contains("HTTP 302"), "{}", err.message);
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }
}
