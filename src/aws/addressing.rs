//! The profile's `s3 = addressing_style`, as the AWS CLI reads it.

/// Where the bucket goes in a URL: a profile's `s3 = addressing_style = auto|path|virtual`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Addressing {
    /// In the host name on AWS when the name allows it; in the path on a custom endpoint.
    #[default]
    Auto,
    /// Always in the path.
    Path,
    /// In the host name whenever the name and the endpoint allow it (not an IP address).
    Virtual,
}

impl Addressing {
    /// The style set in a profile's nested `s3` section (its text as aws-config keeps it,
    /// e.g. "\naddressing_style = path"); None when it sets none. An unknown value is an
    /// error that names it, as in the AWS CLI.
    pub fn from_s3_section(section: &str) -> Result<Option<Addressing>, String> {
        for line in section.lines() {
            let Some((name, value)) = line.split_once('=') else {
                continue;
            };
            if name.trim() != "addressing_style" {
                continue;
            }
            return match value.trim() {
                "auto" => Ok(Some(Addressing::Auto)),
                "path" => Ok(Some(Addressing::Path)),
                "virtual" => Ok(Some(Addressing::Virtual)),
                other => Err(format!(
                    "addressing_style = {other} is not a style: write auto, path or virtual."
                )),
            };
        }
        Ok(None)
    }
}
