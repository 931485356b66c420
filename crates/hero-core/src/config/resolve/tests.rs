use super::*;
use crate::config::machine::tests::{
    IT_CUSTOM, IT_CUSTOM_LOCKED, IT_PROD, IT_PROD_LOCKED, machine,
};
use crate::config::{PRODUCTION_URL, STAGING_URL};

fn user(environment: Option<Environment>, groups: &[(Environment, &str)], url: &str) -> Settings {
    Settings {
        environment,
        practice_group_ids: groups.iter().map(|(e, g)| (*e, (*g).to_owned())).collect(),
        custom_base_url: url.to_owned(),
        ..Settings::default()
    }
}

fn vars(base_url: Option<&str>, group: Option<&str>) -> Overrides {
    Overrides {
        api_key: None,
        practice_group_id: group.map(str::to_owned),
        base_url: base_url.map(str::to_owned),
    }
}

use Environment::{Custom, Demo, Production, Staging};
const IT: Source = Source::PracticeIt { locked: false };
const IT_LOCKED: Source = Source::PracticeIt { locked: true };
const USER: Source = Source::UserSettings;
const BUILT_IN: Source = Source::BuiltIn;
const URL_VAR: Source = Source::Variable(HERO_BASE_URL);
const GROUP_VAR: Source = Source::Variable(HERO_PRACTICE_GROUP_ID);

