//! The batch engine against the built-in sandbox with a rate limit: every row
//! accounted for, one shared pace, pause, resume and cancel; and transient faults
//! retried by the client's retry policy (wiremock).
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hero_core::api::{ApiError, Connection, HeroClient, Registration, RetryPolicy, Timeouts};
use hero_core::batch::read_list;
use hero_core::batch::run::{
    BatchControl, BatchUpdate, Clock, SystemClock, result_rows, run_batch, run_batch_with_clock,
};
use hero_core::config::BaseUrl;
use hero_core::patient::TestNumbers;
use hero_core::sandbox::{self, SandboxOptions};
use hero_core::secrets::ApiKey;
use hero_core::testing::nhs_numbers_from;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

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

async fn limited_sandbox(per_second: f64) -> (sandbox::RunningSandbox, HeroClient) {
    let running = sandbox::spawn(
        0,
        SandboxOptions {
            rate_limit_per_second: Some(per_second),
            ..SandboxOptions::default()
        },
    )
    .await
    .unwrap();
    let client = HeroClient::with_options(
        running.demo_connection(),
        Timeouts::default(),
        RetryPolicy::none(),
    )
    .unwrap();
    (running, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_rows_under_a_rate_limit_are_all_accounted_for() {
    let numbers = test_numbers(1000);
    let list = read_list(
        &csv_of(&numbers),
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    assert_eq!(list.counts().valid, 1000);
    let (running, client) = limited_sandbox(400.0).await;

    let results = Arc::new(Mutex::new(HashMap::new()));
    let sink = results.clone();
    let rows = list.valid_queries();
    let summary = run_batch(client, rows, BatchControl::default(), move |update| {
        if let BatchUpdate::Row { row_number, result } = update {
            assert!(
                sink.lock().unwrap().insert(row_number, result).is_none(),
                "a row finished twice"
            );
        }
    })
    .await;
    let results = results.lock().unwrap().clone();
    assert_eq!(summary.done, 1000);
    assert!(!summary.cancelled);
    assert_eq!(results.len(), 1000, "every row has a result");
    assert!(
        results
            .values()
            .all(|r| matches!(r, Ok(Registration::Registered { .. })))
    );
    // Rows 2..=1001 of the file (row 1 is the header).
    assert_eq!(
        results.keys().copied().collect::<HashSet<_>>(),
        (2..=1001).collect::<HashSet<_>>()
    );
    // The limit was hit and honoured: 429s happened, yet each patient registered once.
    assert!(running.stats.rate_limited.load(Ordering::Relaxed) >= 1);
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 1000);
    let rows = result_rows(&list, &results);
    assert_eq!(rows.len(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_at_once_and_unsent_rows_say_so() {
    let numbers = test_numbers(200);
    let list = read_list(
        &csv_of(&numbers),
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    let (running, client) = limited_sandbox(50.0).await;
    let control = BatchControl::default();
    let results = Arc::new(Mutex::new(HashMap::new()));
    let (sink, stopper) = (results.clone(), control.clone());
    let summary = run_batch(client, list.valid_queries(), control, move |update| {
        if let BatchUpdate::Row { row_number, result } = update {
            let mut results = sink.lock().unwrap();
            results.insert(row_number, result);
            if results.len() == 30 {
                stopper.cancel();
            }
        }
    })
    .await;
    assert!(summary.cancelled);
    assert!(summary.done < 200, "stopped early: {}", summary.done);
    let sent = running.stats.registrations.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        running.stats.registrations.load(Ordering::Relaxed),
        sent,
        "nothing is sent after cancel"
    );
    let results = results.lock().unwrap().clone();
    let rows = result_rows(&list, &results);
    assert_eq!(rows.len(), 200, "nothing lost: every row in the results");
    let not_sent = rows
        .iter()
        .filter(|r| r.outcome == hero_core::batch::ResultOutcome::NotSent)
        .count();
    assert_eq!(not_sent, 200 - results.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_holds_every_request_until_resume() {
    let numbers = test_numbers(60);
    let list = read_list(
        &csv_of(&numbers),
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    let (running, client) = limited_sandbox(100.0).await;
    let control = BatchControl::default();
    control.pause();
    let run = tokio::spawn(run_batch(
        client,
        list.valid_queries(),
        control.clone(),
        |_| {},
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        running.stats.registrations.load(Ordering::Relaxed),
        0,
        "paused: nothing sent"
    );
    control.resume();
    let summary = run.await.unwrap();
    assert_eq!(summary.done, 60);
    assert_eq!(running.stats.registrations.load(Ordering::Relaxed), 60);
}

/// A real server answering 503 (with this `Retry-After`, if any) `failures` times, then 200.
async fn server_failing_first(failures: u64, retry_after: Option<&str>) -> MockServer {
    let server = MockServer::start().await;
    let mut unavailable = ResponseTemplate::new(503);
    if let Some(seconds) = retry_after {
        unavailable = unavailable.insert_header("retry-after", seconds);
    }
    Mock::given(method("POST"))
        .and(path("/v1/patients/register_pds"))
        .respond_with(unavailable)
        .up_to_n_times(failures)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/patients/register_pds"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"patient_id": "70001"})),
        )
        .mount(&server)
        .await;
    server
}

/// One valid row through the engine with a client of this policy: the row's result,
/// and how many requests the server got.
async fn one_row(
    server: &MockServer,
    policy: RetryPolicy,
) -> (Result<Registration, ApiError>, usize) {
    one_row_with_clock(server, policy, SystemClock).await
}

async fn one_row_with_clock(
    server: &MockServer,
    policy: RetryPolicy,
    clock: impl Clock,
) -> (Result<Registration, ApiError>, usize) {
    let client = HeroClient::with_options(
        Connection {
            base_url: BaseUrl::parse(&server.uri()).unwrap(),
            api_key: ApiKey::parse("batch-test-key-42").unwrap(),
            practice_group_id: "pg-batch".to_owned(),
        },
        Timeouts::default(),
        policy,
    )
    .unwrap();
    // An invalid row and a blank line above it: the row to send is row 4 of the file.
    let mut text = String::from_utf8(csv_of(&[])).unwrap();
    text.push_str(&format!(
        "999 000 001,01/02/1990\n\n{},01/02/1990\n",
        test_numbers(1)[0]
    ));
    let list = read_list(
        text.as_bytes(),
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    let results = Arc::new(Mutex::new(Vec::new()));
    let sink = results.clone();
    let summary = run_batch_with_clock(
        clock,
        client,
        list.valid_queries(),
        BatchControl::default(),
        move |update| {
            if let BatchUpdate::Row { row_number, result } = update {
                sink.lock().unwrap().push((row_number, result));
            }
        },
    )
    .await;
    assert_eq!(summary.done, 1);
    let (row_number, result) = results.lock().unwrap().pop().unwrap();
    assert_eq!(row_number, 4, "reported by its row number in the file");
    (result, server.received_requests().await.unwrap().len())
}

/// Retries a few milliseconds apart.
fn quick_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn transient_faults_are_retried_as_the_clients_retry_policy_says() {
    // Two 503s, then 200: with three retries the row registers at the third request.
    let server = server_failing_first(2, None).await;
    let (result, requests) = one_row(&server, quick_retries(3)).await;
    assert!(
        matches!(result, Ok(Registration::Registered { .. })),
        "{result:?}"
    );
    assert_eq!(requests, 3);
    // One retry: given up after exactly two requests, and the error counts them.
    let server = server_failing_first(2, None).await;
    let (result, requests) = one_row(&server, quick_retries(1)).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::ServerError {
            status: 503,
            attempts: 2
        }
    );
    assert_eq!(requests, 2);
    // No retries: one request.
    let server = server_failing_first(2, None).await;
    let (result, requests) = one_row(&server, RetryPolicy::none()).await;
    assert!(result.is_err());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn a_retry_after_wins_over_the_backoff_and_one_over_max_wait_is_not_waited_out() {
    // Hero says "now" while the policy's backoff is an hour: retried at once.
    let server = server_failing_first(1, Some("0")).await;
    let hour = Duration::from_secs(3600);
    let slow = RetryPolicy {
        max_retries: 1,
        base_delay: hour,
        max_delay: hour,
        max_wait: hour * 2,
    };
    let (result, requests) = one_row(&server, slow).await;
    assert!(
        matches!(result, Ok(Registration::Registered { .. })),
        "{result:?}"
    );
    assert_eq!(requests, 2);
    // Ten minutes, over the policy's max_wait (two minutes): given up at once, as a
    // single registration does.
    let server = server_failing_first(1, Some("600")).await;
    let (result, requests) = one_row(&server, quick_retries(3)).await;
    assert_eq!(
        result.unwrap_err(),
        ApiError::ServerError {
            status: 503,
            attempts: 1
        }
    );
    assert_eq!(requests, 1);
}

/// A clock that jumps to each wake-up at once: the run's waits take no time, and
/// `waited` says how long they would have taken.
#[derive(Clone)]
struct JumpingClock {
    start: Instant,
    waited: Arc<Mutex<Duration>>,
}

impl JumpingClock {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            waited: Arc::default(),
        }
    }

    fn waited(&self) -> Duration {
        *self.waited.lock().unwrap()
    }
}

impl Clock for JumpingClock {
    fn now(&self) -> Instant {
        self.start + self.waited()
    }

    async fn sleep_until(&self, at: Instant) {
        {
            let mut waited = self.waited.lock().unwrap();
            *waited = (*waited).max(at.saturating_duration_since(self.start));
        }
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn a_row_still_rate_limited_after_twenty_tries_is_given_up_and_says_so() {
    // Hero answers 429 every time, asking for a minute each time (twenty minutes of waits
    // on a real clock).
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/patients/register_pds"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "60"))
        .mount(&server)
        .await;
    let clock = JumpingClock::new();
    let (result, requests) = one_row_with_clock(&server, RetryPolicy::none(), clock.clone()).await;
    assert_eq!(result.unwrap_err(), ApiError::RateLimited { attempts: 20 });
    assert_eq!(requests, 20);
    // Each minute Hero asked for was waited out before the next try.
    assert!(
        clock.waited() >= Duration::from_secs(19 * 60),
        "{:?}",
        clock.waited()
    );
}

#[tokio::test]
async fn a_transient_fault_is_retried_only_after_the_wait_hero_asked_for() {
    // A 503 asking for 90 s (under the policy's two-minute max_wait), then 200.
    let server = server_failing_first(1, Some("90")).await;
    let clock = JumpingClock::new();
    let (result, requests) = one_row_with_clock(&server, quick_retries(3), clock.clone()).await;
    assert!(
        matches!(result, Ok(Registration::Registered { .. })),
        "{result:?}"
    );
    assert_eq!(requests, 2);
    assert!(
        clock.waited() >= Duration::from_secs(90),
        "{:?}",
        clock.waited()
    );
}

mod pace {
    use std::time::{Duration, Instant};

    use hero_core::batch::run::Pace;

    #[test]
    fn the_first_429_sets_the_pace_from_the_throughput_seen() {
        let start = Instant::now();
        let mut pace = Pace::new(start);
        let mut epoch = 0;
        for _ in 0..20 {
            epoch = pace.reserve(start).1;
            pace.on_success();
        }
        // 20 answers in 20 ms, then Hero asks for 1 s: 20 per 1.02 s.
        pace.on_rate_limited(
            Duration::from_secs(1),
            start + Duration::from_millis(20),
            epoch,
        );
        let interval = pace.interval().as_secs_f64();
        assert!((interval - 0.051).abs() < 0.001, "{interval}");
        // Requests sent before the change that also got 429 don't slow it further...
        pace.on_rate_limited(
            Duration::from_secs(1),
            start + Duration::from_millis(21),
            epoch,
        );
        pace.on_rate_limited(
            Duration::from_secs(1),
            start + Duration::from_millis(22),
            epoch,
        );
        assert!((pace.interval().as_secs_f64() - 0.051).abs() < 0.001);
        // ...but every one of them is counted and honoured: nothing goes before the wait.
        assert_eq!(pace.rate_limited(), 3);
        let (at, _) = pace.reserve(start + Duration::from_millis(30));
        assert!(at >= start + Duration::from_millis(1022));
    }

    #[test]
    fn a_cycle_too_short_to_measure_is_followed_by_probing_until_a_long_one_settles_it() {
        let start = Instant::now();
        let mut pace = Pace::new(start);
        // One success, then a 429 asking for 1 s: only a rough first guess (1 per s).
        let (_, epoch) = pace.reserve(start);
        pace.on_success();
        pace.on_rate_limited(Duration::from_secs(1), start, epoch);
        let guess = pace.interval();
        assert_eq!(guess, Duration::from_secs(1));
        // A clean run: 10 % faster.
        for _ in 0..20 {
            pace.reserve(start);
            pace.on_success();
        }
        let probing = pace.interval();
        assert!(probing < guess);
        // 40 successes in 1 s, then a 429 asking for 1 s: 20 per second, settled.
        let cycle_start = start + Duration::from_secs(1);
        for _ in 0..20 {
            pace.reserve(cycle_start);
            pace.on_success();
        }
        let (_, epoch) = pace.reserve(cycle_start);
        pace.on_rate_limited(
            Duration::from_secs(1),
            cycle_start + Duration::from_secs(1),
            epoch,
        );
        assert_eq!(pace.interval(), Duration::from_millis(50));
        for _ in 0..100 {
            pace.reserve(cycle_start);
            pace.on_success();
        }
        assert_eq!(
            pace.interval(),
            Duration::from_millis(50),
            "settled: no more probing"
        );
    }
}

#[test]
fn reserved_slots_are_one_interval_apart_once_hero_has_set_the_pace() {
    use hero_core::batch::run::Pace;
    use std::time::Instant;
    let start = Instant::now();
    let mut pace = Pace::new(start);
    for _ in 0..10 {
        let _ = pace.reserve(start);
        pace.on_success();
    }
    // Ten through in the first second, then a 429 asking for one more: 2 s for ten.
    let (_, epoch) = pace.reserve(start);
    let one_second = Duration::from_secs(1);
    pace.on_rate_limited(one_second, start + one_second, epoch);
    assert_eq!(pace.interval(), Duration::from_millis(200));
    let (first, _) = pace.reserve(start + one_second);
    let (second, _) = pace.reserve(start + one_second);
    assert_eq!(
        first,
        start + 2 * one_second,
        "not before the wait Hero asked for"
    );
    assert_eq!(second - first, pace.interval());
}

/// A pace set by one 429 after `successes` got through in the first second.
fn pace_after(successes: u32) -> (hero_core::batch::run::Pace, std::time::Instant) {
    let start = std::time::Instant::now();
    let mut pace = hero_core::batch::run::Pace::new(start);
    for _ in 0..successes {
        let _ = pace.reserve(start);
        pace.on_success();
    }
    let (_, epoch) = pace.reserve(start);
    pace.on_rate_limited(
        Duration::from_secs(1),
        start + Duration::from_secs(1),
        epoch,
    );
    (pace, start)
}

#[test]
fn an_unsettled_pace_speeds_up_after_twenty_clean_sends_and_no_sooner() {
    // Five in 2 s: 400 ms each, not settled (fewer than twenty in the cycle).
    let (mut pace, start) = pace_after(5);
    let set = pace.interval();
    assert_eq!(set, Duration::from_millis(400));
    let (_, before_speed_up) = pace.reserve(start);
    for _ in 0..19 {
        pace.on_success();
    }
    assert_eq!(pace.interval(), set, "not before twenty");
    pace.on_success();
    let faster = pace.interval();
    assert_eq!(faster, set.mul_f64(0.9));
    // A 429 for a request sent at the old pace says nothing about the new one.
    pace.on_rate_limited(
        Duration::from_secs(1),
        start + Duration::from_secs(3),
        before_speed_up,
    );
    assert_eq!(pace.interval(), faster);
}

#[test]
fn a_429_with_nothing_through_slows_the_pace_down() {
    let start = std::time::Instant::now();
    let mut pace = hero_core::batch::run::Pace::new(start);
    let (_, epoch) = pace.reserve(start);
    // Nothing sent successfully, and no time passed: slow down, don't divide by zero.
    pace.on_rate_limited(Duration::ZERO, start, epoch);
    assert_eq!(pace.interval(), Duration::from_millis(100));
    let (_, epoch) = pace.reserve(start);
    pace.on_rate_limited(Duration::from_secs(1), start, epoch);
    assert_eq!(pace.interval(), Duration::from_millis(150));
    // One through, but at once and with no wait asked: still no pace to learn from.
    let mut pace = hero_core::batch::run::Pace::new(start);
    let (_, epoch) = pace.reserve(start);
    pace.on_success();
    pace.on_rate_limited(Duration::ZERO, start, epoch);
    assert_eq!(pace.interval(), Duration::from_millis(100));
}

#[test]
fn a_row_hero_refused_is_reported_as_failed_with_what_to_do() {
    let list = read_list(
        b"NHS number,Date of birth\n9990000018,01/02/1992\n9990000026,14/07/1985\n",
        jiff::civil::date(2026, 11, 26),
        TestNumbers::Allowed,
    )
    .unwrap();
    let results = HashMap::from([(2, Err(ApiError::NotFound))]);
    let rows = result_rows(&list, &results);
    assert_eq!(rows[0].outcome, hero_core::batch::ResultOutcome::Failed);
    assert_eq!(rows[0].cause, ApiError::NotFound.cause());
    assert!(
        rows[0].fix.contains("Confirm the NHS number"),
        "{}",
        rows[0].fix
    );
    // The row with no result was never sent.
    assert_eq!(rows[1].outcome, hero_core::batch::ResultOutcome::NotSent);
}
