//! The pure intake state machine: every transition, with no egui and no network.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use hero_core::api::{ApiError, PatientId, Progress, Registration, RequestField, WaitReason};
use hero_core::config::Environment;
use hero_core::patient::{DateOfBirth, NhsNumber, NhsNumberError, PatientQuery, Trace};
use hero_core::state::{Command, Intake, NoBrowser, Phase, is_safe_login_url};
use jiff::civil::{Date, date};

const ENV: Environment = Environment::Staging;
const NHS: &str = "999 000 0018";
const DOB: &str = "01/02/1992";

fn today() -> Date {
    date(2026, 11, 26)
}

fn filled(nhs: &str, dob: &str) -> Intake {
    let mut intake = Intake::default();
    intake.nhs_text = nhs.to_owned();
    intake.dob_text = dob.to_owned();
    intake
}

/// A valid form, submitted: returns the intake (now Sending) and the request id.
fn sending() -> (Intake, u64) {
    let mut intake = filled(NHS, DOB);
    let id = match intake.submit(ENV, today()) {
        Some(Command::Register { id, .. }) => id,
        other => panic!("expected Register, got {other:?}"),
    };
    assert_eq!(intake.phase(), &Phase::Sending { id });
    (intake, id)
}

fn registered(id: &str) -> Result<Registration, ApiError> {
    Ok(Registration::Registered {
        patient_id: PatientId::new(id),
    })
}

fn verification(url: &str) -> Result<Registration, ApiError> {
    Ok(Registration::VerificationRequired {
        message: "Patient must verify their identity before proceeding".to_owned(),
        login_url: url.to_owned(),
    })
}

fn waiting(next_attempt: u32, secs: u64) -> Progress {
    Progress::Waiting {
        next_attempt,
        delay: Duration::from_secs(secs),
        reason: WaitReason::RateLimited,
    }
}

// ------------------------------------------------------------------- submit

#[test]
fn a_new_intake_is_editing_and_empty() {
    let intake = Intake::default();
    assert_eq!(intake.phase(), &Phase::Editing { notice: None });
    assert!(intake.is_editable());
    assert!(!intake.is_busy());
    assert!(intake.nhs_text.is_empty() && intake.dob_text.is_empty());
    assert!(!intake.send_despite_check_digit);
}

#[test]
fn submitting_a_valid_form_sends_the_parsed_query() {
    let mut intake = filled("  999-000-0018 ", "1/2/1992");
    let command = intake.submit(ENV, today());
    let Some(Command::Register { id, query }) = command else {
        panic!("expected Register, got {command:?}");
    };
    assert_eq!(
        query.nhs_number(),
        Some(&NhsNumber::parse("9990000018").unwrap())
    );
    assert_eq!(query.nhs_number().unwrap().formatted(), "999 000 0018");
    assert_eq!(
        query.dob(),
        DateOfBirth::parse("1992-02-01", today()).unwrap()
    );
    assert_eq!(intake.phase(), &Phase::Sending { id });
    assert!(intake.is_busy());
    assert!(!intake.is_editable());
    // The form text is kept as typed.
    assert_eq!(intake.nhs_text, "  999-000-0018 ");
    assert_eq!(intake.dob_text, "1/2/1992");
}

#[test]
fn an_invalid_form_is_not_sent() {
    let table = [
        ("", DOB),
        (NHS, ""),
        ("999 000 001", DOB),
        ("999 000 0019", DOB),
        ("123 456 7891", DOB),
        (NHS, "31/02/1992"),
        (NHS, "01/02/92"),
        (NHS, "01/01/2027"),
        ("letters", "garbage"),
    ];
    for (nhs, dob) in table {
        let mut intake = filled(nhs, dob);
        let before = intake.clone();
        assert_eq!(intake.submit(ENV, today()), None, "{nhs:?} {dob:?}");
        assert_eq!(intake, before, "nothing changes for {nhs:?} {dob:?}");
        assert_eq!(intake.phase(), &Phase::Editing { notice: None });
    }
}

#[test]
fn check_reports_each_field() {
    let intake = filled("999 000 001", "31/02/1992");
    let check = intake.check(ENV, today());
    assert_eq!(check.nhs_number, Err(NhsNumberError::WrongLength(9)));
    assert!(check.dob.is_err());
    assert_eq!(check.query(), None);

    let intake = filled(NHS, DOB);
    let check = intake.check(ENV, today());
    let query = check.query().unwrap();
    assert_eq!(query.dob().iso(), "1992-02-01");
}

