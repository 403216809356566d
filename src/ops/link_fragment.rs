//! What an encrypted share's link says: the page's URL, and in its fragment the key (or the
//! passphrase's salt and rounds) and the file's name; and a file name from it that is safe to
//! create here.

use crate::error::S3Error;
use crate::share::ece;
use crate::share::escape;

/// The fragment of an encrypted share's link.
#[derive(Clone, PartialEq, Eq)]
pub struct Fragment {
    /// The key, when the link carries it.
    pub key: Option<Vec<u8>>,
    /// Passphrase mode: the salt and rounds of PBKDF2.
    pub salt: Option<Vec<u8>>,
    pub rounds: u32,
    pub name: Option<String>,
}

impl std::fmt::Debug for Fragment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fragment")
            .field("passphrase", &self.salt.is_some())
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// More rounds than this would only be a way to hang the reader.
const MAX_ROUNDS: u32 = 10_000_000;

/// The link split into the page's URL and what its fragment says.
pub fn parse_link(link: &str) -> Result<(String, Fragment), S3Error> {
    let link = link.trim();
    let Some((url, fragment)) = link.split_once('#') else {
        return Err(S3Error::bad_input(
            "This link has no key (the part after #): copy the whole link, as S3 Share made it.",
        ));
    };
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(S3Error::bad_input(
            "This is not a link (it does not start with https://): copy the whole link.",
        ));
    }
    let mut parsed = Fragment {
        key: None,
        salt: None,
        rounds: ece::PBKDF2_ROUNDS,
        name: None,
    };
    let bad = |what: &str| {
        S3Error::bad_input(format!(
            "The link's {what} is damaged (the part after #): copy the whole link again."
        ))
    };
    for pair in fragment.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            continue;
        };
        let value = percent_encoding::percent_decode_str(value)
            .decode_utf8()
            .map_err(|_| bad("fragment"))?;
        match name {
            "k" => {
                let key = ece::from_b64(&value).filter(|k| k.len() == ece::KEY_LEN);
                parsed.key = Some(key.ok_or_else(|| bad("key"))?);
            }
            "s" => parsed.salt = Some(ece::from_b64(&value).ok_or_else(|| bad("salt"))?),
            "i" => {
                parsed.rounds = value
                    .parse()
                    .ok()
                    .filter(|r| (1..=MAX_ROUNDS).contains(r))
                    .ok_or_else(|| bad("round count"))?;
            }
            "n" => parsed.name = Some(value.into_owned()),
            _ => {}
        }
    }
    if parsed.key.is_none() && parsed.salt.is_none() {
        return Err(bad("key"));
    }
    Ok((url.to_owned(), parsed))
}

/// A file name from a link, safe to create here and to show: its last part, no control or
/// direction characters (a name cannot pretend to end in another extension), no leading
/// dot (hidden), no trailing dot or space and no device name (CON, NUL, COM1…: Windows
/// would open the device), "download" when nothing is left.
pub fn safe_name(name: Option<&str>) -> String {
    let last = name
        .unwrap_or_default()
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default();
    let clean: String = last
        .chars()
        .filter(|&c| !escape::is_unsafe(c) && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .collect();
    let clean = clean
        .trim()
        .trim_start_matches('.')
        .trim_end_matches(['.', ' '])
        .to_owned();
    let stem = clean.split('.').next().unwrap_or_default().trim_end();
    let device = matches!(
        stem.to_ascii_uppercase().as_str(),
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
    ) || (stem.len() == 4
        && stem
            .get(..3)
            .is_some_and(|d| ["COM", "LPT"].iter().any(|w| d.eq_ignore_ascii_case(w)))
        && stem[3..].chars().all(|c| c.is_ascii_digit()));
    if clean.is_empty() {
        "download".to_owned()
    } else if device {
        format!("_{clean}")
    } else {
        clean
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_split_into_its_page_and_key() {
        let key = ece::b64(&[7; 16]);
        let (url, f) = parse_link(&format!(
            "https://h/b/p.html?X-Amz-Signature=s#k={key}&n=a%26b.pdf&t=x"
        ))
        .unwrap();
        assert_eq!(url, "https://h/b/p.html?X-Amz-Signature=s");
        assert_eq!(f.key, Some(vec![7; 16]));
        assert_eq!(f.name.as_deref(), Some("a&b.pdf"));
        let (_, f) = parse_link("https://h/p#s=AAAA&i=600000&n=x").unwrap();
        assert!(f.key.is_none() && f.salt.is_some() && f.rounds == 600_000);
        assert!(parse_link("https://h/p").is_err());
        assert!(parse_link("https://h/p#n=x").is_err());
        assert!(parse_link("https://h/p#k=short").is_err());
        assert!(parse_link("https://h/p#s=AAAA&i=0").is_err());
        assert!(!format!("{f:?}").contains("AAAA"));
    }

    #[test]
    fn a_name_from_a_link_cannot_leave_the_folder() {
        assert_eq!(safe_name(Some("../../etc/passwd")), "passwd");
        assert_eq!(safe_name(Some("..\\x\\.bashrc")), "bashrc");
        assert_eq!(safe_name(Some("a\u{1b}[31mb.txt")), "a[31mb.txt");
        assert_eq!(safe_name(Some("..")), "download");
        // A right-to-left override cannot make "exe" read as "pdf".
        assert_eq!(safe_name(Some("invoice\u{202e}fdp.exe")), "invoicefdp.exe");
        assert_eq!(safe_name(Some("con.txt")), "_con.txt");
        assert_eq!(safe_name(Some("LPT1")), "_LPT1");
        assert_eq!(safe_name(Some("report. ")), "report");
        assert_eq!(safe_name(Some("console.txt")), "console.txt");
        assert_eq!(safe_name(Some("aaé.txt")), "aaé.txt");
        assert_eq!(safe_name(None), "download");
    }
}
