//! The selected bucket's folder: breadcrumbs, filter, sortable columns, and only the
//! visible rows laid out, so long listings scroll smoothly while pages arrive.

use crate::intent::Intent;
use crate::s3::file_name;
use crate::state::{SortColumn, State};
use crate::ui::format::{human_size, local_time};

const SIZE_WIDTH: f32 = 90.0;
const MODIFIED_WIDTH: f32 = 130.0;

enum Row<'a> {
    Folder(&'a str),
    Object(usize),
}

pub fn objects_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    if state.listing.bucket.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.weak(if state.connected() {
                "Choose a bucket on the left."
            } else {
                "Sign in with a profile, or try the demo bucket."
            });
        });
        return;
    }
    let bucket = state.listing.bucket.clone();
    let prefix = state.listing.prefix.clone();
    let mut open: Option<String> = None;

    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(!prefix.is_empty(), egui::Button::new("Up"))
            .on_hover_text("Parent folder (Backspace or Alt+Up)")
            .clicked()
        {
            open = state.parent_prefix();
        }
        if ui.button("Refresh").clicked() {
            open = Some(prefix.clone());
        }
        let files = state.listing.objects.len();
        let folder_links = match state.many.confirm_folder {
            Some(n) => format!("Copy {n} links (confirm)"),
            None => "Copy links for this folder".to_owned(),
        };
        if ui
            .add_enabled(
                files > 0 && state.many.running.is_none(),
                egui::Button::new(folder_links),
            )
            .on_hover_text(
                "A link for every file in this folder (not in its sub-folders), one per line",
            )
            .clicked()
        {
            intents.push(Intent::CopyFolderLinks { all_levels: false });
        }
        let deep_links = match state.many.confirm_deep {
            Some(n) => format!("Copy {n} links, sub-folders included (confirm)"),
            None => "...with sub-folders".to_owned(),
        };
        if ui
            .add_enabled(state.many.running.is_none(), egui::Button::new(deep_links))
            .on_hover_text("A link for every file in this folder and all its sub-folders")
            .clicked()
        {
            intents.push(Intent::CopyFolderLinks { all_levels: true });
        }
        ui.separator();
        if ui.link(&bucket).clicked() {
            open = Some(String::new());
        }
        let mut so_far = String::new();
        for segment in prefix.split_terminator('/') {
            so_far.push_str(segment);
            so_far.push('/');
            ui.label("/");
            if ui.link(segment).clicked() {
                open = Some(so_far.clone());
            }
        }
    });

    ui.horizontal(|ui| {
        let label = ui.label("Filter objects");
        ui.add(egui::TextEdit::singleline(&mut state.object_filter).hint_text("name contains"))
            .labelled_by(label.id);
        let count = state.listing.objects.len() + state.listing.folders.len();
        let filtering = !state.object_filter.trim().is_empty();
        if state.listing.loading {
            ui.spinner();
            ui.label(format!("{} so far, loading…", items(count)));
        } else if filtering {
            let shown = state.visible_folders().len() + state.visible_objects().len();
            ui.weak(format!("{shown} of {}", items(count)));
        } else {
            ui.weak(items(count));
        }
    });

    if let Some(error) = state.listing.error.clone()
        && crate::ui::error_ui(ui, &error, true)
    {
        open = Some(prefix.clone());
    }

    ui.separator();
    ui.horizontal(|ui| {
        let name_width = (ui.available_width() - SIZE_WIDTH - MODIFIED_WIDTH - 16.0).max(120.0);
        for (column, title, width) in [
            (SortColumn::Name, "Name", name_width),
            (SortColumn::Size, "Size", SIZE_WIDTH),
            (SortColumn::Modified, "Modified", MODIFIED_WIDTH),
        ] {
            let arrow = match (state.sort == column, state.sort_descending) {
                (true, false) => " ^",
                (true, true) => " v",
                (false, _) => "",
            };
            let button = egui::Button::new(format!("{title}{arrow}"))
                .frame(false)
                .min_size(egui::vec2(width, 18.0));
            if ui
                .add(button)
                .on_hover_text(format!("Sort by {}", title.to_lowercase()))
                .clicked()
            {
                intents.push(Intent::SortBy(column));
            }
        }
    });
    ui.separator();

    let objects = state.visible_object_rows().to_vec();
    let folders = state.visible_folders();
    let rows: Vec<Row<'_>> = folders
        .into_iter()
        .map(Row::Folder)
        .chain(objects.into_iter().map(Row::Object))
        .collect();
    let row_height = ui.spacing().interact_size.y;
    let mut select: Option<(String, egui::Modifiers)> = None;
    let selection = &state.selection;
    let listing = &state.listing;
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show_rows(ui, row_height, rows.len(), |ui, range| {
            let name_width = (ui.available_width() - SIZE_WIDTH - MODIFIED_WIDTH - 16.0).max(120.0);
            for row in &rows[range] {
                ui.horizontal(|ui| match row {
                    Row::Folder(folder) => {
                        let text = format!("{}/", file_name(folder));
                        let response = ui.add_sized(
                            [name_width, row_height],
                            egui::Button::selectable(false, text),
                        );
                        if response.clicked() {
                            open = Some((*folder).to_owned());
                        }
                    }
                    Row::Object(index) => {
                        let object = &listing.objects[*index];
                        let selected = selection.contains(&object.key);
                        let response = ui.add(
                            egui::Button::selectable(selected, object.file_name())
                                .right_text(egui::Atom::grow())
                                .truncate()
                                .min_size(egui::vec2(name_width, row_height)),
                        );
                        if response.clicked() {
                            let modifiers = ui.input(|i| i.modifiers);
                            select = Some((object.key.clone(), modifiers));
                        }
                        ui.add_sized(
                            [SIZE_WIDTH, row_height],
                            egui::Label::new(human_size(object.size)),
                        );
                        ui.add_sized(
                            [MODIFIED_WIDTH, row_height],
                            egui::Label::new(local_time(object.last_modified)),
                        );
                    }
                });
            }
        });
    if let Some((key, modifiers)) = select {
        intents.push(if modifiers.shift {
            Intent::SelectMore { key, range: true }
        } else if modifiers.command {
            Intent::SelectMore { key, range: false }
        } else {
            Intent::SelectObject(key)
        });
    }
    if let Some(prefix) = open {
        intents.push(Intent::OpenFolder { bucket, prefix });
    }
}

/// "1 item", "2 items".
fn items(n: usize) -> String {
    if n == 1 {
        "1 item".to_owned()
    } else {
        format!("{n} items")
    }
}
