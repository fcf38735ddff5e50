//! Text cut, padded and wrapped to a width in terminal columns (wide characters
//! count two), and numbers with thousands separators.

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

/// An input's text with the caret (`▏`) where the next character goes, in at
/// most `width` columns: the text before the caret keeps its end in view (where
/// the typing happens), what follows it gets the room that is left.
pub fn with_caret(value: &str, cursor: usize, width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let split = value
        .char_indices()
        .nth(cursor)
        .map_or(value.len(), |(at, _)| at);
    // The caret takes a column of its own.
    let text_width = width.saturating_sub(1);
    let before = fit_left(
        &odc_core::display::escape_control(&value[..split]),
        text_width,
    );
    let room = text_width.saturating_sub(before.width());
    let after = fit(&odc_core::display::escape_control(&value[split..]), room);
    format!("{before}▏{after}")
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

    #[test]
    fn the_caret_stands_where_the_next_character_goes() {
        assert_eq!(with_caret("report.txt", 10, 20), "report.txt▏");
        assert_eq!(with_caret("report.txt", 0, 20), "▏report.txt");
        assert_eq!(with_caret("report.txt", 6, 20), "report▏.txt");
        // Counted in characters, not bytes.
        assert_eq!(with_caret("ünï.txt", 2, 20), "ün▏ï.txt");
        // Narrow: what is before the caret keeps its end, the rest is cut.
        assert_eq!(with_caret("abcdefghij", 8, 6), "…efgh▏");
        assert_eq!(with_caret("abcdefghij", 2, 6), "ab▏cd…");
    }
}
