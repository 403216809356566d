//! The use cases: each a whole thing a person asks for, called by the window's worker and by
//! the command line alike. Arguments in, typed result out, no UI state, no wording of the
//! next step (each front end says what to do in its own terms: a button, a command).
//!
//! | use case | window (worker) | command line |
//! |---|---|---|
//! | `keys_to_share` (links for a folder) | `Command::ShareFolder` | |
//! | `share_folder` (links for a folder, listed and tried at once) | | `link --recursive` |
//! | `make_request` (a tried file request) | `Command::RequestFiles` | `request` |
//! | `count_received` | `Command::ListReceived` | (the window only) |
//! | `upload_and_share` | `Command::Upload` | `upload` |
//! | `share` (a link, revocable or not) | `Command::Share`, `ShareMany`, `Renew` | `link`, `link --revocable` |
//! | `revoke` | `Command::Revoke` | `revoke ID` |
//! | `share_page` (one link for many files) | `Command::SharePage` | `link --page` |
//! | `close_page` | `Command::Revoke` (a page's row) | `revoke ID` (a page's id) |
//! | `share_encrypted` | `Command::Upload` with `encrypt` (a dropped, pasted or picked file), `Command::ShareEncrypted` (the chosen object) | `upload --encrypt`, `link --encrypt` |
//! | `close_page` for an encrypted share | `Command::ClosePage` (its row) | `revoke ID` |
//! | `fetch_encrypted` (no credentials) | (the browser page does it) | `fetch LINK` |
//! | `link_via_cloudfront` (a tried CloudFront signed URL) | `Command::ShareViaCloudFront` | `link --via-cloudfront` |
//! | `delete_ended_copies` | `Command::DeleteEndedCopies` (a bucket opened) | `revoke --ended`, and after `link`/`upload` |

use crate::error::S3Error;

mod cloudfront;
mod encrypted;
mod fetch;
mod folder;
mod link_fragment;
mod page;
mod revocable;
mod upload;

pub use cloudfront::{
    CloudFrontChange, CloudFrontRequest, CloudFrontSetting, CloudFrontSettings, change_cloudfront,
    link_via_cloudfront,
};
pub use encrypted::{
    EncryptedRequest, EncryptedShare, Encryption, Passphrase, Plaintext, share_encrypted,
};
pub use fetch::fetch_encrypted;
pub use folder::{count_received, keys_to_share, make_request, share_folder};
pub use link_fragment::{parse_link, safe_name};
pub use page::{PageFiles, PageOptions, SharedPage, close_page, share_page};
pub use revocable::{Revoked, copy_cost, delete_ended_copies, revoke, share, share_all};
pub use upload::{Uploaded, upload_and_share};

/// `work`, unless `cancel` stops it first, then the error says `stopped` (what was kept).
async fn or_stop<T>(
    cancel: &tokio_util::sync::CancellationToken,
    stopped: &str,
    work: impl std::future::Future<Output = Result<T, S3Error>>,
) -> Result<T, S3Error> {
    tokio::select! {
        done = work => done,
        () = cancel.cancelled() => Err(S3Error::plain(crate::error::ErrorKind::Cancelled, stopped)),
    }
}
