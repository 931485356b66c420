//! The held queue as pure state: patients kept while Hero can't be reached, sent in
//! order, once, to the environment they were typed for. `now` is handed in, so hours
//! of waiting are tested at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use hero_core::api::{ApiError, PatientId, ProxyProblem, Registration};
use hero_core::config::Environment;
use hero_core::held::{
    Destination, FIRST_WAIT, GIVE_UP_AFTER, HeldId, HeldQueue, LONGEST_WAIT, Sent, Step,
    can_cure_later,
};
use hero_core::patient::{DateOfBirth, NhsNumber, PatientQuery, TestNumbers};
use hero_core::testing::nhs_numbers_from;
use jiff::civil::date;

const DOWN: ApiError = ApiError::Unreachable;

/// Where the desk sends: Staging, one server, one practice group.
fn here() -> Destination {
    to(Environment::Staging, "group-a")
}

fn to(environment: Environment, practice_group: &str) -> Destination {
    Destination {
        environment,
        server: environment.fixed_url().unwrap_or_default().to_owned(),
        practice_group: practice_group.to_owned(),
    }
}

fn patient(n: usize) -> PatientQuery {
    let number = nhs_numbers_from(999_000_000).nth(n).unwrap();
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse_for(&number, TestNumbers::Allowed).unwrap(),
        dob: DateOfBirth::parse("1992-02-01", date(2026, 12, 6)).unwrap(),
    }
}

fn hold(queue: &mut HeldQueue, n: usize, now: Instant) -> Option<HeldId> {
    queue.hold(patient(n), here(), DOWN, now, jiff::Timestamp::UNIX_EPOCH)
}

fn registered() -> Result<Registration, ApiError> {
    Ok(Registration::Registered {
        patient_id: PatientId::new("4242"),
    })
}

/// Drives the queue until it asks to send, Hero answering the probe.
fn next_send(queue: &mut HeldQueue, now: Instant) -> Option<(HeldId, PatientQuery)> {
    let mut step = queue.due(now, &here())?;
    if step == Step::Probe {
        step = queue.on_probe(Ok(()), now, &here())?;
    }
    match step {
        Step::Send {
            id,
            query,
            destination,
        } => {
            assert_eq!(destination, here());
            Some((id, query))
        }
        Step::Probe => panic!("two probes in a row"),
    }
}

#[test]
fn only_failures_that_waiting_can_cure_keep_the_patient() {
    let cured = [
        ApiError::ServerError {
            status: 503,
            attempts: 3,
        },
        ApiError::UnexpectedStatus { status: 502 },
        ApiError::RateLimited { attempts: 4 },
        ApiError::RateLimitWaitTooLong {
            wait: Duration::from_secs(900),
        },
    ];
    for error in &cured {
        assert!(can_cure_later(error, false), "{error:?}");
    }
    let only_after_an_answer = [
        ApiError::Unreachable,
        ApiError::AddressNotFound,
        ApiError::Timeout { attempts: 3 },
        ApiError::ConnectionDropped { attempts: 3 },
        ApiError::Proxy {
            proxy: "http://proxy.test:3128".to_owned(),
            problem: ProxyProblem::Unreachable,
        },
    ];
    for error in &only_after_an_answer {
        assert!(can_cure_later(error, true), "{error:?}");
        assert!(!can_cure_later(error, false), "{error:?}");
    }
    let never = [
        ApiError::BadRequest { fields: vec![] },
        ApiError::Unauthorized,
        ApiError::Forbidden,
        ApiError::NotFound,
        ApiError::NoSingleMatch,
        ApiError::Tls,
        ApiError::Redirected,
        ApiError::UnexpectedStatus { status: 418 },
        ApiError::Proxy {
            proxy: "http://proxy.test:3128".to_owned(),
            problem: ProxyProblem::AuthRequired,
        },
        ApiError::BadResponse {
            problem: hero_core::api::types::BodyProblem::NotJson,
        },
        ApiError::Internal,
    ];
    for error in &never {
        assert!(!can_cure_later(error, true), "{error:?}");
    }
}

