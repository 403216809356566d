//! A link as a QR code, for a phone at arm's length: the window draws the modules, the CLI
//! prints them with half-block characters. A presigned URL is long (600 to 1,500 characters
//! and more with a session token); the lowest error correction keeps the code as small as a
//! camera can read, and a link too long for any QR code is refused with its length.

/// The dark and light modules of a code, row by row, without the quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    pub width: usize,
    pub dark: Vec<bool>,
}

/// Why a link has no QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the link is {0} characters long, more than a QR code can hold (about 2,900): shorten the key or the download filename"
)]
pub struct TooLong(pub usize);

impl QrMatrix {
    /// The code for `text` (byte mode, low error correction: the densest code a phone reads).
    pub fn encode(text: &str) -> Result<QrMatrix, TooLong> {
        let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::L)
            .map_err(|_| TooLong(text.chars().count()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(QrMatrix { width, dark })
    }

    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }

    /// Two rows of modules per line of text, with a four-module quiet zone, dark modules
    /// drawn as spaces on a light background: reads on dark and light terminals alike.
    pub fn to_terminal(&self) -> String {
        const QUIET: usize = 4;
        let size = self.width + 2 * QUIET;
        let dark =
            |x: usize, y: usize| x >= QUIET && y >= QUIET && self.is_dark(x - QUIET, y - QUIET);
        let mut out = String::new();
        for y in (0..size).step_by(2) {
            for x in 0..size {
                // Light is drawn (block characters); dark is the terminal's background.
                out.push(match (!dark(x, y), y + 1 < size && !dark(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                });
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes modules with a real decoder (rqrr), from a rendered grey image.
    pub fn decode(matrix: &QrMatrix) -> String {
        const SCALE: usize = 4;
        const QUIET: usize = 4;
        let size = (matrix.width + 2 * QUIET) * SCALE;
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = (x / SCALE, y / SCALE);
            let dark = mx >= QUIET && my >= QUIET && matrix.is_dark(mx - QUIET, my - QUIET);
            if dark { 0 } else { 255 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code found");
        grids[0].decode().expect("decodes").1
    }

    /// Reads the terminal rendering back into modules.
    fn from_terminal(text: &str) -> QrMatrix {
        let rows: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let size = rows[0].len();
        let mut modules = vec![false; size * size];
        for (line, chars) in rows.iter().enumerate() {
            for (x, c) in chars.iter().enumerate() {
                let (top_light, bottom_light) = match c {
                    '█' => (true, true),
                    '▀' => (true, false),
                    '▄' => (false, true),
                    _ => (false, false),
                };
                modules[2 * line * size + x] = !top_light;
                if 2 * line + 1 < size {
                    modules[(2 * line + 1) * size + x] = !bottom_light;
                }
            }
        }
        // Strip the quiet zone back off.
        let width = size - 8;
        let dark = (0..width * width)
            .map(|i| modules[(i / width + 4) * size + i % width + 4])
            .collect();
        QrMatrix { width, dark }
    }

    #[test]
    fn the_longest_links_decode_back_exactly_from_the_window_and_the_terminal() {
        let key = "k".repeat(1024);
        let url = format!(
            "https://my-bucket.s3.eu-central-1.amazonaws.com/{key}?response-content-disposition=attachment%3B%20filename%3D%22Bericht%20M_rz.pdf%22%3B%20filename%2A%3DUTF-8%27%27Bericht%20M%C3%A4rz.pdf&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLEEXAMPLE%2F20261123%2Feu-central-1%2Fs3%2Faws4_request&X-Amz-Date=20261123T070000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Security-Token={}&X-Amz-Signature={}",
            "IQoJb3JpZ2luX2VjE".repeat(48),
            "a".repeat(64)
        );
        assert!(url.len() > 2000, "{}", url.len());
        let matrix = QrMatrix::encode(&url).unwrap();
        assert_eq!(decode(&matrix), url);
        assert_eq!(decode(&from_terminal(&matrix.to_terminal())), url);
    }

    #[test]
    fn a_link_too_long_for_any_code_is_refused_with_its_length() {
        let url = format!("https://h/{}", "%C3%A4".repeat(600));
        let err = QrMatrix::encode(&url).unwrap_err();
        assert_eq!(err.0, url.len());
        assert!(err.to_string().contains("more than a QR code can hold"));
    }
}
