//! A panic inside apiless (a bug) must reach the caller as a JS `Error`, not leave its Promise
//! pending forever or the module dead. The panics here are planted through `js::promise`, the
//! path every async export takes; then the same wasm instance serves a real sign-in.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use apiless::js::{install_panic_hook, promise};
use common::{backend_config, js};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Fails at run time, so the compiler cannot see the panic coming.
fn out_of_bounds(index: usize) -> u8 {
    let bytes = [1u8, 2, 3];
    bytes[index]
}

#[wasm_bindgen_test]
async fn a_panic_rejects_its_call_with_an_internal_error_and_the_module_keeps_working() {
    install_panic_hook();
    let index = js_sys::Math::random() as usize + 7;
    let planted = promise(async move { Ok(JsValue::from(out_of_bounds(index))) });
    let error = JsFuture::from(planted)
        .await
        .expect_err("the panicking call must reject");
    let error: js_sys::Error = error.dyn_into().expect("an Error object");
    assert_eq!(String::from(error.name()), "InternalError");
    let message = String::from(error.message());
    assert!(message.contains("index out of bounds"), "{message}");
    assert!(message.contains("tests/panics.rs"), "{message}");

    // A second panic in another call is reported the same way: the hook stays in place.
    let again = promise(async move { Ok(JsValue::from(out_of_bounds(index + 1))) });
    let error = JsFuture::from(again).await.expect_err("rejects too");
    assert_eq!(
        String::from(error.unchecked_into::<js_sys::Error>().name()),
        "InternalError"
    );

    // The same instance still does real work: alice signs in against the backend.
    let config = backend_config().await;
    let client = apiless::js::create_client(js(serde_json::json!({
        "region": config["region"],
        "userPoolId": config["userPoolId"],
        "userPoolClientId": config["userPoolClientId"],
        "endpoint": common::endpoint(),
        "storage": "memory",
    })))
    .unwrap();
    let alice = js(serde_json::json!({
        "username": "alice",
        "password": common::password_of("alice").await,
    }));
    let result = JsFuture::from(client.sign_in(alice)).await.unwrap();
    let signed_in = js_sys::Reflect::get(&result, &"signedIn".into()).unwrap();
    assert_eq!(signed_in, JsValue::TRUE);
}
