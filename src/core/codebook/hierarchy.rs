//! The themes' parent links resolved once: children, descendants, ancestors, the tree,
//! roll-ups and cycles, each walk linear in the number of themes.

use super::theme::Theme;
use std::collections::{BTreeSet, HashMap};

/// One line of the codebook's tree: a theme, where it is in `Codebook::themes`, and its depth.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeRow<'a> {
    pub depth: usize,
    pub index: usize,
    pub theme: &'a Theme,
}

/// A codebook's parent links resolved into positions once, so that every walk through the
/// hierarchy (children, descendants, ancestors, the tree, roll-ups, cycles) visits each theme a
/// bounded number of times: linear in the number of themes, however deep the chain. Walks are
/// iterative (a 20,000-deep chain needs no 20,000-deep recursion) and safe on cyclic,
/// hand-edited codebooks.
///
/// Positions are indices into `Codebook::themes`; a key names the first theme with that key.
pub struct Hierarchy<'a> {
    themes: &'a [Theme],
    /// The first theme with each key.
    position: HashMap<&'a str, usize>,
    /// Each theme's parent, when the parent is in the codebook (a theme may be its own).
    parent: Vec<Option<usize>>,
    /// Each theme's children, in file order.
    children: Vec<Vec<usize>>,
}

impl<'a> Hierarchy<'a> {
    pub(super) fn new(themes: &'a [Theme]) -> Hierarchy<'a> {
        let mut position: HashMap<&str, usize> = HashMap::with_capacity(themes.len());
        for (i, t) in themes.iter().enumerate() {
            position.entry(t.key.as_str()).or_insert(i);
        }
        let parent: Vec<Option<usize>> = themes
            .iter()
            .map(|t| t.parent.as_deref().and_then(|p| position.get(p).copied()))
            .collect();
        let mut children = vec![Vec::new(); themes.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = *p {
                children[p].push(i);
            }
        }
        Hierarchy {
            themes,
            position,
            parent,
            children,
        }
    }

    /// The position of the (first) theme with this key.
    pub fn position(&self, key: &str) -> Option<usize> {
        self.position.get(key).copied()
    }

    pub fn get(&self, key: &str) -> Option<&'a Theme> {
        self.position(key).map(|i| &self.themes[i])
    }