#[test]
fn held_patients_are_sent_once_each_in_the_order_they_were_typed() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    for n in 0..3 {
        assert!(hold(&mut queue, n, t0).is_some());
    }
    assert_eq!(
        queue.due(t0, &here()),
        None,
        "nothing before the first wait"
    );
    assert_eq!(queue.next_try_in(t0), Some(FIRST_WAIT));
    let now = t0 + FIRST_WAIT;
    assert_eq!(
        queue.due(now, &here()),
        Some(Step::Probe),
        "Hero is asked first"
    );
    assert_eq!(queue.due(now, &here()), None, "one probe at a time");
    let mut step = queue.on_probe(Ok(()), now, &here());
    let mut sent = Vec::new();
    while let Some(Step::Send { id, query, .. }) = step {
        assert_eq!(queue.due(now, &here()), None, "one send at a time");
        match queue.on_sent(id, registered(), now) {
            Sent::Registered(p, _) => assert_eq!(p.query, query),
            other => panic!("{other:?}"),
        }
        sent.push(query);
        // Hero answered: the next goes at once, without another probe.
        step = queue.due(now, &here());
    }
    assert_eq!(step, None);
    assert_eq!(sent, vec![patient(0), patient(1), patient(2)]);
    assert!(queue.is_empty());
    assert_eq!(
        queue.due(now + LONGEST_WAIT, &here()),
        None,
        "never a second send"
    );
    assert_eq!(queue.take_back_notice(), Some(3));
    assert_eq!(queue.take_back_notice(), None, "said once");
}

#[test]
fn the_same_patient_typed_twice_is_held_once_but_once_per_environment() {
    let now = Instant::now();
    let mut queue = HeldQueue::default();
    assert!(hold(&mut queue, 0, now).is_some());
    assert_eq!(hold(&mut queue, 0, now), None);
    assert!(
        queue
            .hold(
                patient(0),
                to(Environment::Production, "group-a"),
                DOWN,
                now,
                jiff::Timestamp::UNIX_EPOCH
            )
            .is_some()
    );
    assert_eq!(queue.len(), 2);
}

#[test]
fn each_failed_try_doubles_the_wait_from_a_few_seconds_to_two_minutes_at_most() {
    let mut now = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, now);
    let mut waits = Vec::new();
    for round in 0..10 {
        let wait = queue.next_try_in(now).unwrap();
        waits.push(wait.as_secs());
        assert_eq!(
            queue.due(now + wait - Duration::from_millis(1), &here()),
            None
        );
        now += wait;
        let step = queue.due(now, &here());
        if round % 2 == 0 {
            // Hero doesn't answer the probe...
            assert_eq!(step, Some(Step::Probe));
            assert_eq!(queue.on_probe(Err(DOWN), now, &here()), None);
        } else {
            // ...or answers it, then fails the registration with a 503.
            let Some(Step::Send { id, .. }) = queue.on_probe(Ok(()), now, &here()) else {
                panic!("no send after a probe Hero answered");
            };
            let down = Err(ApiError::ServerError {
                status: 503,
                attempts: 3,
            });
            assert_eq!(queue.on_sent(id, down, now), Sent::StillDown);
        }
    }
    assert_eq!(waits, vec![5, 5, 10, 20, 40, 80, 120, 120, 120, 120]);
    assert!(FIRST_WAIT <= Duration::from_secs(10) && LONGEST_WAIT == Duration::from_secs(120));
    assert_eq!(queue.len(), 1, "still held");
}

