//! File dialogs for batch intake, behind a trait so tests choose the files (the native
//! dialogs are the app's: `hero_intake::dialogs`).

use std::path::PathBuf;

/// Picks files. Called off the UI thread: the native dialogs block.
pub trait FilePicker: Send + Sync {
    /// The patient list to import.
    fn pick_list(&self) -> Option<PathBuf>;
    /// Where to save the results (which hold patient data).
    fn pick_results_destination(&self, suggested_name: &str) -> Option<PathBuf>;
}

/// Answers every dialog with fixed paths (tests).
#[cfg(feature = "test-support")]
#[derive(Debug, Default, Clone)]
pub struct FixedPaths {
    pub list: Option<PathBuf>,
    pub results: Option<PathBuf>,
}

#[cfg(feature = "test-support")]
impl FilePicker for FixedPaths {
    fn pick_list(&self) -> Option<PathBuf> {
        self.list.clone()
    }

    fn pick_results_destination(&self, _suggested_name: &str) -> Option<PathBuf> {
        self.results.clone()
    }
}
