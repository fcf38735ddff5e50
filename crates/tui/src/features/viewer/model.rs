//! The file viewer (F3): a window onto a file of any size. Bytes arrive in blocks
//! read on request (local reads, or HTTP Range reads of a OneDrive file), so only
//! what is on screen is ever fetched, and at most [`MAX_BLOCKS`] stay in memory.
//! Rows are computed from the bytes: text (lines, optionally wrapped; long lines
//! broken at [`LINE_MAX`] bytes) or hex. Plain data; `update` drives it.

use crate::shared::messages::viewer::ViewSource;
use std::collections::{BTreeMap, BTreeSet};

use bytes::Bytes;
use tui_input::Input;

use crate::shared::units::{Unit, decode};

/// Bytes per read: one screen of ordinary text fits in one.
pub const BLOCK: u64 = 64 * 1024;
/// Blocks kept; the ones farthest from the screen go first.
pub const MAX_BLOCKS: usize = 48;
/// Long lines are shown in pieces that end at multiples of this offset, so that a
/// file without newlines never needs more than a screen of such pieces.
pub const LINE_MAX: u64 = 4096;
/// A row of the screen is missing this block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need(pub u64);

/// Movements waiting for bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    Down(usize),
    Up(usize),
    End,
}

/// The `/` search: what is typed, what was found, whether a search runs.
#[derive(Debug, Clone, Default)]
pub struct ViewSearch {
    /// The prompt while typing.
    pub input: Option<Input>,
    pub pattern: Option<String>,
    /// A search is running (from this offset, forwards or not).
    pub running: bool,
    /// The match on screen: bytes `start..end`.
    pub hit: Option<(u64, u64)>,
}

#[derive(Debug, Clone)]
pub struct Viewer {
    /// The path as shown in the title.
    pub title: String,
    pub source: ViewSource,
    pub size: u64,
    /// Reads and searches for another viewer are dropped.
    pub ticket: u64,
    pub hex: bool,
    pub wrap: bool,
    pub numbers: bool,
    /// First byte on screen (a row start).
    pub top: u64,
    /// Line number (0-based) of `top`'s line, while it is known: counted from the
    /// start, lost by a jump to the end of a file larger than what is in memory.
    pub top_line: Option<u64>,
    /// Columns scrolled to the right (text without wrapping).
    pub left: usize,
    pub blocks: BTreeMap<u64, Bytes>,
    pub requested: BTreeSet<u64>,
    pub pending: Option<Motion>,
    pub search: ViewSearch,
    pub error: Option<String>,
    /// Body size (columns, rows) the rows were last computed for.
    pub body: (usize, usize),
    /// Text or hex is chosen from the first block until the user picks one.
    pub detect: bool,
}

impl Viewer {
    pub fn new(title: String, source: ViewSource, size: u64, ticket: u64) -> Viewer {
        Viewer {
            title,
            source,
            size,
            ticket,
            hex: false,
            wrap: false,
            numbers: true,
            top: 0,
            top_line: Some(0),
            left: 0,
            blocks: BTreeMap::new(),
            requested: BTreeSet::new(),
            pending: None,
            search: ViewSearch::default(),
            error: None,
            body: (80, 20),
            detect: true,
        }
    }

    /// Columns the line-number gutter takes.
    pub fn gutter(&self) -> usize {
        if self.numbers && !self.hex { 11 } else { 0 }
    }

    /// Bytes per hex row for the body width: 16, or fewer on a narrow screen.
    pub fn hex_row(&self) -> u64 {
        // "0000000000  " + 3 per byte + " " + 1 per byte
        let width = self.body.0;
        [16u64, 8, 4]
            .into_iter()
            .find(|&n| 12 + 4 * (n as usize) < width)
            .unwrap_or(4)
    }

    /// Columns a text row may fill.
    fn text_width(&self) -> usize {
        self.body.0.saturating_sub(self.gutter()).max(1)
    }

    pub fn byte(&self, pos: u64) -> Result<u8, Need> {
        let block = pos / BLOCK;
        match self.blocks.get(&block) {
            Some(bytes) => bytes
                .get((pos - block * BLOCK) as usize)
                .copied()
                .ok_or(Need(block)),
            None => Err(Need(block)),
        }
    }

    /// The unit at `pos` and its length.
    pub fn unit_at(&self, pos: u64) -> Result<(Unit, usize), Need> {
        let mut buf = [0u8; 4];
        let mut n = 0;
        while n < 4 && pos + (n as u64) < self.size {
            let b = self.byte(pos + n as u64)?;
            buf[n] = b;
            n += 1;
            if n == 1 && b < 0x80 {
                break;
            }
        }
        Ok(decode(&buf[..n.max(1)]))
    }