#[test]
fn a_rejected_key_stops_the_waiting_until_the_key_changes() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    hold(&mut queue, 1, t0);
    let now = t0 + FIRST_WAIT;
    assert_eq!(queue.due(now, &here()), Some(Step::Probe));
    assert_eq!(
        queue.on_probe(Err(ApiError::Unauthorized), now, &here()),
        None
    );
    assert_eq!(queue.key_rejected(), Some(&ApiError::Unauthorized));
    assert_eq!(
        queue.due(now + GIVE_UP_AFTER / 2, &here()),
        None,
        "no tries"
    );
    assert_eq!(queue.next_try_in(now), None);
    queue.try_now(now);
    assert_eq!(
        queue.due(now, &here()),
        None,
        "try now doesn't override a rejected key"
    );

    let later = now + Duration::from_secs(600);
    queue.key_changed(later);
    assert_eq!(queue.key_rejected(), None);
    assert_eq!(
        queue.due(later, &here()),
        Some(Step::Probe),
        "resumes at once"
    );
    let Some(Step::Send { id, .. }) = queue.on_probe(Ok(()), later, &here()) else {
        panic!("no send");
    };
    // A 403 on the send itself: stops again, the patient kept.
    assert_eq!(
        queue.on_sent(id, Err(ApiError::Forbidden), later),
        Sent::KeyRejected
    );
    assert_eq!(queue.len(), 2);
    assert_eq!(
        queue.patients().next().unwrap().last_error,
        ApiError::Forbidden
    );
}

#[test]
fn a_patient_hero_refuses_leaves_the_queue_as_failed_and_the_next_one_goes() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    hold(&mut queue, 1, t0);
    let (id, _) = next_send(&mut queue, t0 + FIRST_WAIT).unwrap();
    match queue.on_sent(id, Err(ApiError::NotFound), t0 + FIRST_WAIT) {
        Sent::Refused(p, ApiError::NotFound) => assert_eq!(p.query, patient(0)),
        other => panic!("{other:?}"),
    }
    let (_, query) = next_send(&mut queue, t0 + FIRST_WAIT).unwrap();
    assert_eq!(query, patient(1));
}

#[test]
fn after_two_hours_a_patient_is_given_up_with_its_reason_but_not_while_being_sent() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    hold(&mut queue, 1, t0 + Duration::from_secs(60));
    assert!(
        queue
            .give_up_on_old(t0 + GIVE_UP_AFTER - Duration::from_secs(1))
            .is_empty()
    );
    let given_up = queue.give_up_on_old(t0 + GIVE_UP_AFTER);
    assert_eq!(given_up.len(), 1);
    assert_eq!(given_up[0].query, patient(0));
    assert_eq!(given_up[0].last_error, DOWN);
    assert_eq!(queue.len(), 1);

    // The one left is being sent when its two hours are up: it is not given up.
    let now = t0 + GIVE_UP_AFTER + Duration::from_secs(30);
    let (id, _) = next_send(&mut queue, now).unwrap();
    assert!(
        queue
            .give_up_on_old(now + Duration::from_secs(3600))
            .is_empty()
    );
    assert!(matches!(
        queue.on_sent(id, registered(), now),
        Sent::Registered(..)
    ));
}

#[test]
fn a_patient_is_sent_only_where_it_was_typed_for() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    let now = t0 + FIRST_WAIT;
    // Another environment, or the practice group changed in Settings meanwhile: it waits.
    for elsewhere in [
        to(Environment::Production, "group-a"),
        to(Environment::Staging, "group-b"),
    ] {
        assert_eq!(queue.due(now, &elsewhere), None);
    }
    assert_eq!(queue.due(now, &here()), Some(Step::Probe));
    assert_eq!(
        queue.on_probe(Ok(()), now, &to(Environment::Staging, "group-b")),
        None
    );
    assert_eq!(queue.len(), 1, "kept for where it was typed for");
}

