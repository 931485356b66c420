//! Environment, practice group and API key.

use egui::{RichText, TextEdit};

use super::Msg;
use crate::config::{BaseUrl, Environment, MachineSettings, Resolved, Settings, Source};
use crate::screens::Notice;
use crate::ui::{OK_ICON, error_line, ok_color};

pub const KEY_FIELD_LABEL: &str = "API key";
pub const PRACTICE_GROUP_LABEL: &str = "Practice group ID";
pub const CUSTOM_URL_LABEL: &str = "Server address";
pub const SET_BY_IT: &str = "set by your practice's IT";
const LOCK_ICON: &str = "🔒";

pub struct SettingsView<'a> {
    /// What is in force and where each part comes from.
    pub resolved: &'a Resolved,
    pub machine: Option<&'a MachineSettings>,
    /// Settings files that can't be used, in words.
    pub problems: &'a [String],
    /// The proxy for this environment's server (address only), if any.
    pub proxy: Option<&'a str>,
    pub settings: &'a mut Settings,
    pub key_text: &'a mut String,
    /// One line on where the key for this environment comes from.
    pub key_status: String,
    pub key_saved: bool,
    /// Set when the environment variables decide something here.
    pub overridden_by: Vec<&'static str>,
    pub message: Option<&'a Notice>,
    /// The renderer drawing the window, e.g. "OpenGL (glow)".
    pub renderer: &'a str,
}

pub fn show(ui: &mut egui::Ui, mut view: SettingsView<'_>) -> Vec<Msg> {
    let mut actions = Vec::new();
    ui.heading("Settings");
    ui.add_space(6.0);
    for problem in view.problems {
        error_line(ui, problem);
    }
    for name in &view.overridden_by {
        ui.label(format!(
            "ℹ {name} is set on this computer and takes priority."
        ));
    }
    for conflict in &view.resolved.conflicts {
        error_line(
            ui,
            &format!("{conflict}. Nothing is sent until it is removed."),
        );
    }

    environment_choice(ui, &view, &mut actions);
    server_and_group(ui, &mut view, &mut actions);
    api_key(ui, &mut view, &mut actions);
    let environment = view.resolved.environment;
    if environment != Environment::Demo {
        ui.add_space(8.0);
        ui.label(RichText::new("Network").strong());
        ui.label(match view.proxy {
            Some(proxy) => format!(
                "Connects to Hero through the proxy {proxy} (from this computer's proxy settings)."
            ),
            None => "Connects to Hero directly (no proxy is set on this computer).".to_owned(),
        });
    }
    ui.add_space(8.0);
    if ui
        .button("Test connection")
        .on_hover_text(
            "Checks the server address, API key and practice group ID without registering anyone",
        )
        .clicked()
    {
        actions.push(Msg::TestConnection);
    }
    match view.message {
        Some(Notice::Done(text)) => {
            ui.colored_label(ok_color(ui), format!("{OK_ICON} {text}"));
        }
        Some(Notice::Problem(text)) => {
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
                actions.push(Msg::SetTheme(choice));
            }
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label("Hide a patient's details after");
        for minutes in [1, 3, 5, 10] {
            let selected = view.settings.hide_details_after_minutes == minutes;
            if ui
                .selectable_label(selected, format!("{minutes} min"))
                .clicked()
                && !selected
            {
                actions.push(Msg::SetHideDetailsAfter(minutes));
            }
        }
        ui.label("without a key or click (the screen faces the queue).");
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
        actions.push(Msg::Close);
    }
    actions
}

