//! What the app is given from outside: injected so tests use real servers, an
//! in-memory key store and a recording opener, and the binary the real ones.

use std::sync::Arc;

use tokio::runtime::Handle;

use crate::api::{RetryPolicy, Timeouts};
use crate::config::{Overrides, SettingsFile};
use crate::secrets::KeyStore;
use crate::state::NoBrowser;

/// Opens a link in the browser; injected so tests never start one.
pub trait UrlOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<(), NoBrowser>;
}

#[derive(Debug, Default)]
pub struct SystemBrowser;

impl UrlOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), NoBrowser> {
        open::that_detached(url).map_err(|e| {
            tracing::warn!(kind = ?e.kind(), "could not start a browser");
            NoBrowser
        })
    }
}

/// Everything the app needs from outside: injected so tests use real servers and
/// an in-memory key store, and the binary uses the OS keychain.
pub struct AppOptions {
    pub runtime: Handle,
    pub key_store: Arc<dyn KeyStore>,
    pub settings_file: SettingsFile,
    pub opener: Arc<dyn UrlOpener>,
    pub overrides: Overrides,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    pub file_picker: Arc<dyn crate::files::FilePicker>,
    /// A list given on the command line, opened at start.
    pub initial_list: Option<std::path::PathBuf>,
}
