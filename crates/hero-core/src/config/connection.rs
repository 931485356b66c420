//! The one rule for what a registration is sent with: from the resolved settings and
//! the key the caller has, a `Connection`, or the typed reason there is none. The
//! window and the command line each say that reason in their own words.

use super::{BaseUrl, BaseUrlError, Environment, LockConflict, Resolved, Source};
use crate::api::Connection;
use crate::secrets::{ApiKey, ApiKeyError};

/// The API key as the caller has it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOnHand {
    /// `HERO_API_KEY`, as set (it wins over the keychain).
    Variable(String),
    /// From the keychain, or typed in for this session.
    Key(ApiKey),
    /// The keychain is still being read.
    Loading,
    /// The keychain has no key for this environment.
    Missing,
    /// The keychain can't be reached.
    KeychainUnavailable,
}

/// Why nothing can be sent yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionProblem {
    /// A flag or variable contradicts what IT locked.
    #[error("{0}")]
    Conflict(LockConflict),
    /// The server address can't be used; `from` says where it was set.
    #[error("{error}")]
    BaseUrl { from: Source, error: BaseUrlError },
    /// `HERO_API_KEY` is set but can't be a key.
    #[error("{0}")]
    KeyVariable(ApiKeyError),
    #[error("the API key is still being read from the keychain")]
    KeyLoading,
    #[error("this computer's keychain can't be reached")]
    KeychainUnavailable,
    #[error("there is no API key for {0}")]
    NoKey(Environment),
    #[error("there is no practice group ID")]
    NoPracticeGroup,
}

/// What to send with, for any environment but the demo (whose server the caller runs).
/// Checked in the order a person would fix them: IT's lock, the server, the key, the
/// practice group.
pub fn connection(resolved: &Resolved, key: KeyOnHand) -> Result<Connection, ConnectionProblem> {
    if let Some(conflict) = resolved.conflicts.first() {
        return Err(ConnectionProblem::Conflict(conflict.clone()));
    }
    let base_url =
        BaseUrl::parse(&resolved.base_url).map_err(|error| ConnectionProblem::BaseUrl {
            from: resolved.base_url_source,
            error,
        })?;
    let api_key = match key {
        KeyOnHand::Variable(text) => {
            ApiKey::parse(&text).map_err(ConnectionProblem::KeyVariable)?
        }
        KeyOnHand::Key(key) => key,
        KeyOnHand::Loading => return Err(ConnectionProblem::KeyLoading),
        KeyOnHand::KeychainUnavailable => return Err(ConnectionProblem::KeychainUnavailable),
        KeyOnHand::Missing => return Err(ConnectionProblem::NoKey(resolved.environment)),
    };
    if resolved.practice_group_id.is_empty() {
        return Err(ConnectionProblem::NoPracticeGroup);
    }
    Ok(Connection {
        base_url,
        api_key,
        practice_group_id: resolved.practice_group_id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    const KEY: &str = "test-key-0123456789";

    fn staging() -> Resolved {
        Resolved {
            environment: Environment::Staging,
            environment_source: Source::UserSettings,
            base_url: "https://staging.example.test".to_owned(),
            base_url_source: Source::BuiltIn,
            practice_group_id: "pg-test-1".to_owned(),
            practice_group_source: Source::UserSettings,
            locked_by: None,
            conflicts: Vec::new(),
        }
    }

    fn key() -> KeyOnHand {
        KeyOnHand::Key(ApiKey::parse(KEY).unwrap())
    }

    #[test]
    fn everything_in_place_makes_the_connection() {
        let connection = connection(&staging(), key()).unwrap();
        assert_eq!(connection.base_url.as_str(), "https://staging.example.test");
        assert_eq!(connection.api_key.expose(), KEY);
        assert_eq!(connection.practice_group_id, "pg-test-1");
        let from_variable = connection_with(KeyOnHand::Variable(format!("  {KEY} "))).unwrap();
        assert_eq!(from_variable.api_key.expose(), KEY);
    }

    fn connection_with(key: KeyOnHand) -> Result<Connection, ConnectionProblem> {
        connection(&staging(), key)
    }

    #[test]
    fn each_missing_part_is_named() {
        assert_eq!(
            connection_with(KeyOnHand::Missing),
            Err(ConnectionProblem::NoKey(Environment::Staging))
        );
        assert_eq!(
            connection_with(KeyOnHand::Loading),
            Err(ConnectionProblem::KeyLoading)
        );
        assert_eq!(
            connection_with(KeyOnHand::KeychainUnavailable),
            Err(ConnectionProblem::KeychainUnavailable)
        );
        assert_eq!(
            connection_with(KeyOnHand::Variable("has spaces in it".to_owned())),
            Err(ConnectionProblem::KeyVariable(
                ApiKeyError::InvalidCharacters
            ))
        );
        let no_group = Resolved {
            practice_group_id: String::new(),
            ..staging()
        };
        assert_eq!(
            connection(&no_group, key()),
            Err(ConnectionProblem::NoPracticeGroup)
        );
    }

    #[test]
    fn problems_come_in_the_order_they_are_fixed() {
        // A bad server address is named before a missing key, and IT's lock before both.
        let bad_url = Resolved {
            base_url: "http://staging.example.test".to_owned(),
            base_url_source: Source::Variable("HERO_BASE_URL"),
            ..staging()
        };
        assert_eq!(
            connection(&bad_url, KeyOnHand::Missing),
            Err(ConnectionProblem::BaseUrl {
                from: Source::Variable("HERO_BASE_URL"),
                error: BaseUrlError::NotHttps
            })
        );
        let conflict = LockConflict {
            given: "HERO_BASE_URL".to_owned(),
            what: "server",
            locked_value: "https://staging.example.test".to_owned(),
            path: PathBuf::from("/etc/hero-intake/settings.json"),
        };
        let locked = Resolved {
            conflicts: vec![conflict.clone()],
            ..bad_url
        };
        assert_eq!(
            connection(&locked, KeyOnHand::Missing),
            Err(ConnectionProblem::Conflict(conflict))
        );
    }
}
