//! The calls after a registration: sending a message, making a booking link, the lists
//! a link is made from, and the practice's name. A message or link is never created
//! twice by a retry: see [`not_acted_on`].

use reqwest::StatusCode;

use super::error::{Action, Scope, UnknownWhy};
use super::outreach::{
    self, BookingLink, BookingLinkBody, Choice, NewBookingLink, NewMessage, SendMessageBody,
    SentMessage,
};
use super::types::{self, BodyProblem};
use super::{ApiError, Failure, HeroClient, Retry, read_capped, retry_after, status_failure};
use crate::patient::Trace;

/// The one inference the no-second-send rule rests on (Hero documents no idempotency
/// key and says nothing about when a refused request was acted on): a 429, or a 503
/// with `Retry-After`, is a refusal made before any work, so the same request may be
/// sent again. A request that failed any other way after it went out — a timeout, a
/// dropped connection, another 5xx — may have been acted on and is never repeated.
/// (A connection that was never made is a final error already: nothing to repeat.)
pub fn not_acted_on(failure: &Failure) -> bool {
    matches!(
        (&failure.error, failure.retry),
        (_, Retry::RateLimited(_))
            | (
                ApiError::ServerError { status: 503, .. },
                Retry::Transient(Some(_))
            )
    )
}

/// What a failed create becomes: retried when [`not_acted_on`], else final, and a
/// failure after the request went out is "may or may not have been sent".
fn settle(action: Action, failure: Failure) -> Failure {
    if not_acted_on(&failure) {
        return failure;
    }
    let why = match &failure.error {
        ApiError::Timeout { .. } => Some(UnknownWhy::Timeout),
        ApiError::ConnectionDropped { .. }
        | ApiError::BadResponse {
            problem: BodyProblem::Truncated,
        } => Some(UnknownWhy::ConnectionDropped),
        ApiError::ServerError { status, .. } => Some(UnknownWhy::ServerError { status: *status }),
        _ => None,
    };
    let error = match why {
        Some(why) => ApiError::OutcomeUnknown { action, why },
        None => failure.error,
    };
    Failure::final_(error)
}

/// A create's error once the retries are done: a refusal that outlasted them is "busy,
/// nothing done", never worded as a registration.
fn after_retries(action: Action, error: ApiError) -> ApiError {
    match error {
        ApiError::RateLimited { .. }
        | ApiError::RateLimitWaitTooLong { .. }
        | ApiError::ServerError { .. } => ApiError::Busy { action },
        other => other,
    }
}

/// The status of a create's answer, other than 2xx, as an error.
fn create_status_failure(
    action: Action,
    status: StatusCode,
    retry_after: Option<std::time::Duration>,
    body: &[u8],
) -> Failure {
    let error = match (status.as_u16(), action) {
        (400, _) => ApiError::NotAccepted {
            action,
            fields: outreach::blamed_sent_fields(body),
        },
        (403, Action::Message) => ApiError::ScopeMissing {
            scope: Scope::Messaging,
        },
        (403, Action::BookingLink) => ApiError::ScopeMissing {
            scope: Scope::BookingLinks,
        },
        (404, Action::Message) => ApiError::PatientNotFound,
        (404, Action::BookingLink) => ApiError::LinkTargetNotFound,
        _ => return status_failure(status, retry_after, body, Trace::NhsNumber),
    };
    Failure::final_(error)
}

impl HeroClient {
    /// Sends one message (`POST /v1/messages/send`). Retried only while Hero refuses it
    /// unread ([`not_acted_on`]); once it may have reached Hero, the answer is
    /// [`ApiError::OutcomeUnknown`], never a second send.
    pub async fn send_message(&self, message: &NewMessage) -> Result<SentMessage, ApiError> {
        let body = SendMessageBody::from(message);
        tracing::info!(channel = message.channel.wire_name(), "sending a message");
        let action = Action::Message;
        self.with_retries(
            "send_message",
            || async {
                let (status, retry_after, answer) = self
                    .post_once(types::MESSAGES_SEND_PATH, &body)
                    .await
                    .map_err(|f| settle(action, f))?;
                if status.is_success() {
                    // Hero said yes: the message went, whatever the answer holds.
                    return outreach::parse_sent_message(&answer).map_err(|_| {
                        Failure::final_(ApiError::OutcomeUnknown {
                            action,
                            why: UnknownWhy::UnreadableAnswer,
                        })
                    });
                }
                let failure = create_status_failure(action, status, retry_after, &answer);
                Err(settle(action, failure))
            },
            |_| {},
        )
        .await
        .map_err(|e| after_retries(action, e))
    }

