//! The window around the screens: the top bar, the hint line, the shortcuts that work
//! everywhere, the confirm-close modal, and drawing whichever screen is shown.

use egui::{Key, KeyboardShortcut, Modifiers, RichText};

use super::{HeroIntakeApp, Message, Modal, Shown};
use crate::config::Source;
use crate::config::env_vars::HERO_BASE_URL;
use crate::screens::{ToApp, welcome};
use crate::ui;

const SETTINGS_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Comma);
const IMPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const EXPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
/// Send again what Hero couldn't be reached for: a list's rows, or the held patients.
const SEND_AGAIN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::R);

impl HeroIntakeApp {
    /// The keys that work on the screen shown, for the line at the bottom.
    fn hints(&self) -> &'static str {
        use crate::screens::batch::BatchStage;
        match &self.shown {
            Shown::Intake if self.intake.has_card() => {
                "Ctrl+M: send a message · Ctrl+B: invite to book · Ctrl+C: copy the patient ID · Esc: back / next patient · Ctrl+,: settings"
            }
            Shown::Intake if !self.intake.held().is_empty() => {
                "Enter: register · Esc: next patient / cancel · Ctrl+R: try the waiting patients now · Ctrl+C: copy · Ctrl+,: settings"
            }
            Shown::Intake => {
                "Enter: register · Esc: next patient / cancel · Ctrl+C: copy · Ctrl+O: import a list (or drop a CSV file here) · Ctrl+,: settings"
            }
            Shown::Batch(batch) => match batch.stage {
                BatchStage::Preview => {
                    "Ctrl+O: choose another file · Esc: back to the form · Ctrl+,: settings"
                }
                BatchStage::Running { .. } => "Esc: cancel the run · Ctrl+,: settings",
                BatchStage::Finished(_) if !batch.rows_to_send_again().is_empty() => {
                    "Ctrl+R: send the rows Hero couldn't be reached for again · Ctrl+S: export the results · Esc: back to the form · Ctrl+,: settings"
                }
                BatchStage::Finished(_) => {
                    "Ctrl+S: export the results · Ctrl+O: import another list · Esc: back to the form · Ctrl+,: settings"
                }
            },
            Shown::Settings { .. } => "Tab: next field · Esc: close Settings",
            Shown::Welcome if self.desk.resolved().locked_by.is_some() => {
                "Enter: enter your API key · Ctrl+,: settings"
            }
            Shown::Welcome => "Enter: try the demo · Ctrl+,: settings",
        }
    }

    pub(super) fn shortcuts(&self, input: &mut egui::InputState) -> Vec<Message> {
        let mut messages = Vec::new();
        // A question is on screen: Esc answers "keep", and nothing reaches the screen
        // beneath it (Enter would send the form under "Switch and lose them?").
        if self.modal.is_some() {
            if input.key_pressed(Key::Escape) {
                messages.push(Message::KeepRunning);
            }
            return messages;
        }
        if input.consume_shortcut(&SETTINGS_SHORTCUT) {
            messages.push(Message::App(ToApp::OpenSettings));
        }
        if let Shown::Intake = self.shown {
            messages.extend(
                self.intake
                    .shortcuts(input)
                    .into_iter()
                    .map(Message::Intake),
            );
        }
        if input.consume_shortcut(&SEND_AGAIN_SHORTCUT) {
            match &self.shown {
                Shown::Batch(batch) if !batch.rows_to_send_again().is_empty() => {
                    messages.push(Message::Batch(crate::screens::batch::Msg::SendAgain));
                }
                _ if !self.intake.held().is_empty() => {
                    messages.push(Message::Intake(crate::screens::intake::Msg::TryHeldNow));
                }
                _ => {}
            }
        }
        if input.consume_shortcut(&IMPORT_SHORTCUT) {
            messages.push(Message::App(ToApp::ImportList));
        }
        if let Shown::Batch(_) = self.shown
            && input.consume_shortcut(&EXPORT_SHORTCUT)
        {
            messages.push(Message::Batch(crate::screens::batch::Msg::Export));
        }

        if input.key_pressed(Key::Escape) {
            match &self.shown {
                Shown::Settings { .. } => {
                    messages.push(Message::Settings(crate::screens::settings::Msg::Close))
                }
                Shown::Batch(batch) => messages.push(Message::Batch(batch.escape())),
                Shown::Intake => messages.push(Message::Intake(self.intake.escape())),
                Shown::Welcome => {}
            }
        }
        messages
    }

    fn top_bar(&self, ui: &mut egui::Ui) -> Option<Message> {
        let mut message = None;
        ui.horizontal(|ui| {
            ui.heading(RichText::new("Hero Intake").strong());
            let resolved = self.desk.resolved();
            let set_by_variable = format!("set by {HERO_BASE_URL}");
            let detail = match resolved.environment_source {
                Source::Variable(_) => Some(set_by_variable.as_str()),
                Source::PracticeIt { locked: true } => Some("set by your practice's IT"),
                _ => None,
            };
            ui::environment_badge(ui, resolved.environment, detail);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let settings_open = matches!(self.shown, Shown::Settings { .. });
                if !settings_open && ui.button("Settings (Ctrl+,)").clicked() {
                    message = Some(Message::App(ToApp::OpenSettings));
                }
                if matches!(self.shown, Shown::Intake | Shown::Batch(_))
                    && ui.button("Import list… (Ctrl+O)").clicked()
                {
                    message = Some(Message::App(ToApp::ImportList));
                }
                if matches!(self.shown, Shown::Intake)
                    && ui.button(self.intake.shift_toggle_label()).clicked()
                {
                    message = Some(Message::Intake(crate::screens::intake::Msg::ToggleShift));
                }
            });
        });
        message
    }

    /// Draws the window; returns what the user did.
    pub(super) fn draw(&mut self, ui: &mut egui::Ui) -> Vec<Message> {
        let mut messages = Vec::new();
        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.add_space(4.0);
            messages.extend(self.top_bar(ui));
            ui.add_space(4.0);
        });
        egui::Panel::bottom("hints").show(ui, |ui| {
            ui.label(RichText::new(self.hints()).small());
        });
        // On every screen: the patients waiting for Hero are never out of sight.
        if !self.intake.held().is_empty() {
            egui::Panel::bottom("held").show(ui, |ui| {
                ui.add_space(4.0);
                let here = self.desk.destination();
                let held = crate::screens::intake::held::waiting_line(
                    ui,
                    self.intake.held(),
                    here.as_ref(),
                    std::time::Instant::now(),
                );
                messages.extend(held.into_iter().map(Message::Intake));
                ui.add_space(4.0);
            });
        }
        if matches!(self.shown, Shown::Intake) && self.intake.shift_shown() {
            egui::Panel::right("shift")
                .resizable(true)
                .default_size(260.0)
                .show(ui, |ui| {
                    messages.extend(self.intake.shift_ui(ui).into_iter().map(Message::Intake));
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                if matches!(self.shown, Shown::Intake | Shown::Batch(_))
                    && let Some(problem) = &self.list_problem
                {
                    ui::error_line(ui, &problem.to_string());
                }
                messages.extend(self.screen_ui(ui));
            });
        });
        // Under a question, the screen's own clicks and keys (its Enter) do nothing.
        if self.modal.is_some() {
            messages.clear();
        }
        match self.modal {
            Some(Modal::ConfirmClose) => messages.extend(confirm_close(
                ui.ctx(),
                self.batch_running(),
                self.intake.held().len(),
            )),
            Some(Modal::ConfirmSwitch(environment)) => messages.extend(confirm_switch(
                ui.ctx(),
                environment,
                self.intake.held().len(),
            )),
            None => {}
        }
        messages
    }

    fn screen_ui(&mut self, ui: &mut egui::Ui) -> Vec<Message> {
        match &mut self.shown {
            Shown::Welcome => {
                let note = matches!(self.desk.key, super::KeyState::Unavailable).then_some(
                    "This computer's keychain can't be reached: a key can still be used for this session only.",
                );
                let resolved = self.desk.resolved();
                let locked_to = resolved.locked_by.map(|_| resolved.environment);
                welcome::show(ui, note, locked_to)
                    .map(Message::App)
                    .into_iter()
                    .collect()
            }
            Shown::Intake => self
                .intake
                .ui(ui, &self.desk)
                .into_iter()
                .map(Message::Intake)
                .collect(),
            Shown::Batch(batch) => batch
                .ui(ui, &self.desk)
                .into_iter()
                .map(Message::Batch)
                .collect(),
            Shown::Settings { state, .. } => state
                .ui(ui, &mut self.desk)
                .into_iter()
                .map(Message::Settings)
                .collect(),
        }
    }
}