#[test]
fn a_second_submit_while_sending_does_not_register_twice() {
    let (mut intake, id) = sending();
    assert_eq!(intake.submit(ENV, today()), None);
    assert_eq!(intake.submit(ENV, today()), None);
    assert_eq!(intake.phase(), &Phase::Sending { id });
}

#[test]
fn no_submit_while_waiting_to_retry() {
    let (mut intake, id) = sending();
    intake.on_progress(id, waiting(2, 5), Instant::now());
    assert_eq!(intake.submit(ENV, today()), None);
    assert!(matches!(intake.phase(), Phase::WaitingToRetry { id: i, .. } if *i == id));
}

#[test]
fn no_submit_from_a_result_screen() {
    let (mut intake, id) = sending();
    assert_eq!(intake.on_finished(id, registered("pat_1")), None);
    assert_eq!(intake.submit(ENV, today()), None);
    assert!(matches!(intake.phase(), Phase::Registered { .. }));

    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, verification("https://login.example.com/v"));
    assert_eq!(intake.submit(ENV, today()), None);
    assert!(matches!(intake.phase(), Phase::VerificationRequired { .. }));
}

#[test]
fn each_submit_gets_a_new_request_id() {
    let (mut intake, first) = sending();
    let _ = intake.on_finished(first, Err(ApiError::Unreachable));
    let Some(Command::Register { id: second, .. }) = intake.submit(ENV, today()) else {
        panic!("submit from Failed should send");
    };
    assert_ne!(first, second);
    let _ = intake.cancel();
    let Some(Command::Register { id: third, .. }) = intake.submit(ENV, today()) else {
        panic!("submit after cancel should send");
    };
    assert!(third != first && third != second);
}

// ------------------------------------------------------------------- cancel

#[test]
fn cancel_while_sending_stops_and_keeps_the_form() {
    let (mut intake, id) = sending();
    assert_eq!(intake.cancel(), Some(Command::Cancel { id }));
    let Phase::Editing {
        notice: Some(notice),
    } = intake.phase()
    else {
        panic!("expected Editing with a notice, got {:?}", intake.phase());
    };
    assert!(notice.contains("Stopped"), "{notice}");
    assert!(notice.contains("may already have received"), "{notice}");
    assert_eq!(intake.nhs_text, NHS);
    assert_eq!(intake.dob_text, DOB);
    assert!(intake.is_editable());
    assert!(!intake.is_busy());
}

#[test]
fn cancel_while_waiting_to_retry_stops_and_keeps_the_form() {
    let (mut intake, id) = sending();
    intake.on_progress(id, waiting(2, 30), Instant::now());
    assert_eq!(intake.cancel(), Some(Command::Cancel { id }));
    let Phase::Editing {
        notice: Some(notice),
    } = intake.phase()
    else {
        panic!("expected Editing with a notice, got {:?}", intake.phase());
    };
    assert!(notice.contains("Nothing was registered"), "{notice}");
    assert_eq!(intake.nhs_text, NHS);
    assert_eq!(intake.dob_text, DOB);
    assert_eq!(intake.wait_remaining(Instant::now()), None);
}

#[test]
fn cancel_does_nothing_when_nothing_is_in_flight() {
    let mut intake = filled(NHS, DOB);
    assert_eq!(intake.cancel(), None);
    assert_eq!(intake.phase(), &Phase::Editing { notice: None });

    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_1"));
    let before = intake.clone();
    assert_eq!(intake.cancel(), None);
    assert_eq!(intake, before);

    let (mut intake, _) = sending();
    assert!(intake.cancel().is_some());
    assert_eq!(intake.cancel(), None, "a second cancel sends nothing");
}

#[test]
fn after_cancel_the_form_can_be_sent_again() {
    let (mut intake, first) = sending();
    let _ = intake.cancel();
    let Some(Command::Register { id, query }) = intake.submit(ENV, today()) else {
        panic!("resubmit after cancel should send");
    };
    assert_ne!(id, first);
    assert_eq!(query.nhs_number().unwrap().formatted(), "999 000 0018");
}

// ------------------------------------------------------------ stale results

