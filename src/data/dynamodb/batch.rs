//! BatchGetItem, BatchWriteItem, TransactGetItems and TransactWriteItems. Every item passes the
//! scope guard of the single-item calls before any body exists, so one item outside the caller's
//! partition refuses the whole call; a batch's unprocessed keys or requests are sent again, with
//! backoff, until none is left or the bound is reached ([`run_batch`]); a cancelled
//! transaction's reasons are read per action ([`read_transaction_error`], which [`call`] uses).

use super::*;
use crate::error::CancellationReason;
use crate::http::retry::Policy;
use crate::http::Response;

/// The most keys one BatchGetItem may read.
pub const MAX_BATCH_GET: usize = 100;
/// The most requests one BatchWriteItem may send.
pub const MAX_BATCH_WRITE: usize = 25;
/// The most actions one transaction may hold.
pub const MAX_TRANSACT: usize = 100;

/// How often a batch is sent again while DynamoDB leaves part of it unprocessed, and how long
/// to wait between: 8 calls in all, full-jitter backoff from 50 ms doubling (at most about
/// 6.4 s of waiting), as the DynamoDB guide asks for unprocessed items.
pub const UNPROCESSED_RETRY: Policy = Policy {
    max_attempts: 8,
    ..Policy::STANDARD
};

/// The key of one item: its partition key (`None`: the identity id; anything else is out of
/// scope) and its sort key (required exactly when the table has one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Key {
    /// Partition key value; `None` means the identity id.
    pub partition_key: Option<AttributeValue>,
    /// Sort key value.
    pub sort_key: Option<AttributeValue>,
}

/// Options of BatchGetItem over one table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchGet {
    /// The items to read (1 to 100).
    pub keys: Vec<Key>,
    /// `ProjectionExpression`.
    pub projection_expression: Option<String>,
    /// `ExpressionAttributeNames` of the projection.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
}

/// One request of BatchWriteItem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteRequest {
    /// `PutRequest`: the whole item, its partition key the identity id.
    Put(Item),
    /// `DeleteRequest`: the item with this key.
    Delete(Key),
}

/// One action of TransactWriteItems: the single-item call's options, without `return_values`
/// (a transaction returns no attributes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransactWrite {
    /// `Put`.
    Put(PutItem),
    /// `Update`.
    Update(UpdateItem),
    /// `Delete`.
    Delete(DeleteItem),
    /// `ConditionCheck`: the key, the condition (required), its names and values, in a
    /// [`DeleteItem`]'s fields.
    ConditionCheck(DeleteItem),
}

/// `e` placed at `list[i]`: its field and message name the place.
fn at(mut e: Error, list: &str, i: usize) -> Error {
    let place = format!("{list}[{i}]");
    if let Some(field) = &e.field {
        e.field = Some(format!("{place}.{field}"));
    }
    e.message = format!("{place}: {}", e.message);
    e
}

fn check_count(n: usize, max: usize, list: &str) -> Result<()> {
    if n == 0 || n > max {
        return Err(Error::invalid_input(
            list,
            format!("{list} holds from 1 to {max} entries, not {n}"),
        ));
    }
    Ok(())
}

fn key_of(table: &TableSchema, identity_id: &str, key: &Key, scope: ScopeCheck) -> Result<Json> {
    key_json(
        table,
        identity_id,
        key.partition_key.as_ref(),
        key.sort_key.as_ref(),
        scope,
    )
}

/// A batch call in flight: what is still to send (each entry with its place in the caller's
/// list), and the options it is sent with.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    /// `BatchGetItem` or `BatchWriteItem`.
    pub operation: Operation,
    table: String,
    /// BatchGetItem's per-table options besides `Keys`.
    options: Map,
    pending: Vec<(usize, Json)>,
}

/// The [`Batch`] of a BatchGetItem: every key checked first.
pub fn batch_get(
    table: &TableSchema,
    identity_id: &str,
    options: &BatchGet,
    scope: ScopeCheck,
) -> Result<Batch> {
    check_table(table, identity_id)?;
    check_count(options.keys.len(), MAX_BATCH_GET, "keys")?;
    let mut pending = Vec::with_capacity(options.keys.len());
    for (i, key) in options.keys.iter().enumerate() {
        pending.push((
            i,
            key_of(table, identity_id, key, scope).map_err(|e| at(e, "keys", i))?,
        ));
    }
    let mut rest = Map::new();
    put_expression(
        &mut rest,
        "ProjectionExpression",
        "projectionExpression",
        options.projection_expression.as_deref(),
    )?;
    put_maps(
        &mut rest,
        names_json(&[], &options.expression_attribute_names, &[])?,
        Map::new(),
    );
    if let Some(consistent) = options.consistent_read {
        rest.insert("ConsistentRead".to_owned(), Json::Bool(consistent));
    }
    Ok(Batch {
        operation: Operation::BatchGetItem,
        table: table.name.clone(),
        options: rest,
        pending,
    })
}

