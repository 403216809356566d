//! Links for several chosen files at once: Copy N links, Share as one page, the list's
//! format, progress, and what the last run copied.

use crate::intent::Intent;
use crate::state::State;

/// Links for several files: the format, progress, and what the last run copied.
pub(super) fn many_ui(ui: &mut egui::Ui, state: &State, intents: &mut Vec<Intent>) {
    use crate::share::link_list::ListFormat;
    let several = state.selection.len() > 1;
    if several {
        ui.horizontal(|ui| {
            let enabled = state.many.running.is_none() && state.share.custom_problem().is_none();
            if ui
                .add_enabled(
                    enabled,
                    egui::Button::new(format!("Copy {} links", state.selection.len())),
                )
                .on_hover_text("One lifetime, each link tried, copied as one text")
                .clicked()
            {
                intents.push(Intent::CopySelectedLinks);
            }
            if ui
                .add_enabled(
                    enabled && !state.pages.running,
                    egui::Button::new("Share as one page"),
                )
                .on_hover_text("One link to a page that lists these files, each with its own link")
                .clicked()
            {
                intents.push(Intent::SharePage(crate::state::PageOf::Selection));
            }
        });
    }
    if several || state.many.summary.is_some() || state.many.running.is_some() {
        ui.horizontal(|ui| {
            let label = ui.label("Several links as");
            egui::ComboBox::from_id_salt("list_format")
                .selected_text(state.many.format.label())
                .show_ui(ui, |ui| {
                    for format in [ListFormat::Tsv, ListFormat::Markdown, ListFormat::Json] {
                        if ui
                            .selectable_label(state.many.format == format, format.label())
                            .clicked()
                        {
                            intents.push(Intent::SetListFormat(format));
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
    }
    if let Some((done, total)) = state.many.running {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!("Making links… {done} of {total}"));
        });
    }
    if let Some(summary) = &state.many.summary {
        ui.label(summary);
    }
}
