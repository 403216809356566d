//! The rules of an object key that names a file, in one place with one wording: used where
//! a link is asked for and where an upload is sent, before any request.

/// Why a key cannot name a file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("No object is named: give the key of a file (s3://bucket/folder/file.ext).")]
    Empty,
    #[error(
        "{0:?} is a folder (it ends with /), not a file: choose a file in it, or end the key with the file's name."
    )]
    Folder(String),
    #[error(
        "The key is {0} bytes long; S3 keys are at most 1024 bytes: choose a shorter name or folder."
    )]
    TooLong(usize),
}

/// Where S3 Share keeps its own objects in a bucket (pages, probes, copies): never a user's
/// file, never among a folder's links.
pub const OWN_FOLDER: &str = ".s3share/";

/// True for S3 Share's own objects.
pub fn is_own_key(key: &str) -> bool {
    key.starts_with(OWN_FOLDER)
}

/// The longest key S3 stores, in UTF-8 bytes.
pub const MAX_KEY_BYTES: usize = 1024;

/// Checks that `key` can name a file (not empty, not a folder, not too long).
pub fn check_file_key(key: &str) -> Result<(), KeyError> {
    if key.is_empty() {
        return Err(KeyError::Empty);
    }
    if key.ends_with('/') {
        return Err(KeyError::Folder(key.to_owned()));
    }
    if key.len() > MAX_KEY_BYTES {
        return Err(KeyError::TooLong(key.len()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_key_is_not_empty_not_a_folder_and_fits() {
        assert_eq!(check_file_key(""), Err(KeyError::Empty));
        assert_eq!(check_file_key("a/"), Err(KeyError::Folder("a/".into())));
        assert_eq!(
            check_file_key(&"k".repeat(1025)),
            Err(KeyError::TooLong(1025))
        );
        assert!(check_file_key(&"k".repeat(1024)).is_ok());
        assert!(check_file_key("reports/Q3 final.pdf").is_ok());
    }
}
