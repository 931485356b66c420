//! Environment, practice group and API key.

use egui::{RichText, TextEdit};

use super::{Action, OK_ICON, error_line, ok_color};
use crate::config::{BaseUrl, Environment, Settings};

pub const KEY_FIELD_LABEL: &str = "API key";
pub const PRACTICE_GROUP_LABEL: &str = "Practice group ID";
pub const CUSTOM_URL_LABEL: &str = "Server address";

pub struct SettingsView<'a> {
    pub settings: &'a mut Settings,
    pub key_text: &'a mut String,
    /// One line on where the key for this environment comes from.
    pub key_status: String,
    pub key_saved: bool,
    /// Set when the environment variables decide something here.
    pub overridden_by: Vec<&'static str>,
    pub message: Option<&'a Result<String, String>>,
    /// The renderer drawing the window, e.g. "OpenGL (glow)".
    pub renderer: &'a str,
}

pub fn show(ui: &mut egui::Ui, view: SettingsView<'_>) -> Vec<Action> {
    let mut actions = Vec::new();
    ui.heading("Settings");
    ui.add_space(6.0);
    for name in &view.overridden_by {
        ui.label(format!(
            "ℹ {name} is set on this computer and takes priority."
        ));
    }

    ui.label(RichText::new("Environment").strong());
    ui.horizontal_wrapped(|ui| {
        for environment in Environment::ALL {
            let selected = view.settings.environment == environment;
            if ui.selectable_label(selected, environment.label()).clicked() && !selected {
                actions.push(Action::SetEnvironment(environment));
            }
        }
    });
    let environment = view.settings.environment;
    ui.label(match environment {
        Environment::Demo => "The built-in demo: made-up patients, nothing is sent to Hero.",
        Environment::Staging => {
            "Hero's test system (api.staging.htech.app): use test patients only."
        }
        Environment::Production => "Hero's live system (api.herohealth.net): real patients.",
        Environment::Custom => "Another Hero server, for integrators.",
    });
    ui.add_space(8.0);

    if environment == Environment::Custom {
        ui.horizontal(|ui| {
            let label = ui.label(CUSTOM_URL_LABEL);
            let response = ui
                .add(
                    TextEdit::singleline(&mut view.settings.custom_base_url)
                        .hint_text("https://…")
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            if response.lost_focus() {
                actions.push(Action::SaveSettings);
            }
        });
        if let Err(e) = BaseUrl::parse(&view.settings.custom_base_url) {
            error_line(ui, &e.to_string());
        }
    }

    if environment != Environment::Demo {
        ui.horizontal(|ui| {
            let label = ui.label(PRACTICE_GROUP_LABEL);
            let group = view
                .settings
                .practice_group_ids
                .entry(environment)
                .or_default();
            let response = ui
                .add(TextEdit::singleline(group).desired_width(240.0))
                .labelled_by(label.id);
            if response.lost_focus() {
                actions.push(Action::SaveSettings);
            }
        });
        if view
            .settings
            .practice_group_id(environment)
            .trim()
            .is_empty()
        {
            error_line(ui, "Enter the practice group ID Hero gave your practice");
        }
        ui.add_space(8.0);

        ui.label(RichText::new(format!("API key for {environment}")).strong());
        if view.key_saved {
            ui.colored_label(ok_color(ui), format!("{OK_ICON} {}", view.key_status));
        } else {
            ui.label(&view.key_status);
        }
        ui.horizontal(|ui| {
            let label = ui.label(KEY_FIELD_LABEL);
            let response = ui
                .add(
                    TextEdit::singleline(view.key_text)
                        .password(true)
                        .hint_text("paste the key here")
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            let enter = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui.button("Save key").clicked() || enter {
                actions.push(Action::SaveKey);
            }
            if view.key_saved && ui.button("Remove saved key").clicked() {
                actions.push(Action::RemoveKey);
            }
        });
        ui.label("The key is kept in this computer's keychain, never in a file.");
    }
    ui.add_space(8.0);
    if ui
        .button("Test connection")
        .on_hover_text(
            "Checks the server address, API key and practice group ID without registering anyone",
        )
        .clicked()
    {
        actions.push(Action::TestConnection);
    }
    match view.message {
        Some(Ok(text)) => {
            ui.colored_label(ok_color(ui), format!("{OK_ICON} {text}"));
        }
        Some(Err(text)) => {
            error_line(ui, text);
        }
        None => {}
    }

    ui.add_space(8.0);
    ui.label(RichText::new("Appearance").strong());
    ui.horizontal_wrapped(|ui| {
        use crate::config::ThemeChoice;
        for (choice, label) in [
            (ThemeChoice::FollowSystem, "Follow the system"),
            (ThemeChoice::Light, "Light (high contrast)"),
            (ThemeChoice::Dark, "Dark"),
        ] {
            let selected = view.settings.theme == choice;
            if ui.selectable_label(selected, label).clicked() && !selected {
                actions.push(Action::SetTheme(choice));
            }
        }
    });
    ui.label(
        "Text size: Ctrl + (larger), Ctrl - (smaller), Ctrl 0 (normal). Remembered between runs.",
    );
    ui.label(format!(
        "Drawing with: {} (IT can choose with HERO_RENDERER=glow or wgpu)",
        view.renderer
    ));

    ui.add_space(12.0);
    if ui.button(RichText::new("Done (Esc)").size(16.0)).clicked() {
        actions.push(Action::CloseSettings);
    }
    actions
}
