//! Reliability: rate limits, transient server errors and network faults, each made by a
//! real server on 127.0.0.1 (wiremock, or a raw TCP listener for faults wiremock can't
//! make). Short timeouts and a 10 ms backoff keep every test quick.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hero_core::api::retry::parse_retry_after;
use hero_core::api::{
    ApiError, Connection, ErrorClass, HeroClient, Progress, Registration, RetryPolicy, Timeouts,
    WaitReason,
};
use hero_core::config::{BaseUrl, BaseUrlError};
use hero_core::patient::{DateOfBirth, NhsNumber, PatientQuery, today};
use hero_core::secrets::ApiKey;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API_KEY: &str = "test-key-7f3a9c";
const PATH: &str = "/v1/patients/register_pds";
const BASE_DELAY: Duration = Duration::from_millis(10);

fn query() -> PatientQuery {
    PatientQuery::ByNhsNumber {
        nhs_number: NhsNumber::parse("9990000026").unwrap(),
        dob: DateOfBirth::parse("1992-02-01", today()).unwrap(),
    }
}

fn policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: BASE_DELAY,
        max_delay: Duration::from_millis(200),
        max_wait: Duration::from_secs(2),
    }
}

fn client_with(base: &str, request_timeout: Duration) -> HeroClient {
    HeroClient::with_options(
        Connection {
            base_url: BaseUrl::parse(base).unwrap(),
            api_key: ApiKey::parse(API_KEY).unwrap(),
            practice_group_id: "pg-test-42".to_owned(),
        },
        Timeouts {
            connect: Duration::from_millis(500),
            request: request_timeout,
        },
        policy(),
    )
    .unwrap()
}

fn client(base: &str) -> HeroClient {
    client_with(base, Duration::from_secs(3))
}

/// Registers once, collecting every progress report and the time taken.
async fn run(client: &HeroClient) -> (Result<Registration, ApiError>, Vec<Progress>, Duration) {
    let mut progress = Vec::new();
    let started = Instant::now();
    let result = client
        .register_pds_with_progress(&query(), |p| progress.push(p))
        .await;
    (result, progress, started.elapsed())
}

fn waits(progress: &[Progress]) -> Vec<(u32, Duration, WaitReason)> {
    progress
        .iter()
        .map(|p| match *p {
            Progress::Waiting {
                next_attempt,
                delay,
                reason,
            } => (next_attempt, delay, reason),
        })
        .collect()
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"patient_id": "98765"}))
}

fn assert_registered(result: Result<Registration, ApiError>) {
    match result {
        Ok(Registration::Registered { patient_id }) => assert_eq!(patient_id.as_str(), "98765"),
        other => panic!("expected Registered, got {other:?}"),
    }
}

/// `first` for the first `times` requests, then 200.
async fn server_failing(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(first)
        .up_to_n_times(times)
        .expect(times)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(ok())
        .with_priority(2)
        .mount(&server)
        .await;
    server
}

/// `response` to every request, expecting exactly `times` of them.
async fn server_always(response: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(response)
        .expect(times)
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// A raw TCP server on 127.0.0.1 that hands each connection to `handle` on its own
/// thread. Returns its base URL (`http://127.0.0.1:port`) and a count of connections.
fn raw_server(
    handle: impl Fn(TcpStream) + Send + Sync + 'static,
) -> (String, u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    let handle = Arc::new(handle);
    std::thread::Builder::new()
        .name("raw-server".into())
        .spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                counter.fetch_add(1, Ordering::SeqCst);
                let handle = Arc::clone(&handle);
                std::thread::Builder::new()
                    .name("raw-connection".into())
                    .spawn(move || handle(stream))
                    .unwrap();
            }
        })
        .unwrap();
    (format!("http://127.0.0.1:{port}"), port, connections)
}

/// Reads one HTTP request (headers and a Content-Length body) from the stream.
fn read_request(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .map(|v| v.trim().parse().unwrap())
                .unwrap_or(0);
            if data.len() >= end + 4 + length {
                return data;
            }
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return data,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
}

fn assert_says_attempts(error: &ApiError, attempts: u32) {
    let text = error.to_string();
    assert!(
        text.contains(&format!("after {attempts} attempts")),
        "{text:?} should say {attempts} attempts"
    );
}

// ------------------------------------------------------------------------ 429

