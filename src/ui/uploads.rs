//! Uploads: the drop overlay that names where files will go, the "Upload files…" button, and a
//! row per upload with progress, speed, time left, Cancel, and the name-taken question.

use std::time::SystemTime;

use crate::intent::Intent;
use crate::s3::file_name;
use crate::s3::upload::Collision;
use crate::share::countdown_text;
use crate::state::{State, UploadStatus};
use crate::ui::format::human_size;

/// Files hovering: an overlay naming the destination. Files dropped: queued.
pub fn drop_ui(ctx: &egui::Context, state: &State, intents: &mut Vec<Intent>) {
    let (hovering, dropped) = ctx.input(|i| {
        (
            !i.raw.hovered_files.is_empty(),
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_owned())
                .collect::<Vec<_>>(),
        )
    });
    intents.extend(dropped.into_iter().map(Intent::QueueUpload));
    if !hovering {
        return;
    }
    let text = if state.listing.bucket.is_empty() {
        "Open a bucket first: files are uploaded to the folder shown".to_owned()
    } else if state.share.encrypt_uploads {
        format!(
            "Drop to share encrypted: stored as ciphertext in s3://{}/.s3share/",
            state.listing.bucket
        )
    } else {
        format!(
            "Drop to upload to s3://{}/{}",
            state.listing.bucket, state.listing.prefix
        )
    };
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(190));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(22.0),
        egui::Color32::WHITE,
    );
}

