//! Lays out the panels, collects the intents they push (and the keyboard's), and hands
//! them to `intents`.

use super::App;
use crate::intent::Intent;

impl App {
    /// Draws the whole window.
    pub(super) fn window_ui(&mut self, ui: &mut egui::Ui) {
        let now = self.now();
        let mut intents = Vec::new();
        // A text field focused as the frame began gets this frame's keys, Enter among them,
        // even though a single-line field gives up its focus on Enter while it is drawn.
        let typing = ui.ctx().egui_wants_keyboard_input();
        let state = &mut self.state;
        crate::ui::profile_bar_ui(ui, state, &mut intents);
        crate::ui::uploads_ui(ui, state, now, &mut intents);
        crate::ui::buckets_ui(ui, state, &mut intents);
        if state.selected_key.is_some() || state.connected() {
            crate::ui::share_panel_ui(ui, state, now, &mut intents);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            crate::ui::objects_ui(ui, state, &mut intents);
        });
        // Esc closes the window on top: the QR code, the profile dialog, then Shared links.
        let on_top = if state.qr.is_some() {
            Some(Intent::HideQr)
        } else if state.cloudfront_form.is_some() {
            Some(Intent::CloseCloudFront)
        } else if state.new_profile.is_some() {
            Some(Intent::CancelAddProfile)
        } else if state.manager.open && state.manager.revoking.confirm.is_some() {
            // Escape answers the open question first ("Revoke now?": no), then closes.
            Some(Intent::CancelRevoke)
        } else if state.manager.open {
            Some(Intent::ToggleManager)
        } else {
            None
        };
        if let Some(close) = on_top
            && (!typing || state.new_profile.is_some() || state.cloudfront_form.is_some())
            && ui
                .ctx()
                .input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            intents.push(close);
        }
        // A window on top (a form, Shared links, a QR code) keeps the keys: Enter or Ctrl+C
        // there never makes a link for the file behind it.
        let window_on_top = state.cloudfront_form.is_some()
            || state.new_profile.is_some()
            || state.manager.open
            || state.qr.is_some()
            || state.pasted_image.is_some();
        keyboard(
            ui.ctx(),
            (typing, window_on_top),
            state.selected_key.is_some(),
            !state.listing.bucket.is_empty(),
            &mut intents,
        );
        paste(ui.ctx(), now, &mut intents);
        if let Some(pasted) = &mut state.pasted_image {
            crate::ui::pasted_image_ui(ui.ctx(), pasted, &mut intents);
        }
        crate::ui::drop_ui(ui.ctx(), state, &mut intents);
        if let Some(form) = &mut state.new_profile {
            crate::ui::add_profile_ui(ui.ctx(), form, &mut intents);
        }
        if let Some(form) = &mut state.cloudfront_form {
            crate::ui::cloudfront::cloudfront_form_ui(ui.ctx(), form, &mut intents);
        }
        if state.manager.open {
            crate::ui::manager_ui(ui.ctx(), state, now, &mut intents);
        }
        if let Some(qr) = &state.qr {
            crate::ui::qr_ui(ui.ctx(), qr, now, &mut intents);
        }
        for intent in intents {
            let effects = self.handle(intent);
            self.carry_out(ui.ctx(), effects);
        }
        if let Some(after) = self.state.repaint_after() {
            ui.ctx().request_repaint_after(after);
        }
        if let Some(created) = self.first_frame_marker.take() {
            let in_app = created.elapsed().as_millis();
            eprintln!("s3share: first frame ({in_app} ms after the app was created)");
        }
    }
}

/// Arrows, Page Up/Down, Home/End move through the listing, Enter opens or copies, letters
/// jump to a name, Ctrl/Cmd+F focuses the filter, Esc empties it.
fn file_manager_keys(ctx: &egui::Context, filter: egui::Id, intents: &mut Vec<Intent>) {
    use crate::state::CursorMove;
    let keys = [
        (egui::Key::ArrowUp, CursorMove::Up),
        (egui::Key::ArrowDown, CursorMove::Down),
        (egui::Key::PageUp, CursorMove::PageUp),
        (egui::Key::PageDown, CursorMove::PageDown),
        (egui::Key::Home, CursorMove::Home),
        (egui::Key::End, CursorMove::End),
    ];
    for (key, to) in keys {
        if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, key)) {
            intents.push(Intent::MoveCursor(to));
        }
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)) {
        intents.push(Intent::Activate);
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
        ctx.memory_mut(|m| m.request_focus(filter));
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape)) {
        intents.push(Intent::ClearFilter);
        intents.push(Intent::CancelFolderLinks);
    }
    let typed: String = ctx.input(|i| {
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    });
    if !typed.trim().is_empty() {
        intents.push(Intent::TypeAhead {
            text: typed,
            at: std::time::Instant::now(),
        });
    }
}

