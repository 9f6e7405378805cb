//! Helpers shared by the browser tests: the backend's endpoint (fixed at compile time by
//! `APILESS_TEST_ENDPOINT`), its seeded config (read at run time from `/_apiless/config`), its
//! per-operation call counts, and sessions with an adjustable clock.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::option_env_unwrap
)]

use std::cell::Cell;
use std::rc::Rc;

use apiless::auth::session::Session;
use apiless::auth::storage::{MemoryStore, Store};
use apiless::config::{Config, RawConfig};
use apiless::http::{Fetch, Request, Transport};
use serde_json::Value;

pub fn endpoint() -> &'static str {
    option_env!("APILESS_TEST_ENDPOINT").expect(
        "APILESS_TEST_ENDPOINT was not set when the browser tests were compiled: run `make test`",
    )
}

async fn backend_json(path: &str, method: &str) -> Value {
    let request = Request {
        method: method.into(),
        url: format!("{}{path}", endpoint()),
        headers: Vec::new(),
        body: Vec::new(),
    };
    let response = Fetch::default()
        .send(request)
        .await
        .expect("the backend answers");
    assert_eq!(response.status, 200, "{method} {path}");
    serde_json::from_slice(&response.body).unwrap_or(Value::Null)
}

/// The seeded config, as `.apiless/local.json` has it.
pub async fn backend_config() -> Value {
    backend_json("/_apiless/config", "GET").await
}

/// Requests the backend has seen per operation since the last reset.
pub async fn calls() -> Value {
    backend_json("/_apiless/calls", "GET").await
}

/// How many `AWSCognitoIdentityProviderService.<op>` calls the backend has seen.
pub async fn cognito_calls(op: &str) -> u64 {
    calls().await[format!("AWSCognitoIdentityProviderService.{op}")]
        .as_u64()
        .unwrap_or(0)
}

pub fn field<'a>(config: &'a Value, name: &str) -> &'a str {
    config[name]
        .as_str()
        .unwrap_or_else(|| panic!("config has no {name}"))
}

/// The validated client config of the backend.
pub async fn client_config() -> Config {
    let c = backend_config().await;
    Config::validate(RawConfig {
        region: Some(field(&c, "region").into()),
        user_pool_id: Some(field(&c, "userPoolId").into()),
        user_pool_client_id: Some(field(&c, "userPoolClientId").into()),
        identity_pool_id: Some(field(&c, "identityPoolId").into()),
        endpoint: Some(field(&c, "endpoint").into()),
        storage: Some("memory".into()),
        attempt_timeout_ms: None,
        guest_access: None,
    })
    .expect("the seeded config validates")
}

/// The password of a seeded user.
pub async fn password_of(username: &str) -> String {
    let c = backend_config().await;
    c["users"]
        .as_array()
        .and_then(|users| users.iter().find(|u| u["username"] == username))
        .and_then(|u| u["password"].as_str())
        .unwrap_or_else(|| panic!("no seeded user {username}"))
        .to_owned()
}

pub fn random(buf: &mut [u8]) -> apiless::error::Result<()> {
    getrandom::fill(buf).map_err(|_| apiless::Error::protocol("no randomness"))
}

/// A random lower-case hex string of `n` bytes.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    random(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A browser clock that a test can move: `offset` ms are added to `Date.now()`.
#[derive(Clone, Default)]
pub struct TestClock(pub Rc<Cell<f64>>);

impl TestClock {
    pub fn advance_ms(&self, ms: f64) {
        self.0.set(self.0.get() + ms);
    }
}

/// A session over `transport` and `store`, whose clock the test controls.
pub async fn session_with<T: Transport + 'static>(
    transport: T,
    store: Rc<dyn Store>,
    clock: &TestClock,
) -> Rc<Session<T>> {
    let offset = clock.0.clone();
    Session::new(
        client_config().await,
        transport,
        store,
        Box::new(move || js_sys::Date::now() + offset.get()),
        Box::new(random),
    )
}

/// A JS client signed in as `user`, over an in-memory session whose clock the test controls.
pub async fn signed_in_client(user: &str, clock: &TestClock) -> apiless::js::Client {
    let session = session_with(Fetch::default(), Rc::new(MemoryStore::default()), clock).await;
    session
        .sign_in(user, zeroize::Zeroizing::new(password_of(user).await))
        .await
        .unwrap();
    apiless::js::Client::with_session(session)
}

