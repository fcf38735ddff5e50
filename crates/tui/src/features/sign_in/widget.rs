//! The sign-in panel, drawn where a OneDrive pane would be while signed out.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::shared::common::{Common, SignIn};
use crate::shared::keymap::Action;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

pub fn render(common: &Common, index: usize, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(common);
    let active = common.active == index;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(palette.border(active))
        .title(" OneDrive: sign in ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let keys = &common.keymap;
    let mut lines: Vec<Line> = Vec::new();
    match &common.sign_in {
        SignIn::Checking | SignIn::Starting => {
            lines.push(Line::from("Connecting to the sign-in service…"));
        }
        SignIn::Failed(reason) => {
            lines.push(Line::styled("Sign-in did not complete:", palette.error()));
            lines.push(Line::from(escape_control(reason)));
            lines.push(Line::from(""));
            lines.push(Line::from(format!(
                "{}: try again with a code  {}: in the browser",
                keys.label(Action::Open),
                keys.label(Action::BrowserSignIn)
            )));
        }
        SignIn::Browser { url } => {
            lines.push(Line::from("Finish signing in in your browser;"));
            lines.push(Line::from("it comes back to odc by itself."));
            if let Some(url) = url {
                lines.push(Line::from(""));
                lines.push(Line::styled(
                    "If no browser opened, open this address on this computer:",
                    palette.dim(),
                ));
                lines.push(Line::from(escape_control(url)));
            }
        }
        SignIn::Waiting {
            user_code,
            verification_uri,
            expires_at,
            trouble,
        } => {
            // The address gets a row of its own, drawn after the rest (see url_spot).
            lines.push(Line::from("Sign in at:"));
            lines.push(Line::from(""));
            lines.push(Line::from(vec![
                Span::raw("and enter the code "),
                Span::styled(escape_control(user_code), palette.key()),
            ]));
            let left = (expires_at - common.now).max(0);
            let hints = format!(
                "{}: open in a browser  {}: copy the code  {}: sign in in the browser instead  {}: other pane",
                keys.label(Action::OpenBrowser),
                keys.label(Action::CopyCode),
                keys.label(Action::BrowserSignIn),
                keys.label(Action::SwitchPane)
            );
            let hint_rows = hints.chars().count().div_ceil(width.max(1));
            // The full quiet zone where it fits, a narrower one on a small screen
            // (80×24 over SSH), then without the key hints (the help has them).
            let room = (inner.height as usize).saturating_sub(lines.len() + 1);
            let fits = |rows: &Vec<String>, spare: usize| {
                rows.first().map(|r| r.chars().count()).unwrap_or(0) <= width
                    && rows.len() + spare <= room
            };
            let qr = [(4, hint_rows), (2, hint_rows), (1, hint_rows), (1, 0)]
                .into_iter()
                .find_map(|(margin, spare)| {
                    odc_core::qr::qr_rows_with_margin(verification_uri, margin)
                        .filter(|rows| fits(rows, spare))
                        .map(|rows| (rows, spare > 0))
                });
            let show_hints = match qr {
                Some((rows, hints_fit)) => {
                    lines.extend(rows.into_iter().map(Line::from));
                    hints_fit
                }
                None => {
                    lines.push(Line::styled(
                        "(a larger terminal shows a QR code)",
                        palette.dim(),
                    ));
                    true
                }
            };
            let expiry = if common.now > 0 {
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
            if show_hints {
                lines.push(Line::styled(hints, palette.dim()));
            }
        }
        SignIn::SignedIn => {}
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
    if let Some((spot, url)) = url_spot(common, frame.area()) {
        frame.render_widget(ratatui::widgets::Clear, spot);
        frame.render_widget(Paragraph::new(Line::styled(url, palette.key())), spot);
    }
}

/// Where the sign-in address is drawn, and the text drawn there: its own row, in
/// the sign-in box when it fits, else across the whole screen from the left edge,
/// so that it is never broken over two lines (a terminal would not see one link).
pub fn url_spot(common: &Common, screen: Rect) -> Option<(Rect, String)> {
    let SignIn::Waiting {
        verification_uri, ..
    } = &common.sign_in
    else {
        return None;
    };
    let areas = crate::shared::layout::layout((screen.width, screen.height), common.panel_open);
    let index = (0..2).find(|&i| common.panes[i].source.is_remote())?;
    let pane = areas.panes[index];
    let inner = Rect {
        x: pane.x + 1,
        y: pane.y + 1,
        width: pane.width.saturating_sub(2),
        height: pane.height.saturating_sub(2),
    };
    if inner.height < 2 {
        return None;
    }
    let url = escape_control(verification_uri);
    let width = url.chars().count() as u16;
    let y = inner.y + 1;
    let spot = if width <= inner.width {
        Rect::new(inner.x, y, width, 1)
    } else {
        Rect::new(0, y, width.min(screen.width), 1)
    };
    Some((spot, fit(&url, spot.width as usize)))
}

/// The sign-in address as an OSC 8 hyperlink over the cells that show it, for
/// terminals that make such links clickable (others ignore the sequence). Only a
/// plain printable ASCII address, shown whole, is linked.
pub fn hyperlink(common: &Common, screen: Rect) -> Option<(u16, u16, String)> {
    let (spot, shown) = url_spot(common, screen)?;
    let SignIn::Waiting {
        verification_uri, ..
    } = &common.sign_in
    else {
        return None;
    };
    let plain = verification_uri.bytes().all(|b| b.is_ascii_graphic());
    if !plain || shown != *verification_uri {
        return None;
    }
    Some((
        spot.x,
        spot.y,
        format!("\x1b]8;;{verification_uri}\x1b\\{shown}\x1b]8;;\x1b\\"),
    ))
}
