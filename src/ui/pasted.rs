//! A pasted image waits here for its name before it is uploaded to the open folder.

use crate::intent::Intent;
use crate::state::PastedImage;

pub fn pasted_image_ui(ctx: &egui::Context, pasted: &mut PastedImage, intents: &mut Vec<Intent>) {
    egui::Window::new("Upload pasted image")
        // Below the top bar, never over the profile selector.
        .default_pos([220.0, 70.0])
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            let [w, h] = pasted.image.size;
            ui.label(format!(
                "An image of {w} by {h} pixels, uploaded as PNG to the open folder."
            ));
            let label = ui.label("Image name");
            ui.add(egui::TextEdit::singleline(&mut pasted.name).desired_width(320.0))
                .labelled_by(label.id);
            ui.horizontal(|ui| {
                if ui.button("Upload image").clicked() {
                    intents.push(Intent::UploadPastedImage);
                }
                if ui.button("Don't upload").clicked() {
                    intents.push(Intent::DiscardPastedImage);
                }
            });
        });
}
