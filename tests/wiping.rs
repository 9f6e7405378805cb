//! Secrets are wiped where SECURITY.md says they are: a global allocator that, while armed on
//! this thread, looks into every block freed (and every block a `realloc` leaves, as if it
//! always moved, which any allocator may do) for a piece of a marker secret, and counts the
//! blocks still holding one. Each step below must free none:
//!
//! - credentials read from a GetCredentialsForIdentity answer (the body, its parsed JSON, the
//!   `Credentials` themselves when dropped);
//! - ten SigV4 signatures with those credentials (the canonical request, the string to sign,
//!   the `x-amz-security-token` header of the signed request when it is dropped or re-signed);
//! - an SRP password claim (the password, x, g^x's exponent a + u*x, S, pad(S), u);
//! - token answers of RespondToAuthChallenge and of a refresh (the body and its parsed JSON;
//!   the `IssuedTokens` handed to the session are its own copies and are not counted).
//!
//! A "piece" is any 16 bytes of a marker at an offset that is a multiple of 8, so a copy cut
//! short by a growing buffer is found too.
#![cfg(not(target_arch = "wasm32"))]
#![allow(unsafe_code, clippy::unwrap_used, clippy::expect_used)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};

use apiless::auth::identity_pool::{IdentityPool, Login};
use apiless::auth::srp::group::{self, Residue};
use apiless::auth::srp::{Challenge, Ephemeral};
use apiless::auth::user_pool::{AuthResult, UserPool};
use apiless::aws::credentials::Credentials;
use apiless::aws::sigv4::{self, PayloadHash, Scope};
use apiless::http::{Request, Response};
use apiless::test_util::{block_on, ScriptedTransport};
use sha2::{Digest, Sha256};

// ---- the scanning allocator --------------------------------------------------------------------

struct Scanning;

thread_local! {
    /// The markers looked for while armed (set and cleared with no allocation in between).
    static MARKERS: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
    static ARMED: Cell<bool> = const { Cell::new(false) };
    static HITS: Cell<usize> = const { Cell::new(0) };
}

const PIECE: usize = 16;

fn holds_a_marker(block: &[u8]) -> bool {
    MARKERS.with(|m| {
        let Ok(markers) = m.try_borrow() else {
            return false;
        };
        markers.iter().any(|marker| {
            (0..marker.len().saturating_sub(PIECE - 1))
                .step_by(8)
                .any(|at| {
                    let piece = &marker[at..at + PIECE];
                    block.windows(PIECE).any(|w| w == piece)
                })
        })
    })
}

/// Counts `block` if it is freed while armed and still holds a piece of a marker.
unsafe fn check_freed(ptr: *mut u8, size: usize) {
    if !ARMED.with(Cell::get) || size < PIECE {
        return;
    }
    // Disarmed while scanning: the scan itself must not be counted.
    ARMED.with(|a| a.set(false));
    let block = unsafe { std::slice::from_raw_parts(ptr, size) };
    if holds_a_marker(block) {
        HITS.with(|h| h.set(h.get() + 1));
    }
    ARMED.with(|a| a.set(true));
}

