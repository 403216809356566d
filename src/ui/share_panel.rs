//! The share panel: link lifetime (slider of presets, 7-day button, custom field), the
//! effective end and why, the download filename, Copy link with its countdown, and the
//! upload ("send me a file") link.

use std::time::SystemTime;

use crate::intent::Intent;
use crate::s3::{LinkCheck, file_name};
use crate::share::{
    EXPIRY_PRESETS, Expiry, cut_short_sentence, format_duration, format_local_time, time_left_text,
};
use crate::state::State;
use crate::ui::share_options::{folder_page_ui, page_status_ui, revocable_choice_ui, revocable_ui};

pub fn share_panel_ui(
    ui: &mut egui::Ui,
    state: &mut State,
    now: SystemTime,
    intents: &mut Vec<Intent>,
) {
    // A newly chosen file is shown from the top of the panel (its name, its lifetime).
    let shown_id = egui::Id::unique("share panel shows");
    let shown = ui
        .data(|d| d.get_temp::<Option<String>>(shown_id))
        .flatten();
    let to_top = shown != state.selected_key;
    ui.data_mut(|d| d.insert_temp(shown_id, state.selected_key.clone()));
    egui::Panel::right("share")
        .resizable(true)
        // A share of the window at first (the list keeps the rest), then as resized.
        .default_size((ui.available_width() * 0.28).clamp(300.0, 520.0))
        .size_range(240.0..=600.0)
        .show(ui, |ui| {
            let mut scroll = egui::ScrollArea::vertical().id_salt("share scroll");
            if to_top {
                scroll = scroll.vertical_scroll_offset(0.0);
            }
            scroll.show(ui, |ui| {
                share_ui(ui, state, now, intents);
                ui.add_space(12.0);
                ui.separator();
                crate::ui::receive::upload_link_ui(ui, state, intents);
                ui.add_space(8.0);
                crate::ui::requests::requests_ui(ui, state, now, intents);
                ui.add_space(12.0);
                crate::ui::recent::history_ui(ui, state, now, intents);
            });
        });
}

