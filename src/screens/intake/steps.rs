//! The intake screen's side of the next steps: opening them from the card, sending
//! through the worker, and what was done going into this shift's list.

use egui::RichText;

use super::next_step::{self, Act, InviteForm, MessageForm, NextStep, Sending};
use super::shift::DoneStep;
use super::{Msg, State};
use crate::api::{ApiError, BookingLink, PatientId, SentMessage};
use crate::desk::Desk;
use crate::messages::{Blocked, Cleared};
use crate::screens::Effects;
use crate::state::{Phase, RequestId};

impl State {
    /// Whether a registered patient's card is up (its next steps have keys).
    pub fn has_card(&self) -> bool {
        self.card.is_some() && !self.card_hidden
    }

    fn patient_id(&self) -> Option<PatientId> {
        match self.intake.phase() {
            Phase::Registered { patient_id, .. } => Some(patient_id.clone()),
            _ => None,
        }
    }

    fn cleared(&self, desk: &Desk) -> Option<Cleared> {
        let card = self.card.as_ref()?;
        next_step::clearance(card, desk, self.acknowledged)?.ok()
    }

    fn next_request(&mut self) -> RequestId {
        let id = self.next_step_id;
        self.next_step_id += 1;
        id
    }

    pub(super) fn next_step_update(&mut self, msg: Msg, desk: &mut Desk, fx: &mut Effects) {
        match msg {
            Msg::Acknowledge => self.acknowledged = true,
            Msg::OpenMessage if self.next_step.is_none() && self.cleared(desk).is_some() => {
                let form = MessageForm::new(desk.messaging().write_to_record);
                self.next_step = Some(NextStep::Message(form));
                self.scroll_to_step = true;
                fx.focus(next_step::message_field_id());
            }
            Msg::OpenInvite if self.next_step.is_none() && self.cleared(desk).is_some() => {
                desk.ensure_outreach_lists();
                let messaging = desk.messaging();
                let form = InviteForm::new(
                    messaging.appointment_type.clone(),
                    messaging.location.clone(),
                );
                let focus = if form.appointment_type.is_empty() {
                    next_step::type_field_id()
                } else {
                    next_step::location_field_id()
                };
                self.next_step = Some(NextStep::Invite(form));
                self.scroll_to_step = true;
                fx.focus(focus);
            }
            Msg::UseTemplate(name) => self.use_template(&name, desk),
            Msg::SendMessage => self.send_message(desk),
            Msg::CreateLink => self.create_link(desk),
            Msg::SendInvite => self.send_invite(desk),
            Msg::CloseNextStep => {
                let busy = match &self.next_step {
                    Some(NextStep::Message(form)) => matches!(form.sent, Sending::Sending(_)),
                    Some(NextStep::Invite(form)) => {
                        matches!(form.link, Sending::Sending(_))
                            || matches!(form.sms, Sending::Sending(_))
                    }
                    None => false,
                };
                // Not while a request is out: its answer belongs on screen.
                if !busy {
                    self.next_step = None;
                }
            }
            _ => {}
        }
    }

    /// The first name on Hero's record, for `{first_name}`.
    fn first_name(&self) -> Option<String> {
        let patient = self.card.as_ref()?.patient()?;
        patient.first_name().map(str::to_owned)
    }

    fn use_template(&mut self, name: &str, desk: &Desk) {
        let first_name = self.first_name();
        let Some(NextStep::Message(form)) = &mut self.next_step else {
            return;
        };
        match next_step::template_text(desk, name, first_name.as_deref(), None, None) {
            Ok(text) => {
                form.text = text;
                form.problem = None;
            }
            Err(why) => form.problem = Some(why),
        }
    }

