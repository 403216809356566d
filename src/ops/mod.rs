//! The use cases: each a whole thing a person asks for, called by the window's worker and by
//! the command line alike. Arguments in, typed result out, no UI state.

use crate::s3::{Depth, ErrorKind, S3Error, Session, is_own_key};

/// Every key to share below `prefix` (all levels), in S3's order, leaving out S3 Share's
/// own objects (`.s3share/`: request pages carry live upload policies). An empty folder is
/// said as such.
pub async fn keys_to_share(
    session: &Session,
    bucket: &str,
    prefix: &str,
) -> Result<Vec<String>, S3Error> {
    let mut keys = Vec::new();
    session
        .list_all_with(bucket, prefix, Depth::AllLevels, |page| {
            keys.extend(
                page.objects
                    .into_iter()
                    .map(|o| o.key)
                    .filter(|key| !is_own_key(key)),
            );
        })
        .await?;
    if keys.is_empty() {
        return Err(S3Error::plain(
            ErrorKind::NoSuchKey,
            format!("There are no files to share under s3://{bucket}/{prefix}."),
        ));
    }
    Ok(keys)
}
