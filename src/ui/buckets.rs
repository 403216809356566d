//! The bucket list on the left, filterable by typing.

use crate::intent::Intent;
use crate::state::State;

pub fn buckets_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    egui::Panel::left("buckets")
        .resizable(true)
        .default_size(180.0)
        // Narrow enough to leave the list its room at 800 px, wide enough for a name.
        .size_range(120.0..=360.0)
        .show(ui, |ui| {
            ui.heading("Buckets");
            let label = ui.label("Filter buckets");
            ui.add(
                egui::TextEdit::singleline(&mut state.bucket_filter)
                    .hint_text("type to filter")
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
            if state.buckets.is_pending() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Loading buckets…");
                });
            }
            // The error itself is shown in the wide middle of the window (objects panel);
            // this column only says that something is wrong.
            if state.buckets.error().is_some() {
                ui.colored_label(
                    ui.visuals().error_fg_color,
                    "Buckets not loaded (see the message).",
                );
            }
            egui::ScrollArea::vertical().show(ui, |ui| {
                for bucket in state.visible_buckets() {
                    let selected = bucket.name == state.listing.bucket;
                    let response = ui.selectable_label(selected, &bucket.name);
                    if response.clicked() {
                        intents.push(Intent::OpenFolder {
                            bucket: bucket.name.clone(),
                            prefix: String::new(),
                        });
                    }
                    response.context_menu(|ui| {
                        let set = state.cloudfront.get(&bucket.name).is_some();
                        let label = if set { "CloudFront (set)…" } else { "CloudFront…" };
                        if ui
                            .button(label)
                            .on_hover_text("Links through a CloudFront distribution in front of this bucket: longer than 7 days")
                            .clicked()
                        {
                            intents.push(Intent::OpenCloudFront(bucket.name.clone()));
                        }
                    });
                }
            });
        });
}
