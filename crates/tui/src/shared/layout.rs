//! Where everything sits on the screen, in one pure function: rendering, the rows a
//! pane shows (scrolling) and mouse clicks all read it, so they cannot disagree.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

/// Below this the layout cannot work; a message is shown instead.
pub const MIN_SIZE: (u16, u16) = (40, 12);

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

/// Rows the transfers panel takes when open, borders included.
pub const PANEL_HEIGHT: u16 = 9;

/// The screen's parts for one terminal size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub panes: [Rect; 2],
    pub panel: Option<Rect>,
    pub status: Rect,
    pub commands: Rect,
}

pub fn layout(size: (u16, u16), panel_open: bool) -> Areas {
    let area = Rect::new(0, 0, size.0, size.1);
    let rows = Layout::default()
        .direction(Direction::Vertical)
        .constraints([
            Constraint::Min(3),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .split(area);
    let (panes_area, panel) = if panel_open {
        let split = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Min(3), Constraint::Length(PANEL_HEIGHT)])
            .split(rows[0]);
        (split[0], Some(split[1]))
    } else {
        (rows[0], None)
    };
    let columns = Layout::default()
        .direction(Direction::Horizontal)
        .constraints([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)])
        .split(panes_area);
    Areas {
        panes: [columns[0], columns[1]],
        panel,
        status: rows[1],
        commands: rows[2],
    }
}

impl Areas {
    /// Rows of entries a pane shows: its height less the two borders.
    pub fn entry_rows(&self) -> usize {
        self.panes[0].height.saturating_sub(2) as usize
    }

    /// The pane under a column.
    pub fn pane_at(&self, column: u16) -> usize {
        if column >= self.panes[1].x { 1 } else { 0 }
    }

    /// The entry row (0 = first visible entry) under a screen row, if any.
    pub fn entry_row_at(&self, pane: usize, row: u16) -> Option<usize> {
        let rect = self.panes[pane];
        // The first and last rows of a pane are its borders.
        (row > rect.y && row < rect.y + rect.height.saturating_sub(1))
            .then(|| (row - rect.y - 1) as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panes_split_the_width_and_leave_the_bars() {
        let areas = layout((81, 24), false);
        assert_eq!(areas.panes[0].height, 22);
        assert_eq!(areas.entry_rows(), 20);
        assert_eq!(areas.panes[0].width + areas.panes[1].width, 81);
        assert_eq!(areas.pane_at(0), 0);
        assert_eq!(areas.pane_at(areas.panes[1].x), 1);
        assert_eq!(areas.entry_row_at(0, 0), None, "the top border");
        assert_eq!(areas.entry_row_at(0, 1), Some(0));
        assert_eq!(areas.entry_row_at(0, 21), None, "the bottom border");
        assert_eq!((areas.status.y, areas.commands.y), (22, 23));
        let open = layout((81, 24), true);
        assert_eq!(open.entry_rows(), 20 - PANEL_HEIGHT as usize);
        assert_eq!(open.panel.unwrap().height, PANEL_HEIGHT);
    }
}
