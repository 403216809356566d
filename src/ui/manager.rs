//! "Shared links": every link made on this machine with its status and a live countdown;
//! copy again, renew, show as QR, forget; and the honest answer to "can I revoke it?".

use std::time::SystemTime;

use crate::history::LinkKind;
use crate::intent::Intent;
use crate::share::{EXPIRY_PRESETS, countdown_text, format_local_time};
use crate::state::{State, StatusFilter};

/// What stops a presigned link, said once at the top of the manager.
pub const REVOKE_TEXT: &str = "A revocable link (made with \"Revocable\" on) can be taken back: \
Revoke deletes the copy made for that link alone, so it stops at once, while the file and every \
other link to it keep working. A page of links can be closed (Close page): it is deleted, and \
a revocable page's file links stop too. A normal link, made by signing, cannot be revoked on its own. \
What stops it: delete or move the object (stops every link to it, and the file is gone for everyone); or end \
the credentials that signed it — make the access key inactive in IAM, or end the SSO or role \
session — which stops every link they signed, not only this one. Links signed with temporary \
credentials stop by themselves when those end (shown as \"credentials ended\"). A file request \
can be closed at once (its page is deleted). \"Forget\" only removes a row from this list.";

pub fn manager_ui(
    ctx: &egui::Context,
    state: &mut State,
    now: SystemTime,
    intents: &mut Vec<Intent>,
) {
    let mut open = state.manager.open;
    egui::Window::new("Shared links")
        // Below the top bar, never over the profile selector.
        .default_pos([220.0, 70.0])
        .open(&mut open)
        .default_size([640.0, 420.0])
        .show(ctx, |ui| {
            egui::CollapsingHeader::new("Can a link be revoked?")
                .default_open(false)
                .show(ui, |ui| {
                    ui.label(REVOKE_TEXT);
                });
            if let Some(notice) = &state.history.notice {
                ui.colored_label(ui.visuals().warn_fg_color, notice);
            }
            ui.horizontal(|ui| {
                let label = ui.label("Filter links");
                ui.add(
                    egui::TextEdit::singleline(&mut state.manager.filter)
                        .hint_text("bucket, name or filename")
                        .desired_width(180.0),
                )
                .labelled_by(label.id);
                for filter in StatusFilter::ALL {
                    ui.selectable_value(&mut state.manager.status, filter, filter.label());
                }
            });
            if let Some(error) = &state.manager.error {
                crate::ui::error_ui(ui, error, false);
            }
            copies_ui(ui, state, intents);
            // Above the list, so it is in sight whatever row asked.
            if let Some(entry) = state
                .manager
                .revoking
                .confirm
                .as_deref()
                .and_then(|id| state.history.get(id))
            {
                revoke_confirmation(ui, entry, intents);
            }
            ui.separator();
            let rows = state.manager_rows(now);
            if rows.is_empty() {
                ui.weak(if state.history.entries.is_empty() {
                    "No links here yet: links you copy, upload links and file requests appear here."
                } else {
                    "No links match the filter."
                });
            }
            let asking = state.manager.revoking.confirm.as_deref();
            egui::ScrollArea::vertical().show(ui, |ui| {
                let forgotten = state.manager.forgotten.as_ref();
                let mut placed = false;
                for entry in rows {
                    if let Some(gone) = forgotten
                        && gone.before.as_deref() == Some(entry.id.as_str())
                    {
                        forgotten_row(ui, &gone.entry, intents);
                        placed = true;
                    }
                    let kind = match entry.kind {
                        LinkKind::Download => "Download",
                        LinkKind::Upload => "Upload link",
                        LinkKind::Request => "File request",
                        LinkKind::Page => "Page of links",
                        LinkKind::Encrypted => "Encrypted file",
                        LinkKind::CloudFront => "Through CloudFront",
                    };
                    ui.horizontal_wrapped(|ui| {
                        let name = crate::share::escape::text(&format!("{}/{}", entry.bucket, entry.key)).into_owned();
                        ui.label(egui::RichText::new(name).strong());
                        ui.weak(kind);
                        if entry.copy.is_some() {
                            ui.weak("revocable");
                        }
                        if let Some(detail) = &entry.detail {
                            ui.weak(format!("({})", crate::share::escape::text(detail)));
                        }
                        if let Some(page) = entry.page.as_ref().filter(|_| entry.kind == LinkKind::Page) {
                            ui.weak(if page.files == 1 { "1 file".to_owned() } else { format!("{} files", page.files) });
                            if !page.copies.is_empty() {
                                ui.weak("revocable");
                            }
                        }
                    });
                    let (left, _) = countdown_text(now, entry.effective_expires_at);
                    let made = entry
                        .made_at
                        .map(|t| format!("made {}; ", format_local_time(t)))
                        .unwrap_or_default();
                    // A countdown only while the link works; an ended one says why once.
                    let until = if entry.status(now).still_works() {
                        format!("until {} ({left}); ", format_local_time(entry.effective_expires_at))
                    } else {
                        String::new()
                    };
                    ui.label(format!("{made}{until}{}", entry.status_text(now)));
                    let works = entry.status(now).still_works();
                    ui.horizontal(|ui| {
                        if works && ui.small_button("Copy").clicked() {
                            intents.push(Intent::CopyAgain(entry.url.clone()));
                        }
                        if entry.kind == LinkKind::Download {
                            if ui.small_button("Renew").on_hover_text("A new link for the same file and filename, same lifetime; copied at once").clicked() {
                                intents.push(Intent::Renew { id: entry.id.clone(), lifetime: None });
                            }
                            ui.menu_button("Renew for…", |ui| {
                                for (label, lifetime) in EXPIRY_PRESETS {
                                    if ui.button(*label).clicked() {
                                        intents.push(Intent::Renew { id: entry.id.clone(), lifetime: Some(*lifetime) });
                                    }
                                }
                            });
                        }
                        if works && ui.small_button("Show QR").clicked() {
                            intents.push(Intent::ShowQr {
                                url: entry.url.clone(),
                                label: format!("{}/{}", entry.bucket, entry.key),
                                ends: entry.effective_expires_at,
                            });
                        }
                        let page = entry.page_open().is_some() && entry.kind == LinkKind::Page;
                        if works && (entry.copy_stored().is_some() || entry.page_open().is_some()) {
                            let (button, hover) = if entry.kind == LinkKind::Encrypted {
                                ("Revoke", "Stop this link now: the encrypted file and its page are deleted")
                            } else if page {
                                ("Close page", "Stop this page now: it is deleted (with the copies its links point at, if revocable)")
                            } else if entry.kind == LinkKind::CloudFront {
                                ("Revoke", "Stop this link now: the copy it points at is deleted, and CloudFront clears it from its edges (usually a minute or two; this row waits until it has)")
                            } else {
                                ("Revoke", "Stop this link now: the copy it points at is deleted")
                            };
                            if state.manager.revoking.running.contains(&entry.id) {
                                ui.spinner();
                                ui.label(if page {
                                    "Closing…"
                                } else if entry.kind == LinkKind::CloudFront {
                                    "Revoking… (CloudFront clears its edges: usually a minute or two)"
                                } else {
                                    "Revoking…"
                                });
                            } else if ui
                                // While another row's question is open (it pushes the rows
                                // down), a click here would change what is about to be revoked.
                                .add_enabled(
                                    asking.is_none_or(|id| id == entry.id),
                                    egui::Button::new(button).small(),
                                )
                                .on_hover_text(hover)
                                .on_disabled_hover_text("Answer the question above first: Revoke now or Keep it")
                                .clicked()
                            {
                                intents.push(Intent::AskRevoke(entry.id.clone()));
                            }
                        }
                        if works
                            && entry.copy_stored().is_none()
                            && let Some(key_id) = entry.cloudfront_key_id()
                        {
                            // The honest answer: only rotating the key stops it, and with it
                            // every link that key signed (counted here only when asked).
                            ui.weak("How to stop it?").on_hover_ui(|ui| {
                                let same_key = state
                                    .history
                                    .still_valid(now)
                                    .filter(|e| e.cloudfront_key_id() == Some(key_id))
                                    .count();
                                ui.label(format!(
                                    "This CloudFront signed URL was not made revocable, so it cannot be revoked on its own. To stop it before its end, remove public key {key_id} from the distribution's key group (rotate the key): that stops every link it signed — {same_key} still working in this list, and any made elsewhere with it. Deleting the object stops it too, once CloudFront's cached copy expires (or after an invalidation of its path).",
                                    key_id = crate::share::escape::text(key_id)
                                ));
                            });
                        }
                        if ui
                            .small_button("Forget")
                            .on_hover_text(if entry.holds_copies() {
                                "Remove from this list. The link keeps working until it ends, and can no longer be revoked from here (Undo brings it back; s3share revoke --ended --bucket deletes its copy once it ends)."
                            } else {
                                "Remove from this list. The link keeps working until it ends."
                            })
                            .clicked()
                        {
                            intents.push(Intent::Forget(entry.id.clone()));
                        }
                        // Last, so the buttons never move under the pointer.
                        if state.copied_last(entry.url.expose()) {
                            ui.label("Copied");
                        }
                    });
                    if let Some(page) = entry.page.as_ref().filter(|p| !p.names.is_empty()) {
                        page_files_ui(ui, &entry.id, page);
                    }
                    ui.separator();
                }
                if let Some(gone) = forgotten
                    && !placed
                {
                    forgotten_row(ui, &gone.entry, intents);
                }
            });
        });
    if !open {
        intents.push(Intent::ToggleManager);
    }
}

