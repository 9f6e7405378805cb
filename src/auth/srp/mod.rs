//! Cognito's SRP-6a client (`USER_SRP_AUTH`, then the `PASSWORD_VERIFIER` challenge), pure:
//! the random `a` and the timestamp are inputs, so every step is reproducible in tests.
//!
//! The protocol, as Cognito and its reference clients define it (H = SHA-256, N and g = 2 the
//! RFC 5054 3072-bit group, `pad(n)` = n's minimal big-endian bytes with a `00` byte in front
//! when the top bit is set, which is the "pad hex" of the reference clients):
//!
//! - `k = H(pad(N) | pad(g))`, `A = g^a mod N`, sent as `SRP_A` in lower-case hex;
//! - `u = H(pad(A) | pad(B))`, refused if zero; `B mod N` refused if zero;
//! - `x = H(pad(salt) | H(poolName | userIdForSrp | ":" | password))`;
//! - `S = (B - k * g^x)^(a + u * x) mod N`;
//! - `key = HKDF-SHA256(ikm = pad(S), salt = pad(u), info = "Caldera Derived Key")[..16]`;
//! - `PASSWORD_CLAIM_SIGNATURE = base64(HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp))`.
//!
//! Every number is read as an integer before padding: a salt sent as `"00ab"` pads like `"ab"`.

use std::sync::OnceLock;

use zeroize::Zeroizing;

pub mod device;
pub mod group;
use group::Residue;

use crate::codec::text::{hex_value, Base64};
use crate::crypto::{hmac_sha256, sha256};
use crate::error::{Error, Result};

/// Fewer random bytes than this for `a` is refused: RFC 5054 asks for at least 256 bits.
pub const MIN_RANDOM_BYTES: usize = 32;

/// The client's half of one SRP exchange: the secret `a` and the public `A`.
///
/// Make it before the user submits the form ([`Ephemeral::new`] does the one exponentiation
/// of `A`), so that signing in waits only on the network and [`Ephemeral::password_claim`].
pub struct Ephemeral {
    a: Zeroizing<Vec<u8>>,
    big_a: Vec<u8>,
}

impl std::fmt::Debug for Ephemeral {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ephemeral")
            .field("a", &"** redacted **")
            .field("A", &self.srp_a_hex())
            .finish()
    }
}

/// What the `PASSWORD_VERIFIER` challenge carries, as Cognito sent it.
#[derive(Clone, Debug)]
pub struct Challenge<'a> {
    /// The user pool id, `<region>_<poolName>`.
    pub pool_id: &'a str,
    /// `USER_ID_FOR_SRP`: sign with this, not with what the user typed.
    pub user_id_for_srp: &'a str,
    /// `SALT`, hex.
    pub salt_hex: &'a str,
    /// `SRP_B`, hex.
    pub srp_b_hex: &'a str,
    /// `SECRET_BLOCK`, base64.
    pub secret_block_b64: &'a str,
}

impl Ephemeral {
    /// `a` from `random` (big-endian, at least [`MIN_RANDOM_BYTES`] bytes), and `A = g^a mod N`.
    pub fn new(random: &[u8]) -> Result<Ephemeral> {
        if random.len() < MIN_RANDOM_BYTES {
            return Err(Error::invalid_input(
                "random",
                format!("SRP needs at least {MIN_RANDOM_BYTES} random bytes"),
            ));
        }
        // All zeros is a random source that failed (or was never called), and would make
        // a = 0, A = 1: refused, never signed in with.
        if random.iter().all(|&b| b == 0) {
            return Err(Error::invalid_input(
                "random",
                "SRP: the random bytes are all zero; the random source failed",
            ));
        }
        let a = Zeroizing::new(random.to_vec());
        let big_a = Residue::pow2(&a);
        if big_a.is_zero() {
            return Err(Error::invalid_input("random", "SRP: A = g^a mod N is zero"));
        }
        Ok(Ephemeral {
            a,
            big_a: group::to_be_bytes(&big_a.value()),
        })
    }

    /// `SRP_A`: A in lower-case hex, as the reference clients send it (no leading zeros).
    pub fn srp_a_hex(&self) -> String {
        let hex = hex::encode(&self.big_a);
        hex.trim_start_matches('0').to_owned()
    }

    /// `PASSWORD_CLAIM_SIGNATURE` for the challenge, `password` and `timestamp` (Cognito's
    /// `ddd MMM d HH:mm:ss UTC yyyy`, which is also sent as `TIMESTAMP`).
    pub fn password_claim(
        &self,
        challenge: &Challenge<'_>,
        password: &str,
        timestamp: &str,
    ) -> Result<String> {
        let pool_name = match challenge.pool_id.split_once('_') {
            Some((_, name)) if !name.is_empty() => name,
            _ => {
                return Err(Error::invalid_input(
                    "userPoolId",
                    "the user pool id has no '_<name>' part",
                ))
            }
        };
        self.claim(pool_name, challenge, password, timestamp)
    }

