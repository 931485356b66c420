//! `HeroIntakeApp`: the eframe app. Drains worker events, draws the screens, applies
//! the user's actions. The only module that touches both the worker and egui.

use std::sync::Arc;
use std::sync::mpsc::Receiver;
use std::time::Instant;

use egui::{Key, KeyboardShortcut, Modifiers, RichText};
use tokio::runtime::Handle;

use crate::api::{Connection, HeroClient, RequestField, RetryPolicy, Timeouts};
use crate::config::{
    BaseUrl, Environment, FileProblem, MachineSettings, Overrides, Resolved, Settings,
    SettingsFile, Source,
};
use crate::sandbox::{DEMO_API_KEY, DEMO_NAMED_PATIENTS, DEMO_PATIENTS, DEMO_PRACTICE_GROUP_ID};
use crate::secrets::{ApiKey, KeyStore, KeyStoreError};
use crate::state::{Command, Intake, Phase};
use crate::ui::shift::{ShiftEntry, ShiftOutcome};
use crate::ui::{self, Action};
use crate::worker::{Event, Waker, Worker};

/// Opens a link in the browser; injected so tests never start one.
pub trait UrlOpener: Send + Sync {
    fn open(&self, url: &str) -> Result<(), String>;
}

#[derive(Debug, Default)]
pub struct SystemBrowser;

impl UrlOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        open::that_detached(url).map_err(|e| {
            tracing::warn!(kind = ?e.kind(), "could not start a browser");
            "no web browser could be started on this computer".to_owned()
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Welcome,
    Intake,
    Settings,
    Batch,
}

#[derive(Debug, Clone, PartialEq)]
enum KeyState {
    Loading,
    Missing,
    Saved(ApiKey),
    /// Typed while the keychain was unavailable: used until the app closes, not saved.
    SessionOnly(ApiKey),
    Unavailable,
}

#[derive(Debug, Clone, PartialEq)]
enum Sandbox {
    NotStarted,
    Starting,
    Running(BaseUrl),
    Failed(String),
}

const SETTINGS_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Comma);
const COPY_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::C);
const OPEN_AGAIN_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::L);
const IMPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
const EXPORT_SHORTCUT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);

pub struct HeroIntakeApp {
    runtime: Handle,
    key_store: Arc<dyn KeyStore>,
    settings_file: SettingsFile,
    opener: Arc<dyn UrlOpener>,
    overrides: Overrides,
    timeouts: Timeouts,
    retry: RetryPolicy,

    settings: Settings,
    /// What the practice's IT set for this computer (the machine-wide file).
    machine: Option<MachineSettings>,
    /// Settings files that exist but can't be used: shown until the app closes.
    file_problems: Vec<FileProblem>,
    /// The proxy requests go through, as shown in Settings (address only).
    proxy_note: Option<String>,
    intake: Intake,
    screen: Screen,
    key: KeyState,
    sandbox: Sandbox,
    worker: Worker,
    events: Receiver<Event>,
    client: Option<HeroClient>,

    key_text: String,
    settings_message: Option<Result<String, String>>,
    show_all_errors: bool,
    focus_request: Option<egui::Id>,
    pending_copy: Option<String>,
    appearance_changed: bool,
    /// Open when Hero rejected the key and the user chose to fix it in place.
    key_fix: Option<ui::KeyFix>,
    /// Send the form again once the new key is saved.
    resend_after_key_saved: bool,
    shift: Vec<ShiftEntry>,
    show_shift: bool,
    file_picker: Arc<dyn crate::files::FilePicker>,
    batch: Option<ui::batch::BatchSession>,
    /// Why the last list couldn't be imported.
    list_problem: Option<String>,
    /// The window was asked to close while a batch runs: ask first.
    confirm_close: bool,
    allow_close: bool,
    close_now: bool,
    title_shown: String,
    /// True until the first key load decides whether to show the welcome screen.
    starting_up: bool,
    /// Which renderer draws the window, for Settings (support staff ask).
    renderer: String,
}

impl std::fmt::Debug for HeroIntakeApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HeroIntakeApp")
            .field("screen", &self.screen)
            .finish_non_exhaustive()
    }
}

