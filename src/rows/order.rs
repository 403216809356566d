//! Filtering and sorting the rows of a listing, as indexes, page by page: the rows of a
//! new page are ordered alone and merged into the order of the rows before them.

use std::cmp::Ordering;

use super::ObjectRows;

/// The columns a listing sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortColumn {
    #[default]
    Name,
    Size,
    Modified,
}

/// What an order depends on. Descending is not part of it: the order is kept ascending and
/// read backwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderKey {
    pub generation: u64,
    /// Lowercase, trimmed.
    pub filter: String,
    pub sort: SortColumn,
}

/// Orders the rows from `from` on for `key` and merges them into `base` (the order of the
/// rows before `from`, for the same key).
pub fn order_rows(rows: &ObjectRows, key: &OrderKey, base: Vec<u32>, from: usize) -> Vec<u32> {
    let needle = Needle::new(&key.filter);
    let mut new: Vec<u32> = (from..rows.len())
        .filter(|&i| needle.matches(rows.name(i)))
        .map(|i| i as u32)
        .collect();
    let in_order = rows.in_key_order();
    let by_key = |a: u32, b: u32| {
        if in_order {
            a.cmp(&b)
        } else {
            rows.key(a as usize).cmp(rows.key(b as usize))
        }
    };
    let compare = |a: &u32, b: &u32| match key.sort {
        SortColumn::Name => by_key(*a, *b),
        SortColumn::Size => rows
            .size(*a as usize)
            .cmp(&rows.size(*b as usize))
            .then_with(|| by_key(*a, *b)),
        SortColumn::Modified => rows
            .modified_ms(*a as usize)
            .cmp(&rows.modified_ms(*b as usize))
            .then_with(|| by_key(*a, *b)),
    };
    if key.sort == SortColumn::Name && in_order {
        // Already in order, and after every row of `base`.
    } else {
        new.sort_unstable_by(compare);
    }
    if base.is_empty() {
        return new;
    }
    merge(base, new, compare)
}

fn merge(a: Vec<u32>, b: Vec<u32>, compare: impl Fn(&u32, &u32) -> Ordering) -> Vec<u32> {
    if b.is_empty() {
        return a;
    }
    if a.last()
        .is_some_and(|last| compare(last, &b[0]) != Ordering::Greater)
    {
        let mut a = a;
        a.extend(b);
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if compare(&b[j], &a[i]) == Ordering::Less {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// "name contains", ignoring case, without an allocation per name when both are ASCII.
pub struct Needle {
    lower: String,
}

impl Needle {
    pub fn new(filter: &str) -> Needle {
        Needle {
            lower: filter.trim().to_lowercase(),
        }
    }

    pub fn matches(&self, name: &str) -> bool {
        let needle = self.lower.as_bytes();
        if needle.is_empty() {
            return true;
        }
        if name.is_ascii() && self.lower.is_ascii() {
            name.as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle))
        } else {
            name.to_lowercase().contains(&self.lower)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::ObjectEntry;
    use std::time::{Duration, UNIX_EPOCH};

    fn rows(entries: &[(&str, u64, u64)]) -> ObjectRows {
        let mut rows = ObjectRows::default();
        rows.extend(entries.iter().map(|(k, size, t)| ObjectEntry {
            key: (*k).to_owned(),
            size: *size,
            last_modified: Some(UNIX_EPOCH + Duration::from_secs(*t)),
        }));
        rows
    }

    fn key(filter: &str, sort: SortColumn) -> OrderKey {
        OrderKey {
            generation: 1,
            filter: filter.to_owned(),
            sort,
        }
    }

    #[test]
    fn rows_merged_page_by_page_equal_one_full_order() {
        let entries: Vec<(String, u64, u64)> = (0..500u64)
            .map(|i| (format!("f{i:04}"), (i * 7919) % 97, (i * 104_729) % 89))
            .collect();
        let borrowed: Vec<(&str, u64, u64)> = entries
            .iter()
            .map(|(k, s, t)| (k.as_str(), *s, *t))
            .collect();
        let all = rows(&borrowed);
        for sort in [SortColumn::Name, SortColumn::Size, SortColumn::Modified] {
            for filter in ["", "1", "f00"] {
                let k = key(filter, sort);
                let whole = order_rows(&all, &k, Vec::new(), 0);
                let mut partial = Vec::new();
                let mut grown = ObjectRows::default();
                for page in borrowed.chunks(64) {
                    let from = grown.len();
                    grown.extend(page.iter().map(|(key, size, t)| ObjectEntry {
                        key: (*key).to_owned(),
                        size: *size,
                        last_modified: Some(UNIX_EPOCH + Duration::from_secs(*t)),
                    }));
                    partial = order_rows(&grown, &k, partial, from);
                }
                assert_eq!(partial, whole, "{sort:?} {filter:?}");
                let expected = Needle::new(filter);
                assert!(
                    whole
                        .iter()
                        .all(|&i| expected.matches(all.name(i as usize)))
                );
                assert!(whole.windows(2).all(|w| {
                    let (a, b) = (w[0] as usize, w[1] as usize);
                    match sort {
                        SortColumn::Name => all.key(a) < all.key(b),
                        SortColumn::Size => (all.size(a), all.key(a)) < (all.size(b), all.key(b)),
                        SortColumn::Modified => {
                            (all.modified_ms(a), all.key(a)) < (all.modified_ms(b), all.key(b))
                        }
                    }
                }));
            }
        }
    }

    #[test]
    fn keys_out_of_order_are_sorted_by_name() {
        let r = rows(&[("b", 1, 1), ("c", 1, 1), ("a", 1, 1)]);
        assert_eq!(
            order_rows(&r, &key("", SortColumn::Name), Vec::new(), 0),
            [2, 0, 1]
        );
    }

    #[test]
    fn the_filter_ignores_case_in_any_script() {
        assert!(Needle::new("REP").matches("q3-report.pdf"));
        assert!(Needle::new("été").matches("Rapport-ÉTÉ.pdf"));
        assert!(!Needle::new("zzz").matches("report.pdf"));
        assert!(Needle::new("  ").matches("anything"));
    }
}
