//! Time for signing: the browser's clock corrected by the skew learned from servers, and the
//! formats SigV4 and Cognito use.
//!
//! Everything but [`browser_now_ms`] is pure: functions take milliseconds since the Unix epoch,
//! so tests pass fixed times. Browser clocks are often minutes off, and AWS refuses a signature
//! more than 5 minutes from its own clock, so the skew learned from response `Date` headers is
//! added to every timestamp apiless signs.

use std::cell::Cell;

/// Milliseconds since the Unix epoch by the browser's own (possibly wrong) clock.
///
/// Only meaningful on wasm32 in a browser; `SystemTime::now` is banned because it panics there.
pub fn browser_now_ms() -> f64 {
    js_sys::Date::now()
}

/// Resolves after `ms` milliseconds (the browser's `setTimeout`, in a window or a worker), or
/// as soon as `signal` is aborted, whichever comes first: a retry's backoff wait ends the
/// moment the caller gives up, and the attempt after it then sees the abort.
pub async fn sleep_ms(ms: f64, signal: Option<&web_sys::AbortSignal>) {
    let _ = wasm_bindgen_futures::JsFuture::from(timer::sleep(ms.max(0.0), signal)).await;
}

mod timer {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen(module = "/src/host.js")]
    extern "C" {
        /// A promise that resolves after `ms` or when `signal` aborts; its timer and listener
        /// are removed either way.
        pub fn sleep(ms: f64, signal: Option<&web_sys::AbortSignal>) -> js_sys::Promise;
    }
}

/// The skew between the browser's clock and AWS's, learned from responses.
#[derive(Debug, Default)]
pub struct Clock {
    skew_ms: Cell<i64>,
}

/// A skew beyond this (about a year) is a broken `Date` header, not a wrong clock.
const MAX_SKEW_MS: i64 = 366 * 86_400_000;

/// Below this a learned offset is noise: `Date` headers have one-second resolution.
const SKEW_NOISE_MS: i64 = 2_000;

impl Clock {
    /// A clock with no skew learned yet.
    pub fn new() -> Self {
        Clock::default()
    }

    /// The offset added to local time, in milliseconds.
    pub fn skew_ms(&self) -> i64 {
        self.skew_ms.get()
    }

    /// Server time estimated from a local reading `local_ms`.
    pub fn corrected(&self, local_ms: f64) -> f64 {
        local_ms + self.skew_ms.get() as f64
    }

    /// Learns from a response: `server_ms` is its `Date` header, `local_ms` the local time the
    /// response arrived. Returns whether the offset changed.
    pub fn learn(&self, server_ms: f64, local_ms: f64) -> bool {
        let offset = (server_ms - local_ms).round();
        if !offset.is_finite() || offset.abs() > MAX_SKEW_MS as f64 {
            return false;
        }
        let offset = offset as i64;
        if (offset - self.skew_ms.get()).abs() < SKEW_NOISE_MS {
            return false;
        }
        self.skew_ms.set(offset);
        true
    }
}

/// A UTC calendar time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// Year, e.g. 2015.
    pub year: i64,
    /// Month, 1-12.
    pub month: u32,
    /// Day of month, 1-31.
    pub day: u32,
    /// Hour, 0-23.
    pub hour: u32,
    /// Minute, 0-59.
    pub minute: u32,
    /// Second, 0-59.
    pub second: u32,
    /// Day of week, 0 = Sunday.
    pub weekday: u32,
}

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The UTC calendar time of `ms` since the epoch (Howard Hinnant's days-to-civil algorithm).
pub fn civil(ms: f64) -> Civil {
    let secs = (ms / 1000.0).floor() as i64;
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (rem / 3600) as u32,
        minute: (rem % 3600 / 60) as u32,
        second: (rem % 60) as u32,
        weekday: (days + 4).rem_euclid(7) as u32,
    }
}

