//! The selected bucket's folder: breadcrumbs, filter, sortable columns, and only the
//! visible rows laid out, so long listings scroll smoothly while pages arrive.

use crate::intent::Intent;
use crate::s3::file_name;
use crate::state::{SortColumn, State};
use crate::ui::format::{human_size, local_time};
use crate::ui::rows::{Columns, Kind, draw_icon, elide_middle, file_menu, folder_menu, sort_arrow};

/// The filter field's id, so Ctrl+F can focus it.
pub const FILTER_ID: &str = "object_filter";

enum Row<'a> {
    Folder(&'a str),
    Object(usize),
}

pub fn objects_ui(ui: &mut egui::Ui, state: &mut State, intents: &mut Vec<Intent>) {
    // The bucket list's error is said here, where there is room for the sentence.
    if let Some(error) = state.buckets.error()
        && crate::ui::error_ui(ui, error, true)
    {
        intents.push(Intent::RefreshBuckets);
    }
    if state.listing.bucket.is_empty() {
        ui.centered_and_justified(|ui| {
            ui.weak(if state.buckets.error().is_some() {
                "No bucket list: see the message above, then Retry."
            } else if state.connected() {
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
        let each = crate::share::format_duration(state.share.expiry.as_duration());
        // "120 links" or "120 revocable links (a copy of each file)": what the click makes.
        let links = |n: usize| {
            if state.share.revocable {
                format!("{n} revocable links (a copy of each file)")
            } else {
                format!("{n} links")
            }
        };
        let folder_links = match state.many.confirm_folder {
            Some(n) => format!("Copy {}, {each} each (confirm)", links(n)),
            None => "Copy links for this folder".to_owned(),
        };
        // The second (or third) click of a double-click is never a choice: it would confirm
        // the question the first click just asked (or make every link again).
        let chosen = |response: egui::Response| {
            response.clicked() && !response.double_clicked() && !response.triple_clicked()
        };
        if chosen(
            ui.add_enabled(
                files > 0 && state.many.running.is_none(),
                egui::Button::new(folder_links),
            )
            .on_hover_text(
                "A link for every file in this folder (not in its sub-folders), one per line",
            ),
        ) {
            intents.push(Intent::CopyFolderLinks { all_levels: false });
        }
        let deep_links = match state.many.confirm_deep {
            Some(n) => format!(
                "Copy {}, sub-folders included, {each} each (confirm)",
                links(n)
            ),
            None => "Copy links with sub-folders".to_owned(),
        };
        if chosen(
            ui.add_enabled(state.many.running.is_none(), egui::Button::new(deep_links))
                .on_hover_text("A link for every file in this folder and all its sub-folders"),
        ) {
            intents.push(Intent::CopyFolderLinks { all_levels: true });
        }
        if (state.many.confirm_folder.is_some() || state.many.confirm_deep.is_some())
            && ui
                .button("Cancel")
                .on_hover_text("No links: take the question back (Esc)")
                .clicked()
        {
            intents.push(Intent::CancelFolderLinks);
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
        let filter = ui
            .add(
                egui::TextEdit::singleline(&mut state.object_filter)
                    // Leaves room for the item count beside it, whatever the width.
                    .desired_width((ui.available_width() - 120.0).clamp(60.0, 280.0))
                    .id(egui::Id::unique(FILTER_ID))
                    .hint_text("name (Ctrl+F)"),
            )
            .labelled_by(label.id);
        if filter.changed() {
            intents.push(Intent::FilterChanged);
        }
        // What is cheap is ordered now; a million rows are ordered on the runtime (asked
        // for by `App`), and the last order stays shown until then.
        state.refresh_order();
        let count = state.listing.objects.len() + state.listing.folders.len();
        let filtering = !state.object_filter.trim().is_empty();
        if state.listing.loading {
            ui.spinner();
            ui.label(format!("{} so far, loading…", items(count)));
        } else if state.ordering() {
            ui.spinner();
            ui.label(if filtering {
                "Filtering…"
            } else {
                "Sorting…"
            });
        } else if filtering {
            ui.weak(format!("{} of {}", state.shown_rows(), items(count)));
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
        // The header's cells are separate widgets: leave room for the spacing between them.
        let gaps = 2.0 * ui.spacing().item_spacing.x;
        let columns = Columns::fit(ui.available_width() - gaps);
        for (column, title, width) in [
            (SortColumn::Name, "Name", columns.name),
            (SortColumn::Size, "Size", columns.size),
            (SortColumn::Modified, "Modified", columns.modified),
        ] {
            if width <= 0.0 {
                continue;
            }
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(width, 18.0), egui::Sense::click());
            let response = response.on_hover_text(format!("Sort by {}", title.to_lowercase()));
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), title)
            });
            let painter = ui.painter_at(rect);
            let color = ui.visuals().text_color();
            let drawn = painter.text(
                rect.left_center() + egui::vec2(4.0, 0.0),
                egui::Align2::LEFT_CENTER,
                title,
                egui::FontId::proportional(13.0),
                color,
            );
            if state.sort == column {
                // After the title as drawn, whatever its width.
                let at = egui::pos2(drawn.right() + 8.0, rect.center().y);
                sort_arrow(&painter, at, state.sort_descending, color);
            }
            if response.clicked() {
                intents.push(Intent::SortBy(column));
            }
        }
    });
    ui.separator();

    // Keep the cursor in view after a move, a sort or a filter (the list is virtual: only
    // visible rows exist, so the offset is computed).
    // A cursor the filter hides: the list starts at its top, never at an old offset.
    let cursor_at = if state.scroll_to_cursor {
        Some(
            state
                .cursor
                .as_deref()
                .and_then(|c| state.row_position(c))
                .unwrap_or(0),
        )
    } else {
        None
    };
    state.scroll_to_cursor = false;
    // Page Up/Down move by what fits on screen.
    let row_pitch = ui.spacing().interact_size.y + ui.spacing().item_spacing.y;
    state.page_rows = ((ui.available_height() / row_pitch) as usize)
        .saturating_sub(1)
        .max(1);
    let state = &*state;
    let folders = state.visible_folders();
    let total = folders.len() + state.shown_files();
    let row_at = |position: usize| match folders.get(position) {
        Some(folder) => Row::Folder(folder),
        None => Row::Object(state.shown_file(position - folders.len())),
    };
    let row_height = ui.spacing().interact_size.y;
    let mut select: Option<(String, egui::Modifiers)> = None;
    let selection = &state.selection;
    let cursor = state.cursor.as_deref();
    let listing = &state.listing;
    let mut scroll = egui::ScrollArea::vertical().auto_shrink([false, false]);
    if let Some(index) = cursor_at {
        let spacing = ui.spacing().item_spacing.y;
        let offset = if index == 0 {
            0.0
        } else {
            (index as f32 * (row_height + spacing) - 3.0 * row_height).max(0.0)
        };
        scroll = scroll.vertical_scroll_offset(offset);
    }
    let mut menu_intents = Vec::new();
    scroll.show_rows(ui, row_height, total, |ui, range| {
        let columns = Columns::fit(ui.available_width());
        for row in range.map(row_at) {
            // A name is shown with its control characters escaped (a newline would draw the
            // row over the next one): one row, one line, what is there.
            let shown_name = |name: &str| crate::share::escape::text(name).into_owned();
            let (key, name, kind) = match row {
                Row::Folder(folder) => (
                    folder,
                    format!("{}/", shown_name(file_name(folder))),
                    Kind::Folder,
                ),
                Row::Object(index) => {
                    let name = listing.objects.name(index);
                    (listing.objects.key(index), shown_name(name), Kind::of(name))
                }
            };
            // Filled: what an action acts on (the selection). The keyboard cursor alone is
            // an outline, so the highlight never shows more than is selected.
            let selected = selection.iter().any(|k| k == key);
            let at_cursor = cursor == Some(key) && !selected;
            let (rect, response) = ui.allocate_exact_size(
                egui::vec2(ui.available_width(), row_height),
                egui::Sense::click(),
            );
            response.widget_info(|| {
                egui::WidgetInfo::selected(egui::Role::Button, true, selected, &name)
            });
            let visuals = ui.style().interact_selectable(&response, selected);
            let painter = ui.painter_at(rect);
            if selected || response.hovered() {
                painter.rect_filled(rect, 2.0, visuals.weak_bg_fill);
            }
            if at_cursor {
                let stroke = egui::Stroke::new(1.0, ui.visuals().selection.stroke.color);
                painter.rect_stroke(rect.shrink(1.0), 2.0, stroke, egui::StrokeKind::Inside);
            }
            draw_icon(&painter, rect.left_center() + egui::vec2(10.0, 0.0), kind);
            let font = egui::FontId::proportional(14.0);
            let name_room = columns.name - 28.0;
            let shown = elide_middle(ui, &name, &font, name_room);
            painter.text(
                rect.left_center() + egui::vec2(22.0, 0.0),
                egui::Align2::LEFT_CENTER,
                &shown,
                font.clone(),
                visuals.text_color(),
            );
            if let Row::Object(index) = row {
                let weak = ui.visuals().weak_text_color();
                if columns.size > 0.0 {
                    painter.text(
                        egui::pos2(
                            rect.left() + columns.name + columns.size - 8.0,
                            rect.center().y,
                        ),
                        egui::Align2::RIGHT_CENTER,
                        human_size(listing.objects.size(index)),
                        font.clone(),
                        weak,
                    );
                }
                if columns.modified > 0.0 {
                    painter.text(
                        egui::pos2(
                            rect.left() + columns.name + columns.size + 8.0,
                            rect.center().y,
                        ),
                        egui::Align2::LEFT_CENTER,
                        local_time(listing.objects.modified(index)),
                        font.clone(),
                        weak,
                    );
                }
            }
            let response = if shown != name {
                response.on_hover_text(&name)
            } else {
                response
            };
            match kind {
                Kind::Folder => {
                    // The second click of a double-click lands on whatever the first one
                    // opened: it is inert, never a second dive.
                    if response.clicked() && !response.double_clicked() {
                        open = Some(key.to_owned());
                    }
                    response.context_menu(|ui| folder_menu(ui, &bucket, key, &mut menu_intents));
                }
                _ => {
                    if response.double_clicked() {
                        // Only a file the first click selected: after a folder opened, the
                        // second click lands on a row the user never chose.
                        if state.selected_key.as_deref() == Some(key) {
                            menu_intents.push(Intent::CopyLinkOf {
                                key: key.to_owned(),
                                lifetime: None,
                            });
                        }
                    } else if response.clicked() {
                        let modifiers = ui.input(|i| i.modifiers);
                        select = Some((key.to_owned(), modifiers));
                    } else if response.secondary_clicked() && !selected {
                        // The row a context menu acts on is the row selected.
                        select = Some((key.to_owned(), egui::Modifiers::NONE));
                    }
                    response.context_menu(|ui| file_menu(ui, key, &mut menu_intents));
                }
            }
        }
    });
    intents.extend(menu_intents);
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
