//! What the next steps (a message, an invitation to book) need from Hero: the
//! appointment types, the locations and the practice's name, read once per session and
//! environment in the background, as soon as a registered patient is on screen.

use super::Desk;
use crate::api::{ApiError, Choice};
use crate::config::{Environment, Messaging};
use crate::worker::OutreachLists;

/// One list as far as it has come.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    Loading,
    Ready(T),
    Failed(ApiError),
}

impl<T> Fetched<T> {
    fn from(result: Result<T, ApiError>) -> Self {
        match result {
            Ok(value) => Self::Ready(value),
            Err(error) => Self::Failed(error),
        }
    }

    pub fn ready(&self) -> Option<&T> {
        match self {
            Self::Ready(value) => Some(value),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Outreach {
    pub environment: Environment,
    pub appointment_types: Fetched<Vec<Choice>>,
    pub locations: Fetched<Vec<Choice>>,
    pub practice_name: Fetched<Option<String>>,
}

impl Desk {
    /// Starts reading the lists for this environment, unless they are read or on their
    /// way (a list that failed is asked for again).
    pub fn ensure_outreach_lists(&mut self) {
        let environment = self.environment();
        let have = self.outreach.as_ref().is_some_and(|o| {
            o.environment == environment
                && !matches!(o.appointment_types, Fetched::Failed(_))
                && !matches!(o.locations, Fetched::Failed(_))
        });
        if have {
            return;
        }
        let Ok(Ok(client)) = self.connection().map(|c| self.client(c)) else {
            return;
        };
        self.worker.fetch_outreach_lists(environment, client);
        self.outreach = Some(Outreach {
            environment,
            appointment_types: Fetched::Loading,
            locations: Fetched::Loading,
            practice_name: Fetched::Loading,
        });
    }

    pub fn on_outreach_lists(&mut self, environment: Environment, lists: OutreachLists) {
        if environment != self.environment() {
            return;
        }
        self.outreach = Some(Outreach {
            environment,
            appointment_types: Fetched::from(lists.appointment_types),
            locations: Fetched::from(lists.locations),
            practice_name: Fetched::from(lists.practice_name),
        });
    }

    /// The lists for the environment in force, if asked for.
    pub fn outreach(&self) -> Option<&Outreach> {
        self.outreach
            .as_ref()
            .filter(|o| o.environment == self.environment())
    }

    /// The practice's messaging settings in force (IT's file and the user's), worked
    /// out once when the files were read: nothing in the window changes them.
    pub fn messaging(&self) -> &Messaging {
        &self.messaging
    }

    /// The practice's name for `{practice}`: Hero's `GET /v1/me` first, then the settings.
    pub fn practice_name(&self) -> Option<String> {
        self.outreach()
            .and_then(|o| o.practice_name.ready().cloned().flatten())
            .or_else(|| self.messaging.practice_name.clone())
    }
}
