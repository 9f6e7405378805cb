//! A remembered device's SRP, as Cognito defines it for device tracking: pure, like the user's.
//!
//! After a sign-in whose result carries `NewDeviceMetadata` (`DeviceKey`, `DeviceGroupKey`), the
//! client draws a random device password and a 16-byte salt, and sends `ConfirmDevice` the
//! verifier `v = g^x mod N` with `x = H(pad(salt) | H(DeviceGroupKey | DeviceKey | ":" | password))`
//! (both base64, as `DeviceSecretVerifierConfig`). On later sign-ins the device proves that it
//! knows the password with the user's SRP exchange (`DEVICE_SRP_AUTH`, then
//! `DEVICE_PASSWORD_VERIFIER`), the `DeviceGroupKey` taking the pool name's place and the
//! `DeviceKey` the user id's.

use zeroize::Zeroizing;

use super::{group, pad, private_x, Challenge, Ephemeral, Residue};
use crate::codec::text::Base64;
use crate::error::Result;

/// Random bytes a device password is made of (base64 of these is the password, as the
/// reference client makes it).
pub const PASSWORD_BYTES: usize = 40;
/// Random bytes of a device salt.
pub const SALT_BYTES: usize = 16;

/// `DeviceSecretVerifierConfig` for `ConfirmDevice`: base64 of the padded salt and verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierConfig {
    /// `Salt`.
    pub salt_b64: String,
    /// `PasswordVerifier`.
    pub verifier_b64: String,
}

/// The device password from `random` (at least [`PASSWORD_BYTES`] bytes are used): base64.
pub fn password_from(random: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(Base64::Standard.encode(random))
}

/// The verifier for `password` under `group_key` and `device_key`, with `salt` (random bytes,
/// read as a non-negative integer, as the reference client reads its random hex).
pub fn verifier(group_key: &str, device_key: &str, password: &str, salt: &[u8]) -> VerifierConfig {
    let salt = pad(salt);
    let x = private_x(group_key, device_key, password, &salt);
    let v = Residue::pow2(x.as_slice());
    VerifierConfig {
        salt_b64: Base64::Standard.encode(&salt),
        verifier_b64: Base64::Standard.encode(pad(&group::to_be_bytes(&v.value()))),
    }
}

/// What `DEVICE_PASSWORD_VERIFIER` carries, with the device's own keys.
#[derive(Clone, Debug)]
pub struct DeviceChallenge<'a> {
    /// `DeviceGroupKey`, from `NewDeviceMetadata` at the sign-in that confirmed the device.
    pub group_key: &'a str,
    /// `DeviceKey`.
    pub device_key: &'a str,
    /// `SALT`, hex.
    pub salt_hex: &'a str,
    /// `SRP_B`, hex.
    pub srp_b_hex: &'a str,
    /// `SECRET_BLOCK`, base64.
    pub secret_block_b64: &'a str,
}

impl Ephemeral {
    /// `PASSWORD_CLAIM_SIGNATURE` of the `DEVICE_PASSWORD_VERIFIER` answer, for the device
    /// `password` and `timestamp` (also sent as `TIMESTAMP`).
    pub fn device_password_claim(
        &self,
        challenge: &DeviceChallenge<'_>,
        password: &str,
        timestamp: &str,
    ) -> Result<String> {
        self.claim(
            challenge.group_key,
            &Challenge {
                pool_id: "",
                user_id_for_srp: challenge.device_key,
                salt_hex: challenge.salt_hex,
                srp_b_hex: challenge.srp_b_hex,
                secret_block_b64: challenge.secret_block_b64,
            },
            password,
            timestamp,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_salt_is_a_positive_integer_and_the_verifier_depends_on_every_input() {
        let high = verifier("-g", "d", "pw", &[0x80; SALT_BYTES]);
        assert_eq!(
            Base64::Standard.decode(&high.salt_b64).unwrap()[0],
            0,
            "a salt with its top bit set gets a zero byte in front"
        );
        let base = verifier("-g", "d", "pw", &[1; SALT_BYTES]);
        for other in [
            verifier("-h", "d", "pw", &[1; SALT_BYTES]),
            verifier("-g", "e", "pw", &[1; SALT_BYTES]),
            verifier("-g", "d", "px", &[1; SALT_BYTES]),
            verifier("-g", "d", "pw", &[2; SALT_BYTES]),
        ] {
            assert_ne!(other.verifier_b64, base.verifier_b64);
        }
        assert_eq!(password_from(&[0xff; 3]).as_str(), "////");
    }
}
