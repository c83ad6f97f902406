//! The agreement statistics: percent agreement, Cohen's kappa, Krippendorff's alpha (nominal)
//! and Brennan–Prediger kappa, each defined in docs/agreement.md with a worked example.
//!
//! Two forms of each: general ones over a ratings matrix (any nominal values, missing ratings
//! allowed), and [`Tally`]-based ones for Ripple's present/absent decisions, which count units
//! by how many coders rated them and how many of those said "present", so millions of
//! character units cost a handful of additions. Property tests prove the two forms equal.
//!
//! A figure that cannot be computed (no units, no variation, one coder) is [`Figure::Undefined`]
//! with the reason, never NaN.

use std::collections::BTreeMap;

/// A statistic's value, or why it has none.
#[derive(Clone, Debug, PartialEq)]
pub enum Figure {
    Value(f64),
    Undefined(&'static str),
}

impl Figure {
    pub fn value(&self) -> Option<f64> {
        match self {
            Figure::Value(v) => Some(*v),
            Figure::Undefined(_) => None,
        }
    }

    pub fn reason(&self) -> Option<&'static str> {
        match self {
            Figure::Value(_) => None,
            Figure::Undefined(r) => Some(r),
        }
    }
}

pub const NO_UNITS: &str = "no units to compare";
pub const ONE_CODER: &str = "agreement needs ratings by at least two coders";
pub const NO_VARIATION: &str =
    "no variation: every rating is the same, so chance agreement is 1 and the coefficient is 0/0";
pub const NOT_TWO_CODERS: &str = "Cohen's kappa is defined for exactly two coders (see alpha)";
pub const MISSING_RATINGS: &str = "Cohen's kappa needs both coders' ratings of every unit";

/// The two-coder table of present/absent decisions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Table2 {
    /// Both coders coded the unit with the theme.
    pub both: u64,
    /// Only the first coder did.
    pub only_a: u64,
    /// Only the second coder did.
    pub only_b: u64,
    /// Neither did.
    pub neither: u64,
}

impl Table2 {
    pub fn total(&self) -> u64 {
        self.both + self.only_a + self.only_b + self.neither
    }

    pub fn add(&mut self, o: &Table2) {
        self.both += o.both;
        self.only_a += o.only_a;
        self.only_b += o.only_b;
        self.neither += o.neither;
    }

    /// The table with the coders swapped.
    pub fn swapped(&self) -> Table2 {
        Table2 {
            only_a: self.only_b,
            only_b: self.only_a,
            ..*self
        }
    }

    /// Cohen's kappa of the table, in the closed form for two categories,
    /// κ = 2(ad − bc) / ((a+b)(b+d) + (a+c)(c+d)), which equals (p_o − p_e)/(1 − p_e) and is
    /// computed from exact integer products.
    pub fn kappa(&self) -> Figure {
        if self.total() == 0 {
            return Figure::Undefined(NO_UNITS);
        }
        let (a, b, c, d) = (
            self.both as i128,
            self.only_a as i128,
            self.only_b as i128,
            self.neither as i128,
        );
        let den = (a + b) * (b + d) + (a + c) * (c + d);
        if den == 0 {
            return Figure::Undefined(NO_VARIATION);
        }
        Figure::Value((2 * (a * d - b * c)) as f64 / den as f64)
    }
}

/// Present/absent decisions of one or more themes, counted by pattern: how many units were
/// rated by `r` coders of whom `k` said "present". With two coders and no missing ratings it
/// also keeps the 2×2 table (who said what), which Cohen's kappa needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    coders: usize,
    /// `counts[r * (coders + 1) + k]`.
    counts: Vec<u64>,
    table: Option<Table2>,
}

impl Tally {
    pub fn new(coders: usize) -> Tally {
        Tally {
            coders,
            counts: vec![0; (coders + 1) * (coders + 1)],
            table: (coders == 2).then(Table2::default),
        }
    }

    pub fn coders(&self) -> usize {
        self.coders
    }

    /// Add `n` units that every coder rated, `present` of them "present". For two coders
    /// `first_present` says whether the first of them is among those (used when `present` is 1).
    pub fn add_full(&mut self, present: usize, first_present: bool, n: u64) {
        debug_assert!(present <= self.coders);
        if n == 0 {
            return;
        }
        let r = self.coders;
        self.counts[r * (r + 1) + present] += n;
        if let Some(t) = &mut self.table {
            match (present, first_present) {
                (2, _) => t.both += n,
                (1, true) => t.only_a += n,
                (1, false) => t.only_b += n,
                _ => t.neither += n,
            }
        }
    }

