//! DynamoDB numbers: checking a number's text against DynamoDB's rules (38 significant digits,
//! exponents from -130 to +125) and its canonical form, so a number is stored as it was given.

use super::*;

/// Checks a number as DynamoDB does and returns its canonical text.
///
/// Accepted: decimal syntax with an optional sign, fraction and exponent (`-1.5e3`, `.5`,
/// `+2.`); up to 38 significant digits (leading and trailing zeros do not count); a magnitude
/// between 1E-130 and 9.9999999999999999999999999999999999999E+125, or zero. Refused: empty
/// text, spaces, `NaN`, `Infinity`, hex. The canonical form is plain decimal notation with no
/// exponent, no `+`, no leading or trailing zeros and `0` for every zero (`"1.50e2"` ->
/// `"150"`, `"-0.0"` -> `"0"`); it is numerically equal to the input, digit for digit.
pub fn validate_number(text: &str) -> Result<String> {
    canonical_number(text)
        .map_err(|why| Error::invalid_input("number", format!("not a DynamoDB number: {why}")))
}

pub(super) fn canonical_number(text: &str) -> std::result::Result<String, &'static str> {
    if text.is_empty() {
        return Err("the text is empty");
    }
    let (negative, rest) = if let Some(r) = text.strip_prefix('-') {
        (true, r)
    } else if let Some(r) = text.strip_prefix('+') {
        (false, r)
    } else {
        (false, text)
    };
    let (mantissa, exponent) = match rest.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (rest, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int_part) || !all_digits(frac_part) {
        return Err("only decimal digits, one '.', an optional sign and exponent are allowed");
    }
    if int_part.is_empty() && frac_part.is_empty() {
        return Err("there are no digits");
    }
    // The exponent; one of more than 25 digits is clamped to 10^26, which no text is long enough
    // to bring back into range, so zero stays zero and the arithmetic below cannot overflow.
    let exponent: i128 = match exponent {
        None => 0,
        Some(e) => {
            let (exp_negative, digits) = if let Some(d) = e.strip_prefix('-') {
                (true, d)
            } else if let Some(d) = e.strip_prefix('+') {
                (false, d)
            } else {
                (false, e)
            };
            if digits.is_empty() || !all_digits(digits) {
                return Err("the exponent needs digits");
            }
            let significant = digits.trim_start_matches('0');
            let value: i128 = if significant.len() > 25 {
                10i128.pow(26)
            } else {
                significant.parse().unwrap_or(0)
            };
            if exp_negative {
                -value
            } else {
                value
            }
        }
    };
    let mut joined = String::with_capacity(int_part.len() + frac_part.len());
    joined.push_str(int_part);
    joined.push_str(frac_part);
    let leading_trimmed = joined.trim_start_matches('0');
    let digits = leading_trimmed.trim_end_matches('0');
    if digits.is_empty() {
        return Ok("0".to_owned());
    }
    if digits.len() > MAX_DIGITS {
        return Err("more than 38 significant digits");
    }
    let len = |s: &str| i128::try_from(s.len()).unwrap_or(i128::MAX / 4);
    let trailing = len(leading_trimmed) - len(digits);
    // value = digits * 10^scale; the leading digit's exponent is scale + len - 1.
    let scale = exponent - len(frac_part) + trailing;
    let leading = scale + len(digits) - 1;
    if leading > MAX_EXPONENT {
        return Err("the magnitude is greater than 9.9999999999999999999999999999999999999E+125");
    }
    if leading < MIN_EXPONENT {
        return Err("the magnitude is smaller than 1E-130");
    }
    let mut out = String::with_capacity(digits.len() + 140);
    if negative {
        out.push('-');
    }
    let zeros = |n: i128| "0".repeat(usize::try_from(n).unwrap_or(0));
    if scale >= 0 {
        out.push_str(digits);
        out.push_str(&zeros(scale));
    } else if leading >= 0 {
        let split = usize::try_from(leading + 1).unwrap_or(0);
        let (whole, fraction) = digits.split_at_checked(split).unwrap_or((digits, ""));
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str("0.");
        out.push_str(&zeros(-leading - 1));
        out.push_str(digits);
    }
    Ok(out)
}

#[cfg(test)]
#[path = "number_tests.rs"]
mod tests;
