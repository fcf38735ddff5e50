//! Comparing the panes and the sync it leads to: the choice, progress, summary, the preview.

use humansize::{BINARY, format_size};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::features::compare::{CompareDialog, CompareStage};
use crate::shared::common::Common;
use crate::shared::keymap::Context;
use crate::shared::palette::Palette;
use crate::shared::text::fit;
use odc_core::display::escape_control;

use crate::features::compare::{CompareView, SyncView};
use crate::shared::dialog_parts::hint_lines;

/// The compare dialog or the sync preview.
pub fn render(
    common: &Common,
    dialog: &CompareDialog,
    filter_input: Option<&tui_input::Input>,
    frame: &mut Frame,
    area: Rect,
) {
    crate::shared::dialog_parts::draw(common, frame, area, 72, |width, palette| match dialog {
        CompareDialog::Compare(view) => {
            let (title, mut lines) = compare(common, view, width, palette);
            // The filter both sides are read through, or its field while edited.
            let at = 2.min(lines.len());
            let filter_lines = match filter_input {
                Some(input) => vec![
                    Line::from("Filter, rclone's rules separated by ; (Enter keeps, Esc undoes):"),
                    crate::shared::dialog_parts::field(input, width, palette),
                ],
                None if common.filter_rules.is_empty() => Vec::new(),
                None => vec![Line::styled(
                    fit(
                        &format!("Filter: {}", escape_control(&common.filter_rules)),
                        width,
                    ),
                    palette.dim(),
                )],
            };
            lines.splice(at..at, filter_lines);
            (title, lines)
        }
        CompareDialog::SyncPreview(view) => sync_preview(common, view, width, palette),
    });
}

fn compare<'a>(
    common: &Common,
    view: &'a CompareView,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
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
            lines.extend(hint_lines(common, Context::Compare, inner_width, palette));
        }
        CompareStage::Running { quick, progress } => {
            let how = if *quick {
                "size and time"
            } else {
                "size and content"
            };
            lines.push(Line::from(format!(
                "{} Comparing by {how}…  Esc stops",
                crate::shared::palette::spinner(common)
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
                    crate::shared::text::thousands(n),
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
                    crate::shared::text::thousands(s.changed_by_server)
                )));
            }
            if s.left_out > 0 {
                lines.push(Line::from(format!(
                    "  {:<14}{:>8}  (not compared, never deleted)",
                    "left out",
                    crate::shared::text::thousands(s.left_out)
                )));
            }
            lines.extend(
                notes
                    .iter()
                    .map(|n| Line::styled(fit(&escape_control(n), inner_width), palette.dim())),
            );
            lines.push(Line::from(if s.identical() {
                "The folders are the same."
            } else {
                "The differing items are marked in both panes."
            }));
            lines.extend(hint_lines(common, Context::Compare, inner_width, palette));
        }
        CompareStage::Failed(problem) => {
            lines.push(Line::styled(escape_control(problem), palette.error()));
            lines.extend(hint_lines(common, Context::Compare, inner_width, palette));
        }
    }
    (" Compare ".into(), lines)
}

fn sync_preview<'a>(
    common: &Common,
    view: &'a SyncView,
    inner_width: usize,
    palette: &Palette,
) -> (String, Vec<Line<'a>>) {
    let plan = &view.plan;
    let total =
        |items: &[(String, u64)]| format_size(items.iter().map(|(_, b)| b).sum::<u64>(), BINARY);
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
    lines.extend(hint_lines(common, Context::Sync, inner_width, palette));
    (" Sync one way ".into(), lines)
}
