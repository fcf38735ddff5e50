//! QR codes of sign-in URLs, drawn with Unicode half blocks (two modules per
//! character row) so a phone can scan them off a headless server's terminal.

/// The QR code of `text` with its full quiet zone (four modules), one string per
/// terminal row.
pub fn qr_rows(text: &str) -> Option<Vec<String>> {
    qr_rows_with_margin(text, 4)
}

/// The QR code of `text` with `margin` modules of quiet zone around it, drawn
/// with half blocks: two modules per character row (`▀` top, `▄` bottom, `█`
/// both). A small terminal (80×24 over SSH) fits the code with a narrower quiet
/// zone; the blank cells around it on screen add to it.
pub fn qr_rows_with_margin(text: &str, margin: usize) -> Option<Vec<String>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * margin;
    let dark = |x: usize, y: usize| {
        x >= margin
            && y >= margin
            && x < margin + width
            && y < margin + width
            && colors[(y - margin) * width + (x - margin)] == qrcode::Color::Dark
    };
    let rows = (0..size.div_ceil(2))
        .map(|row| {
            (0..size)
                .map(|x| match (dark(x, 2 * row), dark(x, 2 * row + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect();
    Some(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_square_of_half_blocks() {
        let rows = super::qr_rows("https://microsoft.com/devicelogin").unwrap();
        assert!(
            rows.iter()
                .any(|r| r.contains('▀') || r.contains('▄') || r.contains('█'))
        );
        let width = rows[0].chars().count();
        assert!(rows.iter().all(|r| r.chars().count() == width));
        assert_eq!(rows.len(), width.div_ceil(2));
        // The device-login address: 29 modules; a one-module margin fits 16 rows.
        let narrow = super::qr_rows_with_margin("https://microsoft.com/devicelogin", 1).unwrap();
        assert_eq!((narrow[0].chars().count(), narrow.len()), (31, 16));
        assert_eq!(width, 37);
    }
}