#[test]
fn a_rejected_key_is_forgotten_with_the_last_patient() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    let id = hold(&mut queue, 0, t0).unwrap();
    assert_eq!(queue.due(t0 + FIRST_WAIT, &here()), Some(Step::Probe));
    queue.on_probe(Err(ApiError::Unauthorized), t0 + FIRST_WAIT, &here());
    assert!(queue.key_rejected().is_some());
    assert!(queue.remove(id));
    assert_eq!(queue.key_rejected(), None);
    // The next patient held is tried as usual.
    hold(&mut queue, 1, t0);
    assert_eq!(queue.due(t0 + FIRST_WAIT, &here()), Some(Step::Probe));
}

#[test]
fn a_rate_limit_wait_hero_asked_for_is_never_cut_short() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    let (id, _) = next_send(&mut queue, t0 + FIRST_WAIT).unwrap();
    let busy = ApiError::RateLimitWaitTooLong {
        wait: Duration::from_secs(900),
    };
    assert_eq!(
        queue.on_sent(id, Err(busy), t0 + FIRST_WAIT),
        Sent::StillDown
    );
    assert_eq!(
        queue.next_try_in(t0 + FIRST_WAIT),
        Some(Duration::from_secs(900))
    );
}

#[test]
fn removing_a_patient_is_refused_only_while_it_is_being_sent() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    let first = hold(&mut queue, 0, t0).unwrap();
    let second = hold(&mut queue, 1, t0).unwrap();
    let (sending, _) = next_send(&mut queue, t0 + FIRST_WAIT).unwrap();
    assert_eq!(sending, first);
    assert!(queue.is_sending(first));
    assert!(!queue.remove(first));
    assert!(queue.remove(second));
    assert!(!queue.remove(second), "already gone");
    assert_eq!(
        queue.on_sent(second, registered(), t0),
        Sent::Stale,
        "an answer for a patient not being sent changes nothing"
    );
    assert!(matches!(
        queue.on_sent(first, registered(), t0),
        Sent::Registered(..)
    ));
    assert!(queue.is_empty());
}

#[test]
fn try_now_brings_the_next_try_forward_and_clear_forgets_everyone() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    queue.try_now(t0);
    assert_eq!(queue.due(t0, &here()), Some(Step::Probe));
    queue.clear();
    assert!(queue.is_empty());
    assert_eq!(queue.due(t0 + LONGEST_WAIT, &here()), None);
    assert_eq!(queue.take_back_notice(), None, "nobody was registered");
}

#[test]
fn a_held_patients_debug_shows_only_the_masked_form() {
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, Instant::now());
    let number = nhs_numbers_from(999_000_000).next().unwrap();
    let debug = format!("{queue:?}");
    assert!(debug.contains("*** ***"), "{debug}");
    assert!(
        !debug.contains(&number[..3]) || !debug.contains(&number[4..7]),
        "{debug}"
    );
    assert!(!debug.contains("1992"), "{debug}");
}

// Found by cargo mutants.

#[test]
fn a_patient_is_given_up_after_two_hours_exactly() {
    assert_eq!(GIVE_UP_AFTER, Duration::from_secs(2 * 60 * 60));
}

#[test]
fn a_second_patient_held_does_not_put_off_the_try_already_due() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    assert!(!queue.is_empty());
    hold(&mut queue, 1, t0 + Duration::from_secs(4));
    assert_eq!(queue.next_try_in(t0), Some(FIRST_WAIT));
    assert_eq!(queue.due(t0 + FIRST_WAIT, &here()), Some(Step::Probe));
}

#[test]
fn a_try_that_could_not_start_waits_and_comes_round_again() {
    let t0 = Instant::now();
    let mut queue = HeldQueue::default();
    hold(&mut queue, 0, t0);
    let now = t0 + FIRST_WAIT;
    assert_eq!(queue.due(now, &here()), Some(Step::Probe));
    // No key to send with yet (the keychain still being read): not stuck probing.
    queue.could_not_start(now);
    assert_eq!(queue.next_try_in(now), Some(FIRST_WAIT));
    assert_eq!(queue.due(now + FIRST_WAIT, &here()), Some(Step::Probe));
}
