//! "Request files": the form for a page anyone can use to send files into the open bucket,
//! and the requests made in this session with their countdown, files received and Close.

use std::time::SystemTime;

use crate::intent::Intent;
use crate::s3::LinkCheck;
use crate::share::{countdown_text, format_local_time};
use crate::state::State;

pub fn requests_ui(
    ui: &mut egui::Ui,
    state: &mut State,
    now: SystemTime,
    intents: &mut Vec<Intent>,
) {
    if state.listing.bucket.is_empty() {
        return;
    }
    egui::CollapsingHeader::new("Request files")
        .default_open(!state.requests.is_empty())
        .show(ui, |ui| {
            form_ui(ui, state, intents);
            for row in &state.requests {
                ui.separator();
                let request = &row.request;
                ui.label(egui::RichText::new(&request.title).strong());
                ui.weak(format!(
                    "Files go to s3://{}/{}",
                    request.bucket, request.folder
                ));
                if row.closed {
                    ui.label(format!(
                        "Closed: the page is deleted, its link no longer opens. A sender who still has it open can send files until {} (the upload permission cannot be withdrawn before then).",
                        format_local_time(request.effective_expires_at)
                    ));
                    continue;
                }
                let (left, last_minute) = countdown_text(now, request.effective_expires_at);
                let text = format!(
                    "Page works until {} ({left})",
                    format_local_time(request.effective_expires_at)
                );
                if last_minute {
                    ui.colored_label(ui.visuals().error_fg_color, text);
                } else {
                    ui.label(text);
                }
                match &request.check {
                    LinkCheck::Opens => {
                        ui.label("Page link copied. Checked: it opens for anyone with the link.");
                    }
                    other => {
                        ui.colored_label(ui.visuals().warn_fg_color, other.describe());
                    }
                }
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Copy page link").clicked() {
                        intents.push(Intent::CopyAgain(request.url.clone()));
                    }
                    if state.copied_last(request.url.expose()) {
                        ui.label("Copied");
                    }
                    let received = match row.received {
                        Some(n) => format!("Files received: {n}"),
                        None => "Files received: ?".to_owned(),
                    };
                    ui.label(received);
                    if ui.button("Count again").clicked() {
                        intents.push(Intent::RefreshReceived(request.id.clone()));
                    }
                    if !row.confirm_close
                        && ui
                            .button("Close request")
                            .on_hover_text(
                                "Delete the page: its link stops opening at once. A sender who already has the page open can still send until its end; received files stay.",
                            )
                            .clicked()
                    {
                        intents.push(Intent::CloseRequest(request.id.clone()));
                    }
                });
                if row.confirm_close {
                    // Closing cannot be undone: say what stops, then ask once more.
                    ui.colored_label(
                        ui.visuals().warn_fg_color,
                        "The page stops opening at once and cannot be opened again (a new request makes a new page). Senders who have it open can still send until its end.",
                    );
                    ui.horizontal(|ui| {
                        if ui.button("Close the page").clicked() {
                            intents.push(Intent::ConfirmCloseRequest(request.id.clone()));
                        }
                        if ui.button("Keep it open").clicked() {
                            intents.push(Intent::KeepRequest(request.id.clone()));
                        }
                    });
                }
                for warning in &request.warnings {
                    ui.colored_label(ui.visuals().warn_fg_color, warning);
                }
                if let Some(error) = &row.error {
                    crate::ui::error_ui(ui, error, false);
                }
            }
        });
}

fn form_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    ui.weak(format!(
        "A page anyone can open in a browser to send you files into this bucket. It works for the link lifetime chosen under Share ({}).",
        crate::share::format_duration(state.share.expiry.as_duration())
    ));
    let form = &mut state.request_form;
    let label = ui.label("Request title");
    ui.add(
        egui::TextEdit::singleline(&mut form.title)
            .hint_text("Scans for the audit")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let label = ui.label("Message for the sender");
    ui.add(
        egui::TextEdit::multiline(&mut form.message)
            .desired_rows(2)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    let label = ui.label("Folder for the files");
    ui.add(
        egui::TextEdit::singleline(&mut form.folder)
            .hint_text("incoming/<date> <title>/")
            .desired_width(f32::INFINITY),
    )
    .labelled_by(label.id);
    ui.horizontal(|ui| {
        let label = ui.label("Largest file");
        ui.add(egui::TextEdit::singleline(&mut form.max_size).desired_width(60.0))
            .labelled_by(label.id);
        let label = ui.label("Types");
        ui.add(
            egui::TextEdit::singleline(&mut form.types)
                .hint_text("any; or pdf, images")
                .desired_width(110.0),
        )
        .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let enabled = !form.making && !form.title.trim().is_empty();
        if ui
            .add_enabled(enabled, egui::Button::new("Make request page"))
            .clicked()
        {
            intents.push(Intent::MakeFileRequest);
        }
        if form.making {
            ui.spinner();
        }
    });
    if let Some(error) = &form.error {
        crate::ui::error_ui(ui, error, false);
    }
}
