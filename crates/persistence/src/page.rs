//! Keyset pagination over time-ordered (v7) ids: stable under inserts, no offsets.

use uuid::Uuid;

/// Which slice of a list to read.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    /// Only items whose id is greater than this.
    pub after: Option<Uuid>,
    /// At most this many items.
    pub limit: u64,
}

/// One slice of a list, and where the next one starts.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The items, in id order.
    pub items: Vec<T>,
    /// The id to continue after; none on the last page.
    pub next_after: Option<Uuid>,
}

impl<T> Page<T> {
    /// Cuts `rows` (fetched with `limit + 1`) to the page, noting whether more exist.
    pub(crate) fn from_overfetch(mut rows: Vec<T>, limit: u64, id: impl Fn(&T) -> Uuid) -> Self {
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let next_after = if more { rows.last().map(&id) } else { None };
        Page {
            items: rows,
            next_after,
        }
    }

    /// The same page with each item mapped.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, _>>()?,
            next_after: self.next_after,
        })
    }
}
