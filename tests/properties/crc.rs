//! `apiless::crc`, the upload checksums written by hand, against `crc-fast`, the crate it stands
//! in for: for any bytes fed in any pieces, the same CRC-32/ISO-HDLC and CRC-64/NVME; and for
//! any two adjacent pieces, the same combination.

use crc_fast::CrcAlgorithm;
use proptest::collection::vec;
use proptest::prelude::*;

use apiless::crc::{Algorithm, Crc};

use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "crc: any bytes, fed in any pieces, have crc-fast's CRC-32 and CRC-64/NVME",
        cases: 500,
        run: same_as_crc_fast,
    },
    Property {
        name: "crc: two pieces' CRCs combine as crc-fast combines them, into the whole's",
        cases: 500,
        run: combined_as_crc_fast,
    },
];

fn theirs(algorithm: Algorithm) -> CrcAlgorithm {
    match algorithm {
        Algorithm::Crc32 => CrcAlgorithm::Crc32IsoHdlc,
        Algorithm::Crc64Nvme => CrcAlgorithm::Crc64Nvme,
    }
}

fn same_as_crc_fast(check: &mut Check) -> Result<(), String> {
    let input = (
        vec(any::<u8>(), 0..2048),
        vec(0usize..2048, 0..6),
        any::<bool>(),
    );
    check.run(&input, |(bytes, mut cuts, wide)| {
        let algorithm = if wide {
            Algorithm::Crc64Nvme
        } else {
            Algorithm::Crc32
        };
        cuts.iter_mut().for_each(|c| *c %= bytes.len() + 1);
        cuts.sort_unstable();
        let mut crc = Crc::new(algorithm);
        let mut from = 0;
        for &cut in cuts.iter().chain([bytes.len()].iter()) {
            crc.update(&bytes[from..cut]);
            from = cut;
        }
        prop_assert_eq!(crc.value(), crc_fast::checksum(theirs(algorithm), &bytes));
        Ok(())
    })
}

fn combined_as_crc_fast(check: &mut Check) -> Result<(), String> {
    let input = (
        vec(any::<u8>(), 0..1024),
        vec(any::<u8>(), 0..1024),
        any::<bool>(),
    );
    check.run(&input, |(a, b, wide)| {
        let algorithm = if wide {
            Algorithm::Crc64Nvme
        } else {
            Algorithm::Crc32
        };
        let (crc_a, crc_b) = (algorithm.checksum(&a), algorithm.checksum(&b));
        let ours = algorithm.combine(crc_a, crc_b, b.len() as u64);
        let whole = crc_fast::checksum(theirs(algorithm), &[a.as_slice(), &b].concat());
        prop_assert_eq!(ours, whole);
        prop_assert_eq!(
            ours,
            crc_fast::checksum_combine(theirs(algorithm), crc_a, crc_b, b.len() as u64)
        );
        Ok(())
    })
}
