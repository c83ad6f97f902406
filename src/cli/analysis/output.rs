//! A grid of text written as an aligned table, CSV or a Markdown table.

use unicode_width::UnicodeWidthStr;

pub struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns aligned left (the others right: numbers).
    pub left: Vec<usize>,
}

impl Grid {
    /// The grid in `format` under `title` (JSON is each command's own shape, not a grid: it
    /// is written as CSV here).
    pub fn titled(&self, format: super::Format, title: &str) -> anyhow::Result<String> {
        Ok(match format {
            super::Format::Table => format!("{title}\n\n{}", self.table()),
            super::Format::Md => format!("*{title}*\n\n{}", self.markdown()),
            super::Format::Csv | super::Format::Json => self.csv()?,
        })
    }

    pub fn table(&self) -> String {
        let n = self.header.len();
        let widths: Vec<usize> = (0..n)
            .map(|i| {
                self.rows
                    .iter()
                    .map(|r| r.get(i).map_or(0, |c| c.width()))
                    .chain([self.header[i].width()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                let pad = " ".repeat(widths[i].saturating_sub(c.width()));
                if i > 0 {
                    s.push_str("  ");
                }
                if self.left.contains(&i) {
                    s.push_str(c);
                    if i + 1 < cells.len() {
                        s.push_str(&pad);
                    }
                } else {
                    s.push_str(&pad);
                    s.push_str(c);
                }
            }
            s.trim_end().to_string() + "\n"
        };
        let mut out = line(&self.header);
        for r in &self.rows {
            out.push_str(&line(r));
        }
        out
    }

    pub fn csv(&self) -> anyhow::Result<String> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(&self.header)?;
        for r in &self.rows {
            w.write_record(r)?;
        }
        let bytes = w.into_inner().map_err(|e| anyhow::anyhow!(e.to_string()))?;
        Ok(String::from_utf8(bytes)?)
    }

    pub fn markdown(&self) -> String {
        let esc = |s: &str| s.replace('|', "\\|").replace('\n', " ");
        let mut out = String::new();
        out.push_str(&format!(
            "| {} |\n",
            self.header
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        out.push_str(&format!(
            "|{}|\n",
            (0..self.header.len())
                .map(|i| if self.left.contains(&i) {
                    " --- "
                } else {
                    " ---: "
                })
                .collect::<Vec<_>>()
                .join("|")
        ));
        for r in &self.rows {
            out.push_str(&format!(
                "| {} |\n",
                r.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")
            ));
        }
        out
    }
}

/// A row of values as a sparkline of block characters, scaled to the row's largest value.
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().fold(0.0f64, f64::max);
    values
        .iter()
        .map(|&v| {
            if max <= 0.0 || v <= 0.0 {
                ' '
            } else {
                BARS[(((v / max) * 7.0).round() as usize).min(7)]
            }
        })
        .collect()
}
