//! What a file request asks of its sender, checked before anything is written: the folder
//! uploads go to, a title and message, the largest file, the accepted types. And the POST
//! policy that makes S3 itself enforce those limits (one policy per accepted type, since a
//! policy holds one condition per field).

use std::time::SystemTime;

/// S3 accepts at most 5 GB in one POST upload.
pub const MAX_POST_SIZE: u64 = 5 * 1024 * 1024 * 1024;
const MAX_TITLE_CHARS: usize = 200;
const MAX_MESSAGE_CHARS: usize = 2000;

/// Why a request was refused before anything was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestFormError {
    #[error("the title is empty: give the request a title (it is shown to the sender)")]
    EmptyTitle,
    #[error("the title is {0} characters long; keep it under 200")]
    LongTitle(usize),
    #[error("the message is {0} characters long; keep it under 2000")]
    LongMessage(usize),
    #[error(
        "the title or message contains a control or text-direction character (such as U+202E): remove it"
    )]
    ControlCharacter,
    #[error(
        "the folder {0:?} is inside .s3share/, where S3 Share keeps its own pages: choose another folder"
    )]
    OwnFolder(String),
    #[error(
        "{0} is not accepted: a browser would run it as a page on the bucket's address, beside request pages that hold upload permissions; ask for a PDF or a .zip instead"
    )]
    ActiveType(String),
    #[error(
        "the folder {0:?} is not a folder inside the bucket: write it like incoming/contracts/ (no leading /, no .. and no //)"
    )]
    BadFolder(String),
    #[error("the size {0:?} is not readable: write it like 500MB, 2GB or 5GB")]
    UnreadableSize(String),
    #[error(
        "the largest file must be from 1 byte to 5 GB (S3's limit for browser uploads); {0} is outside that range"
    )]
    SizeOutOfRange(String),
    #[error(
        "{0:?} is not a file type: write types like image/*, application/pdf, or images, pdf, video"
    )]
    BadType(String),
}

/// One accepted type: an exact Content-Type, or every type under a prefix ("image/").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AcceptedType {
    pub value: String,
    pub prefix: bool,
}

/// "images", "pdf", "image/*", "application/pdf", comma-separated; empty: any type.
pub fn parse_types(text: &str) -> Result<Vec<AcceptedType>, RequestFormError> {
    let mut types = Vec::new();
    for item in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let accepted = match item.to_ascii_lowercase().as_str() {
            "image" | "images" | "photos" => prefix("image/"),
            "video" | "videos" => prefix("video/"),
            "audio" => prefix("audio/"),
            "pdf" | "pdfs" => exact("application/pdf"),
            "text" => prefix("text/"),
            lower => {
                let (major, minor) = lower
                    .split_once('/')
                    .ok_or_else(|| RequestFormError::BadType(item.to_owned()))?;
                let token = |s: &str| {
                    !s.is_empty()
                        && s.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b))
                };
                if !token(major) || !(minor == "*" || token(minor)) {
                    return Err(RequestFormError::BadType(item.to_owned()));
                }
                if minor == "*" {
                    prefix(&format!("{major}/"))
                } else {
                    exact(lower)
                }
            }
        };
        if !accepted.prefix && is_active_type(&accepted.value) {
            return Err(RequestFormError::ActiveType(accepted.value));
        }
        if !types.contains(&accepted) {
            types.push(accepted);
        }
    }
    Ok(types)
}

/// Types a browser runs as a page (scripts included) when served inline. Refused by name;
/// whatever type a sender gives, every received file is stored `Content-Disposition:
/// attachment` (the policy demands it), so a browser downloads it rather than running it on
/// the bucket's origin.
pub fn is_active_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "text/html"
            | "application/xhtml+xml"
            | "image/svg+xml"
            | "text/xml"
            | "application/xml"
            | "text/xsl"
            | "application/xslt+xml"
            | "text/javascript"
            | "application/javascript"
            | "application/ecmascript"
            | "text/ecmascript"
            | "application/x-shockwave-flash"
            | "application/mathml+xml"
            | "application/rdf+xml"
            | "multipart/x-mixed-replace"
    )
}

/// The disposition every received file is stored with (demanded by the policy).
pub const RECEIVED_DISPOSITION: &str = "attachment";

fn prefix(value: &str) -> AcceptedType {
    AcceptedType {
        value: value.to_owned(),
        prefix: true,
    }
}

