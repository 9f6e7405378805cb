//! The hand-written pieces of `apiless::codec::text` against the crates they stand in for
//! (ARCHITECTURE.md says what each crate would add to the package): base64 against the base64
//! crate (the same text for any bytes, and for any text the same bytes or the same refusal, in
//! both the standard padded and the URL-safe unpadded alphabet), percent-encoding against the
//! percent-encoding crate, substring search against `str::find`, and sorting names against
//! `slice::sort` (and the repeat it finds against a hash set).

use std::collections::HashSet;

use apiless::codec::text::{
    contains, find, first_repeat, percent_encode, percent_encode_into, sort_names, split_once,
    Base64,
};
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
    Property {
        name: "percent-encoding: any text encodes as the percent-encoding crate does",
        cases: 1_000,
        run: percent_encoding_crate,
    },
    Property {
        name: "search: find, contains and split_once answer as str's own for any text and needle",
        cases: 2_000,
        run: search,
    },
    Property {
        name: "sorting: sort_names is slice::sort, first_repeat the first a hash set refuses",
        cases: 1_000,
        run: sorting,
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

/// RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) are the only ones left as they are.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// And `/`, in paths.
const PATH: &percent_encoding::AsciiSet = &UNRESERVED.remove(b'/');

fn percent_encoding_crate(check: &mut Check) -> Result<(), String> {
    check.run(&(gen::text(), gen::text()), |(text, before)| {
        for keep_slash in [false, true] {
            let set = if keep_slash { PATH } else { UNRESERVED };
            let theirs = percent_encoding::utf8_percent_encode(&text, set).to_string();
            prop_assert_eq!(&percent_encode(&text, keep_slash), &theirs);
            let mut out = before.clone();
            percent_encode_into(&mut out, &text, keep_slash);
            prop_assert_eq!(out, before.clone() + &theirs);
        }
        Ok(())
    })
}

fn search(check: &mut Check) -> Result<(), String> {
    // Needles that are in the text (a slice of it at char boundaries), near misses (that slice
    // with one more char), and anything.
    let case = (gen::text(), any::<usize>(), any::<usize>(), gen::text()).prop_map(
        |(text, a, b, other)| {
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let (x, y) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            let inside = text[x.min(y)..x.max(y)].to_owned();
            let needle = match a % 4 {
                0 | 1 => inside,
                2 => inside + &other.chars().take(1).collect::<String>(),
                _ => other,
            };
            (text, needle)
        },
    );
    check.run(&case, |(text, needle)| {
        prop_assert_eq!(find(&text, &needle), text.find(needle.as_str()));
        prop_assert_eq!(contains(&text, &needle), text.contains(needle.as_str()));
        prop_assert_eq!(split_once(&text, &needle), text.split_once(needle.as_str()));
        Ok(())
    })
}

fn sorting(check: &mut Check) -> Result<(), String> {
    // Names from a small alphabet so that repeats are common, given in a shuffled order.
    let names = vec(
        prop_oneof![
            3 => proptest::sample::select(vec!["", "a", "b", "ab", "ba", "é", "a\0"])
                .prop_map(str::to_owned),
            1 => gen::text(),
        ],
        0..40,
    );
    check.run(&(names, any::<u64>()), |(names, shuffle)| {
        let mut pairs: Vec<(&[u8], usize)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_bytes(), i))
            .collect();
        // A Fisher-Yates shuffle driven by a xorshift of `shuffle`.
        let mut state = shuffle | 1;
        for i in (1..pairs.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            pairs.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let mut sorted = pairs.clone();
        sorted.sort();
        let mut ours = pairs.clone();
        sort_names(&mut ours);
        prop_assert_eq!(&ours, &sorted);

        let mut seen = HashSet::new();
        let expected = names.iter().position(|n| !seen.insert(n));
        prop_assert_eq!(first_repeat(&mut pairs), expected);
        Ok(())
    })
}