/// The [`Batch`] of a BatchWriteItem: every item and key checked first.
pub fn batch_write(
    table: &TableSchema,
    identity_id: &str,
    requests: &[WriteRequest],
    scope: ScopeCheck,
) -> Result<Batch> {
    check_table(table, identity_id)?;
    check_count(requests.len(), MAX_BATCH_WRITE, "requests")?;
    let mut pending = Vec::with_capacity(requests.len());
    for (i, request) in requests.iter().enumerate() {
        let entry = match request {
            WriteRequest::Put(item) => checked_item(table, identity_id, item, scope)
                .map(|item| json!({ "PutRequest": { "Item": item } })),
            WriteRequest::Delete(key) => key_of(table, identity_id, key, scope)
                .map(|key| json!({ "DeleteRequest": { "Key": key } })),
        };
        pending.push((i, entry.map_err(|e| at(e, "requests", i))?));
    }
    Ok(Batch {
        operation: Operation::BatchWriteItem,
        table: table.name.clone(),
        options: Map::new(),
        pending,
    })
}

impl Batch {
    /// The request body for what is still pending.
    pub fn body(&self) -> Json {
        let mut entries = Vec::with_capacity(self.pending.len());
        for (_, e) in &self.pending {
            entries.push(e.clone());
        }
        let request = match self.operation {
            Operation::BatchGetItem => {
                let mut request = self.options.clone();
                request.insert("Keys".to_owned(), Json::Array(entries));
                Json::Object(request)
            }
            _ => Json::Array(entries),
        };
        let mut tables = Map::new();
        tables.insert(self.table.clone(), request);
        json!({ "RequestItems": tables })
    }

    /// The places, in the caller's list, of what is still to send.
    pub fn pending(&self) -> Vec<usize> {
        let mut places = Vec::with_capacity(self.pending.len());
        for (i, _) in &self.pending {
            places.push(*i);
        }
        places
    }

    /// Reads one answer: the items it returned (BatchGetItem) are added to `items`, and what
    /// DynamoDB left unprocessed stays pending (an unprocessed entry that was never sent is a
    /// protocol fault).
    pub fn read(&mut self, answer: &Json, items: &mut Vec<Item>) -> Result<()> {
        let body = response_object(answer)?;
        let (field, left) = match self.operation {
            Operation::BatchGetItem => {
                if let Some(found) = body.get("Responses").and_then(|r| r.get(&self.table)) {
                    let found = found.as_array().ok_or_else(|| {
                        Error::protocol("DynamoDB answered with Responses that is not a list")
                    })?;
                    for (i, item) in found.iter().enumerate() {
                        let here = Path::Index(&Path::Root("Responses"), i);
                        items.push(map_from_json(item, &here, 0, Source::Response)?);
                    }
                }
                let keys = body.get("UnprocessedKeys").and_then(|u| u.get(&self.table));
                ("UnprocessedKeys", keys.and_then(|k| k.get("Keys")))
            }
            _ => (
                "UnprocessedItems",
                body.get("UnprocessedItems")
                    .and_then(|u| u.get(&self.table)),
            ),
        };
        let left: &[Json] = match left {
            None | Some(Json::Null) => &[],
            Some(Json::Array(left)) => left,
            Some(_) => {
                return Err(Error::protocol(format!(
                    "DynamoDB answered with {field} that is not a list"
                )))
            }
        };
        self.pending.retain(|(_, sent)| left.contains(sent));
        if self.pending.len() != left.len() {
            return Err(Error::protocol(format!(
                "DynamoDB answered with {field} that this batch did not send"
            )));
        }
        Ok(())
    }

    /// `UnprocessedItemsError`: what was still pending after `attempts` calls.
    fn unprocessed_error(&self, attempts: u32) -> Error {
        let list = match self.operation {
            Operation::BatchGetItem => "keys",
            _ => "requests",
        };
        let mut places = Vec::with_capacity(self.pending.len());
        for (i, _) in &self.pending {
            places.push(format!("{list}[{i}]"));
        }
        let mut e = Error::service(
            "UnprocessedItemsError",
            format!(
                "DynamoDB left {} of the batch unprocessed after {attempts} attempts \
                 (the table's throughput): {}; send them again later",
                places.len(),
                crate::codec::text::join(&places, ", ")
            ),
            200,
            None,
        );
        e.http_status = None;
        e.retryable = true;
        e.unprocessed = self.pending();
        e
    }
}

/// Sends `batch` until DynamoDB has processed all of it, at most `policy.max_attempts` calls,
/// waiting `policy.delay_ms` (jittered by the call's `jitter`) on the transport's `pause`
/// between them; each call has the signed call's own retries for transient failures.
/// Resolves to the items read (BatchGetItem; in no particular order), or rejects with
/// `UnprocessedItemsError` naming what was left.
pub async fn run_batch<T: Transport>(
    ctx: &signed_call::SignedCall<'_, T>,
    endpoint: &str,
    mut batch: Batch,
    policy: Policy,
) -> Result<Vec<Item>> {
    let mut items = Vec::new();
    let mut n = 1;
    loop {
        let answer = call(ctx, endpoint, batch.operation, &batch.body()).await?;
        batch.read(&answer, &mut items)?;
        if batch.pending.is_empty() {
            return Ok(items);
        }
        if n >= policy.max_attempts {
            return Err(batch.unprocessed_error(n));
        }
        ctx.transport
            .pause(policy.delay_ms(n, false, (ctx.jitter)()))
            .await;
        n += 1;
    }
}