    /// Where the row starting at `start` ends (exclusive; past its newline).
    pub fn row_end(&self, start: u64) -> Result<u64, Need> {
        if self.hex {
            return Ok((start + self.hex_row()).min(self.size));
        }
        let width = self.text_width();
        let mut pos = start;
        let mut col = 0;
        while pos < self.size {
            // Long lines break at multiples of LINE_MAX (absolute, so that rows
            // found walking backwards are the rows found walking forwards).
            if pos > start && pos.is_multiple_of(LINE_MAX) {
                return Ok(pos);
            }
            let (unit, len) = self.unit_at(pos)?;
            if unit == Unit::Newline {
                return Ok(pos + 1);
            }
            let w = unit.width(col);
            if self.wrap && col > 0 && col + w > width {
                return Ok(pos);
            }
            col += w;
            pos += len as u64;
        }
        Ok(self.size)
    }

    /// The start of the row before the one starting at `start`.
    pub fn row_before(&self, start: u64) -> Result<u64, Need> {
        if start == 0 {
            return Ok(0);
        }
        if self.hex {
            let n = self.hex_row();
            return Ok(start.saturating_sub(n) / n * n);
        }
        // The row before begins at the last forced row start before `start`: a
        // line start or a multiple of LINE_MAX. Walk its rows up to `start`.
        let floor = (start - 1) / LINE_MAX * LINE_MAX;
        let mut line_start = floor;
        let mut pos = start - 1;
        while pos > floor {
            pos -= 1;
            if self.byte(pos)? == b'\n' {
                line_start = pos + 1;
                break;
            }
        }
        let mut row = line_start;
        loop {
            let end = self.row_end(row)?;
            if end >= start || end == row {
                return Ok(row);
            }
            row = end;
        }
    }

    /// Rows on screen from `top`: (start, end) each, up to the first missing block.
    pub fn rows(&self) -> (Vec<(u64, u64)>, Option<Need>) {
        let mut rows = Vec::new();
        let mut pos = self.top;
        while rows.len() < self.body.1 && pos < self.size {
            match self.row_end(pos) {
                Ok(end) => {
                    rows.push((pos, end));
                    pos = end;
                }
                Err(need) => return (rows, Some(need)),
            }
        }
        (rows, None)
    }

    fn ends_line(&self, end: u64) -> Result<bool, Need> {
        Ok(end > 0 && self.byte(end - 1)? == b'\n')
    }

    /// Moves as far as the bytes allow; what is left waits in `pending`.
    fn step(&mut self, motion: Motion) -> Result<(), Need> {
        match motion {
            Motion::Down(n) => {
                for done in 0..n {
                    let last = self.last_top()?;
                    if self.top >= last {
                        return Ok(());
                    }
                    let end = match self.row_end(self.top) {
                        Ok(end) => end,
                        Err(need) => {
                            self.pending = Some(Motion::Down(n - done));
                            return Err(need);
                        }
                    };
                    if !self.hex && self.ends_line(end)? {
                        self.top_line = self.top_line.map(|l| l + 1);
                    }
                    self.top = end.min(last);
                }
                Ok(())
            }
            Motion::Up(n) => {
                for done in 0..n {
                    if self.top == 0 {
                        return Ok(());
                    }
                    let before = match self.row_before(self.top) {
                        Ok(before) => before,
                        Err(need) => {
                            self.pending = Some(Motion::Up(n - done));
                            return Err(need);
                        }
                    };
                    if !self.hex && self.ends_line(self.top)? {
                        self.top_line = self.top_line.map(|l| l.saturating_sub(1));
                    }
                    self.top = before;
                }
                Ok(())
            }
            Motion::End => match self.last_top() {
                Ok(last) => {
                    if last > self.top {
                        // Lines between are not counted unless all of them are here.
                        self.top_line = None;
                    }
                    self.top = last;
                    Ok(())
                }
                Err(need) => {
                    self.pending = Some(Motion::End);
                    Err(need)
                }
            },
        }
    }

    /// The top that shows the file's last screenful.
    fn last_top(&self) -> Result<u64, Need> {
        if self.hex {
            let n = self.hex_row();
            let rows = self.body.1.max(1) as u64 * n;
            let last_row = self.size.saturating_sub(1) / n * n;
            return Ok((last_row + n).saturating_sub(rows));
        }
        let mut top = self.size;
        // A final newline does not start another row.
        if top > 0 && self.byte(top - 1)? == b'\n' {
            top -= 1;
        }
        let mut top = self.row_start_of(top)?;
        for _ in 1..self.body.1.max(1) {
            if top == 0 {
                break;
            }
            top = self.row_before(top)?;
        }
        Ok(top)
    }