    /// Add one unit from its ratings (`None`: that coder did not rate it).
    pub fn add_unit(&mut self, ratings: &[Option<bool>]) {
        debug_assert_eq!(ratings.len(), self.coders);
        let r = ratings.iter().filter(|x| x.is_some()).count();
        let k = ratings.iter().filter(|x| **x == Some(true)).count();
        if r == self.coders {
            self.add_full(k, ratings.first() == Some(&Some(true)), 1);
        } else {
            self.counts[r * (self.coders + 1) + k] += 1;
            // A unit one coder did not rate has no cell in the 2×2 table.
            self.table = None;
        }
    }

    /// Count as rated "absent" by every coder the units of `total` not counted yet: the units
    /// nobody coded, which the unit sweeps skip.
    pub fn fill_absent(&mut self, total: u64) {
        let r = self.coders;
        let counted: u64 = (0..=r).map(|k| self.count(r, k)).sum();
        debug_assert!(counted <= total, "{counted} units counted of {total}");
        self.add_full(0, false, total.saturating_sub(counted));
    }

    pub fn add(&mut self, o: &Tally) {
        assert_eq!(self.coders, o.coders, "tallies of different coder counts");
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.table = match (self.table, o.table) {
            (Some(mut a), Some(b)) => {
                a.add(&b);
                Some(a)
            }
            _ => None,
        };
    }

    /// Units rated by `r` coders of whom `k` said present.
    pub fn count(&self, r: usize, k: usize) -> u64 {
        self.counts[r * (self.coders + 1) + k]
    }

    /// (raters, present, units) for every pattern with at least one unit.
    fn patterns(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        let w = self.coders + 1;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(move |(i, n)| ((i / w) as u64, (i % w) as u64, *n))
    }

    /// Units rated by at least two coders: the units compared.
    pub fn units(&self) -> u64 {
        self.patterns()
            .filter(|(r, _, _)| *r >= 2)
            .map(|(_, _, n)| n)
            .sum()
    }

    /// The two-coder table, when there are two coders and no missing ratings.
    pub fn table(&self) -> Option<Table2> {
        self.table
    }

    /// Percent agreement as a fraction: the share of agreeing coder pairs in a unit, averaged
    /// over the units rated by two or more coders (for two coders: (both + neither) / units).
    pub fn agreement(&self) -> Figure {
        if self.coders < 2 {
            return Figure::Undefined(ONE_CODER);
        }
        if let Some(t) = self.table {
            return match t.total() {
                0 => Figure::Undefined(NO_UNITS),
                n => Figure::Value((t.both + t.neither) as f64 / n as f64),
            };
        }
        // Sum per pattern the units' agreeing-pair shares: C(k,2) + C(r−k,2) over C(r,2).
        let mut sum = 0.0;
        let mut units = 0u64;
        for (r, k, n) in self.patterns().filter(|(r, _, _)| *r >= 2) {
            let pairs = r * (r - 1);
            let agreeing = k * k.saturating_sub(1) + (r - k) * (r - k).saturating_sub(1);
            sum += n as f64 * agreeing as f64 / pairs as f64;
            units += n;
        }
        if units == 0 {
            return Figure::Undefined(NO_UNITS);
        }
        Figure::Value(sum / units as f64)
    }

    /// Brennan–Prediger kappa with two categories (present, absent): (p_o − ½) / (1 − ½).
    pub fn bp_kappa(&self) -> Figure {
        match self.agreement() {
            Figure::Value(p) => Figure::Value((p - 0.5) / 0.5),
            u => u,
        }
    }

    /// Cohen's kappa: two coders, every unit rated by both.
    pub fn kappa(&self) -> Figure {
        if self.coders < 2 {
            return Figure::Undefined(ONE_CODER);
        }
        if self.coders != 2 {
            return Figure::Undefined(NOT_TWO_CODERS);
        }
        match self.table {
            Some(t) => t.kappa(),
            None => Figure::Undefined(MISSING_RATINGS),
        }
    }

