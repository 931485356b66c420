//! Hero Intake's core: patient input, the intake state machine, settings and the one
//! connection resolver, secrets, the Hero API client, the batch engine, the background
//! worker and the demo sandbox. No GUI: neither egui nor eframe is in this crate's tree,
//! so its tests build and run without the window stack.

pub mod api;
pub mod batch;
pub mod config;
pub mod demo;
pub mod demographics;
pub mod files;
pub mod held;
pub mod matched;
pub mod messages;
pub mod patient;
pub mod sandbox;
pub mod secrets;
pub mod state;
#[cfg(feature = "test-support")]
pub mod testing;
pub mod text;
pub mod worker;

/// Replaces the default panic message, whose payload could hold patient data,
/// with the location only.
pub fn install_redacting_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "internal error (details withheld: they may hold patient data)");
        eprintln!(
            "Hero Intake hit an internal error at {location}. Details are withheld because they may contain patient data."
        );
    }));
}

/// Logs to stderr, filtered by RUST_LOG (`warn`, `hero_core=debug,hero_intake=debug,warn`, …); warnings by default.
pub fn init_logging() {
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

/// The process's one tokio runtime, with named threads.
pub fn build_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hero-worker")
        .enable_all()
        .build()
}
