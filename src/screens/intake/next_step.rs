//! The next step at the desk, from a registered patient's card: send them a message,
//! or invite them to book (a booking link, sent by SMS). Part of the intake screen's
//! result; every request goes through the worker and the one client, which never
//! repeats a message or a link once Hero may have received it.

use egui::{Key, KeyboardShortcut, Modifiers, TextEdit};

use super::card::Card;
use crate::api::{ApiError, BookingLink, Channel, NewBookingLink, NewMessage, PatientId};
use crate::desk::{Desk, Fetched};
use crate::messages::{Blocked, Cleared, Recipient, Values, choose, may_contact, sms_length};
use crate::state::RequestId;

/// Days a booking link stays usable, and how many bookings it allows.
pub const LINK_DAYS: i64 = 14;
pub const LINK_USES: u32 = 1;

pub const MESSAGE_LABEL: &str = "Send a message (Ctrl+M)";
pub const INVITE_LABEL: &str = "Invite to book (Ctrl+B)";
pub const CHECKED_LABEL: &str = "Checked with the patient (Ctrl+K)";
pub const TEXT_LABEL: &str = "Message";
pub const OTHER_RECIPIENT_LABEL: &str = "Send to another number or email (optional)";
pub const TYPE_LABEL: &str = "Appointment type";
pub const LOCATION_LABEL: &str = "Location";

#[derive(Debug)]
pub enum NextStep {
    Message(MessageForm),
    Invite(InviteForm),
}

/// Where a request stands.
#[derive(Debug)]
pub enum Sending<T> {
    NotYet,
    Sending(RequestId),
    Done(T),
    Failed(ApiError),
}

impl<T> Sending<T> {
    pub fn is_busy_or_done(&self) -> bool {
        matches!(self, Self::Sending(_) | Self::Done(_))
    }
}

#[derive(Debug)]
pub struct MessageForm {
    pub text: String,
    pub channel: Channel,
    /// Empty: the contact on the patient's record.
    pub other_recipient: String,
    pub write_to_record: bool,
    pub sent: Sending<String>,
    /// Why the form can't be sent as it is.
    pub problem: Option<String>,
}

#[derive(Debug)]
pub struct InviteForm {
    pub appointment_type: String,
    pub location: String,
    pub link: Sending<BookingLink>,
    /// The appointment type's name as Hero lists it, once the link is asked for.
    pub appointment_name: String,
    /// The invitation by SMS, once the link exists.
    pub sms: Sending<String>,
    pub problem: Option<String>,
}

impl MessageForm {
    pub fn new(write_to_record: bool) -> Self {
        Self {
            text: String::new(),
            channel: Channel::Sms,
            other_recipient: String::new(),
            write_to_record,
            sent: Sending::NotYet,
            problem: None,
        }
    }
}

impl InviteForm {
    pub fn new(appointment_type: Option<String>, location: Option<String>) -> Self {
        Self {
            appointment_type: appointment_type.unwrap_or_default(),
            location: location.unwrap_or_default(),
            link: Sending::NotYet,
            appointment_name: String::new(),
            sms: Sending::NotYet,
            problem: None,
        }
    }
}

/// Whether the patient on the card may be contacted, and on what terms: None while the
/// details are still being read (or couldn't be: then nothing is offered).
pub fn clearance(card: &Card, desk: &Desk, acknowledged: bool) -> Option<Result<Cleared, Blocked>> {
    let patient = card.patient()?;
    Some(may_contact(
        patient,
        Some(card.typed()),
        &desk.messaging().policy,
        acknowledged,
    ))
}

/// The message to send from the form, or why it can't be sent.
pub fn message_to_send(
    form: &MessageForm,
    patient_id: &PatientId,
    cleared: Cleared,
) -> Result<NewMessage, String> {
    if form.text.trim().is_empty() {
        return Err("Type the message (or pick a template) first.".to_owned());
    }
    let typed = form.other_recipient.trim();
    cleared
        .check_other_recipient(!typed.is_empty())
        .map_err(|b| b.to_string())?;
    let recipient = if typed.is_empty() {
        None
    } else {
        Some(
            Recipient::parse(typed, form.channel)
                .map_err(|p| p.to_string())?
                .wire_form()
                .to_owned(),
        )
    };
    Ok(NewMessage {
        patient_id: patient_id.clone(),
        channel: form.channel,
        // Ctrl+Enter in the message may have added a line break at the end.
        text: form.text.trim_end().to_owned(),
        recipient,
        write_to_record: form.write_to_record,
    })
}

