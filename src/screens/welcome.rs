//! First run with no API key: try the demo, or enter a key.

use egui::RichText;

use super::ToApp;

/// `locked_to`: the environment the practice's IT locked this computer to (no demo then).
pub fn show(
    ui: &mut egui::Ui,
    keychain_note: Option<&str>,
    locked_to: Option<crate::config::Environment>,
) -> Option<ToApp> {
    let mut action = None;
    ui.add_space(24.0);
    ui.vertical_centered(|ui| {
        ui.heading(RichText::new("Welcome to Hero Intake").size(26.0));
        ui.add_space(8.0);
        ui.label("Register patients with Hero Health from their NHS number and date of birth.");
        ui.label("There is no Hero API key on this computer yet.");
        if let Some(note) = keychain_note {
            crate::ui::error_line(ui, note);
        }
        ui.add_space(16.0);
        if let Some(environment) = locked_to {
            ui.label(format!(
                "Your practice's IT has set this computer to {environment}: enter the API key for it."
            ));
            ui.add_space(12.0);
            if ui
                .add(
                    egui::Button::new(RichText::new("Enter your API key (Enter)").size(18.0))
                        .min_size(egui::vec2(260.0, 40.0)),
                )
                .clicked()
                || ui.input(|i| i.key_pressed(egui::Key::Enter))
            {
                action = Some(ToApp::OpenSettings);
            }
            return;
        }
        let demo = ui.add(
            egui::Button::new(RichText::new("Try the demo (Enter)").size(18.0))
                .min_size(egui::vec2(260.0, 40.0)),
        );
        ui.label("Practise with made-up patients. Nothing is sent to Hero.");
        ui.add_space(12.0);
        if ui
            .add(
                egui::Button::new(RichText::new("Enter your API key (Ctrl+,)").size(18.0))
                    .min_size(egui::vec2(260.0, 40.0)),
            )
            .clicked()
        {
            action = Some(ToApp::OpenSettings);
        }
        ui.label("Your practice's Hero API key and practice group ID come from Hero's partner programme.");
        if demo.clicked() || ui.input(|i| i.key_pressed(egui::Key::Enter)) {
            action = Some(ToApp::TryDemo);
        }
    });
    action
}