#[test]
fn a_result_for_another_request_is_ignored() {
    let (mut intake, id) = sending();
    let before = intake.clone();
    assert_eq!(intake.on_finished(id + 1, registered("pat_x")), None);
    assert_eq!(
        intake.on_finished(id.wrapping_sub(1), Err(ApiError::NotFound)),
        None
    );
    assert_eq!(
        intake.on_finished(id + 7, verification("https://login.example.com/v")),
        None
    );
    assert_eq!(intake, before);
    intake.on_progress(id + 1, waiting(2, 5), Instant::now());
    assert_eq!(intake, before);
}

#[test]
fn a_result_after_cancel_is_ignored() {
    let (mut intake, id) = sending();
    let _ = intake.cancel();
    let cancelled = intake.clone();
    assert_eq!(intake.on_finished(id, registered("pat_late")), None);
    assert_eq!(intake, cancelled);
    assert_eq!(
        intake.on_finished(id, verification("https://login.example.com/v")),
        None,
        "a stale verification must not open the browser"
    );
    assert_eq!(intake, cancelled);
    intake.on_progress(id, waiting(2, 5), Instant::now());
    assert_eq!(intake, cancelled);
}

#[test]
fn the_cancelled_requests_result_does_not_land_on_the_resubmitted_one() {
    let (mut intake, old) = sending();
    let _ = intake.cancel();
    let Some(Command::Register { id: new, .. }) = intake.submit(ENV, today()) else {
        panic!();
    };
    assert_eq!(intake.on_finished(old, registered("pat_old")), None);
    assert_eq!(intake.phase(), &Phase::Sending { id: new });
    assert_eq!(intake.on_finished(new, registered("pat_new")), None);
    let Phase::Registered { patient_id, .. } = intake.phase() else {
        panic!("{:?}", intake.phase());
    };
    assert_eq!(patient_id.as_str(), "pat_new");
}

#[test]
fn a_second_result_for_a_finished_request_is_ignored() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_1"));
    let done = intake.clone();
    assert_eq!(intake.on_finished(id, Err(ApiError::Internal)), None);
    assert_eq!(intake, done);
}

#[test]
fn results_from_before_next_patient_are_ignored() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, Err(ApiError::Unreachable));
    assert!(intake.next_patient());
    let fresh = intake.clone();
    assert_eq!(intake.on_finished(id, registered("pat_1")), None);
    assert_eq!(intake, fresh);
}

// ----------------------------------------------------------------- outcomes

#[test]
fn registered_shows_the_patient_id_uncopied() {
    let (mut intake, id) = sending();
    assert_eq!(intake.on_finished(id, registered("pat_123")), None);
    assert_eq!(
        intake.phase(),
        &Phase::Registered {
            patient_id: PatientId::new("pat_123"),
            copied: false
        }
    );
    assert!(!intake.is_busy());
    assert!(!intake.is_editable());
    assert!(intake.fields_to_correct().is_empty());
}

#[test]
fn registered_after_retries_also_lands() {
    let (mut intake, id) = sending();
    let now = Instant::now();
    intake.on_progress(id, waiting(2, 1), now);
    intake.on_progress(id, waiting(3, 2), now);
    assert_eq!(intake.on_finished(id, registered("pat_9")), None);
    assert!(matches!(intake.phase(), Phase::Registered { .. }));
}

#[test]
fn copy_patient_id_copies_it_and_marks_it_copied() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_123"));
    assert_eq!(
        intake.copy_patient_id(),
        Some(Command::CopyText("pat_123".to_owned()))
    );
    assert_eq!(
        intake.phase(),
        &Phase::Registered {
            patient_id: PatientId::new("pat_123"),
            copied: true
        }
    );
    // Copying again still works.
    assert_eq!(
        intake.copy_patient_id(),
        Some(Command::CopyText("pat_123".to_owned()))
    );
}

#[test]
fn copy_patient_id_does_nothing_without_a_result() {
    let mut intake = filled(NHS, DOB);
    assert_eq!(intake.copy_patient_id(), None);
    let (mut intake, id) = sending();
    assert_eq!(intake.copy_patient_id(), None);
    let _ = intake.on_finished(id, Err(ApiError::NotFound));
    assert_eq!(intake.copy_patient_id(), None);
}

