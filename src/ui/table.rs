//! A small striped table whose column widths are measured before anything is drawn.
//!
//! egui's `Grid` learns its column widths by drawing a new grid invisibly and discarding
//! the whole pass, so a window that opens on one lays out its first frame twice: with the
//! two demo tables that was most of Hero Intake's extra start-up time (BENCHMARKS.md).
//! Measuring the cells first costs the same text layout the drawing reuses (egui caches
//! galleys), and the first frame takes one pass.

use egui::{Align, Layout, RichText, TextStyle, TextWrapMode, Ui, WidgetText, vec2};

/// One cell: how it looks decides how it is measured.
pub enum Cell<'a> {
    Header(&'a str),
    Text(&'a str),
    /// A button with its hover text; a click is reported as the row's index.
    Button(String, &'a str),
    Empty,
}

impl Cell<'_> {
    fn rich_text(&self) -> Option<RichText> {
        match self {
            Cell::Header(text) => Some(RichText::new(*text).strong()),
            Cell::Text(text) => Some(RichText::new(*text)),
            Cell::Button(text, _) => Some(RichText::new(text)),
            Cell::Empty => None,
        }
    }

    fn width(&self, ui: &Ui) -> f32 {
        let Some(text) = self.rich_text() else {
            return 0.0;
        };
        let style = match self {
            Cell::Button(..) => TextStyle::Button,
            _ => TextStyle::Body,
        };
        let galley = WidgetText::from(text).into_galley(
            ui,
            Some(TextWrapMode::Extend),
            f32::INFINITY,
            style,
        );
        let padding = match self {
            Cell::Button(..) => 2.0 * ui.spacing().button_padding.x,
            _ => 0.0,
        };
        galley.size().x + padding
    }
}

/// Draws `header` and then `rows`, every other row shaded as a striped `Grid` is.
/// Returns the index (into `rows`) of the row whose button was clicked.
pub fn striped(ui: &mut Ui, header: &[Cell<'_>], rows: &[Vec<Cell<'_>>]) -> Option<usize> {
    let columns = header.len();
    let mut widths = vec![0.0_f32; columns];
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = width.max(cell.width(ui));
        }
    }
    let gap = ui.spacing().item_spacing.x;
    let row_height = ui.spacing().interact_size.y;
    let table_width = widths.iter().sum::<f32>() + gap * columns.saturating_sub(1) as f32;

    let mut clicked = None;
    ui.scope(|ui| {
        ui.style_mut().wrap_mode = Some(TextWrapMode::Extend);
        for (index, row) in std::iter::once(header)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            let shading = ui.painter().add(egui::Shape::Noop);
            let response = ui.horizontal(|ui| {
                for (cell, &width) in row.iter().zip(&widths) {
                    let size = vec2(width, row_height);
                    ui.allocate_ui_with_layout(size, Layout::left_to_right(Align::Center), |ui| {
                        ui.set_min_size(size);
                        match cell {
                            Cell::Button(text, hover) => {
                                if ui.button(text.as_str()).on_hover_text(*hover).clicked() {
                                    clicked = index.checked_sub(1);
                                }
                            }
                            other => {
                                if let Some(text) = other.rich_text() {
                                    ui.label(text);
                                }
                            }
                        }
                    });
                }
            });
            // Row 0 is the header; then every other row is shaded, as Grid's `striped` does.
            if index % 2 == 1 {
                let mut rect = response.response.rect;
                rect.set_width(table_width);
                let rect = rect.expand2(vec2(0.0, ui.spacing().item_spacing.y / 2.0));
                ui.painter().set(
                    shading,
                    egui::Shape::rect_filled(rect, 2.0, ui.visuals().faint_bg_color),
                );
            }
        }
    });
    clicked
}
