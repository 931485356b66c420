//! Inside the app: Enter to result drawn, less the server's own time.
//!
//! The real window (egui_kittest, headless: egui frames are run and tessellated, not
//! rasterised) registers a patient against the demo sandbox on 127.0.0.1, stepping
//! frames as fast as it can, and the time from the Enter frame to the first frame
//! whose phase is `Registered` is taken. The same registration made directly with
//! `HeroClient::register_pds` against the same sandbox (interleaved, one each per
//! run) is the server + HTTP time; the difference is what the app adds.
//!
//! `cargo bench --bench request_latency [-- --runs 200]`. Run by `cargo test
//! --benches` (without `--bench`) it does 3 runs, as a smoke test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use hero_intake::api::{Connection, HeroClient, Registration, RetryPolicy, Timeouts};
use hero_intake::app::{AppOptions, HeroIntakeApp};
use hero_intake::config::{Overrides, SettingsFile};
use hero_intake::patient::{DateOfBirth, NhsNumber, PatientQuery};
use hero_intake::sandbox::{self, DEMO_API_KEY, DEMO_PRACTICE_GROUP_ID, SandboxOptions};
use hero_intake::secrets::{ApiKey, MemoryKeyStore};
use hero_intake::state::Phase;

// The window tests' helpers (typing into a field as a receptionist does).
#[path = "../tests/common/mod.rs"]
mod common;
use common::{RecordingOpener, type_into};

const NHS: &str = "9990000018";
const DOB: &str = "01/02/1992";
const DEADLINE: Duration = Duration::from_secs(10);

#[expect(
    clippy::too_many_lines,
    reason = "the benchmark, set-up to figures, in order"
)]
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let runs = args
        .iter()
        .position(|a| a == "--runs")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(if benching { 200 } else { 3 })
        .max(1);

    let runtime = hero_intake::build_runtime().unwrap();
    let server = runtime
        .block_on(sandbox::spawn(0, SandboxOptions::default()))
        .unwrap();
    let base = server.base_url.as_str().to_owned();

    let options = AppOptions {
        runtime: runtime.handle().clone(),
        key_store: Arc::new(MemoryKeyStore::new()),
        settings_file: SettingsFile::in_memory(),
        opener: Arc::new(RecordingOpener::default()),
        // As `HERO_BASE_URL` etc. would: no settings file, no keychain.
        overrides: Overrides {
            api_key: Some(DEMO_API_KEY.to_owned()),
            practice_group_id: Some(DEMO_PRACTICE_GROUP_ID.to_owned()),
            base_url: Some(base),
        },
        timeouts: Timeouts::default(),
        retry: RetryPolicy::default(),
        file_picker: Arc::new(hero_intake::files::FixedPaths::default()),
        initial_list: None,
    };
    let mut harness = Harness::builder()
        .with_size(egui::vec2(1120.0, 700.0))
        .build_eframe(move |cc| HeroIntakeApp::new(cc, options));
    step_until(&mut harness, |h| !h.state().is_loading());

    let direct = HeroClient::with_options(
        Connection {
            base_url: server.base_url.clone(),
            api_key: ApiKey::parse(DEMO_API_KEY).unwrap(),
            practice_group_id: DEMO_PRACTICE_GROUP_ID.to_owned(),
        },
        Timeouts::default(),
        RetryPolicy::default(),
    )
    .unwrap();
    let query = PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse(NHS).unwrap(),
        dob: DateOfBirth::parse(DOB, hero_intake::patient::today()).unwrap(),
    };

    // The first registration builds the HTTP client (reqwest reads the system's CA
    // roots) in the frame that handles Enter, on the UI thread.
    let (first, _) = app_register(&mut harness);
    let mut client_build: Vec<f64> = (0..10)
        .map(|_| {
            let started = Instant::now();
            let built = HeroClient::with_options(
                direct.connection().clone(),
                Timeouts::default(),
                RetryPolicy::default(),
            );
            let elapsed = ms(started.elapsed());
            assert!(built.is_ok());
            elapsed
        })
        .collect();
    let client_build = percentile(&mut client_build, 0.5);

    // Warm up both paths: connections open, caches filled, fonts laid out.
    for _ in 0..5 {
        app_register(&mut harness);
        direct_register(&runtime, &direct, &query);
    }

    let (frame_before, shift_before) = (idle_frame_ms(&mut harness), harness.state().shift().len());
    let mut app = Vec::with_capacity(runs);
    let mut frames = Vec::with_capacity(runs);
    let mut server_only = Vec::with_capacity(runs);
    for _ in 0..runs {
        let (elapsed, stepped) = app_register(&mut harness);
        app.push(elapsed);
        frames.push(stepped as f64);
        server_only.push(direct_register(&runtime, &direct, &query));
    }
    let (frame_after, shift_after) = (idle_frame_ms(&mut harness), harness.state().shift().len());

    let (app_med, app_p90) = (percentile(&mut app, 0.5), percentile(&mut app, 0.9));
    let (srv_med, srv_p90) = (
        percentile(&mut server_only, 0.5),
        percentile(&mut server_only, 0.9),
    );
    println!("request_latency: {runs} runs, 127.0.0.1 sandbox, egui_kittest (headless)");
    println!("  app Enter -> Registered drawn   median {app_med:.3} ms  p90 {app_p90:.3} ms");
    println!("  HeroClient::register_pds alone  median {srv_med:.3} ms  p90 {srv_p90:.3} ms");
    println!(
        "  frames stepped per registration median {:.0}",
        percentile(&mut frames, 0.5)
    );
    println!(
        "  one idle frame: {frame_before:.3} ms with {shift_before} patients in this shift's list, {frame_after:.3} ms with {shift_after}"
    );
    println!(
        "  app overhead (app - server)     median {:.3} ms  p90 {:.3} ms",
        app_med - srv_med,
        app_p90 - srv_p90
    );
    println!(
        "  first registration after start  {first:.3} ms (builds the HTTP client: HeroClient::with_options alone {client_build:.3} ms)"
    );
    // One machine-readable line for benches/desk.sh.
    println!(
        "RESULT app_median_ms={app_med:.3} app_p90_ms={app_p90:.3} server_median_ms={srv_med:.3} server_p90_ms={srv_p90:.3} overhead_median_ms={:.3} overhead_p90_ms={:.3} first_ms={first:.3} client_build_ms={client_build:.3} frame_before_ms={frame_before:.3} shift_before={shift_before} frame_after_ms={frame_after:.3} shift_after={shift_after} runs={runs}",
        app_med - srv_med,
        app_p90 - srv_p90
    );
}

