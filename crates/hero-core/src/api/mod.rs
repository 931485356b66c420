//! The Hero API client: typed calls (`register_pds`, `patient_details`, and the next
//! steps in `next_steps.rs`: messages, booking links, their lists, the practice's
//! name), with one retry policy.

pub mod error;
mod next_steps;
pub mod outreach;
pub mod proxy;
pub mod retry;
mod transport;
pub mod types;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

pub use error::{
    Action, ApiError, ErrorClass, ProxyProblem, Scope, Surface, UnknownWhy, describe_check_failure,
};
pub use next_steps::not_acted_on;
pub use outreach::{BookingLink, Channel, Choice, NewBookingLink, NewMessage, SentMessage};
pub use retry::RetryPolicy;
pub use types::{PatientId, PracticeGroup, Registration, RequestField};

use crate::config::BaseUrl;
use crate::matched::MatchedPatient;
use crate::patient::{PatientQuery, Trace};
use crate::secrets::ApiKey;
use types::{BodyProblem, RegisterPdsRequest};

pub const USER_AGENT: &str = concat!("hero-intake/", env!("CARGO_PKG_VERSION"));

/// Answers bigger than this are not Hero's: refuse rather than fill memory.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// Everything needed to talk to one Hero environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    pub base_url: BaseUrl,
    pub api_key: ApiKey,
    pub practice_group_id: String,
}

#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    /// The whole request, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(5),
            request: Duration::from_secs(20),
        }
    }
}

/// What the client is doing, for a countdown on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// About to wait `delay` before attempt number `next_attempt`.
    Waiting {
        next_attempt: u32,
        delay: Duration,
        reason: WaitReason,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitReason {
    /// 429: Hero asked us to slow down.
    RateLimited,
    /// A dropped connection, a timeout or a 502/503/504.
    Transient,
}

/// Whether a failed attempt may be tried again, and after how long Hero asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    No,
    Transient(Option<Duration>),
    RateLimited(Option<Duration>),
}

/// One failed attempt: the error and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub error: ApiError,
    pub retry: Retry,
}

impl Failure {
    fn final_(error: ApiError) -> Self {
        Self {
            error,
            retry: Retry::No,
        }
    }
}

#[derive(Debug, Clone)]
pub struct HeroClient {
    http: reqwest::Client,
    connection: Connection,
    retry: RetryPolicy,
    /// The proxy requests go through (address only), to name it when it fails.
    proxy: Option<String>,
}

impl HeroClient {
    pub fn new(connection: Connection) -> Result<Self, ApiError> {
        Self::with_options(connection, Timeouts::default(), RetryPolicy::default())
    }

    pub fn with_options(
        connection: Connection,
        timeouts: Timeouts,
        retry: RetryPolicy,
    ) -> Result<Self, ApiError> {
        // reqwest is built without a crypto provider of its own; ring is ours. Installing
        // twice is harmless (the first stays).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .connect_timeout(timeouts.connect)
            .timeout(timeouts.request)
            .redirect(same_host_redirects())
            // Our resolver, so a name that can't be found is told apart by its type.
            .dns_resolver(Arc::new(transport::SystemResolver));
        let proxy = proxy::describe(connection.base_url.as_str());
        if proxy.is_none() {
            // Same decision as `proxy::describe`: this computer (the demo) is never proxied.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|_| ApiError::Internal)?;
        Ok(Self {
            http,
            connection,
            retry,
            proxy,
        })
    }

    pub fn connection(&self) -> &Connection {
        &self.connection
    }

    /// The proxy requests go through (address only), if any.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_deref()
    }

    /// How transient faults are retried: here, and by the batch for each row.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Registers one patient, retrying rate limits and transient faults.
    pub async fn register_pds(&self, query: &PatientQuery) -> Result<Registration, ApiError> {
        self.register_pds_with_progress(query, |_| {}).await
    }

    pub async fn register_pds_with_progress(
        &self,
        query: &PatientQuery,
        on_progress: impl FnMut(Progress),
    ) -> Result<Registration, ApiError> {
        let body = RegisterPdsRequest::from(query);
        tracing::info!(patient = %query.masked(), trace = ?query.trace(), "registering patient");
        self.with_retries("register_pds", || self.attempt(&body), on_progress)
            .await
    }

    /// Reads back the patient Hero holds under `patient_id` (`GET /v2/patients/{id}`),
    /// with the same retries. A 403 is [`ApiError::DetailsNotPermitted`] and a 404
    /// [`ApiError::PatientNotFound`]: neither says anything about a registration.
    pub async fn patient_details(
        &self,
        patient_id: &PatientId,
    ) -> Result<MatchedPatient, ApiError> {
        tracing::info!("reading a patient's details");
        self.with_retries(
            "patient_details",
            || self.details_attempt(patient_id),
            |_| {},
        )
        .await
    }