    /// Krippendorff's alpha for nominal data, from the coincidence counts of the pairable units
    /// (rated by two or more coders): α = 1 − (n − 1) · o₀₁ / (n₀ · n₁).
    pub fn alpha(&self) -> Figure {
        if self.coders < 2 {
            return Figure::Undefined(ONE_CODER);
        }
        let (mut n0, mut n1, mut o01) = (0u128, 0u128, 0.0f64);
        // Sum o₀₁ per rater count, dividing once per count: exact integers until then.
        let mut disagreeing_by_r: BTreeMap<u64, u128> = BTreeMap::new();
        for (r, k, n) in self.patterns().filter(|(r, _, _)| *r >= 2) {
            n1 += (k * n) as u128;
            n0 += ((r - k) * n) as u128;
            *disagreeing_by_r.entry(r).or_default() += (k * (r - k)) as u128 * n as u128;
        }
        let total = n0 + n1;
        if total == 0 {
            return Figure::Undefined(NO_UNITS);
        }
        if n0 == 0 || n1 == 0 {
            return Figure::Undefined(NO_VARIATION);
        }
        for (r, d) in disagreeing_by_r {
            o01 += d as f64 / (r - 1) as f64;
        }
        Figure::Value(1.0 - (total - 1) as f64 * o01 / (n0 as f64 * n1 as f64))
    }
}

// ---------------------------------------------------------------------------------------------
// General forms over a ratings matrix: `units[u][c]` is coder c's value for unit u, `None` when
// that coder did not rate it. Values are nominal category labels.

/// Cohen's kappa of two coders' ratings of the same units (p_o − p_e) / (1 − p_e), with p_e
/// from each coder's own category shares; as scikit-learn's `cohen_kappa_score`.
pub fn cohen_kappa(pairs: &[(u32, u32)]) -> Figure {
    if pairs.is_empty() {
        return Figure::Undefined(NO_UNITS);
    }
    let n = pairs.len() as f64;
    let mut a: BTreeMap<u32, u64> = BTreeMap::new();
    let mut b: BTreeMap<u32, u64> = BTreeMap::new();
    let mut agree = 0u64;
    for &(x, y) in pairs {
        *a.entry(x).or_default() += 1;
        *b.entry(y).or_default() += 1;
        agree += u64::from(x == y);
    }
    let po = agree as f64 / n;
    let pe: f64 = a
        .iter()
        .map(|(v, na)| *na as f64 * *b.get(v).unwrap_or(&0) as f64)
        .sum::<f64>()
        / (n * n);
    if pe >= 1.0 {
        return Figure::Undefined(NO_VARIATION);
    }
    Figure::Value((po - pe) / (1.0 - pe))
}

/// Percent agreement as a fraction: per unit rated by two or more coders, the share of coder
/// pairs that gave the same value, averaged over those units (Gwet's p_a, as irrCAC computes it).
pub fn percent_agreement(units: &[Vec<Option<u32>>]) -> Figure {
    let mut sum = 0.0;
    let mut n = 0usize;
    for u in units {
        let vals: Vec<u32> = u.iter().flatten().copied().collect();
        let r = vals.len();
        if r < 2 {
            continue;
        }
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for v in vals {
            *counts.entry(v).or_default() += 1;
        }
        let agreeing: usize = counts.values().map(|k| k * (k - 1)).sum();
        sum += agreeing as f64 / (r * (r - 1)) as f64;
        n += 1;
    }
    if n == 0 {
        return Figure::Undefined(NO_UNITS);
    }
    Figure::Value(sum / n as f64)
}

/// Brennan–Prediger kappa with `q` categories: (p_a − 1/q) / (1 − 1/q).
pub fn bp_kappa(units: &[Vec<Option<u32>>], q: usize) -> Figure {
    assert!(
        q >= 2,
        "Brennan–Prediger kappa needs at least two categories"
    );
    match percent_agreement(units) {
        Figure::Value(p) => {
            let pe = 1.0 / q as f64;
            Figure::Value((p - pe) / (1.0 - pe))
        }
        u => u,
    }
}