#[tokio::test]
async fn rate_limited_with_retry_after_seconds_waits_then_succeeds() {
    let server = server_failing(
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let (result, progress, elapsed) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 2);
    assert!(
        elapsed >= Duration::from_millis(990),
        "waited only {elapsed:?}"
    );
    assert_eq!(
        waits(&progress),
        vec![(2, Duration::from_secs(1), WaitReason::RateLimited)]
    );
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_with_retry_after_http_date_is_honoured() {
    // HTTP-dates have whole seconds: start early in a second, so the wait the date
    // gives (0.2-1 s) can't be mistaken for the 10-20 ms backoff.
    while SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_millis()
        > 700
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let now = SystemTime::now();
    let until = now + Duration::from_secs(1);
    let date = httpdate::fmt_http_date(until);
    let until_whole_seconds = httpdate::parse_http_date(&date).unwrap();
    let expected = until_whole_seconds.duration_since(now).unwrap();

    let server = server_failing(
        ResponseTemplate::new(429).insert_header("retry-after", date),
        1,
    )
    .await;
    let (result, progress, elapsed) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 2);
    let waits = waits(&progress);
    assert_eq!(waits.len(), 1);
    let (next_attempt, delay, reason) = waits[0];
    assert_eq!((next_attempt, reason), (2, WaitReason::RateLimited));
    assert!(
        delay <= expected && delay + Duration::from_millis(150) >= expected,
        "delay {delay:?}, the date asked for {expected:?}"
    );
    assert!(delay >= Duration::from_millis(150), "delay {delay:?}");
    assert!(elapsed >= delay);
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_without_retry_after_uses_backoff() {
    let server = server_failing(ResponseTemplate::new(429), 1).await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 2);
    let waits = waits(&progress);
    assert_eq!(waits.len(), 1);
    let (next_attempt, delay, reason) = waits[0];
    assert_eq!((next_attempt, reason), (2, WaitReason::RateLimited));
    // First backoff: base delay plus up to 100% jitter.
    assert!(
        delay >= BASE_DELAY && delay < BASE_DELAY * 2,
        "delay {delay:?}"
    );
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_forever_gives_up_after_four_attempts() {
    let server = server_always(ResponseTemplate::new(429), 4).await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::RateLimited { attempts: 4 });
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert_says_attempts(&error, 4);
    assert_eq!(requests(&server).await, 4);

    // One report before each retry, numbered 2..=4, with the backoff doubling.
    let waits = waits(&progress);
    assert_eq!(waits.iter().map(|w| w.0).collect::<Vec<_>>(), vec![2, 3, 4]);
    for (i, (_, delay, reason)) in waits.iter().enumerate() {
        let floor = BASE_DELAY * 2u32.pow(i as u32);
        assert!(
            *delay >= floor && *delay < floor * 2,
            "retry {i}: delay {delay:?}"
        );
        assert_eq!(*reason, WaitReason::RateLimited);
    }
    server.verify().await;
}

#[tokio::test]
async fn rate_limited_with_long_retry_after_is_reported_not_waited() {
    let server = server_always(
        ResponseTemplate::new(429).insert_header("retry-after", "600"),
        1,
    )
    .await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::RateLimitWaitTooLong {
            wait: Duration::from_secs(600)
        }
    );
    assert!(error.to_string().contains("10 minutes"), "{error}");
    assert_eq!(error.status(), Some(429));
    assert!(progress.is_empty());
    assert_eq!(requests(&server).await, 1);
    server.verify().await;
}

// ------------------------------------------------------------------------ 5xx

#[tokio::test]
async fn service_unavailable_503_with_retry_after_is_retried_then_succeeds() {
    let server = server_failing(
        ResponseTemplate::new(503).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let (result, progress, elapsed) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 2);
    assert_eq!(
        waits(&progress),
        vec![(2, Duration::from_secs(1), WaitReason::Transient)]
    );
    assert!(elapsed >= Duration::from_millis(990));
    server.verify().await;
}

#[tokio::test]
async fn bad_gateway_502_is_retried_then_succeeds() {
    let server = server_failing(ResponseTemplate::new(502).set_body_string("<html>"), 2).await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 3);
    let waits = waits(&progress);
    assert_eq!(waits.iter().map(|w| w.0).collect::<Vec<_>>(), vec![2, 3]);
    assert!(waits.iter().all(|w| w.2 == WaitReason::Transient));
    server.verify().await;
}

#[tokio::test]
async fn gateway_timeout_504_is_retried_then_succeeds() {
    let server = server_failing(ResponseTemplate::new(504), 1).await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    assert_registered(result);
    assert_eq!(requests(&server).await, 2);
    let waits = waits(&progress);
    assert_eq!(waits.len(), 1);
    assert_eq!((waits[0].0, waits[0].2), (2, WaitReason::Transient));
    assert!(waits[0].1 >= BASE_DELAY && waits[0].1 < BASE_DELAY * 2);
    server.verify().await;
}

