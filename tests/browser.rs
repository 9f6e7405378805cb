//! Browser tests: run in headless Chromium by wasm-bindgen-test, against the local backend
//! that `make test` starts. The backend's endpoint is fixed at compile time
//! (`APILESS_TEST_ENDPOINT`); the ids it seeded are read at run time from its
//! `/_apiless/config`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::option_env_unwrap)]

mod common;

use apiless::auth::user_pool::UserPool;
use apiless::error::ErrorKind;
use apiless::http::{Fetch, Request, Transport};
use common::{backend_config, endpoint, field};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn initiate_auth_for_alice_returns_the_password_verifier_challenge() {
    let config = backend_config().await;
    // A = g^1 = 2 is a valid SRP public value; issue #3 brings the real client maths.
    let fetch = Fetch::default();
    let pool = UserPool {
        transport: &fetch,
        endpoint: endpoint(),
        client_id: field(&config, "userPoolClientId"),
    };
    let challenge = pool
        .initiate_srp_auth("alice", "02", None)
        .await
        .expect("InitiateAuth succeeds for alice");
    assert_eq!(challenge.name, "PASSWORD_VERIFIER");
    for p in ["SRP_B", "SALT", "SECRET_BLOCK", "USER_ID_FOR_SRP"] {
        let v = challenge
            .parameters
            .get(p)
            .unwrap_or_else(|| panic!("no {p} in the challenge"));
        assert!(!v.is_empty(), "{p} is empty");
    }
    let b = challenge
        .parameters
        .get("SRP_B")
        .expect("SRP_B was checked above");
    assert!(
        b.chars().all(|c| c.is_ascii_hexdigit()),
        "SRP_B is hex: {b}"
    );
    assert!(
        b.len() > 500,
        "SRP_B is a 3072-bit number, got {} hex digits",
        b.len()
    );
}

