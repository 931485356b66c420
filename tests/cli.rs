//! The built binary's `register`, `batch` and `sandbox` commands: outputs and exit codes.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Output, Stdio};

use hero_core::testing::nhs_numbers_from;
use hero_intake::config::env_vars::{
    HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID, HERO_RENDERER,
};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "cli-test-key-42";
const GROUP: &str = "pg-cli";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn hero_intake(base_url: &str, args: &[&str]) -> Output {
    let config = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .args(args)
        .env(HERO_BASE_URL, base_url)
        .env(HERO_API_KEY, KEY)
        .env(HERO_PRACTICE_GROUP_ID, GROUP)
        .env("XDG_CONFIG_HOME", config.path())
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn register_json(base_url: &str, nhs: &str, dob: &str) -> (i32, serde_json::Value, String) {
    let out = hero_intake(
        base_url,
        &["register", "--nhs-number", nhs, "--dob", dob, "--json"],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("stdout is not one JSON object: {stdout:?}"));
    (out.status.code().unwrap(), json, stderr)
}

fn server_answering(rt: &tokio::runtime::Runtime, response: ResponseTemplate) -> MockServer {
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", KEY))
            .and(header("x-practice-group-id", GROUP))
            .and(body_json(
                serde_json::json!({"nhs_number": "999 000 0026", "dob": "1985-07-14"}),
            ))
            .respond_with(response)
            .mount(&server)
            .await;
        server
    })
}

/// A server that fails the test (at `verify`) if anything is sent to it.
fn server_expecting_nothing(rt: &tokio::runtime::Runtime) -> MockServer {
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(200))
            .expect(0)
            .mount(&server)
            .await;
        server
    })
}

#[test]
fn registered_prints_the_patient_id_and_exits_0() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
    );
    let (code, json, stderr) = register_json(&server.uri(), "9990000026", "14/07/1985");
    assert_eq!(code, 0);
    assert_eq!(
        json,
        serde_json::json!({"outcome": "registered", "patient_id": "70001"})
    );
    // Trace logging on, yet no key and no patient data in what was written.
    for secret in [KEY, "9990000026", "999 000 0026", "1985-07-14", "70001"] {
        assert!(!stderr.contains(secret), "stderr leaks {secret}");
    }
    assert!(
        stderr.contains("*** *** 0026"),
        "the masked number is what is logged"
    );

    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--nhs-number",
            "999 000 0026",
            "--dob",
            "1985-07-14",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Patient ID: 70001"));
}

#[test]
fn verification_required_prints_the_link_and_exits_0() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message": "Patient must verify their identity before proceeding",
            "login_url": "https://patient.example.test/verify/x1"
        })),
    );
    let (code, json, _) = register_json(&server.uri(), "999 000 0026", "1985-07-14");
    assert_eq!(code, 0);
    assert_eq!(json["outcome"], "verification_required");
    assert_eq!(json["login_url"], "https://patient.example.test/verify/x1");
    assert_eq!(
        json["message"],
        "Patient must verify their identity before proceeding"
    );
}

/// Nothing a hostile server sends reaches the terminal as a control: no escape sequence,
/// no direction override, no line break inside a value, no `javascript:` link.
#[test]
fn what_hero_sends_is_printed_as_data_never_as_controls() {
    let rt = runtime();
    let hostile_ids = [
        "\u{1b}]0;owned\u{7}\u{1b}[2J123",
        "123\u{202E}987\nRegistered",
        &"9".repeat(5_000),
    ];
    for id in hostile_ids {
        let server = server_answering(
            &rt,
            ResponseTemplate::new(200).set_body_json(serde_json::json!({ "patient_id": id })),
        );
        for json in [true, false] {
            let mut args = vec![
                "register",
                "--nhs-number",
                "9990000026",
                "--dob",
                "14/07/1985",
            ];
            if json {
                args.push("--json");
            }
            let out = hero_intake(&server.uri(), &args);
            assert_eq!(out.status.code(), Some(4), "an unreadable answer");
            assert_printed_as_data(&out);
            if json {
                let printed = String::from_utf8_lossy(&out.stdout);
                assert!(
                    !printed.contains("987") && !printed.contains("99999"),
                    "{printed}"
                );
            }
        }
    }
    for link in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
    ] {
        let server = server_answering(
            &rt,
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"message": "Verify", "login_url": link})),
        );
        let (code, json, _) = register_json(&server.uri(), "9990000026", "14/07/1985");
        assert_eq!(code, 4);
        assert_eq!(json["outcome"], "error");
        assert!(!json.to_string().contains(link));
    }
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "message": "Verify\u{1b}[2J\u{202E} now\r\nplease\u{7}",
            "login_url": "https://patient.example.test/verify/x1\u{202E}"
        })),
    );
    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_printed_as_data(&out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Verify[2J now  please"));
}

/// No control character but the line ends, no bidirectional control, in either stream.
fn assert_printed_as_data(out: &Output) {
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        for c in text.chars() {
            assert!(
                c == '\n' || !(c.is_control() || hero_core::text::is_bidi_control(c)),
                "U+{:04X} printed",
                c as u32
            );
        }
    }
}

