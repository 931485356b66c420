//! Running a batch: every valid row sent once, at one shared pace that learns the
//! rate Hero allows from its 429 answers, with pause, resume and cancel. Transient
//! faults are retried by the client's [`RetryPolicy`](crate::api::RetryPolicy).

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::api::{ApiError, HeroClient, Registration, Retry, with_attempts};
use crate::patient::PatientQuery;

/// Requests in flight at once: enough to hide network latency, few enough to be polite.
pub const CONCURRENCY: usize = 4;
/// A row answered 429 this many times is given up (Hero would have to refuse all day).
const MAX_RATE_LIMITED_TRIES: u32 = 20;
/// Successes in a row before the pace tries a little faster.
const CLEAN_RUN: u32 = 20;
/// Without `Retry-After`, wait this long after a 429.
const DEFAULT_RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Running,
    Paused,
    Cancelled,
}

/// Pause, resume and cancel, from the window or Ctrl-C.
#[derive(Debug, Clone)]
pub struct BatchControl(Arc<watch::Sender<RunState>>);

impl Default for BatchControl {
    fn default() -> Self {
        Self(Arc::new(watch::channel(RunState::Running).0))
    }
}

impl BatchControl {
    pub fn pause(&self) {
        self.0.send_if_modified(|s| {
            let change = *s == RunState::Running;
            if change {
                *s = RunState::Paused;
            }
            change
        });
    }

    pub fn resume(&self) {
        self.0.send_if_modified(|s| {
            let change = *s == RunState::Paused;
            if change {
                *s = RunState::Running;
            }
            change
        });
    }

    pub fn cancel(&self) {
        self.0.send_replace(RunState::Cancelled);
    }

    pub fn state(&self) -> RunState {
        *self.0.borrow()
    }
}

/// Where a run's time comes from: the real clock, or in tests one that jumps to each
/// wake-up at once, so that Hero's waits (twenty 429s take minutes) are not waited out.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Instant;
    fn sleep_until(&self, at: Instant) -> impl Future<Output = ()> + Send;
}

#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    fn sleep_until(&self, at: Instant) -> impl Future<Output = ()> + Send {
        tokio::time::sleep_until(at.into())
    }
}

