//! "Add a profile": name, keys (the secret masked), region, endpoint and path style; the
//! keys are tried before anything is written.

use crate::intent::Intent;
use crate::state::NewProfileForm;

pub fn add_profile_ui(ctx: &egui::Context, form: &mut NewProfileForm, intents: &mut Vec<Intent>) {
    egui::Window::new("Add a profile")
        // Below the top bar, never over the profile selector.
        .default_pos([220.0, 70.0])
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.weak("For keys from MinIO, Cloudflare R2, Wasabi, Ceph or AWS. Saved to ~/.aws/config and ~/.aws/credentials as `aws configure` would, after one request shows the keys work.");
            let draft = &mut form.profile;
            egui::Grid::new("add_profile").num_columns(2).show(ui, |ui| {
                let field = |ui: &mut egui::Ui, title: &str, text: &mut String, hint: &str, secret: bool| {
                    let label = ui.label(title);
                    ui.add(
                        egui::TextEdit::singleline(text)
                            .hint_text(hint)
                            .password(secret)
                            .desired_width(260.0),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                };
                field(ui, "Profile name", &mut draft.name, "minio", false);
                field(ui, "Access key", &mut draft.access_key, "", false);
                field(ui, "Secret key", &mut draft.secret_key, "", true);
                field(ui, "Region", &mut draft.region, "us-east-1", false);
                field(ui, "Endpoint URL (optional)", &mut draft.endpoint_url, "https://minio.example.com:9000", false);
            });
            ui.checkbox(&mut draft.path_style, "Path-style addressing (most self-hosted servers)");
            if let Some(error) = &form.error {
                crate::ui::error_ui(ui, error, false);
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!form.saving, egui::Button::new("Test and save"))
                    .clicked()
                {
                    intents.push(Intent::SaveProfile);
                }
                if ui.button("Cancel").clicked() {
                    intents.push(Intent::CancelAddProfile);
                }
                if form.saving {
                    ui.spinner();
                    ui.label("Trying the keys…");
                }
            });
        });
}
