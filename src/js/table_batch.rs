//! The `Table` class's batches and transactions: `batchGet`, `batchWrite`, `transactGet` and
//! `transactWrite`, every item in the user's own partition.

use super::*;
use crate::codec::text::Base64;
use dynamodb::{Batch, Key, TableSchema, TransactWrite, WriteRequest};

/// TypeScript types: the options and actions of batches and transactions.
#[wasm_bindgen(typescript_custom_section)]
const BATCH_TYPES: &'static str = r##"
/** Options of `batchGet`. */
export interface BatchGetOptions extends CallOptions {
  /** ExpressionAttributeNames of the projection. */
  names?: StringMap;
  projection?: string;
  consistentRead?: boolean;
  /**
   * Calls in all while DynamoDB leaves keys unprocessed (1 to 20, default 8), with jittered
   * exponential backoff from 50 ms between them.
   */
  maxAttempts?: number;
}
/** Options of `batchWrite`. */
export interface BatchWriteOptions extends CallOptions {
  /** Calls in all while DynamoDB leaves requests unprocessed (1 to 20, default 8). */
  maxAttempts?: number;
}
/** One request of `batchWrite`: write an item, or delete the item with this sort key. */
export type BatchWriteRequest = { put: ItemInput } | { delete: AttributeValue };
/** Options of `transactGet`. */
export interface TransactGetOptions extends CallOptions {
  /** ExpressionAttributeNames of the projection. */
  names?: StringMap;
  projection?: string;
}
/** Options of `transactWrite`. */
export interface TransactWriteOptions extends CallOptions {
  /**
   * The idempotency token (ClientRequestToken, 1 to 36 characters): the same transaction sent
   * again with it within 10 minutes is applied once. Left out, apiless makes one per call, so
   * that the call's own retries are applied once.
   */
  clientRequestToken?: string;
}
/** What every action of `transactWrite` may add: its condition, names and values. */
export interface TransactActionOptions {
  condition?: string;
  names?: StringMap;
  values?: ItemInput;
}
/**
 * One action of `transactWrite`: `put` an item, `update` or `delete` the item with this sort
 * key, or `conditionCheck` the item with this sort key against `condition`.
 */
export type TransactWriteAction =
  | ({ put: ItemInput } & TransactActionOptions)
  | ({ update: AttributeValue; updateExpression: string } & TransactActionOptions)
  | ({ delete: AttributeValue } & TransactActionOptions)
  | ({ conditionCheck: AttributeValue; condition: string } & Omit<TransactActionOptions, "condition">);
"##;

/// The names each batch options bag and action may hold.
const BATCH_GET_OPTIONS: &[&str] = &[
    "signal",
    "unscopedForDemoOnly",
    "projection",
    "names",
    "consistentRead",
    "maxAttempts",
];
const BATCH_WRITE_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly", "maxAttempts"];
const TRANSACT_GET_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly", "projection", "names"];
const TRANSACT_WRITE_OPTIONS: &[&str] = &["signal", "unscopedForDemoOnly", "clientRequestToken"];
const WRITE_KINDS: &[&str] = &["put", "delete"];
const ACTION_KINDS: &[&str] = &["put", "update", "delete", "conditionCheck"];
/// The places of the kinds in `WRITE_KINDS` and `ACTION_KINDS`, as [`kind_of`] gives them.
const PUT: usize = 0;
const UPDATE: usize = 1;
const DELETE: usize = 2;
const CONDITION_CHECK: usize = 3;
const ACTION_FIELDS: &[&str] = &[
    "put",
    "update",
    "delete",
    "conditionCheck",
    "updateExpression",
    "condition",
    "names",
    "values",
];

/// The most calls `maxAttempts` may ask for.
const MAX_BATCH_ATTEMPTS: u32 = 20;

/// The entries of a JS array, or an `InvalidInputError` naming `name`.
fn entries(v: &JsValue, name: &str) -> Result<Vec<JsValue>, Error> {
    if !js_sys::Array::is_array(v) {
        return Err(Error::invalid_input(
            name,
            format!("{name} must be an array, not {}", type_name(v)),
        ));
    }
    Ok(v.unchecked_ref::<js_sys::Array>().to_vec())
}