#[test]
fn refusals_exit_3_and_failures_exit_4() {
    let rt = runtime();
    for (status, exit) in [(400, 3), (401, 3), (403, 3), (404, 3), (500, 4)] {
        let server = server_answering(&rt, ResponseTemplate::new(status));
        let (code, json, _) = register_json(&server.uri(), "999 000 0026", "14/07/1985");
        assert_eq!(code, exit, "HTTP {status}");
        assert_eq!(json["outcome"], "error");
        assert_eq!(json["status"], status);
        assert!(!json["cause"].as_str().unwrap().is_empty());
        let fix = json["fix"].as_str().unwrap();
        assert!(!fix.contains("press Enter"), "the window's words: {fix}");
        if status == 401 {
            assert!(fix.contains("HERO_API_KEY"), "{fix}");
        }
        if matches!(status, 400 | 500) {
            assert!(fix.contains("run the command again"), "{fix}");
        }
    }
    // Nothing listening: no answer at all.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, json, _) = register_json(
        &format!("http://127.0.0.1:{port}"),
        "999 000 0026",
        "14/07/1985",
    );
    assert_eq!(code, 4);
    assert_eq!(json["status"], serde_json::Value::Null);
    assert!(json["cause"].as_str().unwrap().contains("can't be reached"));
}

#[test]
fn invalid_input_exits_2_and_sends_nothing() {
    let rt = runtime();
    let server = server_expecting_nothing(&rt);
    let (code, json, _) = register_json(&server.uri(), "999 000 001", "14/07/1985");
    assert_eq!(code, 2);
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .contains("10 digits — 9 entered")
    );
    let (code, json, _) = register_json(&server.uri(), "999 000 0026", "14/07/85");
    assert_eq!(code, 2);
    assert!(json["cause"].as_str().unwrap().contains("four-digit year"));
    // A non-loopback http address is refused before anything is sent.
    let (code, json, _) = register_json("http://hero.example.test", "999 000 0026", "14/07/1985");
    assert_eq!(code, 2);
    assert!(json["cause"].as_str().unwrap().contains("https://"));
    rt.block_on(server.verify());
}

#[test]
fn usage_errors_exit_2() {
    let out = hero_intake(
        "http://127.0.0.1:9",
        &["register", "--nhs-number", "9990000026"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn register_works_against_the_standalone_sandbox() {
    let mut sandbox = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .args(["sandbox", "--port", "0"])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(sandbox.stdout.as_mut().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let base_url = first_line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{first_line}");

    let demo = |nhs: &str, dob: &str| {
        let config = tempfile::tempdir().unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
            .args(["register", "--nhs-number", nhs, "--dob", dob, "--json"])
            .env(HERO_BASE_URL, &base_url)
            .env(HERO_API_KEY, hero_intake::sandbox::DEMO_API_KEY)
            .env(
                HERO_PRACTICE_GROUP_ID,
                hero_intake::sandbox::DEMO_PRACTICE_GROUP_ID,
            )
            .env("XDG_CONFIG_HOME", config.path())
            .output()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.code().unwrap(), json)
    };
    let (code, first) = demo("999 000 0018", "01/02/1992");
    assert_eq!(code, 0);
    assert_eq!(first["outcome"], "registered");
    let (_, again) = demo("9990000018", "1992-02-01");
    assert_eq!(
        again["patient_id"], first["patient_id"],
        "the same patient keeps the same ID"
    );
    let (code, json) = demo("999 000 0034", "30/11/1978");
    assert_eq!(
        (code, json["outcome"].as_str()),
        (0, Some("verification_required"))
    );
    let (code, json) = demo("999 000 0042", "09/03/2001");
    assert_eq!((code, json["status"].as_u64()), (3, Some(404)));
    let (code, json) = demo("999 000 0077", "01/01/1950");
    assert_eq!((code, json["status"].as_u64()), (4, Some(500)));

    sandbox.kill().unwrap();
    sandbox.wait().unwrap();
}

#[test]
fn details_as_pasted_and_exported_are_sent_in_the_standard_form() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
    );
    for (nhs, dob) in [
        ("NHS No: 999 000 0026", "14 Jul 1985"),
        ("\u{200B}999\u{00A0}000\u{00A0}0026", "14-JUL-1985"),
        ("999 000 0026 (NHS number)", "1985-07-14T00:00:00Z"),
    ] {
        let (code, json, _) = register_json(&server.uri(), nhs, dob);
        assert_eq!(code, 0, "{nhs:?} {dob:?}: {json}");
        assert_eq!(json["patient_id"], "70001");
    }
}

#[test]
fn numbers_that_reach_no_patient_exit_2_and_send_nothing() {
    let rt = runtime();
    let server = server_expecting_nothing(&rt);
    for (nhs, words) in [
        ("QQ 12 34 56 C", "That is a National Insurance number"),
        ("010 000 0002", "That is a Scottish CHI number"),
        ("320 000 0007", "Northern Ireland Health and Care number"),
        ("500 000 0005", "reserved and never issued"),
        (
            "800 000 0008",
            "Republic of Ireland Individual Health Identifier",
        ),
        (
            "000 000 0000",
            "no NHS numbers are issued that start like it",
        ),
    ] {
        let (code, json, _) = register_json(&server.uri(), nhs, "14/07/1985");
        assert_eq!(code, 2, "{nhs}");
        let cause = json["cause"].as_str().unwrap();
        assert!(cause.contains(words), "{nhs}: {cause}");
    }
    // A test number is never sent to Production.
    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--environment",
            "production",
            "--nhs-number",
            "999 000 0026",
            "--dob",
            "14/07/1985",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cause = json["cause"].as_str().unwrap();
    assert!(cause.contains("a test NHS number"), "{cause}");
    assert!(cause.contains("no real patient has it"), "{cause}");
    rt.block_on(server.verify());
}

#[test]
fn register_by_name_sends_the_demographics_variant() {
    let rt = runtime();
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/patients/register_pds"))
            .and(header("x-api-key", KEY))
            .and(body_json(serde_json::json!({
                "forename": "Zoë",
                "surname": "O'Testperson",
                "dob": "1985-07-14",
                "postcode": "LS1 4AP"
            })))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!({"patient_id": "70002"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        server
    });
    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--forename",
            " Zoë ",
            "--surname",
            "O’Testperson",
            "--dob",
            "14 Jul 1985",
            "--postcode",
            "ls14ap",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"outcome": "registered", "patient_id": "70002"})
    );
    // Trace logging on: the names and postcode are masked in what was written.
    let stderr = String::from_utf8_lossy(&out.stderr);
    for secret in ["Zoë", "Testperson", "LS1 4AP", "4AP", "1985-07-14", "70002"] {
        assert!(!stderr.contains(secret), "stderr leaks {secret}");
    }
    assert!(stderr.contains("Z. O. LS1 ***"), "{stderr}");
    rt.block_on(server.verify());
}