    /// The start of the row holding `pos` (the last row when `pos` is the end).
    fn row_start_of(&self, pos: u64) -> Result<u64, Need> {
        if pos == 0 {
            return Ok(0);
        }
        let next = if pos >= self.size { self.size } else { pos + 1 };
        self.row_before(next.max(1))
    }

    /// Starts a movement: done now if the bytes are here, else when they arrive.
    pub fn go(&mut self, motion: Motion) {
        self.pending = None;
        self.search.hit = None;
        let _ = self.step(motion);
    }

    pub fn home(&mut self) {
        self.pending = None;
        self.top = 0;
        self.top_line = Some(0);
        self.left = 0;
    }

    /// Puts the row holding `offset` on top (a search hit); `lines` is how many
    /// line starts were passed on the way, when the search counted them.
    pub fn jump_to(&mut self, line_start: u64, lines: Option<i64>) {
        self.pending = None;
        self.top_line = match (self.top_line, lines) {
            (Some(top), Some(delta)) => Some((top as i64 + delta).max(0) as u64),
            _ => None,
        };
        self.top = if self.hex {
            let n = self.hex_row();
            line_start / n * n
        } else {
            line_start
        };
    }

    /// Changes the layout (wrap, hex, size): the top becomes a row start again.
    pub fn relayout(&mut self, body: (usize, usize)) {
        self.body = body;
        if self.hex {
            let n = self.hex_row();
            self.top = self.top / n * n;
        }
    }

    pub fn toggle_hex(&mut self) {
        self.detect = false;
        self.hex = !self.hex;
        self.pending = None;
        if self.hex {
            let n = self.hex_row();
            self.top = self.top / n * n;
        } else {
            // Back to text at the start of the line around the hex row.
            self.top_line = None;
            if let Ok(start) = self.row_start_of(self.top) {
                self.top = start;
            }
        }
    }

    /// Wrapping changes the rows: the top becomes the start of its row again.
    pub fn toggle_wrap(&mut self) {
        self.wrap = !self.wrap;
        self.left = 0;
        self.pending = None;
        if !self.hex
            && let Ok(start) = self.row_start_of(self.top)
        {
            self.top = start;
        }
    }

    /// Stores a block that arrived.
    pub fn add_block(&mut self, index: u64, bytes: Bytes) {
        self.requested.remove(&index);
        // A file that shrank while it was read ends where the bytes end.
        let end = index * BLOCK + bytes.len() as u64;
        if (bytes.len() as u64) < BLOCK && end < self.size {
            self.size = end;
            self.top = self.top.min(self.size);
        }
        // A NUL in the first block means binary: hex, as `less` and mc decide.
        if index == 0 && self.detect {
            self.detect = false;
            if memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some() {
                self.toggle_hex();
            }
        }
        self.blocks.insert(index, bytes);
    }

    /// After a change: finishes a waiting movement if it can, and names the blocks
    /// to read for what is on screen (none already asked for).
    pub fn settle(&mut self) -> Vec<u64> {
        let mut wanted = BTreeSet::new();
        if let Some(motion) = self.pending.take()
            && let Err(Need(block)) = self.step(motion)
        {
            wanted.insert(block);
        }
        if self.pending.is_none() {
            let (rows, need) = self.rows();
            if let Some(Need(block)) = need {
                wanted.insert(block);
            }
            // Every byte on screen: hex rows are laid out without reading, so a
            // jump (End, PageDown, an offset) far into a file must still fetch what
            // those rows show.
            for (start, end) in rows {
                if end > start {
                    for block in start / BLOCK..=(end - 1) / BLOCK {
                        if !self.blocks.contains_key(&block) {
                            wanted.insert(block);
                        }
                    }
                }
            }
            // The row before the top, for the first step up (text only).
            if !self.hex && self.top > 0 {
                let block = (self.top - 1) / BLOCK;
                if !self.blocks.contains_key(&block) {
                    wanted.insert(block);
                }
            }
        }
        self.evict();
        wanted
            .into_iter()
            .filter(|b| b * BLOCK < self.size && self.requested.insert(*b))
            .collect()
    }

    /// Keeps memory bounded: drops the blocks farthest from the top.
    fn evict(&mut self) {
        let here = self.top / BLOCK;
        while self.blocks.len() > MAX_BLOCKS {
            let far = *self
                .blocks
                .keys()
                .max_by_key(|&&b| b.abs_diff(here))
                .expect("not empty");
            self.blocks.remove(&far);
        }
    }

    /// Where a forward search starts: after the current hit, else after the top row.
    pub fn search_from(&self, forward: bool) -> u64 {
        match self.search.hit {
            Some((start, _)) if forward => start + 1,
            Some((start, _)) => start,
            None => self.top,
        }
    }

