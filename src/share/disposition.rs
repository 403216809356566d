//! `Content-Disposition: attachment` with the filename a colleague's browser saves as.
//!
//! HTTP header values must be Latin-1 safe, so the name goes twice (RFC 6266): an ASCII
//! fallback in `filename="…"` and the exact UTF-8 name percent-encoded in `filename*` (RFC 5987).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// attr-char of RFC 5987: everything else is percent-encoded.
const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'!')
    .remove(b'#')
    .remove(b'$')
    .remove(b'&')
    .remove(b'+')
    .remove(b'-')
    .remove(b'.')
    .remove(b'^')
    .remove(b'_')
    .remove(b'`')
    .remove(b'|')
    .remove(b'~');

/// Why a download filename was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DispositionError {
    #[error("the download filename is empty: type a name or switch the filename off")]
    Empty,
    #[error(
        "the download filename contains a control character (such as a line break or tab) at position {0}: remove it"
    )]
    ControlCharacter(usize),
    #[error("the download filename cannot contain / or \\: give a plain file name")]
    PathSeparator,
    #[error("the download filename cannot be . or ..: give a file name")]
    DotName,
    #[error(
        "the download filename contains a line or paragraph separator (U+2028/U+2029) at position {0}: remove it"
    )]
    LineSeparator(usize),
    #[error(
        "the download filename contains a text-direction control character at position {0}, which can disguise a name (an .exe shown as .pdf): remove it"
    )]
    DirectionControl(usize),
    #[error("the download filename is {0} bytes long; file systems keep at most 255: shorten it")]
    TooLong(usize),
}

/// The longest download filename, in UTF-8 bytes (what ext4, APFS and NTFS keep).
pub const MAX_FILENAME_BYTES: usize = 255;

/// A download filename, checked once where it is entered (panel, `--filename`, the file's
/// own name, a renewed link), with its Content-Disposition header built then; trusted
/// afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadFilename {
    name: String,
    header: String,
}

impl DownloadFilename {
    /// The name as typed (trimmed), if it can be a download filename.
    pub fn parse(text: &str) -> Result<DownloadFilename, DispositionError> {
        let header = content_disposition(text)?;
        Ok(DownloadFilename {
            name: text.trim().to_owned(),
            header,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// `attachment; filename="…"; filename*=UTF-8''…`
    pub fn header(&self) -> &str {
        &self.header
    }
}

impl std::str::FromStr for DownloadFilename {
    type Err = DispositionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        DownloadFilename::parse(text)
    }
}

/// Builds `attachment; filename="<ascii>"; filename*=UTF-8''<encoded>`.
pub fn content_disposition(filename: &str) -> Result<String, DispositionError> {
    let name = filename.trim();
    if name.is_empty() {
        return Err(DispositionError::Empty);
    }
    if name.len() > MAX_FILENAME_BYTES {
        return Err(DispositionError::TooLong(name.len()));
    }
    if let Some(pos) = name.chars().position(char::is_control) {
        return Err(DispositionError::ControlCharacter(pos + 1));
    }
    if let Some(pos) = name
        .chars()
        .position(|c| matches!(c, '\u{2028}' | '\u{2029}'))
    {
        return Err(DispositionError::LineSeparator(pos + 1));
    }
    // Bidirectional embeddings, overrides and isolates (U+202A-202E, U+2066-2069), and the
    // marks that steer them, make a name display as something else.
    if let Some(pos) = name.chars().position(|c| {
        matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
    }) {
        return Err(DispositionError::DirectionControl(pos + 1));
    }
    if name.contains(['/', '\\']) {
        return Err(DispositionError::PathSeparator);
    }
    if name == "." || name == ".." {
        return Err(DispositionError::DotName);
    }
    let fallback: String = name
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_ascii() => c,
            _ => '_',
        })
        .collect();
    let encoded = utf8_percent_encode(name, ATTR_CHAR);
    Ok(format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_keep_their_spaces_in_the_fallback() {
        assert_eq!(
            content_disposition("Q3 report.pdf").unwrap(),
            "attachment; filename=\"Q3 report.pdf\"; filename*=UTF-8''Q3%20report.pdf"
        );
    }

    #[test]
    fn non_ascii_names_get_a_fallback_and_exact_utf8() {
        assert_eq!(
            content_disposition("Prüfbericht €.pdf").unwrap(),
            "attachment; filename=\"Pr_fbericht _.pdf\"; filename*=UTF-8''Pr%C3%BCfbericht%20%E2%82%AC.pdf"
        );
    }

    #[test]
    fn a_name_longer_than_a_file_system_keeps_is_refused() {
        let long = "x".repeat(120 * 1024);
        assert_eq!(
            content_disposition(&long),
            Err(DispositionError::TooLong(120 * 1024))
        );
        assert!(content_disposition(&"é".repeat(127)).is_ok(), "254 bytes");
        assert!(content_disposition(&"é".repeat(128)).is_err(), "256 bytes");
    }

    #[test]
    fn quotes_cannot_break_out_of_the_fallback() {
        let header = content_disposition("say \"hi\".txt").unwrap();
        assert!(header.starts_with("attachment; filename=\"say 'hi'.txt\";"));
        assert!(header.ends_with("say%20%22hi%22.txt"));
    }

    #[test]
    fn control_characters_and_separators_are_refused() {
        assert_eq!(
            content_disposition("a\r\nSet-Cookie: x"),
            Err(DispositionError::ControlCharacter(2))
        );
        assert_eq!(
            content_disposition("nul\0.txt"),
            Err(DispositionError::ControlCharacter(4))
        );
        assert_eq!(content_disposition("   "), Err(DispositionError::Empty));
        assert_eq!(
            content_disposition("../etc/passwd"),
            Err(DispositionError::PathSeparator)
        );
    }

    #[test]
    fn names_that_disguise_themselves_are_refused() {
        assert_eq!(content_disposition(".."), Err(DispositionError::DotName));
        assert_eq!(content_disposition(" . "), Err(DispositionError::DotName));
        assert_eq!(
            content_disposition("a\u{2028}b"),
            Err(DispositionError::LineSeparator(2))
        );
        let spoof = content_disposition("invoice\u{202e}fdp.exe").unwrap_err();
        assert_eq!(spoof, DispositionError::DirectionControl(8));
        assert!(spoof.to_string().contains("disguise"));
        assert_eq!(
            content_disposition("x\u{2067}y"),
            Err(DispositionError::DirectionControl(2))
        );
        // Right-to-left text itself is fine.
        assert!(content_disposition("تقرير.pdf").is_ok());
    }
}