#[test]
fn register_by_name_refuses_bad_details_and_mixed_or_missing_traces() {
    let rt = runtime();
    let server = server_expecting_nothing(&rt);
    let names = |forename: &str, surname: &str, postcode: &str| {
        let out = hero_intake(
            &server.uri(),
            &[
                "register",
                "--forename",
                forename,
                "--surname",
                surname,
                "--dob",
                "14/07/1985",
                "--postcode",
                postcode,
                "--json",
            ],
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            out.status.code(),
            json["cause"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let (code, cause) = names("Sam3", "Demoperson", "LS1 4AP");
    assert_eq!(code, Some(2));
    assert!(cause.contains("remove \"3\""), "{cause}");
    let (code, cause) = names("Sam", "Demoperson", "LS1 4A");
    assert_eq!(code, Some(2));
    assert!(cause.to_lowercase().contains("postcode"), "{cause}");
    // Both kinds, or neither, or half of the names: usage errors, nothing sent.
    for args in [
        &[
            "register",
            "--nhs-number",
            "9990000026",
            "--forename",
            "Sam",
            "--surname",
            "D",
            "--postcode",
            "LS1 4AP",
            "--dob",
            "14/07/1985",
        ][..],
        &["register", "--dob", "14/07/1985"][..],
        &["register", "--forename", "Sam", "--dob", "14/07/1985"][..],
        &[
            "register",
            "--forename",
            "Sam",
            "--surname",
            "D",
            "--postcode",
            "LS1 4AP",
            "--dob",
            "14/07/1985",
            "--allow-bad-check-digit",
        ][..],
    ] {
        let out = hero_intake(&server.uri(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    rt.block_on(server.verify());
}

/// The console binary (what cmd and PowerShell run on Windows): the same commands,
/// output and exit codes as `hero-intake`, and no window without a command.
#[test]
fn the_console_binary_runs_the_same_commands() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70003"})),
    );
    let config = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_hero-intake-cli"))
            .args(args)
            .env(HERO_BASE_URL, server.uri())
            .env(HERO_API_KEY, KEY)
            .env(HERO_PRACTICE_GROUP_ID, GROUP)
            .env("XDG_CONFIG_HOME", config.path())
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&[
        "register",
        "--nhs-number",
        "9990000026",
        "--dob",
        "14/07/1985",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["patient_id"], "70003");
    let out = run(&[
        "register",
        "--nhs-number",
        "999 000 001",
        "--dob",
        "14/07/1985",
    ]);
    assert_eq!(out.status.code(), Some(2));
    // Without a command it says what it is for, instead of opening a window.
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("To open the window, run hero-intake"));
    let help = run(&["--help"]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("hero-intake-cli"));
    // IT scripts it with these: --help lists each on a line of its own, with what it is for.
    for variable in [
        HERO_API_KEY,
        HERO_PRACTICE_GROUP_ID,
        HERO_BASE_URL,
        HERO_RENDERER,
    ] {
        let listed = help
            .lines()
            .find(|line| line.trim_start().starts_with(variable));
        assert!(
            listed.is_some_and(|line| line.len() > variable.len() + 10),
            "--help doesn't list {variable}: {help}"
        );
    }
    rt.block_on(server.verify());
}

// The `batch` command against the built-in sandbox with a rate limit.

/// Valid NHS test numbers from the 999 range, in order, clear of the demo table (999 000 ...).
fn test_numbers(count: usize) -> Vec<String> {
    nhs_numbers_from(999_100_000).take(count).collect()
}

fn csv_of(numbers: &[String]) -> Vec<u8> {
    let mut text = String::from("NHS number,Date of birth\n");
    for n in numbers {
        text.push_str(&format!("{n},01/02/1990\n"));
    }
    text.into_bytes()
}

async fn limited_sandbox(per_second: f64) -> hero_intake::sandbox::RunningSandbox {
    hero_intake::sandbox::spawn(
        0,
        hero_intake::sandbox::SandboxOptions {
            rate_limit_per_second: Some(per_second),
            ..hero_intake::sandbox::SandboxOptions::default()
        },
    )
    .await
    .unwrap()
}

/// `hero-intake batch ARGS` against the sandbox, with settings in `config_home`.
fn batch_command(
    running: &hero_intake::sandbox::RunningSandbox,
    config_home: &std::path::Path,
    args: &[&str],
) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .arg("batch")
        .args(args)
        .env(HERO_BASE_URL, running.base_url.as_str())
        .env(HERO_API_KEY, hero_intake::sandbox::DEMO_API_KEY)
        .env(
            HERO_PRACTICE_GROUP_ID,
            hero_intake::sandbox::DEMO_PRACTICE_GROUP_ID,
        )
        .env("XDG_CONFIG_HOME", config_home)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn the_batch_command_registers_a_list_and_writes_results() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let running = rt.block_on(limited_sandbox(200.0));
    let dir = tempfile::tempdir().unwrap();
    let mut numbers = test_numbers(20);
    let list = dir.path().join("list.csv");
    let mut text = String::from_utf8(csv_of(&numbers)).unwrap();
    text.push_str("999 000 001,01/02/1990\n"); // invalid: 9 digits
    text.push_str(&format!("{},01/02/1990\n", numbers[0])); // duplicate
    std::fs::write(&list, text).unwrap();
    let out = dir.path().join("results.csv");
    let run = batch_command(
        &running,
        dir.path(),
        &[
            list.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--json",
        ],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("row 22: NHS number"), "{stderr}");
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["registered"], 20);
    assert_eq!(json["invalid"], 1);
    assert_eq!(json["duplicates"], 1);
    assert_eq!(json["rows"].as_array().unwrap().len(), 22);
    // Every valid row registered: exit 0 even with invalid rows in the file.
    assert_eq!(run.status.code(), Some(0));
    // The results file reads back with the same reader.
    let back = hero_intake::batch::read_list(
        &std::fs::read(&out).unwrap(),
        jiff::civil::date(2026, 11, 26),
        hero_intake::patient::TestNumbers::Allowed,
    )
    .unwrap();
    numbers.sort();
    let mut seen: Vec<String> = back
        .valid_queries()
        .iter()
        .map(|(_, q)| q.nhs_number().unwrap().formatted().replace(' ', ""))
        .collect();
    seen.sort();
    assert_eq!(seen, numbers);

    // An unreadable file: exit 2.
    let missing = Command::new(env!("CARGO_BIN_EXE_hero-intake"))
        .args(["batch", dir.path().join("nope.csv").to_str().unwrap()])
        .env("XDG_CONFIG_HOME", dir.path())
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn the_batch_command_checks_rows_for_the_environment_it_sends_to() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let running = rt.block_on(limited_sandbox(200.0));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    // A report's title lines, then test numbers: none may go to Production.
    let mut bytes = b"Registrations report\nRun: 02-Dec-2026\n".to_vec();
    bytes.extend(csv_of(&test_numbers(3)));
    std::fs::write(&list, bytes).unwrap();
    let run = batch_command(
        &running,
        dir.path(),
        &[list.to_str().unwrap(), "--environment", "production"],
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("Rows 1–2 skipped: a report title above the header row, not patients"),
        "{stderr}"
    );
    assert!(
        stderr.contains("row 4: NHS number: That is a test NHS number"),
        "{stderr}"
    );
    assert!(stderr.contains("3 rows: 0 to send, 3 invalid"), "{stderr}");
    // Nothing could be sent: exit 2, and nothing reached any server.
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        running
            .stats
            .registrations
            .load(std::sync::atomic::Ordering::Relaxed),
        0
    );
}

