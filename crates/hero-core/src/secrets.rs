//! The API key: a redacting type, and where it is kept (the OS keychain).

use std::fmt;

use thiserror::Error;

use crate::config::Environment;

/// Keychain service name; one entry per environment (Hero issues separate keys).
pub const KEYCHAIN_SERVICE: &str = "hero-intake";

/// A Hero API key. `Debug` and `Display` print a redaction, never the key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiKeyError {
    #[error("Enter the API key")]
    Empty,
    #[error("An API key has no spaces or special characters: check it was copied whole")]
    InvalidCharacters,
    #[error("That is too long to be an API key: check it was copied on its own")]
    TooLong,
}

impl ApiKey {
    pub fn parse(text: &str) -> Result<Self, ApiKeyError> {
        let key = text.trim();
        if key.is_empty() {
            return Err(ApiKeyError::Empty);
        }
        if key.len() > 512 {
            return Err(ApiKeyError::TooLong);
        }
        // It goes into an HTTP header: visible ASCII only.
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(ApiKeyError::InvalidCharacters);
        }
        Ok(Self(key.to_owned()))
    }

    /// The key itself, only for the request header and the keychain.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Why the keychain could not be used. Never carries the platform error itself:
/// some keyring errors hold the secret's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyStoreError {
    #[error("This computer's keychain is locked or can't be reached")]
    Unavailable,
    #[error("The keychain refused to store the key")]
    Rejected,
}

/// Where API keys are kept between runs.
pub trait KeyStore: Send + Sync {
    fn load(&self, environment: Environment) -> Result<Option<ApiKey>, KeyStoreError>;
    fn save(&self, environment: Environment, key: &ApiKey) -> Result<(), KeyStoreError>;
    fn delete(&self, environment: Environment) -> Result<(), KeyStoreError>;
}

/// The OS keychain: Windows Credential Manager, macOS Keychain, Secret Service on Linux.
#[derive(Debug, Default)]
pub struct OsKeychain {
    service: String,
}

impl OsKeychain {
    pub fn new() -> Self {
        Self::with_service(KEYCHAIN_SERVICE)
    }

    /// A separate service name, so tests never touch a real user's keys.
    pub fn with_service(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(&self, environment: Environment) -> Result<keyring::Entry, KeyStoreError> {
        keyring::Entry::new(&self.service, environment.keychain_user())
            .map_err(|e| classify(&e, "open"))
    }
}

fn classify(error: &keyring::Error, operation: &str) -> KeyStoreError {
    // Only the variant name is logged: the payload of some variants is the secret.
    let kind = match error {
        keyring::Error::PlatformFailure(_) => "platform failure",
        keyring::Error::NoStorageAccess(_) => "no storage access",
        keyring::Error::NoDefaultStore => "no default store",
        keyring::Error::BadEncoding(_) => "bad encoding",
        keyring::Error::Invalid(..) => "invalid",
        _ => "other",
    };
    tracing::warn!(operation, kind, "keychain operation failed");
    match error {
        keyring::Error::Invalid(..) | keyring::Error::TooLong(..) => KeyStoreError::Rejected,
        _ => KeyStoreError::Unavailable,
    }
}

impl KeyStore for OsKeychain {
    fn load(&self, environment: Environment) -> Result<Option<ApiKey>, KeyStoreError> {
        match self.entry(environment)?.get_password() {
            Ok(text) => Ok(ApiKey::parse(&text).ok()),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(&e, "load")),
        }
    }

    fn save(&self, environment: Environment, key: &ApiKey) -> Result<(), KeyStoreError> {
        self.entry(environment)?
            .set_password(key.expose())
            .map_err(|e| classify(&e, "save"))
    }

    fn delete(&self, environment: Environment) -> Result<(), KeyStoreError> {
        match self.entry(environment)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(classify(&e, "delete")),
        }
    }
}

#[cfg(feature = "test-support")]
pub use memory::MemoryKeyStore;

/// Only with the `test-support` feature: the shipped app never holds keys this way.
#[cfg(feature = "test-support")]
mod memory {
    use std::collections::HashMap;
    use std::fmt;
    use std::sync::Mutex;

    use super::{ApiKey, KeyStore, KeyStoreError};
    use crate::config::Environment;

    /// Keys held in memory: for tests, and never used by the shipped app.
    #[derive(Default)]
    pub struct MemoryKeyStore {
        keys: Mutex<HashMap<Environment, ApiKey>>,
        unavailable: bool,
    }

    impl fmt::Debug for MemoryKeyStore {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("MemoryKeyStore")
        }
    }

    impl MemoryKeyStore {
        pub fn new() -> Self {
            Self::default()
        }

        pub fn with_key(environment: Environment, key: ApiKey) -> Self {
            let store = Self::default();
            store.lock().insert(environment, key);
            store
        }

        /// A store that behaves like a locked keychain.
        pub fn unavailable() -> Self {
            Self {
                keys: Mutex::default(),
                unavailable: true,
            }
        }

        fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Environment, ApiKey>> {
            self.keys
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
        }

        fn check(&self) -> Result<(), KeyStoreError> {
            if self.unavailable {
                Err(KeyStoreError::Unavailable)
            } else {
                Ok(())
            }
        }
    }

    impl KeyStore for MemoryKeyStore {
        fn load(&self, environment: Environment) -> Result<Option<ApiKey>, KeyStoreError> {
            self.check()?;
            Ok(self.lock().get(&environment).cloned())
        }

        fn save(&self, environment: Environment, key: &ApiKey) -> Result<(), KeyStoreError> {
            self.check()?;
            self.lock().insert(environment, key.clone());
            Ok(())
        }

        fn delete(&self, environment: Environment) -> Result<(), KeyStoreError> {
            self.check()?;
            self.lock().remove(&environment);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// keyring-rs #264: Windows (VDI) rejects a credential whose comment, built from
    /// the service and user names plus keyring's own wording, passes 256 characters.
    /// 128 characters are left for that wording: a conservative bound.
    const WINDOWS_COMMENT_LIMIT: usize = 256;
    const KEYRING_WORDING_ALLOWANCE: usize = 128;

    #[test]
    fn keychain_names_stay_short_enough_for_windows() {
        let longest_user = Environment::ALL
            .iter()
            .map(|e| e.keychain_user().len())
            .max()
            .unwrap_or_default();
        let names = KEYCHAIN_SERVICE.len() + longest_user;
        assert!(
            names + KEYRING_WORDING_ALLOWANCE <= WINDOWS_COMMENT_LIMIT,
            "service + user = {names} characters"
        );
        // Plain ASCII: the comment and target name are UTF-16 on Windows.
        assert!(KEYCHAIN_SERVICE.is_ascii());
        assert!(
            Environment::ALL
                .iter()
                .all(|e| e.keychain_user().is_ascii())
        );
    }
}