impl eframe::App for HeroIntakeApp {
    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        self.type_ahead.pace(raw_input);
    }

    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        while let Ok(event) = self.events.try_recv() {
            self.on_event(event);
        }
        let dropped = ctx
            .input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()))
            .filter(|p| !p.as_os_str().is_empty());
        if let Some(path) = dropped
            && !self.batch_running()
        {
            self.desk
                .worker
                .load_list(path, self.environment().test_numbers());
        }
        if let Some(wait) = self
            .intake
            .tick_held(&mut self.desk, std::time::Instant::now())
        {
            ctx.request_repaint_after(wait);
        }
        if ctx.input(|i| i.viewport().close_requested())
            && (self.batch_running() || !self.intake.held().is_empty())
            && !self.close_approved
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.modal = Some(Modal::ConfirmClose);
        }
        if std::mem::take(&mut self.effects.restyle) {
            ui::apply_appearance(ctx, &self.desk.settings);
        }
        // Ctrl + / Ctrl - / Ctrl 0 are egui's own; remember the result.
        let zoom = ctx.zoom_factor();
        if (zoom - self.desk.settings.zoom).abs() > 0.001 {
            self.desk.settings.zoom = zoom;
            let _ = self.desk.save_settings();
        }
        let title = self.window_title();
        if title != self.title_shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        self.type_ahead.drawn();
        // The window itself, named for a screen reader as its title bar names it.
        let title = self.window_title();
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| node.set_label(title));
        // A key or a click keeps the card up; a mouse nudge or the window regaining
        // focus does not.
        let acted = ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(
                    e,
                    egui::Event::Key { .. }
                        | egui::Event::Text(_)
                        | egui::Event::Paste(_)
                        | egui::Event::PointerButton { .. }
                )
            })
        });
        if acted {
            self.intake.note_input(std::time::Instant::now());
        }
        let mut messages = ctx.input_mut(|input| self.shortcuts(input));
        messages.extend(self.draw(ui));
        // A message changes what is on screen, and keys typed ahead wait for their
        // frame: draw once more (then idle).
        if !messages.is_empty() || self.type_ahead.has_waiting() {
            ctx.request_repaint();
        }
        let closing = self.close_approved;
        for message in messages {
            self.dispatch(message);
        }
        if self.close_approved && !closing {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if let Some(text) = self.effects.copy.take() {
            ctx.copy_text(text);
        }
        if let Some(id) = self.effects.focus.take() {
            ctx.memory_mut(|m| m.request_focus(id));
            // Draw once more so the focus shows; nothing repaints after that.
            ctx.request_repaint();
        }
    }
}

