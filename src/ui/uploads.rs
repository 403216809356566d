//! Uploads: the drop overlay that names where files will go, the "Upload…" button, and a
//! row per upload with progress, speed, time left, Cancel, and the name-taken question.

use crate::app::App;
use crate::s3::upload::Collision;
use crate::share::countdown_text;
use crate::state::UploadStatus;
use crate::ui::format::human_size;

/// Files hovering: an overlay naming the destination. Files dropped: queued.
pub fn drop_ui(app: &mut App, ctx: &egui::Context) {
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
    for path in dropped {
        app.queue_upload(path);
    }
    if !hovering {
        return;
    }
    let text = if app.state.listing.bucket.is_empty() {
        "Open a bucket first: files are uploaded to the folder shown".to_owned()
    } else {
        format!(
            "Drop to upload to s3://{}/{}",
            app.state.listing.bucket, app.state.listing.prefix
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

pub fn uploads_ui(app: &mut App, ui: &mut egui::Ui) {
    egui::Panel::bottom("uploads").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let can_upload = !app.state.listing.bucket.is_empty();
            if ui
                .add_enabled(can_upload, egui::Button::new("Upload…"))
                .on_hover_text(
                    "Choose files to upload to the open folder (or drag them onto the window)",
                )
                .clicked()
            {
                app.pick_files();
            }
            if app.state.uploads.iter().any(|row| row.finished())
                && ui.button("Clear finished").clicked()
            {
                app.state.uploads.retain(|row| !row.finished());
            }
            if let Some(notice) = &app.state.upload_notice {
                ui.colored_label(ui.visuals().warn_fg_color, notice);
            } else if app.state.uploads.is_empty() {
                ui.weak("Drag files here to upload them to the open folder and copy their link.");
            }
        });
        let now = app.now();
        let mut actions: Vec<(u64, Option<Collision>)> = Vec::new();
        for row in &app.state.uploads {
            ui.horizontal(|ui| {
                let name = crate::s3::list::file_name(&row.key).to_owned();
                ui.add_sized([200.0, 18.0], egui::Label::new(&name).truncate());
                match &row.status {
                    UploadStatus::Queued => {
                        ui.weak("Waiting…");
                        if ui.button("Cancel").clicked() {
                            actions.push((row.id, None));
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
                            actions.push((row.id, None));
                        }
                        // Progress events repaint; this keeps speed and time left fresh.
                        ui.ctx()
                            .request_repaint_after(std::time::Duration::from_millis(500));
                    }
                    UploadStatus::Conflict => {
                        ui.colored_label(
                            ui.visuals().warn_fg_color,
                            format!("s3://{}/{} exists.", row.bucket, row.key),
                        );
                        if ui.button("Keep both").clicked() {
                            actions.push((row.id, Some(Collision::KeepBoth)));
                        }
                        if ui.button("Replace").clicked() {
                            actions.push((row.id, Some(Collision::Replace)));
                        }
                        if ui.button("Skip").clicked() {
                            actions.push((row.id, Some(Collision::Skip)));
                        }
                    }
                    UploadStatus::Shared(link) => {
                        let (left, _) = countdown_text(now, link.effective_expires_at);
                        ui.label(format!("Uploaded, link copied ({left} left)"));
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
        }
        for (id, choice) in actions {
            match choice {
                Some(collision) => app.resolve_conflict(id, collision),
                None => app.cancel_upload(id),
            }
        }
        ui.add_space(2.0);
    });
}
