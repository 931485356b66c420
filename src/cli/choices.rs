//! `hero-intake appointment-types` and `hero-intake locations`: what an invite can be
//! made with, as Hero lists it.

use serde_json::json;

use super::connect::retrying_client;
use super::outcome::{Outcome, api_error_outcome};
use crate::api::Choice;
use crate::config::Environment;

/// Which list.
#[derive(Clone, Copy)]
pub(super) enum List {
    AppointmentTypes,
    Locations,
}

pub(super) async fn list(which: List, environment: Option<Environment>) -> Outcome {
    let client = match retrying_client(environment).await {
        Ok(client) => client,
        Err(outcome) => return outcome,
    };
    let (key, answer) = match which {
        List::AppointmentTypes => ("appointment_types", client.appointment_types().await),
        List::Locations => ("locations", client.locations().await),
    };
    match answer {
        Ok(choices) => listed(key, &choices),
        Err(e) => api_error_outcome(&e),
    }
}

fn listed(key: &str, choices: &[Choice]) -> Outcome {
    let text = if choices.is_empty() {
        "Hero lists none.".to_owned()
    } else {
        choices
            .iter()
            .map(|c| format!("{}\t{}", c.id, c.name))
            .collect::<Vec<_>>()
            .join("\n")
    };
    Outcome {
        json: json!({"outcome": "listed", key: choices}),
        text,
        to_stderr: false,
        code: 0,
    }
}
