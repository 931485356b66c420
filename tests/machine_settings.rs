//! The built binary with a machine-wide settings file from the practice's IT, pointed
//! at a local server: defaults, the lock, and files that can't be used.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use hero_intake::config::env_vars::{
    HERO_API_KEY, HERO_BASE_URL, HERO_INTAKE_MACHINE_SETTINGS, HERO_PRACTICE_GROUP_ID,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "machine-test-key-42";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

/// A Hero stand-in that registers anyone sent for `group`.
fn hero_for(rt: &tokio::runtime::Runtime, group: &str) -> MockServer {
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", KEY))
            .and(header("x-practice-group-id", group))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "81"})),
            )
            .mount(&server)
            .await;
        server
    })
}

fn requests(rt: &tokio::runtime::Runtime, server: &MockServer) -> usize {
    rt.block_on(server.received_requests()).unwrap().len()
}

/// A machine-wide file and a user config folder, both in a temp dir.
struct Machine {
    dir: tempfile::TempDir,
}

impl Machine {
    fn with_file(contents: &str) -> Self {
        let machine = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::write(machine.file(), contents).unwrap();
        machine
    }

    fn file(&self) -> PathBuf {
        self.dir.path().join("machine-settings.json")
    }

    /// The user's own settings file (XDG_CONFIG_HOME/hero-intake/settings.json).
    fn user_file(&self, contents: &str) {
        let dir = self.dir.path().join("config").join("hero-intake");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("settings.json"), contents).unwrap();
    }

    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value) {
        let out = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
            .args(args)
            .arg("--json")
            .env_remove(HERO_BASE_URL)
            .env_remove(HERO_PRACTICE_GROUP_ID)
            .env(HERO_API_KEY, KEY)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env(HERO_INTAKE_MACHINE_SETTINGS, self.file())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let json = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|_| panic!("stdout is not one JSON object: {stdout:?}"));
        (out.status.code().unwrap(), json)
    }

    fn register(&self, extra: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value) {
        let mut args = vec![
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
        ];
        args.extend_from_slice(extra);
        self.run(&args, env)
    }
}

fn custom(server: &MockServer, group: &str, locked: bool) -> String {
    serde_json::json!({
        "environment": "custom",
        "base_url": server.uri(),
        "practice_group_id": group,
        "locked": locked,
    })
    .to_string()
}

fn registered() -> serde_json::Value {
    serde_json::json!({"outcome": "registered", "patient_id": "81"})
}

fn assert_refused_naming(json: &serde_json::Value, file: &Path, words: &str) {
    let cause = json["cause"].as_str().unwrap();
    assert!(cause.contains(&file.display().to_string()), "{cause}");
    assert!(cause.contains(words), "{cause}");
    assert!(
        json["fix"].as_str().unwrap().contains("Nothing was sent"),
        "{json}"
    );
}

#[test]
fn the_machine_file_sets_the_server_and_practice_group() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-it");
    let machine = Machine::with_file(&custom(&hero, "pg-it", false));
    assert_eq!(machine.register(&[], &[]), (0, registered()));
    assert_eq!(requests(&rt, &hero), 1);
}

#[test]
fn unlocked_the_users_own_settings_and_variables_win() {
    let rt = runtime();
    let it_server = hero_for(&rt, "pg-it");
    let users_server = hero_for(&rt, "pg-user");
    let machine = Machine::with_file(&custom(&it_server, "pg-it", false));
    machine.user_file(
        &serde_json::json!({
            "environment": "Custom",
            "custom_base_url": users_server.uri(),
            "practice_group_ids": {"Custom": "pg-user"},
        })
        .to_string(),
    );
    assert_eq!(machine.register(&[], &[]), (0, registered()));
    assert_eq!(
        (requests(&rt, &it_server), requests(&rt, &users_server)),
        (0, 1)
    );
    // A variable beats the user's file too.
    let var_server = hero_for(&rt, "pg-var");
    let url = var_server.uri();
    let env = [
        (HERO_BASE_URL, url.as_str()),
        (HERO_PRACTICE_GROUP_ID, "pg-var"),
    ];
    assert_eq!(machine.register(&[], &env), (0, registered()));
    assert_eq!(requests(&rt, &var_server), 1);
}

