//! `aws.fetch` to the app's own API, in headless Chromium against the local backend: a REST API
//! whose methods take AWS_IAM authorization (the fixtures' `api`), where API Gateway checks the
//! SigV4 signature (service `execute-api`, the body's hash included) and IAM the role's
//! `execute-api:Invoke` grant, which covers /hello and not /secret. The URL is path-based (a
//! browser may not resolve `*.execute-api.localhost`), so the service and region are given.
//! Retries go through the fault proxy (`APILESS_FAULT_ENDPOINT`).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::option_env_unwrap)]

mod common;

use std::rc::Rc;

use apiless::auth::session::Session;
use apiless::auth::storage::MemoryStore;
use apiless::http::Fetch;
use apiless::js::Client;
use common::*;
use serde_json::{json, Value};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The fixtures' API: its base URL (stage included) and its allowed and denied paths.
struct Api {
    url: String,
    allowed: String,
    denied: String,
}

async fn api() -> Api {
    let f = fixtures().await;
    let api = &f["api"];
    Api {
        url: api["url"].as_str().unwrap().to_owned(),
        allowed: api["allowed"].as_str().unwrap().to_owned(),
        denied: api["denied"].as_str().unwrap().to_owned(),
    }
}

/// A JS value made by a JS expression (Blob, URLSearchParams, FormData, AbortSignal...).
fn js_expr(code: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return {code}"))
        .call0(&JsValue::UNDEFINED)
        .unwrap()
}

/// `init` with `aws: { service: "execute-api", region: "us-east-1" }` added.
fn init(fields: &[(&str, JsValue)]) -> JsValue {
    let init = js_sys::Object::new();
    for (k, v) in fields {
        js_sys::Reflect::set(&init, &JsValue::from_str(k), v).unwrap();
    }
    let aws = js(json!({"service": "execute-api", "region": "us-east-1"}));
    js_sys::Reflect::set(&init, &"aws".into(), &aws).unwrap();
    init.into()
}

/// A `Response`'s status, and its body as text.
async fn answer(p: js_sys::Promise) -> (u16, String, web_sys::Response) {
    let r = ok(p).await;
    assert!(r.is_instance_of::<web_sys::Response>(), "a real Response");
    let r: web_sys::Response = r.unchecked_into();
    let text = JsFuture::from(r.text().unwrap()).await.unwrap();
    (r.status(), text.as_string().unwrap(), r)
}

/// The `name`, `field` and message a promise rejects with.
async fn refused(p: js_sys::Promise) -> (String, Option<String>, String) {
    let e = JsFuture::from(p).await.expect_err("the call must fail");
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    let field = get(&e, "field").as_string();
    let e: js_sys::Error = e.unchecked_into();
    (e.name().into(), field, e.message().into())
}

#[wasm_bindgen_test]
async fn iam_allows_the_granted_path_with_every_kind_of_body() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let api = api().await;
    let hello = format!("{}/{}", api.url, api.allowed);
    let before = count("execute-api:GET").await;
    let (status, text, response) = answer(alice.fetch(hello.clone().into(), init(&[]))).await;
    assert_eq!(
        (status, text.as_str()),
        (200, r#"{"path": "hello", "method": "GET"}"#)
    );
    assert!(response.ok());
    assert_eq!(count("execute-api:GET").await - before, 1);
    // A Request, a URL object: as fetch takes them.
    let request = js_expr(&format!("new Request({hello:?})"));
    assert_eq!(answer(alice.fetch(request, init(&[]))).await.0, 200);
    let url = js_expr(&format!("new URL({hello:?})"));
    assert_eq!(answer(alice.fetch(url, init(&[]))).await.0, 200);

    // Every body fetch sends is signed as sent (its SHA-256): a wrong hash would be refused.
    let big = js_sys::Uint8Array::new_with_length(100 * 1024); // hashed by WebCrypto
    big.fill(7, 0, big.length());
    let bodies = [
        JsValue::from_str("plain text, é"),
        js_sys::Uint8Array::from(&[0u8, 1, 2, 255][..]).into(),
        js_sys::Uint8Array::from(&[9u8; 16][..]).buffer().into(),
        big.into(),
        js_expr("new Blob(['a blob'], { type: 'application/octet-stream' })"),
        js_expr("new URLSearchParams({ q: 'a b&c', n: '1' })"),
        js_expr("(() => { const f = new FormData(); f.append('name', 'alice'); return f; })()"),
    ];
    for (i, body) in bodies.into_iter().enumerate() {
        for method in ["POST", "PUT"] {
            let init = init(&[
                ("method", method.into()),
                ("body", body.clone()),
                (
                    "headers",
                    js(json!({"x-app-trace": format!("case {i}"), "Accept": "application/json"})),
                ),
            ]);
            let (status, text, _) = answer(alice.fetch(hello.clone().into(), init)).await;
            assert_eq!(status, 200, "body {i} by {method}: {text}");
            assert_eq!(
                serde_json::from_str::<Value>(&text).unwrap()["method"],
                method
            );
        }
    }
}