#[test]
fn the_batch_command_says_which_rows_hero_could_not_be_reached_for_and_that_running_again_is_safe()
{
    let rt = tokio::runtime::Runtime::new().unwrap();
    let running = rt.block_on(limited_sandbox(200.0));
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    // The demo's 999 000 0077 gets a 500: Hero has a problem on its side.
    std::fs::write(
        &list,
        "NHS number,DOB\n999 000 0018,01/02/1992\n999 000 0077,01/01/1950\n",
    )
    .unwrap();
    let out = dir.path().join("results.csv");
    let args = [list.to_str().unwrap(), "--out", out.to_str().unwrap()];
    let run = batch_command(&running, dir.path(), &args);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("failed 0, not reached 1"), "{stdout}");
    assert!(
        stdout.contains("1 row(s) failed because Hero couldn't be reached (\"Not reached: send again\" in the results): running the same list again sends them, and is safe"),
        "{stdout}"
    );
    assert_eq!(run.status.code(), Some(4), "no answer for a row");
    let results = std::fs::read_to_string(&out).unwrap();
    let row = results.lines().find(|l| l.contains("0077")).unwrap();
    assert!(row.contains("Not reached: send again"), "{row}");
    assert!(
        row.contains("Run the same list again once Hero answers"),
        "{row}"
    );

    let json_run = batch_command(&running, dir.path(), &[args[0], "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json_run.stdout).unwrap();
    assert_eq!(
        (json["not_reached"].as_u64(), json["failed"].as_u64()),
        (Some(1), Some(0))
    );
}

// ------------------------------------------------------- reading a patient back

/// A record as Hero's reference shapes it, for patient ID 70001.
fn record_70001(restricted: bool) -> serde_json::Value {
    serde_json::json!({
        "hero_id": "70001",
        "first_name": "Bobbie",
        "last_name": "Placeholder",
        "dob": "1985-07-14T23:30:00.000+01:00",
        "nhs_number": "9990000026",
        "mobile": "07700 900456",
        "email": "bobbie@example.org",
        "line_1": "2 Sample Road",
        "town": "York",
        "postcode": "YO1 7HH",
        "restricted": restricted,
        "deceased_at": null,
        "ehr_registered": false,
        "identifiers": [],
        "sex": "Not known"
    })
}

fn details_server(rt: &tokio::runtime::Runtime, response: ResponseTemplate) -> MockServer {
    rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/v2/patients/70001"))
            .and(header("x-api-key", KEY))
            .and(header("x-practice-group-id", GROUP))
            .respond_with(response)
            .mount(&server)
            .await;
        server
    })
}