    fn send_message(&mut self, desk: &mut Desk) {
        let (Some(patient_id), Some(cleared)) = (self.patient_id(), self.cleared(desk)) else {
            return;
        };
        let id = self.next_request();
        let Some(NextStep::Message(form)) = &mut self.next_step else {
            return;
        };
        // A second Enter while sending (or after) sends nothing.
        if form.sent.is_busy_or_done() {
            return;
        }
        let message = match next_step::message_to_send(form, &patient_id, cleared) {
            Ok(message) => message,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        form.problem = None;
        start(
            desk,
            id,
            &mut form.sent,
            &mut form.problem,
            |worker, client| {
                worker.send_message(id, client, message);
            },
        );
    }

    fn create_link(&mut self, desk: &mut Desk) {
        let Some(patient_id) = self.patient_id() else {
            return;
        };
        let id = self.next_request();
        let Some(NextStep::Invite(form)) = &mut self.next_step else {
            return;
        };
        if form.link.is_busy_or_done() {
            return;
        }
        let (link, appointment_name) =
            match next_step::link_to_create(form, &patient_id, desk, crate::patient::today()) {
                Ok(link) => link,
                Err(problem) => {
                    form.problem = Some(problem);
                    return;
                }
            };
        form.problem = None;
        form.appointment_name = appointment_name;
        start(
            desk,
            id,
            &mut form.link,
            &mut form.problem,
            |worker, client| {
                worker.create_booking_link(id, client, link);
            },
        );
    }

    fn send_invite(&mut self, desk: &mut Desk) {
        let (Some(patient_id), Some(cleared)) = (self.patient_id(), self.cleared(desk)) else {
            return;
        };
        let first_name = self.first_name();
        let id = self.next_request();
        let Some(NextStep::Invite(form)) = &mut self.next_step else {
            return;
        };
        let Sending::Done(link) = &form.link else {
            return;
        };
        if form.sms.is_busy_or_done() {
            return;
        }
        let text = match next_step::template_text(
            desk,
            "invite",
            first_name.as_deref(),
            Some(&form.appointment_name),
            Some(&link.url),
        ) {
            Ok(text) => text,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        let mut sms = MessageForm::new(desk.messaging().write_to_record);
        sms.text = text;
        let message = match next_step::message_to_send(&sms, &patient_id, cleared) {
            Ok(message) => message,
            Err(problem) => {
                form.problem = Some(problem);
                return;
            }
        };
        start(
            desk,
            id,
            &mut form.sms,
            &mut form.problem,
            |worker, client| {
                worker.send_message(id, client, message);
            },
        );
    }

    pub fn on_message_sent(&mut self, id: RequestId, result: Result<SentMessage, ApiError>) {
        let (sent, label, link) = match &mut self.next_step {
            Some(NextStep::Message(form)) if matches!(form.sent, Sending::Sending(i) if i == id) => {
                (
                    &mut form.sent,
                    form.channel.label().to_owned() + " sent",
                    None,
                )
            }
            Some(NextStep::Invite(form)) if matches!(form.sms, Sending::Sending(i) if i == id) => {
                let link = match &form.link {
                    Sending::Done(link) => Some(link.url.clone()),
                    _ => None,
                };
                (&mut form.sms, "Invite to book sent".to_owned(), link)
            }
            _ => return,
        };
        let mut done = None;
        *sent = match result {
            Ok(message) => {
                done = Some(DoneStep {
                    label,
                    message_id: Some(message.message_id.clone()),
                    link,
                });
                Sending::Done(message.message_id)
            }
            Err(error) => Sending::Failed(error),
        };
        if let Some(done) = done {
            self.shift_done(done);
        }
        self.scroll_to_step = true;
    }

    pub fn on_link_created(
        &mut self,
        id: RequestId,
        result: Result<BookingLink, ApiError>,
        _desk: &Desk,
    ) {
        if let Some(NextStep::Invite(form)) = &mut self.next_step
            && matches!(form.link, Sending::Sending(i) if i == id)
        {
            form.link = match result {
                Ok(link) => Sending::Done(link),
                Err(error) => Sending::Failed(error),
            };
            self.scroll_to_step = true;
        }
    }

    /// What was done goes on the patient's line of this shift's list.
    fn shift_done(&mut self, done: DoneStep) {
        let Some(card) = &self.card else { return };
        let read_for = crate::worker::ReadFor::Desk(card.request);
        if let Some(entry) = self
            .shift
            .iter_mut()
            .rev()
            .find(|e| e.read_for == Some(read_for))
        {
            entry.done.push(done);
        }
    }

    /// The next steps beneath the card: the two actions, or why not, or the form open.
    pub(super) fn next_step_ui(&mut self, ui: &mut egui::Ui, desk: &Desk) -> Vec<Msg> {
        let mut messages = Vec::new();
        let Some(card) = &self.card else {
            return messages;
        };
        let contact = card
            .patient()
            .and_then(|p| p.masked_mobile())
            .map(|m| format!("mobile {m}"));
        let Some(clearance) = next_step::clearance(card, desk, self.acknowledged) else {
            return messages;
        };
        ui.add_space(8.0);
        match (self.next_step.as_mut(), clearance) {
            (_, Err(Blocked::NeedsAcknowledgement { .. })) => {
                ui.label("Check the details that differ with the patient before sending anything.");
                if ui.button(next_step::CHECKED_LABEL).clicked() {
                    messages.push(Msg::Acknowledge);
                }
            }
            (_, Err(blocked)) => {
                ui.label(RichText::new(blocked.to_string()).size(16.0));
            }
            (None, Ok(_)) => {
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new(next_step::MESSAGE_LABEL).size(16.0))
                        .clicked()
                    {
                        messages.push(Msg::OpenMessage);
                    }
                    if ui
                        .button(RichText::new(next_step::INVITE_LABEL).size(16.0))
                        .clicked()
                    {
                        messages.push(Msg::OpenInvite);
                    }
                });
            }
            (Some(NextStep::Message(form)), Ok(cleared)) => {
                let act = next_step::message_ui(ui, form, desk, cleared, contact);
                messages.extend(act.map(to_msg));
            }
            (Some(NextStep::Invite(form)), Ok(_)) => {
                let act = next_step::invite_ui(ui, form, desk);
                messages.extend(act.map(to_msg));
            }
        }
        if std::mem::take(&mut self.scroll_to_step) {
            ui.scroll_to_cursor(Some(egui::Align::BOTTOM));
        }
        messages
    }
}

/// Hands a request to the worker with the desk's client, and marks it under way; or
/// says why it can't go.
fn start<T>(
    desk: &mut Desk,
    id: RequestId,
    state: &mut Sending<T>,
    problem: &mut Option<String>,
    send: impl FnOnce(&crate::worker::Worker, crate::api::HeroClient),
) {
    match desk.connection().map(|c| desk.client(c)) {
        Ok(Ok(client)) => {
            *state = Sending::Sending(id);
            send(&desk.worker, client);
        }
        Ok(Err(error)) => *state = Sending::Failed(error),
        Err(why) => *problem = Some(why.to_string()),
    }
}

fn to_msg(act: Act) -> Msg {
    match act {
        Act::Send => Msg::SendMessage,
        Act::CreateLink => Msg::CreateLink,
        Act::SendInvite => Msg::SendInvite,
        Act::UseTemplate(name) => Msg::UseTemplate(name),
        Act::Copy(text) => Msg::CopyText(text),
        Act::Close => Msg::CloseNextStep,
    }
}
