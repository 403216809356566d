//! How a row of the listing is drawn: the columns that give way, names shortened in the
//! middle, icons, sort arrows, and the context menus of files and folders.

/// Widths of the Size and Modified columns.
pub(super) const SIZE_WIDTH: f32 = 90.0;
pub(super) const MODIFIED_WIDTH: f32 = 140.0;
/// Names keep at least this much room; Modified, then Size give way first.
pub(super) const NAME_MIN: f32 = 180.0;
use crate::intent::Intent;
use crate::s3::file_name;

/// How wide each column is for the room there is: Modified goes first, then Size.
pub(super) struct Columns {
    pub(super) name: f32,
    pub(super) size: f32,
    pub(super) modified: f32,
}

impl Columns {
    pub(super) fn fit(width: f32) -> Columns {
        let (size, modified) = if width >= NAME_MIN + SIZE_WIDTH + MODIFIED_WIDTH {
            (SIZE_WIDTH, MODIFIED_WIDTH)
        } else if width >= NAME_MIN + SIZE_WIDTH {
            (SIZE_WIDTH, 0.0)
        } else {
            (0.0, 0.0)
        };
        Columns {
            name: (width - size - modified).max(60.0),
            size,
            modified,
        }
    }
}

/// "Quarterly re…Q3.csv": the start and the end (with the extension) of a name too long for
/// `room`, so the type and the distinguishing end stay visible.
pub(super) fn elide_middle(ui: &egui::Ui, name: &str, font: &egui::FontId, room: f32) -> String {
    let width = |text: &str| {
        ui.fonts_mut(|f| {
            f.layout_no_wrap(text.to_owned(), font.clone(), egui::Color32::WHITE)
                .rect
                .width()
        })
    };
    if width(name) <= room {
        return name.to_owned();
    }
    let chars: Vec<char> = name.chars().collect();
    let tail = chars.len().min(10);
    for keep in (1..chars.len().saturating_sub(tail)).rev() {
        let candidate: String = chars[..keep]
            .iter()
            .chain(['…'].iter())
            .chain(chars[chars.len() - tail..].iter())
            .collect();
        if width(&candidate) <= room {
            return candidate;
        }
    }
    chars[chars.len() - tail..].iter().collect()
}

/// What icon a row gets.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Folder,
    Document,
    Image,
    Archive,
    Media,
    Other,
}

impl Kind {
    pub(super) fn of(name: &str) -> Kind {
        let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match extension.as_deref() {
            Some(
                "pdf" | "doc" | "docx" | "txt" | "md" | "csv" | "xls" | "xlsx" | "ppt" | "pptx"
                | "odt",
            ) => Kind::Document,
            Some("png" | "jpg" | "jpeg" | "gif" | "webp" | "svg" | "heic" | "tif" | "tiff") => {
                Kind::Image
            }
            Some("zip" | "gz" | "tgz" | "7z" | "rar" | "tar" | "xz" | "bz2" | "zst") => {
                Kind::Archive
            }
            Some("mp4" | "mov" | "mkv" | "avi" | "mp3" | "wav" | "flac" | "ogg" | "m4a") => {
                Kind::Media
            }
            _ => Kind::Other,
        }
    }
}

/// A small icon drawn once per row: a folder, or a page coloured by its kind.
pub(super) fn draw_icon(painter: &egui::Painter, center: egui::Pos2, kind: Kind) {
    let stroke = egui::Stroke::new(1.0, egui::Color32::from_gray(110));
    if kind == Kind::Folder {
        let body =
            egui::Rect::from_center_size(center + egui::vec2(0.0, 1.0), egui::vec2(14.0, 10.0));
        let tab = egui::Rect::from_min_size(body.min - egui::vec2(0.0, 3.0), egui::vec2(6.0, 3.0));
        let fill = egui::Color32::from_rgb(230, 184, 80);
        painter.rect_filled(tab, 1.0, fill);
        painter.rect_filled(body, 1.5, fill);
        return;
    }
    let page = egui::Rect::from_center_size(center, egui::vec2(10.0, 13.0));
    let fill = match kind {
        Kind::Document => egui::Color32::from_rgb(120, 150, 220),
        Kind::Image => egui::Color32::from_rgb(110, 180, 120),
        Kind::Archive => egui::Color32::from_rgb(170, 130, 90),
        Kind::Media => egui::Color32::from_rgb(190, 110, 190),
        Kind::Folder | Kind::Other => egui::Color32::from_gray(200),
    };
    painter.rect_filled(page, 1.0, fill);
    painter.rect_stroke(page, 1.0, stroke, egui::StrokeKind::Inside);
}

/// A small triangle after a header's title: up for ascending, down for descending.
pub(super) fn sort_arrow(
    painter: &egui::Painter,
    c: egui::Pos2,
    descending: bool,
    color: egui::Color32,
) {
    let (a, b, tip) = if descending {
        (
            c + egui::vec2(-4.0, -2.5),
            c + egui::vec2(4.0, -2.5),
            c + egui::vec2(0.0, 3.0),
        )
    } else {
        (
            c + egui::vec2(-4.0, 2.5),
            c + egui::vec2(4.0, 2.5),
            c + egui::vec2(0.0, -3.0),
        )
    };
    painter.add(egui::Shape::convex_polygon(
        vec![a, b, tip],
        color,
        egui::Stroke::NONE,
    ));
}

/// Right-click on a file.
pub(super) fn file_menu(ui: &mut egui::Ui, key: &str, intents: &mut Vec<Intent>) {
    if ui.button("Copy link").clicked() {
        intents.push(Intent::CopyLinkOf {
            key: key.to_owned(),
            lifetime: None,
        });
        ui.close();
    }
    ui.menu_button("Copy link for…", |ui| {
        for (label, lifetime) in crate::share::EXPIRY_PRESETS {
            if ui.button(*label).clicked() {
                intents.push(Intent::CopyLinkOf {
                    key: key.to_owned(),
                    lifetime: Some(*lifetime),
                });
                ui.close();
            }
        }
    });
    let folder = key.strip_suffix(file_name(key)).unwrap_or("").to_owned();
    if ui.button("Make an upload link here").clicked() {
        intents.push(Intent::UploadLinkHere(folder));
        ui.close();
    }
    if ui.button("Copy s3:// URI").clicked() {
        intents.push(Intent::CopyUri(key.to_owned()));
        ui.close();
    }
    if ui.button("Download filename…").clicked() {
        intents.push(Intent::DownloadFilenameFor(key.to_owned()));
        ui.close();
    }
}

/// Right-click on a folder.
pub(super) fn folder_menu(
    ui: &mut egui::Ui,
    bucket: &str,
    prefix: &str,
    intents: &mut Vec<Intent>,
) {
    if ui.button("Open").clicked() {
        intents.push(Intent::OpenFolder {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
        });
        ui.close();
    }
    if ui.button("Upload files here").clicked() {
        intents.push(Intent::UploadFilesHere(prefix.to_owned()));
        ui.close();
    }
    if ui.button("Make an upload link here").clicked() {
        intents.push(Intent::UploadLinkHere(prefix.to_owned()));
        ui.close();
    }
}
