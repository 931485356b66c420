// A release build on Windows opens no console window behind the app.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use hero_intake::api::{RetryPolicy, Timeouts};
use hero_intake::app::{AppOptions, HeroIntakeApp, SystemBrowser};
use hero_intake::cli::Cli;
use hero_intake::config::{Overrides, SettingsFile};
use hero_intake::renderer::{self, Renderer};
use hero_intake::secrets::OsKeychain;

fn main() -> ExitCode {
    let cli = Cli::parse();
    hero_intake::init_logging();
    hero_intake::install_redacting_panic_hook();
    let runtime = match hero_intake::build_runtime() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Hero Intake couldn't start its background worker: {e}");
            return ExitCode::from(1);
        }
    };
    match cli.command {
        Some(command) => hero_intake::cli::run(command, &runtime),
        None => run_window(&runtime, cli.list),
    }
}

/// The app icon, embedded so the window has it without any installed files.
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!(
        "../assets/icons/hicolor/64x64/apps/hero-intake.png"
    ))
    .unwrap_or_default()
}

/// Opens the window with the first renderer that can draw it (src/renderer.rs), in
/// this one launch; when none can, says so in a message box and on stderr.
fn run_window(runtime: &tokio::runtime::Runtime, list: Option<std::path::PathBuf>) -> ExitCode {
    // On stderr as well as in the window: IT may start it from a script, or it may not open.
    let settings_file = SettingsFile::standard();
    let problems = settings_file.load_machine().err();
    for problem in problems.into_iter().chain(settings_file.load_checked().1) {
        eprintln!("Hero Intake: {problem}. {}", problem.consequence());
    }
    let forced = renderer::parse_override(std::env::var(renderer::OVERRIDE_VAR).ok().as_deref())
        .unwrap_or_else(|e| {
            tracing::warn!("{e}");
            None
        });
    let mut failures = Vec::new();
    for choice in renderer::order(forced) {
        let options = AppOptions {
            runtime: runtime.handle().clone(),
            key_store: Arc::new(OsKeychain::new()),
            settings_file: SettingsFile::standard(),
            opener: Arc::new(SystemBrowser),
            overrides: Overrides::from_env(),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            file_picker: Arc::new(hero_intake::files::NativeDialogs),
            initial_list: list.clone(),
        };
        let native = eframe::NativeOptions {
            renderer: match choice {
                Renderer::Glow => eframe::Renderer::Glow,
                Renderer::Wgpu => eframe::Renderer::Wgpu,
            },
            viewport: egui::ViewportBuilder::default()
                .with_title("Hero Intake")
                .with_app_id("hero-intake")
                .with_inner_size([1120.0, 700.0])
                .with_min_inner_size([640.0, 480.0])
                .with_icon(window_icon()),
            ..Default::default()
        };
        // Only a renderer that failed before the app started is replaced by the next:
        // once the window has been used, a failure is reported, never retried.
        let started = Arc::new(AtomicBool::new(false));
        let app_started = started.clone();
        let result = eframe::run_native(
            "Hero Intake",
            native,
            Box::new(move |cc| {
                app_started.store(true, Ordering::SeqCst);
                Ok(Box::new(HeroIntakeApp::new(cc, options)))
            }),
        );
        match result {
            Ok(()) => return ExitCode::SUCCESS,
            Err(e) if !started.load(Ordering::SeqCst) => {
                tracing::warn!(renderer = %choice, error = %e, "renderer could not draw the window");
                failures.push((choice, e.to_string()));
            }
            Err(e) => {
                eprintln!("Hero Intake's window stopped: {e}");
                return ExitCode::from(1);
            }
        }
    }
    let message = renderer::nothing_can_draw_message(&failures);
    eprintln!("{message}");
    // Double-clicked on Windows there is no console: the box is all the user sees.
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Hero Intake can't open its window")
        .set_description(&message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    ExitCode::from(1)
}
