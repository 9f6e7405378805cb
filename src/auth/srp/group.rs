//! Arithmetic modulo the 3072-bit prime of RFC 5054 (group 3072, generator 2), the group of
//! Cognito's SRP.
//!
//! Numbers are 96 little-endian 32-bit limbs; products use wasm's native 32x32->64 multiply
//! (wasm32 has no 64x64->128 one). Residues are kept in Montgomery form (x * 2^3072 mod N), so a
//! modular multiplication costs two passes of 96x96 limb products and no division. Powers of
//! the generator need only squarings, since doubling is an addition. Not constant-time, like
//! every browser SRP client we know of; the exponents are per-session randoms and hashes.

use std::sync::OnceLock;

use zeroize::{Zeroize, Zeroizing};

/// Limbs in a number of the group.
pub const LIMBS: usize = 96;
/// Bytes in a number of the group.
pub const BYTES: usize = LIMBS * 4;

/// A number below 2^3072, little-endian limbs.
pub type Limbs = [u32; LIMBS];

/// N, the RFC 5054 3072-bit prime, as hex (big-endian).
pub const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879",
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B",
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA4836",
    "1C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804",
    "F1746C08CA18217C32905E462E36CE3BE39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6",
    "955817183995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64",
    "ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7ABF5AE8CDB0933D71E8C94E04A25619DCEE3D226",
    "1AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

const fn hex_digit(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => (c - b'0') as u32,
        b'a'..=b'f' => (c - b'a' + 10) as u32,
        b'A'..=b'F' => (c - b'A' + 10) as u32,
        _ => panic!("not a hex digit"),
    }
}

const fn parse_n() -> Limbs {
    let hex = N_HEX.as_bytes();
    assert!(hex.len() == BYTES * 2);
    let mut out = [0u32; LIMBS];
    let mut i = 0;
    while i < LIMBS {
        // Limb i holds hex digits [len - 8(i+1), len - 8i).
        let start = hex.len() - 8 * (i + 1);
        let mut v = 0u32;
        let mut j = 0;
        while j < 8 {
            v = (v << 4) | hex_digit(hex[start + j]);
            j += 1;
        }
        out[i] = v;
        i += 1;
    }
    out
}

/// N as limbs.
pub const N: Limbs = parse_n();

/// -N^-1 mod 2^32, by Newton's iteration (each step doubles the correct low bits).
const N0_INV: u32 = {
    let n0 = N[0];
    let mut inv = 1u32;
    let mut i = 0;
    while i < 5 {
        inv = inv.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg()
};

/// A residue mod N in Montgomery form.
#[derive(Clone, PartialEq, Eq)]
pub struct Residue(Limbs);

/// SRP's residues are secrets (g^x is as good as the password's verifier, S is the shared
/// secret): each is wiped where it dies. Copies the compiler makes on the stack are beyond
/// reach.
impl Drop for Residue {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl std::fmt::Debug for Residue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // SRP intermediates are secrets.
        f.write_str("Residue(** redacted **)")
    }
}

/// Big-endian bytes (any length) to limbs; `None` when the value needs more than 3072 bits.
pub fn from_be_bytes(bytes: &[u8]) -> Option<Limbs> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let bytes = &bytes[first..];
    if bytes.len() > BYTES {
        return None;
    }
    let mut out = [0u32; LIMBS];
    for (i, &b) in bytes.iter().rev().enumerate() {
        out[i / 4] |= u32::from(b) << (8 * (i % 4));
    }
    Some(out)
}

/// Limbs to big-endian bytes, without leading zero bytes (empty for zero).
pub fn to_be_bytes(x: &Limbs) -> Vec<u8> {
    let mut out = Vec::with_capacity(BYTES);
    for limb in x.iter().rev() {
        out.extend_from_slice(&limb.to_be_bytes());
    }
    let first = out.iter().position(|&b| b != 0).unwrap_or(out.len());
    out.drain(..first);
    out
}

fn is_zero(x: &Limbs) -> bool {
    x.iter().all(|&l| l == 0)
}

/// x >= y
fn geq(x: &Limbs, y: &Limbs) -> bool {
    for i in (0..LIMBS).rev() {
        if x[i] != y[i] {
            return x[i] > y[i];
        }
    }
    true
}

/// x -= y, returning the borrow.
fn sub_in_place(x: &mut Limbs, y: &Limbs) -> bool {
    let mut borrow = 0u64;
    for i in 0..LIMBS {
        let d = u64::from(x[i])
            .wrapping_sub(u64::from(y[i]))
            .wrapping_sub(borrow);
        x[i] = d as u32;
        borrow = (d >> 63) & 1;
    }
    borrow != 0
}

