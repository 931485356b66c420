//! Keys typed ahead of a slow frame land where they were typed.
//!
//! egui hands every event that arrived since the last frame to one frame: the focused
//! text field takes all of that frame's text, while a Tab's focus move only takes
//! effect for the next frame. On a slow window (Remote Desktop, a VM, a software
//! renderer) "0018", Tab, "01/02/1992" arrive together and the "0" after Tab lands in
//! the NHS number. So each frame is given the events up to the next key that may move
//! the focus or act on the form, and that key gets a frame of its own; the rest wait
//! for the frames that follow, drawn at once.

use std::collections::VecDeque;

use egui::{Event, Key, RawInput};

#[derive(Default)]
pub struct TypeAhead {
    waiting: VecDeque<Event>,
    /// Handed to the last frame; cleared once a frame drew them. A window that is
    /// minimised only ticks its logic, and eframe gives them back in front of new input.
    handed_out: Vec<Event>,
}

/// The keys waiting may be patient details or an API key: only how many.
impl std::fmt::Debug for TypeAhead {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TypeAhead({} waiting)", self.waiting.len())
    }
}

impl TypeAhead {
    /// Keeps in `raw` only what one focus step may see; the rest waits for the next frame.
    pub fn pace(&mut self, raw: &mut RawInput) {
        let mut incoming = std::mem::take(&mut raw.events);
        if !self.handed_out.is_empty() && incoming.starts_with(&self.handed_out) {
            // Not drawn: they go first again, ahead of what is still waiting.
            for event in incoming.drain(..self.handed_out.len()).rev() {
                self.waiting.push_front(event);
            }
        }
        self.waiting.extend(incoming);
        let take = match self.waiting.iter().position(moves_focus_or_acts) {
            Some(0) => 1,
            Some(step) => step,
            None => self.waiting.len(),
        };
        raw.events.extend(self.waiting.drain(..take));
        self.handed_out.clone_from(&raw.events);
    }

    /// A frame drew the events handed out.
    pub fn drawn(&mut self) {
        self.handed_out.clear();
    }

    /// Events still waiting for a frame: draw the next one at once.
    pub fn has_waiting(&self) -> bool {
        !self.waiting.is_empty()
    }
}

/// A key or click (press or release) whose effect (a focus move, a submit, a shortcut,
/// a screen change) the keys typed after it must see.
fn moves_focus_or_acts(event: &Event) -> bool {
    match event {
        Event::Key {
            key,
            pressed: true,
            modifiers,
            ..
        } => {
            modifiers.command
                || modifiers.ctrl
                || modifiers.alt
                || matches!(
                    key,
                    Key::Tab | Key::Enter | Key::Escape | Key::ArrowUp | Key::ArrowDown
                )
        }
        // A button acts on release, a field takes the focus on press: both are steps.
        Event::PointerButton { .. }
        | Event::AccessKitActionRequest(_)
        | Event::Copy
        | Event::Cut => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::Modifiers;

    fn key(key: Key, modifiers: Modifiers) -> Event {
        Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        }
    }

    fn text(s: &str) -> Event {
        Event::Text(s.to_owned())
    }

    /// The frames the pacer hands to egui for one burst of events.
    fn frames(events: Vec<Event>) -> Vec<Vec<Event>> {
        let mut pacer = TypeAhead::default();
        let mut raw = RawInput {
            events,
            ..RawInput::default()
        };
        let mut frames = Vec::new();
        loop {
            pacer.pace(&mut raw);
            pacer.drawn();
            frames.push(std::mem::take(&mut raw.events));
            if !pacer.has_waiting() {
                return frames;
            }
        }
    }

    #[test]
    fn each_focus_step_gets_a_frame_of_its_own_in_order() {
        let tab = key(Key::Tab, Modifiers::NONE);
        let back = key(Key::Tab, Modifiers::SHIFT);
        let enter = key(Key::Enter, Modifiers::NONE);
        let burst = vec![
            text("9"),
            text("0"),
            tab.clone(),
            text("0"),
            back.clone(),
            text("1"),
            enter.clone(),
        ];
        assert_eq!(
            frames(burst),
            vec![
                vec![text("9"), text("0")],
                vec![tab],
                vec![text("0")],
                vec![back],
                vec![text("1")],
                vec![enter],
            ]
        );
    }

    #[test]
    fn shortcuts_and_clicks_are_steps_but_letters_and_paste_are_not() {
        let ctrl_comma = key(Key::Comma, Modifiers::COMMAND);
        let click = Event::PointerButton {
            pos: egui::Pos2::ZERO,
            button: egui::PointerButton::Primary,
            pressed: true,
            modifiers: Modifiers::NONE,
        };
        let letter = key(Key::A, Modifiers::SHIFT);
        let paste = Event::Paste("01/02/1992".to_owned());
        let burst = vec![
            letter.clone(),
            paste.clone(),
            ctrl_comma.clone(),
            click.clone(),
            key(Key::Escape, Modifiers::NONE),
        ];
        assert_eq!(
            frames(burst),
            vec![
                vec![letter, paste],
                vec![ctrl_comma],
                vec![click],
                vec![key(Key::Escape, Modifiers::NONE)],
            ]
        );
    }

    #[test]
    fn events_a_hidden_window_did_not_draw_come_back_first() {
        let mut pacer = TypeAhead::default();
        let mut raw = RawInput {
            events: vec![text("0"), key(Key::Tab, Modifiers::NONE), text("1")],
            ..RawInput::default()
        };
        pacer.pace(&mut raw);
        assert_eq!(raw.events, vec![text("0")]);
        // Minimised: only the logic ran; eframe hands "0" back in front of a new key.
        raw.events.push(text("2"));
        pacer.pace(&mut raw);
        assert_eq!(raw.events, vec![text("0")]);
        pacer.drawn();
        let mut rest = Vec::new();
        while pacer.has_waiting() {
            raw.events.clear();
            pacer.pace(&mut raw);
            pacer.drawn();
            rest.extend(raw.events.clone());
        }
        assert_eq!(
            rest,
            vec![key(Key::Tab, Modifiers::NONE), text("1"), text("2")]
        );
    }

    #[test]
    fn events_of_the_next_frame_queue_behind_those_still_waiting() {
        let mut pacer = TypeAhead::default();
        let mut raw = RawInput {
            events: vec![key(Key::Tab, Modifiers::NONE), text("1")],
            ..RawInput::default()
        };
        pacer.pace(&mut raw);
        assert_eq!(raw.events, vec![key(Key::Tab, Modifiers::NONE)]);
        raw.events = vec![text("2")];
        pacer.pace(&mut raw);
        assert_eq!(raw.events, vec![text("1"), text("2")]);
        assert!(!pacer.has_waiting());
    }
}
