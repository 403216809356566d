//! Everything that talks to S3: profiles and credentials, bucket regions, listing,
//! presigning and errors. Never imports egui: the window and the CLI both drive this.

mod bounded;
mod check;
mod cleanup;
mod compat;
mod copy;
mod invalidation;
mod link;
mod list;
mod new_profile;
mod page;
mod presign;
mod region;
mod region_cache;
mod request;
mod server_date;
mod session;
mod sigv4;
pub mod upload;

pub use crate::aws::{
    CredentialsCache, ProfileFilesSource, ProfileInfo, ProfileKind, list_profiles,
};
pub use crate::error::{ErrorKind, S3Error};
pub use check::{LinkCheck, LinkProblem};
pub use cleanup::LifecycleRule;
pub use copy::{
    CLOUDFRONT_LINKS_FOLDER, CopySource, LINKS_FOLDER, LinkCopy, copy_key, copy_key_in,
    copy_link_id,
};
pub use invalidation::check_distribution_id;
pub use list::{BucketEntry, Depth, ListPage, ObjectEntry, file_name};
pub use new_profile::{NewProfile, test_and_save};
pub use page::{PAGES_FOLDER, shared_page_key};
pub use presign::{
    ShareLink, ShareOptions, UploadLink, encoded_key, object_url, presign_url,
    with_content_disposition,
};
pub use request::{FileRequest, OWN_FOLDER, RequestOptions, is_own_key};
pub use session::Session;

/// Splits `s3://bucket/key` (or `bucket/key`) into bucket and key; the key may be empty.
pub fn parse_s3_uri(uri: &str) -> Result<(String, String), S3Error> {
    let lower = uri.to_ascii_lowercase();
    let looks_like_url = lower.starts_with("http://") || lower.starts_with("https://");
    let wrong_scheme =
        !uri.starts_with("s3://") && (lower.starts_with("s3:") || uri.contains("://"));
    if looks_like_url || wrong_scheme {
        return Err(S3Error::bad_input(format!(
            "{uri:?} is not an S3 address: write it as s3://bucket/key (lower-case s3, two slashes)."
        )));
    }
    let rest = uri.strip_prefix("s3://").unwrap_or(uri);
    let (bucket, key) = match rest.split_once('/') {
        Some((bucket, key)) => (bucket, key),
        None => (rest, ""),
    };
    if bucket.is_empty() {
        return Err(S3Error::bad_input(format!(
            "{uri:?} names no bucket: write it as s3://bucket/key"
        )));
    }
    Ok((bucket.to_owned(), key.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_uris_split_at_the_first_slash_only() {
        assert_eq!(
            parse_s3_uri("s3://b/a b/c+d?.txt").unwrap(),
            ("b".into(), "a b/c+d?.txt".into())
        );
        assert_eq!(parse_s3_uri("s3://b").unwrap(), ("b".into(), "".into()));
        assert_eq!(parse_s3_uri("b/k").unwrap(), ("b".into(), "k".into()));
        assert!(parse_s3_uri("s3:///k").is_err());
        for wrong in [
            "s3:/b/k",
            "S3://b/k",
            "s3:b/k",
            "https://b.s3.amazonaws.com/k",
            "gs://b/k",
        ] {
            let err = parse_s3_uri(wrong).unwrap_err();
            assert!(
                err.message.contains("s3://bucket/key"),
                "{wrong}: {}",
                err.message
            );
        }
    }
}
