//! Patients kept while Hero can't be reached, and sent when it answers again.
//!
//! Pure: no I/O and no clock of its own. Every call is given `now`, so the waits, the
//! order and the give-up are tested without waiting. The app asks [`HeldQueue::due`]
//! what to do next, does it (a `GET /v1/me` probe, or one registration), and hands the
//! answer back.

use std::collections::VecDeque;
use std::fmt;
use std::time::{Duration, Instant};

use crate::api::{ApiError, ProxyProblem, Registration};
use crate::config::Environment;
use crate::patient::PatientQuery;

/// The first wait after Hero stops answering; each failed try doubles it.
pub const FIRST_WAIT: Duration = Duration::from_secs(5);
/// The longest wait between two tries.
pub const LONGEST_WAIT: Duration = Duration::from_secs(120);
/// A patient still not sent after this long is given up on, with the reason.
pub const GIVE_UP_AFTER: Duration = Duration::from_secs(2 * 60 * 60);

pub type HeldId = u64;

/// The one rule for which failures keep the patient: those that sending the same
/// patient again later can cure. A connection that never happened counts only when
/// this server has answered before: on a server that never has, it most likely
/// means a wrong address, which waiting won't cure.
pub fn can_cure_later(error: &ApiError, server_answered_before: bool) -> bool {
    match error {
        ApiError::ServerError { .. }
        | ApiError::RateLimited { .. }
        | ApiError::RateLimitWaitTooLong { .. } => true,
        ApiError::UnexpectedStatus { status } => *status >= 500,
        ApiError::Unreachable
        | ApiError::AddressNotFound
        | ApiError::Timeout { .. }
        | ApiError::ConnectionDropped { .. }
        | ApiError::Proxy {
            problem: ProxyProblem::Unreachable,
            ..
        } => server_answered_before,
        _ => false,
    }
}

/// Where a patient was typed for: the environment, the server and the practice group
/// in force then. It is sent there and nowhere else (a changed address or practice
/// group in Settings means it waits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    pub environment: Environment,
    pub server: String,
    pub practice_group: String,
}

/// A patient waiting for Hero. Its `Debug` shows the masked form only.
#[derive(Clone, PartialEq)]
pub struct HeldPatient {
    pub id: HeldId,
    pub query: PatientQuery,
    /// Where it was typed for: it is sent there and nowhere else.
    pub destination: Destination,
    pub held_at: Instant,
    /// When it was typed, for the shift list.
    pub typed_at: jiff::Timestamp,
    /// Why it was last not sent.
    pub last_error: ApiError,
}

impl fmt::Debug for HeldPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeldPatient")
            .field("id", &self.id)
            .field("patient", &self.query.masked())
            .field("environment", &self.destination.environment)
            .finish_non_exhaustive()
    }
}

/// What the queue asks the app to do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Ask Hero whether it answers (`GET /v1/me`: it registers no one).
    Probe,
    /// Register this patient, where it was typed for.
    Send {
        id: HeldId,
        query: PatientQuery,
        destination: Destination,
    },
}

/// What became of a held patient's send.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    /// Hero answered: the patient leaves the queue, with the answer for the shift list.
    Registered(HeldPatient, Registration),
    /// Hero refused the patient (400, 404, …): it leaves the queue, failed, with why.
    Refused(HeldPatient, ApiError),
    /// Still down: the patient stays, and the wait grows.
    StillDown,
    /// The key was rejected: waiting stops until the key changes.
    KeyRejected,
    /// Not the send the queue was waiting for (the patient was removed meanwhile).
    Stale,
}

#[derive(Debug, Clone, PartialEq)]
enum Activity {
    Waiting,
    Probing,
    Sending(HeldId),
    /// 401 or 403: nothing is tried until the key changes.
    KeyRejected(ApiError),
}

#[derive(Debug)]
pub struct HeldQueue {
    patients: VecDeque<HeldPatient>,
    next_id: HeldId,
    activity: Activity,
    /// When to try next, while waiting.
    next_try: Option<Instant>,
    wait: Duration,
    /// Hero answered the last probe or send: the next patient goes without a probe.
    answering: bool,
    registered_since_down: usize,
    back_notice: Option<usize>,
}