#[test]
fn verification_with_https_link_opens_it() {
    let url = "https://login.example.com/verify?session=abc";
    let (mut intake, id) = sending();
    assert_eq!(
        intake.on_finished(id, verification(url)),
        Some(Command::OpenUrl(url.to_owned()))
    );
    let Phase::VerificationRequired {
        message,
        login_url,
        safe_to_open,
        opened,
    } = intake.phase()
    else {
        panic!("{:?}", intake.phase());
    };
    assert_eq!(login_url, url);
    assert!(safe_to_open);
    assert_eq!(opened, &None);
    assert!(message.contains("verify"));
    assert_eq!(intake.open_again(), Some(Command::OpenUrl(url.to_owned())));
    // The link can be copied instead.
    assert_eq!(
        intake.copy_patient_id(),
        Some(Command::CopyText(url.to_owned()))
    );
    assert!(!intake.is_busy());
}

#[test]
fn verification_with_an_unsafe_link_never_opens_it() {
    let unsafe_urls = [
        "http://login.example.com/verify",
        "HTTP://login.example.com/verify",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://login.example.com/",
        "login.example.com/verify",
        "https://",
        "data:text/html,hi",
        "",
    ];
    for url in unsafe_urls {
        let (mut intake, id) = sending();
        assert_eq!(intake.on_finished(id, verification(url)), None, "{url:?}");
        let Phase::VerificationRequired {
            login_url,
            safe_to_open,
            ..
        } = intake.phase()
        else {
            panic!("{:?}", intake.phase());
        };
        assert_eq!(login_url, url);
        assert!(!safe_to_open, "{url:?}");
        assert_eq!(intake.open_again(), None, "{url:?}");
        assert!(!is_safe_login_url(url, false), "{url:?}");
    }
}

#[test]
fn only_the_demo_may_open_a_loopback_http_link() {
    let demo_page = "http://127.0.0.1:41234/verify/DEMO-1";
    assert!(is_safe_login_url(demo_page, true));
    assert!(!is_safe_login_url(demo_page, false));
    assert!(!is_safe_login_url("http://login.example.com/v", true));
    assert!(!is_safe_login_url("http://localhost.example.com/v", true));
    // The demo server on IPv6's loopback counts too; another IPv6 host does not.
    assert!(is_safe_login_url("http://[::1]:41234/verify/DEMO-1", true));
    assert!(!is_safe_login_url("http://[2001:db8::1]/verify", true));
}

#[test]
fn safe_login_url_table() {
    for url in [
        "https://login.example.com/",
        "HTTPS://login.example.com/verify",
        "https://login.example.com:8443/v?x=1#y",
    ] {
        assert!(is_safe_login_url(url, false), "{url:?}");
    }
}

#[test]
fn record_opened_is_kept_for_verification_only() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, verification("https://login.example.com/v"));
    intake.record_opened(Err(NoBrowser));
    let Phase::VerificationRequired { opened, .. } = intake.phase() else {
        panic!();
    };
    assert_eq!(opened, &Some(Err(NoBrowser)));
    intake.record_opened(Ok(()));
    let Phase::VerificationRequired { opened, .. } = intake.phase() else {
        panic!();
    };
    assert_eq!(opened, &Some(Ok(())));

    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_1"));
    let before = intake.clone();
    intake.record_opened(Ok(()));
    assert_eq!(intake, before);
}

#[test]
fn failure_keeps_the_form_and_allows_a_retry() {
    let (mut intake, id) = sending();
    assert_eq!(
        intake.on_finished(
            id,
            Err(ApiError::ServerError {
                status: 503,
                attempts: 3
            })
        ),
        None
    );
    assert_eq!(
        intake.phase(),
        &Phase::Failed {
            error: ApiError::ServerError {
                status: 503,
                attempts: 3
            }
        }
    );
    assert!(intake.is_editable());
    assert!(!intake.is_busy());
    assert_eq!(intake.nhs_text, NHS);
    assert_eq!(intake.dob_text, DOB);
    assert!(matches!(
        intake.submit(ENV, today()),
        Some(Command::Register { .. })
    ));
}

#[test]
fn failure_with_an_invalid_form_is_not_resent() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, Err(ApiError::NotFound));
    intake.nhs_text = "999 000 001".to_owned();
    assert_eq!(intake.submit(ENV, today()), None);
    assert!(matches!(intake.phase(), Phase::Failed { .. }));
}

