//! `render(&State, &mut Frame)`: pure drawing of the state.

mod bars;
mod dialogs;
mod overlays;
mod pane;
pub mod sign_in;
pub mod transfers;
mod viewer;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};

use super::state::{State, Theme};

/// Below this the layout cannot work; a message is shown instead.
pub const MIN_SIZE: (u16, u16) = (40, 12);

pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    // The viewer is one column of text: it works on screens too small for two panes.
    if let Some(open) = &state.viewer
        && area.width >= 20
        && area.height >= 4
    {
        viewer::render(state, open, frame, area);
        if let Some(dialog) = &state.dialog {
            dialogs::render(state, dialog, frame, area);
        }
        return;
    }
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        overlays::too_small(frame, area);
        return;
    }
    let areas = crate::layout::layout((area.width, area.height), state.transfers.open);
    let columns = areas.panes;
    for (index, rect) in columns.iter().enumerate() {
        let pane = &state.panes[index];
        if pane.source.is_remote() && !state.signed_in() {
            sign_in::render(state, index, frame, *rect);
        } else {
            pane::render(state, index, frame, *rect);
        }
    }
    if let Some(panel) = areas.panel {
        transfers::render(state, frame, panel);
    }
    bars::status(state, frame, areas.status);
    bars::commands(state, frame, areas.commands);
    if let Some(dialog) = &state.dialog {
        dialogs::render(state, dialog, frame, area);
    }
    if state.help {
        overlays::help(state, frame, area);
    } else if let Some(details) = &state.details {
        overlays::details(state, details, frame, area);
    }
}

const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];

/// The spinner's frame now (it turns with the ticks while something runs).
pub fn spinner(state: &State) -> char {
    SPINNER[state.spinner % SPINNER.len()]
}

/// A `width`×`height` box in the middle of `area` (clipped to it).
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height - height) / 2,
        width,
        height,
    }
}

/// Colours when the theme has them; modifiers always.
pub struct Palette {
    theme: Theme,
}

impl Palette {
    pub fn of(state: &State) -> Self {
        Self { theme: state.theme }
    }

    fn colour(&self, style: Style, colour: Color) -> Style {
        match self.theme {
            Theme::Colour => style.fg(colour),
            Theme::Plain => style,
        }
    }

    pub fn border(&self, active: bool) -> Style {
        if active {
            self.colour(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
        } else {
            Style::default()
        }
    }

    pub fn folder(&self) -> Style {
        self.colour(Style::default().add_modifier(Modifier::BOLD), Color::Blue)
    }

    pub fn marked(&self) -> Style {
        self.colour(Style::default().add_modifier(Modifier::BOLD), Color::Yellow)
    }

    pub fn cursor(&self, active: bool) -> Style {
        if active {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default().add_modifier(Modifier::UNDERLINED)
        }
    }

    pub fn error(&self) -> Style {
        self.colour(Style::default(), Color::Red)
    }

    pub fn dim(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    pub fn key(&self) -> Style {
        self.colour(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    pub fn bar(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }
}

/// Cuts `text` to `width` terminal columns (wide characters count two), with `…`.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// Cuts from the left (`…/deep/path`), for paths in titles.
pub fn fit_left(text: &str, width: usize) -> String {
    let reversed: String = text.chars().rev().collect();
    let cut = fit(&reversed, width);
    if cut == reversed {
        return text.to_string();
    }
    let body: String = cut.trim_end_matches('…').chars().rev().collect();
    format!("…{body}")
}

/// Pads with spaces to exactly `width` columns.
pub fn pad(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let fitted = fit(text, width);
    let w = fitted.width();
    format!("{fitted}{}", " ".repeat(width.saturating_sub(w)))
}

/// 12,345.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Hint text (`x cancel  p pause  …`) wrapped at its two-space separators so that no
/// line is wider than `width`; a single hint wider than that is cut.
pub fn wrap_hints(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for hint in text.split("  ") {
        let wanted = line.chars().count() + 2 + hint.chars().count();
        if !line.is_empty() && wanted > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push_str("  ");
        }
        line.push_str(hint);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.into_iter().map(|l| fit(&l, width)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_counts_wide_characters() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("海辺の夕日.jpg", 6), "海辺…");
        assert_eq!(pad("海", 4), "海  ");
        assert_eq!(fit_left("/home/user/projects/odc", 10), "…jects/odc");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
