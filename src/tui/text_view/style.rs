//! The colours and styles of the view: coded spans, theme colours and the view's style.

use crate::core::codebook::Codebook;
use crate::core::coding::{AnchorStatus, Coding};
use ratatui::style::{Color, Modifier, Style};

/// A styled range of the note: a coded passage (or anything else worth colouring).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodedSpan {
    /// Chars, half-open.
    pub start: usize,
    pub end: usize,
    /// The theme colour; None draws the passage without colour (underlined).
    pub colour: Option<(u8, u8, u8)>,
    /// Shown in the margin (a theme key such as `trust`).
    pub label: String,
    /// Drawn instead of the colour-derived style when set (e.g. the coding being edited).
    pub style: Option<Style>,
}

impl CodedSpan {
    pub fn new(start: usize, end: usize, colour: Option<(u8, u8, u8)>, label: &str) -> CodedSpan {
        CodedSpan {
            start,
            end,
            colour,
            label: label.to_string(),
            style: None,
        }
    }
}

/// Parse `#rrggbb` (or `rrggbb`).
pub fn parse_hex_colour(s: &str) -> Option<(u8, u8, u8)> {
    let h = s.trim().trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return None;
    }
    let p = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some((p(0)?, p(2)?, p(4)?))
}

/// Black or white, whichever reads better on the background `rgb` (WCAG relative luminance).
pub fn contrast_text(rgb: (u8, u8, u8)) -> Color {
    // sRGB to linear light, tabulated once (this runs for every coded cell of every frame).
    static LINEAR: std::sync::OnceLock<[f64; 256]> = std::sync::OnceLock::new();
    let table = LINEAR.get_or_init(|| {
        std::array::from_fn(|i| {
            let c = i as f64 / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
    });
    let lin = |c: u8| table[c as usize];
    let l = 0.2126 * lin(rgb.0) + 0.7152 * lin(rgb.1) + 0.0722 * lin(rgb.2);
    // Contrast with black (l+0.05)/0.05 beats contrast with white 1.05/(l+0.05) above ~0.179.
    if l > 0.179 {
        Color::Rgb(0, 0, 0)
    } else {
        Color::Rgb(255, 255, 255)
    }
}

/// Spans for the attached codings, coloured by their theme in `codebook` (themes missing
/// from the codebook are drawn without colour).
pub fn spans_for_codings<'a>(
    codings: impl IntoIterator<Item = &'a Coding>,
    codebook: &Codebook,
) -> Vec<CodedSpan> {
    codings
        .into_iter()
        .filter(|c| c.status == AnchorStatus::Attached && c.start < c.end)
        .map(|c| CodedSpan {
            start: c.start,
            end: c.end,
            colour: codebook
                .themes
                .iter()
                .find(|t| t.key == c.theme)
                .and_then(|t| parse_hex_colour(&t.colour)),
            label: c.theme.clone(),
            style: None,
        })
        .collect()
}

/// How the view draws things.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextViewStyle {
    /// NO_COLOR: no colours at all; passages are underlined (bold where they overlap), the
    /// margin shows theme keys as plain text.
    pub no_color: bool,
    /// Columns of the coding margin, including its one-column separator (0 = no margin).
    pub margin_width: u16,
    /// Base style of the text.
    pub text: Style,
    /// Patched over everything for the selection.
    pub selection: Style,
    /// Patched over coded passages for search hits.
    pub search_hit: Style,
    /// Patched over misspelt words: underlined (in red where the terminal colours underlines);
    /// with NO_COLOR, underlined and italic, unlike a coded passage (underlined alone).
    pub misspelt: Style,
    /// The margin's separator column.
    pub separator: Style,
}

impl TextViewStyle {
    pub fn new(no_color: bool) -> TextViewStyle {
        if no_color {
            TextViewStyle {
                no_color,
                margin_width: 14,
                text: Style::new(),
                selection: Style::new().add_modifier(Modifier::REVERSED),
                search_hit: Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
                misspelt: Style::new().add_modifier(Modifier::UNDERLINED | Modifier::ITALIC),
                separator: Style::new(),
            }
        } else {
            TextViewStyle {
                no_color,
                margin_width: 14,
                text: Style::new(),
                selection: Style::new().add_modifier(Modifier::REVERSED),
                search_hit: Style::new()
                    .bg(Color::Rgb(255, 215, 0))
                    .fg(Color::Rgb(0, 0, 0))
                    .add_modifier(Modifier::BOLD),
                misspelt: Style::new()
                    .add_modifier(Modifier::UNDERLINED)
                    .underline_color(Color::Red),
                separator: Style::new().fg(Color::DarkGray),
            }
        }
    }

    /// The style of text covered by `span`, with `overlap` when another span covers it too.
    pub(super) fn coded(&self, colour: Option<(u8, u8, u8)>, overlap: bool) -> Style {
        let mut s = self.text;
        match colour {
            Some(rgb) if !self.no_color => {
                s = s.bg(Color::Rgb(rgb.0, rgb.1, rgb.2)).fg(contrast_text(rgb));
                if overlap {
                    s = s.add_modifier(Modifier::UNDERLINED);
                }
            }
            _ => {
                s = s.add_modifier(Modifier::UNDERLINED);
                if overlap {
                    s = s.add_modifier(Modifier::BOLD);
                }
            }
        }
        s
    }

    pub(super) fn label(&self, colour: Option<(u8, u8, u8)>) -> Style {
        match colour {
            Some(rgb) if !self.no_color => Style::new()
                .bg(Color::Rgb(rgb.0, rgb.1, rgb.2))
                .fg(contrast_text(rgb)),
            _ => Style::new(),
        }
    }
}

impl TextViewStyle {
    /// Colours unless the `NO_COLOR` environment variable is set to something non-empty
    /// (<https://no-color.org>).
    pub fn from_env() -> TextViewStyle {
        TextViewStyle::new(std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()))
    }
}

impl Default for TextViewStyle {
    fn default() -> Self {
        TextViewStyle::new(false)
    }
}
