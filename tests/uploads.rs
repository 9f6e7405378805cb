//! `files.upload` and `get`'s progress, in the browser against the local backend (ministack's S3,
//! which checks the signature and the scoped IAM policy of every multipart call): a 100 MiB
//! `File` paused, continued by a fresh client over the same storage (a reloaded page), and
//! completed byte for byte; a cancelled upload leaving no parts; one PUT with its progress; and
//! the refusals.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::option_env_unwrap)]

mod common;

use std::cell::RefCell;
use std::rc::Rc;

use apiless::auth::storage::{self, Store};
use apiless::aws::signed_call::SignedCall;
use apiless::config::StorageKind;
use apiless::data::s3::{self, multipart};
use apiless::http::retry::Policy;
use apiless::http::Fetch;
use common::*;
use js_sys::{Function, Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MIB: u32 = 1024 * 1024;

type Session = Rc<apiless::auth::session::Session<Fetch>>;

/// A session over the page's `localStorage`: a second one over the same storage is what a
/// reloaded page has (it restores the signed-in user from there).
async fn session_over_local_storage() -> Session {
    let store = storage::open(StorageKind::Local).unwrap();
    session_with(Fetch::default(), store, &TestClock::default()).await
}

/// Alice signed in, in a session over the page's `localStorage`.
async fn alice_over_local_storage() -> Session {
    let session = session_over_local_storage().await;
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    session
}

/// Waits `ms` milliseconds.
async fn sleep(ms: i32) {
    let sleep = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(sleep).await.unwrap();
}

/// The progress reports an upload or download makes, as (loaded, total).
#[derive(Clone, Default)]
struct Reports(Rc<RefCell<Vec<(f64, f64)>>>);

impl Reports {
    /// An `onProgress` that records; `then` is called after each report with the bytes loaded.
    fn callback(&self, then: impl Fn(f64) + 'static) -> Function {
        let seen = self.0.clone();
        Closure::<dyn Fn(JsValue)>::new(move |p: JsValue| {
            let loaded = get(&p, "loaded").as_f64().unwrap();
            seen.borrow_mut()
                .push((loaded, get(&p, "total").as_f64().unwrap_or(-1.0)));
            then(loaded);
        })
        .into_js_value()
        .unchecked_into()
    }

    fn all(&self) -> Vec<(f64, f64)> {
        self.0.borrow().clone()
    }
}

/// Waits (at most `ms`) until `ready` holds.
async fn until(what: &str, ms: u32, ready: impl Fn() -> bool) {
    let mut waited = 0;
    while !ready() {
        assert!(waited < ms, "waited {ms} ms for {what}");
        sleep(20).await;
        waited += 20;
    }
}

/// `request(bucket, full key)` sent signed with the session's credentials (alice's, under her
/// prefix): the answer or the error code.
async fn signed(
    client_session: &Session,
    key: &str,
    request: impl FnOnce(&s3::Bucket, &str) -> apiless::http::Request,
) -> Result<apiless::http::Response, String> {
    let config = backend_config().await;
    let identity = client_session.aws_identity().await.unwrap();
    let bucket = s3::Bucket {
        name: field(&config, "bucket").into(),
        endpoint: client_session
            .config()
            .endpoint_for(apiless::config::Service::S3),
        virtual_host: false,
    };
    let transport = Fetch::default();
    let jitter = || 0.5;
    let now = js_sys::Date::now;
    let ctx = SignedCall {
        transport: &transport,
        clock: client_session.clock(),
        now: &now,
        credentials: &identity.credentials,
        region: &client_session.config().region,
        service: "s3",
        policy: Policy::STANDARD,
        jitter: &jitter,
    };
    let full = format!("{}/{key}", identity.identity_id);
    s3::send(
        &ctx,
        request(&bucket, &full),
        apiless::aws::sigv4::PayloadHash::Compute,
    )
    .await
    .map_err(|e| e.code.clone())
}

/// ListParts of `upload_id` for `key` (under alice's prefix), signed with her credentials:
/// the part numbers S3 has, or the error code.
async fn parts_of(
    client_session: &Session,
    key: &str,
    upload_id: &str,
) -> Result<Vec<u32>, String> {
    let response = signed(client_session, key, |bucket, full| {
        multipart::list_parts_request(bucket, full, upload_id, 0)
    })
    .await?;
    Ok(multipart::read_parts(&response)
        .unwrap()
        .0
        .iter()
        .map(|p| p.number)
        .collect())
}

/// The checksum S3 keeps for `key` (HeadObject with `x-amz-checksum-mode: ENABLED`): the
/// `x-amz-checksum-<algorithm>` value and `x-amz-checksum-type`.
async fn kept_checksum(client_session: &Session, key: &str, algorithm: &str) -> (String, String) {
    let response = signed(client_session, key, |bucket, full| apiless::http::Request {
        method: "HEAD".into(),
        url: bucket.object_url(full),
        headers: vec![("x-amz-checksum-mode".into(), "ENABLED".into())],
        body: Vec::new(),
    })
    .await
    .unwrap();
    let header = |name: &str| response.header(name).unwrap_or("(none)").to_owned();
    (
        header(&format!("x-amz-checksum-{}", algorithm.to_lowercase())),
        header("x-amz-checksum-type"),
    )
}

/// The CRC-32 of `bytes` by crc32fast (not apiless's), as S3 writes it.
fn crc32_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(crc32fast::hash(bytes).to_be_bytes())
}