    /// How far down the file the top is, in percent.
    pub fn percent(&self) -> u64 {
        let (rows, _) = self.rows();
        let end = rows.last().map(|r| r.1).unwrap_or(self.top);
        (end * 100).checked_div(self.size).unwrap_or(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(data: &[u8], body: (usize, usize)) -> Viewer {
        let mut v = Viewer::new(
            "t".into(),
            ViewSource::Local("/t".into()),
            data.len() as u64,
            1,
        );
        v.body = body;
        for (i, chunk) in data.chunks(BLOCK as usize).enumerate() {
            v.blocks.insert(i as u64, Bytes::copy_from_slice(chunk));
        }
        v
    }

    #[test]
    fn rows_follow_lines_and_wrap() {
        let v = viewer(b"one\ntwo two two\nthree\n", (6 + 11, 10));
        assert_eq!(v.rows().0, vec![(0, 4), (4, 16), (16, 22)]);
        let mut v = v;
        v.wrap = true;
        assert_eq!(v.rows().0, vec![(0, 4), (4, 10), (10, 16), (16, 22)]);
        assert_eq!(v.row_before(16).unwrap(), 10);
        assert_eq!(v.row_before(10).unwrap(), 4);
        assert_eq!(v.row_before(4).unwrap(), 0);
    }

    #[test]
    fn moving_counts_lines_and_end_shows_the_last_screen() {
        let text: String = (0..100).map(|n| format!("line {n}\n")).collect();
        let mut v = viewer(text.as_bytes(), (40, 10));
        v.go(Motion::Down(5));
        assert_eq!(v.top_line, Some(5));
        assert_eq!(v.top, text.find("line 5\n").unwrap() as u64);
        v.go(Motion::Up(2));
        assert_eq!(v.top_line, Some(3));
        v.go(Motion::End);
        assert_eq!(v.top, text.find("line 90\n").unwrap() as u64);
        v.go(Motion::Down(3));
        assert_eq!(
            v.top,
            text.find("line 90\n").unwrap() as u64,
            "no scrolling past the end"
        );
    }

    #[test]
    fn a_missing_block_makes_the_movement_wait() {
        let text: String = (0..20_000).map(|n| format!("line {n:05}\n")).collect();
        let mut full = viewer(text.as_bytes(), (40, 10));
        let mut v = full.clone();
        v.blocks.retain(|&b, _| b == 0);
        v.go(Motion::End);
        assert_eq!(v.pending, Some(Motion::End));
        let wanted = v.settle();
        let last = (text.len() as u64 - 1) / BLOCK;
        assert_eq!(wanted, vec![last], "only the tail is asked for");
        assert!(v.settle().is_empty(), "not asked twice");
        let block = full.blocks.remove(&last).unwrap();
        v.add_block(last, block);
        v.settle();
        assert_eq!(v.pending, None);
        assert_eq!(v.top, text.find("line 19990\n").unwrap() as u64);
        assert_eq!(v.top_line, None, "the lines between were never seen");
    }

    #[test]
    fn lines_without_newlines_are_broken_and_memory_is_bounded() {
        let data = vec![b'x'; (BLOCK as usize) * (MAX_BLOCKS + 10)];
        let mut v = viewer(&data, (80, 10));
        assert_eq!(v.rows().0[0], (0, LINE_MAX));
        v.go(Motion::End);
        assert_eq!(v.top, data.len() as u64 - 10 * LINE_MAX);
        v.settle();
        assert!(v.blocks.len() <= MAX_BLOCKS);
        assert!(v.blocks.contains_key(&(v.top / BLOCK)));
    }

    #[test]
    fn a_jump_to_the_end_in_hex_fetches_what_it_shows() {
        // 3 GiB, nothing read but the first block: End shows the last rows and
        // asks for the block that holds them.
        let size = 3u64 << 30;
        let mut v = Viewer::new("big".into(), ViewSource::Local("/x".into()), size, 1);
        v.relayout((80, 10));
        v.add_block(0, Bytes::from(vec![0u8; BLOCK as usize]));
        assert!(v.hex, "a NUL makes it binary");
        let _ = v.settle();
        v.go(Motion::End);
        let wanted = v.settle();
        assert_eq!(
            wanted,
            vec![(size - 1) / BLOCK],
            "the last block is fetched"
        );
        assert!(v.settle().is_empty(), "asked once");
    }

    #[test]
    fn hex_rows_are_aligned() {
        let data: Vec<u8> = (0..=255u8).collect();
        let mut v = viewer(&data, (80, 4));
        v.toggle_hex();
        assert_eq!(v.hex_row(), 16);
        assert_eq!(v.rows().0, vec![(0, 16), (16, 32), (32, 48), (48, 64)]);
        v.go(Motion::End);
        assert_eq!(v.top, 192);
        v.body = (40, 4);
        assert_eq!(v.hex_row(), 4);
    }
}
