//! Refresh-token rotation in the browser, against the local backend's app client that rotates
//! with no grace period (`rotatingUserPoolClientId` of its fixtures): several clients of one
//! page share `localStorage` as an app's tabs do, and refresh at once. Through the Web Locks
//! `createClient` takes for `storage: "local"`, one GetTokensFromRefreshToken reaches the backend,
//! every client ends signed in with its tokens, and none meets `RefreshTokenReuseException`.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apiless::js::Client;
use common::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A JS client of the backend's rotating app client, over the page's localStorage.
async fn rotating_client() -> Client {
    let c = backend_config().await;
    let f = fixtures().await;
    let config = serde_json::json!({
        "region": c["region"], "userPoolId": c["userPoolId"],
        "userPoolClientId": f["rotatingUserPoolClientId"], "endpoint": c["endpoint"], "storage": "local",
    });
    apiless::js::create_client(js(config)).unwrap()
}

/// The outcome of `currentSession({ forceRefresh: true })`: the ID token, or the error's name.
async fn forced_refresh(c: &Client) -> Result<String, String> {
    let p = c.current_session(js(serde_json::json!({"forceRefresh": true})));
    match JsFuture::from(p).await {
        Ok(session) => Ok(get(&session, "idToken").as_string().unwrap()),
        Err(e) => Err(String::from(e.unchecked_ref::<js_sys::Error>().name())),
    }
}

#[wasm_bindgen_test]
async fn four_clients_sharing_local_storage_refresh_at_once_with_one_request_and_no_reuse_error() {
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .clear()
        .unwrap();
    let (username, password) = fixture_user("main", false).await;
    let first = rotating_client().await;
    let signed_in = ok(first.sign_in(js(
        serde_json::json!({"username": username, "password": password}),
    )))
    .await;
    assert_eq!(get(&signed_in, "signedIn").as_bool(), Some(true));
    let mut tabs = vec![first];
    for _ in 0..3 {
        tabs.push(rotating_client().await);
    }
    let stored_refresh_token = || {
        let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
        (0..storage.length().unwrap())
            .filter_map(|i| storage.key(i).unwrap())
            .find(|k| k.ends_with(".refreshToken"))
            .and_then(|k| storage.get_item(&k).unwrap())
            .expect("a refresh token in localStorage")
    };
    let before_token = stored_refresh_token();

    for round in 0..2 {
        let before = cognito_calls("GetTokensFromRefreshToken").await;
        let outcomes = futures_util::future::join_all(tabs.iter().map(forced_refresh)).await;
        let id_tokens: Vec<String> = outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|name| panic!("round {round}: {name}")))
            .collect();
        assert_eq!(
            cognito_calls("GetTokensFromRefreshToken").await - before,
            1,
            "round {round}: one refresh for four clients"
        );
        assert!(
            id_tokens.iter().all(|t| *t == id_tokens[0]),
            "round {round}: the same tokens"
        );
        for tab in &tabs {
            let user = tab.current_user().unwrap();
            assert_eq!(
                get(&user, "username").as_string().as_deref(),
                Some(username.as_str())
            );
        }
    }
    let after_token = stored_refresh_token();
    assert_ne!(
        after_token, before_token,
        "the backend rotated the refresh token"
    );
    // The token rotated out is refused now (no grace period): the clients never send it again.
    let endpoint = endpoint().to_owned();
    let client_id = fixtures().await["rotatingUserPoolClientId"]
        .as_str()
        .unwrap()
        .to_owned();
    let pool = apiless::auth::user_pool::UserPool {
        transport: &apiless::http::Fetch::default(),
        endpoint: &endpoint,
        client_id: &client_id,
    };
    let e = pool.refresh(&before_token, None).await.unwrap_err();
    assert_eq!(e.code, "RefreshTokenReuseException");
    assert!(pool.refresh(&after_token, None).await.is_ok());
}