/// Sort keys as the keys of the user's own items.
fn keys_of(v: &JsValue) -> Result<Vec<Key>, Error> {
    let mut keys = Vec::new();
    for (i, k) in entries(v, "sortKeys")?.iter().enumerate() {
        let sort_key = match k.is_undefined() || k.is_null() {
            true => None,
            false => Some(doc_from_js(k, &format!("sortKeys[{i}]"))?),
        };
        keys.push(Key {
            partition_key: None,
            sort_key,
        });
    }
    Ok(keys)
}

/// The options of `batchGet` (`batch`: with `consistentRead` and `maxAttempts`) or
/// `transactGet`, and the keys of `sort_keys` once the options are good.
fn read_gets(
    sort_keys: &JsValue,
    options: &JsValue,
    batch: bool,
) -> (CallOptions, Option<u32>, Result<dynamodb::BatchGet, Error>) {
    let allowed = match batch {
        true => BATCH_GET_OPTIONS,
        false => TRANSACT_GET_OPTIONS,
    };
    let mut o = InputReader::optional("options", options, allowed);
    let call = o.call();
    let projection_expression = o.string("projection");
    let expression_attribute_names = o.pairs("names");
    let (consistent_read, attempts) = match batch {
        true => (
            o.bool("consistentRead"),
            o.whole("maxAttempts", MAX_BATCH_ATTEMPTS),
        ),
        false => (None, None),
    };
    let parsed = o.finish().and_then(|()| {
        Ok(dynamodb::BatchGet {
            keys: keys_of(sort_keys)?,
            projection_expression,
            expression_attribute_names,
            consistent_read,
        })
    });
    (call, attempts, parsed)
}

/// The one kind an action names (`put`, `delete`, ...), as its place in `kinds`, and its value.
fn kind_of(r: &mut InputReader, kinds: &[&str]) -> Option<(usize, JsValue)> {
    let mut found = None;
    for (i, kind) in kinds.iter().enumerate() {
        if let Some(v) = r.get(kind) {
            if found.is_some() {
                r.wrong(kind, "left out: an action does one thing");
            }
            found = Some((i, v));
        }
    }
    if found.is_none() {
        let name = r.name.clone();
        r.fail(
            &name,
            format!(
                "{name} names one of {}",
                crate::codec::text::join(kinds, ", ")
            ),
        );
    }
    found
}

/// Adds the partition key to the item of a `put` when the caller left it out (as `put` does: it
/// is always the identity id).
fn add_owner(item: &mut Item, table: &TableSchema, id: &str) {
    if !item.iter().any(|(k, _)| *k == table.pk_name) {
        item.insert(0, (table.pk_name.clone(), AttributeValue::S(id.to_owned())));
    }
}

fn batch_write_requests(requests: &JsValue) -> Result<Vec<WriteRequest>, Error> {
    let mut out = Vec::new();
    for (i, r) in entries(requests, "requests")?.iter().enumerate() {
        let name = format!("requests[{i}]");
        let mut o = InputReader::new(&name, r, WRITE_KINDS);
        let request = match kind_of(&mut o, WRITE_KINDS) {
            Some((PUT, v)) => o
                .check(item_from_js(&v, &format!("{name}.put")))
                .map(WriteRequest::Put),
            Some((_, v)) => {
                o.check(sort_key_of(&v).map_err(|e| placed(e, &name)))
                    .map(|sort_key| {
                        WriteRequest::Delete(Key {
                            partition_key: None,
                            sort_key,
                        })
                    })
            }
            None => None,
        };
        o.finish()?;
        if let Some(request) = request {
            out.push(request);
        }
    }
    Ok(out)
}

/// `e` (about a `sortKey`) placed in the list entry `name`.
fn placed(mut e: Error, name: &str) -> Error {
    e.field = Some(format!("{name}.sortKey"));
    e.message = format!("{name}: {}", e.message);
    e
}

