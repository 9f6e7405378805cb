//! Substring search without the standard library's two-way searcher.
//!
//! `str::find(&str)`, `contains(&str)` and `split_once(&str)` bring in `StrSearcher`, about
//! 2.5 KB of wasm for the handful of short needles apiless looks for in short texts (an error
//! message, a header, an S3 listing). A plain scan does the same job in a few dozen bytes.
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let needles = [
            "", "a", "ab", "aab", "</Key>", "<Key>", "expired", ", ", "é", "zz",
        ];
        for t in texts {
            for n in needles {
                assert_eq!(find(t, n), t.find(n), "{t:?} {n:?}");
                assert_eq!(contains(t, n), t.contains(n), "{t:?} {n:?}");
                assert_eq!(split_once(t, n), t.split_once(n), "{t:?} {n:?}");
            }
        }
    }
}
