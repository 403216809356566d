//! The passphrase of encrypted shares: one field for the share panel and the uploads bar.

use crate::state::State;

/// "Passphrase…": opens the passphrase field of encrypted shares (one for the share panel
/// and the uploads bar); closing it forgets the passphrase, so what is not shown is never
/// used. A passphrase typed keeps the field open (it cannot vanish while being edited).
pub(super) fn passphrase_toggle(ui: &mut egui::Ui, state: &mut State) {
    if !state.share.passphrase.0.is_empty() {
        state.share.passphrase_shown = true;
    }
    let hover = if state.share.passphrase_shown {
        "Encrypted shares are opened with the passphrase below. Click to close the field and forget it: the key then travels in the link."
    } else {
        "Encrypted shares carry their key in the link (after #). Click to protect them with a passphrase instead."
    };
    if ui
        .toggle_value(&mut state.share.passphrase_shown, "Passphrase…")
        .on_hover_text(hover)
        .changed()
        && !state.share.passphrase_shown
    {
        state.share.passphrase = Default::default();
    }
}

/// The passphrase of encrypted shares (optional), masked; what is wrong with it, at once.
pub(super) fn passphrase_ui(ui: &mut egui::Ui, state: &mut State) {
    ui.horizontal(|ui| {
        let label = ui.label("Passphrase (optional):");
        ui.add(
            egui::TextEdit::singleline(&mut state.share.passphrase.0)
                .password(true)
                .desired_width(150.0)
                .hint_text("none: key in the link"),
        )
        .labelled_by(label.id)
        .on_hover_text("For encrypted shares. Empty: the key travels in the link after #, so whoever has the whole link can open it. With a passphrase (8 characters or more) the link alone opens nothing: tell your colleague the passphrase another way.");
    });
    if !state.share.passphrase.0.is_empty()
        && let Err(error) = state.share.encryption()
    {
        ui.colored_label(ui.visuals().error_fg_color, error.message);
    }
    ui.weak("For Share encrypted and Encrypt uploads only: Copy link makes a plain link.");
}