impl HeroIntakeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, options: AppOptions) -> Self {
        let ctx = cc.egui_ctx.clone();
        let waker: Waker = Arc::new(move || ctx.request_repaint());
        let mut app = Self::with_waker(waker, options);
        app.renderer = renderer_in_use(cc);
        tracing::info!(renderer = %app.renderer, "drawing the window");
        ui::apply_appearance(&cc.egui_ctx, &app.settings);
        app
    }

    /// The renderer Settings names.
    pub fn renderer(&self) -> &str {
        &self.renderer
    }

    pub fn with_waker(waker: Waker, options: AppOptions) -> Self {
        let (worker, events) = Worker::new(options.runtime.clone(), waker);
        let (settings, user_problem) = options.settings_file.load_checked();
        let (machine, machine_problem) = match options.settings_file.load_machine() {
            Ok(machine) => (machine, None),
            Err(problem) => (None, Some(problem)),
        };
        let file_problems: Vec<FileProblem> =
            machine_problem.into_iter().chain(user_problem).collect();
        let mut app = Self {
            runtime: options.runtime,
            key_store: options.key_store,
            settings_file: options.settings_file,
            opener: options.opener,
            overrides: options.overrides,
            timeouts: options.timeouts,
            retry: options.retry,
            settings,
            machine,
            file_problems,
            proxy_note: None,
            intake: Intake::default(),
            screen: Screen::Intake,
            key: KeyState::Loading,
            sandbox: Sandbox::NotStarted,
            worker,
            events,
            client: None,
            key_text: String::new(),
            settings_message: None,
            show_all_errors: false,
            focus_request: Some(ui::intake::nhs_field_id()),
            pending_copy: None,
            appearance_changed: false,
            key_fix: None,
            resend_after_key_saved: false,
            shift: Vec::new(),
            show_shift: true,
            file_picker: options.file_picker,
            batch: None,
            list_problem: None,
            confirm_close: false,
            allow_close: false,
            close_now: false,
            title_shown: String::new(),
            starting_up: true,
            renderer: "not known".to_owned(),
        };
        app.prepare_environment();
        if let Some(path) = options.initial_list {
            let test_numbers = app.environment().test_numbers();
            app.worker.load_list(path, test_numbers);
        }
        app
    }

    /// Still reading the keychain or starting the demo server.
    pub fn is_loading(&self) -> bool {
        self.key == KeyState::Loading || self.sandbox == Sandbox::Starting
    }

    /// The last message on the Settings screen (or under the in-place key fix).
    pub fn settings_message(&self) -> Option<&Result<String, String>> {
        self.settings_message.as_ref()
    }

    /// The imported patient list, if any.
    pub fn batch(&self) -> Option<&ui::batch::BatchSession> {
        self.batch.as_ref()
    }

    /// Why the last list couldn't be imported.
    pub fn list_problem(&self) -> Option<&str> {
        self.list_problem.as_deref()
    }

    /// This shift's list, oldest first.
    pub fn shift(&self) -> &[ShiftEntry] {
        &self.shift
    }

    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn intake(&self) -> &Intake {
        &self.intake
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn runtime(&self) -> &Handle {
        &self.runtime
    }

    /// The environment, server and practice group in force, and where each comes from.
    pub fn resolved(&self) -> Resolved {
        crate::config::resolve(crate::config::Inputs {
            flag: None,
            overrides: &self.overrides,
            user: &self.settings,
            machine: self.machine.as_ref(),
        })
    }

    /// The environment in force: `HERO_BASE_URL` makes it a custom server; IT's lock wins.
    pub fn environment(&self) -> Environment {
        self.resolved().environment
    }

    /// Settings files that can't be used, in words for the window.
    pub fn file_problems(&self) -> Vec<String> {
        self.file_problems
            .iter()
            .map(|p| format!("{p}. {}", p.consequence()))
            .collect()
    }

    pub fn window_title(&self) -> String {
        format!("Hero Intake — {}", self.environment().label())
    }

    /// Loads what the current environment needs: its key, or the demo server.
    fn prepare_environment(&mut self) {
        let environment = self.environment();
        self.client = None;
        if environment == Environment::Demo {
            self.key = KeyState::Missing;
            self.starting_up = false;
            if matches!(self.sandbox, Sandbox::NotStarted | Sandbox::Failed(_)) {
                self.sandbox = Sandbox::Starting;
                self.worker.start_sandbox();
            }
        } else if self.overrides.api_key.is_some() {
            self.key = KeyState::Missing;
            self.starting_up = false;
        } else {
            self.key = KeyState::Loading;
            self.worker.load_key(self.key_store.clone(), environment);
        }
    }

    /// Where to send, with what: or, in plain words, what is missing.
    pub fn connection(&self) -> Result<Connection, String> {
        let environment = self.environment();
        if environment == Environment::Demo {
            return match &self.sandbox {
                Sandbox::Running(base_url) => Ok(Connection {
                    base_url: base_url.clone(),
                    api_key: ApiKey::parse(DEMO_API_KEY).map_err(|e| e.to_string())?,
                    practice_group_id: DEMO_PRACTICE_GROUP_ID.to_owned(),
                }),
                Sandbox::Failed(why) => Err(format!("The demo server couldn't start: {why}")),
                _ => Err("The demo server is starting…".to_owned()),
            };
        }
        let resolved = self.resolved();
        if let Some(conflict) = resolved.conflicts.first() {
            return Err(format!("{conflict}. Nothing is sent until it is removed."));
        }
        let base_url =
            BaseUrl::parse(&resolved.base_url).map_err(|e| match resolved.base_url_source {
                Source::Variable(name) => format!("{name} is not usable: {e}"),
                _ => format!("Server address in Settings: {e}"),
            })?;
        let api_key = match (&self.overrides.api_key, &self.key) {
            (Some(text), _) => {
                ApiKey::parse(text).map_err(|e| format!("HERO_API_KEY is not usable: {e}"))?
            }
            (None, KeyState::Saved(key) | KeyState::SessionOnly(key)) => key.clone(),
            (None, KeyState::Loading) => {
                return Err("Reading the API key from the keychain…".into());
            }
            (None, KeyState::Unavailable) => {
                return Err("This computer's keychain can't be reached: enter the API key in Settings to use it for this session.".into());
            }
            (None, KeyState::Missing) => {
                return Err(format!(
                    "There is no API key for {environment} yet: add it in Settings."
                ));
            }
        };
        let practice_group_id = resolved.practice_group_id;
        if practice_group_id.is_empty() {
            return Err("Enter the practice group ID in Settings.".into());
        }
        Ok(Connection {
            base_url,
            api_key,
            practice_group_id,
        })
    }

    fn client(&mut self, connection: Connection) -> Result<HeroClient, crate::api::ApiError> {
        // Reuse the HTTP client (and its connections) while the connection is unchanged.
        if let Some(client) = &self.client
            && client.connection() == &connection
        {
            return Ok(client.clone());
        }
        let client = HeroClient::with_options(connection, self.timeouts, self.retry)?;
        self.client = Some(client.clone());
        Ok(client)
    }

    fn drain_events(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.on_event(event);
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "every event the worker sends, until each screen handles its own (issue 11)"
    )]
    fn on_event(&mut self, event: Event) {
        match event {
            Event::Progress { id, progress } => {
                self.intake.on_progress(id, progress, Instant::now());
            }
            Event::Finished { id, result } => {
                let entry = self.shift_entry(&result);
                let was_current = self.intake.is_busy();
                if let Some(command) = self.intake.on_finished(id, result) {
                    self.run(command);
                }
                if was_current && !self.intake.is_busy() {
                    self.shift.extend(entry);
                }
                self.after_result();
            }
            Event::ConnectionChecked(result) => {
                self.settings_message = Some(match result {
                    Ok(group) => Ok(match group.name {
                        Some(name) => format!(
                            "Connected: the server address, API key and practice group ID all work ({name})."
                        ),
                        None => {
                            "Connected: the server address, API key and practice group ID all work."
                                .to_owned()
                        }
                    }),
                    Err(error) => Err(crate::api::describe_check_failure(&error)),
                });
            }
            Event::KeyLoaded {
                environment,
                result,
            } => {
                // A key saved (or removed) while this load was under way wins over it.
                if environment != self.environment()
                    || self.overrides.api_key.is_some()
                    || self.key != KeyState::Loading
                {
                    return;
                }
                self.key = match result {
                    Ok(Some(key)) => KeyState::Saved(key),
                    Ok(None) => KeyState::Missing,
                    Err(_) => KeyState::Unavailable,
                };
                // Offer the welcome only if the user hasn't gone anywhere yet.
                if self.starting_up
                    && self.screen == Screen::Intake
                    && !matches!(self.key, KeyState::Saved(_))
                {
                    self.screen = Screen::Welcome;
                }
                self.starting_up = false;
            }
            Event::KeySaved {
                environment,
                key,
                result,
            } => {
                if environment != self.environment() {
                    return;
                }
                let usable = match result {
                    Ok(()) => {
                        self.key = KeyState::Saved(key);
                        self.settings_message =
                            Some(Ok("Key saved in this computer's keychain.".into()));
                        true
                    }
                    Err(KeyStoreError::Unavailable) => {
                        self.key = KeyState::SessionOnly(key);
                        self.settings_message = Some(Err("This computer's keychain can't be reached, so the key will be used only until Hero Intake closes. It has NOT been saved.".into()));
                        true
                    }
                    Err(KeyStoreError::Rejected) => {
                        self.settings_message =
                            Some(Err("The keychain refused to store this key.".into()));
                        false
                    }
                };
                if std::mem::take(&mut self.resend_after_key_saved) && usable {
                    self.key_fix = None;
                    self.apply(Action::Submit);
                }
            }
            Event::KeyDeleted {
                environment,
                result,
            } => {
                if environment != self.environment() {
                    return;
                }
                match result {
                    Ok(()) => {
                        self.key = KeyState::Missing;
                        self.settings_message = Some(Ok("Saved key removed.".into()));
                    }
                    Err(e) => {
                        self.settings_message = Some(Err(format!("{e}: the key was not removed.")))
                    }
                }
            }
            Event::ListLoaded(Ok((name, list))) => {
                if self
                    .batch
                    .as_ref()
                    .is_some_and(ui::batch::BatchSession::is_running)
                {
                    return;
                }
                // Read while the environment changed (say, to Production): its rows were
                // checked for the other one, so it is not offered for sending.
                let environment = self.environment();
                if list.test_numbers != environment.test_numbers() {
                    self.list_problem = Some(format!(
                        "The environment changed to {environment} while {name} was being read: open it again (Ctrl+O) so its rows are checked for {environment}. Nothing was sent."
                    ));
                    return;
                }
                self.list_problem = None;
                self.batch = Some(ui::batch::BatchSession::new(name, list));
                self.screen = Screen::Batch;
            }
            Event::ListLoaded(Err(problem)) => self.list_problem = Some(problem),
            Event::Batch(update) => {
                if let Some(session) = &mut self.batch {
                    match update {
                        crate::batch::run::BatchUpdate::Row { row_number, result } => {
                            session.results.insert(row_number, result);
                        }
                        crate::batch::run::BatchUpdate::Progress(progress) => {
                            session.progress = Some(progress);
                        }
                    }
                }
            }
            Event::BatchFinished(summary) => {
                if let Some(session) = &mut self.batch {
                    session.stage = ui::batch::BatchStage::Finished(summary);
                }
            }
            Event::ResultsSaved(saved) => {
                if let (Some(session), Some(saved)) = (&mut self.batch, saved) {
                    session.saved = Some(saved.map(|path| path.display().to_string()));
                }
            }
            Event::SandboxStarted(result) => {
                self.sandbox = match result {
                    Ok(url) => Sandbox::Running(url),
                    Err(why) => Sandbox::Failed(why),
                };
            }
        }
    }

    /// Puts focus where the user will type next after a result arrives.
    fn after_result(&mut self) {
        let fields = self.intake.fields_to_correct();
        self.focus_request = match fields.first() {
            Some(field) => Some(ui::intake::field_id(*field)),
            None if self.intake.is_editable() => Some(ui::intake::nhs_field_id()),
            None => None,
        };
    }

    fn run(&mut self, command: Command) {
        match command {
            Command::Register { id, query } => {
                let client = self.connection().map(|c| self.client(c));
                match client {
                    Ok(Ok(client)) => self.worker.register(id, client, query),
                    Ok(Err(error)) => {
                        let _ = self.intake.on_finished(id, Err(error));
                    }
                    Err(_) => {
                        let _ = self
                            .intake
                            .on_finished(id, Err(crate::api::ApiError::Internal));
                    }
                }
            }
            Command::Cancel { id } => self.worker.cancel(id),
            Command::OpenUrl(url) => {
                let result = self.opener.open(&url);
                self.intake.record_opened(result);
            }
            Command::CopyText(text) => self.pending_copy = Some(text),
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "every action of every screen, until each screen handles its own (issue 11)"
    )]
    fn apply(&mut self, action: Action) {
        match action {
            Action::Submit => {
                if self.connection().is_err() {
                    self.show_all_errors = true;
                    return;
                }
                match self
                    .intake
                    .submit(self.environment(), crate::patient::today())
                {
                    Some(command) => {
                        self.show_all_errors = false;
                        self.run(command);
                    }
                    None if self.intake.is_editable() => self.show_all_errors = true,
                    None => {}
                }
            }
            Action::Cancel => {
                if let Some(command) = self.intake.cancel() {
                    self.run(command);
                    self.focus_request = Some(ui::intake::nhs_field_id());
                }
            }
            Action::NextPatient => {
                if self.intake.next_patient() {
                    self.key_fix = None;
                    self.show_all_errors = false;
                    self.focus_request = Some(ui::intake::nhs_field_id());
                }
            }
            Action::CopyResult => {
                if let Some(command) = self.intake.copy_patient_id() {
                    self.run(command);
                }
            }
            Action::OpenAgain => {
                if let Some(command) = self.intake.open_again() {
                    self.run(command);
                }
            }
            Action::OpenSettings => {
                self.screen = Screen::Settings;
                self.settings_message = None;
                self.proxy_note = crate::api::proxy::describe(&self.resolved().base_url);
            }
            Action::CloseSettings => {
                self.save_settings();
                self.key_text.clear();
                self.screen = Screen::Intake;
                self.focus_request = Some(ui::intake::nhs_field_id());
            }
            Action::TryDemo => {
                if self.set_environment(Environment::Demo) {
                    self.screen = Screen::Intake;
                    self.focus_request = Some(ui::intake::nhs_field_id());
                } else {
                    // Locked by IT: say why where the key is entered.
                    self.screen = Screen::Settings;
                }
            }
            Action::UseDemoPatient(index) => {
                if let Some(patient) = DEMO_PATIENTS.get(index)
                    && self.intake.next_patient()
                {
                    self.intake.nhs_text = patient.nhs_number.to_owned();
                    self.intake.dob_text = patient.dob.to_owned();
                    self.focus_request = Some(ui::intake::nhs_field_id());
                }
            }
            Action::UseDemoNamedPatient(index) => {
                if let Some(patient) = DEMO_NAMED_PATIENTS.get(index)
                    && self.intake.next_patient()
                {
                    self.intake.dob_text = patient.dob.to_owned();
                    self.intake.forename_text = patient.forename.to_owned();
                    self.intake.surname_text = patient.surname.to_owned();
                    self.intake.postcode_text = patient.postcode.to_owned();
                    self.focus_request = Some(ui::intake::field_id(RequestField::Postcode));
                }
            }
            Action::SetEnvironment(environment) => {
                let _ = self.set_environment(environment);
            }
            Action::SaveKey => match ApiKey::parse(&self.key_text) {
                Ok(key) => {
                    self.key_text.clear();
                    self.settings_message = Some(Ok("Saving…".into()));
                    self.worker
                        .save_key(self.key_store.clone(), self.environment(), key);
                }
                Err(e) => self.settings_message = Some(Err(e.to_string())),
            },
            Action::RemoveKey => {
                self.worker
                    .delete_key(self.key_store.clone(), self.environment());
            }
            Action::SaveSettings => self.save_settings(),
            Action::TestConnection => {
                self.save_settings();
                match self
                    .connection()
                    .map(|c| HeroClient::with_options(c, self.timeouts, RetryPolicy::none()))
                {
                    Ok(Ok(client)) => {
                        self.settings_message = Some(Ok("Checking…".into()));
                        self.worker.check_connection(client);
                    }
                    Ok(Err(e)) => self.settings_message = Some(Err(e.cause())),
                    Err(problem) => self.settings_message = Some(Err(problem)),
                }
            }
            Action::OpenKeyFix => {
                self.settings_message = None;
                let resolved = self.resolved();
                self.key_fix = Some(ui::KeyFix {
                    key_text: String::new(),
                    group_locked: resolved.practice_group_locked(),
                    practice_group_text: resolved.practice_group_id,
                });
                self.focus_request = Some(ui::result::key_fix_field_id());
            }
            Action::SaveKeyAndResend => self.save_key_and_resend(),
            Action::CopyText(text) => self.pending_copy = Some(text),
            Action::OpenLink(url) => {
                let demo = self.environment() == Environment::Demo;
                if crate::state::is_safe_login_url(&url, demo)
                    && let Err(why) = self.opener.open(&url)
                {
                    tracing::warn!(%why, "link from a list not opened");
                }
            }
            Action::ImportList => {
                if !self
                    .batch
                    .as_ref()
                    .is_some_and(ui::batch::BatchSession::is_running)
                {
                    self.worker
                        .pick_list(self.file_picker.clone(), self.environment().test_numbers());
                }
            }
            Action::BatchStart => self.start_batch(),
            Action::BatchPause => self.with_batch_control(|c| c.pause()),
            Action::BatchResume => self.with_batch_control(|c| c.resume()),
            Action::BatchCancel => self.with_batch_control(|c| c.cancel()),
            Action::BatchExport => {
                if let Some(session) = &self.batch
                    && matches!(session.stage, ui::batch::BatchStage::Finished(_))
                {
                    let rows = crate::batch::run::result_rows(&session.list, &session.results);
                    let stem = session
                        .file_name
                        .rsplit_once('.')
                        .map_or(session.file_name.as_str(), |(stem, _)| stem);
                    self.worker.save_results(
                        self.file_picker.clone(),
                        format!("{stem} - Hero results.csv"),
                        crate::batch::write_results(&rows),
                    );
                }
            }
            Action::BatchClose => {
                if !self
                    .batch
                    .as_ref()
                    .is_some_and(ui::batch::BatchSession::is_running)
                {
                    self.batch = None;
                    self.screen = Screen::Intake;
                    self.focus_request = Some(ui::intake::nhs_field_id());
                }
            }
            Action::BatchFilter(filter) => {
                if let Some(session) = &mut self.batch {
                    session.filter = filter;
                }
            }
            Action::KeepRunning => self.confirm_close = false,
            Action::StopAndClose => {
                self.with_batch_control(|c| c.cancel());
                self.confirm_close = false;
                self.allow_close = true;
                self.close_now = true;
            }
            Action::ClearShift => self.shift.clear(),
            Action::ToggleShift => self.show_shift = !self.show_shift,
            Action::SetTheme(theme) => {
                self.settings.theme = theme;
                self.save_settings();
                self.appearance_changed = true;
            }
        }
    }

    fn with_batch_control(&self, act: impl FnOnce(&crate::batch::run::BatchControl)) {
        if let Some(ui::batch::BatchSession {
            stage: ui::batch::BatchStage::Running { control },
            ..
        }) = &self.batch
        {
            act(control);
        }
    }

    fn start_batch(&mut self) {
        let connection = match self.connection() {
            Ok(c) => c,
            Err(problem) => {
                self.list_problem = Some(problem);
                return;
            }
        };
        // The batch retries transient faults by the same policy as a single registration.
        let client = match HeroClient::with_options(connection, self.timeouts, self.retry) {
            Ok(c) => c,
            Err(e) => {
                self.list_problem = Some(e.cause());
                return;
            }
        };
        let Some(session) = &mut self.batch else {
            return;
        };
        if !matches!(session.stage, ui::batch::BatchStage::Preview) {
            return;
        }
        let rows = session.list.valid_queries();
        let control = crate::batch::run::BatchControl::default();
        self.worker.run_batch(client, rows, control.clone());
        session.stage = ui::batch::BatchStage::Running { control };
    }

    fn save_key_and_resend(&mut self) {
        let Some(fix) = &self.key_fix else {
            return;
        };
        let resolved = self.resolved();
        let environment = resolved.environment;
        let group = fix.practice_group_text.trim().to_owned();
        let key_text = fix.key_text.clone();
        if !group.is_empty()
            && group != resolved.practice_group_id
            && !resolved.practice_group_locked()
        {
            self.settings.practice_group_ids.insert(environment, group);
            self.save_settings();
        }
        if key_text.trim().is_empty() {
            // Only the practice group changed: send again straight away.
            self.key_fix = None;
            self.apply(Action::Submit);
            return;
        }
        match ApiKey::parse(&key_text) {
            Ok(key) => {
                self.resend_after_key_saved = true;
                self.worker
                    .save_key(self.key_store.clone(), environment, key);
                if let Some(fix) = &mut self.key_fix {
                    fix.key_text.clear();
                }
            }
            Err(e) => self.settings_message = Some(Err(e.to_string())),
        }
    }

    /// What the shift list records for a result, before the state machine takes it.
    fn shift_entry(
        &self,
        result: &Result<crate::api::Registration, crate::api::ApiError>,
    ) -> Option<ShiftEntry> {
        let query = self.intake.last_sent()?;
        let outcome = match result {
            Ok(crate::api::Registration::Registered { patient_id }) => ShiftOutcome::Registered {
                patient_id: patient_id.as_str().to_owned(),
            },
            Ok(crate::api::Registration::VerificationRequired { login_url, .. }) => {
                ShiftOutcome::VerificationRequired {
                    login_url: login_url.clone(),
                    can_open: crate::state::is_safe_login_url(
                        login_url,
                        self.environment() == Environment::Demo,
                    ),
                }
            }
            Err(error) => ShiftOutcome::NotRegistered {
                cause: error.cause(),
            },
        };
        Some(ShiftEntry {
            at: jiff::Zoned::now().strftime("%H:%M").to_string(),
            masked_patient: query.masked(),
            outcome,
        })
    }

    /// Switches environment, unless IT locked it or a patient is being sent.
    fn set_environment(&mut self, environment: Environment) -> bool {
        if let Some(path) = self.resolved().locked_by {
            self.settings_message = Some(Err(format!(
                "Your practice's IT has set this computer to {} and locked it ({}): it can't be changed here.",
                self.environment().label(),
                path.display()
            )));
            return false;
        }
        if self.intake.is_busy() {
            self.settings_message = Some(Err(
                "Wait for the current patient to finish (or cancel it) before changing environment."
                    .into(),
            ));
            return false;
        }
        self.settings.environment = Some(environment);
        self.save_settings();
        self.intake.next_patient();
        self.settings_message = None;
        self.prepare_environment();
        // NO_PROXY may send one environment's server through the proxy and not another.
        self.proxy_note = crate::api::proxy::describe(&self.resolved().base_url);
        true
    }

    fn save_settings(&mut self) {
        if let Err(e) = self.settings_file.save(&self.settings) {
            tracing::warn!(error = %e, "settings not saved");
            self.settings_message = Some(Err(
                "Settings couldn't be saved to disk; they apply until Hero Intake closes.".into(),
            ));
            return;
        }
        // The user's unreadable file has just been replaced (and kept as settings.json.bad).
        let before = self.file_problems.len();
        self.file_problems
            .retain(|p| p.file != crate::config::WhichFile::User);
        if self.file_problems.len() < before {
            self.settings_message = Some(Ok(
                "Settings saved. The unreadable settings file was kept beside it as settings.json.bad."
                    .into(),
            ));
        }
    }

    fn key_status(&self) -> (String, bool) {
        let environment = self.environment();
        if self.overrides.api_key.is_some() {
            return (
                "Using the key from HERO_API_KEY on this computer.".into(),
                true,
            );
        }
        match &self.key {
            KeyState::Loading => ("Reading the keychain…".into(), false),
            KeyState::Missing => (format!("No key saved for {environment}."), false),
            KeyState::Saved(_) => (format!("A key for {environment} is saved in this computer's keychain."), true),
            KeyState::SessionOnly(_) => ("A key is in use for this session only: it is NOT saved (the keychain can't be reached).".into(), false),
            KeyState::Unavailable => ("This computer's keychain can't be reached. A key entered here is used for this session only.".into(), false),
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) -> Vec<Action> {
        let mut actions = Vec::new();
        ctx.input_mut(|input| {
            if input.consume_shortcut(&SETTINGS_SHORTCUT) {
                actions.push(Action::OpenSettings);
            }
            if input.consume_shortcut(&OPEN_AGAIN_SHORTCUT) {
                actions.push(Action::OpenAgain);
            }
            let copy_event = input.events.iter().any(|e| matches!(e, egui::Event::Copy));
            if self.screen == Screen::Intake
                && matches!(
                    self.intake.phase(),
                    Phase::Registered { .. } | Phase::VerificationRequired { .. }
                )
                && (input.consume_shortcut(&COPY_SHORTCUT) || copy_event)
            {
                actions.push(Action::CopyResult);
            }
            if input.consume_shortcut(&IMPORT_SHORTCUT) {
                actions.push(Action::ImportList);
            }
            if self.screen == Screen::Batch && input.consume_shortcut(&EXPORT_SHORTCUT) {
                actions.push(Action::BatchExport);
            }
            if input.key_pressed(Key::Escape) {
                actions.push(match self.screen {
                    Screen::Settings => Action::CloseSettings,
                    Screen::Batch
                        if self
                            .batch
                            .as_ref()
                            .is_some_and(ui::batch::BatchSession::is_running) =>
                    {
                        Action::BatchCancel
                    }
                    Screen::Batch => Action::BatchClose,
                    _ if self.intake.is_busy() => Action::Cancel,
                    _ => Action::NextPatient,
                });
            }
        });
        actions
    }

    fn top_bar(&self, ui: &mut egui::Ui) -> Option<Action> {
        let mut action = None;
        ui.horizontal(|ui| {
            ui.heading(RichText::new("Hero Intake").strong());
            let resolved = self.resolved();
            let detail = match resolved.environment_source {
                Source::Variable(_) => Some("set by HERO_BASE_URL"),
                Source::PracticeIt { locked: true } => Some("set by your practice's IT"),
                _ => None,
            };
            ui::environment_badge(ui, resolved.environment, detail);
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if self.screen != Screen::Settings && ui.button("Settings (Ctrl+,)").clicked() {
                    action = Some(Action::OpenSettings);
                }
                if matches!(self.screen, Screen::Intake | Screen::Batch)
                    && ui.button("Import list… (Ctrl+O)").clicked()
                {
                    action = Some(Action::ImportList);
                }
                if self.screen == Screen::Intake {
                    let label = if self.show_shift {
                        "Hide this shift's list".to_owned()
                    } else {
                        format!("This shift ({})", self.shift.len())
                    };
                    if ui.button(label).clicked() {
                        action = Some(Action::ToggleShift);
                    }
                }
            });
        });
        action
    }
}

