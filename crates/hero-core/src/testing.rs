//! Only with the `test-support` feature: NHS test numbers for the tests of both crates.
//! The check digit is written out afresh here, not taken from [`crate::patient`], so
//! the tests that use these numbers still check the crate's own Modulus 11.

/// The Modulus 11 check digit of nine digits (weights 10 down to 2; 11 - (sum mod 11),
/// where 11 means 0). None when it would be 10: no NHS number starts with those nine.
pub fn mod11_check_digit(first_nine: &[u8]) -> Option<u8> {
    assert_eq!(first_nine.len(), 9, "nine digits");
    let sum: u32 = first_nine
        .iter()
        .zip((2..=10).rev())
        .map(|(&d, weight)| u32::from(d) * weight)
        .sum();
    match 11 - sum % 11 {
        11 => Some(0),
        10 => None,
        check => u8::try_from(check).ok(),
    }
}

/// Valid 10-digit NHS numbers from the first nine digits `first_nine` upwards, in order
/// (those whose check digit would be 10 skipped). Start in the 999 million test range.
pub fn nhs_numbers_from(first_nine: u32) -> impl Iterator<Item = String> {
    (first_nine..=999_999_999).filter_map(|n| {
        let nine = format!("{n:09}");
        let digits: Vec<u8> = nine.bytes().map(|b| b - b'0').collect();
        mod11_check_digit(&digits).map(|check| format!("{nine}{check}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_the_published_check_digits() {
        // 943 476 5919 is the NHS Data Dictionary's worked example.
        assert_eq!(mod11_check_digit(&[9, 4, 3, 4, 7, 6, 5, 9, 1]), Some(9));
        let first: Vec<String> = nhs_numbers_from(999_000_000).take(3).collect();
        assert_eq!(first, ["9990000018", "9990000026", "9990000034"]);
    }
}
