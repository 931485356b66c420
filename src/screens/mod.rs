//! The window's screens. Each owns its state, draws it (`ui`, which only returns the
//! messages the user sent), and changes it (`update`, which may hand its parent a
//! [`ToApp`] for what crosses screens). The app routes; it decides nothing a screen can.

pub mod batch;
pub mod intake;
pub mod settings;
pub mod welcome;

use crate::api::Surface;
use crate::config::Environment;

/// The window's words for what to do about an error: the key to press, where Settings are.
pub const WINDOW: Surface = Surface {
    send_again: "press Enter to send again",
    try_again: "press Enter to try again",
    key_is: "in Settings",
    group_is: "in Settings",
    server_is: "in Settings",
};

pub use crate::desk::Notice;

/// What a screen asks of the window around it: things that cross screens.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub enum ToApp {
    OpenSettings,
    CloseSettings,
    /// Switch environment (Settings).
    SetEnvironment(Environment),
    /// The welcome's "Try the demo": the demo, then the intake screen.
    TryDemo,
    ImportList,
    CloseBatch,
}

/// Side effects on the egui context, applied by the app after the pass: a screen's
/// `update` runs outside drawing, so it asks rather than acts.
#[derive(Debug, Default)]
pub struct Effects {
    pub focus: Option<egui::Id>,
    pub copy: Option<String>,
    /// The theme or text size changed.
    pub restyle: bool,
}

impl Effects {
    pub fn focus(&mut self, id: egui::Id) {
        self.focus = Some(id);
    }

    pub fn copy(&mut self, text: impl Into<String>) {
        self.copy = Some(text.into());
    }
}