fn exact(value: &str) -> AcceptedType {
    AcceptedType {
        value: value.to_owned(),
        prefix: false,
    }
}

/// "500MB", "2 GB", "5GB", "1024" (bytes), "1.5GB"; GB and MB are powers of 1024 here, as
/// file managers show them.
pub fn parse_size(text: &str) -> Result<u64, RequestFormError> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| RequestFormError::UnreadableSize(text.to_owned()))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        _ => return Err(RequestFormError::UnreadableSize(text.to_owned())),
    };
    let bytes = (number * factor as f64).round();
    if !(1.0..=MAX_POST_SIZE as f64).contains(&bytes) {
        return Err(RequestFormError::SizeOutOfRange(trimmed.to_owned()));
    }
    Ok(bytes as u64)
}

/// Title and message as the owner typed them; returned trimmed.
pub fn check_texts(title: &str, message: &str) -> Result<(String, String), RequestFormError> {
    let (title, message) = (title.trim(), message.trim());
    if title.is_empty() {
        return Err(RequestFormError::EmptyTitle);
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(RequestFormError::LongTitle(title.chars().count()));
    }
    if message.chars().count() > MAX_MESSAGE_CHARS {
        return Err(RequestFormError::LongMessage(message.chars().count()));
    }
    let unsafe_char = super::escape::is_unsafe;
    let control = |s: &str| s.chars().any(|c| unsafe_char(c) && c != '\n' && c != '\t');
    if title.chars().any(unsafe_char) || control(message) {
        return Err(RequestFormError::ControlCharacter);
    }
    Ok((title.to_owned(), message.to_owned()))
}

/// The folder uploads go to: given, or `incoming/<date> <title>/`. Always inside the bucket.
pub fn request_folder(
    given: Option<&str>,
    title: &str,
    today: SystemTime,
) -> Result<String, RequestFormError> {
    let folder = match given.map(str::trim).filter(|f| !f.is_empty()) {
        Some(folder) if folder.ends_with('/') => folder.to_owned(),
        Some(folder) => format!("{folder}/"),
        None => {
            let date = chrono::DateTime::<chrono::Local>::from(today).format("%Y-%m-%d");
            let title: String = title
                .chars()
                .map(|c| if c == '/' || c == '\\' { '-' } else { c })
                .take(80)
                .collect();
            format!("incoming/{date} {}/", title.trim())
        }
    };
    let escapes = folder.starts_with('/')
        || folder.contains("//")
        || folder
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
        || folder.chars().any(char::is_control)
        || folder.len() > 900;
    if escapes {
        return Err(RequestFormError::BadFolder(folder));
    }
    if folder.starts_with(super::key::OWN_FOLDER) {
        return Err(RequestFormError::OwnFolder(folder));
    }
    Ok(folder)
}

/// The POST policy document (JSON) for one accepted type (None: any type).
pub struct PolicyFields<'a> {
    pub bucket: &'a str,
    pub folder: &'a str,
    pub max_size: u64,
    pub expiration: SystemTime,
    pub credential: &'a str,
    pub amz_date: &'a str,
    pub session_token: Option<&'a str>,
}