/// The UploadId the app's storage keeps for an unfinished upload of `key`.
fn recorded_upload(
    store: &dyn Store,
    identity_id: &str,
    bucket: &str,
    key: &str,
) -> Option<String> {
    let text = store.get(&multipart::resumable_key(
        bucket,
        &format!("{identity_id}/{key}"),
    ))?;
    Some(multipart::Resumable::parse(&text)?.upload_id)
}

#[wasm_bindgen_test]
async fn a_paused_100_mib_upload_continues_after_a_reload_and_completes_whole() {
    let config = backend_config().await;
    let bucket_name = field(&config, "bucket").to_owned();
    let key = format!("uploads-{}/clip.bin", random_hex(4));
    let file = file_of(100, "clip.bin");
    let total = f64::from(100 * MIB);

    // The first page: 20 parts of 5 MiB, 4 at a time; paused once 30 MiB are out.
    let session = alice_over_local_storage().await;
    let first = apiless::js::Client::with_session(session.clone());
    let files = bucket(&first).await;
    let reports = Reports::default();
    let paused_at = Rc::new(RefCell::new(None::<apiless::js::Upload>));
    let handle_slot = paused_at.clone();
    let on_progress = reports.callback(move |loaded| {
        if loaded >= f64::from(30 * MIB) {
            if let Some(h) = handle_slot.borrow().as_ref() {
                h.pause();
            }
        }
    });
    let options = Object::new();
    js_sys::Reflect::set(&options, &"partSize".into(), &(5 * MIB).into()).unwrap();
    js_sys::Reflect::set(&options, &"concurrency".into(), &4.into()).unwrap();
    js_sys::Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    let upload = files.upload(key.clone(), file.clone().into(), options.into());
    paused_at.replace(Some(upload));
    let state = || paused_at.borrow().as_ref().unwrap().state();
    until("the upload to pause", 60_000, || state() == "paused").await;
    let identity_id = session.aws_identity().await.unwrap().identity_id.clone();
    let store = storage::open(StorageKind::Local).unwrap();
    let upload_id = recorded_upload(store.as_ref(), &identity_id, &bucket_name, &key)
        .expect("the unfinished upload is recorded in the app's storage");
    // Give the dropped attempts a moment; what S3 has now is what the reload finds.
    sleep(300).await;
    let had = parts_of(&session, &key, &upload_id).await.unwrap();
    assert!(
        !had.is_empty() && had.len() < 20,
        "some parts, not all, are in S3 when paused: {had:?}"
    );
    let seen_before = reports.all();
    assert!(seen_before.iter().all(|(_, t)| *t == total));
    // (Progress within parts needs a link slower than loopback: the paced test below.)

    // The reload: a new client over the same storage (the session restored from it), the same
    // File given again. The parts S3 has are not sent again.
    drop(files);
    let reloaded = session_over_local_storage().await;
    assert!(
        reloaded.current_user().is_some(),
        "the reloaded page is signed in"
    );
    let second = apiless::js::Client::with_session(reloaded.clone());
    let files = bucket(&second).await;
    let puts_before = count("s3:PUT").await;
    let resumed = Reports::default();
    let options = Object::new();
    js_sys::Reflect::set(&options, &"partSize".into(), &(5 * MIB).into()).unwrap();
    js_sys::Reflect::set(&options, &"onProgress".into(), &resumed.callback(|_| {})).unwrap();
    let upload = files.upload(key.clone(), file.clone().into(), options.into());
    let result = ok(upload.result()).await;
    assert_eq!(upload.state(), "done");
    assert_eq!(get(&result, "key").as_string().unwrap(), key);
    assert_eq!(get(&result, "size").as_f64(), Some(total));
    assert!(get(&result, "etag").as_string().unwrap().ends_with("-20\""));
    let puts = count("s3:PUT").await - puts_before;
    assert_eq!(
        puts,
        20 - had.len() as u64,
        "only the parts S3 did not have were sent ({} it had)",
        had.len()
    );
    let first_report = resumed.all()[0].0;
    assert_eq!(first_report, f64::from(5 * MIB) * had.len() as f64);
    assert_eq!(resumed.all().last().unwrap().0, total);
    assert!(
        recorded_upload(store.as_ref(), &identity_id, &bucket_name, &key).is_none(),
        "the record is removed once the upload completes"
    );

    // Byte for byte, with the download's own progress.
    let downloaded = Reports::default();
    let options = Object::new();
    js_sys::Reflect::set(&options, &"as".into(), &"blob".into()).unwrap();
    js_sys::Reflect::set(&options, &"onProgress".into(), &downloaded.callback(|_| {})).unwrap();
    let blob: web_sys::Blob = ok(files.get(key.clone(), options.into()))
        .await
        .unchecked_into();
    assert_eq!(blob.size(), total);
    assert_eq!(digest(&blob).await, digest(&file).await);
    let reports = downloaded.all();
    assert!(reports.len() > 1, "the download is reported as it comes");
    assert_eq!(*reports.last().unwrap(), (total, total));
    assert!(reports.windows(2).all(|w| w[1].0 >= w[0].0));
    reloaded.sign_out(false).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_cancelled_upload_leaves_no_parts_and_no_record() {
    let config = backend_config().await;
    let bucket_name = field(&config, "bucket").to_owned();
    let key = format!("uploads-{}/cancelled.bin", random_hex(4));
    let session = alice_over_local_storage().await;
    let client = apiless::js::Client::with_session(session.clone());
    let files = bucket(&client).await;
    let identity_id = session.aws_identity().await.unwrap().identity_id.clone();
    let store = storage::open(StorageKind::Local).unwrap();

    // 3 parts, one at a time; paused once the second is going out, so S3 has the first (and
    // maybe the second: progress events lag the bytes).
    let slot = Rc::new(RefCell::new(None::<apiless::js::Upload>));
    let handle = slot.clone();
    let reports = Reports::default();
    let on_progress = reports.callback(move |loaded| {
        if loaded > f64::from(5 * MIB) {
            if let Some(h) = handle.borrow().as_ref() {
                h.pause();
            }
        }
    });
    let options = js(serde_json::json!({"partSize": 5 * MIB, "concurrency": 1}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    let file = file_of(12, "cancelled.bin");
    slot.replace(Some(files.upload(key.clone(), file.into(), options)));
    let state = || slot.borrow().as_ref().unwrap().state();
    until("the upload to pause", 60_000, || state() == "paused").await;
    let upload_id = recorded_upload(store.as_ref(), &identity_id, &bucket_name, &key).unwrap();
    let had = parts_of(&session, &key, &upload_id).await.unwrap();
    assert!(had.starts_with(&[1]) && had.len() < 3, "{had:?}");

    let upload = slot.borrow_mut().take().unwrap();
    upload.cancel();
    let (name, message) = err(upload.result()).await;
    assert_eq!(
        (name.as_str(), message.as_str()),
        ("AbortError", "the upload was cancelled")
    );
    assert_eq!(upload.state(), "cancelled");
    assert_eq!(
        parts_of(&session, &key, &upload_id).await,
        Err("NoSuchUpload".into()),
        "S3 dropped the upload and its parts"
    );
    assert!(recorded_upload(store.as_ref(), &identity_id, &bucket_name, &key).is_none());
    let (name, _) = err(files.head(key.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(name, "NotFound", "no object was made");

    // The caller's signal cancels too, at once when already aborted.
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let options = Object::new();
    js_sys::Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let upload = files.upload(key.clone(), JsValue::from_str("x"), options.into());
    assert_eq!(err(upload.result()).await.0, "AbortError");
    session.sign_out(false).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_small_body_goes_in_one_put_with_its_progress_and_bad_input_is_refused() {
    let clock = TestClock::default();
    let alice = signed_in_client("alice", &clock).await;
    let files = bucket(&alice).await;
    let key = format!("uploads-{}/note.txt", random_hex(4));
    let puts = count("s3:PUT").await;
    let posts = count("s3:POST").await;
    let reports = Reports::default();
    let options = js(serde_json::json!({"metadata": {"purpose": "upload"}}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &reports.callback(|_| {})).unwrap();
    let upload = files.upload(key.clone(), JsValue::from_str("hello, upload"), options);
    let result = ok(upload.result()).await;
    assert_eq!(get(&result, "size").as_f64(), Some(13.0));
    assert!(get(&result, "etag").as_string().unwrap().starts_with('"'));
    assert_eq!(count("s3:PUT").await - puts, 1);
    assert_eq!(count("s3:POST").await - posts, 0, "no multipart upload");
    assert_eq!(reports.all().last(), Some(&(13.0, 13.0)));
    let head = ok(files.head(key.clone(), JsValue::UNDEFINED)).await;
    assert_eq!(
        get(&head, "contentType").as_string().as_deref(),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        get(&get(&head, "metadata"), "purpose")
            .as_string()
            .as_deref(),
        Some("upload")
    );
    let text = ok(files.get(key.clone(), js(serde_json::json!({"as": "text"})))).await;
    assert_eq!(text.as_string().as_deref(), Some("hello, upload"));

    // Without onProgress the parts go by fetch rather than XHR: the same object.
    let file = file_of(11, "quiet.bin");
    let quiet = format!("uploads-{}/quiet.bin", random_hex(4));
    let puts = count("s3:PUT").await;
    let result = ok(files
        .upload(
            quiet.clone(),
            file.clone().into(),
            js(serde_json::json!({"partSize": 5 * MIB})),
        )
        .result())
    .await;
    assert!(get(&result, "etag").as_string().unwrap().ends_with("-3\""));
    assert_eq!(count("s3:PUT").await - puts, 3);
    let blob: web_sys::Blob = ok(files.get(quiet, js(serde_json::json!({"as": "blob"}))))
        .await
        .unchecked_into();
    assert_eq!(digest(&blob).await, digest(&file).await);

    // Refused before anything is sent, through `result`.
    let refused = |options: serde_json::Value| {
        files
            .upload(key.clone(), JsValue::from_str("x"), js(options))
            .result()
    };
    let (name, message) = err(refused(serde_json::json!({"partSize": 1000}))).await;
    assert_eq!(name, "InvalidInputError");
    assert!(message.contains("5 MiB"), "{message}");
    let (name, _) = err(refused(serde_json::json!({"concurrency": 0}))).await;
    assert_eq!(name, "InvalidInputError");
    let refused_task = files.upload(
        key.clone(),
        JsValue::from_str("x"),
        js(serde_json::json!({"concurrency": 17})),
    );
    assert_eq!(err(refused_task.result()).await.0, "InvalidInputError");
    assert_eq!(refused_task.state(), "failed", "a refused upload is over");
    let (name, _) = err(refused(serde_json::json!({"onProgress": "yes"}))).await;
    assert_eq!(name, "InvalidInputError");
    let (name, _) = err(refused(serde_json::json!({"partSize": 5.5}))).await;
    assert_eq!(name, "InvalidInputError");
    let (name, _) = err(files
        .upload(key.clone(), JsValue::from(42), JsValue::UNDEFINED)
        .result())
    .await;
    assert_eq!(name, "InvalidInputError");
    let bob = signed_in_client("bob", &clock).await;
    let bob_id = ok(bob.identity_id()).await.as_string().unwrap();
    let (name, _) = err(files
        .upload(
            format!("{bob_id}/x.txt"),
            JsValue::from_str("x"),
            JsValue::UNDEFINED,
        )
        .result())
    .await;
    assert_eq!(name, "OutOfScopeError");
    // With the guard bypassed, IAM refuses the multipart upload under bob's prefix.
    let (name, _) = err(files
        .upload(
            format!("{bob_id}/x.bin"),
            file_of(6, "x.bin").into(),
            js(serde_json::json!({"partSize": 5 * MIB, "unscopedForDemoOnly": true})),
        )
        .result())
    .await;
    assert_eq!(name, "AccessDenied");
}

#[wasm_bindgen_test]
async fn over_a_slow_link_progress_comes_within_parts_and_a_failed_part_is_sent_again_alone() {
    fault_control(
        "POST",
        "/_fault/reset",
        Some(serde_json::json!({"case": "upload over a slow link"})),
    )
    .await;
    let mut config = client_config().await;
    config.endpoint = Some(fault_endpoint().to_owned());
    let session = apiless::auth::session::Session::new(
        config,
        Fetch::default(),
        Rc::new(apiless::auth::storage::MemoryStore::default()),
        Box::new(js_sys::Date::now),
        Box::new(random),
    );
    session
        .sign_in("alice", zeroize::Zeroizing::new(password_of("alice").await))
        .await
        .unwrap();
    let client = apiless::js::Client::with_session(session);
    let files = bucket(&client).await;
    // Each PUT's body read at 3 MB/s; part 2's first attempt answered 503 (SlowDown). A part's
    // progress moves as its socket takes more of it, and on Linux loopback that is in bursts of
    // over a megabyte, after the first 4 to 5 MB go at once into the two sides' buffers: a 5 MiB
    // part may show no progress between its start and its end (the fresh-clone CI saw 2 reports
    // within parts where this wants 3). Parts of 12 MiB leave about 7 MiB of each to the pace.
    fault_control(
        "POST",
        "/_fault/pace",
        Some(serde_json::json!({"match": "s3:PUT", "bytesPerSecond": 3_000_000})),
    )
    .await;
    fault_control(
        "POST",
        "/_fault/plan",
        Some(
            serde_json::json!({"match": "s3:PUT", "contains": "partNumber=2&", "faults": ["503"]}),
        ),
    )
    .await;
    let key = format!("uploads-{}/slow.bin", random_hex(4));
    let file = file_of(26, "slow.bin");
    let reports = Reports::default();
    let options = js(serde_json::json!({"partSize": 12 * MIB, "concurrency": 2}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &reports.callback(|_| {})).unwrap();
    let started = js_sys::Date::now();
    let upload = files.upload(key.clone(), file.clone().into(), options);
    let result = ok(upload.result()).await;
    let took = js_sys::Date::now() - started;
    assert_eq!(get(&result, "size").as_f64(), Some(f64::from(26 * MIB)));

    let seen = reports.all();
    let part = f64::from(12 * MIB);
    let within: Vec<_> = seen
        .iter()
        .filter(|(loaded, _)| loaded % part != 0.0 && *loaded < f64::from(26 * MIB))
        .collect();
    assert!(
        within.len() >= 3,
        "progress while parts are going out, not only when they finish: {seen:?}"
    );
    assert_eq!(seen.last().unwrap().0, f64::from(26 * MIB));
    // Not a report per network chunk (WebKit's XHR has one per 8 KiB, 4,880 here): at most one
    // in 50 ms for each of the 2 parts going out at once, and each attempt's last.
    let most = 2.0 * (took / 50.0 + 1.0) + 4.0;
    assert!(
        seen.len() as f64 <= most,
        "{} reports in {took} ms, at most {most}",
        seen.len()
    );
    let log = fault_control("GET", "/_fault/log", None).await;
    let puts: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["op"] == "s3:PUT")
        .map(|e| e["fault"].as_str().unwrap())
        .collect();
    assert_eq!(
        (puts.len(), puts.iter().filter(|f| **f == "503").count()),
        (4, 1),
        "3 parts, one of them twice: {puts:?}"
    );
    let blob: web_sys::Blob = ok(files.get(key, js(serde_json::json!({"as": "blob"}))))
        .await
        .unchecked_into();
    assert_eq!(digest(&blob).await, digest(&file).await);
    fault_control("POST", "/_fault/reset", None).await;
}

/// `checksum`: S3 checks each part's CRC and the whole object's, and keeps the latter; the
/// result gives it. The CRC-32 values are held to crc32fast's, the CRC-64/NVME ones to the
/// backend's (ministack computes it from the bytes it stored). A continued upload completes
/// with the checksums ListParts gives for the parts S3 had.
#[wasm_bindgen_test]
async fn checksums_are_checked_by_s3_and_the_whole_objects_is_given() {
    let session = alice_over_local_storage().await;
    let client = apiless::js::Client::with_session(session.clone());
    let files = bucket(&client).await;
    let checksum_of = |result: &JsValue| {
        let c = get(result, "checksum");
        (
            get(&c, "algorithm").as_string().unwrap(),
            get(&c, "value").as_string().unwrap(),
        )
    };

    // One PUT.
    let key = format!("uploads-{}/summed.txt", random_hex(4));
    let result = ok(files
        .upload(
            key.clone(),
            JsValue::from_str("hello, checksum"),
            js(serde_json::json!({"checksum": "CRC32"})),
        )
        .result())
    .await;
    let expected = crc32_of(b"hello, checksum");
    assert_eq!(checksum_of(&result), ("CRC32".into(), expected.clone()));
    assert_eq!(
        kept_checksum(&session, &key, "CRC32").await,
        (expected, "FULL_OBJECT".into())
    );

    // Multipart, both algorithms: 3 parts, the last short.
    let file = file_of(11, "summed.bin");
    let bytes = Uint8Array::new(&JsFuture::from(file.array_buffer()).await.unwrap()).to_vec();
    for algorithm in ["CRC32", "CRC64NVME"] {
        let key = format!("uploads-{}/summed.bin", random_hex(4));
        let options = js(serde_json::json!({"partSize": 5 * MIB, "checksum": algorithm}));
        let result = ok(files
            .upload(key.clone(), file.clone().into(), options)
            .result())
        .await;
        assert!(get(&result, "etag").as_string().unwrap().ends_with("-3\""));
        let (named, value) = checksum_of(&result);
        assert_eq!(named, algorithm);
        assert_eq!(
            kept_checksum(&session, &key, algorithm).await,
            (value.clone(), "FULL_OBJECT".into()),
            "{algorithm}: S3's full-object checksum is the one given"
        );
        if algorithm == "CRC32" {
            assert_eq!(value, crc32_of(&bytes));
        }
    }

    // Paused after its first part; a fresh client over the same storage continues it.
    let key = format!("uploads-{}/continued.bin", random_hex(4));
    let slot = Rc::new(RefCell::new(None::<apiless::js::Upload>));
    let handle = slot.clone();
    let reports = Reports::default();
    let on_progress = reports.callback(move |loaded| {
        if loaded >= f64::from(5 * MIB) {
            if let Some(h) = handle.borrow().as_ref() {
                h.pause();
            }
        }
    });
    let options =
        js(serde_json::json!({"partSize": 5 * MIB, "concurrency": 1, "checksum": "CRC64NVME"}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    slot.replace(Some(files.upload(
        key.clone(),
        file.clone().into(),
        options,
    )));
    until("the upload to pause", 60_000, || {
        slot.borrow().as_ref().unwrap().state() == "paused"
    })
    .await;
    sleep(300).await;
    let reloaded = session_over_local_storage().await;
    let files = bucket(&apiless::js::Client::with_session(reloaded.clone())).await;
    let puts = count("s3:PUT").await;
    let options = js(serde_json::json!({"partSize": 5 * MIB, "checksum": "CRC64NVME"}));
    let result = ok(files
        .upload(key.clone(), file.clone().into(), options)
        .result())
    .await;
    assert!(
        count("s3:PUT").await - puts < 3,
        "the parts S3 had were not sent again"
    );
    let (_, value) = checksum_of(&result);
    assert_eq!(
        kept_checksum(&reloaded, &key, "CRC64NVME").await,
        (value, "FULL_OBJECT".into())
    );

    // Only the two algorithms; the whole call refused before anything is sent.
    let (name, message) = err(files
        .upload(
            key.clone(),
            JsValue::from_str("x"),
            js(serde_json::json!({"checksum": "SHA256"})),
        )
        .result())
    .await;
    assert_eq!(name, "InvalidInputError");
    assert!(message.contains("CRC64NVME"), "{message}");
    reloaded.sign_out(false).await.unwrap();
}

/// The parts go from the page's part worker: slicing the `File` and sending each part (with
/// its progress) cost the main thread a message each way. (`tests/upload_here.rs` has the same
/// upload where the page can have no worker.)
#[wasm_bindgen_test]
async fn the_parts_go_from_a_worker_with_their_progress() {
    let clock = TestClock::default();
    let alice = signed_in_client("alice", &clock).await;
    let files = bucket(&alice).await;
    let sends = count_main_thread_part_sends();
    let file = file_of(11, "worked.bin");
    let key = format!("uploads-{}/worked.bin", random_hex(4));
    let reports = Reports::default();
    let options = js(serde_json::json!({"partSize": 5 * MIB}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &reports.callback(|_| {})).unwrap();
    let result = ok(files
        .upload(key.clone(), file.clone().into(), options)
        .result())
    .await;
    assert!(get(&result, "etag").as_string().unwrap().ends_with("-3\""));
    assert_eq!(
        reports.all().last(),
        Some(&(f64::from(11 * MIB), f64::from(11 * MIB)))
    );
    assert_eq!(
        sends.call0(&JsValue::UNDEFINED).unwrap().as_f64(),
        Some(0.0),
        "no part went from the main thread"
    );
    let blob: web_sys::Blob = ok(files.get(key, js(serde_json::json!({"as": "blob"}))))
        .await
        .unchecked_into();
    assert_eq!(digest(&blob).await, digest(&file).await);
}