fn transact_actions(actions: &JsValue) -> Result<Vec<TransactWrite>, Error> {
    let mut out = Vec::new();
    for (i, a) in entries(actions, "actions")?.iter().enumerate() {
        let name = format!("actions[{i}]");
        let mut o = InputReader::new(&name, a, ACTION_FIELDS);
        let kind = kind_of(&mut o, ACTION_KINDS);
        let expression = match kind {
            Some((UPDATE, _)) => Some(o.required("updateExpression")),
            _ if o.get("updateExpression").is_some() => {
                o.wrong("updateExpression", "left out: only an update has one");
                None
            }
            _ => None,
        };
        let condition = match kind {
            Some((CONDITION_CHECK, _)) => Some(o.required("condition")),
            _ => o.string("condition"),
        };
        let names = o.pairs("names");
        let values = o.values();
        let action = match kind {
            Some((PUT, v)) => o
                .check(item_from_js(&v, &format!("{name}.put")))
                .map(|item| {
                    TransactWrite::Put(dynamodb::PutItem {
                        item,
                        condition_expression: condition,
                        expression_attribute_names: names,
                        expression_attribute_values: values,
                        return_values: None,
                    })
                }),
            Some((kind, v)) => {
                o.check(sort_key_of(&v).map_err(|e| placed(e, &name)))
                    .map(|sort_key| match kind {
                        UPDATE => TransactWrite::Update(dynamodb::UpdateItem {
                            partition_key: None,
                            sort_key,
                            update_expression: expression.unwrap_or_default(),
                            condition_expression: condition,
                            expression_attribute_names: names,
                            expression_attribute_values: values,
                            return_values: None,
                        }),
                        _ => {
                            let delete = dynamodb::DeleteItem {
                                partition_key: None,
                                sort_key,
                                condition_expression: condition,
                                expression_attribute_names: names,
                                expression_attribute_values: values,
                                return_values: None,
                            };
                            match kind {
                                DELETE => TransactWrite::Delete(delete),
                                _ => TransactWrite::ConditionCheck(delete),
                            }
                        }
                    })
            }
            None => None,
        };
        o.finish()?;
        if let Some(action) = action {
            out.push(action);
        }
    }
    Ok(out)
}

/// Makes the [`Batch`] of a call for a table and the user's identity id.
type MakeBatch = Box<dyn FnOnce(&TableSchema, &str) -> Result<Batch, Error>>;

impl Table {
    /// Runs a batch until DynamoDB has processed all of it, or `max_attempts` calls.
    fn run_batch(
        &self,
        signal: Option<AbortSignal>,
        max_attempts: Option<u32>,
        make: Result<MakeBatch, Error>,
        read: fn(Vec<Item>) -> JsValue,
    ) -> Promise {
        let make = match make {
            Ok(make) => make,
            Err(e) => return rejected(e),
        };
        let table = self.table.clone();
        let endpoint = self.session.config().endpoint_for(Service::DynamoDb);
        let policy = Policy {
            max_attempts: max_attempts.unwrap_or(dynamodb::UNPROCESSED_RETRY.max_attempts),
            ..dynamodb::UNPROCESSED_RETRY
        };
        run_signed_call(
            &self.session,
            Service::DynamoDb,
            signal,
            signed_call_body(move |identity, ctx| {
                Box::pin(async move {
                    let batch = make(&table, &identity.identity_id)?;
                    Ok(read(
                        dynamodb::run_batch(ctx, &endpoint, batch, policy).await?,
                    ))
                })
            }),
        )
    }
}