/// Which environment, and what it is.
fn environment_choice(ui: &mut egui::Ui, view: &SettingsView<'_>, actions: &mut Vec<Msg>) {
    let resolved = view.resolved;
    let environment = resolved.environment;
    let it_file = view
        .machine
        .map(|m| m.path.display().to_string())
        .unwrap_or_default();
    ui.label(RichText::new("Environment").strong());
    if resolved.locked_by.is_some() {
        ui.label(format!(
            "{LOCK_ICON} {} — {} ({it_file}). It can't be changed here.",
            environment.label(),
            SET_BY_IT
        ));
    } else {
        ui.horizontal_wrapped(|ui| {
            for choice in Environment::ALL {
                let selected = environment == choice;
                if ui.selectable_label(selected, choice.label()).clicked() && !selected {
                    actions.push(Msg::SetEnvironment(choice));
                }
            }
        });
        if resolved.environment_source == (Source::PracticeIt { locked: false }) {
            ui.label(format!(
                "{} is the default chosen by your practice's IT ({it_file}).",
                environment.label()
            ));
        }
    }
    ui.label(match environment {
        Environment::Demo => "The built-in demo: made-up patients, nothing is sent to Hero.",
        Environment::Staging => {
            "Hero's test system (api.staging.htech.app): use test patients only."
        }
        Environment::Production => "Hero's live system (api.herohealth.net): real patients.",
        Environment::Custom => "Another Hero server, for integrators.",
    });
    ui.add_space(8.0);
}

/// The server (Custom only) and the practice group, or who set them.
fn server_and_group(ui: &mut egui::Ui, view: &mut SettingsView<'_>, actions: &mut Vec<Msg>) {
    let resolved = view.resolved;
    let environment = resolved.environment;
    if environment == Environment::Custom && resolved.locked_by.is_some() {
        ui.label(format!(
            "{LOCK_ICON} {CUSTOM_URL_LABEL}: {} — {SET_BY_IT}",
            resolved.base_url
        ));
    } else if environment == Environment::Custom {
        let it_default = (resolved.base_url_source == Source::PracticeIt { locked: false })
            .then(|| resolved.base_url.clone());
        ui.horizontal(|ui| {
            let label = ui.label(CUSTOM_URL_LABEL);
            let response = ui
                .add(
                    TextEdit::singleline(&mut view.settings.custom_base_url)
                        .hint_text(it_default.as_deref().unwrap_or("https://…"))
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            if response.lost_focus() {
                actions.push(Msg::SaveSettings);
            }
        });
        if let Some(url) = &it_default {
            ui.label(format!(
                "Using {url}, set by your practice's IT; type another address to use it instead."
            ));
        }
        if let Err(e) = BaseUrl::parse(&resolved.base_url) {
            error_line(ui, &e.to_string());
        }
    }

    if environment != Environment::Demo && resolved.practice_group_locked() {
        ui.label(format!(
            "{LOCK_ICON} {PRACTICE_GROUP_LABEL}: {} — {SET_BY_IT}",
            resolved.practice_group_id
        ));
    } else if environment != Environment::Demo {
        let it_default = (resolved.practice_group_source == Source::PracticeIt { locked: false })
            .then(|| resolved.practice_group_id.clone());
        ui.horizontal(|ui| {
            let label = ui.label(PRACTICE_GROUP_LABEL);
            let group = view
                .settings
                .practice_group_ids
                .entry(environment)
                .or_default();
            let response = ui
                .add(
                    TextEdit::singleline(group)
                        .hint_text(it_default.as_deref().unwrap_or_default())
                        .desired_width(240.0),
                )
                .labelled_by(label.id);
            if response.lost_focus() {
                actions.push(Msg::SaveSettings);
            }
        });
        if let Some(id) = &it_default {
            ui.label(format!(
                "Using {id}, set by your practice's IT; type another ID to use it instead."
            ));
        } else if resolved.practice_group_id.trim().is_empty() {
            error_line(ui, "Enter the practice group ID Hero gave your practice");
        }
    }
}

/// The API key for this environment: where it comes from, save or remove it.
fn api_key(ui: &mut egui::Ui, view: &mut SettingsView<'_>, actions: &mut Vec<Msg>) {
    let environment = view.resolved.environment;
    if environment != Environment::Demo {
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
                actions.push(Msg::SaveKey);
            }
            if view.key_saved && ui.button("Remove saved key").clicked() {
                actions.push(Msg::RemoveKey);
            }
        });
        ui.label("The key is kept in this computer's keychain, never in a file.");
    }
}
