//! One table shape for the analysis screen's three tables (the theme matrix, co-occurrence,
//! words by column): row and column labels, the numbers, totals and sparklines, and how the
//! numbers are written. Built once when an answer arrives (on the IO thread), so drawing and
//! moving never walk the analysis results again. Also the geometry of the table on screen
//! (column widths, which columns fit), shared by the view and by `settle`, so the columns the
//! cursor scrolls to are the ones drawn.

use crate::core::analysis::{Cooccurrence, Matrix, TermCounts, Value};

/// How a table's numbers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fmt {
    /// Whole numbers.
    Count,
    /// A share (0–1) as a percentage.
    Share,
    /// A coefficient, two decimals.
    Coef,
    /// Per 10,000 words, one decimal.
    Per10k,
}

impl Fmt {
    pub fn write(self, v: f64) -> String {
        match self {
            Fmt::Count => format!("{}", v.round() as i64),
            Fmt::Share => format!("{:.0}%", v * 100.0),
            Fmt::Coef if v.is_nan() => "—".into(),
            Fmt::Coef => format!("{v:.2}"),
            Fmt::Per10k => format!("{v:.1}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct GridRow {
    pub label: String,
    /// Theme key or the counted words (what folding remembers).
    pub key: String,
    pub depth: usize,
    pub parent: Option<usize>,
    pub has_children: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// What the rows are ("Theme", "Words").
    pub corner: String,
    pub rows: Vec<GridRow>,
    pub cols: Vec<String>,
    /// `cells[row][col]`.
    pub cells: Vec<Vec<f64>>,
    pub row_totals: Option<Vec<f64>>,
    /// The last row ("all themes"): per column, and over everything.
    pub col_totals: Option<(Vec<f64>, f64)>,
    /// Per row, values over calendar months.
    pub sparklines: Option<Vec<Vec<f64>>>,
    pub fmt: Fmt,
    /// The largest cell (for shading; totals are not shaded).
    pub max: f64,
}

fn max_of(cells: &[Vec<f64>]) -> f64 {
    cells
        .iter()
        .flat_map(|r| r.iter().copied())
        .fold(0.0, f64::max)
}

impl Grid {
    pub fn of_matrix(m: &Matrix) -> Grid {
        Grid {
            corner: if m.flat {
                "Theme (flat)".into()
            } else {
                "Theme".into()
            },
            rows: m
                .rows
                .iter()
                .map(|r| GridRow {
                    label: r.name.clone(),
                    key: r.key.clone(),
                    depth: r.depth,
                    parent: r.parent,
                    has_children: r.has_children,
                })
                .collect(),
            cols: m.cols.iter().map(|c| c.label.clone()).collect(),
            max: max_of(&m.cells),
            cells: m.cells.clone(),
            row_totals: Some(m.row_totals.clone()),
            col_totals: Some((m.col_totals.clone(), m.total)),
            sparklines: Some(m.sparklines.clone()),
            fmt: if m.value == Value::Share {
                Fmt::Share
            } else {
                Fmt::Count
            },
        }
    }

    /// Co-occurrence: counts, or c-coefficients (`coef`).
    pub fn of_cooccurrence(co: &Cooccurrence, coef: bool) -> Grid {
        let n = co.themes.len();
        let cells: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if coef {
                            if i == j {
                                0.0
                            } else {
                                // No value (more overlapping pairs than passages): NaN,
                                // written "—" and never shaded.
                                co.c_coefficient(i, j).unwrap_or(f64::NAN)
                            }
                        } else {
                            co.counts[i][j] as f64
                        }
                    })
                    .collect()
            })
            .collect();
        // The diagonal (each theme's own count) would outshine every pair: shade pairs only.
        let max = cells
            .iter()
            .enumerate()
            .flat_map(|(i, r)| r.iter().enumerate().filter(move |(j, _)| *j != i))
            .map(|(_, v)| *v)
            .fold(0.0, f64::max);
        Grid {
            corner: "Theme".into(),
            rows: co
                .themes
                .iter()
                .zip(&co.names)
                .map(|(k, name)| GridRow {
                    label: name.clone(),
                    key: k.clone(),
                    depth: 0,
                    parent: None,
                    has_children: false,
                })
                .collect(),
            cols: co.themes.clone(),
            cells,
            row_totals: None,
            col_totals: None,
            sparklines: None,
            fmt: if coef { Fmt::Coef } else { Fmt::Count },
            max,
        }
    }

    pub fn of_terms(t: &TermCounts) -> Grid {
        Grid {
            corner: "Words".into(),
            rows: t
                .terms
                .iter()
                .map(|w| GridRow {
                    label: w.clone(),
                    key: w.clone(),
                    depth: 0,
                    parent: None,
                    has_children: false,
                })
                .collect(),
            cols: t.cols.iter().map(|c| c.label.clone()).collect(),
            max: max_of(&t.counts),
            cells: t.counts.clone(),
            row_totals: Some(t.totals.clone()),
            col_totals: None,
            sparklines: None,
            fmt: if t.per_10k { Fmt::Per10k } else { Fmt::Count },
        }
    }

    /// Rows the cursor can be on: the data rows, then the totals row when there is one.
    pub fn row_count(&self) -> usize {
        self.rows.len() + usize::from(self.col_totals.is_some())
    }

    /// Columns the cursor can be on: the data columns, then the totals column.
    pub fn col_count(&self) -> usize {
        self.cols.len() + usize::from(self.row_totals.is_some())
    }

    /// The value at a cursor position (totals included).
    pub fn value(&self, row: usize, col: usize) -> Option<f64> {
        let nrows = self.rows.len();
        let ncols = self.cols.len();
        match (row < nrows, col < ncols) {
            (true, true) => self.cells.get(row)?.get(col).copied(),
            (true, false) => self.row_totals.as_ref()?.get(row).copied(),
            (false, true) => self.col_totals.as_ref()?.0.get(col).copied(),
            (false, false) => self.col_totals.as_ref().map(|t| t.1),
        }
    }

    /// Rows shown with the rows below each folded key hidden, in order (the totals row not
    /// included).
    pub fn visible(&self, folded: &std::collections::HashSet<String>) -> Vec<usize> {
        let mut hidden = vec![false; self.rows.len()];
        let mut out = Vec::with_capacity(self.rows.len());
        for (i, r) in self.rows.iter().enumerate() {
            if let Some(p) = r.parent {
                if hidden[p] || folded.contains(&self.rows[p].key) {
                    hidden[i] = true;
                    continue;
                }
            }
            out.push(i);
        }
        out
    }

    /// The width of the row labels' column on a screen `width` wide.
    pub fn label_width(&self, width: u16) -> u16 {
        let longest = self
            .rows
            .iter()
            .map(|r| 2 * r.depth + 2 + r.label.chars().count())
            .max()
            .unwrap_or(0)
            .max(self.corner.chars().count())
            .max(12);
        (longest as u16).min(30).min(width / 3).max(8)
    }

    /// The width of data column `c` (its header shortened to at most 10, or its widest number
    /// and a shade mark), with one space before it.
    pub fn col_width(&self, c: usize) -> u16 {
        let head = self.cols[c].chars().count().min(10);
        let widest = self
            .cells
            .iter()
            .map(|r| self.fmt.write(r[c]).len())
            .chain(
                self.col_totals
                    .iter()
                    .map(|(t, _)| self.fmt.write(t[c]).len()),
            )
            .max()
            .unwrap_or(1);
        ((head + 1).max(widest + 1).max(4) + 1) as u16
    }

    /// The totals column's width (0 without one).
    pub fn total_width(&self) -> u16 {
        let Some(t) = &self.row_totals else { return 0 };
        let widest = t
            .iter()
            .map(|v| self.fmt.write(*v).len())
            .chain(
                self.col_totals
                    .iter()
                    .map(|(_, v)| self.fmt.write(*v).len()),
            )
            .max()
            .unwrap_or(1);
        (widest.max(5) + 2) as u16
    }

    /// The sparklines' width (0 without them): one cell a month, at most `SPARK_MAX`.
    pub fn spark_width(&self) -> u16 {
        match &self.sparklines {
            Some(s) => {
                let months = s.first().map_or(0, Vec::len);
                if months == 0 {
                    0
                } else {
                    months.min(SPARK_MAX) as u16 + 2
                }
            }
            None => 0,
        }
    }

    /// The data columns that fit from `offset` on a screen `width` wide (at least one).
    pub fn fitting(&self, width: u16, offset: usize) -> usize {
        let mut room = width
            .saturating_sub(self.label_width(width))
            .saturating_sub(self.total_width())
            .saturating_sub(self.spark_width());
        let mut n = 0;
        for c in offset..self.cols.len() {
            let w = self.col_width(c);
            if w > room {
                break;
            }
            room -= w;
            n += 1;
        }
        n.max(1).min(self.cols.len().saturating_sub(offset))
    }

    /// The first data column shown, moved as little as needed from `offset` so that the
    /// cursor's column `col` is on screen (the totals column is always on screen).
    pub fn col_offset(&self, width: u16, offset: usize, col: usize) -> usize {
        let ncols = self.cols.len();
        if ncols == 0 {
            return 0;
        }
        let mut offset = offset.min(ncols - 1);
        if col >= ncols {
            return offset;
        }
        if col < offset {
            return col;
        }
        while col >= offset + self.fitting(width, offset) {
            offset += 1;
        }
        offset
    }
}

