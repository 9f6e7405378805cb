//! Small text helpers: substring search without the standard library's two-way searcher, the
//! value of a hex digit, percent-encoding, sorting names to find repeats, and base64 (RFC 4648:
//! the standard alphabet with padding, the URL-safe one without) in a few hundred bytes of wasm
//! instead of the base64 crate's 3.4 KB gzip, which is now a dev-dependency that the properties
//! check this code against. Hex itself is the `hex` crate's (already in the package through
//! aws-sigv4). ARCHITECTURE.md has what each crate would add to the package, measured.
//!
//! `str::find(&str)`, `contains(&str)` and `split_once(&str)` bring in `StrSearcher`, 5.0 KB
//! gzip in the package (`memchr::memmem` 3.5 KB), for the handful of short needles apiless looks
//! for in short texts (an error message, a header, an S3 listing). A plain scan does the same job
//! in a few dozen bytes.
//! Quadratic in the worst case, which for these needles (at most a few dozen bytes) and texts
//! (at most an S3 listing page) is never the cost that matters.

/// The byte offset of the first `needle` in `haystack`; `Some(0)` for an empty needle.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    h.windows(n.len()).position(|w| w == n)
}

/// Whether `needle` occurs in `haystack`.
pub fn contains(haystack: &str, needle: &str) -> bool {
    find(haystack, needle).is_some()
}

/// `haystack` split around the first `needle`.
pub fn split_once<'a>(haystack: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(haystack, needle)?;
    // `at` and `at + needle.len()` are char boundaries: a match of a whole UTF-8 string starts
    // and ends on them.
    Some((haystack.get(..at)?, haystack.get(at + needle.len()..)?))
}

/// `parts` joined by `sep` (the standard library's `join` is a larger generic copy loop).
pub fn join(parts: &[impl AsRef<str>], sep: &str) -> String {
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(part.as_ref());
    }
    out
}

/// The value of an ASCII hex digit (either case), or `None`.
pub fn hex_value(digit: u8) -> Option<u8> {
    // At most 15, so the narrowing is exact.
    char::from(digit).to_digit(16).map(|v| v as u8)
}

/// Whether `b` is one of RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`), the only
/// bytes SigV4, S3 keys and `otpauth` URIs leave as they are.
pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Appends `s` percent-encoded as SigV4 and S3 want it: every byte but the unreserved ones (and
/// `/`, with `keep_slash`) becomes `%XX` in upper-case hex, so a `%` becomes `%25`. The same as
/// the percent-encoding crate's `utf8_percent_encode` (a property checks it), which would add
/// 0.8 KB gzip to the package.
pub fn percent_encode_into(out: &mut String, s: &str, keep_slash: bool) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(DIGITS[usize::from(b >> 4)]));
            out.push(char::from(DIGITS[usize::from(b & 15)]));
        }
    }
}

/// [`percent_encode_into`] a new string.
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    percent_encode_into(&mut out, s, keep_slash);
    out
}

/// Sorts `(name, index)` pairs by name, then index, with a heapsort: O(n log n) for lists of
/// any length, where `sort_unstable` would add 1.5 KB gzip to the package. Equal names end up
/// adjacent, in the order they were given, which is how repeats are found (JSON object fields,
/// DynamoDB set members).
pub fn sort_names(v: &mut [(&[u8], usize)]) {
    fn sift_down(v: &mut [(&[u8], usize)], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// The smallest index whose name equals a name at a smaller index, if any, found by sorting
/// `names` (name, index) with [`sort_names`], which leaves them sorted: O(n log n) for lists of
/// any length, in a fraction of the wasm of a hash set.
pub fn first_repeat(names: &mut [(&[u8], usize)]) -> Option<usize> {
    sort_names(names);
    // Equal names are now adjacent, by index: each run's second index is its first repeat.
    names
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| w[1].1)
        .min()
}

/// Which base64 of RFC 4648.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Base64 {
    /// `A-Z a-z 0-9 + /`, padded with `=` to a multiple of 4 (DynamoDB binaries, SRP).
    Standard,
    /// `A-Z a-z 0-9 - _`, never padded (JWT parts, page tokens).
    UrlSafeNoPad,
}

impl Base64 {
    /// The digit of the low six bits of `value`.
    fn digit(self, value: u32) -> char {
        const DIGITS: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        match (self, value & 63) {
            (Base64::UrlSafeNoPad, 62) => '-',
            (Base64::UrlSafeNoPad, 63) => '_',
            (_, v) => char::from(DIGITS[v as usize]),
        }
    }

    fn value(self, digit: u8) -> Option<u32> {
        let v = match digit {
            b'A'..=b'Z' => digit - b'A',
            b'a'..=b'z' => digit - b'a' + 26,
            b'0'..=b'9' => digit - b'0' + 52,
            b'+' if self == Base64::Standard => 62,
            b'/' if self == Base64::Standard => 63,
            b'-' if self == Base64::UrlSafeNoPad => 62,
            b'_' if self == Base64::UrlSafeNoPad => 63,
            _ => return None,
        };
        Some(u32::from(v))
    }

