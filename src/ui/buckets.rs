//! The bucket list on the left, filterable by typing.

use crate::intent::Intent;
use crate::state::State;

pub fn buckets_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    egui::Panel::left("buckets")
        .resizable(true)
        .default_size(200.0)
        .show(ui, |ui| {
            ui.heading("Buckets");
            let label = ui.label("Filter buckets");
            ui.add(
                egui::TextEdit::singleline(&mut state.bucket_filter).hint_text("type to filter"),
            )
            .labelled_by(label.id);
            if state.buckets.is_pending() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading buckets…");
                });
            }
            if let Some(error) = state.buckets.error().cloned()
                && crate::ui::error_ui(ui, &error, true)
            {
                intents.push(Intent::RefreshBuckets);
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                for bucket in state.visible_buckets() {
                    let selected = bucket.name == state.listing.bucket;
                    if ui.selectable_label(selected, &bucket.name).clicked() {
                        intents.push(Intent::OpenFolder {
                            bucket: bucket.name.clone(),
                            prefix: String::new(),
                        });
                    }
                }
            });
        });
}
