//! One file per panel. Functions that draw are named `*_ui`. Nothing here imports
//! aws-sdk-s3: the panels read `State` and ask the app for work.

pub mod buckets;
pub mod format;
pub mod objects;
pub mod profile_bar;
pub mod share_panel;
pub mod uploads;

/// An error where it happened: the plain sentence, details on hover, and Retry if it helps.
/// Returns true when Retry was clicked.
pub fn error_ui(ui: &mut egui::Ui, error: &crate::s3::S3Error, retry: bool) -> bool {
    let mut clicked = false;
    ui.horizontal_wrapped(|ui| {
        let text = ui.colored_label(ui.visuals().error_fg_color, &error.message);
        if !error.detail.is_empty() {
            text.on_hover_text(&error.detail);
        }
        if retry && ui.button("Retry").clicked() {
            clicked = true;
        }
    });
    clicked
}