/// "2 patients are", "1 patient is".
fn patients_are(count: usize) -> String {
    if count == 1 {
        "1 patient is".to_owned()
    } else {
        format!("{count} patients are")
    }
}

fn confirm_close(ctx: &egui::Context, list_running: bool, held: usize) -> Option<Message> {
    let mut message = None;
    egui::Modal::new(egui::Id::unique("confirm_close")).show(ctx, |ui| {
        if list_running {
            ui.heading("A patient list is still being registered");
            ui.label(
                "Rows not yet sent will not be registered. Running the same file again later is safe.",
            );
        }
        if held > 0 {
            ui.heading(format!("{} waiting for Hero", patients_are(held)));
            ui.label(format!(
                "Closing loses them: they are kept in memory only and will not be registered. ({held} would be lost.)"
            ));
        }
        ui.horizontal(|ui| {
            let (keep, close) = if held > 0 {
                ("Keep Hero Intake open", "Close and lose them")
            } else {
                ("Keep running", "Stop and close")
            };
            if ui.button(keep).clicked() {
                message = Some(Message::KeepRunning);
            }
            if ui.button(close).clicked() {
                message = Some(Message::StopAndClose);
            }
        });
    });
    message
}

fn confirm_switch(
    ctx: &egui::Context,
    environment: crate::config::Environment,
    held: usize,
) -> Option<Message> {
    let mut message = None;
    egui::Modal::new(egui::Id::unique("confirm_switch")).show(ctx, |ui| {
        ui.heading(format!("{} waiting for Hero", patients_are(held)));
        ui.label(format!(
            "They are sent only to the environment they were typed for. Switching to {environment} loses them: {held} would not be registered."
        ));
        ui.horizontal(|ui| {
            if ui.button("Keep them (don't switch)").clicked() {
                message = Some(Message::KeepRunning);
            }
            if ui.button(format!("Switch to {environment} and lose them")).clicked() {
                message = Some(Message::SwitchAndDropHeld(environment));
            }
        });
    });
    message
}

/// "OpenGL (glow)" or "wgpu (Vulkan)": what eframe created for this window.
pub(super) fn renderer_in_use(cc: &eframe::CreationContext<'_>) -> String {
    if cc.gl.is_some() {
        return crate::renderer::label(crate::renderer::Renderer::Glow, None);
    }
    match &cc.wgpu_render_state {
        Some(state) => {
            let backend = format!("{:?}", state.adapter.get_info().backend);
            crate::renderer::label(crate::renderer::Renderer::Wgpu, Some(&backend))
        }
        None => "not known".to_owned(),
    }
}
