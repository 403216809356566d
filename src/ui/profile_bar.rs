//! The top bar: profile picker, region picker when the profile has none, sign-in status,
//! the demo button and the About line.

use crate::intent::Intent;
use crate::s3::ErrorKind;
use crate::state::{Connection, State};

/// Regions offered when a profile names none.
const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
];

pub fn profile_bar_ui(ui: &mut egui::Ui, state: &State, intents: &mut Vec<Intent>) {
    egui::Panel::top("profile_bar").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let demo = state.demo();
            let current = if demo {
                state
                    .signed_in()
                    .map(|s| s.profile.name.clone())
                    .unwrap_or_default()
            } else if state.profiles_loaded && state.profiles.is_empty() {
                "No profiles".to_owned()
            } else {
                state
                    .selected_profile
                    .clone()
                    .unwrap_or_else(|| "default".to_owned())
            };
            let label = ui.label("Profile");
            let mut chosen = None;
            let combo = egui::ComboBox::from_id_salt("profile")
                .selected_text(&current)
                .show_ui(ui, |ui| {
                    for profile in &state.profiles {
                        if ui
                            .selectable_label(profile.name == current, &profile.name)
                            .clicked()
                        {
                            chosen = Some(profile.name.clone());
                        }
                    }
                    if state.profiles.is_empty() {
                        ui.weak("No profiles on this computer");
                    }
                    ui.separator();
                    if ui.button("Add a profile…").clicked() {
                        intents.push(Intent::AddProfile);
                    }
                })
                .response
                .labelled_by(label.id);
            // Profiles added to ~/.aws while the window runs appear when the list opens.
            if combo.clicked() {
                intents.push(Intent::RefreshProfiles);
            }
            if let Some(name) = chosen {
                intents.push(Intent::Connect {
                    profile: Some(name),
                    region: None,
                });
            }

            if let Some(signed_in) = state.signed_in()
                && !signed_in.region_from_profile
                && !signed_in.demo
            {
                let (region, profile) = (signed_in.region.clone(), signed_in.profile.name.clone());
                let label = ui.label("Region");
                let mut chosen_region = None;
                egui::ComboBox::from_id_salt("region")
                    .selected_text(&region)
                    .show_ui(ui, |ui| {
                        for r in REGIONS {
                            if ui.selectable_label(*r == region, *r).clicked() {
                                chosen_region = Some((*r).to_owned());
                            }
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if let Some(r) = chosen_region {
                    intents.push(Intent::Connect {
                        profile: Some(profile),
                        region: Some(r),
                    });
                }
            }

            match &state.connection {
                Connection::Connecting => {
                    ui.spinner();
                    ui.label("Signing in…");
                }
                Connection::Connected(_)
                    if state
                        .buckets
                        .error()
                        .is_some_and(|e| e.kind == ErrorKind::CredentialsRejected) =>
                {
                    // The status says what is known: keys the server refuses are not "signed in".
                    ui.colored_label(ui.visuals().error_fg_color, "Keys rejected by the server");
                }
                Connection::Connected(_)
                    if state.buckets.error().is_some_and(|e| {
                        matches!(e.kind, ErrorKind::Network | ErrorKind::NoAnswer)
                    }) =>
                {
                    // Nothing is known of the keys until the server answers.
                    ui.colored_label(ui.visuals().warn_fg_color, "Server not reached");
                }
                Connection::Connected(signed_in) => {
                    let mut text = if signed_in.demo {
                        "Demo bucket on this computer".to_owned()
                    } else {
                        format!(
                            "Signed in with {} ({})",
                            signed_in.profile.kind.describe(),
                            signed_in.region
                        )
                    };
                    if let Some(end) = &signed_in.credentials_expire_at {
                        text.push_str(&format!(
                            "; session ends {}",
                            crate::share::format_local_time(*end)
                        ));
                    }
                    ui.weak(text);
                }
                Connection::Failed(_) => {}
            }
            let shared = ui
                .button(format!("Shared links ({})", state.history.entries.len()))
                .on_hover_text("Every link made on this computer (Ctrl+L)");
            if shared.clicked() {
                intents.push(Intent::ToggleManager);
            }
            if !demo && ui.button("Try the demo bucket").clicked() {
                intents.push(Intent::StartDemo);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.weak(format!("S3 Share {}", env!("CARGO_PKG_VERSION")));
            });
        });
        if let Connection::Failed(error) = &state.connection {
            let no_profiles = state.profiles_loaded && state.profiles.is_empty();
            if error.kind == ErrorKind::NoCredentials && no_profiles {
                ui.colored_label(
                    ui.visuals().warn_fg_color,
                    "No AWS profile is set up on this computer: add one with your keys, or run `aws configure` (or `aws configure sso`) and Retry, or try the demo bucket.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Add a profile…").clicked() {
                        intents.push(Intent::AddProfile);
                    }
                    if ui.button("Retry").clicked() {
                        intents.push(Intent::RetrySignIn);
                    }
                });
            } else {
                // Signing in again also helps once credentials have been added.
                let retry = error.kind == ErrorKind::NoCredentials || error.kind.is_retryable();
                if crate::ui::error_ui(ui, error, retry) {
                    intents.push(Intent::RetrySignIn);
                }
            }
        }
        ui.add_space(2.0);
    });
}
