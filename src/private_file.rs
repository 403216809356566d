//! Files only their owner can read: the link history (links are credentials), a profile's
//! keys, the demo's keys. Created with mode 0600 (folders 0700) where the system has modes.

use std::fs::File;
use std::path::Path;

/// Creates `dir` (and its parents) readable by its owner only. Only called for a folder
/// that does not exist yet: a folder the user chose keeps its permissions.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Creates (or truncates) a file that only its owner can read and write.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    open_private(path, true)
}

/// Opens (creating it if needed, emptying it with `truncate`) a file only its owner can read.
pub fn open_private(path: &Path, truncate: bool) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(truncate);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        // An existing file keeps its old mode on open: tighten it.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    {
        // On Windows the per-user profile directory is already private to its owner.
        options.open(path)
    }
}
