//! apiless's own base64 (`apiless::codec::text::Base64`) against the base64 crate it replaced: the
//! same text for any bytes, and for any text the same bytes or the same refusal, in both the
//! standard (padded) and the URL-safe unpadded alphabet.

use apiless::codec::text::Base64;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "base64: any bytes encode to the base64 crate's text, and back",
        cases: 1_000,
        run: encode,
    },
    Property {
        name: "base64: any text decodes to the base64 crate's bytes, or is refused as it is",
        cases: 2_000,
        run: decode,
    },
];

fn encode(check: &mut Check) -> Result<(), String> {
    check.run(&gen::bytes(), |bytes| {
        let standard = Base64::Standard.encode(&bytes);
        prop_assert_eq!(&standard, &STANDARD.encode(&bytes));
        let url = Base64::UrlSafeNoPad.encode(&bytes);
        prop_assert_eq!(&url, &URL_SAFE_NO_PAD.encode(&bytes));
        prop_assert_eq!(Base64::Standard.decode(&standard), Some(bytes.clone()));
        prop_assert_eq!(Base64::UrlSafeNoPad.decode(&url), Some(bytes));
        Ok(())
    })
}

fn decode(check: &mut Check) -> Result<(), String> {
    // Mostly near-valid text: digits of both alphabets, padding in any place, a stray space,
    // a multi-byte character; and encodings of random bytes with one digit changed.
    let near = vec(
        select(vec![
            'A', 'Q', 'g', 'w', 'z', '0', '9', '+', '/', '-', '_', '=', ' ', 'é',
        ]),
        0..14,
    )
    .prop_map(String::from_iter);
    let tweaked = (
        gen::bytes(),
        any::<usize>(),
        select(vec!['A', 'B', 'f', '=', '+', '_']),
    )
        .prop_map(|(b, at, c)| {
            let mut chars: Vec<char> = STANDARD.encode(b).chars().collect();
            if !chars.is_empty() {
                let i = at % chars.len();
                chars[i] = c;
            }
            String::from_iter(chars)
        });
    let text = prop_oneof![4 => near, 3 => tweaked, 2 => gen::base64ish(), 1 => gen::text()];
    check.run(&text, |text| {
        prop_assert_eq!(
            Base64::Standard.decode(&text),
            STANDARD.decode(&text).ok(),
            "standard {:?}",
            text
        );
        prop_assert_eq!(
            Base64::UrlSafeNoPad.decode(&text),
            URL_SAFE_NO_PAD.decode(&text).ok(),
            "url-safe {:?}",
            text
        );
        Ok(())
    })
}
