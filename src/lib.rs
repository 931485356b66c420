//! Hero Intake: register patients with Hero Health from the GP reception desk. This crate
//! is the window (`app`, `screens`, `ui`), the command line and the renderer choice; everything
//! else is in `hero_core`, re-exported here under the same module names.

pub use hero_core::{
    api, batch, build_runtime, config, demo, demographics, held, init_logging,
    install_redacting_panic_hook, matched, messages, patient, sandbox, secrets, state, text,
    worker,
};

pub mod app;
pub mod cli;
pub mod desk;
pub mod dialogs;
pub mod renderer;
pub mod screens;
pub mod ui;

/// File pickers: the trait and test paths from the core, the native dialogs from here.
pub mod files {
    pub use crate::dialogs::NativeDialogs;
    pub use hero_core::files::*;
}
