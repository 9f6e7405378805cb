//! SRP inputs: B at and around 0 mod N and beyond the group, malformed hex salts and B, bad
//! base64 secret blocks, odd pool ids and any amount of randomness. Each gives a claim or a
//! typed error that names the value at fault.
//!
//! u = H(A | B) = 0 is not reachable from here: it needs a SHA-256 preimage of zero.

use std::sync::OnceLock;

use apiless::auth::srp::group::N_HEX;
use apiless::auth::srp::{Challenge, Ephemeral, MIN_RANDOM_BYTES};
use apiless::ErrorKind;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::gen;
use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[
    Property {
        name: "srp: B = 0 mod N and B beyond the group are refused, any other B signs",
        cases: 64,
        run: server_b,
    },
    Property {
        name: "srp: malformed salt, secret block and pool id are typed errors naming them",
        cases: 64,
        run: challenge_values,
    },
    Property {
        name: "srp: any randomness makes an ephemeral, or an error naming random when short or all zero",
        cases: 32,
        run: randomness,
    },
];

fn ephemeral() -> &'static Ephemeral {
    static E: OnceLock<Ephemeral> = OnceLock::new();
    E.get_or_init(|| Ephemeral::new(&[0x5a; 32]).unwrap_or_else(|e| panic!("{e}")))
}

fn challenge<'a>(salt: &'a str, b: &'a str, block: &'a str, pool: &'a str) -> Challenge<'a> {
    Challenge {
        pool_id: pool,
        user_id_for_srp: "alice",
        salt_hex: salt,
        srp_b_hex: b,
        secret_block_b64: block,
    }
}

/// `k * n + add` for `n` in hex (big-endian, any length).
fn hex_times_plus(hex: &str, k: i64, add: i64) -> String {
    let mut digits: Vec<i64> = hex
        .chars()
        .map(|c| i64::from(c.to_digit(16).unwrap_or(0)))
        .collect();
    let mut carry = add;
    for d in digits.iter_mut().rev() {
        let v = *d * k + carry;
        *d = v.rem_euclid(16);
        carry = v.div_euclid(16);
    }
    let mut out = if carry > 0 {
        format!("{carry:x}")
    } else {
        String::new()
    };
    out.extend(
        digits
            .iter()
            .map(|&d| char::from_digit(d as u32, 16).unwrap_or('0')),
    );
    out
}

/// B as hex: 0, N and their neighbours, 2^3072 - 1, 2^3072, 2N, random values of every
/// size, written with leading zeros, in any case, with blanks around; and junk.
fn b_hex() -> impl Strategy<Value = String> {
    let n = N_HEX.to_lowercase();
    let special = select(vec![
        "0".to_owned(),
        "1".to_owned(),
        hex_times_plus(&n, 1, -1),
        n.clone(),
        hex_times_plus(&n, 1, 1),
        hex_times_plus(&n, 1, 12_345),
        "f".repeat(768),
        format!("1{}", "0".repeat(768)),
        hex_times_plus(&n, 2, 0),
        hex_times_plus(&n, 3, 0),
        hex_times_plus(&n, 16, 0),
    ]);
    let random = vec(any::<u8>(), 1..400)
        .prop_map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    let value = prop_oneof![3 => special, 2 => random];
    let written = (value, 0..4usize, 0..3u8, any::<bool>()).prop_map(|(v, zeros, case, blanks)| {
        let v = format!("{}{v}", "0".repeat(zeros));
        let v = match case {
            0 => v,
            1 => v.to_uppercase(),
            _ => v
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if i % 2 == 0 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect(),
        };
        if blanks {
            format!(" {v}\n")
        } else {
            v
        }
    });
    prop_oneof![
        4 => written,
        1 => gen::text(),
        1 => select(vec!["", "-1", "0x10", "-0", "+5", "１２", "0 1"]).prop_map(str::to_owned),
    ]
}

enum Expect {
    Claim,
    Refused(&'static str),
}

/// What B must give: refused if not hex, beyond 3072 bits, or 0 mod N (which below 2^3072 is
/// exactly 0 and N).
fn expect_b(b: &str) -> Expect {
    let t = b.trim();
    if t.is_empty() || !t.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Expect::Refused("not a hex number");
    }
    let v = t.trim_start_matches('0').to_lowercase();
    if v.len() > 768 {
        Expect::Refused("larger than the 3072-bit group")
    } else if v.is_empty() || v == N_HEX.to_lowercase() {
        Expect::Refused("0 mod N")
    } else {
        Expect::Claim
    }
}