#[wasm_bindgen_test]
async fn iam_refuses_the_path_the_role_is_not_granted_and_the_answer_says_why() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let api = api().await;
    let secret = format!("{}/{}", api.url, api.denied);
    for method in ["GET", "POST"] {
        let fields = if method == "POST" {
            vec![("method", method.into()), ("body", "x".into())]
        } else {
            vec![]
        };
        let before = count(&format!("execute-api:{method}")).await;
        let (status, text, response) =
            answer(alice.fetch(secret.clone().into(), init(&fields))).await;
        // API Gateway's refusal, as fetch would give it: a Response, not an error.
        assert_eq!(status, 403, "{text}");
        assert!(!response.ok());
        let message = serde_json::from_str::<Value>(&text).unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            message.contains("is not authorized to perform: execute-api:Invoke"),
            "{message}"
        );
        assert_eq!(
            response
                .headers()
                .get("x-amzn-errortype")
                .unwrap()
                .as_deref(),
            Some("AccessDeniedException")
        );
        // Not retried: a refusal is final.
        assert_eq!(count(&format!("execute-api:{method}")).await - before, 1);
    }
}

#[wasm_bindgen_test]
async fn what_cannot_be_signed_is_refused_before_anything_is_sent() {
    let alice = signed_in_client("alice", &TestClock::default()).await;
    let api = api().await;
    let hello = format!("{}/{}", api.url, api.allowed);
    let before = count("execute-api:GET").await + count("execute-api:POST").await;
    // A host that names no AWS service, without init.aws.
    let (name, field, _) = refused(alice.fetch(hello.clone().into(), JsValue::UNDEFINED)).await;
    assert_eq!(
        (name.as_str(), field.as_deref()),
        ("InvalidInputError", Some("init.aws"))
    );
    // A service apiless does not sign for; an unknown field of init.aws.
    let wrong = js(json!({"aws": {"service": "dynamodb"}}));
    let (_, field, _) = refused(alice.fetch(hello.clone().into(), wrong)).await;
    assert_eq!(field.as_deref(), Some("init.aws.service"));
    let unknown = js(json!({"aws": {"service": "execute-api", "regoin": "us-east-1"}}));
    let (_, field, _) = refused(alice.fetch(hello.clone().into(), unknown)).await;
    assert_eq!(field.as_deref(), Some("init.aws.regoin"));
    // What fetch itself refuses: a GET with a body.
    let (name, field, message) =
        refused(alice.fetch(hello.clone().into(), init(&[("body", "x".into())]))).await;
    assert_eq!(
        (name.as_str(), field.as_deref()),
        ("InvalidInputError", Some("init"))
    );
    assert!(
        message.starts_with("fetch would refuse this request"),
        "{message}"
    );
    // Plain http to a host other than this machine.
    let (_, field, _) = refused(alice.fetch(
        "http://abc.execute-api.us-east-1.amazonaws.com/prod/hello".into(),
        JsValue::UNDEFINED,
    ))
    .await;
    assert_eq!(field.as_deref(), Some("url"));
    // An aborted signal.
    let aborted = init(&[("signal", js_expr("AbortSignal.abort()"))]);
    let (name, _, _) = refused(alice.fetch(hello.clone().into(), aborted)).await;
    assert_eq!(name, "AbortError");
    // Signed out (no guests): no credentials to sign with.
    let nobody = Client::with_session(session().await);
    let (name, _, _) = refused(nobody.fetch(hello.into(), init(&[]))).await;
    assert_eq!(name, "NotAuthorizedException");
    assert_eq!(
        count("execute-api:GET").await + count("execute-api:POST").await,
        before
    );
}

#[wasm_bindgen_test]
async fn a_guest_signs_with_the_unauthenticated_roles_credentials() {
    let c = backend_config().await;
    let guest = apiless::js::create_client(js(json!({
        "region": c["region"], "userPoolId": c["userPoolId"], "userPoolClientId": c["userPoolClientId"],
        "identityPoolId": c["identityPoolId"], "endpoint": c["endpoint"], "storage": "memory",
        "guestAccess": true,
    })))
    .unwrap();
    let api = api().await;
    let hello = format!("{}/{}", api.url, api.allowed);
    let secret = format!("{}/{}", api.url, api.denied);
    // The unauthenticated role has the same grant: /hello, not /secret.
    assert_eq!(answer(guest.fetch(hello.into(), init(&[]))).await.0, 200);
    assert_eq!(answer(guest.fetch(secret.into(), init(&[]))).await.0, 403);
}