    /// Runs `attempt` until it succeeds, fails for good or the retry policy runs out.
    async fn with_retries<T, Fut>(
        &self,
        call: &'static str,
        mut attempt: impl FnMut() -> Fut,
        mut on_progress: impl FnMut(Progress),
    ) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, Failure>>,
    {
        let mut backoff = self.retry.backoff();
        let mut attempt_number = 1;
        loop {
            let started = Instant::now();
            let outcome = attempt().await;
            tracing::debug!(
                call,
                attempt = attempt_number,
                elapsed_ms = started.elapsed().as_millis() as u64,
                ok = outcome.is_ok(),
                "attempt finished"
            );
            let failure = match outcome {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let (asked, reason) = match failure.retry {
                Retry::No => return Err(failure.error),
                Retry::Transient(asked) => (asked, WaitReason::Transient),
                Retry::RateLimited(asked) => (asked, WaitReason::RateLimited),
            };
            let Some(backoff_delay) = backoff.next() else {
                return Err(with_attempts(failure.error, attempt_number));
            };
            let delay = asked.unwrap_or(backoff_delay);
            if delay > self.retry.max_wait {
                if reason == WaitReason::Transient {
                    return Err(with_attempts(failure.error, attempt_number));
                }
                tracing::warn!(
                    wait_s = delay.as_secs(),
                    "Hero asked for a long wait; not waiting"
                );
                return Err(ApiError::RateLimitWaitTooLong { wait: delay });
            }
            tracing::info!(
                call,
                attempt = attempt_number,
                delay_ms = delay.as_millis() as u64,
                ?reason,
                "retrying"
            );
            attempt_number += 1;
            on_progress(Progress::Waiting {
                next_attempt: attempt_number,
                delay,
                reason,
            });
            tokio::time::sleep(delay).await;
        }
    }

    /// Checks the address, key and practice group without registering anyone:
    /// `GET /v1/me` ("the authenticated practice group"). One attempt, no retries.
    pub async fn check_connection(&self) -> Result<PracticeGroup, ApiError> {
        let url = self.connection.base_url.join(types::ME_PATH);
        let response = self
            .http
            .get(url)
            .headers(self.headers().map_err(|f| f.error)?)
            .send()
            .await
            .map_err(|e| transport::classify(&e.without_url(), self.proxy.as_deref()).error)?;
        let status = response.status();
        tracing::debug!(
            status = status.as_u16(),
            "Hero answered the connection check"
        );
        let body = read_capped(response).await.map_err(|f| f.error)?;
        match status.as_u16() {
            200..=299 => Ok(types::parse_practice_group(&body)),
            404 => Err(ApiError::NotHeroApi),
            _ => Err(status_failure(status, None, &body, Trace::NhsNumber).error),
        }
    }

    /// One attempt, no retries: for callers with their own pace (batch intake).
    pub async fn register_pds_once(&self, query: &PatientQuery) -> Result<Registration, Failure> {
        self.attempt(&RegisterPdsRequest::from(query)).await
    }

    async fn attempt(&self, body: &RegisterPdsRequest) -> Result<Registration, Failure> {
        let url = self.connection.base_url.join(types::REGISTER_PDS_PATH);
        let response = self
            .http
            .post(url)
            .headers(self.headers()?)
            .json(body)
            .send()
            .await
            .map_err(|e| transport::classify(&e.without_url(), self.proxy.as_deref()))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        tracing::debug!(status = status.as_u16(), "Hero answered");
        let answer = read_capped(response).await?;
        interpret(status, retry_after, &answer, body.trace())
    }

    async fn details_attempt(&self, patient_id: &PatientId) -> Result<MatchedPatient, Failure> {
        let response = self
            .http
            .get(self.patient_url(patient_id))
            .headers(self.headers()?)
            .send()
            .await
            .map_err(|e| transport::classify(&e.without_url(), self.proxy.as_deref()))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        tracing::debug!(
            status = status.as_u16(),
            "Hero answered the patient details request"
        );
        let body = read_capped(response).await?;
        let error = match status.as_u16() {
            200..=299 => {
                return types::parse_patient_record(&body)
                    .map(MatchedPatient::from_record)
                    .map_err(|problem| Failure::final_(ApiError::BadResponse { problem }));
            }
            // Nothing was sent for Hero to find fault with: not the patient's details.
            400 => ApiError::UnexpectedStatus { status: 400 },
            403 => ApiError::DetailsNotPermitted,
            404 => ApiError::PatientNotFound,
            _ => return Err(status_failure(status, retry_after, &body, Trace::NhsNumber)),
        };
        Err(Failure::final_(error))
    }

    /// `{base}/v2/patients/{id}`, the ID percent-encoded as one path segment.
    fn patient_url(&self, patient_id: &PatientId) -> reqwest::Url {
        let mut url = reqwest::Url::parse(&self.connection.base_url.join(types::PATIENTS_PATH))
            .unwrap_or_else(|_| unreachable!("a BaseUrl joined with a fixed path is a URL"));
        url.path_segments_mut()
            .unwrap_or_else(|()| unreachable!("an https or http URL has path segments"))
            .push(patient_id.as_str());
        url
    }

    fn headers(&self) -> Result<HeaderMap, Failure> {
        let mut headers = HeaderMap::new();
        let mut key = HeaderValue::from_str(self.connection.api_key.expose())
            .map_err(|_| Failure::final_(ApiError::Unauthorized))?;
        key.set_sensitive(true);
        headers.insert(types::API_KEY_HEADER, key);
        let group = HeaderValue::from_str(&self.connection.practice_group_id)
            .map_err(|_| Failure::final_(ApiError::Forbidden))?;
        headers.insert(types::PRACTICE_GROUP_HEADER, group);
        Ok(headers)
    }
}

/// The error as it reads after `attempts` attempts.
pub(crate) fn with_attempts(error: ApiError, attempts: u32) -> ApiError {
    match error {
        ApiError::RateLimited { .. } => ApiError::RateLimited { attempts },
        ApiError::ServerError { status, .. } => ApiError::ServerError { status, attempts },
        ApiError::ConnectionDropped { .. } => ApiError::ConnectionDropped { attempts },
        ApiError::Timeout { .. } => ApiError::Timeout { attempts },
        // Part of an answer then silence: to the user, a dropped connection.
        ApiError::BadResponse {
            problem: BodyProblem::Truncated,
        } => ApiError::ConnectionDropped { attempts },
        other => other,
    }
}

/// Follow a redirect only on the same host and never from https down to http.
fn same_host_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let Some(previous) = attempt.previous().last() else {
            return attempt.stop();
        };
        let same_host = previous.host_str() == attempt.url().host_str()
            && previous.port_or_known_default() == attempt.url().port_or_known_default();
        let downgrade = previous.scheme() == "https" && attempt.url().scheme() != "https";
        if attempt.previous().len() > 3 || !same_host || downgrade {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    retry::parse_retry_after(value, SystemTime::now())
}

async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_BODY_BYTES {
                    return Err(Failure::final_(ApiError::BadResponse {
                        problem: BodyProblem::TooLarge,
                    }));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) if e.is_timeout() => {
                return Err(Failure {
                    error: ApiError::Timeout { attempts: 1 },
                    retry: Retry::Transient(None),
                });
            }
            Err(_) => {
                return Err(Failure {
                    error: ApiError::BadResponse {
                        problem: BodyProblem::Truncated,
                    },
                    retry: Retry::Transient(None),
                });
            }
        }
    }
}

