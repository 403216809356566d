//! "Receive a file": an upload link for a key, with its own lifetime, and its curl command.

use crate::intent::Intent;
use crate::share::{EXPIRY_PRESETS, format_duration, format_local_time};
use crate::state::State;

/// "Receive a file": an upload link for a key, and its curl command.
pub(super) fn upload_link_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    if state.listing.bucket.is_empty() {
        return;
    }
    ui.heading("Receive a file");
    ui.weak("An upload link lets someone put one file at this key.");
    let label = ui.label("Upload key");
    let field = ui
        .add(
            egui::TextEdit::singleline(&mut state.upload_key)
                .hint_text("folder/name.ext")
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
    if std::mem::take(&mut state.focus_upload_key) {
        field.request_focus();
        field.scroll_to_me(Some(egui::Align::Center));
    }
    let key = state.upload_key.trim().to_owned();
    let names_a_file = !key.is_empty() && !key.ends_with('/');
    // One line either way, so the fields below never jump as a name is typed.
    if names_a_file {
        ui.weak(format!(
            "The file sent is stored as s3://{}/{key}.",
            state.listing.bucket
        ));
    } else {
        ui.weak("Add a file name after the folder (for example scans/contract.pdf).");
    }
    let label = ui.label("Content type (optional)");
    ui.add(
        egui::TextEdit::singleline(&mut state.upload_content_type)
            .hint_text("application/pdf")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let mut index = crate::share::preset_index(state.upload_expiry);
    let label = ui.label("Upload link lifetime");
    ui.horizontal(|ui| {
        let slider = egui::Slider::new(&mut index, 0..=EXPIRY_PRESETS.len() - 1).show_value(false);
        if ui.add(slider).labelled_by(label.id).changed()
            && let Some((_, expiry)) = EXPIRY_PRESETS.get(index)
        {
            state.upload_expiry = *expiry;
        }
        ui.label(format_duration(state.upload_expiry.as_duration()));
    });
    if ui
        .add_enabled(names_a_file, egui::Button::new("Make an upload link"))
        .clicked()
    {
        intents.push(Intent::MakeUploadLink);
    }
    if let Some(error) = &state.upload_error {
        crate::ui::error_ui(ui, error, false);
    }
    // A link on screen belongs to the key shown above it, or it goes.
    if let Some(link) = state.upload_link.as_ref().filter(|l| l.key == key) {
        ui.label(format!(
            "Upload link for s3://{}/{}, works until {}",
            link.bucket,
            link.key,
            format_local_time(link.effective_expires_at)
        ));
        // One button a row: "Copied" appearing beside one never widens the panel or moves
        // the other under the pointer.
        ui.horizontal(|ui| {
            if ui.button("Copy upload link").clicked() {
                intents.push(Intent::CopyAgain(link.url.clone()));
            }
            if state.copied_last(link.url.expose()) {
                ui.label("Copied");
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Copy curl command").clicked() {
                intents.push(Intent::CopyCurlCommand(link.clone()));
            }
            if state.copied_last(&format!("curl {}", link.url.expose())) {
                ui.label("Copied");
            }
        });
        ui.add(
            egui::Label::new(egui::RichText::new(link.curl_command_with("<link>")).monospace())
                .wrap(),
        );
        for warning in &link.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
    }
}