/// Days since the epoch of a calendar date (the inverse of [`civil`]).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// SigV4's `X-Amz-Date`: `20150830T123600Z`.
pub fn amz_date(ms: f64) -> String {
    let c = civil(ms);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Parses SigV4's `X-Amz-Date` form (`20150830T123600Z`) into milliseconds since the epoch.
/// `None` for anything else, an impossible date such as 31 February included: the text must be
/// exactly what [`amz_date`] writes for the time it names.
pub fn parse_amz_date(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |from: usize, to: usize| digits(s.get(from..to)?, to - from);
    let (year, month, day) = (num(0, 4)?, num(4, 6)?, num(6, 8)?);
    let (hour, minute, second) = (num(9, 11)?, num(11, 13)?, num(13, 15)?);
    let days = days_from_civil(i64::from(year), month, day);
    let ms = (days * 86_400 + i64::from(hour * 3600 + minute * 60 + second)) as f64 * 1000.0;
    (amz_date(ms) == s).then_some(ms)
}

/// Parses an ISO 8601 UTC time as S3 writes it (`2026-12-06T10:20:00Z`, or with fractional
/// seconds `2026-12-06T10:20:00.000Z`) into milliseconds since the epoch (whole seconds).
pub fn parse_iso_date(s: &str) -> Option<f64> {
    let (whole, fraction) = match s.split_once('.') {
        Some((w, f)) => (w, f.strip_suffix('Z')?),
        None => (s.strip_suffix('Z')?, "0"),
    };
    let b = whole.as_bytes();
    if b.len() != 19
        || fraction.is_empty()
        || !fraction.bytes().all(|c| c.is_ascii_digit())
        || [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')]
            .iter()
            .any(|&(i, c)| b[i] != c)
    {
        return None;
    }
    // 2015-08-30T12:36:00 -> 20150830T123600Z: the digits and the T, in order.
    let mut compact: String = whole
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    compact.push('Z');
    parse_amz_date(&compact)
}

/// ISO 8601 in UTC to the second: `2015-08-30T12:36:00Z` (an S3 POST policy's `expiration`).
pub fn iso_date(ms: f64) -> String {
    let c = civil(ms);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// Cognito's SRP `TIMESTAMP`: `Sun Aug 30 12:36:00 UTC 2015`, day of month not padded.
pub fn cognito_timestamp(ms: f64) -> String {
    let c = civil(ms);
    format!(
        "{} {} {} {:02}:{:02}:{:02} UTC {}",
        WEEKDAYS[c.weekday as usize],
        MONTHS[(c.month - 1) as usize],
        c.day,
        c.hour,
        c.minute,
        c.second,
        c.year
    )
}

/// Parses an HTTP `Date` header in RFC 9110's IMF-fixdate form (`Sun, 06 Nov 1994 08:49:37
/// GMT`, the only form AWS sends) into milliseconds since the epoch. Anything else is `None`:
/// another form, a day the month does not have (`31 Apr`, `29 Feb` outside leap years), a
/// weekday that is not the date's, fields of the wrong width, an hour past 23.
pub fn parse_http_date(s: &str) -> Option<f64> {
    let (weekday, rest) = crate::codec::text::split_once(s.trim(), ", ")?;
    let weekday = WEEKDAYS.iter().position(|w| *w == weekday)? as u32;
    let mut parts = rest.split(' ');
    let day = digits(parts.next()?, 2)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year = i64::from(digits(parts.next()?, 4)?);
    let mut hms = parts.next()?.split(':');
    let hour = digits(hms.next()?, 2)?;
    let minute = digits(hms.next()?, 2)?;
    // 60: a leap second, which RFC 9110 allows.
    let second = digits(hms.next()?, 2)?;
    if hms.next().is_some()
        || parts.next()? != "GMT"
        || parts.next().is_some()
        || year < 1970
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    // A day the month does not have comes back from `civil` as another date.
    let noon = civil(days as f64 * 86_400_000.0 + 43_200_000.0);
    if (noon.year, noon.month, noon.day, noon.weekday) != (year, month, day, weekday) {
        return None;
    }
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
    Some(secs as f64 * 1000.0)
}

/// Exactly `width` ASCII digits, as a number.
fn digits(s: &str, width: usize) -> Option<u32> {
    if s.len() != width || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2015-08-30T12:36:00Z, the date of the AWS SigV4 test suite.
    const SUITE_MS: f64 = 1_440_938_160_000.0;

    #[test]
    fn sigv4_dates() {
        assert_eq!(amz_date(SUITE_MS), "20150830T123600Z");
        assert_eq!(amz_date(0.0), "19700101T000000Z");
        assert_eq!(amz_date(951_782_400_000.0), "20000229T000000Z");
    }

    #[test]
    fn cognito_timestamps_do_not_pad_the_day() {
        assert_eq!(cognito_timestamp(SUITE_MS), "Sun Aug 30 12:36:00 UTC 2015");
        // 2024-03-05T07:04:09Z
        assert_eq!(
            cognito_timestamp(1_709_622_249_000.0),
            "Tue Mar 5 07:04:09 UTC 2024"
        );
    }

    #[test]
    fn http_dates_round_trip() {
        assert_eq!(
            parse_http_date("Sun, 30 Aug 2015 12:36:00 GMT"),
            Some(SUITE_MS)
        );
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
        assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 PST"), None);
        assert_eq!(parse_http_date(""), None);
        assert_eq!(
            parse_http_date("Sun, 06 Nov 99999999999999 08:49:37 GMT"),
            None
        );
        assert_eq!(
            parse_http_date("Sun, 06 Nov -99999999999999 08:49:37 GMT"),
            None
        );
    }

    /// The IMF-fixdate of `ms`, as a server writes it.
    fn http_date(ms: f64) -> String {
        let c = civil(ms);
        format!(
            "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT",
            WEEKDAYS[c.weekday as usize],
            c.day,
            MONTHS[(c.month - 1) as usize],
            c.year,
            c.hour,
            c.minute,
            c.second
        )
    }

    #[test]
    fn http_dates_name_only_days_the_calendar_has() {
        for (date, ms) in [
            ("Thu, 29 Feb 2024 00:00:00 GMT", Some(1_709_164_800_000.0)),
            ("Tue, 29 Feb 2000 23:59:59 GMT", Some(951_868_799_000.0)),
            ("Thu, 31 Dec 2026 12:00:00 GMT", Some(1_798_718_400_000.0)),
            ("Thu, 01 Jan 1970 00:00:00 GMT", Some(0.0)),
            // A leap second is written as :60.
            ("Sat, 31 Dec 2016 23:59:60 GMT", Some(1_483_228_800_000.0)),
            ("Wed, 31 Feb 2024 00:00:00 GMT", None),
            ("Sat, 30 Feb 2024 00:00:00 GMT", None),
            ("Sun, 29 Feb 2026 00:00:00 GMT", None),
            ("Thu, 29 Feb 1900 00:00:00 GMT", None),
            ("Thu, 31 Apr 2026 00:00:00 GMT", None),
            ("Fri, 31 Jun 2026 00:00:00 GMT", None),
            ("Thu, 31 Sep 2026 00:00:00 GMT", None),
            ("Tue, 31 Nov 2026 00:00:00 GMT", None),
            ("Thu, 00 Jan 2026 00:00:00 GMT", None),
            ("Thu, 32 Jan 2026 00:00:00 GMT", None),
            ("Thu, 01 Jan 2026 24:00:00 GMT", None),
            ("Thu, 01 Jan 2026 23:60:00 GMT", None),
            ("Thu, 01 Jan 2026 23:59:61 GMT", None),
            // The weekday must be the date's (1 Jan 2026 is a Thursday).
            ("Fri, 01 Jan 2026 00:00:00 GMT", None),
            ("Xyz, 01 Jan 2026 00:00:00 GMT", None),
            // Widths are fixed; no signs, no extra fields.
            ("Thu, 1 Jan 2026 00:00:00 GMT", None),
            ("Thu, +1 Jan 2026 00:00:00 GMT", None),
            ("Thu, 01 Jan 2026 0:00:00 GMT", None),
            ("Thu, 01 Jan 2026 00:00:00:00 GMT", None),
            ("Thu, 01 Jan 2026 00:00:00 GMT extra", None),
            ("Thu, 01 Jan 26 00:00:00 GMT", None),
            ("Wed, 31 Dec 1969 23:59:59 GMT", None),
        ] {
            assert_eq!(parse_http_date(date), ms, "{date}");
        }
    }

    #[test]
    fn every_http_date_a_server_writes_reads_back_and_no_other_day_does() {
        // Every day from 1970 to 2100 at a time that moves through the hours, minutes and
        // seconds: the date reads back exactly; the same text with the day of month one past
        // the month's end (or the weekday one off) is refused.
        let mut checked = 0;
        let mut ms = 0.0;
        while ms < 4_102_444_800_000.0 {
            let t = ms + (checked % 86_400) as f64 * 1000.0;
            let text = http_date(t);
            assert_eq!(parse_http_date(&text), Some(t), "{text}");
            let c = civil(t);
            let next_day = civil(t + 86_400_000.0);
            if next_day.month != c.month {
                // The last day of a month: day + 1 does not exist.
                let past = text.replacen(
                    &format!(" {:02} ", c.day),
                    &format!(" {:02} ", c.day + 1),
                    1,
                );
                assert_eq!(parse_http_date(&past), None, "{past}");
            }
            let wrong_weekday = WEEKDAYS[(c.weekday as usize + 1) % 7];
            let wrong = format!("{wrong_weekday}{}", &text[3..]);
            assert_eq!(parse_http_date(&wrong), None, "{wrong}");
            checked += 1;
            ms += 86_400_000.0;
        }
        assert!(checked > 47_000, "{checked}");
    }

    #[test]
    fn civil_matches_days_from_civil_over_centuries() {
        let mut ms = -2_208_988_800_000.0; // 1900-01-01
        while ms < 4_102_444_800_000.0 {
            let c = civil(ms);
            assert_eq!(
                days_from_civil(c.year, c.month, c.day) as f64 * 86_400_000.0,
                ms
            );
            ms += 86_400_000.0 * 13.0;
        }
    }

    #[test]
    fn amz_and_iso_dates_are_read_only_when_they_name_a_real_time() {
        assert_eq!(parse_amz_date("20150830T123600Z"), Some(SUITE_MS));
        assert_eq!(parse_amz_date("20000229T000000Z"), Some(951_782_400_000.0));
        assert_eq!(parse_iso_date("2015-08-30T12:36:00Z"), Some(SUITE_MS));
        assert_eq!(parse_iso_date("2015-08-30T12:36:00.000Z"), Some(SUITE_MS));
        for bad in [
            "20150231T000000Z", // 31 February
            "20150431T000000Z", // 31 April
            "19000229T000000Z", // not a leap year
            "20151301T000000Z",
            "20150830T243600Z",
            "20150830T126000Z",
            "2015083OT123600Z",
            "+0150830T123600Z",
            "20150830T123600",
            "",
        ] {
            assert_eq!(parse_amz_date(bad), None, "{bad}");
        }
        for bad in [
            "2015-02-31T00:00:00Z",
            "2015-08-30 12:36:00Z",
            "2015-08-30T12:36:00",
            "2015-08-30T12:36:00.Z",
            "2015-08-30T12:36:00.1x2Z",
            "2015-8-30T12:36:00Z",
        ] {
            assert_eq!(parse_iso_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_clock_learns_skew_and_ignores_noise() {
        let clock = Clock::new();
        assert!(!clock.learn(1_000_500.0, 1_000_000.0));
        assert_eq!(clock.skew_ms(), 0);
        assert!(clock.learn(1_000_000.0 + 1_200_000.0, 1_000_000.0));
        assert_eq!(clock.skew_ms(), 1_200_000);
        assert_eq!(clock.corrected(5.0), 1_200_005.0);
        assert!(clock.learn(1_000_000.0, 1_000_000.0));
        assert_eq!(clock.skew_ms(), 0);
        assert!(!clock.learn(f64::MAX, 0.0), "an absurd Date is ignored");
        assert!(!clock.learn(-1e300, 1e300));
        assert_eq!(clock.skew_ms(), 0);
    }
}