#[tokio::test]
async fn service_unavailable_forever_gives_up_after_four_attempts() {
    let server = server_always(ResponseTemplate::new(503), 4).await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::ServerError {
            status: 503,
            attempts: 4
        }
    );
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert_says_attempts(&error, 4);
    assert_eq!(progress.len(), 3);
    assert_eq!(requests(&server).await, 4);
    server.verify().await;
}

#[tokio::test]
async fn service_unavailable_with_long_retry_after_is_a_server_error_not_a_rate_limit() {
    let server = server_always(
        ResponseTemplate::new(503).insert_header("retry-after", "600"),
        1,
    )
    .await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    let error = result.unwrap_err();
    assert_eq!(
        error,
        ApiError::ServerError {
            status: 503,
            attempts: 1
        }
    );
    assert_eq!(error.status(), Some(503));
    assert!(!error.to_string().contains("rate limit"), "{error}");
    assert!(progress.is_empty());
    server.verify().await;
}

// ------------------------------------------------------------------------ network

#[tokio::test]
async fn connection_refused_is_unreachable_and_not_retried() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let (result, progress, _) = run(&client(&format!("http://127.0.0.1:{port}"))).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::Unreachable);
    assert_eq!(error.status(), None);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert!(progress.is_empty(), "retried: {progress:?}");
}

#[tokio::test]
async fn connection_closed_after_request_is_dropped_and_retried() {
    let (base, _, connections) = raw_server(|mut stream| {
        read_request(&mut stream);
        drop(stream);
    });
    let (result, progress, _) = run(&client(&base)).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::ConnectionDropped { attempts: 4 });
    assert_says_attempts(&error, 4);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    let waits = waits(&progress);
    assert_eq!(waits.iter().map(|w| w.0).collect::<Vec<_>>(), vec![2, 3, 4]);
    assert!(waits.iter().all(|w| w.2 == WaitReason::Transient));
}

#[tokio::test]
async fn connection_reset_without_reading_is_dropped_and_retried() {
    let (base, _, connections) = raw_server(|stream| {
        // Closing with the request unread makes the kernel send a reset.
        std::thread::sleep(Duration::from_millis(50));
        drop(stream);
    });
    let (result, progress, _) = run(&client(&base)).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::ConnectionDropped { attempts: 4 });
    assert_says_attempts(&error, 4);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    assert_eq!(progress.len(), 3);
}

#[tokio::test]
async fn headers_then_stall_is_a_timeout() {
    let (base, _, connections) = raw_server(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n",
        );
        let _ = stream.flush();
        std::thread::sleep(Duration::from_secs(3));
    });
    let (result, progress, elapsed) = run(&client_with(&base, Duration::from_millis(300))).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::Timeout { attempts: 4 });
    assert_says_attempts(&error, 4);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    assert_eq!(progress.len(), 3);
    // Four attempts, each cut off by the 300 ms timeout (a floor, never a speed bound).
    assert!(elapsed >= Duration::from_millis(1200), "took {elapsed:?}");
}

#[tokio::test]
async fn no_answer_at_all_is_a_timeout() {
    let (base, _, connections) = raw_server(|mut stream| {
        read_request(&mut stream);
        std::thread::sleep(Duration::from_secs(3));
    });
    let (result, _, _) = run(&client_with(&base, Duration::from_millis(300))).await;
    assert_eq!(result.unwrap_err(), ApiError::Timeout { attempts: 4 });
    assert_eq!(connections.load(Ordering::SeqCst), 4);
}

#[tokio::test]
async fn truncated_body_is_a_dropped_connection_and_says_attempts() {
    let (base, _, connections) = raw_server(|mut stream| {
        read_request(&mut stream);
        let _ = stream.write_all(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"patient_id\":",
        );
        let _ = stream.flush();
        drop(stream);
    });
    let (result, progress, _) = run(&client(&base)).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::ConnectionDropped { attempts: 4 });
    assert_says_attempts(&error, 4);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert_eq!(connections.load(Ordering::SeqCst), 4);
    assert_eq!(progress.len(), 3);
}

