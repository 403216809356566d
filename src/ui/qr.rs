//! A link as a QR code in its own window: large enough to scan from a phone at arm's length,
//! with what it is for and its countdown beside it.

use std::time::SystemTime;

use crate::intent::Intent;
use crate::share::countdown_text;
use crate::state::QrView;

pub fn qr_ui(ctx: &egui::Context, qr: &QrView, now: SystemTime, intents: &mut Vec<Intent>) {
    let mut open = true;
    egui::Window::new("QR code")
        // Below the top bar, never over the profile selector.
        .default_pos([220.0, 70.0])
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(egui::RichText::new(&qr.label).strong());
            let (left, _) = countdown_text(now, qr.ends);
            ui.label(format!("Time left: {left}"));
            match &qr.matrix {
                Ok(matrix) => {
                    const QUIET: usize = 4;
                    let modules = matrix.width + 2 * QUIET;
                    // At least 3 px a module, up to what fits a laptop screen comfortably.
                    let side = (modules as f32 * 4.0).clamp(modules as f32 * 3.0, 560.0);
                    let step = side / modules as f32;
                    let (rect, _) =
                        ui.allocate_exact_size(egui::vec2(side, side), egui::Sense::hover());
                    let painter = ui.painter_at(rect);
                    painter.rect_filled(rect, 0.0, egui::Color32::WHITE);
                    for y in 0..matrix.width {
                        for x in 0..matrix.width {
                            if matrix.is_dark(x, y) {
                                let min = rect.min
                                    + egui::vec2(
                                        (x + QUIET) as f32 * step,
                                        (y + QUIET) as f32 * step,
                                    );
                                painter.rect_filled(
                                    egui::Rect::from_min_size(min, egui::vec2(step, step)),
                                    0.0,
                                    egui::Color32::BLACK,
                                );
                            }
                        }
                    }
                    ui.weak("Point a phone's camera at the code to open the link.");
                }
                Err(too_long) => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("No QR code: {too_long}."),
                    );
                }
            }
            if ui.button("Close").clicked() {
                intents.push(Intent::HideQr);
            }
        });
    if !open {
        intents.push(Intent::HideQr);
    }
}
