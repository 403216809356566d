//! The share panel's choices for links that outlive the usual: "Revocable" (a copy per link,
//! with its cost) and "Share as one page" (the open folder or the selection as one page of
//! links, its status and countdown).

use std::time::SystemTime;

use crate::intent::Intent;
use crate::share::{format_duration, format_local_time};
use crate::state::State;

/// "Revocable" beside the lifetime: what it does, and what it costs for the file chosen.
pub(super) fn revocable_ui(
    ui: &mut egui::Ui,
    state: &mut State,
    key: &str,
    several: bool,
    intents: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        if ui
            .checkbox(&mut state.share.revocable, "Revocable")
            .on_hover_text("The link points at a copy made for it alone (under .s3share/links/). Revoke in Shared links stops it at once, without touching the file or other links.")
            .changed()
        {
            state.forget_refusal();
        }
        if !several {
            // The open folder as one page, in reach with a file chosen too.
            folder_page_ui(ui, state, intents);
        }
    });
    if !state.share.revocable {
        return;
    }
    // Through CloudFront a link (and so its copy) may last longer than the slider's 7 days.
    let kept = if state.via_cloudfront() && !several {
        state.cloudfront_lifetime()
    } else {
        state.share.expiry.as_duration()
    };
    let rows = &state.listing.objects;
    let size_of = |key: &str| rows.position(key).map_or(0, |i| rows.size(i));
    let size: u64 = if several {
        state.selection.iter().map(|k| size_of(k)).sum()
    } else {
        size_of(key)
    };
    let text = if several {
        format!(
            "Each link points at a copy of its file: {} of copies kept for {} (until the links end).",
            crate::share::human_size(size),
            format_duration(kept)
        )
    } else {
        format!(
            "The link points at a copy: it {}.",
            crate::ops::copy_cost(size, kept)
        )
    };
    ui.add(egui::Label::new(egui::RichText::new(text).weak()).wrap());
}

/// With no file chosen: the Revocable choice still applies to folder links and pages.
pub(super) fn revocable_choice_ui(ui: &mut egui::Ui, state: &mut State) {
    ui.checkbox(&mut state.share.revocable, "Revocable")
        .on_hover_text("Links point at copies made for each (under .s3share/links/), so each can be revoked in Shared links. Folder links and pages then copy every file they link to; the copies are stored until the links end.");
}

/// The page of links being made, made last (its link copied, counting down), or refused.
pub(super) fn page_status_ui(ui: &mut egui::Ui, state: &State, now: SystemTime) {
    if let Some(error) = &state.pages.error {
        crate::ui::error_ui(ui, error, false);
    }
    if let Some(page) = &state.pages.made {
        let (left, _) = crate::share::time_left_text(now, page.link.effective_expires_at);
        let title = crate::share::escape::text(&page.title).into_owned();
        ui.label(format!(
            "Page link copied: \"{title}\", {}; it and every link on it work until {}.",
            files_text(page.files),
            format_local_time(page.link.effective_expires_at)
        ));
        ui.label(left);
    }
}

/// "Share as one page" for the open folder (a menu: its files, or everything below it): one
/// link to a page listing each file with its own link; asks again above 100 files.
pub(super) fn folder_page_ui(ui: &mut egui::Ui, state: &State, intents: &mut Vec<Intent>) {
    use crate::state::PageOf;
    if state.listing.bucket.is_empty() {
        return;
    }
    let each = crate::share::format_duration(state.share.expiry.as_duration());
    let idle = !state.pages.running && state.many.running.is_none();
    let label = match state.pages.confirm {
        Some((PageOf::Folder | PageOf::FolderAndSubFolders, n)) => {
            format!("Confirm: page of {n} files")
        }
        _ => "Share as one page".to_owned(),
    };
    let hover = match state.pages.confirm {
        Some((PageOf::Folder, n)) => format!(
            "{n} files, each link {each}: choose This folder's files again to make the page"
        ),
        Some((PageOf::FolderAndSubFolders, n)) => format!(
            "{n} files below this folder, each link {each}: choose With sub-folders again to make the page"
        ),
        _ => "One link to a page that lists the folder's files, each with its own link".to_owned(),
    };
    let files = state.listing.objects.len();
    ui.add_enabled_ui(idle, |ui| {
        ui.menu_button(label, |ui| {
            ui.label(&hover);
            if ui
                .add_enabled(files > 0, egui::Button::new("This folder's files"))
                .on_hover_text(
                    "One link to a page listing every file of this folder, each with its own link",
                )
                .clicked()
            {
                intents.push(Intent::SharePage(PageOf::Folder));
            }
            if ui
                .button("With sub-folders")
                .on_hover_text("One link to a page listing every file below this folder")
                .clicked()
            {
                intents.push(Intent::SharePage(PageOf::FolderAndSubFolders));
            }
        });
    });
    if state.pages.running {
        ui.spinner();
    }
}

/// "1 file", "5 files".
fn files_text(n: usize) -> String {
    if n == 1 {
        "1 file".to_owned()
    } else {
        format!("{n} files")
    }
}
