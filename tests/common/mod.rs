//! Shared set-up for the window tests: the real app, a real local server, an
//! in-memory key store and a recording URL opener.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use hero_intake::api::{RetryPolicy, Timeouts};
use hero_intake::app::{AppOptions, HeroIntakeApp, UrlOpener};
use hero_intake::config::{Environment, Overrides, Settings, SettingsFile};
use hero_intake::secrets::{ApiKey, KeyStore, MemoryKeyStore};

pub const TEST_KEY: &str = "test-key-0123456789";
pub const TEST_GROUP: &str = "pg-test-1";

/// Records what would have been opened (tests); with `no_browser` set, as on a
/// computer where none can be started, it records the attempt and fails.
#[derive(Debug, Default)]
pub struct RecordingOpener {
    opened: Mutex<Vec<String>>,
    pub no_browser: std::sync::atomic::AtomicBool,
}

impl RecordingOpener {
    pub fn opened(&self) -> Vec<String> {
        self.opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl UrlOpener for RecordingOpener {
    fn open(&self, url: &str) -> Result<(), hero_intake::state::NoBrowser> {
        self.opened
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(url.to_owned());
        if self.no_browser.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(hero_intake::state::NoBrowser);
        }
        Ok(())
    }
}

pub struct Fixture {
    pub runtime: tokio::runtime::Runtime,
    pub opener: Arc<RecordingOpener>,
    pub key_store: Arc<MemoryKeyStore>,
    pub dir: tempfile::TempDir,
    /// What the file dialogs answer.
    pub files: hero_intake::files::FixedPaths,
}

impl Fixture {
    pub fn new() -> Self {
        Self::with_key_store(MemoryKeyStore::new())
    }

    pub fn with_key_store(store: MemoryKeyStore) -> Self {
        Self {
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap(),
            opener: Arc::new(RecordingOpener::default()),
            key_store: Arc::new(store),
            dir: tempfile::tempdir().unwrap(),
            files: hero_intake::files::FixedPaths::default(),
        }
    }

    pub fn settings_file(&self) -> SettingsFile {
        SettingsFile::at(self.dir.path().join("settings.json"))
    }

    /// Settings pointing the Custom environment at `base_url`, with a key in the store.
    pub fn custom_server(&self, base_url: &str) {
        self.custom_server_with(base_url, TEST_KEY, TEST_GROUP);
    }

    pub fn custom_server_with(&self, base_url: &str, key: &str, group: &str) {
        let mut settings = Settings {
            environment: Some(Environment::Custom),
            custom_base_url: base_url.to_owned(),
            ..Settings::default()
        };
        settings
            .practice_group_ids
            .insert(Environment::Custom, group.to_owned());
        self.settings_file().save(&settings).unwrap();
        self.key_store
            .save(Environment::Custom, &ApiKey::parse(key).unwrap())
            .unwrap();
    }

    pub fn demo(&self) {
        let settings = Settings {
            environment: Some(Environment::Demo),
            ..Settings::default()
        };
        self.settings_file().save(&settings).unwrap();
    }

    pub fn options(&self) -> AppOptions {
        AppOptions {
            runtime: self.runtime.handle().clone(),
            key_store: self.key_store.clone(),
            settings_file: self.settings_file(),
            opener: self.opener.clone(),
            overrides: Overrides::default(),
            timeouts: Timeouts {
                connect: Duration::from_secs(2),
                request: Duration::from_secs(5),
            },
            retry: RetryPolicy {
                base_delay: Duration::from_millis(20),
                ..RetryPolicy::default()
            },
            file_picker: Arc::new(self.files.clone()),
            initial_list: None,
        }
    }

    pub fn harness(&self) -> Harness<'static, HeroIntakeApp> {
        let options = self.options();
        let mut harness = Harness::builder()
            .with_size(egui::vec2(900.0, 760.0))
            .build_eframe(move |cc| HeroIntakeApp::new(cc, options));
        settle(&mut harness, |h| !h.state().is_loading());
        harness
    }
}

/// Steps the window until `done` holds (the worker answers on its own threads).
pub fn settle(
    harness: &mut Harness<'static, HeroIntakeApp>,
    mut done: impl FnMut(&Harness<'static, HeroIntakeApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        frame(harness);
        if done(harness) {
            frame(harness);
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the window never reached the expected state; it is at {:?} in {:?}",
            harness.state().intake().phase(),
            harness.state().screen()
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// One frame as eframe draws it: the app's `raw_input_hook` first (kittest's `step`
/// leaves it out), then the frame.
pub fn frame(harness: &mut Harness<'static, HeroIntakeApp>) {
    use eframe::App;
    let ctx = harness.ctx.clone();
    let mut raw = std::mem::take(harness.input_mut());
    harness.state_mut().raw_input_hook(&ctx, &mut raw);
    *harness.input_mut() = raw;
    harness.step();
}

pub fn has_text(harness: &Harness<'static, HeroIntakeApp>, text: &str) -> bool {
    use egui_kittest::kittest::Queryable;
    harness.query_all_by_label_contains(text).next().is_some()
}

pub fn type_into(harness: &mut Harness<'static, HeroIntakeApp>, label: &str, text: &str) {
    use egui_kittest::kittest::Queryable;
    harness
        .get_by_role_and_label(egui::Role::TextInput, label)
        .focus();
    harness.step();
    harness
        .get_by_role_and_label(egui::Role::TextInput, label)
        .type_text(text);
    harness.step();
    harness.step();
}

pub fn has_value(harness: &Harness<'static, HeroIntakeApp>, value: &str) -> bool {
    use egui_kittest::kittest::Queryable;
    harness.query_all_by_value(value).next().is_some()
}

/// Types a patient and presses Enter, as a receptionist does.
pub fn enter_patient(harness: &mut Harness<'static, HeroIntakeApp>, nhs: &str, dob: &str) {
    type_into(harness, "NHS number", nhs);
    type_into(harness, "Date of birth", dob);
    harness.key_press(egui::Key::Enter);
    harness.step();
}

/// Steps a few frames and returns the text the app put on the clipboard, if any.
pub fn step_until_copied(harness: &mut Harness<'static, HeroIntakeApp>) -> Option<String> {
    for _ in 0..5 {
        harness.step();
        if let Some(text) = copied_text(harness) {
            return Some(text);
        }
    }
    None
}

/// Text the app asked to put on the clipboard in the last frame.
pub fn copied_text(harness: &Harness<'static, HeroIntakeApp>) -> Option<String> {
    harness
        .output()
        .platform_output
        .commands
        .iter()
        .find_map(|c| match c {
            egui::OutputCommand::CopyText(text) => Some(text.clone()),
            _ => None,
        })
}

/// Types a key into Settings' masked API key field and presses Save key.
pub fn save_api_key(harness: &mut Harness<'static, HeroIntakeApp>, key: &str) {
    use egui_kittest::kittest::Queryable;
    harness
        .get_by_role_and_label(egui::Role::PasswordInput, "API key")
        .focus();
    harness.step();
    harness
        .get_by_role_and_label(egui::Role::PasswordInput, "API key")
        .type_text(key);
    harness.step();
    harness.get_by_label("Save key").click();
}
