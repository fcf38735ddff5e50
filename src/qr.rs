//! QR codes of sign-in URLs, drawn with Unicode half blocks (two modules per
//! character row) so a phone can scan them off a headless server's terminal.

/// The QR code of `text` with its quiet zone, one string per terminal row.
pub fn qr_rows(text: &str) -> Option<Vec<String>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let rendered = code
        .render::<qrcode::render::unicode::Dense1x2>()
        .quiet_zone(true)
        .build();
    Some(rendered.lines().map(str::to_string).collect())
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
    }
}
