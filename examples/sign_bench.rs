//! A benchmark harness, not part of the npm package: apiless's SigV4 signing alone, compiled to
//! wasm for `bench/run.mjs` (built by `bench/build-signer.sh`), so that it can be compared with
//! the peers' signer in the same Chromium. Signs a 1 KB DynamoDB PutItem `n` times.

use apiless::aws::credentials::Credentials;
use apiless::aws::sigv4::{self, PayloadHash, Scope};
use apiless::http::Request;
use wasm_bindgen::prelude::*;

/// Signs a 1 KB PutItem `n` times with credentials shaped like Cognito's; returns `n`.
#[wasm_bindgen(js_name = signMany)]
pub fn sign_many(n: u32) -> Result<u32, JsValue> {
    let credentials = Credentials {
        access_key_id: "ASIAEXAMPLEEXAMPLE12".into(),
        secret_access_key: "x".repeat(40),
        session_token: Some("IQoJb3JpZ2luX2Vj".repeat(50)),
        expires_at_ms: i64::MAX,
        signing_key: Default::default(),
    };
    let body = format!(
        r#"{{"TableName":"t","Item":{{"pk":{{"S":"us-east-1:00000000-0000-0000-0000-000000000000"}},"sk":{{"S":"x"}},"text":{{"S":"{}"}}}}}}"#,
        "x".repeat(900)
    );
    let base = Request {
        method: "POST".into(),
        url: "https://dynamodb.us-east-1.amazonaws.com/".into(),
        headers: vec![
            ("content-type".into(), "application/x-amz-json-1.0".into()),
            ("x-amz-target".into(), "DynamoDB_20120810.PutItem".into()),
        ],
        body: body.into_bytes(),
    };
    for i in 0..n {
        let mut request = base.clone();
        let scope = Scope {
            service: "dynamodb",
            region: "us-east-1",
            time_ms: 1.767e12 + f64::from(i),
        };
        sigv4::sign(&mut request, &credentials, &scope, &PayloadHash::Compute)
            .map_err(JsValue::from)?;
    }
    Ok(n)
}
