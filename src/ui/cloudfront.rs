//! CloudFront: the bucket's form (from its context menu in the bucket list), and the share
//! panel's "Through CloudFront" choice with the lifetimes only such links can have.

use crate::intent::Intent;
use crate::share::cloudfront::LONG_LIFETIMES;
use crate::state::{CloudFrontForm, State};

/// The form: domain, key id, private key file, origin path; checked before it is kept.
pub fn cloudfront_form_ui(
    ctx: &egui::Context,
    form: &mut CloudFrontForm,
    intents: &mut Vec<Intent>,
) {
    let title = format!(
        "CloudFront for {}",
        crate::share::escape::text(&form.bucket)
    );
    egui::Window::new(title)
        .id(egui::Id::unique("cloudfront form"))
        .default_pos([220.0, 70.0])
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.weak("Links through a CloudFront distribution in front of this bucket have no 7-day limit and do not end with your sign-in. Needs the distribution's domain, the id of a public key in its trusted key group, and that key's private half (a .pem file: it stays where it is, only its path is kept).");
            egui::Grid::new("cloudfront_form").num_columns(2).show(ui, |ui| {
                let field = |ui: &mut egui::Ui, title: &str, text: &mut String, hint: &str| {
                    let label = ui.label(title);
                    ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(300.0))
                        .labelled_by(label.id);
                    ui.end_row();
                };
                field(ui, "Distribution domain", &mut form.domain, "d111111abcdef8.cloudfront.net");
                field(ui, "Key id", &mut form.key_id, "K2JCJMDEHXQW5F");
                let label = ui.label("Private key file");
                ui.horizontal(|ui| {
                    ui.add(
                        egui::TextEdit::singleline(&mut form.private_key)
                            .hint_text("/home/me/keys/private_key.pem")
                            .desired_width(230.0),
                    )
                    .labelled_by(label.id);
                    if ui.button("Choose…").clicked() {
                        intents.push(Intent::PickKeyFile);
                    }
                });
                ui.end_row();
                field(ui, "Origin path (optional)", &mut form.origin_path, "/media");
                field(ui, "Distribution ID (for revocable links)", &mut form.distribution_id, "E2QWRUHAPOMQZL");
            });
            // Enter in a field saves, as the button does.
            if ui.input(|i| i.key_pressed(egui::Key::Enter)) && !form.saving {
                intents.push(Intent::SaveCloudFront);
            }
            if let Some(error) = &form.error {
                ui.colored_label(ui.visuals().error_fg_color, error);
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!form.saving, egui::Button::new("Check and save"))
                    .on_hover_text("The key is read and signs once before anything is kept")
                    .clicked()
                {
                    intents.push(Intent::SaveCloudFront);
                }
                if ui.button("Cancel").clicked() {
                    intents.push(Intent::CloseCloudFront);
                }
                if form.is_set
                    && ui
                        .add_enabled(!form.saving, egui::Button::new("Stop using CloudFront"))
                        .on_hover_text("Links already made keep working until their end, or until their key leaves the key group")
                        .clicked()
                {
                    intents.push(Intent::RemoveCloudFront);
                }
                if form.saving {
                    ui.spinner();
                }
            });
        });
}

/// The share panel's choice for a bucket behind CloudFront, and its longer lifetimes.
pub fn cloudfront_choice_ui(ui: &mut egui::Ui, state: &mut State) {
    let Some(domain) = state.cloudfront_here().map(|s| s.domain.clone()) else {
        return;
    };
    let host = domain
        .split_once("://")
        .map_or(domain.as_str(), |(_, h)| h)
        .to_owned();
    if ui
        .checkbox(&mut state.share.via_cloudfront, format!("Through CloudFront ({host})"))
        .on_hover_text("A CloudFront signed URL: no 7-day limit, not tied to your sign-in. It stops sooner only if its key leaves the key group or the distribution is disabled.")
        .changed()
    {
        // What was refused for the other choice no longer applies.
        state.forget_refusal();
    }
    if !state.share.via_cloudfront {
        return;
    }
    if state.share.revocable
        && let Some(why) = state
            .cloudfront_here()
            .and_then(|s| s.why_not_revocable(&state.listing.bucket))
    {
        ui.colored_label(ui.visuals().warn_fg_color, why);
    }
    ui.horizontal(|ui| {
        for (label, lifetime) in LONG_LIFETIMES {
            if ui
                .add(
                    egui::Button::new(*label)
                        .selected(state.share.long_lifetime == Some(*lifetime)),
                )
                .clicked()
            {
                state.pick_long_lifetime(*lifetime);
            }
        }
    });
}