/// Krippendorff's alpha for nominal data with missing ratings (Krippendorff 2011, "Computing
/// Krippendorff's alpha-reliability", section C): coincidences o_ck = Σ_u (pairs c–k in u) /
/// (m_u − 1) over units with m_u ≥ 2 values; α = 1 − (n − 1) Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k.
pub fn alpha_nominal(units: &[Vec<Option<u32>>]) -> Figure {
    let mut disagreeing = 0.0; // Σ_{c≠k} o_ck
    let mut n_c: BTreeMap<u32, f64> = BTreeMap::new();
    for u in units {
        let vals: Vec<u32> = u.iter().flatten().copied().collect();
        let m = vals.len();
        if m < 2 {
            continue;
        }
        let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
        for &v in &vals {
            *counts.entry(v).or_default() += 1;
        }
        // Ordered pairs of different values: m² − Σ k².
        let same: usize = counts.values().map(|k| k * k).sum();
        disagreeing += (m * m - same) as f64 / (m - 1) as f64;
        for (v, k) in counts {
            *n_c.entry(v).or_default() += k as f64;
        }
    }
    let n: f64 = n_c.values().sum();
    if n == 0.0 {
        return Figure::Undefined(NO_UNITS);
    }
    let sum_sq: f64 = n_c.values().map(|x| x * x).sum();
    let expected = n * n - sum_sq; // Σ_{c≠k} n_c n_k
    if expected == 0.0 {
        return Figure::Undefined(NO_VARIATION);
    }
    Figure::Value(1.0 - (n - 1.0) * disagreeing / expected)
}

#[cfg(test)]
mod tests {
    //! Reference values were computed once, on 2026-11 with Python 3.11.7, scikit-learn 1.9.1,
    //! krippendorff 0.9.0 and irrCAC 0.4.4, by this script (printed values copied below):
    //!
    //! ```python
    //! import numpy as np, krippendorff, pandas as pd
    //! from sklearn.metrics import cohen_kappa_score
    //! from irrCAC.raw import CAC
    //! nan = np.nan
    //! K = [[1,2,3,3,2,1,4,1,2,nan,nan,nan],
    //!      [1,2,3,3,2,2,4,1,2,5,nan,3],
    //!      [nan,3,3,3,2,3,4,2,2,5,1,nan],
    //!      [1,2,3,3,2,4,4,1,2,5,1,nan]]
    //! krippendorff.alpha(reliability_data=K, level_of_measurement="nominal")
    //!   # 0.743421052631579
    //! c = CAC(pd.DataFrame(np.array(K).T), digits=17).bp()["est"]
    //!   # pa 0.8181818181818182, coefficient_value (q = 5) 0.7727272727272726
    //! a = [1]*20 + [1]*5 + [0]*10 + [0]*15
    //! b = [1]*20 + [0]*5 + [1]*10 + [0]*15
    //! cohen_kappa_score(a, b)                                     # 0.4
    //! x = [i % 3 for i in range(30)]
    //! y = [(i % 3) if i % 4 else (i + 1) % 3 for i in range(30)]
    //! cohen_kappa_score(x, y)                                     # 0.6
    //! B = [[1,1,1],[0,0,0],[1,0,None],[0,1,1],[None,0,0],[1,1,0],[0,0,None],[1,None,1],
    //!      [0,0,1],[1,1,1],[None,None,1]]
    //! rel = [[nan if u[c] is None else u[c] for u in B] for c in range(3)]
    //! krippendorff.alpha(reliability_data=rel, level_of_measurement="nominal")
    //!   # 0.40476190476190477
    //! CAC(pd.DataFrame([[nan if v is None else v for v in u] for u in B]),
    //!     categories=[0, 1], digits=17).bp()["est"]
    //!   # pa 0.7, coefficient_value 0.3999999999999999
    //! ```
    use super::*;
    use proptest::prelude::*;

    const TOL: f64 = 1e-9;

    fn close(f: &Figure, want: f64) {
        match f {
            Figure::Value(v) => assert!((v - want).abs() < TOL, "{v} is not {want}"),
            Figure::Undefined(r) => panic!("undefined ({r}), wanted {want}"),
        }
    }

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal
    /// data, four observers, twelve units, missing values. Published α = 0.743.
    fn krippendorff_example() -> Vec<Vec<Option<u32>>> {
        let rows: [[u32; 12]; 4] = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        (0..12)
            .map(|u| rows.iter().map(|r| (r[u] != 0).then_some(r[u])).collect())
            .collect()
    }

    #[test]
    fn krippendorffs_published_nominal_example_with_missing_values() {
        let units = krippendorff_example();
        let alpha = alpha_nominal(&units);
        close(&alpha, 0.743421052631579);
        assert_eq!(format!("{:.3}", alpha.value().unwrap()), "0.743");
        close(&percent_agreement(&units), 0.8181818181818182);
        close(&bp_kappa(&units, 5), 0.7727272727272726);
    }

