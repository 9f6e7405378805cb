//! The checksums an upload may send with its bytes: CRC-32 (ISO-HDLC, zlib's and S3's `CRC32`)
//! and CRC-64/NVME (S3's `CRC64NVME`), fed piece by piece as a body is read; and the CRC of two
//! adjacent pieces from theirs, which gives a multipart upload's full-object checksum from its
//! parts' without reading the body twice.
//!
//! Both are reflected CRCs whose start value and final XOR are all ones, so one implementation
//! serves both: byte tables for eight bytes at a time, built when a CRC starts (nothing in the
//! package's data), and the combination by multiplying modulo the polynomial.
//! Written by hand, not taken from `crc-fast`: ARCHITECTURE.md has the measured reason;
//! `tests/properties/crc.rs` holds this to that crate.

/// Which checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// CRC-32/ISO-HDLC: 32 bits.
    Crc32,
    /// CRC-64/NVME: 64 bits.
    Crc64Nvme,
}

/// Eight byte tables: `[k][b]` is the CRC remainder of byte `b` followed by `k` zero bytes.
type Tables = [[u64; 256]; 8];

impl Algorithm {
    /// The polynomial, bit-reversed (the reflected form).
    const fn polynomial(self) -> u64 {
        match self {
            Algorithm::Crc32 => 0xEDB8_8320,
            Algorithm::Crc64Nvme => 0x9A6C_9329_AC4B_C9B5,
        }
    }

    /// The CRC's width in bits.
    pub const fn bits(self) -> u32 {
        match self {
            Algorithm::Crc32 => 32,
            Algorithm::Crc64Nvme => 64,
        }
    }

    /// All ones over the width: the start value and the final XOR.
    const fn ones(self) -> u64 {
        u64::MAX >> (64 - self.bits())
    }

    /// The tables, built anew for each CRC (16 KB and about 2,000 steps, against the MiB of
    /// a part): a shared copy behind `OnceLock` cost the package more than building them.
    fn tables(self) -> Box<Tables> {
        let poly = self.polynomial();
        let mut t = Box::new([[0u64; 256]; 8]);
        for b in 0..256 {
            let mut r = b as u64;
            for _ in 0..8 {
                r = if r & 1 == 1 { (r >> 1) ^ poly } else { r >> 1 };
            }
            t[0][b] = r;
        }
        for k in 1..8 {
            for b in 0..256 {
                let prev = t[k - 1][b];
                t[k][b] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            }
        }
        t
    }

    /// The CRC of `bytes` whole.
    pub fn checksum(self, bytes: &[u8]) -> u64 {
        let mut crc = Crc::new(self);
        crc.update(bytes);
        crc.value()
    }

    /// The CRC of `a` followed by `b`, from `crc_a`, `crc_b` and `b`'s length: `crc_a` times
    /// x^(8 len_b) modulo the polynomial, plus `crc_b` (the all-ones start and final XOR cancel
    /// out).
    pub fn combine(self, crc_a: u64, crc_b: u64, len_b: u64) -> u64 {
        self.multiply(self.x_to_8n(len_b), crc_a) ^ crc_b
    }

    /// `a` times `b` modulo the polynomial, both reflected (x^0 is the top bit of the width).
    fn multiply(self, a: u64, mut b: u64) -> u64 {
        let poly = self.polynomial();
        let mut m = 1u64 << (self.bits() - 1);
        let mut product = 0;
        while m != 0 && a & (m | (m - 1)) != 0 {
            if a & m != 0 {
                product ^= b;
            }
            m >>= 1;
            b = if b & 1 == 1 { (b >> 1) ^ poly } else { b >> 1 };
        }
        product
    }