#[test]
fn fields_to_correct_follow_the_error() {
    let table = [
        (
            ApiError::BadRequest {
                fields: vec![RequestField::DateOfBirth],
            },
            vec![RequestField::DateOfBirth],
        ),
        (
            ApiError::BadRequest { fields: vec![] },
            vec![RequestField::NhsNumber, RequestField::DateOfBirth],
        ),
        (
            ApiError::NotFound,
            vec![RequestField::NhsNumber, RequestField::DateOfBirth],
        ),
        (ApiError::Unauthorized, vec![]),
        (ApiError::Timeout { attempts: 2 }, vec![]),
    ];
    for (error, fields) in table {
        let (mut intake, id) = sending();
        assert!(intake.fields_to_correct().is_empty());
        let _ = intake.on_finished(id, Err(error.clone()));
        assert_eq!(intake.fields_to_correct(), fields, "{error:?}");
    }
}

// -------------------------------------------------------------- retry waits

#[test]
fn progress_moves_to_waiting_with_a_countdown() {
    let (mut intake, id) = sending();
    let now = Instant::now();
    assert_eq!(intake.wait_remaining(now), None);
    intake.on_progress(
        id,
        Progress::Waiting {
            next_attempt: 2,
            delay: Duration::from_secs(10),
            reason: WaitReason::Transient,
        },
        now,
    );
    let Phase::WaitingToRetry {
        id: waiting_id,
        until,
        next_attempt,
        reason,
    } = intake.phase()
    else {
        panic!("{:?}", intake.phase());
    };
    assert_eq!(*waiting_id, id);
    assert_eq!(*until, now + Duration::from_secs(10));
    assert_eq!(*next_attempt, 2);
    assert_eq!(*reason, WaitReason::Transient);
    assert!(intake.is_busy());
    assert!(!intake.is_editable());
    assert_eq!(intake.wait_remaining(now), Some(Duration::from_secs(10)));
    assert_eq!(
        intake.wait_remaining(now + Duration::from_secs(4)),
        Some(Duration::from_secs(6))
    );
    assert_eq!(
        intake.wait_remaining(now + Duration::from_secs(60)),
        Some(Duration::ZERO),
        "the countdown stops at zero"
    );
}

#[test]
fn a_later_wait_replaces_the_earlier_one() {
    let (mut intake, id) = sending();
    let now = Instant::now();
    intake.on_progress(id, waiting(2, 10), now);
    let later = now + Duration::from_secs(10);
    intake.on_progress(id, waiting(3, 20), later);
    assert!(matches!(
        intake.phase(),
        Phase::WaitingToRetry {
            next_attempt: 3,
            reason: WaitReason::RateLimited,
            ..
        }
    ));
    assert_eq!(intake.wait_remaining(later), Some(Duration::from_secs(20)));
}

#[test]
fn progress_outside_a_request_is_ignored() {
    let mut intake = filled(NHS, DOB);
    let before = intake.clone();
    intake.on_progress(1, waiting(2, 10), Instant::now());
    assert_eq!(intake, before);
    assert_eq!(intake.wait_remaining(Instant::now()), None);
}

// ------------------------------------------------------------- next patient

#[test]
fn next_patient_clears_the_form() {
    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_123"));
    let _ = intake.copy_patient_id();
    assert!(intake.next_patient());
    assert_eq!(intake.phase(), &Phase::Editing { notice: None });
    assert!(intake.nhs_text.is_empty());
    assert!(intake.dob_text.is_empty());
    assert!(!intake.send_despite_check_digit);
    assert_eq!(intake.copy_patient_id(), None);
}

#[test]
fn next_patient_from_each_resting_phase() {
    // Editing (with a cancel notice), Failed, VerificationRequired.
    let (mut a, _) = sending();
    let _ = a.cancel();
    let (mut b, id) = sending();
    let _ = b.on_finished(id, Err(ApiError::Forbidden));
    let (mut c, id) = sending();
    let _ = c.on_finished(id, verification("http://insecure.example.com"));
    for intake in [&mut a, &mut b, &mut c] {
        assert!(intake.next_patient());
        assert_eq!(intake.phase(), &Phase::Editing { notice: None });
        assert!(intake.nhs_text.is_empty() && intake.dob_text.is_empty());
    }
}