/// x += y, returning the carry.
fn add_in_place(x: &mut Limbs, y: &Limbs) -> bool {
    let mut carry = 0u64;
    for i in 0..LIMBS {
        let s = u64::from(x[i]) + u64::from(y[i]) + carry;
        x[i] = s as u32;
        carry = s >> 32;
    }
    carry != 0
}

/// The full 6144-bit product a * b (schoolbook, row by row).
fn product(a: &Limbs, b: &Limbs) -> [u32; 2 * LIMBS] {
    let mut t = [0u32; 2 * LIMBS];
    for (i, &ai) in a.iter().enumerate() {
        let ai = u64::from(ai);
        let mut carry = 0u64;
        for (tj, &bj) in t[i..i + LIMBS].iter_mut().zip(b.iter()) {
            let s = u64::from(*tj) + ai * u64::from(bj) + carry;
            *tj = s as u32;
            carry = s >> 32;
        }
        t[i + LIMBS] = carry as u32;
    }
    t
}

/// The full 6144-bit square a * a: each cross product once, doubled, plus the diagonal.
fn square(a: &Limbs) -> [u32; 2 * LIMBS] {
    let mut t = [0u32; 2 * LIMBS];
    for i in 0..LIMBS {
        let ai = u64::from(a[i]);
        let mut carry = 0u64;
        for (tj, &aj) in t[2 * i + 1..i + LIMBS].iter_mut().zip(a[i + 1..].iter()) {
            let s = u64::from(*tj) + ai * u64::from(aj) + carry;
            *tj = s as u32;
            carry = s >> 32;
        }
        t[i + LIMBS] = carry as u32;
    }
    // Double the cross products, then add the squares on the diagonal.
    let mut top = 0u32;
    for limb in t.iter_mut() {
        let next = *limb >> 31;
        *limb = *limb << 1 | top;
        top = next;
    }
    let mut carry = 0u64;
    for i in 0..LIMBS {
        let sq = u64::from(a[i]) * u64::from(a[i]);
        let lo = u64::from(t[2 * i]) + (sq & 0xFFFF_FFFF) + carry;
        t[2 * i] = lo as u32;
        let hi = u64::from(t[2 * i + 1]) + (sq >> 32) + (lo >> 32);
        t[2 * i + 1] = hi as u32;
        carry = hi >> 32;
    }
    t
}

/// Montgomery reduction t * 2^-3072 mod N, for t < N * 2^3072.
///
/// N = -1 mod 2^32, so -N^-1 = 1 and each step's multiplier is simply the lowest limb.
fn reduce(mut t: [u32; 2 * LIMBS]) -> Limbs {
    const _: () = assert!(N0_INV == 1);
    let mut overflow = 0u64;
    for i in 0..LIMBS {
        let m = u64::from(t[i]);
        let mut carry = 0u64;
        for (tj, &nj) in t[i..i + LIMBS].iter_mut().zip(N.iter()) {
            let s = u64::from(*tj) + m * u64::from(nj) + carry;
            *tj = s as u32;
            carry = s >> 32;
        }
        let s = u64::from(t[i + LIMBS]) + carry + overflow;
        t[i + LIMBS] = s as u32;
        overflow = s >> 32;
    }
    let mut out = [0u32; LIMBS];
    out.copy_from_slice(&t[LIMBS..]);
    if overflow != 0 || geq(&out, &N) {
        sub_in_place(&mut out, &N);
    }
    out
}

/// Montgomery product a * b * 2^-3072 mod N, for a, b < N.
fn mont_mul(a: &Limbs, b: &Limbs) -> Limbs {
    reduce(product(a, b))
}

/// Montgomery square a * a * 2^-3072 mod N, for a < N.
fn mont_sqr(a: &Limbs) -> Limbs {
    reduce(square(a))
}

/// 2^6144 mod N, which moves numbers into Montgomery form; computed once by doubling.
fn r_squared() -> &'static Limbs {
    static R2: OnceLock<Limbs> = OnceLock::new();
    R2.get_or_init(|| {
        // 2^3072 mod N = 2^3072 - N, as N > 2^3071; then 3072 doublings mod N.
        let mut x = [0u32; LIMBS];
        sub_in_place(&mut x, &N);
        for _ in 0..BYTES * 8 {
            let copy = x;
            let carry = add_in_place(&mut x, &copy);
            if carry || geq(&x, &N) {
                sub_in_place(&mut x, &N);
            }
        }
        x
    })
}

impl Residue {
    /// x mod N, for any x < 2^3072.
    pub fn new(x: &Limbs) -> Residue {
        // x * R^2 * R^-1 = x * R: valid for x < 2^3072 since R^2 mod N < N.
        Residue(mont_mul(x, r_squared()))
    }

    /// 1 mod N.
    pub fn one() -> Residue {
        let mut one = [0u32; LIMBS];
        one[0] = 1;
        Residue::new(&one)
    }

