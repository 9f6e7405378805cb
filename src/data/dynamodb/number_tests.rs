//! Unit tests of DynamoDB numbers (`number.rs`): canonical text without losing digits, and the
//! numbers DynamoDB refuses.

use super::*;
use crate::ErrorKind;

#[test]
fn numbers_become_canonical_without_losing_digits() {
    let cases = [
        ("0", "0"),
        ("-0", "0"),
        ("+0.000e-999", "0"),
        ("12", "12"),
        ("+12", "12"),
        ("-12.50", "-12.5"),
        ("007", "7"),
        ("1e3", "1000"),
        ("1.50E2", "150"),
        ("1.5e-3", "0.0015"),
        (".5", "0.5"),
        ("5.", "5"),
        ("123.456", "123.456"),
        (
            "12345678901234567890123456789012345678",
            "12345678901234567890123456789012345678",
        ),
        (
            "0.000000000000000000000000000000000000001",
            "0.000000000000000000000000000000000000001",
        ),
        (
            "-9.9999999999999999999999999999999999999E+125",
            &format!("-{}{}", "9".repeat(38), "0".repeat(88)),
        ),
        ("1E-130", &format!("0.{}1", "0".repeat(129))),
        (
            "1000000000000000000000000000000000000000000000",
            "1000000000000000000000000000000000000000000000",
        ),
        ("1.000000000000000000000000000000000000000000000000", "1"),
        // Zero is zero whatever its exponent, even one too long to read.
        ("0e-99999999999999999999999999999999", "0"),
        ("-0.0E+99999999999999999999999999999999", "0"),
    ];
    for (input, canonical) in cases {
        assert_eq!(validate_number(input).unwrap(), canonical, "{input}");
    }
}

#[test]
fn numbers_dynamodb_refuses_are_refused() {
    for bad in [
        "",
        "123456789012345678901234567890123456789",
        "1.23456789012345678901234567890123456789",
        "1E+126",
        "10E+125",
        "1E-131",
        "0.1E-130",
        "1e99999999999999999999999999999999",
        "1e-99999999999999999999999999999999",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x10",
        "1e",
        "1e+",
        "--1",
        "+-1",
        "-",
        ".",
        "1.2.3",
        " 1",
        "1 ",
        "1_000",
        "١٢",
    ] {
        let e = validate_number(bad).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{bad:?}");
    }
}
