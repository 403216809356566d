//! The CAs to trust, as the AWS CLI reads `ca_bundle` / `AWS_CA_BUNDLE`: one PEM file, read
//! once at sign-in and used by every HTTPS client of the session (the SDK's and the link
//! self-test's), so both trust exactly the same CAs and an unusable file is said the same
//! way, before any request.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{ErrorKind, S3Error};

#[derive(Debug, Clone)]
pub struct CaBundle {
    path: PathBuf,
    pem: Arc<Vec<u8>>,
}

impl CaBundle {
    /// Reads the file; one that cannot be read or holds no PEM certificate is refused.
    pub fn load(path: &Path) -> Result<CaBundle, S3Error> {
        let unusable = |why: String| {
            S3Error::plain(
                ErrorKind::LocalFile,
                format!(
                    "The CA bundle {} cannot be used ({why}): check ca_bundle or AWS_CA_BUNDLE.",
                    path.display()
                ),
            )
        };
        let pem = std::fs::read(path).map_err(|e| unusable(e.to_string()))?;
        let certs = rustls_pemfile::certs(&mut &pem[..])
            .filter(Result::is_ok)
            .count();
        if certs == 0 {
            return Err(unusable("it holds no PEM certificate".to_owned()));
        }
        Ok(CaBundle {
            path: path.to_owned(),
            pem: Arc::new(pem),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn pem(&self) -> &[u8] {
        &self.pem
    }

    /// The certificates, for the self-test's HTTP client.
    pub fn certificates(&self) -> Vec<ureq::tls::Certificate<'static>> {
        rustls_pemfile::certs(&mut &self.pem[..])
            .filter_map(Result::ok)
            .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_without_certificates_is_refused_in_one_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, b"not a certificate").unwrap();
        let err = CaBundle::load(&empty).unwrap_err();
        assert_eq!(err.kind, ErrorKind::LocalFile);
        assert!(
            err.message.contains("holds no PEM certificate"),
            "{}",
            err.message
        );
        let missing = CaBundle::load(&dir.path().join("missing.pem")).unwrap_err();
        assert!(
            missing.message.contains("cannot be used"),
            "{}",
            missing.message
        );
    }
}
