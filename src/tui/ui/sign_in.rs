//! The sign-in panel, drawn where a OneDrive pane would be while signed out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Palette, fit};
use crate::onedrive::display::escape_control;
use crate::tui::keymap::Action;
use crate::tui::state::{SignIn, State};

pub fn render(state: &State, index: usize, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    let active = state.active == index;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.border(active))
        .title(" OneDrive: sign in ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let keys = &state.keymap;
    let mut lines: Vec<Line> = Vec::new();
    match &state.sign_in {
        SignIn::Checking | SignIn::Starting => {
            lines.push(Line::from("Connecting to the sign-in service…"));
        }
        SignIn::Failed(reason) => {
            lines.push(Line::styled("Sign-in did not complete:", palette.error()));
            lines.push(Line::from(escape_control(reason)));
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "{}: try again",
                keys.label(Action::Open)
            )));
        }
        SignIn::Waiting {
            user_code,
            verification_uri,
            expires_at,
            trouble,
        } => {
            lines.push(Line::from(vec![
                Span::raw("Open "),
                Span::styled(escape_control(verification_uri), palette.key()),
            ]));
            lines.push(Line::from(vec![
                Span::raw("and enter the code "),
                Span::styled(escape_control(user_code), palette.key()),
            ]));
            let left = (expires_at - state.now).max(0);
            let footer_rows = 2;
            let qr = crate::qr::qr_rows(verification_uri).filter(|rows| {
                let qr_width = rows.first().map(|r| r.chars().count()).unwrap_or(0);
                qr_width <= width && rows.len() + lines.len() + footer_rows <= inner.height as usize
            });
            match qr {
                Some(rows) => lines.extend(rows.into_iter().map(Line::from)),
                None => lines.push(Line::styled(
                    "(a larger terminal shows a QR code)",
                    palette.dim(),
                )),
            }
            let expiry = if state.now > 0 {
                format!("Code expires in {}:{:02}. ", left / 60, left % 60)
            } else {
                String::new()
            };
            match trouble {
                Some(problem) => lines.push(Line::styled(
                    fit(
                        &format!(
                            "{expiry}Network trouble ({}); still trying",
                            escape_control(problem)
                        ),
                        width,
                    ),
                    palette.error(),
                )),
                None => lines.push(Line::from(format!("{expiry}Waiting for you…"))),
            }
            lines.push(Line::styled(
                format!(
                    "{}: open in a browser  {}: other pane",
                    keys.label(Action::OpenBrowser),
                    keys.label(Action::SwitchPane)
                ),
                palette.dim(),
            ));
        }
        SignIn::SignedIn => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