#[test]
fn next_patient_is_refused_while_busy() {
    let (mut intake, id) = sending();
    let before = intake.clone();
    assert!(!intake.next_patient());
    assert_eq!(intake, before);
    assert_eq!(intake.nhs_text, NHS);

    intake.on_progress(id, waiting(2, 5), Instant::now());
    let before = intake.clone();
    assert!(!intake.next_patient());
    assert_eq!(intake, before);
}

#[test]
fn request_ids_are_not_reused_after_next_patient() {
    let (mut intake, first) = sending();
    let _ = intake.on_finished(first, registered("pat_1"));
    assert!(intake.next_patient());
    intake.nhs_text = "999 000 0026".to_owned();
    intake.dob_text = "02/03/1980".to_owned();
    let Some(Command::Register { id: second, query }) = intake.submit(ENV, today()) else {
        panic!();
    };
    assert_ne!(
        first, second,
        "an old result must never match the new patient"
    );
    assert_eq!(query.nhs_number().unwrap().formatted(), "999 000 0026");
    assert_eq!(intake.on_finished(first, registered("pat_1")), None);
    assert_eq!(intake.phase(), &Phase::Sending { id: second });
}

// ------------------------------------------------------ check-digit override

#[test]
fn check_digit_override_works_on_staging_and_demo() {
    for env in [Environment::Staging, Environment::Demo] {
        assert!(env.allows_check_digit_override(), "{env}");
        let mut intake = filled("400 000 0080", DOB);
        assert_eq!(
            intake.submit(env, today()),
            None,
            "needs confirmation on {env}"
        );
        assert!(
            intake
                .check(env, today())
                .nhs_number
                .unwrap_err()
                .is_check_digit_failure()
        );
        intake.send_despite_check_digit = true;
        let Some(Command::Register { query, .. }) = intake.submit(env, today()) else {
            panic!("override should send on {env}");
        };
        assert!(!query.nhs_number().unwrap().check_digit_ok());
        assert_eq!(query.nhs_number().unwrap().formatted(), "400 000 0080");
    }
}

#[test]
fn check_digit_override_is_never_allowed_on_production() {
    let env = Environment::Production;
    assert!(!env.allows_check_digit_override());
    for nhs in ["123 456 7891", "999 000 0019"] {
        let mut intake = filled(nhs, DOB);
        intake.send_despite_check_digit = true;
        let check = intake.check(env, today());
        assert!(check.nhs_number.unwrap_err().is_check_digit_failure());
        assert_eq!(intake.submit(env, today()), None, "{nhs}");
        assert_eq!(intake.phase(), &Phase::Editing { notice: None });
    }
}

#[test]
fn check_digit_override_does_not_excuse_other_errors() {
    for env in [Environment::Staging, Environment::Demo] {
        for nhs in ["123 456 789", "123 456 789X", ""] {
            let mut intake = filled(nhs, DOB);
            intake.send_despite_check_digit = true;
            assert_eq!(intake.submit(env, today()), None, "{nhs:?} on {env}");
        }
    }
}

#[test]
fn override_does_not_change_a_valid_number() {
    // An England-range number: a test number is never sent to Production.
    let mut intake = filled("400 000 0004", DOB);
    intake.send_despite_check_digit = true;
    let Some(Command::Register { query, .. }) = intake.submit(Environment::Production, today())
    else {
        panic!();
    };
    assert!(query.nhs_number().unwrap().check_digit_ok());
}

// ------------------------------------------------------------------ privacy

#[test]
fn debug_of_state_hides_patient_data() {
    // What the receptionist typed is patient data: a stray `{:?}` must not print it.
    let mut intake = filled(NHS, DOB);
    for shown in [format!("{intake:?}"), format!("{intake:#?}")] {
        assert!(!shown.contains(NHS), "{shown}");
        assert!(!shown.contains(DOB), "{shown}");
    }
    let command = intake.submit(ENV, today()).unwrap();
    for shown in [format!("{command:?}"), format!("{intake:?}")] {
        assert!(!shown.contains("9990000018"), "{shown}");
        assert!(!shown.contains(NHS), "{shown}");
        assert!(!shown.contains("1992"), "{shown}");
    }

    let (mut intake, id) = sending();
    let _ = intake.on_finished(id, registered("pat_secret_42"));
    let copy = intake.copy_patient_id().unwrap();
    for shown in [
        format!("{:?}", intake.phase()),
        format!("{intake:?}"),
        format!("{copy:?}"),
    ] {
        assert!(!shown.contains("pat_secret_42"), "{shown}");
    }
    let reg = registered("pat_secret_42").unwrap();
    assert!(!format!("{reg:?}").contains("pat_secret_42"));
}

