//! `hero-intake check`: the address, key and practice group, without registering anyone.

use serde_json::json;

use super::connect::single_attempt_client;
use super::outcome::{Outcome, error_outcome};
use super::{EXIT_NO_ANSWER, EXIT_REFUSED};
use crate::api::ErrorClass;
use crate::config::Environment;

pub(super) async fn check(environment: Option<Environment>) -> Outcome {
    let client = match single_attempt_client(environment).await {
        Ok(c) => c,
        Err(outcome) => return outcome,
    };
    let base = client.connection().base_url.as_str().to_owned();
    let proxy = client.proxy().map(str::to_owned);
    match client.check_connection().await {
        Ok(group) => {
            let name = group.name.clone().unwrap_or_default();
            let through = proxy
                .as_ref()
                .map(|p| format!(" through the proxy {p}"))
                .unwrap_or_default();
            Outcome {
                json: json!({"outcome": "ok", "base_url": base, "proxy": proxy, "practice_group": group.name}),
                text: format!(
                    "Connected to {base}{through}: the API key and practice group ID work. {name}"
                )
                .trim_end()
                .to_owned(),
                to_stderr: false,
                code: 0,
            }
        }
        Err(e) => {
            let code = match e.class() {
                ErrorClass::Refused => EXIT_REFUSED,
                ErrorClass::NoAnswer => EXIT_NO_ANSWER,
            };
            error_outcome(
                e.status(),
                &crate::api::describe_check_failure(&e, &super::outcome::COMMAND_LINE),
                &e.fix(&super::outcome::COMMAND_LINE),
                code,
            )
        }
    }
}
