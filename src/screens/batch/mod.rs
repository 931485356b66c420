//! The list screen: preview an imported list, run it with progress, pause and cancel,
//! see and export the results. The list and its results are kept in memory only.

mod view;

use std::collections::HashMap;

use super::{Effects, ToApp};
use crate::api::{ApiError, Registration};
use crate::batch::BatchList;
use crate::batch::run::{BatchControl, BatchProgress, BatchSummary, BatchUpdate};
use crate::desk::Desk;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResultFilter {
    #[default]
    All,
    Registered,
    IdentityCheck,
    Problems,
}

#[derive(Debug)]
pub enum BatchStage {
    Preview,
    Running { control: BatchControl },
    Finished(BatchSummary),
}

/// What the user did on the list screen.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum Msg {
    Start,
    Pause,
    Resume,
    Cancel,
    Export,
    Close,
    Filter(ResultFilter),
    ImportList,
    CopyText(String),
    OpenLink(String),
    /// Send again the rows Hero couldn't be reached for.
    SendAgain,
}

/// One imported list and what became of it.
pub struct State {
    pub file_name: String,
    pub list: BatchList,
    pub stage: BatchStage,
    /// Final results by the row number in the file.
    pub results: HashMap<usize, Result<Registration, ApiError>>,
    pub progress: Option<BatchProgress>,
    pub filter: ResultFilter,
    /// Where the results were saved, or why not.
    pub saved: Option<Result<std::path::PathBuf, crate::worker::SaveError>>,
    /// Why the list couldn't be started.
    problem: Option<String>,
    /// Where the list was run: its rows are sent again only there.
    ran_in: Option<crate::config::Environment>,
    /// The rows Hero couldn't be reached for, worked out once when the run finished.
    to_send_again: Vec<(usize, crate::patient::PatientQuery)>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("batch::State")
            .field("rows", &self.list.rows.len())
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

impl State {
    pub fn new(file_name: String, list: BatchList) -> Self {
        Self {
            file_name,
            list,
            stage: BatchStage::Preview,
            results: HashMap::new(),
            progress: None,
            filter: ResultFilter::All,
            saved: None,
            problem: None,
            ran_in: None,
            to_send_again: Vec::new(),
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.stage, BatchStage::Running { .. })
    }

    /// Esc: cancel a running list, or go back to the form.
    pub fn escape(&self) -> Msg {
        if self.is_running() {
            Msg::Cancel
        } else {
            Msg::Close
        }
    }

    pub fn update(&mut self, msg: Msg, desk: &mut Desk, fx: &mut Effects) -> Option<ToApp> {
        match msg {
            Msg::Start => {
                if matches!(self.stage, BatchStage::Preview) {
                    self.run(self.list.valid_queries(), desk);
                }
            }
            Msg::SendAgain => {
                let rows = self.to_send_again.clone();
                if self.ran_in != Some(desk.environment()) {
                    self.problem = Some(format!(
                        "These rows were sent to {}: switch back to it to send them again.",
                        self.ran_in
                            .map_or("another environment".to_owned(), |e| e.to_string())
                    ));
                } else if matches!(self.stage, BatchStage::Finished(_)) && !rows.is_empty() {
                    self.saved = None;
                    self.run(rows, desk);
                }
            }
            Msg::Pause => self.with_control(BatchControl::pause),
            Msg::Resume => self.with_control(BatchControl::resume),
            Msg::Cancel => self.with_control(BatchControl::cancel),
            Msg::Export => self.export(desk),
            Msg::Close if !self.is_running() => return Some(ToApp::CloseBatch),
            Msg::Close => {}
            Msg::Filter(filter) => self.filter = filter,
            Msg::ImportList => return Some(ToApp::ImportList),
            Msg::CopyText(text) => fx.copy(text),
            Msg::OpenLink(url) => {
                if crate::state::is_safe_login_url(&url, desk.is_demo())
                    && let Err(why) = desk.opener.open(&url)
                {
                    tracing::warn!(%why, "link from a list not opened");
                }
            }
        }
        None
    }

    /// Cancels a running list (the window is closing).
    pub fn cancel(&self) {
        self.with_control(BatchControl::cancel);
    }

    fn with_control(&self, act: impl FnOnce(&BatchControl)) {
        if let BatchStage::Running { control } = &self.stage {
            act(control);
        }
    }

    /// The rows of a finished list that failed because Hero couldn't be reached.
    pub fn rows_to_send_again(&self) -> &[(usize, crate::patient::PatientQuery)] {
        &self.to_send_again
    }

    fn run(&mut self, rows: Vec<(usize, crate::patient::PatientQuery)>, desk: &mut Desk) {
        let client = match desk.connection() {
            Ok(connection) => desk.client(connection).map_err(|e| e.cause()),
            Err(problem) => Err(problem.to_string()),
        };
        let client = match client {
            Ok(client) => client,
            Err(problem) => {
                self.problem = Some(problem);
                return;
            }
        };
        self.problem = None;
        let control = BatchControl::default();
        self.ran_in = Some(desk.environment());
        self.to_send_again.clear();
        desk.worker.run_batch(client, rows, control.clone());
        self.progress = None;
        self.stage = BatchStage::Running { control };
    }

    fn export(&self, desk: &Desk) {
        if !matches!(self.stage, BatchStage::Finished(_)) {
            return;
        }
        let rows = crate::batch::run::result_rows(&self.list, &self.results);
        let stem = self
            .file_name
            .rsplit_once('.')
            .map_or(self.file_name.as_str(), |(stem, _)| stem);
        desk.worker.save_results(
            desk.file_picker.clone(),
            format!("{stem} - Hero results.csv"),
            crate::batch::write_results(&rows),
        );
    }

    pub fn on_update(&mut self, update: BatchUpdate) {
        match update {
            BatchUpdate::Row { row_number, result } => {
                self.results.insert(row_number, result);
            }
            BatchUpdate::Progress(progress) => self.progress = Some(progress),
        }
    }

    pub fn on_finished(&mut self, summary: BatchSummary) {
        self.stage = BatchStage::Finished(summary);
        self.to_send_again = crate::batch::run::rows_to_send_again(&self.list, &self.results);
    }

    pub fn on_saved(&mut self, saved: Result<std::path::PathBuf, crate::worker::SaveError>) {
        self.saved = Some(saved);
    }

    pub fn ui(&self, ui: &mut egui::Ui, desk: &Desk) -> Vec<Msg> {
        if let Some(problem) = &self.problem {
            crate::ui::error_line(ui, problem);
        }
        view::show(ui, self, desk.is_demo())
    }
}
