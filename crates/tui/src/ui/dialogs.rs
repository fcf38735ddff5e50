//! Dialogs: copy/move with an editable destination, mkdir, rename, delete, conflict,
//! error and quit.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::palette::Palette;
use super::text::fit;
use crate::keymap::Context;
use crate::layout::centered;
use crate::state::{CompareStage, Dialog, ShareState, State};
use odc_core::display::escape_control;
use odc_engine::transfer::Kind;
use odc_graph::path::REMOTE_PREFIX;

fn field<'a>(input: &tui_input::Input, width: usize, palette: &Palette) -> Line<'a> {
    Line::from(vec![Span::styled(
        with_caret(input.value(), input.cursor(), width.saturating_sub(1)),
        palette.key(),
    )])
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
    let before = super::text::fit_left(&escape_control(&value[..split]), text_width);
    let room = text_width.saturating_sub(before.width());
    let after = super::text::fit(&escape_control(&value[split..]), room);
    format!("{before}▏{after}")
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

pub fn render(state: &State, dialog: &Dialog, frame: &mut Frame, area: Rect) {
    let palette = Palette::of(state);
    // A link is shown whole on its own line: the box grows for it, up to the screen.
    let wanted = match dialog {
        Dialog::Share {
            link: ShareState::Made { url, .. },
            ..
        } => (url.chars().count() as u16 + 2).max(72),
        _ => 72,
    };
    let width = area.width.saturating_sub(4).min(wanted);
    let inner_width = width.saturating_sub(2) as usize;
    let (title, lines): (String, Vec<Line>) = match dialog {
        Dialog::Transfer {
            kind,
            sources,
            dest,
        } => {
            let verb = if *kind == Kind::Copy { "Copy" } else { "Move" };
            let what = match sources.as_slice() {
                [one] => escape_control(&one.name()),
                many => format!("{} items", many.len()),
            };
            (
                format!(" {verb} "),
                vec![
                    Line::from(fit(&format!("{verb} {what} to:"), inner_width)),
                    field(dest, inner_width, &palette),
                    Line::from(""),
                    Line::styled(
                        format!(
                            "Enter: start   Esc: cancel   ({REMOTE_PREFIX}/path or a local path)"
                        ),
                        palette.dim(),
                    ),
                ],
            )
        }
        Dialog::Mkdir { input, .. } => (
            " New folder ".into(),
            vec![
                Line::from("Name of the new folder:"),
                field(input, inner_width, &palette),
                Line::styled("Enter: create   Esc: cancel", palette.dim()),
            ],
        ),
        Dialog::GoTo {
            input, candidates, ..
        } => {
            let mut lines = vec![
                Line::from("Go to (a folder; ~ is home, .. goes up, OneDrive:/… is OneDrive):"),
                field(input, inner_width, &palette),
            ];
            if !candidates.is_empty() {
                let names: Vec<String> = candidates.iter().map(|n| escape_control(n)).collect();
                let mut wrapped = super::text::wrap_hints(&names.join("  "), inner_width);
                if wrapped.len() > 6 {
                    wrapped.truncate(5);
                    wrapped.push(format!("… {} folders", candidates.len()));
                }
                lines.extend(wrapped.into_iter().map(Line::from));
            }
            lines.push(Line::styled(
                "Enter: go   Tab: complete   Esc: cancel",
                palette.dim(),
            ));
            (" Go to ".into(), lines)
        }
        Dialog::Share { name, link, .. } => {
            let mut lines = vec![Line::from(fit(
                &format!("Share {} by link", escape_control(name)),
                inner_width,
            ))];
            match link {
                ShareState::Choosing => {
                    lines.push(Line::from(""));
                    lines.extend(hint_lines(state, Context::Share, inner_width, &palette));
                }
                ShareState::Creating => lines.push(Line::from("Asking OneDrive for a link…")),
                ShareState::Made { url, kind, scope } => {
                    let who = match scope.as_deref() {
                        Some("organization") => "people in your organization",
                        Some("anonymous") => "anyone who has it",
                        _ => "the people it is shared with",
                    };
                    let allows = if kind == "edit" { "edit" } else { "view" };
                    lines.push(Line::from(""));
                    // Its own line, never wrapped: cut only if the screen is narrower.
                    lines.push(Line::styled(
                        fit(&escape_control(url), inner_width),
                        palette.key(),
                    ));
                    lines.push(Line::from(""));
                    lines.push(Line::from(fit(
                        &format!("Lets {who} {allows} it. Copied to the clipboard."),
                        inner_width,
                    )));
                    lines.extend(hint_lines(state, Context::Share, inner_width, &palette));
                }
                ShareState::Failed(problem) => {
                    lines.push(Line::styled(escape_control(problem), palette.error()));
                    lines.extend(hint_lines(state, Context::Share, inner_width, &palette));
                }
            }
            (" Share ".into(), lines)
        }
        Dialog::Compare(view) => {
            let mut lines = vec![
                Line::from(fit(
                    &format!("Left:  {}", escape_control(&view.left.to_string())),
                    inner_width,
                )),
                Line::from(fit(
                    &format!("Right: {}", escape_control(&view.right.to_string())),
                    inner_width,
                )),
                Line::from(""),
            ];
            match &view.stage {
                CompareStage::Choosing => {
                    lines.push(Line::from("Compare the folders and everything below them:"));
                    lines.extend(hint_lines(state, Context::Compare, inner_width, &palette));
                }
                CompareStage::Running { quick, progress } => {
                    let how = if *quick {
                        "size and time"
                    } else {
                        "size and content"
                    };
                    lines.push(Line::from(format!(
                        "{} Comparing by {how}…  Esc stops",
                        crate::ui::palette::spinner(state)
                    )));
                    if !progress.is_empty() {
                        lines.push(Line::styled(fit(progress, inner_width), palette.dim()));
                    }
                }
                CompareStage::Done {
                    lines: found,
                    notes,
                } => {
                    let s = odc_engine::compare::Summary::of(found);
                    let row = |what: &str, (n, bytes): (usize, u64)| {
                        Line::from(format!(
                            "  {what:<14}{:>8}  {:>12}",
                            super::text::thousands(n),
                            format_size(bytes, BINARY)
                        ))
                    };
                    lines.push(row("same", s.same));
                    lines.push(row("different", s.different));
                    lines.push(row("only left", s.only_left));
                    lines.push(row("only right", s.only_right));
                    if s.changed_by_server > 0 {
                        lines.push(Line::from(format!(
                            "  {:<14}{:>8}  (counted as same)",
                            "changed by the server",
                            super::text::thousands(s.changed_by_server)
                        )));
                    }
                    if s.left_out > 0 {
                        lines.push(Line::from(format!(
                            "  {:<14}{:>8}  (not compared, never deleted)",
                            "left out",
                            super::text::thousands(s.left_out)
                        )));
                    }
                    lines.extend(notes.iter().map(|n| {
                        Line::styled(fit(&escape_control(n), inner_width), palette.dim())
                    }));
                    lines.push(Line::from(if s.identical() {
                        "The folders are the same."
                    } else {
                        "The differing items are marked in both panes."
                    }));
                    lines.extend(hint_lines(state, Context::Compare, inner_width, &palette));
                }
                CompareStage::Failed(problem) => {
                    lines.push(Line::styled(escape_control(problem), palette.error()));
                    lines.extend(hint_lines(state, Context::Compare, inner_width, &palette));
                }
            }
            (" Compare ".into(), lines)
        }
        Dialog::SyncPreview(view) => {
            let plan = &view.plan;
            let total = |items: &[(String, u64)]| {
                format_size(items.iter().map(|(_, b)| b).sum::<u64>(), BINARY)
            };
            let mut lines = vec![
                Line::from(fit(
                    &format!(
                        "{} → {}",
                        escape_control(&view.src.to_string()),
                        escape_control(&view.dst.to_string())
                    ),
                    inner_width,
                )),
                Line::from(""),
                Line::from(format!(
                    "  copy     {:>6}  {:>12}",
                    plan.copy.len(),
                    total(&plan.copy)
                )),
                Line::from(format!(
                    "  replace  {:>6}  {:>12}",
                    plan.replace.len(),
                    total(&plan.replace)
                )),
                Line::from(if view.delete {
                    format!("  delete   {:>6}  (recycle bin / trash)", plan.delete.len())
                } else {
                    "  delete        -  (d to delete what only the destination has)".to_string()
                }),
            ];
            // The first items, as they will go.
            let shown: Vec<String> = plan
                .delete
                .iter()
                .map(|(p, _)| format!("- {}", escape_control(p)))
                .chain(
                    plan.copy
                        .iter()
                        .map(|(p, _)| format!("+ {}", escape_control(p))),
                )
                .chain(
                    plan.replace
                        .iter()
                        .map(|(p, _)| format!("* {}", escape_control(p))),
                )
                .collect();
            for line in shown.iter().take(8) {
                lines.push(Line::styled(fit(line, inner_width), palette.dim()));
            }
            if shown.len() > 8 {
                lines.push(Line::styled(
                    format!("… and {} more", shown.len() - 8),
                    palette.dim(),
                ));
            }
            if !plan.kind_differs.is_empty() {
                lines.push(Line::from(format!(
                    "{} item(s) are a file on one side and a folder on the other: d replaces them",
                    plan.kind_differs.len()
                )));
            }
            if !plan.left_out.is_empty() {
                lines.push(Line::from(fit(
                    &format!(
                        "{} item(s) left out: not copied, never deleted",
                        plan.left_out.len()
                    ),
                    inner_width,
                )));
            }
            if view.delete && plan.incomplete() {
                lines.push(Line::styled(
                    fit(
                        "Something could not be read: nothing will be deleted",
                        inner_width,
                    ),
                    palette.error(),
                ));
            }
            if let Some(why) = &view.big_delete {
                lines.push(Line::styled(
                    fit(&format!("Careful: {}", escape_control(why)), inner_width),
                    palette.error(),
                ));
                lines.push(Line::styled(
                    fit("Enter again to go ahead, Esc to stop", inner_width),
                    palette.error(),
                ));
            }
            lines.extend(hint_lines(state, Context::Sync, inner_width, &palette));
            (" Sync one way ".into(), lines)
        }
        Dialog::Find { pane, input } => {
            let here = escape_control(&state.panes[*pane].source.to_string());
            let how = if state.panes[*pane].source.is_remote() {
                "OneDrive search: names and contents"
            } else {
                "names; * ? [abc] work, plain text means \"contains\""
            };
            (
                " Find ".into(),
                vec![
                    Line::from(fit(&format!("Find below {here}:"), inner_width)),
                    field(input, inner_width, &palette),
                    Line::styled(
                        fit(&format!("Enter: find   Esc: cancel   ({how})"), inner_width),
                        palette.dim(),
                    ),
                ],
            )
        }
        Dialog::Hotlist { cursor } => {
            let mut lines: Vec<Line> = if state.hotlist.is_empty() {
                vec![Line::styled(
                    "(empty: add the active pane's folder)",
                    palette.dim(),
                )]
            } else {
                // A window of rows around the selection.
                const ROWS: usize = 12;
                let start = cursor.saturating_sub(ROWS - 1);
                state
                    .hotlist
                    .iter()
                    .enumerate()
                    .skip(start)
                    .take(ROWS)
                    .map(|(i, folder)| {
                        let text = super::text::pad(
                            &super::text::fit_left(
                                &escape_control(&folder.to_string()),
                                inner_width,
                            ),
                            inner_width,
                        );
                        if i == *cursor {
                            Line::styled(text, palette.cursor(true))
                        } else {
                            Line::from(text)
                        }
                    })
                    .collect()
            };
            lines.push(Line::from(""));
            lines.extend(hint_lines(state, Context::Hotlist, inner_width, &palette));
            (" Hotlist ".into(), lines)
        }
        Dialog::Drives(picker) => {
            const ROWS: usize = 12;
            let start = picker.cursor.saturating_sub(ROWS - 1);
            let owner_width = picker
                .places
                .iter()
                .map(|p| p.owner.chars().count())
                .max()
                .unwrap_or(0)
                .min(inner_width / 3);
            let mut lines: Vec<Line> = picker
                .places
                .iter()
                .enumerate()
                .skip(start)
                .take(ROWS)
                .map(|(i, place)| {
                    // Labels are built from escaped server strings.
                    let text = format!(
                        "{}  {}",
                        super::text::pad(
                            &fit(&escape_control(&place.owner), owner_width),
                            owner_width
                        ),
                        place.label
                    );
                    let text = super::text::pad(&fit(&text, inner_width), inner_width);
                    if i == picker.cursor {
                        Line::styled(text, palette.cursor(true))
                    } else {
                        Line::from(text)
                    }
                })
                .collect();
            if picker.loading {
                lines.push(Line::styled("reading accounts and sites…", palette.dim()));
            }
            lines.push(Line::from(""));
            match &picker.search {
                Some(input) => {
                    lines.push(Line::from("Search SharePoint sites for:"));
                    lines.push(field(input, inner_width, &palette));
                    lines.push(Line::styled("Enter: search   Esc: back", palette.dim()));
                }
                None => lines.extend(hint_lines(state, Context::Drives, inner_width, &palette)),
            }
            (
                format!(
                    " Show in the {} pane ",
                    if picker.pane == 0 { "left" } else { "right" }
                ),
                lines,
            )
        }
        Dialog::Glob { mark, input, .. } => (
            if *mark { " Mark " } else { " Unmark " }.into(),
            vec![
                Line::from(if *mark {
                    "Mark the files matching (end with / for folders):"
                } else {
                    "Unmark the files matching (end with / for folders):"
                }),
                field(input, inner_width, &palette),
                Line::styled(
                    "Enter: apply   Esc: cancel   (* ? [abc] {a,b})",
                    palette.dim(),
                ),
            ],
        ),
        Dialog::Rename {
            original, input, ..
        } => (
            " Rename ".into(),
            vec![
                Line::from(fit(
                    &format!("Rename {} to:", escape_control(original)),
                    inner_width,
                )),
                field(input, inner_width, &palette),
                Line::styled("Enter: rename   Esc: cancel", palette.dim()),
            ],
        ),
        Dialog::Delete { names, remote, .. } => {
            let what = match names.as_slice() {
                [one] => escape_control(one),
                many => format!("{} items", many.len()),
            };
            let where_to = if *remote {
                "OneDrive items go to the recycle bin, where they can be restored."
            } else {
                "Local files go to the trash (! deletes them for good)."
            };
            (
                " Delete ".into(),
                vec![
                    Line::from(fit(&format!("Delete {what}?"), inner_width)),
                    Line::from(where_to),
                ]
                .into_iter()
                .chain(hint_lines(state, Context::Confirm, inner_width, &palette))
                .collect(),
            )
        }
        Dialog::Conflict(view) => (
            " The target exists ".into(),
            vec![
                Line::from(fit(&escape_control(&view.name), inner_width)),
                Line::from(format!(
                    "  new:      {:>12}  {}",
                    format_size(view.source_size, BINARY),
                    when(view.source_modified)
                )),
                Line::from(format!(
                    "  existing: {:>12}  {}",
                    format_size(view.target_size, BINARY),
                    when(view.target_modified)
                )),
                Line::from(""),
            ]
            .into_iter()
            .chain(hint_lines(state, Context::Conflict, inner_width, &palette))
            .collect(),
        ),
        Dialog::Error(view) => (
            " Transfer failed ".into(),
            vec![
                Line::from(fit(&escape_control(&view.name), inner_width)),
                Line::styled(escape_control(&view.message), palette.error()),
                Line::from(""),
            ]
            .into_iter()
            .chain(hint_lines(state, Context::Error, inner_width, &palette))
            .collect(),
        ),
        Dialog::EditConflict { name, .. } => (
            " Changed on OneDrive ".into(),
            vec![
                Line::from(fit(&escape_control(name), inner_width)),
                Line::from("changed on OneDrive while you were editing it."),
                Line::from("Your edit is safe in a private copy until you choose."),
                Line::from(""),
            ]
            .into_iter()
            .chain(hint_lines(
                state,
                Context::EditConflict,
                inner_width,
                &palette,
            ))
            .collect(),
        ),
        Dialog::Resume { files } => {
            const SHOWN: usize = 5;
            let count = files.len();
            let mut lines = vec![Line::from(match count {
                1 => "1 transfer did not finish last time:".to_string(),
                n => format!("{n} transfers did not finish last time:"),
            })];
            lines.extend(
                files
                    .iter()
                    .take(SHOWN)
                    .map(|f| Line::from(format!("  {}", escape_control(f)))),
            );
            if count > SHOWN {
                lines.push(Line::from(format!("  … and {} more", count - SHOWN)));
            }
            lines.push(Line::from(
                "Resume? Uploads go on in their session if the file is unchanged.",
            ));
            lines.extend(hint_lines(state, Context::Resume, inner_width, &palette));
            (" Unfinished transfers ".into(), lines)
        }
        Dialog::Quit { .. } => (
            " Quit? ".into(),
            vec![
                // The count as it is now: transfers go on finishing while it asks.
                Line::from(match state.transfers.active() {
                    0 => "The transfers have all finished.".to_string(),
                    1 => "1 transfer is still running.".to_string(),
                    n => format!("{n} transfers are still running."),
                }),
                Line::from("Quit anyway? Downloads keep their .odc-partial files."),
            ]
            .into_iter()
            .chain(hint_lines(state, Context::Quit, inner_width, &palette))
            .collect(),
        ),
    };
    let height = lines.len() as u16 + 2 + 1;
    let rect = centered(area, width, height);
    let block = super::palette::popup(frame, rect, title, &palette);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        rect,
    );
}

/// A context's keys from the keymap, wrapped to `width`.
fn hint_lines(
    state: &State,
    context: Context,
    width: usize,
    palette: &Palette,
) -> Vec<Line<'static>> {
    super::text::wrap_hints(&state.keymap.hints(context), width)
        .into_iter()
        .map(|line| Line::styled(line, palette.dim()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::with_caret;

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
