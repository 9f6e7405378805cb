//! The pure cores of apiless behind plain exports, to measure what they weigh on their own.
//!
//! SRP, SigV4, DynamoDB request bodies and response reading, S3 requests and listings, AWS
//! errors, token claims and credentials. No session, fetch, retries, storage or JS objects.
//! Every export calls into the core so that the linker keeps it; the results are not checked
//! (this crate is measured, not used).

use apiless::aws::credentials::Credentials;
use apiless::data::dynamodb as ddb;
use apiless::http::{Request, Response};
use apiless::codec::json::{Json, Map};
use apiless::auth::{identity_pool, srp, tokens};
use apiless::aws::{aws_json, sigv4};
use apiless::data::owner::ScopeCheck;
use apiless::data::s3;
use apiless::Error;
use wasm_bindgen::prelude::*;

type Out<T> = Result<T, JsValue>;

fn js_error(e: Error) -> JsValue {
    let error = js_sys::Error::new(&e.message);
    error.set_name(e.kind.as_str());
    error.into()
}

fn parse(text: &str) -> Out<Json> {
    Json::parse(text.as_bytes()).map_err(|_| JsValue::from_str("not JSON"))
}

fn credentials(key: &str, secret: &str, token: &str) -> Credentials {
    Credentials {
        access_key_id: key.into(),
        secret_access_key: secret.into(),
        session_token: (!token.is_empty()).then(|| token.into()),
        expires_at_ms: 0,
        signing_key: Default::default(),
    }
}

fn headers_json(headers: &[(String, String)]) -> String {
    let mut map = Map::new();
    for (name, value) in headers {
        map.insert(name.clone(), Json::String(value.clone()));
    }
    Json::Object(map).to_text()
}

fn table(name: &str, pk: &str, sk: &str) -> ddb::TableSchema {
    ddb::TableSchema {
        name: name.into(),
        pk_name: pk.into(),
        sk_name: (!sk.is_empty()).then(|| sk.into()),
        indexes: Vec::new(),
    }
}

fn bucket(name: &str, endpoint: &str) -> s3::Bucket {
    s3::Bucket {
        name: name.into(),
        endpoint: endpoint.into(),
        virtual_host: false,
    }
}

#[wasm_bindgen(js_name = srpA)]
pub fn srp_a(random: &[u8]) -> Out<String> {
    Ok(srp::Ephemeral::new(random).map_err(js_error)?.srp_a_hex())
}

#[wasm_bindgen(js_name = srpClaim)]
#[allow(clippy::too_many_arguments)]
pub fn srp_claim(
    random: &[u8],
    pool_id: &str,
    user_id: &str,
    salt: &str,
    srp_b: &str,
    secret_block: &str,
    password: &str,
    timestamp: &str,
) -> Out<String> {
    let ephemeral = srp::Ephemeral::new(random).map_err(js_error)?;
    let challenge = srp::Challenge {
        pool_id,
        user_id_for_srp: user_id,
        salt_hex: salt,
        srp_b_hex: srp_b,
        secret_block_b64: secret_block,
    };
    ephemeral
        .password_claim(&challenge, password, timestamp)
        .map_err(js_error)
}

#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn sign(
    method: &str,
    url: &str,
    names: Vec<String>,
    values: Vec<String>,
    body: Vec<u8>,
    key: &str,
    secret: &str,
    token: &str,
    service: &str,
    region: &str,
    time_ms: f64,
) -> Out<String> {
    let mut request = Request {
        method: method.into(),
        url: url.into(),
        headers: names.into_iter().zip(values).collect(),
        body,
    };
    let scope = sigv4::Scope {
        service,
        region,
        time_ms,
    };
    sigv4::sign(
        &mut request,
        &credentials(key, secret, token),
        &scope,
        &sigv4::PayloadHash::Compute,
    )
    .map_err(js_error)?;
    Ok(headers_json(&request.headers))
}

#[wasm_bindgen]
#[allow(clippy::too_many_arguments)]
pub fn presign(
    method: &str,
    url: &str,
    key: &str,
    secret: &str,
    token: &str,
    region: &str,
    time_ms: f64,
    expires_secs: u32,
) -> Out<String> {
    let scope = sigv4::Scope {
        service: "s3",
        region,
        time_ms,
    };
    let creds = credentials(key, secret, token);
    sigv4::presign(method, url, &creds, &scope, expires_secs.into()).map_err(js_error)
}

#[wasm_bindgen(js_name = putItem)]
pub fn put_item(
    t: &str,
    pk: &str,
    sk: &str,
    id: &str,
    item: &str,
    condition: Option<String>,
) -> Out<String> {
    let options = ddb::PutItem {
        item: ddb::item_from_json(&parse(item)?).map_err(js_error)?,
        condition_expression: condition,
        ..Default::default()
    };
    let body = ddb::put_item_request(&table(t, pk, sk), id, &options, ScopeCheck::Enforce);
    Ok(body.map_err(js_error)?.to_text())
}

#[wasm_bindgen(js_name = getItem)]
pub fn get_item(t: &str, pk: &str, sk: &str, id: &str, sort_key: &str) -> Out<String> {
    let options = ddb::GetItem {
        sort_key: Some(ddb::from_attribute_value(&parse(sort_key)?).map_err(js_error)?),
        ..Default::default()
    };
    let body = ddb::get_item_request(&table(t, pk, sk), id, &options, ScopeCheck::Enforce);
    Ok(body.map_err(js_error)?.to_text())
}