impl eframe::App for HeroIntakeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.drain_events();
        let dropped = ctx
            .input(|i| i.raw.dropped_files.first().map(|f| f.path().to_path_buf()))
            .filter(|p| !p.as_os_str().is_empty());
        if let Some(path) = dropped
            && !self
                .batch
                .as_ref()
                .is_some_and(ui::batch::BatchSession::is_running)
        {
            self.worker
                .load_list(path, self.environment().test_numbers());
        }
        let running = self
            .batch
            .as_ref()
            .is_some_and(ui::batch::BatchSession::is_running);
        if ctx.input(|i| i.viewport().close_requested()) && running && !self.allow_close {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_close = true;
        }
        if std::mem::take(&mut self.close_now) {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
        if std::mem::take(&mut self.appearance_changed) {
            ui::apply_appearance(ctx, &self.settings);
        }
        // Ctrl + / Ctrl - / Ctrl 0 are egui's own; remember the result.
        let zoom = ctx.zoom_factor();
        if (zoom - self.settings.zoom).abs() > 0.001 {
            self.settings.zoom = zoom;
            self.save_settings();
        }
        let title = self.window_title();
        if title != self.title_shown {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title_shown = title;
        }
    }

    #[expect(
        clippy::too_many_lines,
        reason = "the shell around every screen, until each screen draws itself (issue 11)"
    )]
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut actions = self.shortcuts(&ctx);

        egui::Panel::top("top_bar").show(ui, |ui| {
            ui.add_space(4.0);
            actions.extend(self.top_bar(ui));
            ui.add_space(4.0);
        });
        egui::Panel::bottom("hints").show(ui, |ui| {
            ui.label(
                RichText::new("Enter: register · Esc: next patient / cancel · Ctrl+C: copy · Ctrl+O: import a list (or drop a CSV file here) · Ctrl+,: settings")
                    .small(),
            );
        });
        if self.show_shift && self.screen == Screen::Intake {
            egui::Panel::right("shift")
                .resizable(true)
                .default_size(260.0)
                .show(ui, |ui| actions.extend(ui::shift::show(ui, &self.shift)));
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| match self.screen {
                Screen::Welcome => {
                    let note = matches!(self.key, KeyState::Unavailable).then_some(
                        "This computer's keychain can't be reached: a key can still be used for this session only.",
                    );
                    let resolved = self.resolved();
                    let locked_to = resolved.locked_by.map(|_| resolved.environment);
                    actions.extend(ui::welcome::show(ui, note, locked_to));
                }
                Screen::Settings => {
                    let (key_status, key_saved) = self.key_status();
                    let mut overridden_by = Vec::new();
                    if self.overrides.base_url.is_some() {
                        overridden_by.push("HERO_BASE_URL");
                    }
                    if self.overrides.api_key.is_some() {
                        overridden_by.push("HERO_API_KEY");
                    }
                    if self.overrides.practice_group_id.is_some() {
                        overridden_by.push("HERO_PRACTICE_GROUP_ID");
                    }
                    let resolved = self.resolved();
                    let problems = self.file_problems();
                    actions.extend(ui::settings::show(
                        ui,
                        ui::settings::SettingsView {
                            resolved: &resolved,
                            machine: self.machine.as_ref(),
                            problems: &problems,
                            proxy: self.proxy_note.as_deref(),
                            settings: &mut self.settings,
                            key_text: &mut self.key_text,
                            key_status,
                            key_saved,
                            overridden_by,
                            message: self.settings_message.as_ref(),
                            renderer: &self.renderer,
                        },
                    ));
                }
                Screen::Intake => self.intake_screen(ui, &mut actions),
                Screen::Batch => match &self.batch {
                    Some(session) => {
                        if let Some(problem) = &self.list_problem {
                            ui::error_line(ui, problem);
                        }
                        actions.extend(ui::batch::show(
                            ui,
                            session,
                            self.environment() == Environment::Demo,
                        ));
                    }
                    None => actions.push(Action::BatchClose),
                },
            });
        });
        if self.confirm_close {
            egui::Modal::new(egui::Id::unique("confirm_close")).show(&ctx, |ui| {
                ui.heading("A patient list is still being registered");
                ui.label("Rows not yet sent will not be registered. Running the same file again later is safe.");
                ui.horizontal(|ui| {
                    if ui.button("Keep running").clicked() {
                        actions.push(Action::KeepRunning);
                    }
                    if ui.button("Stop and close").clicked() {
                        actions.push(Action::StopAndClose);
                    }
                });
            });
        }

        // An action changes what is on screen: draw once more to show it (then idle).
        if !actions.is_empty() {
            ctx.request_repaint();
        }
        for action in actions {
            self.apply(action);
        }
        if let Some(text) = self.pending_copy.take() {
            ctx.copy_text(text);
        }
        if let Some(id) = self.focus_request.take() {
            ctx.memory_mut(|m| m.request_focus(id));
            // Draw once more so the focus shows; nothing repaints after that.
            ctx.request_repaint();
        }
    }
}

