//! Text as it arrives from a keyboard, a letter or another program's clipboard.
//! Pure: every patient field (NHS number, date of birth, names, postcode) is cleaned
//! by the same rule, so a character accepted in one field is never refused in another.

/// Characters pasting from other programs leaves behind: zero-width spaces and joiners,
/// direction marks and embeddings, word joiner, byte-order mark, soft hyphen.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Drops invisible characters and turns every kind of space (non-breaking and tabs
/// included) into a plain space. Not trimmed: callers trim or collapse as they need.
pub fn strip_invisible(input: &str) -> String {
    input
        .chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect()
}

/// Whether a field holds nothing but spaces and invisible characters: how every
/// screen and rule decides a field was left empty.
pub fn is_blank(input: &str) -> bool {
    input.chars().all(|c| c.is_whitespace() || is_invisible(c))
}

/// How a character is named in a message: control characters by code, digits from
/// other scripts as such (they look like 0–9 but aren't), anything else as itself.
pub(crate) fn describe_char(c: char) -> String {
    if c.is_control() {
        format!("a hidden control character (U+{:04X})", c as u32)
    } else if c.is_numeric() && !c.is_ascii_digit() {
        format!("{c}, a digit that isn't 0–9")
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_invisibles_are_dropped_and_odd_spaces_become_plain() {
        let pasted = "\u{FEFF}1\u{200B}2\u{00A0}3\u{202F}4\u{200E}5\u{2060}6\t7\u{00AD}8";
        assert_eq!(strip_invisible(pasted), "12 3 456 78");
    }

    #[test]
    fn only_spaces_and_invisibles_are_blank() {
        assert!(is_blank(" \u{200B}\u{00A0}\t"));
        assert!(is_blank(""));
        assert!(!is_blank(" \u{200B}a"));
    }

    #[test]
    fn visible_text_is_kept_as_typed() {
        assert_eq!(strip_invisible("Zoë O'Neil-Łukasz"), "Zoë O'Neil-Łukasz");
    }

    #[test]
    fn characters_are_named_for_messages() {
        assert_eq!(
            describe_char('\u{7}'),
            "a hidden control character (U+0007)"
        );
        assert_eq!(describe_char('٣'), "٣, a digit that isn't 0–9");
        assert_eq!(describe_char('Q'), "Q");
        assert_eq!(describe_char('3'), "3");
    }
}
