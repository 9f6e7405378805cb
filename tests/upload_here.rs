//! `files.upload` in a page that can have no part worker (a Content-Security-Policy without
//! `worker-src blob:`, or a host without `Worker`): the parts go from the main thread, by
//! XMLHttpRequest with their progress, and the object is whole. Its own page: the part worker
//! is made at a page's first upload (`tests/uploads.rs` has the worker's side).
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::option_env_unwrap)]

mod common;

use common::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const MIB: u32 = 1024 * 1024;

#[wasm_bindgen_test]
async fn without_a_worker_the_parts_go_from_the_page_with_their_progress() {
    // No Worker in this page, and the UploadPart requests XMLHttpRequest sends counted.
    js_sys::Reflect::set(&js_sys::global(), &"Worker".into(), &JsValue::UNDEFINED).unwrap();
    let sends = count_main_thread_part_sends();
    let clock = TestClock::default();
    let alice = signed_in_client("alice", &clock).await;
    let files = bucket(&alice).await;
    let file = file_of(11, "here.bin");
    let key = format!("uploads-{}/here.bin", random_hex(4));
    let loaded = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let seen = loaded.clone();
    let on_progress = Closure::<dyn Fn(JsValue)>::new(move |p: JsValue| {
        seen.set(get(&p, "loaded").as_f64().unwrap());
    })
    .into_js_value();
    let options = js(serde_json::json!({"partSize": 5 * MIB}));
    js_sys::Reflect::set(&options, &"onProgress".into(), &on_progress).unwrap();
    let result = ok(files
        .upload(key.clone(), file.clone().into(), options)
        .result())
    .await;
    assert!(get(&result, "etag").as_string().unwrap().ends_with("-3\""));
    assert_eq!(loaded.get(), f64::from(11 * MIB));
    assert_eq!(
        sends.call0(&JsValue::UNDEFINED).unwrap().as_f64(),
        Some(3.0),
        "the three parts went from the page"
    );
    let blob: web_sys::Blob = ok(files.get(key, js(serde_json::json!({"as": "blob"}))))
        .await
        .unchecked_into();
    assert_eq!(digest(&blob).await, digest(&file).await);
}
