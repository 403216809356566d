//! One file per panel. Functions that draw are named `*_ui`; each reads `State` (editing
//! only its own form fields) and pushes `Intent`s. Nothing here imports aws-sdk-s3, the
//! worker or `App`.

mod add_profile;
mod buckets;
pub(crate) mod cloudfront;
mod format;
mod manager;
mod many;
mod objects;
mod passphrase;
mod pasted;
mod profile_bar;
mod qr;
mod receive;
mod recent;
mod requests;
mod rows;
mod share_options;
mod share_panel;
mod uploads;

#[cfg(test)]
mod tests;

pub use add_profile::add_profile_ui;
pub use buckets::buckets_ui;
pub use manager::manager_ui;
pub use objects::{FILTER_ID, objects_ui};
pub use pasted::pasted_image_ui;
pub use profile_bar::profile_bar_ui;
pub use qr::qr_ui;
pub use share_panel::share_panel_ui;
pub use uploads::{drop_ui, uploads_ui};

/// An error where it happened: the plain sentence, the technical details behind
/// "Details", and Retry if it helps. Returns true when Retry was clicked.
pub fn error_ui(ui: &mut egui::Ui, error: &crate::s3::S3Error, retry: bool) -> bool {
    let mut clicked = false;
    ui.colored_label(ui.visuals().error_fg_color, &error.message);
    if retry && ui.button("Retry").clicked() {
        clicked = true;
    }
    // Below, not beside: a long detail wraps in the panel's width instead of widening it.
    if !error.detail.is_empty() {
        egui::CollapsingHeader::new("Details")
            .id_salt(("error details", &error.message))
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(egui::RichText::new(&error.detail).monospace().weak()).wrap(),
                );
            });
    }
    clicked
}
