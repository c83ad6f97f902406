//! Colours: a dark theme (the terminal's own named colours, for a dark background), a light
//! theme (colours chosen for a light background), and what replaces colours under NO_COLOR
//! (bold, reverse, underline). Chosen by `theme` in config.toml (`auto`, `dark`, `light`,
//! `no-color`); the `NO_COLOR` environment variable wins over any choice; `auto` reads the
//! terminal's `COLORFGBG` when it says the background is light, and is dark otherwise.
//!
//! Every colour here is checked (in the tests) to stand at least 3:1 against its theme's
//! background, as the codebook's palette is against both; text on a theme colour is black or
//! white, whichever reads better (`text_view::contrast_text`).

use crate::core::settings::ThemeChoice;
use ratatui::style::{Color, Modifier, Style};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Palette {
    pub no_color: bool,
    /// The light theme (colours for a light background).
    pub light: bool,
}

/// The theme in force: NO_COLOR (set and not empty) wins, then the config's choice; `auto`
/// is light when `colorfgbg` (the terminal's `COLORFGBG`, "fg;bg") names a light background.
pub fn resolve(choice: ThemeChoice, no_color_env: bool, colorfgbg: Option<&str>) -> Palette {
    if no_color_env || choice == ThemeChoice::NoColor {
        return Palette {
            no_color: true,
            light: false,
        };
    }
    let light = match choice {
        ThemeChoice::Light => true,
        ThemeChoice::Dark | ThemeChoice::NoColor => false,
        ThemeChoice::Auto => colorfgbg
            .and_then(|v| v.rsplit(';').next())
            .and_then(|bg| bg.trim().parse::<u8>().ok())
            .is_some_and(|bg| bg == 7 || (9..=15).contains(&bg)),
    };
    Palette {
        no_color: false,
        light,
    }
}

/// The light theme's colours (for a white background).
mod light {
    use ratatui::style::Color;
    pub const TITLE: Color = Color::Rgb(0x00, 0x5f, 0x87);
    pub const DIM: Color = Color::Rgb(0x59, 0x59, 0x59);
    pub const GHOST: Color = Color::Rgb(0x76, 0x76, 0x76);
    pub const SELECTED_BG: Color = Color::Rgb(0x00, 0x5f, 0xd7);
    pub const SELECTED_FG: Color = Color::Rgb(0xff, 0xff, 0xff);
    pub const OK: Color = Color::Rgb(0x00, 0x6b, 0x00);
    pub const ERROR: Color = Color::Rgb(0xb0, 0x00, 0x00);
    pub const WARN: Color = Color::Rgb(0x8a, 0x4b, 0x00);
    pub const KEY: Color = Color::Rgb(0x8a, 0x4b, 0x00);
}