    /// The residue as an ordinary number in [0, N).
    pub fn value(&self) -> Limbs {
        let mut one = [0u32; LIMBS];
        one[0] = 1;
        mont_mul(&self.0, &one)
    }

    /// Whether the residue is 0 mod N.
    pub fn is_zero(&self) -> bool {
        is_zero(&self.0)
    }

    /// self * other mod N.
    pub fn mul(&self, other: &Residue) -> Residue {
        Residue(mont_mul(&self.0, &other.0))
    }

    /// self * self mod N.
    pub fn square(&self) -> Residue {
        Residue(mont_sqr(&self.0))
    }

    /// self - other mod N.
    pub fn sub(&self, other: &Residue) -> Residue {
        let mut x = self.0;
        if sub_in_place(&mut x, &other.0) {
            add_in_place(&mut x, &N);
        }
        Residue(x)
    }

    /// 2 * self mod N.
    fn double(&self) -> Residue {
        let mut x = self.0;
        let carry = add_in_place(&mut x, &self.0);
        if carry || geq(&x, &N) {
            sub_in_place(&mut x, &N);
        }
        Residue(x)
    }

    /// self^exp mod N, `exp` big-endian bytes; sliding window of 5 bits.
    pub fn pow(&self, exp: &[u8]) -> Residue {
        const W: usize = 5;
        // odd[i] = self^(2i+1)
        let square = self.square();
        let mut odd = Vec::with_capacity(1 << (W - 1));
        odd.push(self.clone());
        for i in 1..(1 << (W - 1)) {
            let next = odd[i - 1].mul(&square);
            odd.push(next);
        }
        // The exponent's bits, most significant first, read in place: a list of them would be
        // one more copy of a secret to wipe.
        let bit = |i: usize| exp[i / 8] >> (7 - i % 8) & 1 == 1;
        let bits = exp.len() * 8;
        let mut acc = Residue::one();
        let mut started = false;
        let mut i = 0;
        while i < bits {
            if !bit(i) {
                if started {
                    acc = acc.square();
                }
                i += 1;
                continue;
            }
            // The longest window of at most W bits starting here that ends in a 1.
            let mut end = (i + W).min(bits);
            while !bit(end - 1) {
                end -= 1;
            }
            let mut value = 0usize;
            for j in i..end {
                if started {
                    acc = acc.square();
                }
                value = value << 1 | usize::from(bit(j));
            }
            acc = if started {
                acc.mul(&odd[value >> 1])
            } else {
                odd[value >> 1].clone()
            };
            started = true;
            i = end;
        }
        acc
    }

    /// 2^exp mod N, `exp` big-endian bytes: squarings and doublings only.
    pub fn pow2(exp: &[u8]) -> Residue {
        let mut acc = Residue::one();
        let mut started = false;
        for &byte in exp {
            for i in (0..8).rev() {
                if started {
                    acc = acc.square();
                }
                if byte >> i & 1 == 1 {
                    acc = acc.double();
                    started = true;
                }
            }
        }
        acc
    }
}