/// The selected file: lifetime, the real end, download filename, Copy link, countdown.
fn share_ui(ui: &mut egui::Ui, state: &mut State, now: SystemTime, intents: &mut Vec<Intent>) {
    ui.heading("Share");
    let Some(key) = state.selected_key.clone() else {
        ui.weak("Select a file to share it (Ctrl+click or Shift+click for several).");
        ui.add_space(8.0);
        // The lifetime folder links and request pages get, in sight even with no file.
        lifetime_ui(ui, state, now, false);
        ui.horizontal(|ui| {
            revocable_choice_ui(ui, state);
            folder_page_ui(ui, state, intents);
        });
        page_status_ui(ui, state, now);
        crate::ui::many::many_ui(ui, state, intents);
        return;
    };
    let several = state.selection.len() > 1;
    if several {
        ui.label(
            egui::RichText::new(format!("{} files selected", state.selection.len()))
                .size(17.0)
                .strong(),
        );
    } else {
        // The file is the biggest thing in the panel; its address below, small.
        let shown = crate::share::escape::text(file_name(&key)).into_owned();
        ui.add(egui::Label::new(egui::RichText::new(shown).size(17.0).strong()).wrap());
        let uri = format!("s3://{}/{key}", state.listing.bucket);
        let shown_uri = crate::share::escape::text(&uri).into_owned();
        ui.add(egui::Label::new(egui::RichText::new(shown_uri).weak()).wrap());
        if state.copied_last(&uri) {
            ui.label(egui::RichText::new(
                "s3:// URI copied (an address, not a link: it gives no access)",
            ));
        }
    }
    ui.add_space(8.0);

    let lifetime_problem = lifetime_ui(ui, state, now, !several);
    revocable_ui(ui, state, &key, several, intents);
    page_status_ui(ui, state, now);
    ui.add_space(8.0);

    if several {
        crate::ui::many::many_ui(ui, state, intents);
        return;
    }
    // Download filename.
    ui.checkbox(&mut state.share.filename_enabled, "Set download filename");
    if state.share.filename_enabled {
        let label = ui.label("Download filename");
        ui.add(egui::TextEdit::singleline(&mut state.share.filename).desired_width(f32::INFINITY))
            .labelled_by(label.id);
        if let Err(message) = state.share.download_filename() {
            ui.colored_label(ui.visuals().error_fg_color, message.to_string());
        }
    }
    ui.add_space(8.0);

    ui.horizontal(|ui| {
        let enabled = !state.sharing()
            && state.share.download_filename().is_ok()
            && lifetime_problem.is_none();
        // The primary action: filled with the accent colour, bigger than the rest.
        let primary = egui::Button::new(
            egui::RichText::new("Copy link")
                .strong()
                .size(15.0)
                .color(ui.visuals().strong_text_color()),
        )
        .fill(ui.visuals().selection.bg_fill)
        .min_size(egui::vec2(110.0, 28.0));
        if ui
            .add_enabled(enabled, primary)
            .on_hover_text("Make a fresh link and copy it (Ctrl+C)")
            .clicked()
        {
            intents.push(Intent::CopyLink);
        }
        // A passphrase that would be refused (the field says why) shares nothing.
        let passphrase_ok = state.share.encryption().is_ok();
        if ui
            .add_enabled(enabled && passphrase_ok, egui::Button::new("Share encrypted"))
            .on_hover_text("Encrypt a copy of this file here and share that: the bucket's operator and anyone without the whole link see only ciphertext; the link opens a page that decrypts in your colleague's browser. Revoke in Shared links deletes the copy.")
            .clicked()
        {
            intents.push(Intent::ShareEncrypted);
        }
        crate::ui::passphrase::passphrase_toggle(ui, state);
        if state.sharing() {
            ui.spinner();
        }
    });
    if state.share.passphrase_shown {
        crate::ui::passphrase::passphrase_ui(ui, state);
    }
    let encrypting = matches!(
        state.share_status,
        crate::state::ShareStatus::Signing {
            encrypting: true,
            ..
        }
    );
    if let (true, Some((done, total))) = (encrypting, state.share_status.copy_progress()) {
        ui.label(format!(
            "Encrypting and storing: {} of {}",
            crate::share::human_size(done),
            crate::share::human_size(total)
        ));
        if total > 0 {
            ui.add(egui::ProgressBar::new(done as f32 / total as f32).show_percentage());
        }
    } else if let Some((done, total)) = state.share_status.copy_progress() {
        if done == 0 {
            // One CopyObject (up to 5 GiB) says nothing until it is done.
            ui.label(format!(
                "Copying {} on the server for the revocable link…",
                crate::share::human_size(total)
            ));
        } else if done < total {
            ui.label(format!(
                "Copying for the revocable link: {} of {}",
                crate::share::human_size(done),
                crate::share::human_size(total)
            ));
            ui.add(egui::ProgressBar::new(done as f32 / total as f32).show_percentage());
        }
    }
    if let Some(error) = state.share_error()
        && crate::ui::error_ui(ui, error, error.is_retryable())
    {
        intents.push(Intent::CopyLink);
    }
    if let Some(link) = state.link() {
        let (text, last_minute) = time_left_text(now, link.effective_expires_at);
        // This link's own end (a menu's lifetime may differ from the panel's above); once
        // passed, said as past.
        ui.label(format!(
            "This {}link {} {}",
            if state.link.as_ref().is_some_and(|shown| shown.encrypted) {
                "encrypted "
            } else if link.copy.is_some() {
                "revocable "
            } else {
                ""
            },
            if link.effective_expires_at <= now {
                "ended at"
            } else {
                "works until"
            },
            crate::share::format_local_time_seconds(link.effective_expires_at)
        ));
        ui.horizontal(|ui| {
            if state.link_copied() {
                ui.label("Copied");
            }
            if last_minute {
                ui.colored_label(ui.visuals().error_fg_color, text);
            } else {
                ui.label(text);
            }
        });
        // The signature stays off the screen (screenshots, screen sharing).
        ui.add(
            egui::Label::new(egui::RichText::new(link.url.redacted()).monospace().weak())
                .truncate(),
        );
        // After its end, a link's check says nothing true any more.
        if now < link.effective_expires_at {
            let passphrase = state.link.as_ref().is_some_and(|shown| shown.passphrase);
            check_ui(ui, &link.check, state.link_copied(), passphrase, intents);
        }
        if ui
            .button("Show QR")
            .on_hover_text("Show the link as a QR code, to open it on a phone")
            .clicked()
        {
            intents.push(Intent::ShowQr {
                url: link.url.clone(),
                label: file_name(&link.key).to_owned(),
                ends: link.effective_expires_at,
            });
        }
        for warning in &link.warnings {
            ui.colored_label(ui.visuals().warn_fg_color, warning);
        }
    }
    if state.many.running.is_some() || state.many.summary.is_some() {
        ui.separator();
        crate::ui::many::many_ui(ui, state, intents);
    }
}

/// What trying the link said; a refused link is copied only when the user says so.
/// `passphrase`: the link opens a page whose file decrypts only with the passphrase.
fn check_ui(
    ui: &mut egui::Ui,
    check: &LinkCheck,
    copied: bool,
    passphrase: bool,
    intents: &mut Vec<Intent>,
) {
    match check {
        LinkCheck::Opens if passphrase => {
            ui.label("Checked: the page opens for anyone with the link; the file decrypts only with the passphrase (give it another way).");
        }
        LinkCheck::Opens | LinkCheck::Probed(_) => {
            ui.label(check.describe());
        }
        LinkCheck::NotChecked(_) | LinkCheck::Skipped => {
            ui.colored_label(ui.visuals().warn_fg_color, check.describe());
            // Not copied yet: a CloudFront link nothing could try waits for the user.
            copy_anyway(ui, copied, "it could not be tried from here", intents);
        }
        LinkCheck::Refused(_) => {
            ui.colored_label(ui.visuals().error_fg_color, check.describe());
            copy_anyway(ui, copied, "the server refused it just now", intents);
        }
    }
}