    /// Wikipedia, "Cohen's kappa", worked example: 50 grant proposals, two readers; both yes 20,
    /// A yes B no 5, A no B yes 10, both no 15: p_o = 0.7, p_e = 0.5, κ = 0.4.
    #[test]
    fn cohens_textbook_example_from_pairs_and_from_the_table() {
        let mut pairs = vec![(1, 1); 20];
        pairs.extend(vec![(1, 0); 5]);
        pairs.extend(vec![(0, 1); 10]);
        pairs.extend(vec![(0, 0); 15]);
        close(&cohen_kappa(&pairs), 0.4);
        let t = Table2 {
            both: 20,
            only_a: 5,
            only_b: 10,
            neither: 15,
        };
        close(&t.kappa(), 0.4);
        let mut tally = Tally::new(2);
        tally.add_full(2, true, 20);
        tally.add_full(1, true, 5);
        tally.add_full(1, false, 10);
        tally.add_full(0, false, 15);
        close(&tally.kappa(), 0.4);
        close(&tally.agreement(), 0.7);
        close(&tally.bp_kappa(), 0.4);
        assert_eq!(tally.units(), 50);
    }

    #[test]
    fn cohens_kappa_with_three_categories_matches_scikit_learn() {
        let pairs: Vec<(u32, u32)> = (0..30u32)
            .map(|i| (i % 3, if i % 4 != 0 { i % 3 } else { (i + 1) % 3 }))
            .collect();
        close(&cohen_kappa(&pairs), 0.6);
    }

    #[test]
    fn binary_ratings_of_three_coders_with_missing_values() {
        let b: [[i8; 3]; 11] = [
            [1, 1, 1],
            [0, 0, 0],
            [1, 0, -1],
            [0, 1, 1],
            [-1, 0, 0],
            [1, 1, 0],
            [0, 0, -1],
            [1, -1, 1],
            [0, 0, 1],
            [1, 1, 1],
            [-1, -1, 1],
        ];
        let units: Vec<Vec<Option<u32>>> = b
            .iter()
            .map(|u| u.iter().map(|&v| (v >= 0).then_some(v as u32)).collect())
            .collect();
        close(&alpha_nominal(&units), 0.40476190476190477);
        close(&percent_agreement(&units), 0.7);
        close(&bp_kappa(&units, 2), 0.3999999999999999);
        let mut tally = Tally::new(3);
        for u in &b {
            let r: Vec<Option<bool>> = u.iter().map(|&v| (v >= 0).then_some(v == 1)).collect();
            tally.add_unit(&r);
        }
        close(&tally.alpha(), 0.40476190476190477);
        close(&tally.agreement(), 0.7);
        close(&tally.bp_kappa(), 0.3999999999999999);
        assert_eq!(tally.units(), 10, "the unit rated once is not compared");
        assert_eq!(tally.kappa(), Figure::Undefined(NOT_TWO_CODERS));
    }

    #[test]
    fn edge_cases_are_undefined_with_a_reason_never_nan() {
        // No units.
        let empty = Tally::new(2);
        assert_eq!(empty.kappa(), Figure::Undefined(NO_UNITS));
        assert_eq!(empty.alpha(), Figure::Undefined(NO_UNITS));
        assert_eq!(empty.agreement(), Figure::Undefined(NO_UNITS));
        assert_eq!(empty.units(), 0);
        // No variation: both coders said "absent" everywhere.
        let mut flat = Tally::new(2);
        flat.add_full(0, false, 100);
        assert_eq!(flat.kappa(), Figure::Undefined(NO_VARIATION));
        assert_eq!(flat.alpha(), Figure::Undefined(NO_VARIATION));
        close(&flat.agreement(), 1.0);
        close(&flat.bp_kappa(), 1.0);
        // One coder.
        let mut one = Tally::new(1);
        one.add_full(1, true, 10);
        assert_eq!(one.units(), 0);
        for f in [one.kappa(), one.alpha(), one.agreement(), one.bp_kappa()] {
            assert_eq!(f, Figure::Undefined(ONE_CODER));
        }
        assert_eq!(alpha_nominal(&[vec![Some(1)]]), Figure::Undefined(NO_UNITS));
        assert_eq!(
            cohen_kappa(&[(1, 1), (1, 1)]),
            Figure::Undefined(NO_VARIATION)
        );
        // One coder always "present", the other never: κ = 0, not undefined.
        let t = Table2 {
            only_a: 7,
            ..Table2::default()
        };
        close(&t.kappa(), 0.0);
    }