/// One patient at the desk: empty form, type both fields, Enter. Returns the time
/// from the frame that handles Enter to the first frame drawn with the result, and
/// how many frames that took.
fn app_register(harness: &mut Harness<'static, HeroIntakeApp>) -> (f64, usize) {
    harness.key_press(egui::Key::Escape);
    harness.step();
    harness.step();
    type_into(harness, "NHS number", NHS);
    type_into(harness, "Date of birth", DOB);
    harness.key_press(egui::Key::Enter);
    let started = Instant::now();
    let mut stepped = 0;
    loop {
        harness.step();
        stepped += 1;
        if matches!(harness.state().intake().phase(), Phase::Registered { .. }) {
            return (ms(started.elapsed()), stepped);
        }
        assert!(
            started.elapsed() < DEADLINE,
            "no result; the window is at {:?}",
            harness.state().intake().phase()
        );
    }
}

fn direct_register(
    runtime: &tokio::runtime::Runtime,
    client: &HeroClient,
    q: &PatientQuery,
) -> f64 {
    let started = Instant::now();
    let result = runtime.block_on(client.register_pds(q));
    let elapsed = ms(started.elapsed());
    assert!(
        matches!(result, Ok(Registration::Registered { .. })),
        "{result:?}"
    );
    elapsed
}

fn step_until(
    harness: &mut Harness<'static, HeroIntakeApp>,
    done: impl Fn(&Harness<'static, HeroIntakeApp>) -> bool,
) {
    let started = Instant::now();
    while !done(harness) {
        assert!(started.elapsed() < DEADLINE, "the window never got ready");
        harness.step();
        std::thread::sleep(Duration::from_millis(2));
    }
    harness.step();
}

/// Median time of one frame with nothing happening (layout and the AccessKit tree).
fn idle_frame_ms(harness: &mut Harness<'static, HeroIntakeApp>) -> f64 {
    let mut times: Vec<f64> = (0..50)
        .map(|_| {
            let started = Instant::now();
            harness.step();
            ms(started.elapsed())
        })
        .collect();
    percentile(&mut times, 0.5)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Nearest-rank percentile (0.5 = median).
fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let rank = ((p * values.len() as f64).ceil() as usize).clamp(1, values.len());
    values[rank - 1]
}