#[tokio::test]
async fn https_to_a_plain_http_server_is_tls_and_not_retried() {
    let (_, port, connections) = raw_server(|mut stream| {
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf);
        let _ = stream.write_all(
            b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        );
    });
    let (result, progress, _) = run(&client(&format!("https://127.0.0.1:{port}"))).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::Tls);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert!(progress.is_empty());
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn https_server_with_an_untrusted_certificate_is_refused_as_tls_and_not_retried() {
    // A real TLS 1.3 server with a self-signed certificate: the handshake reaches
    // certificate checking (the crypto provider works) and the client refuses it.
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let cert = certified.cert.der().clone();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .unwrap(),
    );
    let server_saw = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&server_saw);
    let (_, port, connections) = raw_server(move |mut stream| {
        let mut tls = rustls::ServerConnection::new(Arc::clone(&config)).unwrap();
        let outcome = loop {
            match tls.complete_io(&mut stream) {
                Ok(_) if tls.is_handshaking() => {}
                Ok(_) => break "handshake completed".to_owned(),
                Err(e) => break e.to_string(),
            }
        };
        seen.lock().unwrap().push(outcome);
    });
    let (result, progress, _) = run(&client(&format!("https://127.0.0.1:{port}"))).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::Tls);
    assert!(progress.is_empty());
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    let deadline = Instant::now() + Duration::from_secs(5);
    while server_saw.lock().unwrap().is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let saw = server_saw.lock().unwrap().clone();
    assert_eq!(saw.len(), 1, "{saw:?}");
    assert!(
        saw[0].contains("UnknownCA") || saw[0].contains("BadCertificate"),
        "the client should reject the certificate, the server saw: {}",
        saw[0]
    );
}

#[tokio::test]
async fn unknown_host_is_address_not_found() {
    let (result, progress, _) = run(&client("https://nonexistent.invalid")).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::AddressNotFound);
    assert_eq!(error.class(), ErrorClass::NoAnswer);
    assert!(progress.is_empty());
}

#[tokio::test]
async fn unknown_host_whose_name_contains_tls_words_is_still_address_not_found() {
    // The classification must not be swayed by words in the URL itself.
    let (result, _, _) = run(&client("https://tls-handshake-alert.invalid")).await;
    assert_eq!(result.unwrap_err(), ApiError::AddressNotFound);
}

#[tokio::test]
async fn redirect_to_another_host_is_not_followed() {
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ok())
        .expect(0)
        .mount(&elsewhere)
        .await;
    let target = format!("http://localhost:{}{PATH}", elsewhere.address().port());
    let server = server_always(
        ResponseTemplate::new(307).insert_header("location", target.as_str()),
        1,
    )
    .await;
    let (result, progress, _) = run(&client(&server.uri())).await;
    let error = result.unwrap_err();
    assert_eq!(error, ApiError::Redirected);
    assert!(progress.is_empty());
    assert_eq!(requests(&server).await, 1);
    assert_eq!(requests(&elsewhere).await, 0);
    server.verify().await;
    elsewhere.verify().await;
}

#[tokio::test]
async fn redirect_on_the_same_host_is_followed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(PATH))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "/v2/moved"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/moved"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let (result, _, _) = run(&client(&server.uri())).await;
    assert_registered(result);
    server.verify().await;
}

// ------------------------------------------------------------------------ units

#[test]
fn parse_retry_after_reads_both_forms() {
    let now = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
    assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
    assert_eq!(
        parse_retry_after(" 120 ", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after("0", now), Some(Duration::ZERO));
    let in_30s = httpdate::fmt_http_date(now + Duration::from_secs(30));
    assert_eq!(
        parse_retry_after(&in_30s, now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(
        parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now),
        Some(Duration::ZERO),
        "a date in the past means now"
    );
    let a_minute_ago = httpdate::fmt_http_date(now - Duration::from_secs(60));
    assert_eq!(parse_retry_after(&a_minute_ago, now), Some(Duration::ZERO));
    for garbage in ["", "soon", "-1", "1.5", "Tomorrow 10am"] {
        assert_eq!(parse_retry_after(garbage, now), None, "{garbage:?}");
    }
}

#[test]
fn base_url_accepts_https_and_http_to_this_computer_only() {
    for ok in [
        "https://api.staging.htech.app",
        "https://api.herohealth.net/",
        "http://127.0.0.1:8080",
        "http://localhost",
        "http://localhost:3000",
        "http://[::1]",
        "http://[::1]:8080",
    ] {
        assert!(BaseUrl::parse(ok).is_ok(), "{ok} refused");
    }
    assert_eq!(
        BaseUrl::parse("http://example.com").unwrap_err(),
        BaseUrlError::NotHttps
    );
    assert_eq!(
        BaseUrl::parse("http://api.herohealth.net").unwrap_err(),
        BaseUrlError::NotHttps
    );
    assert!(BaseUrl::parse("ftp://127.0.0.1").is_err());
    assert!(BaseUrl::parse("ftp://example.com").is_err());
    for garbage in [
        "",
        "   ",
        "not a url",
        "https://",
        "api.herohealth.net",
        "://x",
    ] {
        assert!(BaseUrl::parse(garbage).is_err(), "{garbage:?} accepted");
    }
    assert_eq!(
        BaseUrl::parse("https://api.herohealth.net")
            .unwrap()
            .join(PATH),
        "https://api.herohealth.net/v1/patients/register_pds"
    );
}