    /// x^(8n) modulo the polynomial, by squaring.
    fn x_to_8n(self, mut n: u64) -> u64 {
        let top = self.bits() - 1;
        let mut result = 1u64 << top; // x^0
        let mut square = 1u64 << (top - 8); // x^8
        while n != 0 {
            if n & 1 == 1 {
                result = self.multiply(result, square);
            }
            square = self.multiply(square, square);
            n >>= 1;
        }
        result
    }
}

/// A CRC being computed: `update` with each piece in order, then `value`.
#[derive(Clone)]
pub struct Crc {
    algorithm: Algorithm,
    tables: Box<Tables>,
    /// The running register, before the final XOR.
    register: u64,
}

impl Crc {
    /// A CRC over nothing yet.
    pub fn new(algorithm: Algorithm) -> Crc {
        Crc {
            algorithm,
            tables: algorithm.tables(),
            register: algorithm.ones(),
        }
    }

    /// Adds `bytes` after what came before.
    pub fn update(&mut self, bytes: &[u8]) {
        let t = &self.tables;
        let mut r = self.register;
        let mut eights = bytes.chunks_exact(8);
        for chunk in &mut eights {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            // The register sits in the low bytes (4 of them for CRC-32): the word's bytes past
            // it are plain data, as the tables expect.
            let v = r ^ u64::from_le_bytes(word);
            r = t[7][(v & 0xff) as usize]
                ^ t[6][((v >> 8) & 0xff) as usize]
                ^ t[5][((v >> 16) & 0xff) as usize]
                ^ t[4][((v >> 24) & 0xff) as usize]
                ^ t[3][((v >> 32) & 0xff) as usize]
                ^ t[2][((v >> 40) & 0xff) as usize]
                ^ t[1][((v >> 48) & 0xff) as usize]
                ^ t[0][(v >> 56) as usize];
        }
        for &byte in eights.remainder() {
            r = (r >> 8) ^ t[0][((r ^ u64::from(byte)) & 0xff) as usize];
        }
        self.register = r;
    }

    /// The CRC of everything given so far.
    pub fn value(&self) -> u64 {
        self.register ^ self.algorithm.ones()
    }

    /// The value as S3's headers carry it: big-endian bytes, 4 or 8.
    pub fn value_bytes(&self) -> Vec<u8> {
        let bytes = self.value().to_be_bytes();
        bytes[(8 - self.algorithm.bits() as usize / 8)..].to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_check_values() {
        // The "check" of each algorithm's catalogue entry: the CRC of the ASCII "123456789".
        assert_eq!(Algorithm::Crc32.checksum(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            Algorithm::Crc64Nvme.checksum(b"123456789"),
            0xAE8B_1486_0A79_9888
        );
        assert_eq!(Algorithm::Crc32.checksum(b""), 0);
    }

    #[test]
    fn pieces_and_combination_agree_with_the_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for algorithm in [Algorithm::Crc32, Algorithm::Crc64Nvme] {
            let whole = algorithm.checksum(&data);
            for cut in [0, 1, 7, 8, 9, 500, 999, 1000] {
                let mut crc = Crc::new(algorithm);
                crc.update(&data[..cut]);
                crc.update(&data[cut..]);
                assert_eq!(crc.value(), whole, "{algorithm:?} fed in two at {cut}");
                let (a, b) = (
                    algorithm.checksum(&data[..cut]),
                    algorithm.checksum(&data[cut..]),
                );
                assert_eq!(
                    algorithm.combine(a, b, (data.len() - cut) as u64),
                    whole,
                    "{algorithm:?} combined at {cut}"
                );
            }
        }
    }

    #[test]
    fn the_header_bytes_are_big_endian_and_as_wide_as_the_crc() {
        let mut crc = Crc::new(Algorithm::Crc32);
        crc.update(b"123456789");
        assert_eq!(crc.value_bytes(), vec![0xCB, 0xF4, 0x39, 0x26]);
        let mut crc = Crc::new(Algorithm::Crc64Nvme);
        crc.update(b"123456789");
        assert_eq!(crc.value_bytes().len(), 8);
    }
}
