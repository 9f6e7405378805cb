//! S3's names for the upload checksums: the option's value (`CRC32`, `CRC64NVME`), the
//! `x-amz-checksum-*` header and the `Checksum*` XML element of each, and the value as S3
//! writes it (the CRC's big-endian bytes in base64). The CRCs themselves are `crate::crc`'s.

use crate::codec::text::Base64;
use crate::crc::{Algorithm, Crc};

/// The checksum type apiless asks of a multipart upload: the CRC of the whole object, the same
/// value a single PUT of the body would give, whatever the parts.
pub const FULL_OBJECT: &str = "FULL_OBJECT";

/// The algorithm an upload's `checksum` option names, if it is one apiless computes.
pub fn from_name(name: &str) -> Option<Algorithm> {
    match name {
        "CRC32" => Some(Algorithm::Crc32),
        "CRC64NVME" => Some(Algorithm::Crc64Nvme),
        _ => None,
    }
}

/// S3's name of `algorithm`: `CRC32`, `CRC64NVME`.
pub fn name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Crc32 => "CRC32",
        Algorithm::Crc64Nvme => "CRC64NVME",
    }
}

/// The header that carries a value: `x-amz-checksum-crc32`, `x-amz-checksum-crc64nvme`.
pub fn header(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Crc32 => "x-amz-checksum-crc32",
        Algorithm::Crc64Nvme => "x-amz-checksum-crc64nvme",
    }
}

/// The XML element that carries a value: `ChecksumCRC32`, `ChecksumCRC64NVME`.
pub fn element(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Crc32 => "ChecksumCRC32",
        Algorithm::Crc64Nvme => "ChecksumCRC64NVME",
    }
}

/// `value` as S3 writes it: the CRC's bytes, most significant first, in base64.
pub fn encode(algorithm: Algorithm, value: u64) -> String {
    let bytes = value.to_be_bytes();
    Base64::Standard.encode(&bytes[8 - algorithm.bits() as usize / 8..])
}

/// The CRC S3 wrote as `text`, when it is one of `algorithm`'s width.
pub fn decode(algorithm: Algorithm, text: &str) -> Option<u64> {
    let bytes = Base64::Standard.decode(text.trim())?;
    (bytes.len() == algorithm.bits() as usize / 8)
        .then(|| bytes.iter().fold(0u64, |v, b| v << 8 | u64::from(*b)))
}

/// The value of a finished CRC, as S3 writes it.
pub fn of(crc: &Crc) -> String {
    Base64::Standard.encode(crc.value_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_big_endian_base64_and_read_back() {
        // The check value of CRC-32, 0xCBF43926, as S3 writes it.
        assert_eq!(encode(Algorithm::Crc32, 0xCBF4_3926), "y/Q5Jg==");
        assert_eq!(decode(Algorithm::Crc32, "y/Q5Jg=="), Some(0xCBF4_3926));
        let v = 0xAE8B_1486_0A79_9888;
        assert_eq!(
            decode(Algorithm::Crc64Nvme, &encode(Algorithm::Crc64Nvme, v)),
            Some(v)
        );
        // A value of the other width is not this algorithm's.
        assert_eq!(decode(Algorithm::Crc64Nvme, "y/Q5Jg=="), None);
        assert_eq!(decode(Algorithm::Crc32, "not base64!"), None);
        let mut crc = Crc::new(Algorithm::Crc32);
        crc.update(b"123456789");
        assert_eq!(of(&crc), "y/Q5Jg==");
    }

    #[test]
    fn names_round_trip() {
        for a in [Algorithm::Crc32, Algorithm::Crc64Nvme] {
            assert_eq!(from_name(name(a)), Some(a));
        }
        assert_eq!(from_name("crc32"), None);
        assert_eq!(from_name("SHA256"), None);
    }
}