fn server_b(check: &mut Check) -> Result<(), String> {
    check.run(&b_hex(), |b| {
        let result =
            ephemeral().password_claim(&challenge("ab", &b, "AAAA", "us-east-1_Pool"), "pw", "t");
        match (result, expect_b(&b)) {
            (Ok(claim), Expect::Claim) => {
                prop_assert_eq!(STANDARD.decode(&claim).map(|c| c.len()), Ok(32))
            }
            (Err(e), Expect::Refused(why)) => {
                prop_assert_eq!(e.kind, ErrorKind::Protocol);
                prop_assert!(
                    e.message.contains("SRP_B") && e.message.contains(why),
                    "{}",
                    e.message
                );
            }
            (got, _) => prop_assert!(false, "B {b:?} gave {got:?}"),
        }
        Ok(())
    })
}

/// Salts: hex of any length and sign, as Cognito sends it (negative salts too), and junk.
fn salt() -> impl Strategy<Value = String> {
    let hex = vec(any::<u8>(), 0..40)
        .prop_map(|b| b.iter().map(|x| format!("{x:02x}")).collect::<String>());
    prop_oneof![
        (hex.clone(), any::<bool>(), 0..2usize).prop_map(|(h, negative, trim)| {
            let h = &h[trim.min(h.len())..];
            format!("{}{h}", if negative { "-" } else { "" })
        }),
        gen::text(),
        select(vec!["", "-", "--1", "-0", "- ab", "0x1", "-80", "ａｂ"]).prop_map(str::to_owned),
    ]
}

/// Whether the salt is a (signed) hex number, as the SRP code reads it.
fn salt_is_hex(s: &str) -> bool {
    let t = s.trim();
    let m = t.strip_prefix('-').unwrap_or(t).trim();
    !m.is_empty() && m.bytes().all(|c| c.is_ascii_hexdigit())
}

fn challenge_values(check: &mut Check) -> Result<(), String> {
    let block = prop_oneof![
        gen::bytes().prop_map(|b| (STANDARD.encode(b), true)),
        gen::base64ish().prop_map(|s| (s, false)),
    ];
    let pool = prop_oneof![
        Just("us-east-1_Pool".to_owned()),
        gen::text(),
        select(vec!["_", "us-east-1_", "nounderscore", "_x"]).prop_map(str::to_owned),
    ];
    let strings = (gen::text(), gen::text(), gen::text());
    check.run(
        &(salt(), block, pool, strings),
        |(salt, (block, block_ok), pool, (user, password, time))| {
            let c = Challenge {
                user_id_for_srp: &user,
                ..challenge(&salt, "05", &block, &pool)
            };
            let pool_ok = pool
                .split_once('_')
                .is_some_and(|(_, name)| !name.is_empty());
            match ephemeral().password_claim(&c, &password, &time) {
                Ok(_) => prop_assert!(pool_ok && salt_is_hex(&salt)),
                Err(e) if !pool_ok => {
                    prop_assert_eq!(e.kind, ErrorKind::InvalidInput);
                    prop_assert_eq!(e.field.as_deref(), Some("userPoolId"));
                }
                Err(e) => {
                    prop_assert_eq!(e.kind, ErrorKind::Protocol);
                    let at_fault = if salt_is_hex(&salt) {
                        "SECRET_BLOCK"
                    } else {
                        "SALT"
                    };
                    prop_assert!(e.message.contains(at_fault), "{}", e.message);
                    prop_assert!(
                        !(at_fault == "SECRET_BLOCK" && block_ok),
                        "refused good base64"
                    );
                }
            }
            Ok(())
        },
    )
}

fn randomness(check: &mut Check) -> Result<(), String> {
    // Lengths at the boundary half the time; all-zero and all-one bytes too.
    let length = prop_oneof![0..80usize, select(vec![0, 1, 31, 32, 33])];
    let random = prop_oneof![
        length.clone().prop_flat_map(|n| vec(any::<u8>(), n)),
        length.clone().prop_map(|n| vec![0; n]),
        length.prop_map(|n| vec![0xff; n]),
    ];
    check.run(&random, |random| {
        // All zeros is a random source that failed: refused whatever the length.
        let all_zero = random.iter().all(|&b| b == 0);
        match Ephemeral::new(&random) {
            Ok(e) => {
                prop_assert!(random.len() >= MIN_RANDOM_BYTES && !all_zero);
                let a = e.srp_a_hex();
                prop_assert!(
                    !a.is_empty() && a.len() <= 768 && a.bytes().all(|c| c.is_ascii_hexdigit())
                );
            }
            Err(e) => {
                prop_assert!(random.len() < MIN_RANDOM_BYTES || all_zero);
                prop_assert_eq!(e.field.as_deref(), Some("random"));
            }
        }
        Ok(())
    })
}