/// How often the backend has been called for `op` (`DynamoDB_20120810.PutItem`, `s3:PUT`).
pub async fn count(op: &str) -> u64 {
    calls().await[op].as_u64().unwrap_or(0)
}

/// A fresh in-memory session with the browser's clock.
pub async fn session() -> Rc<Session<Fetch>> {
    session_with(
        Fetch::default(),
        Rc::new(MemoryStore::default()),
        &TestClock::default(),
    )
    .await
}

/// POSTs `body` to a backend test endpoint.
pub async fn post(path: &str, body: &Value) -> Value {
    let request = Request {
        method: "POST".into(),
        url: format!("{}{path}", endpoint()),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    };
    let response = Fetch::default()
        .send(request)
        .await
        .expect("the backend answers");
    assert_eq!(response.status, 200, "POST {path}");
    serde_json::from_slice(&response.body).unwrap()
}

/// A fresh user from the backend's fixtures: of the main or the MFA pool, confirmed or with a
/// temporary password (FORCE_CHANGE_PASSWORD). Returns (username, password).
pub async fn fixture_user(pool: &str, temporary: bool) -> (String, String) {
    let u = post(
        "/_apiless/fixtures/user",
        &serde_json::json!({"pool": pool, "temporary": temporary}),
    )
    .await;
    (
        u["username"].as_str().unwrap().to_owned(),
        u["password"].as_str().unwrap().to_owned(),
    )
}

/// The backend's test fixtures (`GET /_apiless/fixtures`): the fixture pools, the rotating clients.
pub async fn fixtures() -> Value {
    backend_json("/_apiless/fixtures", "GET").await
}

/// A config for one of the backend's fixture pools: `mfa` (TOTP required), `factors` (MFA
/// optional, SMS, TOTP and email offered) or `devices` (tracks devices).
pub async fn fixture_pool_config(pool: &str) -> Config {
    let f = backend_json("/_apiless/fixtures", "GET").await;
    let c = backend_config().await;
    Config::validate(RawConfig {
        region: Some(field(&c, "region").into()),
        user_pool_id: Some(field(&f, &format!("{pool}UserPoolId")).into()),
        user_pool_client_id: Some(field(&f, &format!("{pool}UserPoolClientId")).into()),
        identity_pool_id: None,
        endpoint: Some(field(&c, "endpoint").into()),
        storage: Some("memory".into()),
        attempt_timeout_ms: None,
        guest_access: None,
    })
    .expect("the fixture pool's config validates")
}

/// The six-digit code of the last message the backend "sent" to `to` (an email address or a
/// phone number), read from ministack's SES recorder.
pub async fn last_code(to: &str) -> String {
    let messages = backend_json("/_ministack/ses/messages", "GET").await;
    let last = messages["messages"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|account| account.as_array().unwrap())
        .rfind(|m| m["To"].as_array().unwrap().iter().any(|t| t == to))
        .unwrap_or_else(|| panic!("no message to {to}"));
    let body = last["BodyText"].as_str().unwrap();
    body.split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .unwrap_or_else(|| panic!("no code in {body:?}"))
        .to_owned()
}

/// Another six-digit code than `code`.
pub fn wrong(code: &str) -> String {
    format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000)
}

// ---- JS values, as an app passes and receives them ------------------------------------------

/// A plain JS object from JSON.
pub fn js(json: Value) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(&json.to_string()).unwrap()
}

/// `v[k]`.
pub fn get(v: &wasm_bindgen::JsValue, k: &str) -> wasm_bindgen::JsValue {
    js_sys::Reflect::get(v, &wasm_bindgen::JsValue::from_str(k)).unwrap()
}

/// What `p` resolves to; a rejection fails the test with the Error's name and message.
pub async fn ok(p: js_sys::Promise) -> wasm_bindgen::JsValue {
    use wasm_bindgen::JsCast;
    match wasm_bindgen_futures::JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "rejected: {}: {}",
            String::from(e.unchecked_ref::<js_sys::Error>().name()),
            String::from(e.unchecked_ref::<js_sys::Error>().message())
        ),
    }
}

/// The `name` and `message` of the real `Error` a promise rejects with; a resolved promise fails
/// the test.
pub async fn err(p: js_sys::Promise) -> (String, String) {
    use wasm_bindgen::JsCast;
    let e = wasm_bindgen_futures::JsFuture::from(p)
        .await
        .expect_err("the call must fail");
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    let e: js_sys::Error = e.unchecked_into();
    (String::from(e.name()), String::from(e.message()))
}