    /// Makes a booking link for one patient (`POST /v1/booking_links`), under the same
    /// rule as [`Self::send_message`]. A link that is not `https://` is an unreadable
    /// answer ([`BodyProblem::BadBookingLink`]).
    pub async fn create_booking_link(
        &self,
        link: &NewBookingLink,
    ) -> Result<BookingLink, ApiError> {
        let body = BookingLinkBody::from(link);
        tracing::info!("creating a booking link");
        let action = Action::BookingLink;
        self.with_retries(
            "create_booking_link",
            || async {
                let (status, retry_after, answer) = self
                    .post_once(types::BOOKING_LINKS_PATH, &body)
                    .await
                    .map_err(|f| settle(action, f))?;
                if status.is_success() {
                    return outreach::parse_booking_link(&answer)
                        .map_err(|problem| Failure::final_(ApiError::BadResponse { problem }));
                }
                let failure = create_status_failure(action, status, retry_after, &answer);
                Err(settle(action, failure))
            },
            |_| {},
        )
        .await
        .map_err(|e| after_retries(action, e))
    }

    /// The practice group's appointment types (`GET /v1/appointment_types`), as listed.
    pub async fn appointment_types(&self) -> Result<Vec<Choice>, ApiError> {
        self.list(types::APPOINTMENT_TYPES_PATH).await
    }

    /// The locations set up for online booking (`GET /v1/locations`), as listed.
    pub async fn locations(&self) -> Result<Vec<Choice>, ApiError> {
        self.list(types::LOCATIONS_PATH).await
    }

    /// The practice's name from `GET /v1/me` (`name`; see [`types::ME_PATH`]), cleaned
    /// of controls; None when Hero gives none.
    pub async fn me(&self) -> Result<Option<String>, ApiError> {
        self.with_retries(
            "me",
            || async {
                let (status, retry_after, body) = self.get_once(types::ME_PATH).await?;
                if status == StatusCode::NOT_FOUND {
                    return Err(Failure::final_(ApiError::NotHeroApi));
                }
                if !status.is_success() {
                    return Err(status_failure(status, retry_after, &body, Trace::NhsNumber));
                }
                let name = types::parse_practice_group(&body)
                    .name
                    .map(|n| crate::text::displayable(&n).trim().to_owned())
                    .filter(|n| !n.is_empty());
                Ok(name)
            },
            |_| {},
        )
        .await
    }

    async fn list(&self, path: &'static str) -> Result<Vec<Choice>, ApiError> {
        tracing::info!(path, "reading a list");
        self.with_retries(
            "list",
            || async {
                let (status, retry_after, body) = self.get_once(path).await?;
                match status.as_u16() {
                    200..=299 => outreach::parse_choices(&body)
                        .map_err(|problem| Failure::final_(ApiError::BadResponse { problem })),
                    403 => Err(Failure::final_(ApiError::ScopeMissing {
                        scope: Scope::BookingLinks,
                    })),
                    // Nothing the user chose was sent: not a refusal of their details.
                    400 | 404 => Err(Failure::final_(ApiError::UnexpectedStatus {
                        status: status.as_u16(),
                    })),
                    _ => Err(status_failure(status, retry_after, &body, Trace::NhsNumber)),
                }
            },
            |_| {},
        )
        .await
    }

    /// One POST with the usual headers; the status, `Retry-After` and the capped body.
    async fn post_once(
        &self,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<(StatusCode, Option<std::time::Duration>, Vec<u8>), Failure> {
        let response = self
            .http
            .post(self.connection.base_url.join(path))
            .headers(self.headers()?)
            .json(body)
            .send()
            .await
            .map_err(|e| super::transport::classify(&e.without_url(), self.proxy.as_deref()))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        tracing::debug!(status = status.as_u16(), "Hero answered");
        Ok((status, retry_after, read_capped(response).await?))
    }

    async fn get_once(
        &self,
        path: &str,
    ) -> Result<(StatusCode, Option<std::time::Duration>, Vec<u8>), Failure> {
        let response = self
            .http
            .get(self.connection.base_url.join(path))
            .headers(self.headers()?)
            .send()
            .await
            .map_err(|e| super::transport::classify(&e.without_url(), self.proxy.as_deref()))?;
        let status = response.status();
        let retry_after = retry_after(response.headers());
        tracing::debug!(status = status.as_u16(), "Hero answered");
        Ok((status, retry_after, read_capped(response).await?))
    }
}