/// Most months a sparkline shows; longer runs are summed (averaged, for shares) into buckets.
pub const SPARK_MAX: usize = 24;

/// A sparkline of `values` at most `SPARK_MAX` cells wide, scaled to its own largest value.
pub fn sparkline(values: &[f64], share: bool) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let buckets: Vec<f64> = if values.len() <= SPARK_MAX {
        values.to_vec()
    } else {
        let per = values.len().div_ceil(SPARK_MAX);
        values
            .chunks(per)
            .map(|c| {
                let sum: f64 = c.iter().sum();
                if share {
                    sum / c.len() as f64
                } else {
                    sum
                }
            })
            .collect()
    };
    let max = buckets.iter().copied().fold(0.0, f64::max);
    buckets
        .iter()
        .map(|&v| {
            if v <= 0.0 || max <= 0.0 {
                ' '
            } else {
                let i = ((v / max) * 7.0).round() as usize;
                BARS[i.clamp(0, 7)]
            }
        })
        .collect()
}

/// How dark a cell is shaded: 0 (nothing) to 4 (the largest values).
pub fn shade(v: f64, max: f64) -> usize {
    if v.is_nan() || v <= 0.0 || max <= 0.0 {
        0
    } else {
        (((v / max) * 4.0).ceil() as usize).clamp(1, 4)
    }
}

/// The mark beside a number when there is no colour: the shade as a character.
pub fn shade_mark(level: usize) -> char {
    [' ', '░', '▒', '▓', '█'][level.min(4)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_coefficient_without_a_value_is_written_as_a_dash_and_never_shaded() {
        assert_eq!(Fmt::Coef.write(f64::NAN), "—");
        assert_eq!(Fmt::Coef.write(0.5), "0.50");
        assert_eq!(shade(f64::NAN, 1.0), 0);
        assert_eq!(shade(1.0, 1.0), 4);
    }
}