pub fn uploads_ui(
    ui: &mut egui::Ui,
    state: &mut State,
    now: SystemTime,
    intents: &mut Vec<Intent>,
) {
    egui::Panel::bottom("uploads").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let can_upload = !state.listing.bucket.is_empty();
            if ui
                .add_enabled(can_upload, egui::Button::new("Upload files…"))
                .on_hover_text(
                    "Choose files to upload to the open folder (or drag them onto the window)",
                )
                .clicked()
            {
                intents.push(Intent::PickFiles);
            }
            if ui
                .add_enabled(can_upload, egui::Button::new("Paste files"))
                .on_hover_text(
                    "Upload the files copied in the file manager (Ctrl+V does the same when the clipboard also holds their names as text)",
                )
                .clicked()
            {
                intents.push(Intent::PasteFromClipboard);
            }
            ui.checkbox(&mut state.share.encrypt_uploads, "Encrypt uploads")
                .on_hover_text("Files you drop, paste or pick are encrypted here before they leave: the bucket holds only ciphertext (under .s3share/, not in this folder), and the link opens a page that decrypts in your colleague's browser. The key travels in the link after #, or comes from the passphrase.");
            // One passphrase for every encrypted share: its field is in the share panel
            // while a file is chosen, here otherwise.
            if state.share.encrypt_uploads {
                if state.selected_key.is_none() {
                    super::passphrase::passphrase_toggle(ui, state);
                } else if state.share.passphrase_shown {
                    ui.weak("with the passphrase (in the share panel)");
                } else {
                    ui.weak("key in the link");
                }
            }
            if state.uploads.iter().any(|row| row.finished())
                && ui.button("Clear finished").clicked()
            {
                intents.push(Intent::ClearFinishedUploads);
            }
            if let Some(notice) = &state.upload_notice {
                ui.colored_label(ui.visuals().warn_fg_color, notice);
            } else if state.uploads.is_empty() {
                ui.weak("Drag files here to upload them to the open folder and copy their link.");
            }
        });
        // On a line of its own, so the bar's notice stays in view.
        if state.share.encrypt_uploads
            && state.share.passphrase_shown
            && state.selected_key.is_none()
        {
            super::passphrase::passphrase_ui(ui, state);
        }
        for row in &state.uploads {
            ui.horizontal(|ui| {
                let name = crate::share::escape::text(file_name(&row.key)).into_owned();
                ui.add_sized([200.0, 18.0], egui::Label::new(&name).truncate());
                match &row.status {
                    UploadStatus::Queued => {
                        ui.weak("Waiting…");
                        if ui.button("Cancel").clicked() {
                            intents.push(Intent::CancelUpload(row.id));
                        }
                    }
                    UploadStatus::Running => {
                        let fraction = if row.total == 0 {
                            0.0
                        } else {
                            row.done as f32 / row.total as f32
                        };
                        ui.add(
                            egui::ProgressBar::new(fraction)
                                .desired_width(160.0)
                                .show_percentage(),
                        );
                        let elapsed = row
                            .started
                            .map(|t| t.elapsed().as_secs_f64())
                            .unwrap_or(0.0);
                        let speed = if elapsed > 0.0 {
                            row.done as f64 / elapsed
                        } else {
                            0.0
                        };
                        let left = if speed > 0.0 {
                            let secs = ((row.total - row.done) as f64 / speed) as u64;
                            format!(", {}:{:02} left", secs / 60, secs % 60)
                        } else {
                            String::new()
                        };
                        ui.label(format!(
                            "{} of {}, {}/s{left}",
                            human_size(row.done),
                            human_size(row.total),
                            human_size(speed as u64)
                        ));
                        if ui.button("Cancel").clicked() {
                            intents.push(Intent::CancelUpload(row.id));
                        }
                    }
                    UploadStatus::Conflict => {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("s3://{}/{} exists.", row.bucket, row.key),
                        );
                        if ui.button("Keep both").clicked() {
                            intents.push(Intent::ResolveConflict {
                                id: row.id,
                                collision: Collision::KeepBoth,
                            });
                        }
                        if ui.button("Replace").clicked() {
                            intents.push(Intent::ResolveConflict {
                                id: row.id,
                                collision: Collision::Replace,
                            });
                        }
                        if ui.button("Skip").clicked() {
                            intents.push(Intent::ResolveConflict {
                                id: row.id,
                                collision: Collision::Skip,
                            });
                        }
                    }
                    UploadStatus::Shared(link) if link.check.refused() => {
                        ui.colored_label(
                            ui.visuals().error_fg_color,
                            format!("Uploaded, but {}", link.check.describe()),
                        );
                    }
                    UploadStatus::Shared(link) => {
                        // Only the link on the clipboard says copied; the others offer a copy.
                        let (left, _) = countdown_text(now, link.effective_expires_at);
                        if state.copied_last(link.url.expose()) {
                            ui.label(format!("Uploaded, link copied ({left} left)"));
                        } else {
                            ui.label(format!("Uploaded, link ready ({left} left)"));
                            if ui.small_button("Copy link").clicked() {
                                intents.push(Intent::CopyAgain(link.url.clone()));
                            }
                        }
                    }
                    UploadStatus::Encrypted(share) => {
                        let (left, _) = countdown_text(now, share.link.effective_expires_at);
                        let keyed = if share.passphrase {
                            "opens with the passphrase, "
                        } else {
                            ""
                        };
                        if state.copied_last(share.link.url.expose()) {
                            ui.label(format!("Encrypted, link copied ({keyed}{left} left)"));
                        } else {
                            ui.label(format!("Encrypted, link ready ({keyed}{left} left)"));
                            if ui.small_button("Copy link").clicked() {
                                intents.push(Intent::CopyAgain(share.link.url.clone()));
                            }
                        }
                    }
                    UploadStatus::Revoked(at) => {
                        ui.weak(format!(
                            "Revoked at {}: the link no longer opens",
                            crate::share::format_local_time(*at)
                        ));
                    }
                    UploadStatus::Skipped => {
                        ui.weak("Skipped: the existing object was kept");
                    }
                    UploadStatus::Cancelled => {
                        ui.weak("Cancelled: nothing was stored");
                    }
                    UploadStatus::Failed(error) => {
                        crate::ui::error_ui(ui, error, false);
                    }
                }
            });
            if let Some(warning) = &row.warning {
                ui.colored_label(ui.visuals().warn_fg_color, format!("Note: {warning}"));
            }
        }
        ui.add_space(2.0);
    });
}