fn patient_json(base_url: &str, id: &str) -> (i32, serde_json::Value) {
    let out = hero_intake(base_url, &["patient", id, "--json"]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("stdout is not one JSON object: {stdout:?}"));
    (out.status.code().unwrap(), json)
}

#[test]
fn patient_prints_who_hero_holds_and_exits_0() {
    let rt = runtime();
    let server = details_server(
        &rt,
        ResponseTemplate::new(200).set_body_json(record_70001(false)),
    );
    let (code, json) = patient_json(&server.uri(), "70001");
    assert_eq!(code, 0);
    assert_eq!(
        json,
        serde_json::json!({
            "outcome": "found",
            "patient_id": "70001",
            "first_name": "Bobbie",
            "last_name": "Placeholder",
            "dob": "1985-07-14",
            "nhs_number": "999 000 0026",
            "postcode": "YO1 7HH",
            "address": ["2 Sample Road", "York"],
            "mobile": "07700 900456",
            "email": "bobbie@example.org",
            "restricted": false,
            "deceased": false,
            "registered_at_practice": false,
            "warnings": [{
                "code": "temporary_patient",
                "message": "Temporary patient: not registered at this practice in its clinical system."
            }]
        })
    );
    // The text is for reading across a desk: contacts masked.
    let out = hero_intake(&server.uri(), &["patient", "70001"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    for shown in [
        "Bobbie Placeholder",
        "14 July 1985",
        "999 000 0026",
        "ending 456",
        "b***@e***.org",
    ] {
        assert!(text.contains(shown), "{shown} missing from {text}");
    }
    assert!(!text.contains("900456") && !text.contains("bobbie@"));
}

#[test]
fn a_restricted_record_has_no_contact_keys_at_all() {
    let rt = runtime();
    let server = details_server(
        &rt,
        ResponseTemplate::new(200).set_body_json(record_70001(true)),
    );
    let (code, json) = patient_json(&server.uri(), "70001");
    assert_eq!(code, 0);
    for absent in ["postcode", "address", "mobile", "email"] {
        assert!(json.get(absent).is_none(), "{absent} in {json}");
    }
    assert_eq!(json["restricted"], true);
    assert_eq!(json["warnings"][0]["code"], "restricted");
    let out = hero_intake(&server.uri(), &["patient", "70001"]);
    let text = String::from_utf8(out.stdout).unwrap();
    for hidden in ["YO1", "York", "Sample Road", "456", "bobbie@", "b***"] {
        assert!(!text.contains(hidden), "{hidden} shown: {text}");
    }
}

#[test]
fn patient_errors_read_as_register_errors() {
    let rt = runtime();
    for (status, exit) in [(404, 3), (403, 3), (401, 3), (500, 4)] {
        let server = details_server(
            &rt,
            ResponseTemplate::new(status).set_body_json(serde_json::json!({"message": "x"})),
        );
        let (code, json) = patient_json(&server.uri(), "70001");
        assert_eq!(
            (code, &json["outcome"]),
            (exit, &serde_json::json!("error"))
        );
        assert_eq!(json["status"], status);
        assert!(
            json["cause"]
                .as_str()
                .unwrap()
                .contains(&status.to_string())
        );
    }
    // An ID outside the rule is refused before anything is sent.
    let server = server_expecting_nothing(&rt);
    for id in ["12/34", "\u{1b}[2J", &"1".repeat(65)] {
        let (code, json) = patient_json(&server.uri(), id);
        assert_eq!(code, 2);
        assert!(!json.to_string().contains(id));
    }
    rt.block_on(server.verify());
}

#[test]
fn register_with_details_adds_the_patient_and_the_checks_and_still_exits_0() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
    );
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/v2/patients/70001"))
            .respond_with(ResponseTemplate::new(200).set_body_json({
                let mut r = record_70001(false);
                r["dob"] = serde_json::json!("1985-07-15T00:00:00.000Z");
                r["deceased_at"] = serde_json::json!("2025-01-01T00:00:00Z");
                r
            }))
            .mount(&server),
    );
    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
            "--json",
            "--details",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["outcome"], "registered");
    assert_eq!(json["patient_id"], "70001");
    assert_eq!(json["patient"]["first_name"], "Bobbie");
    assert_eq!(json["patient"]["dob"], "1985-07-15");
    assert!(json["patient"].get("warnings").is_none());
    let codes: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["deceased", "date_of_birth_differs", "temporary_patient"]
    );
    assert_eq!(json["warnings"][1]["typed"], "1985-07-14");
    assert_eq!(json["warnings"][1]["on_record"], "1985-07-15");
}