/// The seeded table, through the JS surface.
pub async fn table(c: &apiless::js::Client) -> apiless::js::Table {
    c.db(
        field(&backend_config().await, "table").to_owned(),
        wasm_bindgen::JsValue::UNDEFINED,
    )
    .unwrap()
}

/// The seeded bucket, through the JS surface.
pub async fn bucket(c: &apiless::js::Client) -> apiless::js::Files {
    c.files(
        field(&backend_config().await, "bucket").to_owned(),
        wasm_bindgen::JsValue::UNDEFINED,
    )
    .unwrap()
}

// ---- the fault proxy (backend/faultproxy.py), between a test's page and the backend ---------

/// The fault proxy's address (fixed at compile time by `APILESS_FAULT_ENDPOINT`).
pub fn fault_endpoint() -> &'static str {
    option_env!("APILESS_FAULT_ENDPOINT").expect(
        "APILESS_FAULT_ENDPOINT was not set when the browser tests were compiled: start the fault \
         proxy (tools/backend.sh) and run `make test`",
    )
}

/// A call to the fault proxy's control endpoints (`/_fault/plan`, `/_fault/pace`,
/// `/_fault/reset`, `/_fault/log`): its JSON answer, which must come with 200.
pub async fn fault_control(method: &str, path: &str, body: Option<Value>) -> Value {
    let request = Request {
        method: method.into(),
        url: format!("{}{path}", fault_endpoint()),
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
    };
    let response = Fetch::default()
        .send(request)
        .await
        .expect("the fault proxy answers");
    let answer: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    assert_eq!(response.status, 200, "{method} {path}: {answer}");
    answer
}

/// A `File` of `mib` MiB, every MiB different (its first bytes are its number), so that a part
/// sent in the wrong place changes the object (random content, fixed name and date).
pub fn file_of(mib: u32, name: &str) -> web_sys::File {
    const MIB: u32 = 1024 * 1024;
    let chunk = js_sys::Uint8Array::new_with_length(MIB);
    let mut seed = random_hex(8)
        .bytes()
        .fold(7u32, |a, b| a.wrapping_mul(31) ^ u32::from(b));
    let mut bytes = vec![0u8; MIB as usize];
    for b in bytes.iter_mut() {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        *b = seed as u8;
    }
    chunk.copy_from(&bytes);
    let parts = js_sys::Array::new();
    for i in 0..mib {
        chunk.set(&js_sys::Uint8Array::from(&i.to_be_bytes()[..]), 0);
        parts
            .push(&web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&chunk)).unwrap());
    }
    let props = web_sys::FilePropertyBag::new();
    props.set_last_modified(1_796_601_600_000.0);
    props.set_type("application/octet-stream");
    web_sys::File::new_with_blob_sequence_and_options(&parts, name, &props).unwrap()
}

/// The SHA-256 of a Blob, by WebCrypto, as hex.
pub async fn digest(blob: &web_sys::Blob) -> String {
    use wasm_bindgen::JsCast;
    let buffer = wasm_bindgen_futures::JsFuture::from(blob.array_buffer())
        .await
        .unwrap();
    let subtle = web_sys::window().unwrap().crypto().unwrap().subtle();
    let hash = wasm_bindgen_futures::JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source(
                "SHA-256",
                &buffer.unchecked_into::<js_sys::Object>(),
            )
            .unwrap(),
    )
    .await
    .unwrap();
    hex::encode(js_sys::Uint8Array::new(&hash).to_vec())
}

/// Counts the UploadPart requests (`partNumber=` in the URL) the page's main thread sends by
/// `XMLHttpRequest` from now on (the part worker's are its own), and returns the function that
/// reads the count.
pub fn count_main_thread_part_sends() -> js_sys::Function {
    use wasm_bindgen::JsCast;
    js_sys::Function::new_no_args(
        "const proto = XMLHttpRequest.prototype;
         if (proto.__parts === undefined) {
           const open = proto.open;
           const send = proto.send;
           proto.__parts = 0;
           proto.open = function (method, url, ...rest) { this.__url = String(url); return open.call(this, method, url, ...rest); };
           proto.send = function (...args) {
             if (this.__url.includes('partNumber=')) proto.__parts++;
             return send.apply(this, args);
           };
         }
         const from = proto.__parts;
         return () => proto.__parts - from;",
    )
    .call0(&wasm_bindgen::JsValue::UNDEFINED)
    .unwrap()
    .unchecked_into()
}