    /// The claim with `realm` in the pool name's place: the pool name for a user, the
    /// `DeviceGroupKey` for a device (whose `user_id_for_srp` is its `DeviceKey`).
    pub(crate) fn claim(
        &self,
        realm: &str,
        challenge: &Challenge<'_>,
        password: &str,
        timestamp: &str,
    ) -> Result<String> {
        let b = parse_hex("SRP_B", challenge.srp_b_hex)?;
        let b_limbs = group::from_be_bytes(&b).ok_or_else(|| {
            Error::protocol("SRP_B from Cognito is larger than the 3072-bit group")
        })?;
        let b_elem = Residue::new(&b_limbs);
        if b_elem.is_zero() {
            return Err(Error::protocol(
                "SRP_B from Cognito is 0 mod N: refusing the challenge",
            ));
        }
        let salt = salt_bytes(challenge.salt_hex)?;
        let secret_block = Base64::Standard
            .decode(challenge.secret_block_b64.trim())
            .ok_or_else(|| Error::protocol("SECRET_BLOCK from Cognito is not base64"))?;

        let u = Zeroizing::new(sha256(&[&pad(&self.big_a), &pad(&b)]));
        if u.iter().all(|&byte| byte == 0) {
            return Err(Error::protocol(
                "SRP: u = H(A, B) is zero: refusing the challenge",
            ));
        }

        let x = private_x(realm, challenge.user_id_for_srp, password, &salt);
        let base = b_elem.sub(&k().mul(&Residue::pow2(x.as_slice())));
        let exponent = Zeroizing::new(group::mul_add(u.as_slice(), x.as_slice(), &self.a));
        let s = Zeroizing::new(group::to_be_bytes(&base.pow(&exponent).value()));

        let (pad_u, pad_s) = (Zeroizing::new(pad(u.as_slice())), Zeroizing::new(pad(&s)));
        let prk = Zeroizing::new(hmac_sha256(&pad_u, &[&pad_s]));
        let key = Zeroizing::new(hmac_sha256(prk.as_slice(), &[b"Caldera Derived Key\x01"]));
        let signature = hmac_sha256(
            &key[..16],
            &[
                realm.as_bytes(),
                challenge.user_id_for_srp.as_bytes(),
                &secret_block,
                timestamp.as_bytes(),
            ],
        );
        Ok(Base64::Standard.encode(signature))
    }
}

/// x = H(salt | H(realm | user | ":" | password)), `salt` already in its hashed form.
fn private_x(realm: &str, user: &str, password: &str, salt: &[u8]) -> Zeroizing<[u8; 32]> {
    let identity = Zeroizing::new(sha256(&[
        realm.as_bytes(),
        user.as_bytes(),
        b":",
        password.as_bytes(),
    ]));
    Zeroizing::new(sha256(&[salt, identity.as_slice()]))
}

/// k = H(pad(N) | pad(g)).
fn k() -> &'static Residue {
    static K: OnceLock<Residue> = OnceLock::new();
    K.get_or_init(|| {
        let digest = sha256(&[&pad(&group::to_be_bytes(&group::N)), &[2u8]]);
        // A 256-bit digest always fits.
        Residue::new(&group::from_be_bytes(&digest).unwrap_or([0; group::LIMBS]))
    })
}