/// The body of TransactGetItems: one `Get` per key, in order, each with the projection.
pub fn transact_get_request(
    table: &TableSchema,
    identity_id: &str,
    options: &BatchGet,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    check_count(options.keys.len(), MAX_TRANSACT, "keys")?;
    let mut actions = Vec::with_capacity(options.keys.len());
    for (i, key) in options.keys.iter().enumerate() {
        let get = GetItem {
            partition_key: key.partition_key.clone(),
            sort_key: key.sort_key.clone(),
            projection_expression: options.projection_expression.clone(),
            expression_attribute_names: options.expression_attribute_names.clone(),
            consistent_read: None,
        };
        let body =
            get_item_request(table, identity_id, &get, scope).map_err(|e| at(e, "keys", i))?;
        actions.push(json!({ "Get": body }));
    }
    Ok(json!({ "TransactItems": actions }))
}

/// The body of TransactWriteItems: each action built as its single-item call is, in order;
/// `client_request_token` (1 to 36 characters) makes a repeat within 10 minutes a no-op.
pub fn transact_write_request(
    table: &TableSchema,
    identity_id: &str,
    actions: &[TransactWrite],
    client_request_token: Option<&str>,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    check_count(actions.len(), MAX_TRANSACT, "actions")?;
    let mut items = Vec::with_capacity(actions.len());
    for (i, action) in actions.iter().enumerate() {
        let built = match action {
            TransactWrite::Put(o) if o.return_values.is_none() => {
                put_item_request(table, identity_id, o, scope).map(|b| ("Put", b))
            }
            TransactWrite::Update(o) if o.return_values.is_none() => {
                update_item_request(table, identity_id, o, scope).map(|b| ("Update", b))
            }
            TransactWrite::Delete(o) if o.return_values.is_none() => {
                delete_item_request(table, identity_id, o, scope).map(|b| ("Delete", b))
            }
            TransactWrite::ConditionCheck(o)
                if o.return_values.is_none() && o.condition_expression.is_some() =>
            {
                delete_item_request(table, identity_id, o, scope).map(|b| ("ConditionCheck", b))
            }
            TransactWrite::ConditionCheck(o) if o.return_values.is_none() => Err(
                Error::invalid_input("condition", "a conditionCheck needs its condition"),
            ),
            _ => Err(Error::invalid_input(
                "returnValues",
                "a transaction's actions return no attributes",
            )),
        };
        let (kind, body) = built.map_err(|e| at(e, "actions", i))?;
        let mut entry = Map::new();
        entry.insert(kind.to_owned(), body);
        items.push(Json::Object(entry));
    }
    let mut body = Map::new();
    body.insert("TransactItems".to_owned(), Json::Array(items));
    if let Some(token) = client_request_token {
        let n = token.len();
        if n == 0 || n > 36 {
            return Err(Error::invalid_input(
                "clientRequestToken",
                "clientRequestToken holds from 1 to 36 characters",
            ));
        }
        body.insert(
            "ClientRequestToken".to_owned(),
            Json::String(token.to_owned()),
        );
    }
    Ok(Json::Object(body))
}

/// Reads a TransactGetItems answer: one entry per key, in order, `None` where there is no item.
pub fn parse_transact_get_response(body: &Json) -> Result<Vec<Option<Item>>> {
    let responses = match response_object(body)?.get("Responses") {
        None | Some(Json::Null) => return Ok(Vec::new()),
        Some(r) => r.as_array().ok_or_else(|| {
            Error::protocol("DynamoDB answered with Responses that is not a list")
        })?,
    };
    let mut out = Vec::with_capacity(responses.len());
    for entry in responses {
        let entry = entry.as_object().ok_or_else(|| {
            Error::protocol("DynamoDB answered with a Responses entry that is not an object")
        })?;
        out.push(optional_item(entry, "Item")?);
    }
    Ok(out)
}

/// The service error of a non-2xx DynamoDB answer, with a `TransactionCanceledException`'s
/// `CancellationReasons` read per action.
pub fn read_transaction_error(response: &Response) -> Error {
    let mut e = aws_json::parse_error(response);
    if e.code == "TransactionCanceledException" {
        let body = Json::parse(&response.body).unwrap_or_default();
        let reasons = body.get("CancellationReasons").and_then(Json::as_array);
        for reason in reasons.map(Vec::as_slice).unwrap_or_default() {
            let text = |name: &str| reason.get(name).and_then(Json::as_str).map(str::to_owned);
            e.cancellation_reasons.push(CancellationReason {
                code: text("Code").unwrap_or_else(|| "None".to_owned()),
                message: text("Message"),
            });
        }
    }
    e
}

#[cfg(test)]
#[path = "batch_tests.rs"]
mod tests;