#[wasm_bindgen(js_class = Table)]
impl Table {
    /// Reads up to 100 of your items by sort key at once (BatchGetItem); keys DynamoDB leaves
    /// unprocessed are asked for again, with backoff, up to `maxAttempts` calls in all.
    ///
    /// Options: `projection`, `names`, `consistentRead`, `maxAttempts` (1 to 20, default 8),
    /// `signal`. Resolves to the items found, in no particular order (a key with no item has
    /// none).
    ///
    /// @throws `InvalidInputError` (with `field`, e.g. `sortKeys[3]`) for a sort key of a type no
    /// key can have, none or more than 100 keys, or a bad option, before anything is sent.
    /// @throws `UnprocessedItemsError` (retryable) when keys were still unprocessed after
    /// `maxAttempts` calls: its `unprocessed` lists their places in `sortKeys`.
    /// @throws DynamoDB's own names: `ValidationException` (the same key twice, ...),
    /// `ResourceNotFoundException`, `AccessDeniedException` (IAM),
    /// `ProvisionedThroughputExceededException` (after the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `AbortError` when `signal`
    /// aborts (during a backoff wait too), `NetworkError`, `ProtocolError`.
    /// @example
    /// ```ts
    /// const found = await notes.batchGet(["note-1", "note-2", "note-3"], { projection: "sk, title" });
    /// console.log(found.length);
    /// ```
    #[wasm_bindgen(js_name = batchGet, unchecked_return_type = "Promise<Item[]>")]
    pub fn batch_get(
        &self,
        #[wasm_bindgen(js_name = "sortKeys", unchecked_param_type = "AttributeValue[]")]
        sort_keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "BatchGetOptions")] options: JsValue,
    ) -> Promise {
        let (call, attempts, parsed) = read_gets(&sort_keys, &options, true);
        let scope = call.scope;
        let make = parsed.map(|get| {
            Box::new(move |table: &TableSchema, id: &str| {
                dynamodb::batch_get(table, id, &get, scope)
            }) as MakeBatch
        });
        self.run_batch(call.signal, attempts, make, |items| {
            items_to_js(&items).into()
        })
    }

    /// Writes and deletes up to 25 of your items at once (BatchWriteItem): `{ put: item }` or
    /// `{ delete: sortKey }` each. Requests DynamoDB leaves unprocessed are sent again, with
    /// backoff, up to `maxAttempts` calls in all. Not a transaction: each request succeeds or
    /// fails alone.
    ///
    /// Options: `maxAttempts` (1 to 20, default 8), `signal`. Resolves when every request is
    /// processed.
    ///
    /// @throws `InvalidInputError` (with `field`, e.g. `requests[2].put.tags[0]`) for a value
    /// DynamoDB cannot store, a request that is neither `put` nor `delete`, none or more than 25
    /// requests, or a bad option, before anything is sent.
    /// @throws `OutOfScopeError` when an item's partition key (or a declared index key) holds
    /// another identity's id: the whole batch is refused before anything is sent.
    /// @throws `UnprocessedItemsError` (retryable) when requests were still unprocessed after
    /// `maxAttempts` calls: its `unprocessed` lists their places in `requests` (the others are
    /// written).
    /// @throws DynamoDB's own names: `ValidationException` (two requests for one item, ...),
    /// `ResourceNotFoundException`, `AccessDeniedException` (IAM refuses the whole batch when
    /// one item is not yours), `ProvisionedThroughputExceededException` (after the retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `AbortError` when `signal`
    /// aborts (during a backoff wait too), `NetworkError`, `ProtocolError`.
    /// @example
    /// ```ts
    /// await notes.batchWrite([
    ///   { put: { sk: "note-1", text: "one" } },
    ///   { put: { sk: "note-2", text: "two" } },
    ///   { delete: "note-0" },
    /// ]);
    /// ```
    #[wasm_bindgen(js_name = batchWrite, unchecked_return_type = "Promise<void>")]
    pub fn batch_write(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BatchWriteRequest[]")] requests: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "BatchWriteOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, BATCH_WRITE_OPTIONS);
        let call = o.call();
        let attempts = o.whole("maxAttempts", MAX_BATCH_ATTEMPTS);
        let scope = call.scope;
        let make = o.finish().and_then(|()| {
            let requests = batch_write_requests(&requests)?;
            Ok(Box::new(move |table: &TableSchema, id: &str| {
                let mut requests = requests;
                for r in &mut requests {
                    if let WriteRequest::Put(item) = r {
                        add_owner(item, table, id);
                    }
                }
                dynamodb::batch_write(table, id, &requests, scope)
            }) as MakeBatch)
        });
        self.run_batch(call.signal, attempts, make, |_| JsValue::UNDEFINED)
    }

    /// Reads up to 100 of your items by sort key as one consistent snapshot
    /// (TransactGetItems).
    ///
    /// Options: `projection`, `names`, `signal`. Resolves to one entry per sort key, in order:
    /// the item, or `undefined` where there is none.
    ///
    /// @throws `InvalidInputError` for a bad sort key, none or more than 100, or a bad option.
    /// @throws `TransactionCanceledException` (with `cancellationReasons`, one per key) when
    /// DynamoDB cancels it, e.g. for a conflicting write in progress.
    /// @throws DynamoDB's own names: `ValidationException`, `ResourceNotFoundException`,
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` (after the
    /// retries).
    /// @throws `NotAuthorizedException` when no one is signed in, `AbortError` when `signal`
    /// aborts, `NetworkError`, `ProtocolError`.
    /// @example
    /// ```ts
    /// const [a, b] = await notes.transactGet(["note-1", "note-2"]);
    /// if (a && b) console.log(a.text, b.text);
    /// ```
    #[wasm_bindgen(
        js_name = transactGet,
        unchecked_return_type = "Promise<(Item | undefined)[]>"
    )]
    pub fn transact_get(
        &self,
        #[wasm_bindgen(js_name = "sortKeys", unchecked_param_type = "AttributeValue[]")]
        sort_keys: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TransactGetOptions")] options: JsValue,
    ) -> Promise {
        let (call, _, parsed) = read_gets(&sort_keys, &options, false);
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::TransactGetItems,
            parsed,
            move |table, id, get| dynamodb::transact_get_request(table, id, &get, scope),
            |answer| {
                let out = js_sys::Array::new();
                for item in dynamodb::parse_transact_get_response(answer)? {
                    out.push(&attributes_to_js(item));
                }
                Ok(out.into())
            },
        )
    }

    /// Applies up to 100 actions on your items all or none (TransactWriteItems): `{ put: item }`,
    /// `{ update: sortKey, updateExpression }`, `{ delete: sortKey }` or
    /// `{ conditionCheck: sortKey, condition }`, each with its own `condition`, `names` and
    /// `values`; at most one action per item (DynamoDB's rule).
    ///
    /// Options: `clientRequestToken` (the idempotency token; apiless makes one per call when it
    /// is left out), `signal`. Resolves when the transaction is applied.
    ///
    /// @throws `InvalidInputError` (with `field`, e.g. `actions[1].updateExpression`) for an
    /// action that names no kind or two, a missing `updateExpression` or `condition`, a value
    /// DynamoDB cannot store, none or more than 100 actions, or a bad option.
    /// @throws `OutOfScopeError` when a put's partition key (or a declared index key) holds
    /// another identity's id: nothing is sent.
    /// @throws `TransactionCanceledException` when a condition fails or another write conflicts:
    /// nothing is applied, and `cancellationReasons` gives one `{ code, message? }` per action,
    /// in order (`code` is `"None"` for the actions not at fault, `"ConditionalCheckFailed"`,
    /// `"TransactionConflict"`, ...).
    /// @throws DynamoDB's own names: `ValidationException` (two actions on one item, ...),
    /// `IdempotentParameterMismatchException` (a token reused for another transaction),
    /// `TransactionInProgressException`, `ResourceNotFoundException`, `AccessDeniedException`
    /// (IAM refuses the whole transaction when one item is not yours).
    /// @throws `NotAuthorizedException` when no one is signed in, `AbortError` when `signal`
    /// aborts, `NetworkError`, `ProtocolError`.
    /// @example
    /// ```ts
    /// try {
    ///   await notes.transactWrite([
    ///     { conditionCheck: "account", condition: "balance >= :n", values: { ":n": 5 } },
    ///     { update: "stats", updateExpression: "ADD orders :one", values: { ":one": 1 } },
    ///     { put: { sk: "order-7", total: 5 }, condition: "attribute_not_exists(sk)" },
    ///   ]);
    /// } catch (e) {
    ///   const reasons = (e as import("apiless").ApilessError).cancellationReasons;
    ///   if (reasons) console.log(reasons.map((r) => r.code));
    /// }
    /// ```
    #[wasm_bindgen(js_name = transactWrite, unchecked_return_type = "Promise<void>")]
    pub fn transact_write(
        &self,
        #[wasm_bindgen(unchecked_param_type = "TransactWriteAction[]")] actions: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "TransactWriteOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, TRANSACT_WRITE_OPTIONS);
        let call = o.call();
        let token = o.string("clientRequestToken");
        let scope = call.scope;
        let parsed = o.finish().and_then(|()| {
            let actions = transact_actions(&actions)?;
            let token = match token {
                Some(token) => token,
                None => {
                    let mut bytes = [0u8; 18];
                    random(&mut bytes)?;
                    Base64::UrlSafeNoPad.encode(bytes)
                }
            };
            Ok((actions, token))
        });
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::TransactWriteItems,
            parsed,
            move |table, id, (mut actions, token): (Vec<TransactWrite>, String)| {
                for a in &mut actions {
                    if let TransactWrite::Put(put) = a {
                        add_owner(&mut put.item, table, id);
                    }
                }
                dynamodb::transact_write_request(table, id, &actions, Some(&token), scope)
            },
            |_| Ok(JsValue::UNDEFINED),
        )
    }
}