#[wasm_bindgen_test]
async fn a_cognito_error_reaches_the_page_typed_with_its_request_id() {
    // An unknown app client: Cognito answers 400 ResourceNotFoundException. If the backend's
    // error responses lacked CORS headers, the browser would report a network error instead.
    let fetch = Fetch::default();
    let pool = UserPool {
        transport: &fetch,
        endpoint: endpoint(),
        client_id: "nosuchclient",
    };
    let err = pool
        .initiate_srp_auth("alice", "02", None)
        .await
        .expect_err("an unknown client is refused");
    assert_eq!(err.kind, ErrorKind::Service, "{err}");
    assert_eq!(err.code, "ResourceNotFoundException", "{err}");
    assert_eq!(err.http_status, Some(400));
    assert!(
        err.request_id.is_some(),
        "x-amzn-requestid is exposed to the page"
    );
    assert!(!err.retryable);
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_any_request() {
    let fetch = Fetch::default();
    let pool = UserPool {
        transport: &fetch,
        endpoint: "http://127.0.0.1:1",
        client_id: "c",
    };
    let err = pool
        .initiate_srp_auth(" ", "02", None)
        .await
        .expect_err("an empty username is refused");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert_eq!(err.field.as_deref(), Some("username"));
}

#[wasm_bindgen_test]
async fn a_refused_connection_is_a_retryable_network_error() {
    let request = Request {
        method: "GET".into(),
        url: "http://127.0.0.1:1/".into(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let err = Fetch::default()
        .send(request)
        .await
        .expect_err("nothing listens on port 1");
    assert_eq!(err.kind, ErrorKind::Network);
    assert!(err.retryable);
}

#[wasm_bindgen_test]
async fn an_aborted_call_is_an_abort_error() {
    let controller = web_sys::AbortController::new().expect("AbortController");
    controller.abort();
    let fetch = Fetch::with_signal(Some(controller.signal()));
    let request = Request {
        method: "GET".into(),
        url: format!("{}/_apiless/config", endpoint()),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let err = fetch.send(request).await.expect_err("aborted");
    assert_eq!(err.kind, ErrorKind::Aborted);
    assert_eq!(err.code, "AbortError");
}

/// Review finding 13: apiless takes `fetch` once, when it loads, so a script that replaces it
/// later (to read credential and token answers) sees none of apiless's requests.
#[wasm_bindgen_test]
async fn a_fetch_replaced_after_apiless_loaded_sees_nothing() {
    let fetch = Fetch::default();
    let warm = Request {
        method: "GET".into(),
        url: format!("{}/_apiless/config", endpoint()),
        headers: Vec::new(),
        body: Vec::new(),
    };
    fetch.send(warm).await.expect("the glue is loaded");
    js_sys::eval(
        "globalThis.seenByWrapper = 0; globalThis.realFetch = globalThis.fetch; \
         globalThis.fetch = (...a) => { globalThis.seenByWrapper++; return globalThis.realFetch(...a); };",
    )
    .unwrap();
    let request = Request {
        method: "GET".into(),
        url: format!("{}/_apiless/config", endpoint()),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let answer = fetch.send(request).await;
    // The wrapper itself works: a plain fetch goes through it.
    let wrapped =
        js_sys::eval("fetch('about:blank').catch(() => 0); globalThis.seenByWrapper").unwrap();
    let seen =
        js_sys::eval("globalThis.fetch = globalThis.realFetch; globalThis.seenByWrapper").unwrap();
    assert_eq!(answer.expect("answered").status, 200);
    assert_eq!(
        wrapped.as_f64(),
        Some(1.0),
        "the wrapper counts what goes through it"
    );
    assert_eq!(
        seen.as_f64(),
        Some(1.0),
        "apiless's request did not go through it"
    );
}

#[wasm_bindgen_test]
fn errors_cross_into_js_as_real_error_objects() {
    let bad = js_sys::JSON::parse(r#"{"region":"mars","userPoolId":"x","userPoolClientId":"y"}"#)
        .unwrap();
    let thrown = apiless::js::validate_config(bad).expect_err("a bad region throws");
    assert!(thrown.is_instance_of::<js_sys::Error>(), "instanceof Error");
    let error: js_sys::Error = thrown.clone().unchecked_into();
    assert_eq!(String::from(error.name()), "ConfigError");
    let get = |k: &str| js_sys::Reflect::get(&thrown, &JsValue::from_str(k)).unwrap();
    assert_eq!(get("field").as_string().as_deref(), Some("region"));
    assert_eq!(get("retryable").as_bool(), Some(false));
    assert!(String::from(error.message()).contains("mars"));
}

#[wasm_bindgen_test]
fn a_config_field_that_is_unknown_or_not_a_string_is_named() {
    for (json, field) in [
        (
            r#"{"region":5,"userPoolId":"x","userPoolClientId":"y"}"#,
            "region",
        ),
        (
            r#"{"region":"us-east-1","userPoolId":"us-east-1_A","userPoolClientId":["y"]}"#,
            "userPoolClientId",
        ),
        (r#"{"regoin":"us-east-1"}"#, "regoin"),
    ] {
        let thrown =
            apiless::js::validate_config(js_sys::JSON::parse(json).unwrap()).expect_err(json);
        let named = js_sys::Reflect::get(&thrown, &"field".into()).unwrap();
        assert_eq!(named.as_string().as_deref(), Some(field), "{json}");
    }
}

#[wasm_bindgen_test]
fn the_oauth_section_is_read_with_each_fault_named() {
    let base = r#""region":"us-east-1","userPoolId":"us-east-1_A","userPoolClientId":"c""#;
    let ok = format!(
        r#"{{{base},"oauth":{{"domain":"d.auth.us-east-1.amazoncognito.com","redirectSignIn":"https://app.example/","scopes":["openid"]}}}}"#
    );
    apiless::js::validate_config(js_sys::JSON::parse(&ok).unwrap()).expect(&ok);
    for (oauth, field) in [
        (r#""x""#, "oauth"),
        (r#"["x"]"#, "oauth"),
        (
            r#"{"domian":"d","redirectSignIn":"https://a/"}"#,
            "oauth.domian",
        ),
        (
            r#"{"domain":"d","redirectSignIn":"https://a/","scopes":"openid"}"#,
            "oauth.scopes",
        ),
        (
            r#"{"domain":"d","redirectSignIn":"https://a/","scopes":[1]}"#,
            "oauth.scopes",
        ),
        (
            r#"{"domain":"d","redirectSignIn":5}"#,
            "oauth.redirectSignIn",
        ),
        (r#"{"redirectSignIn":"https://a/"}"#, "oauth.domain"),
    ] {
        let json = format!(r#"{{{base},"oauth":{oauth}}}"#);
        let thrown =
            apiless::js::validate_config(js_sys::JSON::parse(&json).unwrap()).expect_err(&json);
        let get = |k: &str| {
            js_sys::Reflect::get(&thrown, &k.into())
                .unwrap()
                .as_string()
        };
        assert_eq!(
            (get("name").as_deref(), get("field").as_deref()),
            (Some("ConfigError"), Some(field)),
            "{json}"
        );
    }
}

#[wasm_bindgen_test]
async fn an_item_that_contains_itself_is_refused_not_a_stack_overflow() {
    let config = js_sys::JSON::parse(
        r#"{"region":"us-east-1","userPoolId":"us-east-1_A","userPoolClientId":"c",
            "storage":"memory","endpoint":"http://127.0.0.1:1"}"#,
    )
    .unwrap();
    let client = apiless::js::create_client(config).unwrap();
    let item = js_sys::Object::new();
    js_sys::Reflect::set(&item, &"self".into(), &item).unwrap();
    let table = client.db("TTT".into(), JsValue::UNDEFINED).unwrap();
    let thrown = wasm_bindgen_futures::JsFuture::from(table.put(item.into(), JsValue::UNDEFINED))
        .await
        .expect_err("a cyclic item is refused");
    let error: js_sys::Error = thrown.unchecked_into();
    assert_eq!(String::from(error.name()), "InvalidInputError");
    assert!(String::from(error.message()).contains("32 levels"));
}

#[wasm_bindgen_test]
async fn the_backend_config_validates() {
    let config = backend_config().await;
    let mut client = config.clone();
    let object = client.as_object_mut().unwrap();
    for k in ["users", "table", "bucket", "indexes"] {
        object.remove(k);
    }
    let js = js_sys::JSON::parse(&client.to_string()).unwrap();
    let validated = apiless::js::validate_config(js).expect("the seeded config is valid");
    let endpoints = js_sys::Reflect::get(&validated, &"endpoints".into()).unwrap();
    let s3 = js_sys::Reflect::get(&endpoints, &"s3".into()).unwrap();
    assert_eq!(s3.as_string().as_deref(), Some(endpoint()));
}