#[test]
fn register_with_details_that_cant_be_read_still_registers() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
    );
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/v2/patients/70001"))
            .respond_with(ResponseTemplate::new(403))
            .mount(&server),
    );
    let out = hero_intake(
        &server.uri(),
        &[
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
            "--json",
            "--details",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["outcome"], "registered");
    assert!(json.get("patient").is_none());
    assert_eq!(json["warnings"][0]["code"], "details_unavailable");
    assert!(
        json["warnings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("not allowed to read")
    );
}

/// Names and addresses from a hostile server reach neither the terminal nor the
/// results file as controls or formulas.
#[test]
fn details_from_hero_are_printed_and_written_as_data() {
    let rt = runtime();
    let server = server_answering(
        &rt,
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
    );
    let mut hostile = record_70001(false);
    hostile["first_name"] = serde_json::json!("=HYPERLINK(\"http://evil.invalid\")");
    hostile["last_name"] = serde_json::json!("Place\u{1b}[2J\u{202E}holder\nX");
    hostile["line_1"] = serde_json::json!("\u{1b}]0;title\u{7}2 Sample Road");
    rt.block_on(
        Mock::given(method("GET"))
            .and(path("/v2/patients/70001"))
            .respond_with(ResponseTemplate::new(200).set_body_json(hostile))
            .mount(&server),
    );
    for json in [false, true] {
        let mut args = vec![
            "register",
            "--nhs-number",
            "9990000026",
            "--dob",
            "14/07/1985",
            "--details",
        ];
        if json {
            args.push("--json");
        }
        let out = hero_intake(&server.uri(), &args);
        assert_eq!(out.status.code(), Some(0));
        assert_printed_as_data(&out);
    }
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "NHS number,Date of birth\r\n9990000026,14/07/1985\r\n",
    )
    .unwrap();
    let results = dir.path().join("results.csv");
    let out = hero_intake(
        &server.uri(),
        &[
            "batch",
            list.to_str().unwrap(),
            "--out",
            results.to_str().unwrap(),
            "--details",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = std::fs::read_to_string(&results).unwrap();
    let mut lines = written.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .ends_with(",Name on Hero's record,Checks")
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains(",\"'=HYPERLINK(\"\"http://evil.invalid\"\") Place[2Jholder X\","),
        "{row}"
    );
    assert!(row.contains("Temporary patient"), "{row}");
    assert!(
        !written
            .chars()
            .any(|c| c.is_control() && c != '\r' && c != '\n')
    );
}

// ---- The next steps: message, appointment-types, locations, invite ----

/// A Hero with patient 70001 (`record`) read back, its lists, its name, and the two
/// creates answered with `message` and `link`, each only for the exact `bodies`.
fn next_steps_server(
    rt: &tokio::runtime::Runtime,
    record: serde_json::Value,
    message: Option<(serde_json::Value, ResponseTemplate)>,
    link: Option<(serde_json::Value, ResponseTemplate)>,
) -> MockServer {
    rt.block_on(async {
        let server = MockServer::start().await;
        let get = |p: &str, body: serde_json::Value| {
            Mock::given(method("GET"))
                .and(path(p.to_owned()))
                .and(header("x-api-key", KEY))
                .and(header("x-practice-group-id", GROUP))
                .respond_with(ResponseTemplate::new(200).set_body_json(body))
        };
        get("/v2/patients/70001", record).mount(&server).await;
        get("/v1/me", serde_json::json!({"id": GROUP, "name": "Testing Surgery"}))
            .mount(&server)
            .await;
        get(
            "/v1/appointment_types",
            serde_json::json!({"data": [{"id": "12", "name": "Flu jab"}, {"id": "13", "name": "Nurse review"}, {"id": "14", "name": "Nurse review (phone)"}], "count": 3}),
        )
        .mount(&server)
        .await;
        get(
            "/v1/locations",
            serde_json::json!({"data": [{"id": "5", "name": "Main surgery"}], "count": 1}),
        )
        .mount(&server)
        .await;
        for (p, answer) in [("/v1/messages/send", message), ("/v1/booking_links", link)] {
            let (expected, n) = match answer {
                Some((body, response)) => {
                    Mock::given(method("POST"))
                        .and(path(p))
                        .and(body_json(body))
                        .respond_with(response)
                        .with_priority(1)
                        .mount(&server)
                        .await;
                    (true, 0)
                }
                None => (false, 0),
            };
            // Anything else sent to a create is a failure.
            Mock::given(method("POST"))
                .and(path(p))
                .respond_with(ResponseTemplate::new(500))
                .expect(if expected { 0..=u64::MAX } else { n..=n })
                .with_priority(2)
                .mount(&server)
                .await;
        }
        server
    })
}

fn run_json(
    base: &str,
    args: &[&str],
    machine: Option<&std::path::Path>,
) -> (i32, serde_json::Value, String) {
    let config = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hero-intake"));
    command
        .args(args)
        .arg("--json")
        .env(HERO_BASE_URL, base)
        .env(HERO_API_KEY, KEY)
        .env(HERO_PRACTICE_GROUP_ID, GROUP)
        .env("XDG_CONFIG_HOME", config.path())
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null());
    let empty = config.path().join("no-machine-file.json");
    command.env(
        hero_intake::config::MACHINE_FILE_OVERRIDE_VAR,
        machine.unwrap_or(&empty),
    );
    let out = command.output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|_| panic!("stdout is not one JSON object: {stdout:?}"));
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