impl HeroIntakeApp {
    fn intake_screen(&mut self, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
        let environment = self.environment();
        let connection = self.connection();
        if environment == Environment::Demo {
            ui.label(
                RichText::new("DEMO: made-up patients only. Nothing here is sent to Hero, and results are not real.")
                    .strong(),
            );
        }
        if let Some(problem) = &self.list_problem {
            ui::error_line(ui, problem);
        }
        for problem in self.file_problems() {
            ui::error_line(ui, &problem);
        }
        if let Err(problem) = &connection {
            ui.horizontal_wrapped(|ui| {
                ui::error_line(ui, problem);
                if ui.button("Open Settings (Ctrl+,)").clicked() {
                    actions.push(Action::OpenSettings);
                }
            });
        }
        actions.extend(ui::intake::show(
            ui,
            ui::intake::FormView {
                intake: &mut self.intake,
                environment,
                today: crate::patient::today(),
                show_all_errors: self.show_all_errors,
                ready_to_send: connection.is_ok(),
                enter_submits: self.key_fix.is_none(),
            },
        ));
        ui.separator();
        actions.extend(ui::result::show(
            ui,
            &self.intake,
            environment == Environment::Demo,
            Instant::now(),
            self.key_fix.as_mut(),
        ));
        if let Some(Err(problem)) = &self.settings_message
            && self.key_fix.is_some()
        {
            ui::error_line(ui, problem);
        }
        // Below the form and the result, so both stay in view whatever the table's size.
        if environment == Environment::Demo {
            ui.separator();
            actions.extend(ui::intake::demo_patients(ui));
        }
    }
}

/// "OpenGL (glow)" or "wgpu (Vulkan)": what eframe created for this window.
fn renderer_in_use(cc: &eframe::CreationContext<'_>) -> String {
    if cc.gl.is_some() {
        return crate::renderer::label(crate::renderer::Renderer::Glow, None);
    }
    match &cc.wgpu_render_state {
        Some(state) => {
            let backend = format!("{:?}", state.adapter.get_info().backend);
            crate::renderer::label(crate::renderer::Renderer::Wgpu, Some(&backend))
        }
        None => "not known".to_owned(),
    }
}