/// What the run reports as it goes.
#[derive(Debug, Clone)]
pub enum BatchUpdate {
    /// The row with this number in the file has its final result.
    Row {
        row_number: usize,
        result: Result<Registration, ApiError>,
    },
    Progress(BatchProgress),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchProgress {
    pub done: usize,
    pub total: usize,
    pub elapsed: Duration,
    /// Rows finished per second so far.
    pub per_second: f64,
    pub time_left: Option<Duration>,
    pub rate_limited: u32,
    /// The current gap between requests the pace keeps (zero: as fast as answers come).
    pub interval: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BatchSummary {
    pub done: usize,
    pub total: usize,
    pub elapsed: Duration,
    pub rate_limited: u32,
    pub cancelled: bool,
}

/// The shared pace. Starts unthrottled. Each 429 sets it from the throughput of the
/// cycle that ended there: the successes since the last wait, over the time they took
/// plus the wait Hero asked for. For a token bucket or a fixed window that is Hero's
/// own rate, so after one cycle of at least `CLEAN_RUN` successes the pace is settled
/// and no more 429s come. A cycle too short to measure is followed by probing: 10 %
/// faster after each clean run, until the next 429 measures a longer cycle.
#[derive(Debug)]
pub struct Pace {
    interval: Duration,
    next_send: Instant,
    paused_until: Instant,
    settled: bool,
    clean_run: u32,
    cycle_start: Instant,
    cycle_successes: u32,
    rate_limited: u32,
    /// Bumped at each change of pace: a 429 for a request sent at an older pace
    /// says nothing about the current one (it only extends the wait).
    epoch: u64,
}

impl Pace {
    pub fn new(now: Instant) -> Self {
        Self {
            interval: Duration::ZERO,
            next_send: now,
            paused_until: now,
            settled: false,
            clean_run: 0,
            cycle_start: now,
            cycle_successes: 0,
            rate_limited: 0,
            epoch: 0,
        }
    }

    /// Reserves the next send slot: when it is, and the pace it was reserved at.
    pub fn reserve(&mut self, now: Instant) -> (Instant, u64) {
        let at = now.max(self.next_send).max(self.paused_until);
        self.next_send = at + self.interval;
        (at, self.epoch)
    }

    pub fn on_success(&mut self) {
        self.cycle_successes += 1;
        self.clean_run += 1;
        if !self.settled && self.clean_run >= CLEAN_RUN && !self.interval.is_zero() {
            self.interval = self.interval.mul_f64(0.9);
            self.clean_run = 0;
            self.epoch += 1;
        }
    }

    pub fn on_rate_limited(&mut self, wait: Duration, now: Instant, sent_at_epoch: u64) {
        self.rate_limited += 1;
        let resume = now + wait;
        if resume > self.paused_until {
            self.paused_until = resume;
        }
        if sent_at_epoch != self.epoch {
            return;
        }
        self.epoch += 1;
        let span = (now.saturating_duration_since(self.cycle_start) + wait).as_secs_f64();
        if self.cycle_successes > 0 && span > 0.0 {
            self.interval = Duration::from_secs_f64(span / f64::from(self.cycle_successes));
            self.settled = self.cycle_successes >= CLEAN_RUN;
        } else {
            // Nothing got through: slow down until something does.
            self.interval = self.interval.mul_f64(1.5).max(Duration::from_millis(100));
            self.settled = false;
        }
        self.clean_run = 0;
        self.cycle_start = resume;
        self.cycle_successes = 0;
    }

    pub fn interval(&self) -> Duration {
        self.interval
    }

    pub fn rate_limited(&self) -> u32 {
        self.rate_limited
    }
}

struct Shared {
    pace: Mutex<Pace>,
    progress: Mutex<(usize, u32)>,
}

impl Shared {
    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.pace.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Sends every row (its row number in the file, and its patient; as
/// [`BatchList::valid_queries`](super::BatchList::valid_queries) gives them) once at the
/// shared pace. `on_update` gets each row's final result, by its row number, and
/// progress; rows not finished when cancelled get no `Row` update.
pub async fn run_batch(
    client: HeroClient,
    rows: Vec<(usize, PatientQuery)>,
    control: BatchControl,
    on_update: impl Fn(BatchUpdate) + Send + Sync + 'static,
) -> BatchSummary {
    run_batch_with_clock(SystemClock, client, rows, control, on_update).await
}

/// [`run_batch`] with its time from `clock`.
pub async fn run_batch_with_clock(
    clock: impl Clock,
    client: HeroClient,
    rows: Vec<(usize, PatientQuery)>,
    control: BatchControl,
    on_update: impl Fn(BatchUpdate) + Send + Sync + 'static,
) -> BatchSummary {
    let clock = Arc::new(clock);
    let total = rows.len();
    let started = clock.now();
    let shared = Arc::new(Shared {
        pace: Mutex::new(Pace::new(started)),
        progress: Mutex::new((0, 0)),
    });
    let on_update = Arc::new(on_update);
    let queue = Arc::new(Mutex::new(rows.into_iter().rev().collect::<Vec<_>>()));

    let mut workers = JoinSet::new();
    for _ in 0..CONCURRENCY.min(total.max(1)) {
        let (clock, client, shared, on_update, queue) = (
            clock.clone(),
            client.clone(),
            shared.clone(),
            on_update.clone(),
            queue.clone(),
        );
        let mut state = control.0.subscribe();
        workers.spawn(async move {
            loop {
                if !wait_while_paused(&mut state).await {
                    return;
                }
                let next = queue.lock().unwrap_or_else(|p| p.into_inner()).pop();
                let Some((row_number, query)) = next else {
                    return;
                };
                let Some(result) = send_row(&*clock, &client, &query, &shared, &mut state).await
                else {
                    return;
                };
                let (done, rate_limited) = {
                    let mut progress = shared.progress.lock().unwrap_or_else(|p| p.into_inner());
                    progress.0 += 1;
                    progress.1 = shared.pace().rate_limited();
                    *progress
                };
                on_update(BatchUpdate::Row { row_number, result });
                on_update(BatchUpdate::Progress(progress(
                    done,
                    total,
                    clock.now().saturating_duration_since(started),
                    rate_limited,
                    shared.pace().interval(),
                )));
            }
        });
    }
    let mut cancel = control.0.subscribe();
    let cancelled = async move {
        // The guard is dropped here, before anything else awaits.
        let _ = cancel.wait_for(|s| *s == RunState::Cancelled).await.is_ok();
    };
    tokio::pin!(cancelled);
    loop {
        tokio::select! {
            joined = workers.join_next() => {
                if joined.is_none() {
                    break;
                }
            }
            () = &mut cancelled => {
                // Stop at once: requests in flight are dropped.
                workers.abort_all();
                while workers.join_next().await.is_some() {}
                break;
            }
        }
    }
    let (done, rate_limited) = *shared.progress.lock().unwrap_or_else(|p| p.into_inner());
    BatchSummary {
        done,
        total,
        elapsed: clock.now().saturating_duration_since(started),
        rate_limited: rate_limited.max(shared.pace().rate_limited()),
        cancelled: control.state() == RunState::Cancelled,
    }
}

/// The progress `elapsed` after the start: the rate so far and, from it, the time left.
fn progress(
    done: usize,
    total: usize,
    elapsed: Duration,
    rate_limited: u32,
    interval: Duration,
) -> BatchProgress {
    let per_second = if elapsed.as_secs_f64() > 0.0 {
        done as f64 / elapsed.as_secs_f64()
    } else {
        0.0
    };
    let time_left =
        (per_second > 0.0).then(|| Duration::from_secs_f64((total - done) as f64 / per_second));
    BatchProgress {
        done,
        total,
        elapsed,
        per_second,
        time_left,
        rate_limited,
        interval,
    }
}

/// Waits out a pause. False when cancelled.
async fn wait_while_paused(state: &mut watch::Receiver<RunState>) -> bool {
    match state.wait_for(|s| *s != RunState::Paused).await {
        Ok(s) => *s == RunState::Running,
        Err(_) => false,
    }
}

/// One row to its final result, through 429s (at the shared pace) and transient faults
/// (by the client's retry policy, as a single registration). None when cancelled.
async fn send_row(
    clock: &impl Clock,
    client: &HeroClient,
    query: &PatientQuery,
    shared: &Shared,
    state: &mut watch::Receiver<RunState>,
) -> Option<Result<Registration, ApiError>> {
    let policy = client.retry_policy();
    let mut backoff = policy.backoff();
    let mut attempts = 0;
    let mut rate_limited_tries = 0;
    loop {
        let (at, epoch) = shared.pace().reserve(clock.now());
        clock.sleep_until(at).await;
        if !wait_while_paused(state).await {
            return None;
        }
        attempts += 1;
        match client.register_pds_once(query).await {
            Ok(registration) => {
                shared.pace().on_success();
                return Some(Ok(registration));
            }
            Err(failure) => match failure.retry {
                Retry::RateLimited(asked) => {
                    rate_limited_tries += 1;
                    shared.pace().on_rate_limited(
                        asked.unwrap_or(DEFAULT_RATE_LIMIT_WAIT),
                        clock.now(),
                        epoch,
                    );
                    if rate_limited_tries >= MAX_RATE_LIMITED_TRIES {
                        return Some(Err(ApiError::RateLimited {
                            attempts: rate_limited_tries,
                        }));
                    }
                }
                // Hero's Retry-After wins over the backoff; a wait over max_wait is not
                // waited out, as for a single registration.
                Retry::Transient(asked) => match backoff.next().map(|d| asked.unwrap_or(d)) {
                    Some(delay) if delay <= policy.max_wait => {
                        clock.sleep_until(clock.now() + delay).await;
                    }
                    _ => return Some(Err(with_attempts(failure.error, attempts))),
                },
                Retry::No => return Some(Err(failure.error)),
            },
        }
    }
}

/// The results table in file order: every row of the list exactly once.
pub fn result_rows(
    list: &super::BatchList,
    results: &std::collections::HashMap<usize, Result<Registration, ApiError>>,
) -> Vec<super::ResultRow> {
    use super::{ResultRow, RowCheck};
    list.rows
        .iter()
        .map(|row| match (&row.outcome, results.get(&row.row_number)) {
            (RowCheck::Valid(query), Some(Ok(registration))) => {
                ResultRow::registered(row.row_number, query, registration).with_cells_of(row)
            }
            (RowCheck::Valid(query), Some(Err(error)))
                if crate::held::can_cure_later(error, true) =>
            {
                ResultRow::not_reached(row.row_number, query, error.cause()).with_cells_of(row)
            }
            (RowCheck::Valid(query), Some(Err(error))) => ResultRow::failed(
                row.row_number,
                query,
                error.cause(),
                error.fix(&super::results::RESULTS_FILE),
            )
            .with_cells_of(row),
            _ => ResultRow::unsent(row),
        })
        .collect()
}

/// The rows of a finished list that failed because Hero couldn't be reached (or was
/// down): sending just those again can cure them. In the list's order.
pub fn rows_to_send_again(
    list: &super::BatchList,
    results: &std::collections::HashMap<usize, Result<Registration, ApiError>>,
) -> Vec<(usize, crate::patient::PatientQuery)> {
    list.valid_queries()
        .into_iter()
        .filter(|(row_number, _)| {
            matches!(results.get(row_number), Some(Err(e)) if crate::held::can_cure_later(e, true))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_gives_the_rate_so_far_and_the_time_left_at_it() {
        let p = progress(
            10,
            40,
            Duration::from_secs(5),
            2,
            Duration::from_millis(300),
        );
        assert!((p.per_second - 2.0).abs() < 1e-9, "{}", p.per_second);
        assert_eq!(p.time_left, Some(Duration::from_secs(15)));
        assert_eq!((p.done, p.total, p.rate_limited), (10, 40, 2));
        assert_eq!(p.interval, Duration::from_millis(300));
        // Nothing done yet, or no time gone: no rate, so no guess at the time left.
        let none_yet = progress(0, 40, Duration::from_secs(5), 0, Duration::ZERO);
        assert_eq!((none_yet.per_second, none_yet.time_left), (0.0, None));
        let at_once = progress(3, 40, Duration::ZERO, 0, Duration::ZERO);
        assert_eq!((at_once.per_second, at_once.time_left), (0.0, None));
        let done = progress(40, 40, Duration::from_secs(8), 0, Duration::ZERO);
        assert_eq!(done.time_left, Some(Duration::ZERO));
    }
}
