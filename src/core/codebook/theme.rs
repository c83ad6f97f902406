//! A theme of the codebook, and the rules for its key and colour.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    /// Short unique key, lowercase, `[a-z0-9-]` (e.g. `trust`).
    pub key: String,
    pub name: String,
    /// `#rrggbb`.
    pub colour: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub definition: String,
    #[serde(default)]
    pub use_when: String,
    #[serde(default)]
    pub not_when: String,
    #[serde(default)]
    pub example: String,
}

impl Theme {
    /// A theme with only the required fields filled in.
    pub fn new(key: &str, name: &str, colour: &str) -> Theme {
        Theme {
            key: key.to_string(),
            name: name.to_string(),
            colour: colour.to_string(),
            parent: None,
            definition: String::new(),
            use_when: String::new(),
            not_when: String::new(),
            example: String::new(),
        }
    }

    /// The colour as RGB, if it is a valid `#rrggbb`.
    pub fn rgb(&self) -> Option<(u8, u8, u8)> {
        parse_colour(&self.colour)
    }
}

/// Colours offered for new themes: readable as text on both light and dark terminals
/// (contrast at least 3:1 against black and against white) and apart from one another.
pub const PALETTE: [&str; 24] = [
    "#1f8fd6", "#12a0a0", "#8a6fdc", "#2f9e6a", "#7f9612", "#a65cc8", "#3a62e0", "#c96f1c",
    "#e86a28", "#e0607a", "#a0662c", "#b08a10", "#c2448f", "#cc2f2f", "#2e9c48", "#8a7f5a",
    "#5b7a99", "#0e8fb0", "#d0508a", "#6f8f3a", "#9a6a9e", "#bb5c3c", "#4f88a8", "#968a20",
];

/// True for `#rrggbb` (hex digits in either case).
pub fn is_valid_colour(s: &str) -> bool {
    parse_colour(s).is_some()
}

fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// A theme key is lowercase ASCII letters, digits and single dashes, starting with a letter.
pub fn is_valid_key(key: &str) -> bool {
    let b = key.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_lowercase()
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !key.ends_with('-')
        && !key.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codebook::Codebook;

    fn relative_luminance((r, g, b): (u8, u8, u8)) -> f64 {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    fn lab(rgb: (u8, u8, u8)) -> (f64, f64, f64) {
        let lin = |c: u8| {
            let c = c as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let (r, g, b) = (lin(rgb.0), lin(rgb.1), lin(rgb.2));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        (
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        )
    }

    fn readable_on_light_and_dark(c: &str) -> bool {
        let l = relative_luminance(parse_colour(c).unwrap());
        let on_white = 1.05 / (l + 0.05);
        let on_black = (l + 0.05) / 0.05;
        on_white >= 3.0 && on_black >= 3.0
    }

    #[test]
    fn colours_are_readable_and_distinct() {
        let b = Codebook::builtin();
        for t in &b.themes {
            assert!(readable_on_light_and_dark(&t.colour), "{}", t.key);
        }
        for c in PALETTE {
            assert!(readable_on_light_and_dark(c), "{c}");
        }
        for (i, a) in b.themes.iter().enumerate() {
            for o in &b.themes[i + 1..] {
                let (x, y) = (lab(a.rgb().unwrap()), lab(o.rgb().unwrap()));
                let d = ((x.0 - y.0).powi(2) + (x.1 - y.1).powi(2) + (x.2 - y.2).powi(2)).sqrt();
                assert!(d >= 12.0, "{} and {} look alike (ΔE {d:.1})", a.key, o.key);
            }
        }
    }
}
