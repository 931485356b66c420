//! The yardstick for `benches/desk.sh`: a bare eframe window, one label and one
//! text field, built with the same eframe features and release profile as Hero
//! Intake and opened at the same size, so the benchmark measures what the app adds.
//!
//! `cargo run --release -p bare`

struct Bare {
    text: String,
    focused_once: bool,
}

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            let label = ui.label("Text");
            let field = ui
                .text_edit_singleline(&mut self.text)
                .labelled_by(label.id);
            // Focus starts in the field, as it starts in "NHS number" in the app;
            // Esc leaves it (nothing focused), as after a result in the app.
            if !std::mem::replace(&mut self.focused_once, true) {
                field.request_focus();
            }
        });
    }
}

fn main() -> eframe::Result {
    let native = eframe::NativeOptions {
        // The yardstick is the bare glow window (eframe's default is wgpu when built with it).
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Bare")
            .with_app_id("bare")
            .with_inner_size([1120.0, 700.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Bare",
        native,
        Box::new(|_cc| {
            Ok(Box::new(Bare {
                text: String::new(),
                focused_once: false,
            }))
        }),
    )
}
