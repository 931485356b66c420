//! Which Hero a command talks to, with what key: the same `config::resolve` as the
//! window, or why the command can't run.

use super::EXIT_NO_ANSWER;
use super::outcome::{Outcome, api_error_outcome, error_outcome, usage_error};
use crate::api::{Connection, HeroClient};
use crate::config::env_vars::{HERO_API_KEY, HERO_BASE_URL, HERO_PRACTICE_GROUP_ID};
use crate::config::{
    ConnectionProblem, Environment, KeyOnHand, Overrides, Resolved, SettingsFile, Source,
};
use crate::sandbox::{self, SandboxOptions};
use crate::secrets::{KeyStore, OsKeychain};

/// The settings in force for a command (`config::resolve`, as in the window), or why
/// it can't run: a settings file that can't be used, or a flag or variable that
/// contradicts what IT locked (exit 2, nothing sent).
pub(super) fn resolve_settings(
    flag: Option<Environment>,
) -> Result<(Resolved, Overrides), Outcome> {
    let overrides = Overrides::from_env();
    let file = SettingsFile::standard();
    let machine = file.load_machine().map_err(|problem| {
        usage_error(
            &problem.to_string(),
            "Ask your practice's IT to correct the file. Nothing was sent.",
        )
    })?;
    let (settings, problem) = file.load_checked();
    if let Some(problem) = problem {
        return Err(usage_error(
            &problem.to_string(),
            "Correct the file, or delete it to go back to the defaults. Nothing was sent.",
        ));
    }
    let resolved = crate::config::resolve(crate::config::Inputs {
        flag,
        overrides: &overrides,
        user: &settings,
        machine: machine.as_ref(),
    });
    // Refused before anything else is read or sent.
    if let Some(conflict) = resolved.conflicts.first() {
        let (cause, fix) = words_for(&ConnectionProblem::Conflict(conflict.clone()));
        return Err(usage_error(&cause, &fix));
    }
    Ok((resolved, overrides))
}

/// The messaging settings in force (`config::messaging`): the same files as
/// [`resolve_settings`], refused the same way when one can't be used.
pub(super) fn messaging_settings(
    flag: Option<Environment>,
) -> Result<crate::config::Messaging, Outcome> {
    resolve_settings(flag)?;
    let file = SettingsFile::standard();
    let machine = file.load_machine().ok().flatten();
    Ok(crate::config::messaging(machine.as_ref(), &file.load()))
}

/// The environment a command talks to: `--environment`, else Custom when
/// `HERO_BASE_URL` is set, else the window's settings, else IT's; IT's lock wins.
pub(super) fn chosen_environment(flag: Option<Environment>) -> Result<Environment, Outcome> {
    resolve_settings(flag).map(|(resolved, _)| resolved.environment)
}

/// The connection for a command: the demo sandbox, or the configured Hero.
pub(super) async fn resolve_connection(
    environment: Option<Environment>,
) -> Result<Connection, Outcome> {
    let (resolved, overrides) = resolve_settings(environment)?;
    if resolved.environment == Environment::Demo {
        return match sandbox::spawn(0, SandboxOptions::default()).await {
            Ok(running) => Ok(running.demo_connection()),
            Err(e) => Err(error_outcome(
                None,
                &format!("The demo server couldn't start: {e}"),
                "Try again.",
                EXIT_NO_ANSWER,
            )),
        };
    }
    connection_for(&resolved, &overrides).await
}

/// A client that retries as a single registration does (the batch follows its policy
/// for transient faults).
pub(super) async fn retrying_client(
    environment: Option<Environment>,
) -> Result<HeroClient, Outcome> {
    let connection = resolve_connection(environment).await?;
    HeroClient::new(connection).map_err(|e| api_error_outcome(&e))
}

/// A client that makes one attempt per call: for a question that needs a quick answer.
pub(super) async fn single_attempt_client(
    environment: Option<Environment>,
) -> Result<HeroClient, Outcome> {
    let connection = resolve_connection(environment).await?;
    HeroClient::with_options(
        connection,
        crate::api::Timeouts::default(),
        crate::api::RetryPolicy::none(),
    )
    .map_err(|e| api_error_outcome(&e))
}

async fn connection_for(resolved: &Resolved, overrides: &Overrides) -> Result<Connection, Outcome> {
    let environment = resolved.environment;
    let key = match &overrides.api_key {
        Some(text) => KeyOnHand::Variable(text.clone()),
        None => {
            let lookup = tokio::task::spawn_blocking(move || OsKeychain::new().load(environment))
                .await
                .unwrap_or(Err(crate::secrets::KeyStoreError::Unavailable));
            match lookup {
                Ok(Some(key)) => KeyOnHand::Key(key),
                Ok(None) => KeyOnHand::Missing,
                Err(_) => KeyOnHand::KeychainUnavailable,
            }
        }
    };
    crate::config::connection(resolved, key).map_err(|problem| {
        let (cause, fix) = words_for(&problem);
        usage_error(&cause, &fix)
    })
}

/// The command line's words for why nothing can be sent: the cause, and what to set.
fn words_for(problem: &ConnectionProblem) -> (String, String) {
    use ConnectionProblem as P;
    match problem {
        P::Conflict(conflict) => {
            let given = conflict.given.split(' ').next().unwrap_or_default();
            (
                conflict.to_string(),
                format!(
                    "Leave out {given}: this computer always uses the {} your practice's IT set. Nothing was sent.",
                    conflict.what
                ),
            )
        }
        P::BaseUrl {
            from: Source::Variable(_),
            error,
        } => (
            format!("Base URL: {error}"),
            format!("Set {HERO_BASE_URL} to an https:// address (http:// only to this computer)."),
        ),
        P::BaseUrl { error, .. } => (
            format!("Base URL: {error}"),
            format!("Set {HERO_BASE_URL}, or enter the server address in the window's Settings."),
        ),
        P::KeyVariable(error) => (
            format!("{HERO_API_KEY}: {error}"),
            format!("Set {HERO_API_KEY} to the key from Hero."),
        ),
        P::NoKey(environment) => (
            format!("No API key for {environment}"),
            format!("Set {HERO_API_KEY}, or save the key in the window's Settings."),
        ),
        // The command line reads the keychain to the end: "loading" can't be seen here.
        P::KeychainUnavailable | P::KeyLoading => (
            "This computer's keychain can't be reached".to_owned(),
            format!("Set {HERO_API_KEY} instead."),
        ),
        P::NoPracticeGroup => (
            "No practice group ID".to_owned(),
            format!("Set {HERO_PRACTICE_GROUP_ID}, or enter it in the window's Settings."),
        ),
    }
}