/// The row Forget just removed, in its place: what it was, and Undo.
fn forgotten_row(
    ui: &mut egui::Ui,
    entry: &crate::history::HistoryEntry,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.weak(format!(
            "Forgot {}/{} (the link still works until it ends).",
            entry.bucket, entry.key
        ));
        if ui.button("Undo").clicked() {
            intents.push(Intent::UndoForget);
        }
    });
    ui.separator();
}

/// "Revoke this link?": what stops and what does not, then Revoke now or Keep it.
fn revoke_confirmation(
    ui: &mut egui::Ui,
    entry: &crate::history::HistoryEntry,
    intents: &mut Vec<Intent>,
) {
    let name =
        crate::share::escape::text(&format!("s3://{}/{}", entry.bucket, entry.key)).into_owned();
    // The page named (title, files, when it was made): rows look alike, and the question
    // must say which one it is about.
    let page_name = || {
        format!(
            "the page \"{}\" of {name} ({} files, made {})",
            crate::share::escape::text(entry.detail.as_deref().unwrap_or_default()),
            entry.page.as_ref().map_or(0, |p| p.files),
            entry.made_at.map(format_local_time).unwrap_or_default()
        )
    };
    let (question, now) = match &entry.page {
        Some(_) if entry.kind == LinkKind::Encrypted => (
            format!(
                "Revoke the encrypted link to {} (made {})? It stops at once for everyone who has it: its encrypted copy and its page are deleted. The original (on this computer, or in the bucket) is untouched.",
                crate::share::escape::text(&entry.key),
                entry.made_at.map(format_local_time).unwrap_or_default()
            ),
            "Revoke now",
        ),
        Some(page) if page.copies.is_empty() => (
            format!(
                "Close {}? It stops at once for everyone who has it. A file's link already taken from it keeps working until {}; the files themselves stay.",
                page_name(),
                format_local_time(entry.effective_expires_at)
            ),
            "Close now",
        ),
        Some(_) => (
            format!(
                "Close {}? It and every file's link on it stop at once; the files themselves stay.",
                page_name()
            ),
            "Close now",
        ),
        None if entry.kind == LinkKind::CloudFront => (
            format!(
                "Revoke this link through CloudFront? Its copy is deleted and CloudFront is asked to clear it from its edges: it stops for everyone once they have (usually a minute or two; this row waits and says so). {name} itself and its other links keep working."
            ),
            "Revoke now",
        ),
        None => (
            format!(
                "Revoke this link? It stops at once for everyone who has it. {name} itself and its other links keep working."
            ),
            "Revoke now",
        ),
    };
    ui.group(|ui| {
        ui.label(question);
        ui.horizontal(|ui| {
            if ui.button(now).clicked() {
                intents.push(Intent::Revoke(entry.id.clone()));
            }
            if ui.button("Keep it").clicked() {
                intents.push(Intent::CancelRevoke);
            }
        });
    });
}

