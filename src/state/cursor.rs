//! Moving through the listing from the keyboard, as in a file manager: arrows, Page Up/Down,
//! Home/End, Enter, type-ahead; the selection follows the cursor and the list scrolls to it.

use std::time::{Duration, Instant};

use super::{Effect, State};
use crate::s3::file_name;

/// Rows moved by Page Up/Down.
const PAGE: usize = 10;
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
    /// The rows in the order shown: folders, then files (as keys; folders end with "/").
    pub fn visible_rows(&self) -> Vec<String> {
        let mut rows: Vec<String> = self
            .visible_folders()
            .into_iter()
            .map(str::to_owned)
            .collect();
        rows.extend(
            self.visible_objects()
                .into_iter()
                .map(|i| self.listing.objects[i].key.clone()),
        );
        rows
    }

    /// Moves the cursor; on a file the file is selected.
    pub fn move_cursor(&mut self, to: CursorMove) {
        let rows = self.visible_rows();
        if rows.is_empty() {
            return;
        }
        let last = rows.len() - 1;
        let at = self
            .cursor
            .as_ref()
            .and_then(|c| rows.iter().position(|r| r == c));
        let next = match (to, at) {
            (CursorMove::Home, _) | (CursorMove::Down, None) | (CursorMove::PageDown, None) => 0,
            (CursorMove::End, _) | (CursorMove::Up, None) | (CursorMove::PageUp, None) => last,
            (CursorMove::Up, Some(i)) => i.saturating_sub(1),
            (CursorMove::Down, Some(i)) => (i + 1).min(last),
            (CursorMove::PageUp, Some(i)) => i.saturating_sub(PAGE),
            (CursorMove::PageDown, Some(i)) => (i + PAGE).min(last),
        };
        self.put_cursor(rows[next].clone());
    }

    /// Puts the cursor on `row` (a folder or a file) and scrolls to it.
    pub fn put_cursor(&mut self, row: String) {
        if row.ends_with('/') {
            self.selected_key = None;
            self.selection.clear();
            self.link = None;
            self.link_copied = false;
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
        let needle = self.type_ahead_text.clone();
        if let Some(row) = self
            .visible_rows()
            .into_iter()
            .find(|r| file_name(r).to_lowercase().starts_with(&needle))
        {
            self.put_cursor(row);
        }
    }
}
