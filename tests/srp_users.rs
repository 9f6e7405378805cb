//! SRP against a real verifier: 200 freshly registered users with random names and passwords
//! (unicode, symbols, varied lengths) each sign in; the backend checks every proof. A padding
//! mistake fails roughly one login in dozens, so 200 in a row without a failure is the test.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::auth::session::SignInStep;
use common::*;
use wasm_bindgen_test::*;
use zeroize::Zeroizing;

wasm_bindgen_test_configure!(run_in_browser);

const USERS: usize = 200;
const ALPHABET: &[&str] = &[
    "a", "Z", "7", "-", "_", ".", "é", "ß", "Ж", "中", "🙂", "!", "#", " ", ":", "\"", "~",
];

fn random_text(min: usize, max: usize) -> String {
    let mut b = [0u8; 64];
    common::random(&mut b).unwrap();
    let len = min + usize::from(b[0]) % (max - min + 1);
    (0..len)
        .map(|i| ALPHABET[usize::from(b[1 + i % 63]) % ALPHABET.len()])
        .collect()
}

#[wasm_bindgen_test]
async fn two_hundred_random_users_sign_in_without_a_failure() {
    let s = session().await;
    let mut failures = Vec::new();
    for i in 0..USERS {
        // Usernames: Cognito allows letters, marks, symbols, numbers and punctuation.
        let username =
            format!("srp{i}-{}", random_hex(4)) + &random_text(0, 6).replace([' ', ':', '"'], "x");
        // Passwords: anything, plus one of each class the pool policy requires.
        let password = format!("{}Aa1!", random_text(4, 40));
        s.sign_up(username.clone(), Zeroizing::new(password.clone()), vec![])
            .await
            .unwrap_or_else(|e| panic!("sign-up {i}: {e}"));
        s.confirm_sign_up(username.clone(), "123456".into())
            .await
            .unwrap();
        match s.sign_in(&username, Zeroizing::new(password)).await {
            Ok(SignInStep::Done(user)) if user.username == username => {}
            Ok(other) => failures.push(format!("{i} {username:?}: {other:?}")),
            Err(e) => failures.push(format!("{i} {username:?}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {USERS} sign-ins failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    web_sys::console::log_1(
        &format!("SRP against the backend's verifier: {USERS} of {USERS} random users signed in")
            .into(),
    );
}