    /// `bytes` in base64.
    pub fn encode(self, bytes: impl AsRef<[u8]>) -> String {
        let bytes = bytes.as_ref();
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
            let group = byte(0) << 16 | byte(1) << 8 | byte(2);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(self.digit(group >> (18 - 6 * i)));
                } else if self == Base64::Standard {
                    out.push('=');
                }
            }
        }
        out
    }

    /// The bytes `text` encodes, or `None` unless it is canonical base64 of this kind: only
    /// the alphabet's digits, padding exactly where `Standard` needs it (and none in
    /// `UrlSafeNoPad`), and the unused bits of the last digit zero.
    pub fn decode(self, text: impl AsRef<[u8]>) -> Option<Vec<u8>> {
        let mut digits = text.as_ref();
        if self == Base64::Standard {
            if digits.len() % 4 != 0 {
                return None;
            }
            // At most two '=' go; any other '=' is then refused as a digit ("A===", "====").
            for _ in 0..2 {
                if let Some(rest) = digits.strip_suffix(b"=") {
                    digits = rest;
                }
            }
        }
        if digits.len() % 4 == 1 {
            return None;
        }
        let mut out = Vec::with_capacity(digits.len() / 4 * 3 + 2);
        for chunk in digits.chunks(4) {
            let mut group = 0u32;
            for (i, &d) in chunk.iter().enumerate() {
                group |= self.value(d)? << (18 - 6 * i);
            }
            let bytes = group.to_be_bytes();
            let kept = chunk.len() - 1;
            // The bits after the last whole byte must be zero, or two texts decode alike.
            if bytes[1 + kept..].iter().any(|&b| b != 0) {
                return None;
            }
            out.extend_from_slice(&bytes[1..1 + kept]);
        }
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_repeat_names_the_one_a_hash_set_would_refuse_first() {
        let mut seed = 11u32;
        for round in 0..400 {
            let n = round % 40;
            let alphabet = 1 + round % 50;
            let words: Vec<Vec<u8>> = (0..n)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    format!("m{}", (seed >> 16) as usize % alphabet).into_bytes()
                })
                .collect();
            let mut seen = std::collections::HashSet::new();
            let expected = words.iter().position(|w| !seen.insert(w.clone()));
            let mut members: Vec<(&[u8], usize)> = words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.as_slice(), i))
                .collect();
            assert_eq!(first_repeat(&mut members), expected, "{words:?}");
        }
    }

    #[test]
    fn sort_names_is_the_standard_sort() {
        let mut seed = 7u32;
        for len in 0..60 {
            let words: Vec<String> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    format!("w{}", seed >> 28)
                })
                .collect();
            let mut ours: Vec<(&[u8], usize)> = words
                .iter()
                .enumerate()
                .map(|(i, w)| (w.as_bytes(), i))
                .collect();
            let mut std_sorted = ours.clone();
            std_sorted.sort();
            sort_names(&mut ours);
            assert_eq!(ours, std_sorted, "{words:?}");
        }
    }

    #[test]
    fn percent_encoding_leaves_only_unreserved_bytes() {
        assert_eq!(percent_encode("AZaz09-._~", false), "AZaz09-._~");
        assert_eq!(
            percent_encode("a b+c=d:e/f%", false),
            "a%20b%2Bc%3Dd%3Ae%2Ff%25"
        );
        assert_eq!(percent_encode("a/b/", true), "a/b/");
        assert_eq!(percent_encode("ü🙂", true), "%C3%BC%F0%9F%99%82");
        let unreserved: Vec<u8> = (0..=255u8).filter(|&b| is_unreserved(b)).collect();
        assert_eq!(unreserved.len(), 26 + 26 + 10 + 4);
    }

    #[test]
    fn base64_known_answers_of_rfc_4648() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(Base64::Standard.encode(plain), encoded);
            assert_eq!(
                Base64::Standard.decode(encoded).as_deref(),
                Some(plain.as_bytes())
            );
            let bare = encoded.trim_end_matches('=');
            assert_eq!(Base64::UrlSafeNoPad.encode(plain), bare);
            assert_eq!(
                Base64::UrlSafeNoPad.decode(bare).as_deref(),
                Some(plain.as_bytes())
            );
        }
        assert_eq!(Base64::Standard.encode([0xfb, 0xff]), "+/8=");
        assert_eq!(Base64::UrlSafeNoPad.encode([0xfb, 0xff]), "-_8");
        for bad in [
            "Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zm9v====", "Zm 9", "-_8=",
        ] {
            assert_eq!(Base64::Standard.decode(bad), None, "{bad}");
        }
        for bad in ["Zg==", "Z", "Zh", "+/8", "Zm9vY"] {
            assert_eq!(Base64::UrlSafeNoPad.decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn hex_values_of_every_byte_are_the_hex_crates() {
        for b in 0..=255u8 {
            // "0X" decodes to X's value when X is a hex digit.
            let expected = hex::decode([b'0', b]).ok().map(|v| v[0]);
            assert_eq!(hex_value(b), expected, "{b}");
        }
    }

    #[test]
    fn agrees_with_the_standard_library() {
        let texts = [
            "",
            "a",
            "Signature expired: 20260101T000000Z",
            "<a><Key>x</Key></a><Key>é</Key>",
            "aaab",
            "ééé, ü",
        ];
        assert_eq!(join(&[] as &[&str], ", "), "");
        assert_eq!(join(&["a", "b"], "+"), "a+b");
        let needles = [
            "", "a", "ab", "aab", "</Key>", "<Key>", "expired", ", ", "é", "zz",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(find(t, n), t.find(n), "{t:?} {n:?}");
                assert_eq!(contains(t, n), t.contains(n), "{t:?} {n:?}");
                assert_eq!(split_once(t, n), t.split_once(n), "{t:?} {n:?}");
                let parts: Vec<String> = t.split(',').map(str::to_owned).collect();
                assert_eq!(join(&parts, n), parts.join(n), "{t:?} {n:?}");
            }
        }
    }
}
