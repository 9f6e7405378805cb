//! The one place apiless hashes: SHA-256 (SigV4's payload and canonical request hashes, SRP's
//! u, x and k) and HMAC-SHA-256, the one keyed hash apiless needs (SigV4's signing-key
//! derivation, SRP's key derivation and password claim). HMAC is written out here (RFC 2104, a
//! dozen lines over `sha2`) rather than taken from the `hmac` crate so that the key block, the
//! key XORed with the pads, which is as good as the key, is wiped when done: `hmac` leaves it on
//! the stack. `sha2` is built with its `zeroize` feature, so the hash states wipe themselves
//! when dropped. (The browser hashes large uploads with WebCrypto instead: `js/files.rs`.)

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// SHA-256 of the concatenation of `parts`.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// SHA-256's block: keys are padded (or first hashed) to this length.
const BLOCK: usize = 64;

/// HMAC-SHA-256 of the concatenation of `parts` under `key` (any length).
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = Zeroizing::new([0u8; BLOCK]);
    if key.len() > BLOCK {
        let digest = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(key)));
        block[..32].copy_from_slice(digest.as_slice());
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    for byte in block.iter_mut() {
        *byte ^= 0x36;
    }
    let mut inner = Sha256::new();
    inner.update(block.as_slice());
    for part in parts {
        inner.update(part);
    }
    let inner = Zeroizing::new(<[u8; 32]>::from(inner.finalize()));
    // From the inner pad to the outer one: 0x36 ^ 0x5c.
    for byte in block.iter_mut() {
        *byte ^= 0x36 ^ 0x5c;
    }
    let mut outer = Sha256::new();
    outer.update(block.as_slice());
    outer.update(inner.as_slice());
    outer.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_known_answers() {
        // Test case 2: a short key, and the data given in two parts.
        let tag = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block, hashed first.
        let tag = hmac_sha256(
            &[0xaa; 131],
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            hex::encode(tag),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn agrees_with_the_hmac_crate_for_every_key_length() {
        use hmac::{Hmac, KeyInit, Mac};
        // Keys around the block length (64) and its hashing threshold, data in several parts.
        for len in [0usize, 1, 31, 32, 63, 64, 65, 100, 131, 200] {
            let key: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let parts: [&[u8]; 3] = [b"AWS4", &key[..len / 2], b"aws4_request"];
            let mut reference = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key).unwrap();
            for part in parts {
                reference.update(part);
            }
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(hmac_sha256(&key, &parts), expected, "key of {len} bytes");
        }
    }
}
