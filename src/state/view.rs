//! The files shown, filtered and sorted, as indexes into the listing's rows. Small listings
//! are ordered at once; past `AT_ONCE` rows the work goes to the runtime (`Command::OrderRows`)
//! and the rows of the last order stay on screen until the new one is ready. Sorted by name,
//! unfiltered, in the order S3 lists keys, there is nothing to compute.

use super::{Effect, State};
use crate::command::Command;
use crate::rows::{OrderKey, SortColumn, order_rows};

/// Rows ordered on the UI thread; more go to the runtime (a million take about 100 ms).
pub const AT_ONCE: usize = 20_000;

/// An order of the listing's rows, as computed for `key` over its first `covers` rows.
#[derive(Debug, Clone, Default)]
pub struct RowOrder {
    pub key: Option<OrderKey>,
    /// None: every row, in arrival order.
    pub rows: Option<Vec<u32>>,
    pub covers: usize,
    /// An order is being computed on the runtime.
    pub pending: bool,
}

impl RowOrder {
    /// Rows shown.
    pub fn len(&self) -> usize {
        self.rows.as_ref().map_or(self.covers, Vec::len)
    }

    /// The rows ordered so far and how many of the listing they cover, when this order is
    /// for `key` (new rows can then be merged in).
    fn continued_for(&self, key: &OrderKey) -> Option<(&[u32], usize)> {
        match &self.rows {
            Some(rows) if self.key.as_ref() == Some(key) => Some((rows, self.covers)),
            _ => None,
        }
    }
}

impl State {
    /// What the order of the files depends on now.
    pub fn order_key(&self) -> OrderKey {
        OrderKey {
            generation: self.listing.generation,
            filter: self.object_filter.trim().to_lowercase(),
            sort: self.sort,
        }
    }

    /// Brings the order of the files up to date with the listing, filter and sort when that
    /// is cheap; true when it needs the runtime (`update_order` asks for it). The objects
    /// panel calls this each frame, so what it shows follows the filter as typed.
    pub fn refresh_order(&mut self) -> bool {
        self.order_cheaply().is_some()
    }

    /// `refresh_order`, giving back the key of the order the runtime has to compute.
    fn order_cheaply(&mut self) -> Option<OrderKey> {
        let key = self.order_key();
        let objects = &self.listing.objects;
        let order = &mut self.order;
        if order
            .key
            .as_ref()
            .is_some_and(|k| k.generation != key.generation)
            || order.covers > objects.len()
        {
            // Another folder, or a refresh that replaced the rows.
            *order = RowOrder {
                pending: order.pending,
                ..RowOrder::default()
            };
        }
        if key.filter.is_empty() && key.sort == SortColumn::Name && objects.in_key_order() {
            order.key = Some(key);
            order.rows = None;
            order.covers = objects.len();
            return None;
        }
        if order.key.as_ref() == Some(&key) && order.covers == objects.len() {
            return None;
        }
        let continued = order.continued_for(&key).map(|(_, covers)| covers);
        let same = continued.is_some();
        let from = continued.unwrap_or(0);
        let cheap = objects.len() <= AT_ONCE
            || (same
                && key.sort == SortColumn::Name
                && objects.in_key_order()
                && objects.len() - from <= AT_ONCE);
        if cheap {
            let base = if same {
                order.rows.take().unwrap_or_default()
            } else {
                Vec::new()
            };
            order.rows = Some(order_rows(objects, &key, base, from));
            order.covers = objects.len();
            order.key = Some(key);
            return None;
        }
        Some(key)
    }

    /// `refresh_order`, and the request to the runtime when the order needs it (one at a
    /// time: the last order stays shown meanwhile). `App` calls this once per frame.
    pub fn update_order(&mut self) -> Option<Effect> {
        let key = self.order_cheaply()?;
        if self.order.pending {
            return None;
        }
        let (base, from) = self
            .order
            .continued_for(&key)
            .map_or((Vec::new(), 0), |(rows, covers)| (rows.to_vec(), covers));
        self.order.pending = true;
        Some(Effect::Send(Command::OrderRows {
            rows: self.listing.objects.clone(),
            key,
            base,
            from,
        }))
    }

    /// An order computed on the runtime: shown if it is for this folder (even if the filter
    /// changed meanwhile: it is closer than the last one, and the next is asked for).
    pub(super) fn order_ready(&mut self, key: OrderKey, rows: Vec<u32>, covers: usize) {
        self.order.pending = false;
        if key.generation == self.listing.generation && covers <= self.listing.objects.len() {
            self.order.key = Some(key);
            self.order.rows = Some(rows);
            self.order.covers = covers;
        }
    }

    /// Files shown.
    pub fn shown_files(&self) -> usize {
        self.order.len().min(self.listing.objects.len())
    }

    /// The row of the listing shown at `position` among the files.
    pub fn shown_file(&self, position: usize) -> usize {
        let n = self.shown_files();
        let at = if self.sort_descending {
            n - 1 - position
        } else {
            position
        };
        match &self.order.rows {
            Some(rows) => rows[at] as usize,
            None => at,
        }
    }

    /// Where row `index` of the listing is shown among the files.
    pub fn file_position(&self, index: usize) -> Option<usize> {
        let at = match &self.order.rows {
            Some(rows) => rows.iter().position(|&i| i as usize == index)?,
            None if index < self.shown_files() => index,
            None => return None,
        };
        Some(if self.sort_descending {
            self.shown_files() - 1 - at
        } else {
            at
        })
    }

    /// Every file shown, in the order shown, as indexes into the listing's rows.
    pub fn visible_objects(&self) -> Vec<usize> {
        (0..self.shown_files())
            .map(|p| self.shown_file(p))
            .collect()
    }

    /// Ordering (on the runtime) is under way.
    pub fn ordering(&self) -> bool {
        self.order.pending
    }
}