/// Ctrl/Cmd+V with files on the clipboard uploads them; with an image (a screenshot) it
/// offers to upload it as a PNG. Text goes to a focused text field, as usual.
fn paste(ctx: &egui::Context, now: std::time::SystemTime, intents: &mut Vec<Intent>) {
    if ctx.egui_wants_keyboard_input() {
        return;
    }
    let events = ctx.input(|i| i.events.clone());
    for event in events {
        match event {
            egui::Event::Paste(text) => {
                let files = pasted_files(&text);
                if files.is_empty() {
                    intents.push(Intent::PastedText);
                } else {
                    intents.push(Intent::PasteFiles(files));
                }
            }
            egui::Event::PasteImage(image) => {
                let stamp = chrono::DateTime::<chrono::Local>::from(now)
                    .format("Screenshot %Y-%m-%d at %H.%M.%S.png")
                    .to_string();
                intents.push(Intent::PasteImage { image, name: stamp });
            }
            _ => {}
        }
    }
}

/// The files of a copied file list: `file://` URIs (one a line, as file managers put them
/// on the clipboard) or absolute paths of files that exist. Anything else is text.
fn pasted_files(text: &str) -> Vec<std::path::PathBuf> {
    text.lines()
        .map(str::trim)
        .filter_map(|line| {
            let path = match line.strip_prefix("file://") {
                Some(uri) => std::path::PathBuf::from(
                    percent_encoding::percent_decode_str(uri)
                        .decode_utf8_lossy()
                        .into_owned(),
                ),
                None => std::path::PathBuf::from(line),
            };
            (path.is_absolute() && path.is_file()).then_some(path)
        })
        .collect()
}

/// Ctrl/Cmd+C copies a fresh link of the selected file; Backspace or Alt+Up goes up;
/// Ctrl/Cmd+L opens or closes the shared links; Ctrl/Cmd+A selects every file.
/// `(typing, window_on_top)`: a text field has the keys; a window on top keeps them (only
/// Ctrl+L, Shared links' own shortcut, still works).
fn keyboard(
    ctx: &egui::Context,
    (typing, window_on_top): (bool, bool),
    file_selected: bool,
    folder_open: bool,
    intents: &mut Vec<Intent>,
) {
    let filter = egui::Id::unique(crate::ui::FILTER_ID);
    // Esc in the filter empties it (and leaves the field).
    if ctx.memory(|m| m.has_focus(filter))
        && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
    {
        intents.push(Intent::ClearFilter);
        ctx.memory_mut(|m| m.surrender_focus(filter));
        return;
    }
    if typing || ctx.egui_wants_keyboard_input() {
        return;
    }
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::L)) {
        intents.push(Intent::ToggleManager);
    }
    if window_on_top {
        return;
    }
    // Alt+Up before the arrows: a plain arrow key would otherwise take it.
    if ctx.input_mut(|i| i.consume_key(egui::Modifiers::ALT, egui::Key::ArrowUp)) {
        intents.push(Intent::GoUp);
    }
    if folder_open {
        file_manager_keys(ctx, filter, intents);
    }
    if folder_open && ctx.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::A)) {
        intents.push(Intent::SelectAll);
    }
    let (copy, up) = ctx.input_mut(|i| {
        let copy = i.events.iter().any(|e| matches!(e, egui::Event::Copy))
            || i.consume_key(egui::Modifiers::COMMAND, egui::Key::C);
        let up = i.consume_key(egui::Modifiers::NONE, egui::Key::Backspace);
        (copy, up)
    });
    if copy && file_selected {
        intents.push(Intent::CopyLink);
    }
    if up {
        intents.push(Intent::GoUp);
    }
}
