//! The in-place key fix: when Hero rejects the key or practice group, the new ones are
//! entered under the result and the form, kept as typed, is sent again.

use egui::TextEdit;

use super::Msg;
use crate::config::Resolved;
use crate::desk::Desk;
use crate::secrets::ApiKey;

#[derive(Default)]
pub struct KeyFix {
    pub key_text: String,
    pub practice_group_text: String,
    /// Set by the practice's IT: shown, not editable.
    pub group_locked: bool,
    /// Why the last "Save and send again" didn't send.
    pub problem: Option<String>,
    /// The new key is being saved; the form is sent when the keychain answers.
    pub awaiting_save: bool,
}

impl std::fmt::Debug for KeyFix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyFix(<redacted>)")
    }
}

/// What "Save and send again" has to do.
pub(super) enum Changes {
    /// No new key: the practice group (if changed) is saved; send now.
    GroupOnly,
    /// Save this key, then send.
    Key(ApiKey),
    /// The key typed can't be a key: why.
    Unusable(String),
}

impl KeyFix {
    pub fn for_connection(resolved: &Resolved) -> Self {
        Self {
            group_locked: resolved.practice_group_locked(),
            practice_group_text: resolved.practice_group_id.clone(),
            ..Self::default()
        }
    }

    /// Saves a changed practice group in the settings and takes the typed key.
    pub(super) fn take_changes(&mut self, desk: &mut Desk) -> Changes {
        let resolved = desk.resolved();
        let group = self.practice_group_text.trim().to_owned();
        if !group.is_empty()
            && group != resolved.practice_group_id
            && !resolved.practice_group_locked()
        {
            desk.settings
                .practice_group_ids
                .insert(resolved.environment, group);
            if let Some(notice) = desk.save_settings()
                && notice.is_problem()
            {
                self.problem = Some(notice.text().to_owned());
            }
        }
        if self.key_text.trim().is_empty() {
            return Changes::GroupOnly;
        }
        match ApiKey::parse(&self.key_text) {
            Ok(key) => {
                self.key_text.clear();
                Changes::Key(key)
            }
            Err(e) => Changes::Unusable(e.to_string()),
        }
    }
}

pub const NEW_KEY_LABEL: &str = "New API key";
pub const NEW_GROUP_LABEL: &str = "Practice group ID (if it changed)";

/// Fix a rejected key where it happened: the form stays as typed and is sent again.
pub(super) fn fields(ui: &mut egui::Ui, fix: &mut KeyFix, actions: &mut Vec<Msg>) {
    // Plain rows, not a Grid: a new Grid hides its first frame, which would drop the focus.
    let key = ui
        .horizontal(|ui| {
            let label = ui.label(NEW_KEY_LABEL);
            ui.add_sized(
                [320.0, 24.0],
                TextEdit::singleline(&mut fix.key_text)
                    .password(true)
                    .id(field_id()),
            )
            .labelled_by(label.id)
        })
        .inner;
    let group_lost_focus = if fix.group_locked {
        ui.label(format!(
            "Practice group ID: {} (set by your practice's IT)",
            fix.practice_group_text
        ));
        false
    } else {
        ui.horizontal(|ui| {
            let label = ui.label(NEW_GROUP_LABEL);
            ui.add_sized(
                [320.0, 24.0],
                TextEdit::singleline(&mut fix.practice_group_text),
            )
            .labelled_by(label.id)
        })
        .inner
        .lost_focus()
    };
    let enter =
        (key.lost_focus() || group_lost_focus) && ui.input(|i| i.key_pressed(egui::Key::Enter));
    if ui.button("Save and send again (Enter)").clicked() || enter {
        actions.push(Msg::SaveKeyAndResend);
    }
    if let Some(problem) = &fix.problem {
        crate::ui::error_line(ui, problem);
    }
}

pub fn field_id() -> egui::Id {
    egui::Id::unique("key_fix_field")
}
