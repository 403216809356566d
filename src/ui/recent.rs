//! "Recent links": links made here that still work, one row per file, to copy again.

use std::time::SystemTime;

use crate::intent::Intent;
use crate::s3::{LinkCheck, file_name};
use crate::share::countdown_text;
use crate::state::State;

/// Links shared earlier that still work, to copy again without signing anew.
pub(super) fn history_ui(
    ui: &mut egui::Ui,
    state: &State,
    now: SystemTime,
    intents: &mut Vec<Intent>,
) {
    let recent = state.recent_links(now);
    if recent.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!("Recent links ({})", recent.len()))
        .id_salt("recent links")
        .default_open(false)
        .show(ui, |ui| {
            for entry in recent {
                ui.horizontal(|ui| {
                    let (left, _) = countdown_text(now, entry.effective_expires_at);
                    if ui
                        .small_button("Copy")
                        .on_hover_text(format!("s3://{}/{}", entry.bucket, entry.key))
                        .clicked()
                    {
                        intents.push(Intent::CopyAgain(entry.url.clone()));
                    }
                    if state.copied_last(entry.url.expose()) {
                        ui.label("Copied");
                    }
                    let folder = entry.key.strip_suffix(file_name(&entry.key)).unwrap_or("");
                    // A page of a whole bucket has no file name: it is the top folder's page.
                    let name = match file_name(&entry.key) {
                        "" => "Page of the top folder",
                        name => name,
                    };
                    let text = format!(
                        "{name} in {}/{folder} ({left} left; {})",
                        entry.bucket,
                        check_word(&entry.check)
                    );
                    ui.add(
                        egui::Label::new(crate::share::escape::text(&text).into_owned()).truncate(),
                    );
                });
            }
        });
}

/// The last check of a remembered link, in a word or two.
fn check_word(check: &LinkCheck) -> &'static str {
    match check {
        LinkCheck::Opens | LinkCheck::Probed(_) => "checked",
        LinkCheck::Refused(_) => "check failed",
        LinkCheck::NotChecked(_) | LinkCheck::Skipped => "not checked",
    }
}
