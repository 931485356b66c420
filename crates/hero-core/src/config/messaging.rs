//! What a practice sets for the next steps after a registration, in IT's machine-wide
//! file and the user's own: the practice's name, whether restricted records may be
//! messaged (IT only), the default for writing to the record, the default appointment
//! type and location, and the practice's own templates. `messaging` is the one decision
//! of which values are in force.

use std::collections::BTreeMap;

use super::{MachineSettings, Settings};
use crate::messages::{ContactPolicy, Template, built_in_templates};

/// The messaging fields of one settings file, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagingFile {
    pub practice_name: Option<String>,
    pub write_to_record: Option<bool>,
    /// An appointment type's name or ID, as `invite --appointment-type` takes it.
    pub appointment_type: Option<String>,
    /// A location's name or ID.
    pub location: Option<String>,
    pub templates: Vec<Template>,
}

impl MessagingFile {
    /// Checks the fields as read: each template's placeholders (an unknown one is
    /// refused naming the template), and blank text as not set.
    pub fn check(
        practice_name: Option<&str>,
        write_to_record: Option<bool>,
        appointment_type: Option<&str>,
        location: Option<&str>,
        templates: &BTreeMap<String, String>,
    ) -> Result<Self, String> {
        let given = |text: Option<&str>| {
            text.map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
        };
        let templates = templates
            .iter()
            .map(|(name, text)| Template::parse(name, text).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            practice_name: given(practice_name),
            write_to_record,
            appointment_type: given(appointment_type),
            location: given(location),
            templates,
        })
    }
}

/// The messaging settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Messaging {
    /// From the settings; the window prefers `GET /v1/me`'s name when Hero gives one.
    pub practice_name: Option<String>,
    pub policy: ContactPolicy,
    /// Whether "write to the patient's record" starts ticked.
    pub write_to_record: bool,
    pub appointment_type: Option<String>,
    pub location: Option<String>,
    /// Built-in first, then IT's, then the user's; a later one with the same name
    /// replaces an earlier one.
    pub templates: Vec<Template>,
}

impl Messaging {
    pub fn template(&self, name: &str) -> Option<&Template> {
        self.templates.iter().find(|t| t.name() == name)
    }
}

/// The one decision: IT's values are the defaults, the user's win unless IT locked the
/// settings; whether restricted records may be messaged is IT's alone.
pub fn messaging(machine: Option<&MachineSettings>, user: &Settings) -> Messaging {
    let it = machine.map(|m| &m.messaging);
    let locked = machine.is_some_and(|m| m.locked);
    // A user file whose templates can't be read is refused when it is read
    // (`SettingsFile::load_checked`), so none is in force here.
    let own_file = user.messaging_file().unwrap_or_default();
    let own = (!locked).then_some(&own_file);
    let pick = |f: fn(&MessagingFile) -> Option<String>| own.and_then(f).or_else(|| it.and_then(f));
    let mut templates = built_in_templates();
    for template in it
        .into_iter()
        .chain(own)
        .flat_map(|file| file.templates.iter())
    {
        templates.retain(|t| t.name() != template.name());
        templates.push(template.clone());
    }
    Messaging {
        practice_name: pick(|f| f.practice_name.clone()),
        policy: ContactPolicy {
            allow_restricted: machine.is_some_and(|m| m.allow_messages_to_restricted),
        },
        write_to_record: own
            .and_then(|f| f.write_to_record)
            .or_else(|| it.and_then(|f| f.write_to_record))
            .unwrap_or(false),
        appointment_type: pick(|f| f.appointment_type.clone()),
        location: pick(|f| f.location.clone()),
        templates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SettingsFile;
    use crate::config::machine::tests::machine;

    fn user(json: &str) -> Settings {
        serde_json::from_str(json).expect("a user file")
    }

    #[test]
    fn with_no_settings_the_built_ins_and_safe_defaults_apply() {
        let m = messaging(None, &Settings::default());
        assert_eq!(m.practice_name, None);
        assert!(!m.policy.allow_restricted);
        assert!(!m.write_to_record);
        let names: Vec<&str> = m.templates.iter().map(Template::name).collect();
        assert_eq!(names, ["welcome", "invite", "complete_registration"]);
    }

    #[test]
    fn its_values_are_defaults_the_user_may_change_unless_locked() {
        let it = r#"{"environment": "production", "practice_name": "IT Surgery",
            "allow_messages_to_restricted": true, "write_to_record": true,
            "appointment_type": "Flu jab", "location": "Main",
            "templates": {"invite": "Book at {practice}: {link}", "recall": "Hi {first_name}"}}"#;
        let own = user(
            r#"{"practice_name": "My Surgery", "location": "Annexe", "write_to_record": false,
            "templates": {"recall": "Hello {first_name}", "mine": "Hi"}}"#,
        );
        let open = messaging(Some(&machine(it)), &own);
        assert_eq!(open.practice_name.as_deref(), Some("My Surgery"));
        assert_eq!(open.location.as_deref(), Some("Annexe"));
        assert_eq!(open.appointment_type.as_deref(), Some("Flu jab"));
        assert!(!open.write_to_record);
        assert!(open.policy.allow_restricted);
        assert_eq!(
            open.template("invite").map(Template::text),
            Some("Book at {practice}: {link}")
        );
        assert_eq!(
            open.template("recall").map(Template::text),
            Some("Hello {first_name}")
        );
        assert!(open.template("mine").is_some());

        let locked = it.replace("\"production\",", "\"production\", \"locked\": true,");
        let locked = messaging(Some(&machine(&locked)), &own);
        assert_eq!(locked.practice_name.as_deref(), Some("IT Surgery"));
        assert_eq!(locked.location.as_deref(), Some("Main"));
        assert!(locked.write_to_record);
        assert_eq!(
            locked.template("recall").map(Template::text),
            Some("Hi {first_name}")
        );
        assert!(locked.template("mine").is_none());
        // Only IT may allow restricted records: the user's file has no such field.
        assert!(
            !messaging(None, &user(r#"{"allow_messages_to_restricted": true}"#))
                .policy
                .allow_restricted
        );
    }

    #[test]
    fn a_user_template_with_an_unknown_placeholder_is_named_when_the_file_is_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, r#"{"templates": {"recall": "Hi {firstname}"}}"#).expect("write");
        let (settings, problem) = SettingsFile::at(&path).load_checked();
        assert_eq!(settings, Settings::default());
        let problem = problem.expect("a problem");
        assert!(
            problem
                .what
                .starts_with("The template \"recall\" uses {firstname}"),
            "{}",
            problem.what
        );
    }
}
