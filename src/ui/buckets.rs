//! The bucket list on the left, filterable by typing.

use crate::app::App;

pub fn buckets_ui(app: &mut App, ui: &mut egui::Ui) {
    egui::Panel::left("buckets")
        .resizable(true)
        .default_size(200.0)
        .show(ui, |ui| {
            ui.heading("Buckets");
            let label = ui.label("Filter buckets");
            ui.add(
                egui::TextEdit::singleline(&mut app.state.bucket_filter)
                    .hint_text("type to filter"),
            )
            .labelled_by(label.id);
            if app.state.buckets.is_pending() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading buckets…");
                });
            }
            if let Some(error) = app.state.buckets.error().cloned()
                && crate::ui::error_ui(ui, &error, true)
            {
                app.refresh_buckets();
            }
            let mut open = None;
            egui::ScrollArea::vertical().show(ui, |ui| {
                for bucket in app.state.visible_buckets() {
                    let selected = bucket.name == app.state.listing.bucket;
                    if ui.selectable_label(selected, &bucket.name).clicked() {
                        open = Some(bucket.name.clone());
                    }
                }
            });
            if let Some(bucket) = open {
                app.open_folder(&bucket, "");
            }
        });
}