unsafe impl GlobalAlloc for Scanning {
    // Fresh blocks are zeroed: a block's unwritten tail must not show what an earlier test left
    // in that memory (a test's own secrets, freed unwiped after the count), which is no copy made
    // by the code counted.
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe {
            check_freed(ptr, layout.size());
            System.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        unsafe {
            let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
            let new = System.alloc_zeroed(new_layout);
            if !new.is_null() {
                std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                check_freed(ptr, layout.size());
                System.dealloc(ptr, layout);
            }
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

/// Runs `f` armed with `markers`, and returns what it returned and how many freed blocks held
/// a piece of one.
fn freed_with_markers<R>(markers: &[&[u8]], f: impl FnOnce() -> R) -> (R, usize) {
    let owned: Vec<Vec<u8>> = markers.iter().map(|m| m.to_vec()).collect();
    assert!(owned.iter().all(|m| m.len() >= PIECE), "markers are long");
    MARKERS.with(|m| *m.borrow_mut() = owned);
    HITS.with(|h| h.set(0));
    ARMED.with(|a| a.set(true));
    let result = f();
    ARMED.with(|a| a.set(false));
    let hits = HITS.with(Cell::get);
    MARKERS.with(|m| m.borrow_mut().clear());
    (result, hits)
}

// ---- a scripted transport ----------------------------------------------------------------------

/// Answers every request with `body` (copied into each response, as `fetch`'s bytes are).
fn answers(body: Vec<u8>) -> ScriptedTransport {
    ScriptedTransport::always(Response {
        status: 200,
        headers: vec![("x-amzn-requestid".into(), "r".into())],
        body,
    })
}

// ---- the secrets ---------------------------------------------------------------------------------

const SECRET_KEY: &str = "wipeTestSecretKey/0123456789+ABCDEFGHIJKLMN";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEWipeTestSessionToken/AAAAAAAAAAAAAAAAAAAAAAAAAAAAA+\
                             BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB/CCCCCCCCCCCCCCCCCCCCCCCCCCCCC\
                             DDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD\
                             EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE\
                             FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF==";

fn credentials_answer() -> Vec<u8> {
    format!(
        r#"{{"Credentials":{{"AccessKeyId":"ASIAWIPETEST","SecretKey":"{SECRET_KEY}","SessionToken":"{SESSION_TOKEN}","Expiration":1.7965584E9}},"IdentityId":"us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9"}}"#
    )
    .into_bytes()
}

fn credential_markers() -> [&'static [u8]; 2] {
    [SECRET_KEY.as_bytes(), SESSION_TOKEN.as_bytes()]
}

fn marker_credentials() -> Credentials {
    Credentials {
        access_key_id: "ASIAWIPETEST".into(),
        secret_access_key: SECRET_KEY.into(),
        session_token: Some(SESSION_TOKEN.into()),
        expires_at_ms: 0,
        signing_key: Default::default(),
    }
}

#[test]
fn credentials_read_from_an_answer_leave_no_copy_when_dropped() {
    let transport = answers(credentials_answer());
    let pool = IdentityPool {
        transport: &transport,
        endpoint: "https://cognito-identity.us-east-1.amazonaws.com",
        identity_pool_id: "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
    };
    let (read, hits) = freed_with_markers(&credential_markers(), || {
        let (_, credentials) = block_on(pool.credentials(
            "us-east-1:0f1e2d3c-4b5a-6978-8695-a4b3c2d1e0f9",
            Some(Login {
                issuer: "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool",
                id_token: "id-token",
            }),
        ))
        .expect("credentials are read");
        let read = (
            credentials.secret_access_key == SECRET_KEY,
            credentials.session_token.as_deref() == Some(SESSION_TOKEN),
        );
        // Clones (the session hands one to each call) are wiped as well.
        drop(credentials.clone());
        drop(credentials);
        read
    });
    assert_eq!(read, (true, true));
    assert_eq!(
        hits, 0,
        "blocks freed still holding the secret key or token"
    );
}

#[test]
fn ten_signatures_leave_no_copy_of_the_session_token() {
    let credentials = marker_credentials();
    let scope = Scope {
        service: "dynamodb",
        region: "us-east-1",
        time_ms: 1_796_558_400_000.0,
    };
    let s3 = Scope {
        service: "s3",
        ..scope
    };
    let body = br#"{"TableName":"t","Key":{"pk":{"S":"a"}}}"#.to_vec();
    let (signed, hits) = freed_with_markers(&credential_markers(), || {
        let mut signed = 0;
        // Five requests signed once each, dropped.
        for i in 0..5 {
            let mut request = Request {
                method: "POST".into(),
                url: format!("https://dynamodb.us-east-1.amazonaws.com/?n={i}"),
                headers: vec![
                    ("content-type".into(), "application/x-amz-json-1.0".into()),
                    ("x-amz-target".into(), "DynamoDB_20120810.GetItem".into()),
                ],
                body: body.clone(),
            };
            sigv4::sign(&mut request, &credentials, &scope, &PayloadHash::Compute).unwrap();
            signed += usize::from(request.headers.iter().any(|(_, v)| v == SESSION_TOKEN));
        }
        // One S3 request signed five times (a retry re-signs), then dropped.
        let mut request = Request {
            method: "GET".into(),
            url: "https://b.s3.us-east-1.amazonaws.com/us-east-1%3Aabc/k".into(),
            headers: vec![("range".into(), "bytes=0-9".into())],
            body: vec![],
        };
        for _ in 0..5 {
            sigv4::sign(&mut request, &credentials, &s3, &PayloadHash::Unsigned).unwrap();
            signed += usize::from(request.headers.iter().any(|(_, v)| v == SESSION_TOKEN));
        }
        signed
    });
    assert_eq!(signed, 10);
    assert_eq!(hits, 0, "blocks freed still holding the session token");
}

// ---- SRP ---------------------------------------------------------------------------------------

const PASSWORD: &str = "correct horse battery staple, wiped";
const POOL_ID: &str = "us-east-1_WipePool";
const USER: &str = "alice";
const SALT_HEX: &str = "7b5f1c3a9e2d4f6081a3c5e7092b4d6f";

fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_vec()
}

fn pad(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let mut out = Vec::new();
    if bytes.get(first).is_none_or(|&b| b & 0x80 != 0) {
        out.push(0);
    }
    out.extend_from_slice(&bytes[first..]);
    out
}

fn from_hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Little-endian bytes of a big-endian number, as its limbs lie in memory.
fn le(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    while !v.len().is_multiple_of(4) {
        v.insert(0, 0);
    }
    v.reverse();
    v
}

#[test]
fn an_srp_password_claim_leaves_no_copy_of_its_secrets() {
    let a: Vec<u8> = (1..=32u8).map(|i| i.wrapping_mul(37) | 1).collect();
    // B = g^b for some b: any non-zero residue will do.
    let b_bytes = group::to_be_bytes(&Residue::pow2(&[0x5a; 32]).value());
    let b_hex: String = b_bytes.iter().map(|b| format!("{b:02x}")).collect();
    let eph = Ephemeral::new(&a).unwrap();

    // The values the claim computes, worked out here from the definitions.
    let big_a = from_hex(&format!("{:0>768}", eph.srp_a_hex()));
    let u = sha256(&[&pad(&big_a), &pad(&b_bytes)]);
    let identity = sha256(&[b"WipePool", USER.as_bytes(), b":", PASSWORD.as_bytes()]);
    let x = sha256(&[&pad(&from_hex(SALT_HEX)), &identity]);
    let n = group::to_be_bytes(&group::N);
    let k = sha256(&[&pad(&n), &[2]]);
    let k_elem = Residue::new(&group::from_be_bytes(&k).unwrap());
    let base =
        Residue::new(&group::from_be_bytes(&b_bytes).unwrap()).sub(&k_elem.mul(&Residue::pow2(&x)));
    let exponent = group::mul_add(&u, &x, &a);
    let s = group::to_be_bytes(&base.pow(&exponent).value());
    let g_x = group::to_be_bytes(&Residue::pow2(&x).value());
    let exponent_bits: Vec<u8> = exponent
        .iter()
        .take(8)
        .flat_map(|&b| (0..8).rev().map(move |i| b >> i & 1))
        .collect();

    let markers: Vec<Vec<u8>> = vec![
        PASSWORD.as_bytes().to_vec(),
        x.clone(),
        le(&x),
        exponent.clone(),
        le(&exponent),
        exponent_bits,
        s.clone(),
        le(&s),
        g_x.clone(),
        le(&g_x),
        u.clone(),
        le(&u),
    ];
    let marker_refs: Vec<&[u8]> = markers.iter().map(Vec::as_slice).collect();
    let password = String::from(PASSWORD);
    let challenge = Challenge {
        pool_id: POOL_ID,
        user_id_for_srp: USER,
        salt_hex: SALT_HEX,
        srp_b_hex: &b_hex,
        secret_block_b64: "c2VjcmV0IGJsb2Nr",
    };
    let (claim, hits) = freed_with_markers(&marker_refs, || {
        eph.password_claim(&challenge, &password, "Sun Dec 6 12:00:00 UTC 2026")
            .unwrap()
    });
    assert_eq!(claim.len(), 44, "a base64 HMAC-SHA-256: {claim}");
    assert_eq!(hits, 0, "blocks freed still holding an SRP secret");
}

// ---- token answers ----------------------------------------------------------------------------

const ID_TOKEN: &str =
    "eyJraWQiOiJ3aXBlIn0.eyJzdWIiOiJ3aXBlLXRlc3QtaWQtdG9rZW4ifQ.aWQtdG9rZW4tc2lnbmF0dXJlLXdpcGU";
const ACCESS_TOKEN: &str =
    "eyJraWQiOiJ3aXBlIn0.eyJzdWIiOiJ3aXBlLXRlc3QtYWNjZXNzIn0.YWNjZXNzLXRva2VuLXNpZ25hdHVyZQ";
const REFRESH_TOKEN: &str =
    "eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.wipe-test-refresh-token.opaque-refresh-part";

fn token_answer() -> Vec<u8> {
    format!(
        r#"{{"AuthenticationResult":{{"AccessToken":"{ACCESS_TOKEN}","ExpiresIn":3600,"IdToken":"{ID_TOKEN}","RefreshToken":"{REFRESH_TOKEN}","TokenType":"Bearer"}},"ChallengeParameters":{{}}}}"#
    )
    .into_bytes()
}

#[test]
fn token_answers_leave_no_copy_but_the_tokens_handed_over() {
    let transport = answers(token_answer());
    let pool = UserPool {
        transport: &transport,
        endpoint: "https://cognito-idp.us-east-1.amazonaws.com",
        client_id: "wipeclient",
    };
    let markers = [
        ID_TOKEN.as_bytes(),
        ACCESS_TOKEN.as_bytes(),
        REFRESH_TOKEN.as_bytes(),
    ];
    let mut kept = Vec::new();
    let (read, hits) = freed_with_markers(&markers, || {
        let answer =
            block_on(pool.respond("PASSWORD_VERIFIER", Some("session"), &[("USERNAME", USER)]))
                .unwrap();
        let refreshed = block_on(pool.refresh("an-older-refresh-token", None)).unwrap();
        let read = matches!(&answer, AuthResult::Tokens(t) if t.refresh_token.as_deref() == Some(REFRESH_TOKEN))
            && refreshed.id_token == ID_TOKEN;
        // The tokens themselves are the session's from here on: kept past the count.
        kept.push(answer);
        kept.push(AuthResult::Tokens(refreshed));
        read
    });
    assert!(read);
    assert_eq!(hits, 0, "blocks freed still holding a token");
}
