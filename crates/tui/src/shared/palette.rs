//! How things look: the styles of the theme (colours when it has them), the frame
//! every popup is drawn in, and the spinner's frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Block, Borders, Clear};

use crate::shared::common::{Common, Theme};

/// Colours when the theme has them; modifiers always.
pub struct Palette {
    theme: Theme,
}

impl Palette {
    pub fn of(common: &Common) -> Self {
        Self {
            theme: common.theme,
        }
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

const SPINNER: [char; 8] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧'];

/// The spinner's frame now (it turns with the ticks while something runs).
pub fn spinner(common: &Common) -> char {
    SPINNER[common.spinner % SPINNER.len()]
}

/// The frame of a popup (a dialog, the help, the details): `rect` cleared of what
/// is drawn below it, and a bordered block with `title` to draw the popup in.
pub fn popup<'a>(
    frame: &mut Frame,
    rect: Rect,
    title: impl Into<ratatui::text::Line<'a>>,
    palette: &Palette,
) -> Block<'a> {
    frame.render_widget(Clear, rect);
    Block::default()
        .borders(Borders::ALL)
        .title(title)
        .border_style(palette.border(true))
}
