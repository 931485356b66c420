// A release build on Windows opens no console window behind the app.
#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use hero_intake::api::{RetryPolicy, Timeouts};
use hero_intake::app::{AppOptions, HeroIntakeApp, SystemBrowser};
use hero_intake::cli::Cli;
use hero_intake::config::{Overrides, SettingsFile};
use hero_intake::secrets::OsKeychain;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
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

/// Logs to stderr, filtered by RUST_LOG (`warn`, `hero_intake=debug,warn`, …); warnings by default.
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|spec| spec.parse::<tracing_subscriber::filter::Targets>().ok())
        .unwrap_or_else(|| {
            tracing_subscriber::filter::Targets::new().with_default(tracing::Level::WARN)
        });
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal()),
        )
        .with(filter)
        .init();
}

/// The app icon, embedded so the window has it without any installed files.
fn window_icon() -> egui::IconData {
    eframe::icon_data::from_png_bytes(include_bytes!("../assets/icons/hero-intake-256.png"))
        .unwrap_or_default()
}

fn run_window(runtime: &tokio::runtime::Runtime, list: Option<std::path::PathBuf>) -> ExitCode {
    let settings_file = SettingsFile::standard();
    // On stderr as well as in the window: IT may start it from a script, or it may not open.
    let problems = settings_file.load_machine().err();
    for problem in problems.into_iter().chain(settings_file.load_checked().1) {
        eprintln!("Hero Intake: {problem}. {}", problem.consequence());
    }
    let options = AppOptions {
        runtime: runtime.handle().clone(),
        key_store: Arc::new(OsKeychain::new()),
        settings_file,
        opener: Arc::new(SystemBrowser),
        overrides: Overrides::from_env(),
        timeouts: Timeouts::default(),
        retry: RetryPolicy::default(),
        file_picker: Arc::new(hero_intake::files::NativeDialogs),
        initial_list: list,
    };
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Hero Intake")
            .with_app_id("hero-intake")
            .with_inner_size([1120.0, 700.0])
            .with_min_inner_size([640.0, 480.0])
            .with_icon(window_icon()),
        ..Default::default()
    };
    let result = eframe::run_native(
        "Hero Intake",
        native,
        Box::new(|cc| Ok(Box::new(HeroIntakeApp::new(cc, options)))),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Hero Intake couldn't open its window: {e}");
            ExitCode::from(1)
        }
    }
}