#[test]
fn locked_the_users_own_settings_are_overruled() {
    let rt = runtime();
    let it_server = hero_for(&rt, "pg-it");
    let users_server = hero_for(&rt, "pg-user");
    let machine = Machine::with_file(&custom(&it_server, "pg-it", true));
    machine.user_file(
        &serde_json::json!({
            "environment": "Custom",
            "custom_base_url": users_server.uri(),
            "practice_group_ids": {"Custom": "pg-user"},
        })
        .to_string(),
    );
    assert_eq!(machine.register(&[], &[]), (0, registered()));
    assert_eq!(
        (requests(&rt, &it_server), requests(&rt, &users_server)),
        (1, 0)
    );
}

#[test]
fn locked_a_contradicting_environment_flag_exits_2_and_sends_nothing() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-it");
    let machine = Machine::with_file(&custom(&hero, "pg-it", true));
    for command in [
        vec![
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
            "--environment",
            "staging",
        ],
        vec!["check", "--environment", "demo"],
    ] {
        let (code, json) = machine.run(&command, &[]);
        assert_eq!(code, 2, "{command:?}: {json}");
        assert_refused_naming(
            &json,
            &machine.file(),
            "can't be used: your practice's IT has set the environment to Custom for this computer and locked it",
        );
    }
    // The same environment as the lock is fine.
    assert_eq!(
        machine.register(&["--environment", "custom"], &[]),
        (0, registered())
    );
    assert_eq!(requests(&rt, &hero), 1);
}

#[test]
fn locked_contradicting_variables_exit_2_and_send_nothing() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-it");
    let elsewhere = hero_for(&rt, "pg-other");
    let machine = Machine::with_file(&custom(&hero, "pg-it", true));
    let other_url = elsewhere.uri();
    let (code, json) = machine.register(&[], &[(HERO_BASE_URL, &other_url)]);
    assert_eq!(code, 2, "{json}");
    assert_refused_naming(&json, &machine.file(), "HERO_BASE_URL can't be used");
    let (code, json) = machine.register(&[], &[(HERO_PRACTICE_GROUP_ID, "pg-other")]);
    assert_eq!(code, 2, "{json}");
    assert_refused_naming(
        &json,
        &machine.file(),
        "HERO_PRACTICE_GROUP_ID can't be used",
    );
    // Batch too: nothing is read from the list or sent.
    let list = machine.dir.path().join("list.csv");
    std::fs::write(&list, "NHS number,Date of birth\n9990000026,14/07/1985\n").unwrap();
    let (code, json) = machine.run(
        &["batch", list.to_str().unwrap()],
        &[(HERO_BASE_URL, &other_url)],
    );
    assert_eq!(code, 2, "{json}");
    assert_eq!((requests(&rt, &hero), requests(&rt, &elsewhere)), (0, 0));
    // Variables that agree with the lock are fine.
    let same_url = hero.uri();
    assert_eq!(
        machine.register(
            &[],
            &[
                (HERO_BASE_URL, &same_url),
                (HERO_PRACTICE_GROUP_ID, "pg-it")
            ]
        ),
        (0, registered())
    );
}

#[test]
fn a_malformed_machine_file_exits_2_naming_it_and_sends_nothing() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-any");
    let machine = Machine::with_file("{\"environment\": \"production\", \"locked\": tru}");
    let url = hero.uri();
    let env = [
        (HERO_BASE_URL, url.as_str()),
        (HERO_PRACTICE_GROUP_ID, "pg-any"),
    ];
    let (code, json) = machine.register(&[], &env);
    assert_eq!(code, 2, "{json}");
    assert_eq!(
        json["cause"],
        format!(
            "The settings file from your practice's IT ({}) can't be used: it is not valid JSON: expected ident (line 1, column 44)",
            machine.file().display()
        )
    );
    assert!(json["fix"].as_str().unwrap().contains("practice's IT"));
    assert_eq!(requests(&rt, &hero), 0);
}