const TEXT: &str = "Please call the surgery.";

fn sms_body(extra: serde_json::Value) -> serde_json::Value {
    let mut body =
        serde_json::json!({"patient_id": "70001", "message_type": "sms", "message_string": TEXT});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

#[test]
fn message_sends_to_the_records_contact_and_prints_the_message_id() {
    let rt = runtime();
    let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m-1"}));
    let server = next_steps_server(
        &rt,
        record_70001(false),
        Some((sms_body(serde_json::json!({})), ok)),
        None,
    );
    let (code, json, stderr) = run_json(&server.uri(), &["message", "70001", "--text", TEXT], None);
    assert_eq!(
        (code, json),
        (
            0,
            serde_json::json!({"outcome": "sent", "message_id": "m-1"})
        )
    );
    for secret in [KEY, TEXT, "07700 900456", "bobbie@example.org"] {
        assert!(!stderr.contains(secret), "stderr leaks {secret}");
    }
}

#[test]
fn message_to_another_mobile_with_write_to_record_sends_both() {
    let rt = runtime();
    let body = sms_body(
        serde_json::json!({"recipient_contact_detail": "+447700900123", "write_to_record": true}),
    );
    let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m-2"}));
    let server = next_steps_server(&rt, record_70001(false), Some((body, ok)), None);
    let (code, json, _) = run_json(
        &server.uri(),
        &[
            "message",
            "70001",
            "--text",
            TEXT,
            "--to",
            "07700 900123",
            "--write-to-record",
        ],
        None,
    );
    assert_eq!((code, json["outcome"].as_str()), (0, Some("sent")));
}

#[test]
fn message_usage_errors_exit_2_and_send_nothing() {
    let rt = runtime();
    let server = next_steps_server(&rt, record_70001(false), None, None);
    for args in [
        &["message", "70001", "--text", "   "][..],
        &["message", "70001", "--text", TEXT, "--to", "0113 496 0000"],
        &[
            "message",
            "70001",
            "--text",
            TEXT,
            "--channel",
            "email",
            "--to",
            "07700 900123",
        ],
        &[
            "message",
            "70001",
            "--text",
            TEXT,
            "--channel",
            "nhs_app",
            "--to",
            "sam@example.org",
        ],
        &["message", "70 001", "--text", TEXT],
    ] {
        let (code, json, _) = run_json(&server.uri(), args, None);
        assert_eq!(code, 2, "{args:?}: {json}");
        assert_eq!(json["outcome"], "error", "{args:?}");
    }
    for args in [
        &["message", "70001"][..],
        &["message", "70001", "--text", TEXT, "--channel", "fax"],
        &["invite", "70001", "--location", "Main"],
        &[
            "invite",
            "70001",
            "--appointment-type",
            "Flu",
            "--location",
            "Main",
            "--text",
            "Hi",
        ],
    ] {
        let out = hero_intake(&server.uri(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    rt.block_on(server.verify());
}

#[test]
fn a_deceased_or_restricted_record_is_refused_with_the_reason_and_nothing_sent() {
    let rt = runtime();
    let mut deceased = record_70001(false);
    deceased["deceased_at"] = serde_json::json!("2025-01-01T00:00:00.000Z");
    let server = next_steps_server(&rt, deceased, None, None);
    let (code, json, _) = run_json(&server.uri(), &["message", "70001", "--text", TEXT], None);
    assert_eq!(code, 2);
    assert!(
        json["cause"].as_str().unwrap().contains("has died"),
        "{json}"
    );
    let (code, _, _) = run_json(
        &server.uri(),
        &[
            "invite",
            "70001",
            "--appointment-type",
            "Flu jab",
            "--location",
            "Main",
        ],
        None,
    );
    assert_eq!(code, 2);
    rt.block_on(server.verify());

    let server = next_steps_server(&rt, record_70001(true), None, None);
    let (code, json, _) = run_json(&server.uri(), &["message", "70001", "--text", TEXT], None);
    assert_eq!(code, 2);
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .contains("don't allow messages to restricted records"),
        "{json}"
    );
    // Where IT allows it, the record's contact only: no other recipient.
    let dir = tempfile::tempdir().unwrap();
    let machine = dir.path().join("machine.json");
    std::fs::write(&machine, r#"{"allow_messages_to_restricted": true}"#).unwrap();
    let (code, json, _) = run_json(
        &server.uri(),
        &["message", "70001", "--text", TEXT, "--to", "07700 900123"],
        Some(&machine),
    );
    assert_eq!(code, 2);
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .contains("no other recipient"),
        "{json}"
    );
    rt.block_on(server.verify());
    let ok = ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m-3"}));
    let server = next_steps_server(
        &rt,
        record_70001(true),
        Some((sms_body(serde_json::json!({})), ok)),
        None,
    );
    let (code, json, _) = run_json(
        &server.uri(),
        &["message", "70001", "--text", TEXT],
        Some(&machine),
    );
    assert_eq!((code, json["message_id"].as_str()), (0, Some("m-3")));
}

#[test]
fn a_message_that_may_or_may_not_have_gone_is_unknown_exit_4() {
    let rt = runtime();
    let server = next_steps_server(
        &rt,
        record_70001(false),
        Some((sms_body(serde_json::json!({})), ResponseTemplate::new(500))),
        None,
    );
    let (code, json, _) = run_json(&server.uri(), &["message", "70001", "--text", TEXT], None);
    assert_eq!(code, 4);
    assert_eq!(json["outcome"], "unknown");
    assert!(
        json["cause"]
            .as_str()
            .unwrap()
            .starts_with("The message may or may not have been sent")
    );
    assert!(json["fix"].as_str().unwrap().starts_with("Check in Hero"));
    let sends = rt.block_on(server.received_requests()).unwrap();
    assert_eq!(
        sends
            .iter()
            .filter(|r| r.url.path() == "/v1/messages/send")
            .count(),
        1
    );
}

#[test]
fn the_lists_print_ids_and_names() {
    let rt = runtime();
    let server = next_steps_server(&rt, record_70001(false), None, None);
    let (code, json, _) = run_json(&server.uri(), &["appointment-types"], None);
    assert_eq!(code, 0);
    assert_eq!(
        json["appointment_types"][0],
        serde_json::json!({"id": "12", "name": "Flu jab"})
    );
    let (code, json, _) = run_json(&server.uri(), &["locations"], None);
    assert_eq!(
        (code, &json["locations"]),
        (0, &serde_json::json!([{"id": "5", "name": "Main surgery"}]))
    );
    let out = hero_intake(&server.uri(), &["locations"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "5\tMain surgery\n");
}

const LINK: &str = "https://bookings.herohealth.net/s/t3st";

#[test]
fn invite_makes_the_link_and_sends_it_with_the_invite_template() {
    let rt = runtime();
    let link_body = serde_json::json!({"appointment_type_id": "12", "location_id": "5", "patient_id": "70001", "expiry_date": "2099-01-31", "maximum_use_count": 2});
    let sms = serde_json::json!({"patient_id": "70001", "message_type": "sms",
        "message_string": format!("Testing Surgery invites you to book: Flu jab. Book here: {LINK}")});
    let server = next_steps_server(
        &rt,
        record_70001(false),
        Some((
            sms,
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"message_id": "m-9"})),
        )),
        Some((
            link_body,
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"id": "1", "short_link": LINK})),
        )),
    );
    let args = [
        "invite",
        "70001",
        "--appointment-type",
        "FLU JAB",
        "--location",
        "5",
        "--expires",
        "2099-01-31",
        "--uses",
        "2",
    ];
    let (code, json, _) = run_json(&server.uri(), &args, None);
    assert_eq!(
        (code, json),
        (
            0,
            serde_json::json!({"outcome": "created", "booking_link": LINK})
        )
    );
    let mut with_sms = args.to_vec();
    with_sms.push("--send-sms");
    let (code, json, stderr) = run_json(&server.uri(), &with_sms, None);
    assert_eq!(
        (code, json),
        (
            0,
            serde_json::json!({"outcome": "created", "booking_link": LINK, "message_id": "m-9"})
        )
    );
    assert!(!stderr.contains(LINK), "the link is not logged");
}

