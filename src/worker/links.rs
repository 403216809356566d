//! The worker's link commands: a link (revocable or not), a renewal, revoking, pages of
//! links, and the copies of ended links. Each is one use case of `ops`.

use tokio_util::sync::CancellationToken;

use super::tasks::Worker;
use crate::command::{Command, Event};
use crate::ops;
use crate::s3::upload::UploadProgress;

impl Worker {
    /// Tells the window how far a link's copy has got.
    fn copy_progress(&self) -> impl Fn(u64, u64) + Send + Sync + 'static {
        let out = self.out.clone();
        move |done, total| out.send(Event::LinkCopyProgress { done, total })
    }

    /// Only the commands `handle` sends here; any other is not a link command and is left.
    pub(super) fn handle_link(&self, command: Command) {
        match command {
            Command::Share {
                bucket,
                key,
                options,
            } => {
                let progress = self.copy_progress();
                self.spawn_request(|session| async move {
                    let never = CancellationToken::new();
                    let link =
                        ops::share(&session, &bucket, &key, &options, true, &never, &progress);
                    Event::Shared(link.await)
                });
            }
            Command::ShareViaCloudFront {
                bucket,
                key,
                setting,
                request,
            } => {
                let progress = self.copy_progress();
                self.spawn_request(|session| async move {
                    let never = CancellationToken::new();
                    let made = ops::link_via_cloudfront(
                        &session,
                        &setting,
                        (&bucket, &key),
                        &request,
                        true,
                        &never,
                        &progress,
                    );
                    Event::Shared(made.await)
                });
            }
            Command::ShareEncrypted {
                bucket,
                key,
                request,
            } => {
                let out = self.out.clone();
                self.spawn_request(|session| async move {
                    // The total comes first (Started), then the bytes stored so far.
                    let total = std::sync::atomic::AtomicU64::new(0);
                    let progress = move |progress| match progress {
                        UploadProgress::Started { total: all, .. } => {
                            total.store(all, std::sync::atomic::Ordering::Relaxed);
                            out.send(Event::LinkCopyProgress {
                                done: 0,
                                total: all,
                            });
                        }
                        UploadProgress::Bytes(done) => out.send(Event::LinkCopyProgress {
                            done,
                            total: total.load(std::sync::atomic::Ordering::Relaxed),
                        }),
                        UploadProgress::Warning(_) => {}
                    };
                    let never = CancellationToken::new();
                    let object = ops::Plaintext::Object(key.clone());
                    let shared = ops::share_encrypted(
                        &session, &bucket, &object, &request, &never, &progress,
                    );
                    Event::EncryptedShared {
                        key,
                        result: shared.await.map(Box::new),
                    }
                });
            }
            Command::Revoke {
                id,
                bucket,
                copy,
                url,
            } => self.spawn_request(|session| async move {
                let result = ops::revoke(&session, &bucket, &copy, &url, &|_| {}).await;
                Event::Revoked { id, result }
            }),
            Command::ClosePage {
                id,
                bucket,
                key,
                copies,
                url,
            } => self.spawn_request(|session| async move {
                let result = ops::close_page(&session, &bucket, &key, &copies, &url).await;
                Event::Revoked { id, result }
            }),
            Command::SharePage {
                bucket,
                files,
                options,
                confirmed,
            } => {
                let out = self.out.clone();
                self.spawn_request(|session| async move {
                    super::jobs::share_page(session, bucket, files, options, confirmed, out).await
                });
            }
            Command::DeleteEndedCopies { bucket } => self.spawn_request(|session| async move {
                let result = ops::delete_ended_copies(&session, &bucket, session.now()).await;
                Event::EndedCopiesDeleted { bucket, result }
            }),
            Command::ExpireLinkCopies { bucket } => self.spawn_request(|session| async move {
                let result = session.expire_link_copies(&bucket, 8).await;
                Event::LinkCopiesRule { bucket, result }
            }),
            Command::Renew {
                replaces,
                bucket,
                key,
                options,
            } => self.spawn_request(|session| async move {
                let never = CancellationToken::new();
                let result =
                    ops::share(&session, &bucket, &key, &options, true, &never, &|_, _| {});
                Event::Renewed {
                    replaces,
                    result: result.await,
                }
            }),
            _ => {}
        }
    }
}
