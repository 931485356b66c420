//! The operating system's file dialogs (rfd: the XDG portal on Linux), for batch intake.

use std::path::PathBuf;

use hero_core::files::FilePicker;

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
