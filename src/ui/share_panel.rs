//! The share panel: link lifetime (slider of presets, 7-day button, custom field), the
//! effective end and why, the download filename, Copy link with its countdown, and the
//! upload ("send me a file") link.

use crate::app::App;
use crate::share::{EXPIRY_PRESETS, Expiry, countdown_text, format_duration, format_local_time};

pub fn share_panel_ui(app: &mut App, ui: &mut egui::Ui) {
    egui::Panel::right("share")
        .resizable(true)
        .default_size(330.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                share_ui(app, ui);
                ui.add_space(12.0);
                ui.separator();
                upload_link_ui(app, ui);
                ui.add_space(12.0);
                history_ui(app, ui);
            });
        });
}

fn share_ui(app: &mut App, ui: &mut egui::Ui) {
    ui.heading("Share");
    let Some(key) = app.state.selected_key.clone() else {
        ui.weak("Select a file to share it.");
        return;
    };
    ui.label(egui::RichText::new(crate::s3::list::file_name(&key)).strong());
    ui.weak(format!("s3://{}/{key}", app.state.listing.bucket));
    ui.add_space(8.0);

    // Lifetime.
    let mut index = app.state.share.preset_index();
    let label = ui.label("Link lifetime");
    ui.horizontal(|ui| {
        let slider = egui::Slider::new(&mut index, 0..=EXPIRY_PRESETS.len() - 1).show_value(false);
        if ui.add(slider).labelled_by(label.id).changed() {
            app.state.share.set_preset(index);
        }
        ui.label(format_duration(app.state.share.expiry.as_duration()));
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                app.state.share.expiry != Expiry::MAX,
                egui::Button::new("7 days (max)"),
            )
            .clicked()
        {
            app.state.share.set_preset(EXPIRY_PRESETS.len() - 1);
        }
        let label = ui.label("Custom");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut app.state.share.custom_text)
                    .hint_text("90m, 2h30m, 3d")
                    .desired_width(90.0),
            )
            .labelled_by(label.id);
        if response.changed() && !app.state.share.custom_text.trim().is_empty() {
            app.state.share.apply_custom();
        }
    });
    if let Some(error) = &app.state.share.custom_error {
        ui.colored_label(ui.visuals().error_fg_color, error);
    }

    // The truth about the end.
    let now = app.now();
    let (end, cut_short) = app.state.preview_end(now);
    let (left, _) = countdown_text(now, end);
    ui.label(format!(
        "A link made now works until {} ({left})",
        format_local_time(end)
    ));
    if cut_short {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            format!(
                "The credentials that sign it end at {}: the link stops working then, not after {}.",
                format_local_time(end),
                format_duration(app.state.share.expiry.as_duration())
            ),
        );
    }
    ui.add_space(8.0);

    // Download filename.
    ui.checkbox(
        &mut app.state.share.filename_enabled,
        "Set download filename",
    );
    if app.state.share.filename_enabled {
        let label = ui.label("Download filename");
        ui.add(egui::TextEdit::singleline(&mut app.state.share.filename))
            .labelled_by(label.id);
        if let Err(message) = app.state.share.download_filename() {
            ui.colored_label(ui.visuals().error_fg_color, message);
        }
    }
    ui.add_space(8.0);

    ui.horizontal(|ui| {
        let enabled = !app.state.sharing && app.state.share.download_filename().is_ok();
        if ui
            .add_enabled(enabled, egui::Button::new("Copy link"))
            .on_hover_text("Make a fresh link and copy it (Ctrl+C)")
            .clicked()
        {
            app.copy_link();
        }
        if app.state.sharing {
            ui.spinner();
        }
    });
    if let Some(error) = app.state.share_error.clone()
        && crate::ui::error_ui(ui, &error, error.is_retryable())
    {
        app.copy_link();
    }
    if let Some(copied) = &app.state.link {
        let (left, last_minute) = countdown_text(now, copied.link.effective_expires_at);
        ui.horizontal(|ui| {
            if copied.copied {
                ui.label("Copied");
            }
            let text = format!("Time left: {left}");
            if last_minute {
                ui.colored_label(ui.visuals().error_fg_color, text);
            } else {
                ui.label(text);
            }
        });
        // The signature stays off the screen (screenshots, screen sharing).
        ui.add(
            egui::Label::new(
                egui::RichText::new(crate::s3::presign::redact(&copied.link.url))
                    .monospace()
                    .weak(),
            )
            .truncate(),
        );
        for warning in &copied.link.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
        app.tick_while_counting(ui.ctx());
    }
}

fn upload_link_ui(app: &mut App, ui: &mut egui::Ui) {
    if app.state.listing.bucket.is_empty() {
        return;
    }
    ui.heading("Receive a file");
    ui.weak("An upload link lets someone put one file at this key.");
    let label = ui.label("Upload key");
    ui.add(egui::TextEdit::singleline(&mut app.state.upload_key).hint_text("folder/name.ext"))
        .labelled_by(label.id);
    let label = ui.label("Content type (optional)");
    ui.add(
        egui::TextEdit::singleline(&mut app.state.upload_content_type).hint_text("application/pdf"),
    )
    .labelled_by(label.id);
    if ui.button("Upload link").clicked() {
        app.make_upload_link();
    }
    if let Some(error) = &app.state.upload_error {
        crate::ui::error_ui(ui, error, false);
    }
    if let Some(link) = app.state.upload_link.clone() {
        let end = format_local_time(link.effective_expires_at);
        ui.label(format!("Works until {end}"));
        ui.horizontal(|ui| {
            if ui.button("Copy upload link").clicked() {
                ui.ctx().copy_text(link.url.clone());
            }
            if ui.button("Copy curl command").clicked() {
                ui.ctx().copy_text(link.curl_command());
            }
        });
        ui.add(
            egui::Label::new(
                egui::RichText::new(link.curl_command().replace(&link.url, "<link>")).monospace(),
            )
            .wrap(),
        );
        for warning in &link.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
    }
}

/// Links shared earlier that still work, to copy again without signing anew.
fn history_ui(app: &mut App, ui: &mut egui::Ui) {
    let recent = app.recent_links();
    if recent.is_empty() {
        return;
    }
    let now = app.now();
    egui::CollapsingHeader::new(format!("Recent links ({})", recent.len()))
        .default_open(false)
        .show(ui, |ui| {
            for entry in recent {
                ui.horizontal(|ui| {
                    let ends = std::time::UNIX_EPOCH
                        + std::time::Duration::from_secs(entry.effective_expires_at);
                    let (left, _) = countdown_text(now, ends);
                    if ui
                        .small_button("Copy")
                        .on_hover_text(format!("s3://{}/{}", entry.bucket, entry.key))
                        .clicked()
                    {
                        ui.ctx().copy_text(entry.url.clone());
                    }
                    ui.add(
                        egui::Label::new(format!(
                            "{} ({left} left)",
                            crate::s3::list::file_name(&entry.key)
                        ))
                        .truncate(),
                    );
                });
            }
        });
}