// ------------------------------------------------------ numbers that reach no one

#[test]
fn a_test_number_is_stopped_on_production_only() {
    let mut intake = filled(NHS, DOB);
    assert_eq!(
        intake.check(Environment::Production, today()).nhs_number,
        Err(NhsNumberError::TestNumberOnLiveService)
    );
    assert_eq!(intake.submit(Environment::Production, today()), None);
    assert_eq!(intake.phase(), &Phase::Editing { notice: None });
    for env in [Environment::Staging, Environment::Custom, Environment::Demo] {
        let mut intake = filled(NHS, DOB);
        assert!(
            matches!(intake.submit(env, today()), Some(Command::Register { .. })),
            "{env}"
        );
    }
}

#[test]
fn numbers_outside_the_nhs_ranges_are_stopped_everywhere() {
    for env in Environment::ALL {
        for nhs in [
            "010 000 0002",
            "320 000 0007",
            "500 000 0005",
            "800 000 0008",
        ] {
            let mut intake = filled(nhs, DOB);
            assert!(
                matches!(
                    intake.check(env, today()).nhs_number,
                    Err(NhsNumberError::NotAnNhsNumber(_))
                ),
                "{nhs} on {env}"
            );
            assert_eq!(intake.submit(env, today()), None, "{nhs} on {env}");
        }
    }
}

// ------------------------------------------------ the trace by name and postcode

fn by_name(forename: &str, surname: &str, dob: &str, postcode: &str) -> Intake {
    let mut intake = Intake::default();
    intake.forename_text = forename.to_owned();
    intake.surname_text = surname.to_owned();
    intake.dob_text = dob.to_owned();
    intake.postcode_text = postcode.to_owned();
    intake
}

#[test]
fn an_empty_nhs_number_with_names_sends_the_demographics_trace() {
    let mut intake = by_name(" Sam ", "Demo  Person", DOB, "ls14ap");
    assert_eq!(intake.trace(), Trace::Demographics);
    let Some(Command::Register { query, .. }) = intake.submit(Environment::Staging, today()) else {
        panic!("a complete demographics form is sent");
    };
    let PatientQuery::ByDemographics(d) = &query else {
        panic!("expected the demographics trace, got {query:?}");
    };
    assert_eq!(d.forename.as_str(), "Sam");
    assert_eq!(d.surname.as_str(), "Demo Person");
    assert_eq!(d.postcode.as_str(), "LS1 4AP");
    assert_eq!(d.dob.iso(), "1992-02-01");
    assert_eq!(intake.last_sent(), Some(&query));
}

#[test]
fn an_nhs_number_always_wins_and_the_names_are_not_sent() {
    let mut intake = by_name("Sam", "Demoperson", DOB, "LS1 4AP");
    intake.nhs_text = NHS.to_owned();
    assert_eq!(intake.trace(), Trace::NhsNumber);
    let Some(Command::Register { query, .. }) = intake.submit(Environment::Staging, today()) else {
        panic!("sent by NHS number");
    };
    assert!(
        matches!(query, PatientQuery::ByNhsNumber { .. }),
        "{query:?}"
    );
    // Even an invalid NHS number keeps the NHS trace: nothing is sent by name instead.
    let mut intake = by_name("Sam", "Demoperson", DOB, "LS1 4AP");
    intake.nhs_text = "999 000 001".to_owned();
    assert_eq!(intake.trace(), Trace::NhsNumber);
    assert_eq!(intake.submit(Environment::Staging, today()), None);
}

#[test]
fn an_empty_form_is_the_nhs_number_trace_and_invisible_text_is_empty() {
    assert_eq!(Intake::default().trace(), Trace::NhsNumber);
    let mut intake = by_name("Sam", "", "", "");
    intake.nhs_text = "\u{200B} \u{00A0}".to_owned();
    assert_eq!(intake.trace(), Trace::Demographics);
}