fn interpret(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
    trace: Trace,
) -> Result<Registration, Failure> {
    if status.is_success() {
        return types::parse_success(body)
            .map_err(|problem| Failure::final_(ApiError::BadResponse { problem }));
    }
    Err(status_failure(status, retry_after, body, trace))
}

/// What a status other than 2xx means, and whether to try again.
fn status_failure(
    status: StatusCode,
    retry_after: Option<Duration>,
    body: &[u8],
    trace: Trace,
) -> Failure {
    let code = status.as_u16();
    let error = match code {
        300..=399 => ApiError::Redirected,
        400 => {
            let blamed = types::blamed_fields(body);
            let fields = if blamed.is_empty() {
                types::RequestField::sent_by(trace).to_vec()
            } else {
                blamed
            };
            ApiError::BadRequest { fields }
        }
        401 => ApiError::Unauthorized,
        403 => ApiError::Forbidden,
        404 => match trace {
            Trace::NhsNumber => ApiError::NotFound,
            Trace::Demographics => ApiError::NoSingleMatch,
        },
        429 => {
            return Failure {
                error: ApiError::RateLimited { attempts: 1 },
                retry: Retry::RateLimited(retry_after),
            };
        }
        502..=504 => {
            return Failure {
                error: ApiError::ServerError {
                    status: code,
                    attempts: 1,
                },
                retry: Retry::Transient(retry_after),
            };
        }
        500..=599 => ApiError::ServerError {
            status: code,
            attempts: 1,
        },
        _ => ApiError::UnexpectedStatus { status: code },
    };
    Failure::final_(error)
}