/// The booking link to make from the form, or why not: each choice typed is matched
/// against Hero's list (an ID, or a name in any case, or the one name containing it).
pub fn link_to_create(
    form: &InviteForm,
    patient_id: &PatientId,
    desk: &Desk,
    today: jiff::civil::Date,
) -> Result<(NewBookingLink, String), String> {
    let lists = desk
        .outreach()
        .ok_or("The appointment types and locations are still being read from Hero.")?;
    let appointment_type = pick(&lists.appointment_types, &form.appointment_type, TYPE_LABEL)?;
    let location = pick(&lists.locations, &form.location, LOCATION_LABEL)?;
    let expires = today
        .checked_add(jiff::Span::new().days(LINK_DAYS))
        .map_err(|_| "The link's expiry date couldn't be worked out.".to_owned())?;
    Ok((
        NewBookingLink {
            patient_id: patient_id.clone(),
            appointment_type_id: appointment_type.id.clone(),
            location_id: location.id.clone(),
            expires,
            maximum_use_count: LINK_USES,
        },
        appointment_type.name.clone(),
    ))
}

fn pick<'a>(
    list: &'a Fetched<Vec<crate::api::Choice>>,
    typed: &str,
    what: &str,
) -> Result<&'a crate::api::Choice, String> {
    match list {
        Fetched::Loading => Err(format!("{what}s are still being read from Hero.")),
        Fetched::Failed(error) => Err(format!("{what}s couldn't be read: {}", error.cause())),
        Fetched::Ready(choices) => choose(choices, typed).map_err(|p| format!("{what}: {p}")),
    }
}

/// A template's text with what is known filled in, or why it can't be used (a template
/// that needs the practice's name when none is known says so rather than leave a gap).
pub fn template_text(
    desk: &Desk,
    name: &str,
    first_name: Option<&str>,
    appointment: Option<&str>,
    link: Option<&str>,
) -> Result<String, String> {
    let messaging = desk.messaging();
    let template = messaging
        .template(name)
        .ok_or_else(|| format!("There is no \"{name}\" template."))?;
    let practice = desk.practice_name();
    template
        .render(&Values {
            first_name,
            practice: practice.as_deref(),
            appointment,
            link,
        })
        .map_err(|e| e.to_string())
}

/// What the user did in a next step.
pub enum Act {
    Send,
    CreateLink,
    SendInvite,
    UseTemplate(String),
    Copy(String),
    Close,
}

pub fn message_ui(
    ui: &mut egui::Ui,
    form: &mut MessageForm,
    desk: &Desk,
    cleared: Cleared,
    contact: Option<String>,
) -> Option<Act> {
    let mut act = None;
    ui.heading("Send a message");
    ui.horizontal_wrapped(|ui| {
        ui.label("Template:");
        // The practice's own first, then the built-in ones.
        let mut templates: Vec<_> = desk.messaging().templates.iter().collect();
        templates.sort_by_key(|t| {
            crate::messages::BUILT_IN
                .iter()
                .any(|(name, text)| *name == t.name() && *text == t.text())
        });
        for template in templates {
            if ui.small_button(template.name()).clicked() {
                act = Some(Act::UseTemplate(template.name().to_owned()));
            }
        }
    });
    let label = ui.label(TEXT_LABEL);
    let text = ui
        .add(
            TextEdit::multiline(&mut form.text)
                .id(message_field_id())
                .desired_rows(3)
                .desired_width(520.0)
                .interactive(!form.sent.is_busy_or_done()),
        )
        .labelled_by(label.id);
    if form.channel == Channel::Sms {
        ui.label(sms_length(&form.text).describe());
    } else {
        ui.label(format!("{} characters", form.text.chars().count()));
    }
    ui.horizontal(|ui| {
        ui.label("By:");
        for channel in [Channel::Sms, Channel::Email, Channel::NhsApp] {
            ui.selectable_value(&mut form.channel, channel, channel.label());
        }
    });
    let to = contact.unwrap_or_else(|| "the contact on the patient's record".to_owned());
    ui.label(format!("To: {to}"));
    if cleared.other_recipient_allowed() && form.channel != Channel::NhsApp {
        ui.horizontal(|ui| {
            let label = ui.label(OTHER_RECIPIENT_LABEL);
            ui.add(TextEdit::singleline(&mut form.other_recipient).desired_width(240.0))
                .labelled_by(label.id);
        });
    }
    ui.checkbox(
        &mut form.write_to_record,
        "Write it to the patient's record",
    );
    let in_text = text.has_focus();
    let ctrl_enter = ui
        .input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Enter)));
    let enter = ctrl_enter || (!in_text && ui.input(|i| i.key_pressed(Key::Enter)));
    act = act.or(send_row(
        ui,
        &form.sent,
        "Send (Enter; Ctrl+Enter in the message)",
        enter,
        Act::Send,
    ));
    if let Some(problem) = &form.problem {
        crate::ui::error_line(ui, problem);
    }
    act
}