#[test]
fn invite_refuses_unknown_or_ambiguous_choices_listing_them_and_creates_nothing() {
    let rt = runtime();
    let server = next_steps_server(&rt, record_70001(false), None, None);
    for (args, expected) in [
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "nurse",
                "--location",
                "Main",
            ][..],
            "matches more than one: Nurse review (13), Nurse review (phone) (14)",
        ),
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "Dentist",
                "--location",
                "Main",
            ],
            "the choices are Flu jab (12)",
        ),
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "Flu",
                "--location",
                "Annexe",
            ],
            "the choices are Main surgery (5)",
        ),
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "Flu",
                "--location",
                "Main",
                "--expires",
                "2001-01-01",
            ],
            "not in the future",
        ),
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "Flu",
                "--location",
                "Main",
                "--uses",
                "0",
            ],
            "1 or more",
        ),
        (
            &[
                "invite",
                "70001",
                "--appointment-type",
                "Flu",
                "--location",
                "Main",
                "--send-sms",
                "--text",
                "Hi {name}",
            ],
            "uses {name}",
        ),
    ] {
        let (code, json, _) = run_json(&server.uri(), args, None);
        assert_eq!(code, 2, "{args:?}");
        assert!(
            json["cause"].as_str().unwrap().contains(expected),
            "{args:?}: {json}"
        );
    }
    rt.block_on(server.verify());
}
