//! Reading DynamoDB's answers: items, attributes, and the opaque page tokens of a query.

use super::*;

/// An opaque, URL-safe page token for a `LastEvaluatedKey` (base64url of its DynamoDB JSON).
///
/// The token is not signed or encrypted: it only saves the app from handling keys, and
/// [`page_token_decode`] checks its scope.
pub fn page_token_encode(last_evaluated_key: &[(String, AttributeValue)]) -> Result<String> {
    let json = map_to_json(last_evaluated_key, &Path::Root("lastEvaluatedKey"), 0)?;
    Ok(Base64::UrlSafeNoPad.encode(Json::Object(json).to_text()))
}

/// Reads a page token back into an `ExclusiveStartKey`, refusing one whose partition key
/// (`pk_name`: the table's, or the queried index's) is not the signed-in identity id.
pub fn page_token_decode(
    token: &str,
    pk_name: &str,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<Item> {
    const FIELD: &str = "pageToken";
    let malformed = || {
        Error::invalid_input(
            FIELD,
            "the page token is malformed; pass the token a previous query returned",
        )
    };
    let bytes = Base64::UrlSafeNoPad
        .decode(token.trim_end_matches('='))
        .ok_or_else(malformed)?;
    let value = Json::parse(&bytes).map_err(|_| malformed())?;
    let key = map_from_json(&value, &Path::Root(FIELD), 0, Source::Input)?;
    if key.is_empty() {
        return Err(malformed());
    }
    check_partition(
        key.iter().find(|(n, _)| n == pk_name).map(|(_, d)| d),
        FIELD,
        pk_name,
        identity_id,
        scope,
    )?;
    Ok(key)
}

// ---------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------

pub(super) fn response_object(body: &Json) -> Result<&Map> {
    body.as_object()
        .ok_or_else(|| Error::protocol("DynamoDB answered with a body that is not a JSON object"))
}

pub(super) fn optional_item(body: &Map, field: &str) -> Result<Option<Item>> {
    match body.get(field) {
        None | Some(Json::Null) => Ok(None),
        Some(value) => map_from_json(value, &Path::Root(field), 0, Source::Response).map(Some),
    }
}

/// Reads a `GetItem` answer: the item, or `None` when there is no such item.
pub fn parse_get_item_response(body: &Json) -> Result<Option<Item>> {
    optional_item(response_object(body)?, "Item")
}

/// Reads a `PutItem`, `UpdateItem` or `DeleteItem` answer: the `Attributes` that
/// `ReturnValues` asked for, if any.
pub fn parse_write_response(body: &Json) -> Result<Option<Item>> {
    optional_item(response_object(body)?, "Attributes")
}

/// Reads a `Query` answer.
pub fn parse_query_response(body: &Json) -> Result<QueryPage> {
    let body = response_object(body)?;
    let items = match body.get("Items") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(items)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let here = Path::Index(&Path::Root("Items"), i);
                out.push(map_from_json(item, &here, 0, Source::Response)?);
            }
            out
        }
        Some(_) => {
            return Err(Error::protocol(
                "DynamoDB answered with Items that is not a list",
            ))
        }
    };
    let count = |field: &str, default: usize| -> Result<u64> {
        match body.get(field) {
            None | Some(Json::Null) => Ok(u64::try_from(default).unwrap_or(u64::MAX)),
            Some(v) => v.as_u64().ok_or_else(|| {
                Error::protocol(format!(
                    "DynamoDB answered with a {field} that is not a count"
                ))
            }),
        }
    };
    let count_value = count("Count", items.len())?;
    let scanned_count = count("ScannedCount", items.len())?;
    Ok(QueryPage {
        count: count_value,
        scanned_count,
        last_evaluated_key: optional_item(body, "LastEvaluatedKey")?,
        items,
    })
}

/// Sends one DynamoDB operation (JSON 1.0), signed, with retries; returns its answer. A
/// cancelled transaction's error carries its reasons ([`read_transaction_error`]).
pub async fn call<T: Transport>(
    ctx: &signed_call::SignedCall<'_, T>,
    endpoint: &str,
    operation: Operation,
    body: &Json,
) -> Result<Json> {
    let request = aws_json::request(endpoint, Version::V1_0, operation.target(), body);
    let response = ctx
        .send(request, PayloadHash::Compute, read_transaction_error)
        .await?;
    aws_json::read(&response)
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
