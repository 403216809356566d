//! Use cases on a folder: the keys to share below it, and file requests into it.

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

/// Links for every key below `prefix` (as `keys_to_share` finds them), made and tried while
/// the listing goes on: the first links come after the first page, not after the last.
/// `on_each` hears each in S3's order (see `share_all`); returns how many there were.
pub async fn share_folder(
    session: &Session,
    bucket: &str,
    prefix: &str,
    options: &crate::s3::ShareOptions,
    cancel: &tokio_util::sync::CancellationToken,
    on_each: impl FnMut(usize, &str, Result<crate::s3::ShareLink, S3Error>) -> Result<(), S3Error>,
) -> Result<usize, S3Error> {
    let (found, keys) = tokio::sync::mpsc::unbounded_channel();
    let listing = async move {
        session
            .list_all_with(bucket, prefix, Depth::AllLevels, |page| {
                for key in page.objects.into_iter().map(|o| o.key) {
                    if !is_own_key(&key) {
                        // The receiver is gone only when sharing stopped (an error said).
                        let _ = found.send(key);
                    }
                }
            })
            .await
        // `found` goes here: the keys end with the listing.
    };
    let keys = futures_util::stream::unfold(keys, |mut keys| async move {
        keys.recv().await.map(|key| (key, keys))
    });
    let sharing = super::revocable::share_stream(session, bucket, keys, options, cancel, on_each);
    let ((), count) = futures_util::future::try_join(listing, sharing).await?;
    if count == 0 {
        return Err(S3Error::plain(
            ErrorKind::NoSuchKey,
            format!("There are no files to share under s3://{bucket}/{prefix}."),
        ));
    }
    Ok(count)
}

/// Makes a file request page and hands it out only if it works as a sender would use it:
/// the page opens and a test upload through its policy is accepted. A page that does not
/// work is deleted again and the reason is the error.
pub async fn make_request(
    session: &Session,
    bucket: &str,
    options: &crate::s3::RequestOptions,
) -> Result<crate::s3::FileRequest, S3Error> {
    let request = session.request_files(bucket, options).await?;
    if request.check.refused() {
        let closed = session.close_request(bucket, &request.id).await;
        let mut message = request.check.describe();
        if closed.is_err() {
            message.push_str(&format!(
                " Its page could not be deleted: close it with s3share request --close {}.",
                request.handle()
            ));
        }
        return Err(S3Error::plain(ErrorKind::LinkRefused, message));
    }
    Ok(request)
}

/// How many files senders have sent through a request: the files in the senders' own
/// folders (`<folder><32 hex>/<name>`, where the page puts them), not whatever else the
/// folder held before.
pub async fn count_received(
    session: &Session,
    bucket: &str,
    folder: &str,
) -> Result<usize, S3Error> {
    let mut count = 0;
    session
        .list_all_with(bucket, folder, Depth::AllLevels, |page| {
            count += page
                .objects
                .iter()
                .filter(|o| is_sent_file(&o.key[folder.len().min(o.key.len())..]))
                .count();
        })
        .await?;
    Ok(count)
}

/// `<32 hex>/<name>`: a file a sender's page stored (the upload test excluded).
fn is_sent_file(rest: &str) -> bool {
    match rest.split_once('/') {
        Some((sender, name)) => {
            sender.len() == 32
                && sender.bytes().all(|b| b.is_ascii_hexdigit())
                && !name.is_empty()
                && !name.contains('/')
                && name != ".s3share-probe"
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_files_in_senders_folders_count_as_received() {
        let sender = "0123456789abcdef0123456789abcdef";
        assert!(super::is_sent_file(&format!("{sender}/scan.pdf")));
        assert!(!super::is_sent_file("scan.pdf"), "there before the request");
        assert!(!super::is_sent_file(&format!("{sender}/.s3share-probe")));
        assert!(!super::is_sent_file("notes/scan.pdf"));
    }
}