/// Where revocable links' copies are kept and how they go; the offer of a lifecycle rule
/// for the open bucket; what the last revoke or rule came to.
fn copies_ui(ui: &mut egui::Ui, state: &State, intents: &mut Vec<Intent>) {
    if let Some(notice) = &state.manager.revoking.notice {
        ui.label(notice);
    }
    let bucket = &state.listing.bucket;
    // One pass: whether the open bucket has copies through CloudFront, and other copies.
    let (mut through_cloudfront, mut presigned) = (false, false);
    for copy in state
        .history
        .entries
        .iter()
        .filter(|e| !bucket.is_empty() && &e.bucket == bucket)
        .filter_map(|e| e.copy.as_ref())
    {
        through_cloudfront |= copy.distribution.is_some();
        presigned |= copy.distribution.is_none();
    }
    if through_cloudfront {
        ui.weak(format!(
            "Revocable links through CloudFront keep their copy under {} until they end (up to a year; the lifecycle rule below does not touch them); S3 Share deletes them once ended when it opens the bucket.",
            crate::s3::CLOUDFRONT_LINKS_FOLDER
        ));
    }
    if !presigned {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.weak(
            "Revocable links keep a copy under .s3share/links/ until they end; S3 Share deletes the copies of ended links when it opens the bucket.",
        );
        if ui
            .small_button("Let the bucket delete them by itself")
            .on_hover_text("Adds a lifecycle rule: objects under .s3share/links/ are deleted 8 days after they were made (a link lives 7 days at most). Other rules are kept.")
            .clicked()
        {
            intents.push(Intent::ExpireLinkCopies(bucket.clone()));
        }
    });
}

/// A page's files, folded: the first 200 names (escaped), and how many more.
fn page_files_ui(ui: &mut egui::Ui, id: &str, page: &crate::history::PageRecord) {
    const SHOWN: usize = 200;
    egui::CollapsingHeader::new(format!("Files on this page ({})", page.files))
        .id_salt(("page files", id))
        .default_open(false)
        .show(ui, |ui| {
            for name in page.names.iter().take(SHOWN) {
                ui.label(crate::share::escape::text(name));
            }
            if page.names.len() > SHOWN {
                ui.weak(format!("…and {} more", page.names.len() - SHOWN));
            }
        });
}
