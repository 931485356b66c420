//! What the desk sends after a registration, without I/O: how many SMS a text takes
//! (`sms.rs`), who it may go to (`recipient.rs`), the templates and their placeholders
//! (`template.rs`), and whether anything may be sent to this patient at all
//! (`safety.rs`). Every sentence about them is worded here, once, for every surface.

mod choose;
mod recipient;
mod safety;
mod sms;
mod template;

pub use choose::{ChoiceProblem, choose};
pub use recipient::{Recipient, RecipientProblem};
pub use safety::{Blocked, Cleared, ContactPolicy, may_contact};
pub use sms::{Encoding, SmsLength, sms_length};
pub use template::{
    BUILT_IN, Placeholder, RenderError, Template, TemplateError, Values, built_in_templates,
};
