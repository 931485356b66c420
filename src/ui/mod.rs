//! What the screens share: the theme, the environment badge, message lines, the table.
//! The screens themselves are in `crate::screens`.

pub mod table;

use egui::{Color32, RichText};

use crate::config::Environment;

/// A light theme with black text and firm outlines, for low vision and bright desks.
pub fn high_contrast_light() -> egui::Visuals {
    let mut visuals = egui::Visuals::light();
    let ink = Color32::BLACK;
    visuals.override_text_color = Some(ink);
    visuals.panel_fill = Color32::from_gray(250);
    visuals.window_fill = Color32::from_gray(250);
    visuals.extreme_bg_color = Color32::WHITE;
    visuals.faint_bg_color = Color32::from_gray(235);
    visuals.error_fg_color = Color32::from_rgb(0xa0, 0x00, 0x14);
    visuals.warn_fg_color = Color32::from_rgb(0x8a, 0x4b, 0x00);
    visuals.hyperlink_color = Color32::from_rgb(0x00, 0x3d, 0x99);
    visuals.selection.bg_fill = Color32::from_rgb(0xb3, 0xd4, 0xff);
    visuals.selection.stroke = egui::Stroke::new(1.0, ink);
    let outline = egui::Stroke::new(1.0, Color32::from_gray(60));
    visuals.widgets.noninteractive.fg_stroke = egui::Stroke::new(1.0, ink);
    visuals.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.0, Color32::from_gray(150));
    for widget in [
        &mut visuals.widgets.inactive,
        &mut visuals.widgets.hovered,
        &mut visuals.widgets.active,
    ] {
        widget.fg_stroke = egui::Stroke::new(1.5, ink);
        widget.bg_stroke = outline;
    }
    visuals.widgets.inactive.weak_bg_fill = Color32::from_gray(225);
    visuals.widgets.inactive.bg_fill = Color32::from_gray(225);
    visuals.widgets.hovered.bg_stroke = egui::Stroke::new(2.0, ink);
    visuals
}

/// Applies the saved theme and text size to the window.
pub fn apply_appearance(ctx: &egui::Context, settings: &crate::config::Settings) {
    use crate::config::ThemeChoice;
    ctx.set_visuals_of(egui::Theme::Light, high_contrast_light());
    // A steady caret: the desk sits on the empty form between patients, and a blinking
    // one repaints the window twice a second (≈ 5 % CPU under software GL).
    ctx.all_styles_mut(|style| style.visuals.text_cursor.blink = false);
    ctx.set_theme(match settings.theme {
        ThemeChoice::FollowSystem => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    });
    ctx.set_zoom_factor(settings.zoom.clamp(0.5, 3.0));
}

pub const ERROR_ICON: &str = "⚠";
pub const OK_ICON: &str = "✔";

pub fn error_color(ui: &egui::Ui) -> Color32 {
    ui.visuals().error_fg_color
}

pub fn ok_color(ui: &egui::Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x7c, 0xd9, 0x8c)
    } else {
        Color32::from_rgb(0x1b, 0x6e, 0x2c)
    }
}

/// The environment marker: a word on a coloured badge, never colour alone.
pub fn environment_badge(ui: &mut egui::Ui, environment: Environment, detail: Option<&str>) {
    let (fill, text) = match environment {
        Environment::Demo => (Color32::from_rgb(0x5b, 0x2a, 0x86), Color32::WHITE),
        Environment::Staging => (Color32::from_rgb(0xff, 0xc1, 0x07), Color32::BLACK),
        Environment::Production => (Color32::from_rgb(0xb0, 0x00, 0x20), Color32::WHITE),
        Environment::Custom => (Color32::from_rgb(0x33, 0x33, 0x33), Color32::WHITE),
    };
    let label = match detail {
        Some(detail) => format!("{} · {detail}", environment.marker()),
        None => environment.marker().to_owned(),
    };
    egui::Frame::new()
        .fill(fill)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(8, 3))
        .show(ui, |ui| {
            ui.label(RichText::new(label).strong().color(text));
        });
}

/// A message with an icon and text, so it never relies on colour alone.
pub fn error_line(ui: &mut egui::Ui, text: &str) -> egui::Response {
    // Wrapped, so a long message beside a field is read in full, not clipped at the edge.
    let text = RichText::new(format!("{ERROR_ICON} {text}")).color(error_color(ui));
    ui.add(egui::Label::new(text).wrap())
}