/// The precedence table (README "Installing for a practice (IT)"), one row per case:
/// machine-wide file, user's file, variables, flag → what is in force and what is refused.
#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one row per case of the precedence table"
)]
fn precedence_table() {
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        Option<&str>,
        Settings,
        Overrides,
        Option<Environment>,
        (Environment, Source),
        (&str, Source),
        (&str, Source),
        Vec<&str>,
    )> = vec![
        // Nothing anywhere: Staging.
        (
            None,
            Settings::default(),
            vars(None, None),
            None,
            (Staging, BUILT_IN),
            (STAGING_URL, BUILT_IN),
            ("", BUILT_IN),
            vec![],
        ),
        // IT's defaults, not locked.
        (
            Some(IT_PROD),
            Settings::default(),
            vars(None, None),
            None,
            (Production, IT),
            (PRODUCTION_URL, BUILT_IN),
            ("pg-it", IT),
            vec![],
        ),
        // The user's own choice beats IT's default...
        (
            Some(IT_PROD),
            user(Some(Staging), &[(Staging, "pg-user")], ""),
            vars(None, None),
            None,
            (Staging, USER),
            (STAGING_URL, BUILT_IN),
            ("pg-user", USER),
            vec![],
        ),
        // ...field by field: IT's environment, the user's practice group.
        (
            Some(IT_PROD),
            user(None, &[(Production, "pg-user")], ""),
            vars(None, None),
            None,
            (Production, IT),
            (PRODUCTION_URL, BUILT_IN),
            ("pg-user", USER),
            vec![],
        ),
        // IT's practice group belongs to IT's environment only.
        (
            Some(IT_PROD),
            user(Some(Staging), &[], ""),
            vars(None, None),
            None,
            (Staging, USER),
            (STAGING_URL, BUILT_IN),
            ("", BUILT_IN),
            vec![],
        ),
        // Variables beat both files.
        (
            Some(IT_PROD),
            user(Some(Staging), &[(Staging, "pg-user")], ""),
            vars(None, Some("pg-var")),
            None,
            (Staging, USER),
            (STAGING_URL, BUILT_IN),
            ("pg-var", GROUP_VAR),
            vec![],
        ),
        (
            Some(IT_PROD),
            user(Some(Staging), &[], ""),
            vars(Some("https://var.example"), None),
            None,
            (Custom, URL_VAR),
            ("https://var.example", URL_VAR),
            ("", BUILT_IN),
            vec![],
        ),
        // The flag beats the variable.
        (
            Some(IT_PROD),
            user(Some(Staging), &[], ""),
            vars(Some("https://var.example"), None),
            Some(Production),
            (Production, Source::Flag),
            (PRODUCTION_URL, BUILT_IN),
            ("pg-it", IT),
            vec![],
        ),
        // IT's custom server, and the user's own server over it.
        (
            Some(IT_CUSTOM),
            Settings::default(),
            vars(None, None),
            None,
            (Custom, IT),
            ("https://hero.practice.example", IT),
            ("pg-it", IT),
            vec![],
        ),
        (
            Some(IT_CUSTOM),
            user(None, &[], "https://mine.example"),
            vars(None, None),
            None,
            (Custom, IT),
            ("https://mine.example", USER),
            ("pg-it", IT),
            vec![],
        ),
        // Locked: IT wins over the user's file, silently.
        (
            Some(IT_PROD_LOCKED),
            user(Some(Staging), &[(Production, "pg-user")], ""),
            vars(None, None),
            None,
            (Production, IT_LOCKED),
            (PRODUCTION_URL, IT_LOCKED),
            ("pg-it", IT_LOCKED),
            vec![],
        ),
        // Locked: a flag or variable that agrees is fine...
        (
            Some(IT_PROD_LOCKED),
            Settings::default(),
            vars(None, Some("pg-it")),
            Some(Production),
            (Production, IT_LOCKED),
            (PRODUCTION_URL, IT_LOCKED),
            ("pg-it", IT_LOCKED),
            vec![],
        ),
        // ...one that contradicts it is refused.
        (
            Some(IT_PROD_LOCKED),
            Settings::default(),
            vars(None, None),
            Some(Staging),
            (Production, IT_LOCKED),
            (PRODUCTION_URL, IT_LOCKED),
            ("pg-it", IT_LOCKED),
            vec!["--environment staging"],
        ),
        (
            Some(IT_PROD_LOCKED),
            Settings::default(),
            vars(None, None),
            Some(Demo),
            (Production, IT_LOCKED),
            (PRODUCTION_URL, IT_LOCKED),
            ("pg-it", IT_LOCKED),
            vec!["--environment demo"],
        ),
        (
            Some(IT_PROD_LOCKED),
            Settings::default(),
            vars(Some("https://var.example"), Some("pg-other")),
            None,
            (Production, IT_LOCKED),
            (PRODUCTION_URL, IT_LOCKED),
            ("pg-it", IT_LOCKED),
            vec![HERO_BASE_URL, HERO_PRACTICE_GROUP_ID],
        ),
        // Locked without a practice group: the practice group is still the user's.
        (
            Some(IT_CUSTOM_LOCKED),
            user(None, &[(Custom, "pg-user")], ""),
            vars(None, None),
            None,
            (Custom, IT_LOCKED),
            ("https://hero.practice.example", IT_LOCKED),
            ("pg-user", USER),
            vec![],
        ),
        (
            Some(IT_CUSTOM_LOCKED),
            Settings::default(),
            vars(Some("https://hero.practice.example/"), Some("pg-var")),
            None,
            (Custom, IT_LOCKED),
            ("https://hero.practice.example", IT_LOCKED),
            ("pg-var", GROUP_VAR),
            vec![],
        ),
        (
            Some(IT_CUSTOM_LOCKED),
            Settings::default(),
            vars(Some("https://other.example"), None),
            None,
            (Custom, IT_LOCKED),
            ("https://hero.practice.example", IT_LOCKED),
            ("", BUILT_IN),
            vec![HERO_BASE_URL],
        ),
        // "locked": false is the same as no lock.
        (
            Some(r#"{"environment": "production", "locked": false}"#),
            user(Some(Staging), &[], ""),
            vars(None, None),
            None,
            (Staging, USER),
            (STAGING_URL, BUILT_IN),
            ("", BUILT_IN),
            vec![],
        ),
    ];
    for (i, (machine_json, user, overrides, flag, env, url, group, refused)) in
        rows.into_iter().enumerate()
    {
        let machine_settings = machine_json.map(machine);
        let got = resolve(Inputs {
            flag,
            overrides: &overrides,
            user: &user,
            machine: machine_settings.as_ref(),
        });
        let row = format!("row {i}: {got:?}");
        assert_eq!((got.environment, got.environment_source), env, "{row}");
        assert_eq!((got.base_url.as_str(), got.base_url_source), url, "{row}");
        assert_eq!(
            (got.practice_group_id.as_str(), got.practice_group_source),
            group,
            "{row}"
        );
        let given: Vec<&str> = got.conflicts.iter().map(|c| c.given.as_str()).collect();
        assert_eq!(given, refused, "{row}");
        let locked = machine_settings.as_ref().is_some_and(|m| m.locked);
        assert_eq!(got.locked_by.is_some(), locked, "{row}");
    }
}

#[test]
fn a_refusal_names_the_file_and_what_it_locked() {
    let it = machine(IT_PROD_LOCKED);
    let got = resolve(Inputs {
        flag: Some(Staging),
        overrides: &Overrides::default(),
        user: &Settings::default(),
        machine: Some(&it),
    });
    assert_eq!(
        got.conflicts[0].to_string(),
        format!(
            "--environment staging can't be used: your practice's IT has set the environment to Production for this computer and locked it ({})",
            it.path.display()
        )
    );
}