#[test]
fn an_incomplete_demographics_form_is_not_sent_and_says_why_per_field() {
    let table: [(Intake, &str); 5] = [
        (by_name("Sam", "", DOB, "LS1 4AP"), "surname"),
        (by_name("", "Demoperson", DOB, "LS1 4AP"), "forename"),
        (by_name("Sam", "Demoperson", DOB, ""), "postcode"),
        (by_name("Sam", "Demoperson", DOB, "LS1 4A"), "postcode"),
        (by_name("Sam3", "Demoperson", DOB, "LS1 4AP"), "forename"),
    ];
    for (mut intake, field) in table {
        let check = intake.check(Environment::Staging, today());
        assert_eq!(check.trace, Trace::Demographics);
        let problem = match field {
            "forename" => check.forename.is_err(),
            "surname" => check.surname.is_err(),
            _ => check.postcode.is_err(),
        };
        assert!(problem, "{field}: {check:?}");
        assert_eq!(
            intake.submit(Environment::Staging, today()),
            None,
            "{field}"
        );
    }
    // The date of birth is shared: a bad one stops this trace too.
    let mut intake = by_name("Sam", "Demoperson", "31/02/1992", "LS1 4AP");
    assert_eq!(intake.submit(Environment::Staging, today()), None);
}

#[test]
fn next_patient_clears_every_field() {
    let mut intake = by_name("Sam", "Demoperson", DOB, "LS1 4AP");
    intake.nhs_text = NHS.to_owned();
    assert!(intake.next_patient());
    for text in [
        &intake.nhs_text,
        &intake.dob_text,
        &intake.forename_text,
        &intake.surname_text,
        &intake.postcode_text,
    ] {
        assert!(text.is_empty());
    }
}

#[test]
fn debug_of_a_demographics_form_hides_names_and_postcode() {
    let mut intake = by_name("Zebedee", "Testperson", DOB, "LS1 4AP");
    let _ = intake.submit(Environment::Staging, today());
    let shown = format!(
        "{intake:?} {:?}",
        intake.check(Environment::Staging, today())
    );
    for secret in ["Zebedee", "Testperson", "LS1 4AP", "4AP", "1992"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn a_request_that_could_not_be_sent_returns_to_the_form_saying_why() {
    let (mut intake, id) = sending();
    intake.not_sent(id, "Reading the API key from the keychain…");
    assert_eq!(
        intake.phase(),
        &Phase::Editing {
            notice: Some("Not sent: Reading the API key from the keychain…".to_owned())
        }
    );
    assert_eq!(intake.nhs_text, NHS, "the form is kept as typed");
    assert!(
        intake.submit(ENV, today()).is_some(),
        "and can be sent again"
    );
}

#[test]
fn not_sent_for_an_earlier_request_changes_nothing() {
    let (mut intake, id) = sending();
    intake.not_sent(id + 1, "anything");
    assert_eq!(intake.phase(), &Phase::Sending { id });
}

#[test]
fn a_loopback_link_opens_only_for_a_request_sent_to_the_demo() {
    let link = "http://127.0.0.1:41234/verify/DEMO-1";
    for (environment, opens) in [(Environment::Demo, true), (Environment::Staging, false)] {
        let mut intake = filled(NHS, DOB);
        let Some(Command::Register { id, .. }) = intake.submit(environment, today()) else {
            panic!("not sent on {environment:?}");
        };
        let command = intake.on_finished(id, verification(link));
        assert_eq!(
            command,
            opens.then(|| Command::OpenUrl(link.to_owned())),
            "{environment:?}"
        );
    }
}

#[test]
fn debug_output_says_what_is_going_on_without_the_patient() {
    let (intake, id) = sending();
    let shown = format!("{intake:?}");
    assert!(shown.contains("nhs_text_chars: 12"), "{shown}");
    assert!(
        shown.contains(&format!("Sending {{ id: {id} }}")),
        "{shown}"
    );
    assert!(
        !shown.contains("999 000") && !shown.contains("1992"),
        "{shown}"
    );
    let command = format!("{:?}", Command::CopyText("DEMO-615535".to_owned()));
    assert_eq!(command, "CopyText(***)");
    assert_eq!(
        format!("{:?}", Command::Cancel { id: 7 }),
        "Cancel { id: 7 }"
    );
}