pub fn policy_json(fields: &PolicyFields<'_>, accepted: Option<&AcceptedType>) -> String {
    let expiration = chrono::DateTime::<chrono::Utc>::from(fields.expiration)
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    let mut conditions = vec![
        serde_json::json!({ "bucket": fields.bucket }),
        serde_json::json!(["starts-with", "$key", fields.folder]),
        serde_json::json!(["content-length-range", 1, fields.max_size]),
        serde_json::json!({ "success_action_status": "201" }),
        serde_json::json!({ "Content-Disposition": RECEIVED_DISPOSITION }),
        serde_json::json!({ "x-amz-algorithm": "AWS4-HMAC-SHA256" }),
        serde_json::json!({ "x-amz-credential": fields.credential }),
        serde_json::json!({ "x-amz-date": fields.amz_date }),
    ];
    if let Some(token) = fields.session_token {
        conditions.push(serde_json::json!({ "x-amz-security-token": token }));
    }
    conditions.push(match accepted {
        None => serde_json::json!(["starts-with", "$Content-Type", ""]),
        Some(t) if t.prefix => serde_json::json!(["starts-with", "$Content-Type", t.value]),
        Some(t) => serde_json::json!({ "Content-Type": t.value }),
    });
    serde_json::json!({ "expiration": expiration, "conditions": conditions }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_in_the_words_people_use() {
        let types = parse_types("images, PDF, text/csv, video/*").unwrap();
        assert_eq!(
            types,
            [
                prefix("image/"),
                exact("application/pdf"),
                exact("text/csv"),
                prefix("video/")
            ]
        );
        assert!(parse_types("").unwrap().is_empty());
        assert!(parse_types("exe files").is_err());
        assert!(parse_types("image/<script>").is_err());
        for active in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "TEXT/HTML",
        ] {
            assert!(
                matches!(parse_types(active), Err(RequestFormError::ActiveType(_))),
                "{active}"
            );
        }
    }

    #[test]
    fn sizes_up_to_five_gigabytes() {
        assert_eq!(parse_size("2GB").unwrap(), 2 * 1024 * 1024 * 1024);
        assert_eq!(parse_size("500 MB").unwrap(), 500 * 1024 * 1024);
        assert_eq!(parse_size("1").unwrap(), 1);
        assert_eq!(parse_size("5GB").unwrap(), MAX_POST_SIZE);
        assert!(matches!(
            parse_size("6GB"),
            Err(RequestFormError::SizeOutOfRange(_))
        ));
        assert!(matches!(
            parse_size("0"),
            Err(RequestFormError::SizeOutOfRange(_))
        ));
        assert!(matches!(
            parse_size("lots"),
            Err(RequestFormError::UnreadableSize(_))
        ));
    }

    #[test]
    fn folders_stay_inside_the_bucket() {
        let now = SystemTime::now();
        let made = request_folder(None, "Q3 contracts/legal", now).unwrap();
        assert!(
            made.starts_with("incoming/20") && made.ends_with(" Q3 contracts-legal/"),
            "{made}"
        );
        assert_eq!(request_folder(Some("in/box"), "t", now).unwrap(), "in/box/");
        for bad in ["/abs/", "a/../b/", "a//b/", "./x/", "inbox/../"] {
            assert!(request_folder(Some(bad), "t", now).is_err(), "{bad}");
        }
        assert!(matches!(
            request_folder(Some(".s3share/requests/"), "t", now),
            Err(RequestFormError::OwnFolder(_))
        ));
    }

    #[test]
    fn titles_and_messages_are_checked() {
        assert_eq!(
            check_texts("  Hi ", " msg\nline ").unwrap(),
            ("Hi".into(), "msg\nline".into())
        );
        assert_eq!(check_texts(" ", ""), Err(RequestFormError::EmptyTitle));
        assert_eq!(
            check_texts("a\u{7}", ""),
            Err(RequestFormError::ControlCharacter)
        );
        for bidi in ["evil\u{202e}fdp.exe", "a\u{2066}b", "x\u{200f}"] {
            assert_eq!(
                check_texts(bidi, ""),
                Err(RequestFormError::ControlCharacter),
                "{bidi:?}"
            );
            assert_eq!(
                check_texts("t", bidi),
                Err(RequestFormError::ControlCharacter),
                "{bidi:?}"
            );
        }
        assert!(matches!(
            check_texts(&"x".repeat(201), ""),
            Err(RequestFormError::LongTitle(201))
        ));
    }

    #[test]
    fn the_policy_names_every_field_the_page_sends() {
        let fields = PolicyFields {
            bucket: "b",
            folder: "in/",
            max_size: 10,
            expiration: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_800_000_000),
            credential: "AK/20270115/us-east-1/s3/aws4_request",
            amz_date: "20270115T080000Z",
            session_token: Some("tok"),
        };
        let json = policy_json(&fields, Some(&prefix("image/")));
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["expiration"], "2027-01-15T08:00:00.000Z");
        let conditions = value["conditions"].to_string();
        for needle in [
            "[\"starts-with\",\"$key\",\"in/\"]",
            "[\"content-length-range\",1,10]",
            "\"x-amz-security-token\":\"tok\"",
            "[\"starts-with\",\"$Content-Type\",\"image/\"]",
            "\"success_action_status\":\"201\"",
            "\"Content-Disposition\":\"attachment\"",
        ] {
            assert!(conditions.contains(needle), "{needle} in {conditions}");
        }
    }
}