/// Minimal big-endian bytes with a zero byte in front when the top bit is set (or for zero).
fn pad(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let minimal = &bytes[first..];
    let mut out = Vec::with_capacity(minimal.len() + 1);
    if minimal.first().is_none_or(|&b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(minimal);
    out
}

/// The salt as the reference clients hash it: read as a signed integer (Cognito has sent
/// negative salts, `-16e4...`), then its minimal two's-complement bytes, as Java's
/// `BigInteger.toByteArray()` gives them. For a non-negative salt that is [`pad`].
fn salt_bytes(s: &str) -> Result<Vec<u8>> {
    let Some(magnitude) = s.trim().strip_prefix('-') else {
        return Ok(pad(&parse_hex("SALT", s)?));
    };
    let m = parse_hex("SALT", magnitude)?;
    let first = m.iter().position(|&b| b != 0).unwrap_or(m.len());
    let m = &m[first..];
    if m.is_empty() {
        return Ok(vec![0]);
    }
    // The fewest bytes k with -m >= -2^(8k-1), then 2^(8k) - m in k bytes.
    let top_bit_only = m[0] == 0x80 && m[1..].iter().all(|&b| b == 0);
    let k = if m[0] < 0x80 || top_bit_only {
        m.len()
    } else {
        m.len() + 1
    };
    let mut out = vec![0u8; k];
    out[k - m.len()..].copy_from_slice(m);
    // Two's complement: invert and add one.
    let mut carry = true;
    for byte in out.iter_mut().rev() {
        let (v, c) = (!*byte).overflowing_add(u8::from(carry));
        *byte = v;
        carry = c;
    }
    Ok(out)
}

/// Hex (either case, odd length allowed) to bytes.
fn parse_hex(name: &str, s: &str) -> Result<Vec<u8>> {
    let s = s.trim();
    let not_hex = || Error::protocol(format!("{name} from Cognito is not a hex number"));
    if s.is_empty() {
        return Err(not_hex());
    }
    let mut digits = Vec::with_capacity(s.len());
    for c in s.bytes() {
        let Some(d) = hex_value(c) else {
            return Err(not_hex());
        };
        digits.push(d);
    }
    let mut out = Vec::with_capacity(digits.len() / 2 + 1);
    let mut rest = digits.as_slice();
    if rest.len() % 2 == 1 {
        out.push(rest[0]);
        rest = &rest[1..];
    }
    out.extend(rest.chunks_exact(2).map(|p| p[0] << 4 | p[1]));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenge<'a>(b: &'a str) -> Challenge<'a> {
        Challenge {
            pool_id: "us-east-1_Pool",
            user_id_for_srp: "alice",
            salt_hex: "ab",
            srp_b_hex: b,
            secret_block_b64: "AAAA",
        }
    }

    #[test]
    fn padding_follows_the_reference_clients() {
        assert_eq!(pad(&[]), vec![0]);
        assert_eq!(pad(&[0, 0]), vec![0]);
        assert_eq!(pad(&[0x7f]), vec![0x7f]);
        assert_eq!(pad(&[0x80]), vec![0, 0x80]);
        assert_eq!(pad(&[0, 0, 0x81, 1]), vec![0, 0x81, 1]);
        assert_eq!(parse_hex("X", "abc").unwrap(), vec![0x0a, 0xbc]);
        assert_eq!(parse_hex("X", "00FF").unwrap(), vec![0, 0xff]);
    }

    #[test]
    fn salts_read_as_signed_integers_like_java_biginteger() {
        assert_eq!(salt_bytes("00ab").unwrap(), vec![0, 0xab]);
        assert_eq!(salt_bytes("0012").unwrap(), vec![0x12]);
        assert_eq!(salt_bytes("-80").unwrap(), vec![0x80]);
        assert_eq!(salt_bytes("-81").unwrap(), vec![0xff, 0x7f]);
        assert_eq!(salt_bytes("-7f").unwrap(), vec![0x81]);
        assert_eq!(salt_bytes("-100").unwrap(), vec![0xff, 0x00]);
        assert_eq!(salt_bytes("-16e4").unwrap(), vec![0xe9, 0x1c]);
        assert_eq!(salt_bytes("-0").unwrap(), vec![0]);
        assert!(salt_bytes("--1").is_err());
        assert!(salt_bytes("-").is_err());
    }

    #[test]
    fn too_little_randomness_is_refused() {
        assert_eq!(
            Ephemeral::new(&[7u8; 31]).unwrap_err().field.as_deref(),
            Some("random")
        );
    }

    #[test]
    fn all_zero_randomness_is_refused() {
        for len in [MIN_RANDOM_BYTES, 64] {
            let e = Ephemeral::new(&vec![0u8; len]).unwrap_err();
            assert_eq!(e.kind, crate::ErrorKind::InvalidInput);
            assert_eq!(e.field.as_deref(), Some("random"));
            assert!(e.message.contains("all zero"), "{e}");
        }
        // One bit set is a (poor but) real draw: accepted.
        let mut one = [0u8; MIN_RANDOM_BYTES];
        one[0] = 0x80;
        assert!(Ephemeral::new(&one).is_ok());
    }

    #[test]
    fn b_that_is_zero_mod_n_is_refused() {
        let e = Ephemeral::new(&[7u8; 32]).unwrap();
        for b in ["0", "00", &group::N_HEX.to_lowercase()] {
            let err = e.password_claim(&challenge(b), "pw", "t").unwrap_err();
            assert!(err.message.contains("0 mod N"), "{b}: {err}");
        }
        let mut two_n = String::from("1");
        two_n.push_str(&"0".repeat(768));
        assert!(e
            .password_claim(&challenge(&two_n), "pw", "t")
            .unwrap_err()
            .message
            .contains("larger"));
    }

    #[test]
    fn malformed_challenge_values_are_typed_errors() {
        let e = Ephemeral::new(&[7u8; 32]).unwrap();
        let err = e.password_claim(&challenge("xyz"), "pw", "t").unwrap_err();
        assert_eq!(err.kind, crate::ErrorKind::Protocol);
        assert!(err.message.contains("SRP_B"));
        let bad_block = Challenge {
            secret_block_b64: "%%%",
            ..challenge("05")
        };
        assert!(e
            .password_claim(&bad_block, "pw", "t")
            .unwrap_err()
            .message
            .contains("SECRET_BLOCK"));
        let bad_pool = Challenge {
            pool_id: "nounderscore",
            ..challenge("05")
        };
        assert_eq!(
            e.password_claim(&bad_pool, "pw", "t")
                .unwrap_err()
                .field
                .as_deref(),
            Some("userPoolId")
        );
    }

    #[test]
    fn a_is_g_to_the_a() {
        // a = 1 (as 32 bytes) gives A = 2.
        let mut one = [0u8; 32];
        one[31] = 1;
        assert_eq!(Ephemeral::new(&one).unwrap().srp_a_hex(), "2");
        let debug = format!("{:?}", Ephemeral::new(&one).unwrap());
        assert!(debug.contains("redacted"));
    }
}