impl Default for HeldQueue {
    fn default() -> Self {
        Self {
            patients: VecDeque::new(),
            next_id: 1,
            activity: Activity::Waiting,
            next_try: None,
            wait: FIRST_WAIT,
            answering: false,
            registered_since_down: 0,
            back_notice: None,
        }
    }
}

impl HeldQueue {
    /// Keeps a patient Hero couldn't be reached for. The same patient for the same
    /// destination is kept once: `None` when it already was.
    pub fn hold(
        &mut self,
        query: PatientQuery,
        destination: Destination,
        last_error: ApiError,
        now: Instant,
        typed_at: jiff::Timestamp,
    ) -> Option<HeldId> {
        if self
            .patients
            .iter()
            .any(|p| p.query == query && p.destination == destination)
        {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        if self.patients.is_empty() {
            self.registered_since_down = 0;
            self.wait = FIRST_WAIT;
        }
        // A failure just now: Hero is not answering, whatever it did before.
        self.answering = false;
        if self.activity == Activity::Waiting && self.next_try.is_none() {
            self.next_try = Some(now + self.wait);
        }
        self.patients.push_back(HeldPatient {
            id,
            query,
            destination,
            held_at: now,
            typed_at,
            last_error,
        });
        Some(id)
    }

    /// The patients waiting, in the order they were typed.
    pub fn patients(&self) -> impl ExactSizeIterator<Item = &HeldPatient> {
        self.patients.iter()
    }

    pub fn len(&self) -> usize {
        self.patients.len()
    }

    pub fn is_empty(&self) -> bool {
        self.patients.is_empty()
    }

    /// Whether this patient is being sent right now (and so can't be removed).
    pub fn is_sending(&self, id: HeldId) -> bool {
        self.activity == Activity::Sending(id)
    }

    /// Removes a patient the desk no longer wants sent. Not while it is being sent:
    /// Hero may already have it.
    pub fn remove(&mut self, id: HeldId) -> bool {
        if self.is_sending(id) {
            return false;
        }
        let before = self.patients.len();
        self.patients.retain(|p| p.id != id);
        if self.patients.is_empty() {
            self.reset();
        }
        self.patients.len() != before
    }

    /// Forgets every patient (the user agreed to lose them).
    pub fn clear(&mut self) {
        self.patients.clear();
        self.reset();
    }

    /// Nobody left: a rejected key, the waits and the pace are forgotten with them.
    fn reset(&mut self) {
        if !matches!(self.activity, Activity::Sending(_) | Activity::Probing) {
            self.activity = Activity::Waiting;
        }
        self.next_try = None;
        self.wait = FIRST_WAIT;
        self.answering = false;
    }

    /// Time until the next try, while waiting for one.
    pub fn next_try_in(&self, now: Instant) -> Option<Duration> {
        match self.activity {
            Activity::Waiting if !self.patients.is_empty() => {
                self.next_try.map(|at| at.saturating_duration_since(now))
            }
            _ => None,
        }
    }

    /// Why waiting stopped, when Hero rejected the key.
    pub fn key_rejected(&self) -> Option<&ApiError> {
        match &self.activity {
            Activity::KeyRejected(error) => Some(error),
            _ => None,
        }
    }

    /// Try at once (the desk's key), unless something is already under way.
    pub fn try_now(&mut self, now: Instant) {
        if self.activity == Activity::Waiting && !self.patients.is_empty() {
            self.next_try = Some(now);
        }
    }

    /// A new key (typed in place or in Settings): waiting resumes at once.
    pub fn key_changed(&mut self, now: Instant) {
        if matches!(self.activity, Activity::KeyRejected(_)) {
            self.activity = Activity::Waiting;
            self.answering = false;
            self.wait = FIRST_WAIT;
            self.next_try = (!self.patients.is_empty()).then_some(now);
        }
    }

    /// Patients kept longer than [`GIVE_UP_AFTER`]: they leave the queue, to be shown
    /// as failed with their last reason. Never the one being sent.
    pub fn give_up_on_old(&mut self, now: Instant) -> Vec<HeldPatient> {
        let sending = match self.activity {
            Activity::Sending(id) => Some(id),
            _ => None,
        };
        let (old, kept): (Vec<_>, Vec<_>) = self.patients.drain(..).partition(|p| {
            Some(p.id) != sending && now.saturating_duration_since(p.held_at) >= GIVE_UP_AFTER
        });
        self.patients = kept.into();
        if self.patients.is_empty() {
            self.reset();
        }
        old
    }

    /// What to do now, for where the desk sends: nothing, a probe, or the next patient
    /// typed for there.
    pub fn due(&mut self, now: Instant, here: &Destination) -> Option<Step> {
        if self.activity != Activity::Waiting {
            return None;
        }
        if self.next_try.is_none_or(|at| at > now) {
            return None;
        }
        if self.answering {
            return self.send_next(here);
        }
        self.patients
            .iter()
            .any(|p| &p.destination == here)
            .then(|| {
                self.activity = Activity::Probing;
                Step::Probe
            })
    }

    /// Hero's answer to the probe: send the first patient if it answered.
    pub fn on_probe(
        &mut self,
        answer: Result<(), ApiError>,
        now: Instant,
        here: &Destination,
    ) -> Option<Step> {
        if self.activity != Activity::Probing {
            return None;
        }
        match answer {
            Ok(()) => self.send_next(here),
            Err(error) if error.is_credentials_problem() => {
                self.activity = Activity::KeyRejected(error);
                None
            }
            Err(_) => {
                self.back_off(now);
                None
            }
        }
    }

    fn send_next(&mut self, here: &Destination) -> Option<Step> {
        let Some(patient) = self.patients.iter().find(|p| &p.destination == here) else {
            self.activity = Activity::Waiting;
            self.next_try = None;
            return None;
        };
        self.activity = Activity::Sending(patient.id);
        Some(Step::Send {
            id: patient.id,
            query: patient.query.clone(),
            destination: patient.destination.clone(),
        })
    }

    /// The step couldn't be started (nothing to send with yet): wait and try again.
    pub fn could_not_start(&mut self, now: Instant) {
        if matches!(self.activity, Activity::Probing | Activity::Sending(_)) {
            self.back_off(now);
        }
    }

    fn back_off(&mut self, now: Instant) {
        self.activity = Activity::Waiting;
        self.answering = false;
        self.next_try = Some(now + self.wait);
        self.wait = (self.wait * 2).min(LONGEST_WAIT);
    }

    /// The answer to a held patient's registration.
    pub fn on_sent(
        &mut self,
        id: HeldId,
        result: Result<Registration, ApiError>,
        now: Instant,
    ) -> Sent {
        if self.activity != Activity::Sending(id) {
            return Sent::Stale;
        }
        let Some(index) = self.patients.iter().position(|p| p.id == id) else {
            self.activity = Activity::Waiting;
            return Sent::Stale;
        };
        match result {
            Ok(registration) => {
                let Some(patient) = self.leave(index, now) else {
                    return Sent::Stale;
                };
                self.registered_since_down += 1;
                if self.patients.is_empty() {
                    self.back_notice = Some(self.registered_since_down);
                }
                Sent::Registered(patient, registration)
            }
            Err(error) if error.is_credentials_problem() => {
                self.patients[index].last_error = error.clone();
                self.activity = Activity::KeyRejected(error);
                Sent::KeyRejected
            }
            Err(error) if can_cure_later(&error, true) => {
                self.back_off(now);
                // Hero said how long to wait: never sooner.
                if let ApiError::RateLimitWaitTooLong { wait } = error {
                    self.next_try = self.next_try.max(Some(now + wait));
                }
                self.patients[index].last_error = error;
                Sent::StillDown
            }
            Err(error) => match self.leave(index, now) {
                Some(patient) => Sent::Refused(patient, error),
                None => Sent::Stale,
            },
        }
    }

    /// Takes a patient out after Hero answered for it; the next one goes at once.
    fn leave(&mut self, index: usize, now: Instant) -> Option<HeldPatient> {
        let patient = self.patients.remove(index)?;
        self.activity = Activity::Waiting;
        self.answering = true;
        self.wait = FIRST_WAIT;
        self.next_try = (!self.patients.is_empty()).then_some(now);
        Some(patient)
    }

    /// "Hero is back: N held patients registered", once, after the queue emptied.
    pub fn take_back_notice(&mut self) -> Option<usize> {
        self.back_notice.take().filter(|n| *n > 0)
    }
}
