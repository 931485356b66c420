//! A real round trip through the OS keychain (Secret Service on Linux).
//! Needs a running, unlocked Secret Service: `.ci/run` starts gnome-keyring in its own
//! D-Bus session and runs this with `--ignored`.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use hero_core::config::Environment;
use hero_core::secrets::{ApiKey, KeyStore, OsKeychain};

#[test]
#[ignore = "needs a Secret Service: .ci/run runs it inside dbus-run-session with gnome-keyring"]
fn api_keys_round_trip_through_the_os_keychain() {
    let service = format!("hero-intake-test-{}", std::process::id());
    let store = OsKeychain::with_service(&service);
    let staging = ApiKey::parse("kc-staging-key-0001").unwrap();
    let production = ApiKey::parse("kc-production-key-0002").unwrap();

    assert_eq!(store.load(Environment::Staging).unwrap(), None);
    store.save(Environment::Staging, &staging).unwrap();
    assert_eq!(
        store.load(Environment::Staging).unwrap(),
        Some(staging.clone())
    );

    // A separate entry per environment: Hero issues separate keys.
    assert_eq!(store.load(Environment::Production).unwrap(), None);
    store.save(Environment::Production, &production).unwrap();
    assert_eq!(
        store.load(Environment::Staging).unwrap(),
        Some(staging.clone())
    );
    assert_eq!(
        store.load(Environment::Production).unwrap(),
        Some(production)
    );

    // Stored in the real Secret Service, where other clients see it.
    let lookup = Command::new("secret-tool")
        .args(["lookup", "service", &service, "username", "staging"])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by .ci/run");
    assert_eq!(String::from_utf8_lossy(&lookup.stdout), staging.expose());

    // Replacing a key keeps one entry.
    let rotated = ApiKey::parse("kc-staging-key-0003").unwrap();
    store.save(Environment::Staging, &rotated).unwrap();
    assert_eq!(store.load(Environment::Staging).unwrap(), Some(rotated));

    store.delete(Environment::Staging).unwrap();
    store.delete(Environment::Production).unwrap();
    assert_eq!(store.load(Environment::Staging).unwrap(), None);
    // Deleting what is not there is fine.
    store.delete(Environment::Staging).unwrap();
}
