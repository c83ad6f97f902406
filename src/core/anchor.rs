//! Keeping codings on their words.
//!
//! Inside Ripple every edit is known exactly, so a coded range is moved through it
//! (`map_range`, in the spirit of helix's `ChangeSet::map_pos`). When a file was changed
//! outside Ripple, codings are re-attached from their stored quote and context.

/// One edit: the code points `[start, start + removed)` were replaced by `inserted` code points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub start: usize,
    pub removed: usize,
    pub inserted: usize,
}

impl Change {
    pub fn end(&self) -> usize {
        self.start + self.removed
    }
}

/// Move a coded range `[s, e)` through a change.
///
/// - Typing right before the passage (at `s`) shifts it; typing right after it (at `e`) leaves it.
/// - A change wholly inside the passage (or replacing exactly it) grows or shrinks it.
/// - Otherwise each end maps on its own: an end inside removed text moves to the edge of the
///   change, so the passage loses the removed words.
///
/// Returns an empty range (`start == end`) when all the coded text was removed: the caller
/// marks the coding orphaned.
pub fn map_range(s: usize, e: usize, c: Change) -> (usize, usize) {
    let (cs, ce) = (c.start, c.end());
    let shift = |p: usize| (p as isize + c.inserted as isize - c.removed as isize) as usize;
    if c.removed == 0 {
        return if cs <= s {
            (shift(s), shift(e))
        } else if cs >= e {
            (s, e)
        } else {
            (s, shift(e))
        };
    }
    if ce <= s {
        return (shift(s), shift(e));
    }
    if cs >= e {
        return (s, e);
    }
    if cs >= s && ce <= e {
        return (s, shift(e).max(s));
    }
    // Partial overlap: map each end on its own.
    let ns = if s < cs { s } else { cs + c.inserted };
    let ne = if e > ce { shift(e) } else { cs };
    if ne <= ns {
        (ns, ns)
    } else {
        (ns, ne)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins(at: usize, n: usize) -> Change {
        Change {
            start: at,
            removed: 0,
            inserted: n,
        }
    }
    fn del(at: usize, n: usize) -> Change {
        Change {
            start: at,
            removed: n,
            inserted: 0,
        }
    }

    #[test]
    fn insertions() {
        assert_eq!(map_range(10, 20, ins(0, 3)), (13, 23));
        assert_eq!(
            map_range(10, 20, ins(10, 3)),
            (13, 23),
            "typing before shifts"
        );
        assert_eq!(
            map_range(10, 20, ins(15, 3)),
            (10, 23),
            "typing inside grows"
        );
        assert_eq!(
            map_range(10, 20, ins(20, 3)),
            (10, 20),
            "typing after leaves"
        );
        assert_eq!(map_range(10, 20, ins(25, 3)), (10, 20));
    }

    #[test]
    fn deletions() {
        assert_eq!(map_range(10, 20, del(0, 5)), (5, 15));
        assert_eq!(map_range(10, 20, del(5, 5)), (5, 15));
        assert_eq!(
            map_range(10, 20, del(12, 3)),
            (10, 17),
            "deleting inside shrinks"
        );
        assert_eq!(map_range(10, 20, del(5, 10)), (5, 10), "overlap at start");
        assert_eq!(map_range(10, 20, del(15, 10)), (10, 15), "overlap at end");
        assert_eq!(map_range(10, 20, del(5, 20)), (5, 5), "all removed: empty");
        assert_eq!(
            map_range(10, 20, del(10, 10)),
            (10, 10),
            "exactly removed: empty"
        );
    }

    #[test]
    fn replacements() {
        let rep = |at, rm, n| Change {
            start: at,
            removed: rm,
            inserted: n,
        };
        assert_eq!(
            map_range(10, 20, rep(10, 10, 4)),
            (10, 14),
            "replacing the passage keeps it on the new words"
        );
        assert_eq!(map_range(10, 20, rep(12, 2, 5)), (10, 23));
        assert_eq!(map_range(10, 20, rep(5, 10, 2)), (7, 12));
        assert_eq!(map_range(10, 20, rep(15, 10, 2)), (10, 15));
    }
}