impl Palette {
    /// The dark theme, or no colours at all.
    pub fn new(no_color: bool) -> Palette {
        Palette {
            no_color,
            light: false,
        }
    }
    fn fg(&self, dark: Color, light: Color) -> Style {
        if self.no_color {
            Style::new()
        } else if self.light {
            Style::new().fg(light)
        } else {
            Style::new().fg(dark)
        }
    }
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan, light::TITLE)
            .add_modifier(Modifier::BOLD)
    }
    pub fn dim(&self) -> Style {
        self.fg(Color::DarkGray, light::DIM)
    }
    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn selected(&self) -> Style {
        if self.no_color {
            Style::new().add_modifier(Modifier::REVERSED)
        } else if self.light {
            Style::new().bg(light::SELECTED_BG).fg(light::SELECTED_FG)
        } else {
            Style::new().bg(Color::Blue).fg(Color::White)
        }
    }
    pub fn focus_border(&self) -> Style {
        self.title()
    }
    pub fn border(&self) -> Style {
        self.dim()
    }
    pub fn ok(&self) -> Style {
        self.fg(Color::Green, light::OK)
    }
    pub fn error(&self) -> Style {
        self.fg(Color::Red, light::ERROR)
            .add_modifier(Modifier::BOLD)
    }
    pub fn warn(&self) -> Style {
        self.fg(Color::Yellow, light::WARN)
            .add_modifier(Modifier::BOLD)
    }
    pub fn key(&self) -> Style {
        self.fg(Color::Yellow, light::KEY)
            .add_modifier(Modifier::BOLD)
    }
    pub fn ghost(&self) -> Style {
        if self.no_color {
            Style::new().add_modifier(Modifier::DIM)
        } else {
            self.fg(Color::DarkGray, light::GHOST)
        }
    }
    /// Every style this palette draws with (for the contrast checks).
    #[cfg(test)]
    fn all(&self) -> Vec<(&'static str, Style)> {
        vec![
            ("title", self.title()),
            ("dim", self.dim()),
            ("selected", self.selected()),
            ("ok", self.ok()),
            ("error", self.error()),
            ("warn", self.warn()),
            ("key", self.key()),
            ("ghost", self.ghost()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::codebook::PALETTE;
    use crate::tui::text_view::{contrast_text, parse_hex_colour};

    /// xterm's values for the named colours the dark theme leaves to the terminal.
    fn rgb(c: Color) -> (u8, u8, u8) {
        match c {
            Color::Rgb(r, g, b) => (r, g, b),
            Color::Black => (0, 0, 0),
            Color::Red => (205, 0, 0),
            Color::Green => (0, 205, 0),
            Color::Yellow => (205, 205, 0),
            Color::Blue => (0, 0, 238),
            Color::Cyan => (0, 205, 205),
            Color::White => (229, 229, 229),
            Color::DarkGray => (127, 127, 127),
            other => panic!("no RGB for {other:?}"),
        }
    }

    fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
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

    fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    const BLACK: (u8, u8, u8) = (0, 0, 0);
    const WHITE: (u8, u8, u8) = (255, 255, 255);

    #[test]
    fn every_colour_stands_out_on_its_themes_background() {
        for (pal, background) in [
            (Palette::new(false), BLACK),
            (resolve(ThemeChoice::Light, false, None), WHITE),
        ] {
            for (name, style) in pal.all() {
                let bg = style.bg.map_or(background, rgb);
                if let Some(fg) = style.fg {
                    let c = contrast(rgb(fg), bg);
                    assert!(
                        c >= 3.0,
                        "{} theme: {name} is {c:.2}:1",
                        if pal.light { "light" } else { "dark" }
                    );
                }
            }
        }
    }

    #[test]
    fn codebook_colours_read_on_both_themes() {
        for hex in PALETTE {
            let c = parse_hex_colour(hex).unwrap();
            assert!(
                contrast(c, BLACK) >= 3.0 && contrast(c, WHITE) >= 3.0,
                "{hex}"
            );
        }
        // Any colour a user types: the text drawn on it (black or white) reads at 4.5:1.
        for r in (0..=255).step_by(15) {
            for g in (0..=255).step_by(15) {
                for b in (0..=255).step_by(15) {
                    let bg = (r as u8, g as u8, b as u8);
                    let c = contrast(rgb(contrast_text(bg)), bg);
                    assert!(c >= 4.5, "{bg:?}: {c:.2}");
                }
            }
        }
    }

    #[test]
    fn the_choice_and_no_color() {
        let light = resolve(ThemeChoice::Light, false, None);
        assert!(light.light && !light.no_color);
        assert!(
            resolve(ThemeChoice::Light, true, None).no_color,
            "NO_COLOR wins"
        );
        assert!(resolve(ThemeChoice::NoColor, false, None).no_color);
        assert!(!resolve(ThemeChoice::Dark, false, Some("0;15")).light);
        assert!(resolve(ThemeChoice::Auto, false, Some("0;15")).light);
        assert!(resolve(ThemeChoice::Auto, false, Some("0;default;7")).light);
        assert!(!resolve(ThemeChoice::Auto, false, Some("15;0")).light);
        assert!(!resolve(ThemeChoice::Auto, false, None).light);
        assert_ne!(light.title(), Palette::new(false).title());
    }
}