#[wasm_bindgen_test]
async fn a_browser_clock_twenty_minutes_off_is_corrected_by_api_gateways_refusal() {
    let api = api().await;
    let hello = format!("{}/{}", api.url, api.allowed);
    for offset_min in [20.0, -20.0] {
        let clock = TestClock::default();
        let alice = signed_in_client("alice", &clock).await;
        assert_eq!(
            answer(alice.fetch(hello.clone().into(), init(&[]))).await.0,
            200
        );
        // The clock jumps after sign-in: the next request is signed 20 minutes off, refused as
        // API Gateway words it ("Signature expired" / "not yet current", 5 minutes), re-signed
        // with the server's time, and accepted.
        clock.advance_ms(offset_min * 60_000.0);
        let before = count("execute-api:GET").await;
        let (status, text, _) = answer(alice.fetch(hello.clone().into(), init(&[]))).await;
        assert_eq!(status, 200, "{offset_min}: {text}");
        assert_eq!(
            count("execute-api:GET").await - before,
            2,
            "{offset_min}: refused once, then accepted"
        );
    }
}

// ---- through the fault proxy ---------------------------------------------------------------------

#[wasm_bindgen_test]
async fn transient_answers_are_retried_and_the_last_one_is_the_answer() {
    let mut config = client_config().await;
    config.endpoint = Some(fault_endpoint().to_owned());
    let session = Session::new(
        config,
        Fetch::default(),
        Rc::new(MemoryStore::default()),
        Box::new(js_sys::Date::now),
        Box::new(random),
    );
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    let alice = Client::with_session(session);
    let api = api().await;
    let hello = format!("{}/{}", api.url, api.allowed).replace(endpoint(), fault_endpoint());
    fault_control(
        "POST",
        "/_fault/reset",
        Some(json!({"case": "aws.fetch retries"})),
    )
    .await;
    let run = random_hex(4);
    let post = |body: &str| init(&[("method", "POST".into()), ("body", JsValue::from_str(body))]);

    // Two transient faults, then API Gateway's own answer.
    let first = format!("first-{run}");
    fault_control(
        "POST",
        "/_fault/plan",
        Some(json!({"match": "s3:POST", "contains": first, "faults": ["503", "500"]})),
    )
    .await;
    let (status, text, _) = answer(alice.fetch(hello.clone().into(), post(&first))).await;
    assert_eq!(
        (status, text.as_str()),
        (200, r#"{"path": "hello", "method": "POST"}"#)
    );
    // Three: the attempts are spent and the last answer is what the app gets, not an error.
    let spent = format!("spent-{run}");
    fault_control(
        "POST",
        "/_fault/plan",
        Some(
            json!({"match": "s3:POST", "contains": spent, "faults": ["500", "500", "503", "503"]}),
        ),
    )
    .await;
    let (status, _, _) = answer(alice.fetch(hello.clone().into(), post(&spent))).await;
    assert_eq!(status, 503);
    // A connection dropped three times: no answer at all, a NetworkError.
    let dropped = format!("dropped-{run}");
    fault_control(
        "POST",
        "/_fault/plan",
        Some(json!({"match": "s3:POST", "contains": dropped, "faults": ["drop", "drop", "drop"]})),
    )
    .await;
    let (name, _, message) = refused(alice.fetch(hello.clone().into(), post(&dropped))).await;
    assert_eq!(name, "NetworkError", "{message}");
    assert!(message.ends_with("(after 3 attempts)"), "{message}");

    let log = fault_control("GET", "/_fault/log", None).await["events"]
        .as_array()
        .cloned()
        .unwrap();
    let faults: Vec<&str> = log
        .iter()
        .filter(|e| e["op"] == "s3:POST")
        .map(|e| e["fault"].as_str().unwrap())
        .collect();
    assert_eq!(
        faults,
        ["503", "500", "pass", "500", "500", "503", "drop", "drop", "drop"]
    );
    // Each attempt signed afresh with the same credentials.
    let keys: Vec<&Value> = log
        .iter()
        .filter(|e| e["op"] == "s3:POST")
        .map(|e| &e["akid"])
        .collect();
    assert!(keys[0].is_string() && keys.iter().all(|k| *k == keys[0]));
}