    /// Two coders' binary ratings, some missing when `missing` is set.
    fn ratings(coders: usize, missing: bool) -> impl Strategy<Value = Vec<Vec<Option<bool>>>> {
        let cell = if missing {
            prop_oneof![3 => any::<bool>().prop_map(Some), 1 => Just(None)].boxed()
        } else {
            any::<bool>().prop_map(Some).boxed()
        };
        prop::collection::vec(prop::collection::vec(cell, coders), 0..60)
    }

    fn tally_of(units: &[Vec<Option<bool>>], coders: usize) -> Tally {
        let mut t = Tally::new(coders);
        for u in units {
            t.add_unit(u);
        }
        t
    }

    fn as_values(units: &[Vec<Option<bool>>]) -> Vec<Vec<Option<u32>>> {
        units
            .iter()
            .map(|u| u.iter().map(|v| v.map(u32::from)).collect())
            .collect()
    }

    fn same(a: &Figure, b: &Figure) -> bool {
        match (a, b) {
            (Figure::Value(x), Figure::Value(y)) => (x - y).abs() < TOL,
            (Figure::Undefined(_), Figure::Undefined(_)) => true,
            _ => false,
        }
    }

    proptest! {
        #[test]
        fn tallies_equal_the_general_definitions(coders in 2usize..5, missing: bool, seed in ratings(4, true)) {
            let units: Vec<Vec<Option<bool>>> = seed
                .into_iter()
                .map(|u| u.into_iter().take(coders).map(|v| if missing { v } else { Some(v.unwrap_or(false)) }).collect())
                .collect();
            let t = tally_of(&units, coders);
            let v = as_values(&units);
            prop_assert!(same(&t.alpha(), &alpha_nominal(&v)), "{:?} {:?}", t.alpha(), alpha_nominal(&v));
            prop_assert!(same(&t.agreement(), &percent_agreement(&v)));
            prop_assert!(same(&t.bp_kappa(), &bp_kappa(&v, 2)));
            if coders == 2 && !missing {
                let pairs: Vec<(u32, u32)> = v.iter().map(|u| (u[0].unwrap(), u[1].unwrap())).collect();
                prop_assert!(same(&t.kappa(), &cohen_kappa(&pairs)));
            }
        }

        #[test]
        fn a_coder_agrees_with_itself(units in ratings(1, false)) {
            let twice: Vec<Vec<Option<bool>>> = units.iter().map(|u| vec![u[0], u[0]]).collect();
            let t = tally_of(&twice, 2);
            for f in [t.kappa(), t.alpha(), t.agreement(), t.bp_kappa()] {
                match f {
                    Figure::Value(v) => prop_assert!((v - 1.0).abs() < TOL, "{v}"),
                    Figure::Undefined(r) => prop_assert!(r == NO_UNITS || r == NO_VARIATION),
                }
            }
        }

        #[test]
        fn swapping_coders_changes_nothing(units in ratings(3, true), full: bool) {
            let units: Vec<Vec<Option<bool>>> = if full {
                units.iter().map(|u| vec![Some(u[0].unwrap_or(true)), Some(u[1].unwrap_or(false))]).collect()
            } else {
                units
            };
            let coders = units.first().map_or(2, Vec::len);
            let swapped: Vec<Vec<Option<bool>>> = units.iter().map(|u| u.iter().rev().copied().collect()).collect();
            let (a, b) = (tally_of(&units, coders), tally_of(&swapped, coders));
            prop_assert_eq!(a.kappa(), b.kappa());
            prop_assert!(same(&a.alpha(), &b.alpha()));
            prop_assert!(same(&a.agreement(), &b.agreement()));
            prop_assert_eq!(a.units(), b.units());
        }

        #[test]
        fn kappa_and_alpha_stay_within_their_bounds(units in ratings(3, true), two: bool) {
            let units: Vec<Vec<Option<bool>>> = if two {
                units.iter().map(|u| vec![Some(u[0].unwrap_or(true)), Some(u[1].unwrap_or(false))]).collect()
            } else {
                units
            };
            let coders = units.first().map_or(2, Vec::len);
            let t = tally_of(&units, coders);
            for f in [t.kappa(), t.alpha(), t.bp_kappa()] {
                if let Figure::Value(v) = f {
                    prop_assert!((-1.0..=1.0).contains(&v), "{v}");
                }
            }
            if let Figure::Value(p) = t.agreement() {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }
    }
}