/// The send button and what became of the send.
fn send_row(
    ui: &mut egui::Ui,
    sent: &Sending<String>,
    label: &str,
    enter: bool,
    send: Act,
) -> Option<Act> {
    let mut act = None;
    match sent {
        Sending::NotYet => {
            ui.horizontal(|ui| {
                if ui.button(label).clicked() || enter {
                    act = Some(send);
                }
                if ui.button("Back (Esc)").clicked() {
                    act = Some(Act::Close);
                }
            });
        }
        Sending::Sending(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Sending…");
            });
        }
        Sending::Done(id) => {
            ui.colored_label(
                crate::ui::ok_color(ui),
                format!(
                    "{} Sent (Hero's message ID {id}). Esc: back to the patient.",
                    crate::ui::OK_ICON
                ),
            );
        }
        Sending::Failed(error) => {
            crate::ui::error_line(ui, &error.cause());
            ui.label(format!(
                "What to do: {}",
                error.fix(&crate::screens::WINDOW)
            ));
        }
    }
    act
}

pub fn invite_ui(ui: &mut egui::Ui, form: &mut InviteForm, desk: &Desk) -> Option<Act> {
    let mut act = None;
    ui.heading("Invite to book");
    let editable = matches!(form.link, Sending::NotYet | Sending::Failed(_));
    let lists = desk.outreach();
    for (label, text, list, id) in [
        (
            TYPE_LABEL,
            &mut form.appointment_type,
            lists.map(|l| &l.appointment_types),
            type_field_id(),
        ),
        (
            LOCATION_LABEL,
            &mut form.location,
            lists.map(|l| &l.locations),
            location_field_id(),
        ),
    ] {
        ui.horizontal(|ui| {
            let label = ui.label(label);
            ui.add(
                TextEdit::singleline(text)
                    .id(id)
                    .hint_text("type a few letters")
                    .desired_width(240.0)
                    .interactive(editable),
            )
            .labelled_by(label.id);
            match list.map(|l| pick(l, text, "")) {
                Some(Ok(choice)) => {
                    ui.colored_label(
                        crate::ui::ok_color(ui),
                        format!("{} {}", crate::ui::OK_ICON, choice.name),
                    );
                }
                Some(Err(why)) if !text.trim().is_empty() => {
                    crate::ui::error_line(ui, why.trim_start_matches(": "));
                }
                _ => {}
            }
        });
    }
    ui.label(format!(
        "The link lasts {LINK_DAYS} days and books {LINK_USES} appointment."
    ));
    let enter = ui.input(|i| i.key_pressed(Key::Enter));
    match &form.link {
        Sending::NotYet | Sending::Failed(_) => {
            if let Sending::Failed(error) = &form.link {
                crate::ui::error_line(
                    ui,
                    &format!("{} {}", error.cause(), error.fix(&crate::screens::WINDOW)),
                );
            }
            ui.horizontal(|ui| {
                if ui.button("Make the link (Enter)").clicked() || enter {
                    act = Some(Act::CreateLink);
                }
                if ui.button("Back (Esc)").clicked() {
                    act = Some(Act::Close);
                }
            });
        }
        Sending::Sending(_) => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Making the link…");
            });
        }
        Sending::Done(link) => {
            ui.horizontal(|ui| {
                let label = ui.label("Booking link");
                let mut shown = link.url.clone();
                ui.add(TextEdit::singleline(&mut shown).desired_width(360.0))
                    .labelled_by(label.id);
                if ui.button("Copy link").clicked() {
                    act = Some(Act::Copy(link.url.clone()));
                }
            });
            act = act.or(send_row(
                ui,
                &form.sms,
                "Send it by SMS (Enter)",
                enter,
                Act::SendInvite,
            ));
        }
    }
    if let Some(problem) = &form.problem {
        crate::ui::error_line(ui, problem);
    }
    act
}

pub fn message_field_id() -> egui::Id {
    egui::Id::unique("next_step_message")
}

pub fn type_field_id() -> egui::Id {
    egui::Id::unique("next_step_appointment_type")
}

pub fn location_field_id() -> egui::Id {
    egui::Id::unique("next_step_location")
}