/// a * b + c for big-endian byte strings of any length, as big-endian bytes (no leading zeros).
/// SRP's a + u * x: the working copies are wiped; the caller wipes the result.
pub fn mul_add(a: &[u8], b: &[u8], c: &[u8]) -> Vec<u8> {
    let to_limbs = |x: &[u8]| -> Zeroizing<Vec<u32>> {
        let mut v = Zeroizing::new(vec![0u32; x.len().div_ceil(4)]);
        for (i, &byte) in x.iter().rev().enumerate() {
            v[i / 4] |= u32::from(byte) << (8 * (i % 4));
        }
        v
    };
    let (a, b, c) = (to_limbs(a), to_limbs(b), to_limbs(c));
    let mut out = Zeroizing::new(vec![0u32; (a.len() + b.len()).max(c.len()) + 1]);
    for (i, &ai) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &bj) in b.iter().enumerate() {
            let s = u64::from(out[i + j]) + u64::from(ai) * u64::from(bj) + carry;
            out[i + j] = s as u32;
            carry = s >> 32;
        }
        let mut k = i + b.len();
        while carry != 0 {
            let s = u64::from(out[k]) + carry;
            out[k] = s as u32;
            carry = s >> 32;
            k += 1;
        }
    }
    let mut carry = 0u64;
    for (k, limb) in out.iter_mut().enumerate() {
        let s = u64::from(*limb) + u64::from(c.get(k).copied().unwrap_or(0)) + carry;
        *limb = s as u32;
        carry = s >> 32;
    }
    // Sized up front: a growing buffer would leave partial copies behind.
    let mut bytes = Vec::with_capacity(out.len() * 4);
    for limb in out.iter().rev() {
        bytes.extend_from_slice(&limb.to_be_bytes());
    }
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.drain(..first);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limbs(v: u64) -> Limbs {
        let mut x = [0u32; LIMBS];
        x[0] = v as u32;
        x[1] = (v >> 32) as u32;
        x
    }

    #[test]
    fn n_is_parsed_and_its_inverse_is_right() {
        assert_eq!(N[LIMBS - 1], 0xFFFF_FFFF);
        assert_eq!(N[0], 0xFFFF_FFFF);
        assert_eq!(N[2], 0xA93A_D2CA);
        assert_eq!(N[0].wrapping_mul(N0_INV), u32::MAX); // N * -N^-1 = -1 mod 2^32
    }

    #[test]
    fn small_numbers_multiply_as_integers() {
        let a = Residue::new(&limbs(123_456_789));
        let b = Residue::new(&limbs(987_654_321));
        assert_eq!(a.mul(&b).value(), limbs(123_456_789 * 987_654_321));
        assert_eq!(b.sub(&a).value(), limbs(987_654_321 - 123_456_789));
    }

    #[test]
    fn squaring_equals_multiplication_on_awkward_values() {
        let mut all_ones = [u32::MAX; LIMBS];
        sub_in_place(&mut all_ones, &N); // 2^3072 - 1 - N, a full-width value below N
        let mut n_minus_1 = N;
        sub_in_place(&mut n_minus_1, &limbs(1));
        for x in [all_ones, n_minus_1, limbs(u64::MAX), limbs(0), limbs(1)] {
            let e = Residue::new(&x);
            assert_eq!(e.square(), e.mul(&e));
            assert_eq!(square(&x), product(&x, &x));
        }
    }

    #[test]
    fn subtraction_wraps_mod_n() {
        let a = Residue::new(&limbs(5));
        let b = Residue::new(&limbs(7));
        // 5 - 7 = N - 2
        let mut expected = N;
        sub_in_place(&mut expected, &limbs(2));
        assert_eq!(a.sub(&b).value(), expected);
    }

    #[test]
    fn powers_agree_with_repeated_multiplication() {
        let three = Residue::new(&limbs(3));
        let mut expected = Residue::one();
        for e in 0u32..300 {
            let exp = e.to_be_bytes();
            assert_eq!(three.pow(&exp), expected, "3^{e}");
            expected = expected.mul(&three);
        }
        let two = Residue::new(&limbs(2));
        for e in [0u32, 1, 2, 31, 32, 33, 100, 3071, 3072, 3073, 65_537] {
            assert_eq!(
                Residue::pow2(&e.to_be_bytes()),
                two.pow(&e.to_be_bytes()),
                "2^{e}"
            );
        }
    }

    #[test]
    fn fermat_holds() {
        // a^(N-1) = 1 mod N for prime N.
        let mut n_minus_1 = N;
        sub_in_place(&mut n_minus_1, &limbs(1));
        let exp = to_be_bytes(&n_minus_1);
        assert_eq!(Residue::new(&limbs(0xDEAD_BEEF)).pow(&exp), Residue::one());
        assert_eq!(Residue::pow2(&exp), Residue::one());
    }

    #[test]
    fn values_at_or_above_n_reduce() {
        assert!(Residue::new(&N).is_zero());
        let mut n_plus_5 = N;
        add_in_place(&mut n_plus_5, &limbs(5));
        assert_eq!(Residue::new(&n_plus_5).value(), limbs(5));
    }

    #[test]
    fn byte_conversions_round_trip_and_reject_oversize() {
        assert_eq!(from_be_bytes(&[0, 0, 1, 2]).unwrap(), limbs(0x0102));
        assert_eq!(to_be_bytes(&limbs(0x0102)), vec![1, 2]);
        assert!(to_be_bytes(&[0u32; LIMBS]).is_empty());
        assert!(from_be_bytes(&[1u8; BYTES + 1]).is_none());
        let mut with_zeros = vec![0u8; 10];
        with_zeros.extend([0xFFu8; BYTES]);
        assert!(from_be_bytes(&with_zeros).is_some());
    }

    #[test]
    fn mul_add_is_integer_arithmetic() {
        assert_eq!(
            mul_add(&[0xFF, 0xFF], &[0xFF, 0xFF], &[1]),
            vec![0xFF, 0xFE, 0x00, 0x02]
        );
        assert_eq!(mul_add(&[], &[5], &[0, 7]), vec![7]);
        let big = [0xFFu8; 40];
        let r = mul_add(&big, &big, &big);
        // (2^320-1)^2 + 2^320-1 = 2^640 - 2^320
        let mut expected = vec![0xFFu8; 40];
        expected.extend([0u8; 40]);
        assert_eq!(r, expected);
    }
}
