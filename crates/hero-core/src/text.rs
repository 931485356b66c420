//! Text as it arrives from a keyboard, a letter or another program's clipboard.
//! Pure: every patient field (NHS number, date of birth, names, postcode) is cleaned
//! by the same rule, so a character accepted in one field is never refused in another.

/// Characters pasting from other programs leaves behind: zero-width spaces and joiners,
/// direction marks and embeddings, word joiner, byte-order mark, soft hyphen.
pub fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'
        )
}

/// Direction marks, embeddings, overrides and isolates: they reorder the text around
/// them, so a name could be made to read as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Text from Hero (a name, an address line, a message) as it may be shown on a screen,
/// in a terminal or in a file: control characters (escape sequences' ESC included) and
/// bidirectional controls removed, line breaks and tabs turned into spaces. Data, never
/// markup or commands.
pub fn displayable(from_hero: &str) -> String {
    from_hero
        .chars()
        .filter(|&c| !is_bidi_control(c))
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
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
    fn text_from_hero_loses_escapes_controls_and_direction_overrides() {
        let hostile = "Ann\u{1b}[31m\u{202E}eno\u{2066}x\u{2069}\u{200F}\u{7}\nSmith\u{0}";
        assert_eq!(displayable(hostile), "Ann[31menox Smith");
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{2067}', '\u{2068}', '\u{200E}',
            '\u{061C}', '\u{9B}', '\u{7F}',
        ] {
            assert_eq!(displayable(&format!("a{c}b")), "ab", "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn text_from_hero_keeps_every_visible_character() {
        assert_eq!(
            displayable("Zoë O'Neil-Łukasz, 1 Flat"),
            "Zoë O'Neil-Łukasz, 1 Flat"
        );
        // Right-to-left text itself is data: only the controls that reorder it go.
        assert_eq!(displayable("مريم"), "مريم");
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
