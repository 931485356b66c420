//! File dialogs for batch intake, behind a trait so tests choose the files.

use std::path::PathBuf;

/// Picks files. Called off the UI thread: the native dialogs block.
pub trait FilePicker: Send + Sync {
    /// The patient list to import.
    fn pick_list(&self) -> Option<PathBuf>;
    /// Where to save the results (which hold patient data).
    fn pick_results_destination(&self, suggested_name: &str) -> Option<PathBuf>;
}

/// The operating system's own dialogs (the XDG portal on Linux).
#[derive(Debug, Default)]
pub struct NativeDialogs;

impl FilePicker for NativeDialogs {
    fn pick_list(&self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Import a patient list (CSV with NHS number and date of birth)")
            .add_filter("CSV or text list", &["csv", "txt", "tsv"])
            .pick_file()
    }

    fn pick_results_destination(&self, suggested_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title("Save results: this file holds patient data, keep it somewhere safe")
            .add_filter("CSV", &["csv"])
            .set_file_name(suggested_name)
            .save_file()
    }
}

/// Answers every dialog with fixed paths (tests).
#[derive(Debug, Default, Clone)]
pub struct FixedPaths {
    pub list: Option<PathBuf>,
    pub results: Option<PathBuf>,
}

impl FilePicker for FixedPaths {
    fn pick_list(&self) -> Option<PathBuf> {
        self.list.clone()
    }

    fn pick_results_destination(&self, _suggested_name: &str) -> Option<PathBuf> {
        self.results.clone()
    }
}