    /// Direct children, in file order.
    pub fn children(&self, key: &str) -> Vec<&'a Theme> {
        self.position(key)
            .map(|i| self.children[i].iter().map(|&c| &self.themes[c]).collect())
            .unwrap_or_default()
    }

    /// Positions of everything below theme `i`, depth-first in file order, without `i`.
    pub(super) fn below(&self, i: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut seen: BTreeSet<usize> = BTreeSet::from([i]);
        // Children still to visit, last to visit first.
        let mut stack: Vec<usize> = self.children[i].iter().rev().copied().collect();
        while let Some(c) = stack.pop() {
            if seen.insert(c) {
                out.push(c);
                stack.extend(self.children[c].iter().rev());
            }
        }
        out
    }

    /// Everything below `key`, depth-first in file order, without `key` itself.
    pub fn descendants(&self, key: &str) -> Vec<&'a Theme> {
        self.position(key)
            .map(|i| self.below(i).into_iter().map(|d| &self.themes[d]).collect())
            .unwrap_or_default()
    }

    /// Parent, grandparent, ... (nearest first), lazily. Stops at a cycle or an unknown parent.
    pub fn ancestors(&self, key: &str) -> impl Iterator<Item = &'a Theme> + '_ {
        let start = self.position(key);
        let mut seen: BTreeSet<usize> = start.into_iter().collect();
        let mut cur = start;
        std::iter::from_fn(move || {
            let p = self.parent[cur?]?;
            if !seen.insert(p) {
                return None;
            }
            cur = Some(p);
            Some(&self.themes[p])
        })
    }

    /// Themes without a parent (or whose parent is missing), in file order.
    pub fn roots(&self) -> Vec<&'a Theme> {
        (0..self.themes.len())
            .filter(|&i| self.parent[i].is_none())
            .map(|i| &self.themes[i])
            .collect()
    }

    /// Every theme once, depth-first in file order, with its depth (roots at 0). Themes no
    /// root leads to (on a parent cycle or below one) come last, each walk starting at depth 0
    /// from the first of them in file order, so nothing is hidden from view.
    pub fn rows(&self) -> Vec<TreeRow<'a>> {
        let n = self.themes.len();
        let mut out = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let roots = (0..n).filter(|&i| self.parent[i].is_none());
        // Roots first, then whatever they did not reach.
        for start in roots.chain(0..n) {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut stack = vec![(start, 0)];
            while let Some((i, depth)) = stack.pop() {
                out.push(TreeRow {
                    depth,
                    index: i,
                    theme: &self.themes[i],
                });
                for &c in self.children[i].iter().rev() {
                    if !seen[c] {
                        seen[c] = true;
                        stack.push((c, depth + 1));
                    }
                }
            }
        }
        out
    }

    /// For each theme (by position), `own` of it plus `own` of everything below it: the
    /// passages a parent rolls up from its sub-themes. Everything hanging from a parent cycle
    /// is below each of its members.
    pub fn totals(&self, own: impl Fn(&Theme) -> usize) -> Vec<usize> {
        let n = self.themes.len();
        let mut total: Vec<usize> = self.themes.iter().map(own).collect();
        let mut on_cycle = vec![false; n];
        let cycles = self.cycles();
        for &i in cycles.iter().flatten() {
            on_cycle[i] = true;
        }
        // Off the cycles the links form trees: add each theme into its parent once all its
        // children have been added into it (leaves first).
        let mut waiting: Vec<usize> = (0..n)
            .map(|i| self.children[i].iter().filter(|&&c| !on_cycle[c]).count())
            .collect();
        let mut ready: Vec<usize> = (0..n)
            .filter(|&i| !on_cycle[i] && waiting[i] == 0)
            .collect();
        while let Some(i) = ready.pop() {
            if let Some(p) = self.parent[i] {
                total[p] += total[i];
                if !on_cycle[p] {
                    waiting[p] -= 1;
                    if waiting[p] == 0 {
                        ready.push(p);
                    }
                }
            }
        }
        // Each member of a cycle has the whole cycle with what hangs from it.
        for cycle in cycles {
            let whole: usize = cycle.iter().map(|&i| total[i]).sum();
            for i in cycle {
                total[i] = whole;
            }
        }
        total
    }

    /// Every parent cycle, as the positions of its members: from its first member in file
    /// order, each followed by its parent (the last one's parent is the first). A theme that is
    /// its own parent is a cycle of one. Cycles come in the order of their first members.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.themes.len();
        // 0: not visited; w + 1: on the path of the walk from theme w; usize::MAX: done.
        let mut mark = vec![0usize; n];
        let mut cycles = Vec::new();
        for start in 0..n {
            if mark[start] != 0 {
                continue;
            }
            // Follow parents until a theme seen before: on this walk's path it closes a
            // cycle; otherwise it was settled by an earlier walk.
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(i) = cur {
                if mark[i] == start + 1 {
                    let from = path.iter().position(|&p| p == i).expect("on the path");
                    let mut cycle: Vec<usize> = path[from..].to_vec();
                    // From the first member in file order, in the order the walk went.
                    let first = (0..cycle.len()).min_by_key(|&k| cycle[k]).unwrap_or(0);
                    cycle.rotate_left(first);
                    cycles.push(cycle);
                    break;
                }
                if mark[i] != 0 {
                    break;
                }
                mark[i] = start + 1;
                path.push(i);
                cur = self.parent[i];
            }
            for i in path {
                mark[i] = usize::MAX;
            }
        }
        cycles.sort_by_key(|c| c[0]);
        cycles
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codebook::{Codebook, PALETTE};

    #[test]
    fn hierarchy() {
        let b = Codebook::builtin();
        let kids: Vec<&str> = b
            .children("practice")
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(
            kids,
            [
                "engaging-perpetrators",
                "partnering-survivors",
                "perpetrator-patterns",
                "advocating-clients"
            ]
        );
        assert_eq!(b.ancestors("trust")[0].key, "collaboration");
        assert!(b.ancestors("collaboration").is_empty());
        assert_eq!(b.subtree_keys("shared-language").len(), 4);
        assert!(b.descendants("trust").is_empty());
        let tree = b.tree();
        assert_eq!(tree.len(), b.themes.len());
        assert_eq!((tree[0].0, tree[0].1.key.as_str()), (0, "collaboration"));
        assert_eq!((tree[1].0, tree[1].1.key.as_str()), (1, "trust"));
    }

    /// A codebook of themes `t0..`, each under the theme named by `parents[i]` (an index, or
    /// none).
    fn linked(parents: &[Option<usize>]) -> Codebook {
        let mut b = Codebook::default();
        for (i, p) in parents.iter().enumerate() {
            let mut t = Theme::new(&format!("t{i}"), &format!("Theme {i}"), PALETTE[i % 24]);
            t.parent = p.map(|p| format!("t{p}"));
            b.themes.push(t);
        }
        b
    }

    #[test]
    fn every_cycle_is_reported_once_with_its_members_in_parent_order() {
        // t0 → t3 → t1 → t0 is a cycle, t2 and t5 hang below it, t4 is its own parent, t6 → t7
        // → t6 a second cycle, t8 a root.
        let b = linked(&[
            Some(3),
            Some(0),
            Some(1),
            Some(1),
            Some(4),
            Some(2),
            Some(7),
            Some(6),
            None,
        ]);
        let messages: Vec<String> = b.validate().into_iter().map(|e| e.message).collect();
        assert_eq!(
            messages,
            [
                "theme `t4` is its own parent",
                "themes form a parent cycle: t0 → t3 → t1 → t0",
                "themes form a parent cycle: t6 → t7 → t6",
            ]
        );
        let h = b.hierarchy();
        assert_eq!(h.cycles(), [vec![0, 3, 1], vec![4], vec![6, 7]]);
        // Nothing is hidden from the tree: the root first, then each walk the roots missed.
        let rows: Vec<(usize, &str)> = h
            .rows()
            .iter()
            .map(|r| (r.depth, r.theme.key.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                (0, "t8"),
                (0, "t0"),
                (1, "t1"),
                (2, "t2"),
                (3, "t5"),
                (2, "t3"),
                (0, "t4"),
                (0, "t6"),
                (1, "t7"),
            ]
        );
        // A member of a cycle has the whole cycle and what hangs from it below it.
        let totals = h.totals(|_| 1);
        assert_eq!(totals, [5, 5, 2, 5, 1, 1, 2, 2, 1]);
        let keys = |v: Vec<&Theme>| v.into_iter().map(|t| t.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(b.descendants("t3")), ["t0", "t1", "t2", "t5"]);
        assert_eq!(keys(b.ancestors("t5")), ["t2", "t1", "t0", "t3"]);
        assert_eq!(keys(b.ancestors("t4")), Vec::<String>::new());
    }

    #[test]
    fn a_chain_twenty_thousand_deep_is_walked_without_recursion() {
        const N: usize = 20_000;
        let parents: Vec<Option<usize>> = (0..N).map(|i| i.checked_sub(1)).collect();
        let b = linked(&parents);
        assert_eq!(b.validate(), []);
        let h = b.hierarchy();
        let rows = h.rows();
        assert!(rows
            .iter()
            .enumerate()
            .all(|(i, r)| r.depth == i && r.index == i));
        assert_eq!(h.descendants("t0").len(), N - 1);
        let up: Vec<&Theme> = h.ancestors(&format!("t{}", N - 1)).collect();
        assert_eq!((up.len(), up[0].key.as_str()), (N - 1, "t19998"));
        assert_eq!(h.totals(|_| 1)[0], N);
        assert_eq!(b.roots().len(), 1);
        // Closing the chain into one cycle: reported once, from its first member.
        let mut cyclic = b.clone();
        cyclic.themes[0].parent = Some(format!("t{}", N - 1));
        let errs = cyclic.validate();
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.starts_with(&format!(
            "themes form a parent cycle: t0 → t{} → t{}",
            N - 1,
            N - 2
        )));
        assert_eq!(cyclic.tree().len(), N);
        // The file, with a line for each problem, in one pass.
        let text = cyclic.to_toml();
        let errs = Codebook::parse_report(&text).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].line, Some(5), "{:?}", errs[0]);
    }

    /// The walks as first written (recursive, searching the theme list at each step): slow,
    /// but plainly right, to check the linear ones against.
    mod reference {
        use super::super::*;
        use crate::core::codebook::Codebook;

        pub fn children<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            b.themes
                .iter()
                .filter(|t| t.parent.as_deref() == Some(key))
                .collect()
        }

        fn below<'a>(
            b: &'a Codebook,
            key: &str,
            seen: &mut BTreeSet<String>,
            out: &mut Vec<&'a Theme>,
        ) {
            for t in children(b, key) {
                if seen.insert(t.key.clone()) {
                    out.push(t);
                    below(b, &t.key, seen, out);
                }
            }
        }

        pub fn descendants<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            let mut out = Vec::new();
            below(b, key, &mut BTreeSet::from([key.to_string()]), &mut out);
            out
        }

        pub fn ancestors<'a>(b: &'a Codebook, key: &str) -> Vec<&'a Theme> {
            let get = |k: &str| b.themes.iter().find(|t| t.key == k);
            let mut out: Vec<&Theme> = Vec::new();
            let mut cur = get(key);
            while let Some(p) = cur.and_then(|t| t.parent.as_deref()).and_then(get) {
                if p.key == key || out.iter().any(|a| a.key == p.key) {
                    break;
                }
                out.push(p);
                cur = Some(p);
            }
            out
        }

        pub fn cycle_messages(b: &Codebook) -> Vec<String> {
            let parent_of: HashMap<&str, &str> = b
                .themes
                .iter()
                .filter_map(|t| t.parent.as_deref().map(|p| (t.key.as_str(), p)))
                .collect();
            let mut out = Vec::new();
            let mut reported: BTreeSet<&str> = BTreeSet::new();
            for t in &b.themes {
                if reported.contains(t.key.as_str()) {
                    continue;
                }
                let mut path = vec![t.key.as_str()];
                let mut cur = t.key.as_str();
                while let Some(&p) = parent_of.get(cur) {
                    if p == t.key && path.len() > 1 {
                        path.push(p);
                        out.push(format!("themes form a parent cycle: {}", path.join(" → ")));
                        reported.extend(path.iter().copied());
                        break;
                    }
                    if path.contains(&p) {
                        break;
                    }
                    path.push(p);
                    cur = p;
                }
            }
            out
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

        /// On small codebooks of every shape (forests, cycles, themes below cycles, missing
        /// parents, self-parents), the linear walks agree with the reference ones.
        #[test]
        fn linear_walks_agree_with_the_reference(
            parents in proptest::collection::vec(proptest::option::of(0usize..14), 0..12)
        ) {
            // Parents 12 and 13 are not themes.
            let b = linked(&parents);
            let h = b.hierarchy();
            let keys = |v: Vec<&Theme>| v.into_iter().map(|t| t.key.clone()).collect::<Vec<_>>();
            for t in &b.themes {
                proptest::prop_assert_eq!(keys(h.descendants(&t.key)), keys(reference::descendants(&b, &t.key)));
                proptest::prop_assert_eq!(keys(h.children(&t.key)), keys(reference::children(&b, &t.key)));
                proptest::prop_assert_eq!(keys(h.ancestors(&t.key).collect()), keys(reference::ancestors(&b, &t.key)));
            }
            let own = |t: &Theme| t.key[1..].parse::<usize>().unwrap() + 1;
            let totals = h.totals(own);
            for (i, t) in b.themes.iter().enumerate() {
                let want = own(t) + reference::descendants(&b, &t.key).into_iter().map(own).sum::<usize>();
                proptest::prop_assert_eq!(totals[i], want, "{}", t.key);
            }
            // Each theme once in the tree, a child one deeper than the row it follows from.
            let rows = h.rows();
            let mut listed: Vec<usize> = rows.iter().map(|r| r.index).collect();
            listed.sort_unstable();
            proptest::prop_assert_eq!(listed, (0..b.themes.len()).collect::<Vec<_>>());
            for w in rows.windows(2) {
                proptest::prop_assert!(w[1].depth <= w[0].depth + 1);
                if w[1].depth == w[0].depth + 1 {
                    proptest::prop_assert_eq!(w[1].theme.parent.as_deref(), Some(w[0].theme.key.as_str()));
                }
            }
            let cycles: Vec<String> = b
                .validate()
                .into_iter()
                .map(|e| e.message)
                .filter(|m| m.contains("cycle"))
                .collect();
            proptest::prop_assert_eq!(cycles, reference::cycle_messages(&b));
        }
    }
}
