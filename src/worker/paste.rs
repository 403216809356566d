//! A pasted image (a screenshot) written as a PNG file, so it can be uploaded like any file.

use std::path::PathBuf;

use crate::s3::{ErrorKind, S3Error};

/// Encodes `image` as PNG into a fresh private folder under the system's temporary folder,
/// as `name`. Returns the file's path.
pub fn save_png(image: &egui::ColorImage, name: &str) -> Result<PathBuf, S3Error> {
    let local = |e: &dyn std::fmt::Display| {
        S3Error::plain(
            ErrorKind::LocalFile,
            format!("The pasted image could not be saved for upload: {e}."),
        )
    };
    let dir = std::env::temp_dir()
        .join("s3share-pasted")
        .join(uuid::Uuid::new_v4().simple().to_string());
    std::fs::create_dir_all(&dir).map_err(|e| local(&e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| local(&e))?;
    }
    let path = dir.join(name);
    let file = std::fs::File::create(&path).map_err(|e| local(&e))?;
    let [width, height] = image.size;
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(file), width as u32, height as u32);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| local(&e))?;
    // egui keeps premultiplied colours; a PNG holds straight alpha.
    let rgba: Vec<u8> = image
        .pixels
        .iter()
        .flat_map(|p| p.to_srgba_unmultiplied())
        .collect();
    writer.write_image_data(&rgba).map_err(|e| local(&e))?;
    writer.finish().map_err(|e| local(&e))?;
    Ok(path)
}
