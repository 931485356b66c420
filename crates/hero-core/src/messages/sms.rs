//! How many SMS a text takes: GSM 7-bit (160 characters in one message, 153 per part
//! when split; the extension table's characters take two) unless any character needs
//! Unicode (UCS-2: 70 in one, 67 per part, counted in UTF-16 units). A part never
//! splits an escape pair or a surrogate pair, as phones and SMS gateways do not.

/// GSM 03.38's basic character set, in table order.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each is sent as an escape and the character (two septets).
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{c}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// The length of a text as an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SmsLength {
    pub encoding: Encoding,
    /// What counts against the limit: septets (GSM) or UTF-16 units (UCS-2).
    pub units: usize,
    /// Messages it will take (0 for an empty text).
    pub parts: usize,
    /// Characters as a person counts them.
    pub characters: usize,
}

impl SmsLength {
    /// `1 SMS`, `3 SMS (Unicode)`: for the window's counter and the CLI.
    pub fn describe(&self) -> String {
        let unicode = match self.encoding {
            Encoding::Gsm7 => "",
            Encoding::Ucs2 => " (Unicode)",
        };
        format!(
            "{} characters, {} SMS{unicode}",
            self.characters, self.parts
        )
    }
}

fn gsm_units(c: char) -> Option<usize> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Parts needed when each piece (of `width` units, never split) fills parts of
/// `per_part` units in order.
fn parts_for(widths: impl Iterator<Item = usize>, per_part: usize) -> usize {
    let mut parts = 1;
    let mut used = 0;
    for width in widths {
        if used + width > per_part {
            parts += 1;
            used = 0;
        }
        used += width;
    }
    parts
}

/// The SMS length of `text`: pure, for the window's counter and the CLI.
pub fn sms_length(text: &str) -> SmsLength {
    let characters = text.chars().count();
    let gsm: Option<Vec<usize>> = text.chars().map(gsm_units).collect();
    let (encoding, widths, single, per_part) = match gsm {
        Some(widths) => (Encoding::Gsm7, widths, 160, 153),
        None => (
            Encoding::Ucs2,
            text.chars().map(char::len_utf16).collect(),
            70,
            67,
        ),
    };
    let units: usize = widths.iter().sum();
    let parts = match units {
        0 => 0,
        n if n <= single => 1,
        _ => parts_for(widths.into_iter(), per_part),
    };
    SmsLength {
        encoding,
        units,
        parts,
        characters,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn gsm_char() -> impl Strategy<Value = char> {
        let all: Vec<char> = GSM_BASIC.chars().chain(GSM_EXTENSION.chars()).collect();
        proptest::sample::select(all)
    }

    fn basic_char() -> impl Strategy<Value = char> {
        proptest::sample::select(GSM_BASIC.chars().collect::<Vec<_>>())
    }

    #[test]
    fn the_limits_at_their_edges() {
        let a = |n: usize| "a".repeat(n);
        assert_eq!(sms_length("").parts, 0);
        assert_eq!(sms_length(&a(160)).parts, 1);
        assert_eq!(sms_length(&a(161)).parts, 2);
        assert_eq!(sms_length(&a(306)).parts, 2);
        assert_eq!(sms_length(&a(307)).parts, 3);
        // An extension character counts double: 159 + '€' is 161 septets.
        let euro = format!("{}€", a(159));
        assert_eq!((sms_length(&euro).units, sms_length(&euro).parts), (161, 2));
        assert_eq!(sms_length(&format!("{}€", a(158))).parts, 1);
        // One character outside GSM makes it all Unicode: 70 / 67.
        let unicode = |n: usize| format!("ś{}", a(n - 1));
        assert_eq!(sms_length(&unicode(70)).encoding, Encoding::Ucs2);
        assert_eq!(sms_length(&unicode(70)).parts, 1);
        assert_eq!(sms_length(&unicode(71)).parts, 2);
        assert_eq!(sms_length(&unicode(134)).parts, 2);
        assert_eq!(sms_length(&unicode(135)).parts, 3);
        // An emoji is two UTF-16 units.
        assert_eq!(sms_length("👍").units, 2);
        assert_eq!(sms_length(&euro).describe(), "160 characters, 2 SMS");
        assert_eq!(sms_length("ś").describe(), "1 characters, 1 SMS (Unicode)");
    }

    #[test]
    fn an_escape_pair_is_never_split_across_parts() {
        // 152 septets, then '€' (2): 154 does not fit a 153 part, so it moves on whole.
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(sms_length(&text).units, 164);
        assert_eq!(sms_length(&text).parts, 2);
        let text = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        // 306 septets would be 2 parts of 153 if split; unsplit it takes 3.
        assert_eq!(sms_length(&text).units, 306);
        assert_eq!(sms_length(&text).parts, 3);
    }

    proptest! {
        #[test]
        fn gsm_text_up_to_160_septets_is_one_message(text in proptest::collection::vec(basic_char(), 1..=160)) {
            let text: String = text.into_iter().collect();
            let length = sms_length(&text);
            prop_assert_eq!(length.encoding, Encoding::Gsm7);
            prop_assert_eq!(length.units, length.characters);
            prop_assert_eq!(length.parts, 1);
        }

        #[test]
        fn parts_hold_every_unit_and_no_part_is_wasted(chars in proptest::collection::vec(gsm_char(), 0..700)) {
            let text: String = chars.into_iter().collect();
            let length = sms_length(&text);
            if length.parts > 1 {
                prop_assert!(length.parts * 153 >= length.units);
                // At most one unit lost per part to an unsplit pair.
                prop_assert!(length.units + length.parts > (length.parts - 1) * 153);
            }
        }

        #[test]
        fn adding_a_character_never_takes_fewer_messages(text in ".{0,400}", extra in any::<char>()) {
            let before = sms_length(&text);
            let after = sms_length(&format!("{text}{extra}"));
            prop_assert!(after.parts >= before.parts);
            prop_assert!(after.parts >= 1);
        }

        #[test]
        fn any_non_gsm_character_makes_it_unicode(text in ".{0,200}", c in any::<char>().prop_filter("not GSM", |c| gsm_units(*c).is_none())) {
            let length = sms_length(&format!("{text}{c}"));
            prop_assert_eq!(length.encoding, Encoding::Ucs2);
            if length.units <= 70 {
                prop_assert_eq!(length.parts, 1);
            } else {
                prop_assert!(length.parts >= length.units.div_ceil(67));
                // A surrogate pair left whole wastes at most one unit per part.
                prop_assert!(length.units + length.parts > (length.parts - 1) * 67);
            }
        }
    }
}