/// "Copy anyway" for a link on screen not copied yet (`why` it was not).
fn copy_anyway(ui: &mut egui::Ui, copied: bool, why: &str, intents: &mut Vec<Intent>) {
    if !copied
        && ui
            .button("Copy anyway")
            .on_hover_text(format!("Copy this link although {why}"))
            .clicked()
    {
        intents.push(Intent::CopyAnyway);
    }
}

/// The lifetime of the next links (the one file, several, a folder's, a request page's):
/// slider, 7 days, custom field, and the end a link made now would have. Returns what is
/// wrong with the custom field, if anything (no link until it is fixed).
/// `one_file`: the lifetime of one file's link, which can go through CloudFront.
fn lifetime_ui(
    ui: &mut egui::Ui,
    state: &mut State,
    now: SystemTime,
    one_file: bool,
) -> Option<crate::share::ExpiryError> {
    let mut index = state.share.preset_index();
    let label = ui.label("Link lifetime");
    ui.horizontal(|ui| {
        let slider = egui::Slider::new(&mut index, 0..=EXPIRY_PRESETS.len() - 1).show_value(false);
        if ui.add(slider).labelled_by(label.id).changed() {
            state.pick_preset(index);
        }
        match state
            .share
            .long_lifetime
            .filter(|_| one_file && state.via_cloudfront())
        {
            Some(long) => ui.label(format!("{} through CloudFront", format_duration(long))),
            None => ui.label(format_duration(state.share.expiry.as_duration())),
        };
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                state.share.expiry != Expiry::MAX || state.share.long_lifetime.is_some(),
                egui::Button::new("7 days (max)"),
            )
            .clicked()
        {
            state.pick_preset(EXPIRY_PRESETS.len() - 1);
        }
        let label = ui.label("Custom");
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut state.share.custom_text)
                    .hint_text("e.g. 90m")
                    .desired_width(90.0),
            )
            .labelled_by(label.id);
        // Applied when the typing is done (Enter or focus elsewhere), never half-typed:
        // "8" on the way to "8d" must not arm an 8-second link. A value that cannot be read
        // keeps the keyboard, so what is typed next does not land in the file list.
        if response.lost_focus() {
            state.custom_lifetime_done();
            if state.share.custom_error.is_some() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                response.request_focus();
            }
        }
    });
    // The field read once a frame: what is wrong with it, or whether it is in use.
    let mut lifetime_problem = None;
    match state.share.custom_typed() {
        Some(Err(problem)) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                format!("Custom lifetime: {problem}. No link until it is fixed."),
            );
            lifetime_problem = Some(problem);
        }
        Some(Ok(typed)) => {
            ui.weak(if typed == state.share.lifetime_in_use() {
                "The custom lifetime is in use."
            } else {
                "Press Enter to use this lifetime."
            });
        }
        // The same line stays when nothing needs saying, so nothing below moves as you type.
        None => {
            ui.weak("Custom: a lifetime such as 90m, 2h30m or 3 days.");
        }
    }

    // The truth about the end (through CloudFront: the policy's own, no session cuts it).
    if one_file {
        crate::ui::cloudfront::cloudfront_choice_ui(ui, state);
    }
    let cloudfront = one_file && state.via_cloudfront();
    let (end, cut_short) = if cloudfront {
        (state.cloudfront_end(now), false)
    } else {
        state.preview_end(now)
    };
    // Under an hour the minute alone is too coarse to tell when it ends.
    let until = if end.duration_since(now).unwrap_or_default().as_secs() < 3600 {
        crate::share::format_local_time_seconds(end)
    } else {
        format_local_time(end)
    };
    // Two short lines of fixed height, readable at the narrowest panel: the end, then how
    // long that is. The Copy link button below never moves as the text changes. While the
    // custom field cannot be read no link is made, and no end is promised.
    if lifetime_problem.is_some() {
        ui.label(
            egui::RichText::new("No link until the lifetime is fixed")
                .size(15.0)
                .strong(),
        );
        ui.weak("(the custom lifetime above cannot be read)");
        return lifetime_problem;
    }
    ui.label(
        egui::RichText::new(if cloudfront {
            format!("A new link through CloudFront works until {until}")
        } else {
            format!("A new link works until {until}")
        })
        .size(15.0)
        .strong(),
    );
    let span = crate::share::format_duration(std::time::Duration::from_secs(
        end.duration_since(now).unwrap_or_default().as_secs(),
    ));
    ui.weak(if cloudfront {
        format!("that is {span} from now, unless its key leaves the key group")
    } else {
        format!("that is {span} from now")
    });
    if cut_short {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            cut_short_sentence("The credentials that sign it", end, state.share.expiry),
        );
    }
    lifetime_problem
}
