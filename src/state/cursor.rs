//! Moving through the listing from the keyboard, as in a file manager: arrows, Page Up/Down,
//! Home/End, Enter, type-ahead; the selection follows the cursor and the list scrolls to it.

use std::time::{Duration, Instant};

use super::{Effect, State};
use crate::s3::file_name;

/// Letters typed within this long make one search ("rep" finds "reports/").
const TYPE_AHEAD_PAUSE: Duration = Duration::from_secs(1);

/// Where the cursor goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorMove {
    Up,
    Down,
    PageUp,
    PageDown,
    Home,
    End,
}

impl State {
    /// Rows shown: folders, then files.
    pub fn shown_rows(&self) -> usize {
        self.visible_folders().len() + self.shown_files()
    }

    /// The key of the row shown at `position` (folders end with "/").
    pub fn shown_row_key(&self, position: usize) -> Option<&str> {
        let folders = self.visible_folders();
        match folders.get(position) {
            Some(folder) => Some(folder),
            None if position - folders.len() < self.shown_files() => Some(
                self.listing
                    .objects
                    .key(self.shown_file(position - folders.len())),
            ),
            None => None,
        }
    }

    /// Where `key` (a folder or a file) is shown among the rows.
    pub fn row_position(&self, key: &str) -> Option<usize> {
        let folders = self.visible_folders();
        if key.ends_with('/') {
            return folders.iter().position(|f| *f == key);
        }
        let index = self.listing.objects.position(key)?;
        Some(folders.len() + self.file_position(index)?)
    }

    /// The filter changed: the list shows its top (or the cursor, if still shown), and
    /// files the filter hides leave the selection, so the share panel never acts on a
    /// file the user cannot see.
    pub fn filter_changed(&mut self) {
        self.refresh_order();
        self.scroll_to_cursor = true;
        let hidden = |state: &State, key: &str| state.row_position(key).is_none();
        if self.cursor.as_deref().is_some_and(|c| hidden(self, c)) {
            self.cursor = None;
        }
        let shown: Vec<String> = self
            .selection
            .iter()
            .filter(|k| !hidden(self, k))
            .cloned()
            .collect();
        self.selection = shown;
        if self
            .selected_key
            .as_deref()
            .is_some_and(|k| hidden(self, k))
        {
            self.selected_key = self.selection.first().cloned();
            self.drop_link();
        }
    }

    /// Moves the cursor; on a file the file is selected.
    pub fn move_cursor(&mut self, to: CursorMove) {
        self.refresh_order();
        let count = self.shown_rows();
        if count == 0 {
            return;
        }
        let last = count - 1;
        let at = self.cursor.as_deref().and_then(|c| self.row_position(c));
        let next = match (to, at) {
            (CursorMove::Home, _) | (CursorMove::Down, None) | (CursorMove::PageDown, None) => 0,
            (CursorMove::End, _) | (CursorMove::Up, None) | (CursorMove::PageUp, None) => last,
            (CursorMove::Up, Some(i)) => i.saturating_sub(1),
            (CursorMove::Down, Some(i)) => (i + 1).min(last),
            (CursorMove::PageUp, Some(i)) => i.saturating_sub(self.page_rows.max(1)),
            (CursorMove::PageDown, Some(i)) => (i + self.page_rows.max(1)).min(last),
        };
        if let Some(row) = self.shown_row_key(next).map(str::to_owned) {
            self.put_cursor(row);
        }
    }

    /// Puts the cursor on `row` (a folder or a file) and scrolls to it.
    pub fn put_cursor(&mut self, row: String) {
        if row.ends_with('/') {
            self.selected_key = None;
            self.selection.clear();
            self.drop_link();
        } else {
            self.select_object(&row);
        }
        self.cursor = Some(row);
        self.scroll_to_cursor = true;
    }

    /// Enter: a folder opens, a file's link is made and copied.
    pub fn activate(&mut self) -> Vec<Effect> {
        match self.cursor.clone() {
            Some(row) if row.ends_with('/') => {
                let bucket = self.listing.bucket.clone();
                vec![self.list_folder(&bucket, &row)]
            }
            Some(_) => self.copy_link(),
            None => Vec::new(),
        }
    }

    /// Letters typed outside a text field jump to the first row whose name starts with them.
    pub fn type_ahead(&mut self, text: &str, at: Instant) {
        let fresh = self
            .type_ahead_at
            .is_none_or(|last| at.duration_since(last) > TYPE_AHEAD_PAUSE);
        if fresh {
            self.type_ahead_text.clear();
        }
        self.type_ahead_text.push_str(&text.to_lowercase());
        self.type_ahead_at = Some(at);
        self.refresh_order();
        let needle = self.type_ahead_text.clone();
        let starts = |key: &str| {
            let name = file_name(key);
            match name.as_bytes().get(..needle.len()) {
                Some(head) if name.is_ascii() => head.eq_ignore_ascii_case(needle.as_bytes()),
                _ => name.to_lowercase().starts_with(&needle),
            }
        };
        let found = self
            .visible_folders()
            .into_iter()
            .find(|f| starts(f))
            .or_else(|| {
                (0..self.shown_files())
                    .map(|p| self.listing.objects.key(self.shown_file(p)))
                    .find(|k| starts(k))
            })
            .map(str::to_owned);
        if let Some(row) = found {
            self.put_cursor(row);
        }
    }
}