#[wasm_bindgen(js_name = updateItem)]
pub fn update_item(
    t: &str,
    pk: &str,
    sk: &str,
    id: &str,
    sort_key: &str,
    update: &str,
) -> Out<String> {
    let options = ddb::UpdateItem {
        sort_key: Some(ddb::from_attribute_value(&parse(sort_key)?).map_err(js_error)?),
        update_expression: update.into(),
        ..Default::default()
    };
    let body = ddb::update_item_request(&table(t, pk, sk), id, &options, ScopeCheck::Enforce);
    Ok(body.map_err(js_error)?.to_text())
}

#[wasm_bindgen(js_name = deleteItem)]
pub fn delete_item(t: &str, pk: &str, sk: &str, id: &str, sort_key: &str) -> Out<String> {
    let options = ddb::DeleteItem {
        sort_key: Some(ddb::from_attribute_value(&parse(sort_key)?).map_err(js_error)?),
        ..Default::default()
    };
    let body = ddb::delete_item_request(&table(t, pk, sk), id, &options, ScopeCheck::Enforce);
    Ok(body.map_err(js_error)?.to_text())
}

#[wasm_bindgen]
pub fn query(
    t: &str,
    pk: &str,
    sk: &str,
    id: &str,
    begins_with: Option<String>,
    limit: Option<u32>,
    page_token: Option<String>,
) -> Out<String> {
    let start = match page_token {
        Some(token) => Some(
            ddb::page_token_decode(&token, pk, id, ScopeCheck::Enforce).map_err(js_error)?,
        ),
        None => None,
    };
    let options = ddb::Query {
        sort_key: begins_with.map(|b| ddb::SortKeyCondition::BeginsWith(ddb::AttributeValue::S(b))),
        limit,
        exclusive_start_key: start,
        ..Default::default()
    };
    let body = ddb::query_request(&table(t, pk, sk), id, &options, ScopeCheck::Enforce);
    Ok(body.map_err(js_error)?.to_text())
}

#[wasm_bindgen(js_name = queryItems)]
pub fn query_items(body: &str) -> Out<String> {
    let page = ddb::parse_query_response(&parse(body)?).map_err(js_error)?;
    let token = match &page.last_evaluated_key {
        Some(key) => ddb::page_token_encode(key).map_err(js_error)?,
        None => String::new(),
    };
    Ok(ddb::plain_json(&page.items).text + "\n" + &token)
}

#[wasm_bindgen(js_name = itemOf)]
pub fn item_of(body: &str) -> Out<Option<String>> {
    let item = ddb::parse_get_item_response(&parse(body)?).map_err(js_error)?;
    Ok(item.map(|item| ddb::plain_json(std::slice::from_ref(&item)).text))
}

#[wasm_bindgen(js_name = objectKey)]
pub fn object_key(identity_id: &str, key: &str) -> Out<String> {
    s3::scoped_key(identity_id, key, ScopeCheck::Enforce).map_err(js_error)
}

#[wasm_bindgen(js_name = putObject)]
pub fn put_object(
    name: &str,
    endpoint: &str,
    key: &str,
    content_type: Option<String>,
    names: Vec<String>,
    values: Vec<String>,
) -> Out<String> {
    let metadata: Vec<(String, String)> = names.into_iter().zip(values).collect();
    let request = bucket(name, endpoint)
        .put_request(key, Vec::new(), content_type.as_deref(), &metadata)
        .map_err(js_error)?;
    Ok(request.url.clone() + "\n" + &headers_json(&request.headers))
}

#[wasm_bindgen(js_name = objectUrl)]
pub fn object_url(name: &str, endpoint: &str, operation: u8, key: &str) -> String {
    let b = bucket(name, endpoint);
    match operation {
        0 => b.get_request(key, None),
        1 => b.head_request(key),
        2 => b.delete_request(key),
        _ => b.list_request(key, None, None, None),
    }
    .url
    .clone()
}

#[wasm_bindgen(js_name = listingKeys)]
pub fn listing_keys(status: u16, body: Vec<u8>) -> Out<Vec<String>> {
    let response = Response {
        status,
        headers: vec![],
        body,
    };
    let listing = s3::read_listing(&response).map_err(js_error)?;
    Ok(listing.objects.into_iter().map(|o| o.key).collect())
}

#[wasm_bindgen(js_name = s3Error)]
pub fn s3_error(status: u16, body: Vec<u8>) -> JsValue {
    js_error(s3::parse_error(&Response {
        status,
        headers: vec![],
        body,
    }))
}

#[wasm_bindgen(js_name = awsError)]
pub fn aws_error(status: u16, body: Vec<u8>) -> JsValue {
    js_error(aws_json::parse_error(&Response {
        status,
        headers: vec![],
        body,
    }))
}

#[wasm_bindgen(js_name = credentialsOf)]
pub fn parse_credentials(body: &str) -> Out<String> {
    let creds = identity_pool::parse_credentials(&parse(body)?).map_err(js_error)?;
    Ok(creds.access_key_id.clone())
}

#[wasm_bindgen]
pub fn claims(token: &str) -> Out<String> {
    let claims = tokens::claims(token).map_err(js_error)?;
    Ok(format!("{claims:?}"))
}