#[test]
fn a_malformed_user_file_exits_2_naming_it_and_sends_nothing() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-any");
    let machine = Machine::with_file("{}");
    machine.user_file("{\"environment\": \"Prod\"}");
    let url = hero.uri();
    let env = [
        (HERO_BASE_URL, url.as_str()),
        (HERO_PRACTICE_GROUP_ID, "pg-any"),
    ];
    let (code, json) = machine.register(&[], &env);
    assert_eq!(code, 2, "{json}");
    let cause = json["cause"].as_str().unwrap();
    assert!(
        cause.starts_with("Your settings file (")
            && cause.contains("hero-intake/settings.json) can't be used: unknown variant `Prod`"),
        "{cause}"
    );
    assert_eq!(requests(&rt, &hero), 0);
}

#[test]
fn a_missing_machine_file_is_normal() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-any");
    let machine = Machine::with_file("{}");
    std::fs::remove_file(machine.file()).unwrap();
    let url = hero.uri();
    let env = [
        (HERO_BASE_URL, url.as_str()),
        (HERO_PRACTICE_GROUP_ID, "pg-any"),
    ];
    assert_eq!(machine.register(&[], &env), (0, registered()));
}

/// What the MSI runs for `ENVIRONMENT=… PRACTICE_GROUP_ID=… LOCKED=1`.
fn write_machine_settings(file: &Path, values: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .arg("write-machine-settings")
        .args(values)
        .arg("--file")
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    (out.status.code().unwrap(), text)
}

#[test]
fn the_installers_writer_makes_a_file_that_locks() {
    let rt = runtime();
    let hero = hero_for(&rt, "pg-msi");
    let machine = Machine::with_file("{}");
    let url = hero.uri();
    let (code, text) = write_machine_settings(
        &machine.file(),
        &[
            "--environment",
            "CUSTOM",
            "--base-url",
            &url,
            "--practice-group-id",
            "pg-msi",
            "--locked",
            "1",
        ],
    );
    assert_eq!(code, 0, "{text}");
    assert_eq!(
        text.trim(),
        format!(
            "Wrote {}: Custom, practice group pg-msi, locked.",
            machine.file().display()
        )
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(machine.file()).unwrap()).unwrap();
    assert_eq!(
        written,
        serde_json::json!({"environment": "custom", "base_url": url, "practice_group_id": "pg-msi", "locked": true})
    );
    assert_eq!(machine.register(&[], &[]), (0, registered()));
    let (code, json) = machine.register(&["--environment", "production"], &[]);
    assert_eq!(code, 2, "{json}");
    assert_eq!(requests(&rt, &hero), 1);
}

#[test]
fn the_installers_writer_refuses_values_that_would_not_work_and_keeps_the_file() {
    let machine = Machine::with_file("{\"environment\": \"staging\"}");
    for (values, says) in [
        (
            vec!["--environment", "prod"],
            "\"environment\": \"prod\" is not one of \"staging\", \"production\" or \"custom\"",
        ),
        (
            vec!["--practice-group-id", "pg-1", "--locked", "1"],
            "there is no \"environment\"",
        ),
        (
            vec!["--environment", "production", "--locked", "Y"],
            "locked must be 1 or 0, not \"y\"",
        ),
        (
            vec!["--environment", "custom"],
            "\"environment\" is \"custom\" but there is no \"base_url\"",
        ),
    ] {
        let (code, text) = write_machine_settings(&machine.file(), &values);
        assert_eq!(code, 2, "{values:?}: {text}");
        assert!(
            text.contains(&format!(
                "The machine-wide settings were not written: {says}"
            )),
            "{values:?}: {text}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(machine.file()).unwrap(),
        "{\"environment\": \"staging\"}"
    );
}

#[test]
fn the_window_names_a_bad_machine_file_on_stderr_too() {
    let machine = Machine::with_file("{\"environment\": \"live\"}");
    // No display: the window can't open, and says so after naming the file.
    let out = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("XDG_CONFIG_HOME", machine.dir.path().join("config"))
        .env(HERO_INTAKE_MACHINE_SETTINGS, machine.file())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(&format!(
            "Hero Intake: The settings file from your practice's IT ({}) can't be used: \"environment\": \"live\" is not one of \"staging\", \"production\" or \"custom\". Hero Intake is ignoring it until it is corrected: ask your practice's IT.",
            machine.file().display()
        )),
        "{stderr}"
    );
}
