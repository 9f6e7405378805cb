//! The `Table` class: DynamoDB items in the user's own partition.

use super::*;

/// TypeScript types: the `Table` class's options and results.
#[wasm_bindgen(typescript_custom_section)]
const TABLE_TYPES: &'static str = r##"
export interface ExpressionOptions extends CallOptions {
  /** ExpressionAttributeNames, e.g. { "#n": "name" }. */
  names?: StringMap;
  /** ExpressionAttributeValues, e.g. { ":v": 3 }. */
  values?: ItemInput;
}
/** Options of `put`. */
export interface WriteOptions extends ExpressionOptions {
  condition?: string;
  returnValues?: "NONE" | "ALL_OLD";
}
/** Options of `delete`. */
export interface DeleteOptions extends WriteOptions {
  /** With unscopedForDemoOnly: another identity's partition key. */
  partitionKeyForDemoOnly?: string;
}
export interface UpdateOptions extends ExpressionOptions {
  /** The UpdateExpression. */
  update: string;
  condition?: string;
  returnValues?: "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW";
  partitionKeyForDemoOnly?: string;
}
export interface GetOptions extends CallOptions {
  /** ExpressionAttributeNames of the projection. */
  names?: StringMap;
  projection?: string;
  consistentRead?: boolean;
  partitionKeyForDemoOnly?: string;
}
/** The sort-key condition of `query`: one comparison, a range, or a prefix. */
export type SortKeyCondition =
  | { eq: AttributeValue } | { lt: AttributeValue } | { le: AttributeValue }
  | { gt: AttributeValue } | { ge: AttributeValue }
  | { between: [AttributeValue, AttributeValue] } | { beginsWith: string | Uint8Array };
export interface QueryOptions extends ExpressionOptions {
  sortKey?: SortKeyCondition;
  filter?: string;
  projection?: string;
  /**
   * Query a secondary index instead of the table: the name of one declared in
   * `db(table, { indexes })`, or its keys. Its partition key is matched to your identity id,
   * and only your own items come back (the table's partition key is filtered on too), whoever
   * wrote your id into the index's key attribute.
   */
  index?: string | ({ name: string } & IndexKeys);
  /** At most this many items are read (a whole number from 1). */
  limit?: number;
  /** Descending sort-key order. */
  reverse?: boolean;
  consistentRead?: boolean;
  /** Where the previous page ended. */
  pageToken?: string;
  partitionKeyForDemoOnly?: string;
}
/** One page of `query`: the items, how many, and `pageToken` when there may be more. */
export interface QueryPage { items: Item[]; count: number; pageToken?: string }
"##;

/// The signed-in user's items in one table, whose partition key is the identity id.
#[wasm_bindgen(js_name = Table)]
pub struct Table {
    pub(super) session: Rc<Session<Fetch>>,
    pub(super) table: Rc<dynamodb::TableSchema>,
}

impl InputReader {
    /// `values: { ":v": anything }`.
    pub(super) fn values(&mut self) -> Item {
        let values = self.get("values").map(|v| item_from_js(&v, "values"));
        values.and_then(|v| self.check(v)).unwrap_or_default()
    }

    /// `returnValues`, one of `allowed`.
    pub(super) fn return_values(
        &mut self,
        allowed: &[&'static str],
    ) -> Option<dynamodb::ReturnValues> {
        use dynamodb::ReturnValues as R;
        Some(match self.one_of("returnValues", allowed)? {
            "NONE" => R::None,
            "ALL_OLD" => R::AllOld,
            "UPDATED_OLD" => R::UpdatedOld,
            "ALL_NEW" => R::AllNew,
            _ => R::UpdatedNew,
        })
    }

    /// `partitionKeyForDemoOnly`: another identity's partition key, with the scope bypass.
    pub(super) fn demo_partition_key(&mut self) -> Option<AttributeValue> {
        let key = self
            .get("partitionKeyForDemoOnly")
            .map(|v| doc_from_js(&v, "partitionKeyForDemoOnly"));
        key.and_then(|k| self.check(k))
    }

    /// `sortKey: { eq: v }`, `{ beginsWith: v }`, `{ between: [a, b] }`, ...: exactly one.
    pub(super) fn sort_condition(&mut self) -> Option<dynamodb::SortKeyCondition> {
        use dynamodb::SortKeyCondition as C;
        let mut c = self.object("sortKey", SORT_KEY_CONDITIONS)?;
        let mut found = None;
        for name in SORT_KEY_CONDITIONS {
            if let Some(v) = c.get(name) {
                if found.is_some() {
                    c.wrong(name, "the only condition");
                }
                found = Some((*name, v));
            }
        }
        let condition = match found {
            None => {
                let name = c.name.clone();
                c.fail(
                    &name,
                    format!("{name} takes one of eq, lt, le, gt, ge, between, beginsWith"),
                );
                None
            }
            Some(("between", v)) => {
                let pair = v
                    .dyn_into::<js_sys::Array>()
                    .ok()
                    .filter(|p| p.length() == 2);
                match pair {
                    None => {
                        c.wrong("between", "[low, high]");
                        None
                    }
                    Some(p) => {
                        let low = doc_from_js(&p.get(0), "sortKey");
                        let high = doc_from_js(&p.get(1), "sortKey");
                        c.check(low.and_then(|l| Ok(C::Between(l, high?))))
                    }
                }
            }
            Some((name, v)) => {
                let doc = c.check(doc_from_js(&v, "sortKey"));
                doc.map(|d| match name {
                    "eq" => C::Eq(d),
                    "lt" => C::Lt(d),
                    "le" => C::Le(d),
                    "gt" => C::Gt(d),
                    "ge" => C::Ge(d),
                    _ => C::BeginsWith(d),
                })
            }
        };
        self.merge(c);
        condition
    }

    /// `indexes` of `db(table, { indexes })`: index name to `{ partitionKey, sortKey? }`.
    pub(super) fn indexes(&mut self) -> Vec<dynamodb::Index> {
        let mut indexes = Vec::new();
        let Some(declared) = self.read("indexes", "an object of index names", |v| {
            v.is_object() && !js_sys::Array::is_array(v)
        }) else {
            return indexes;
        };
        let Ok(entries) = own_entries(&declared) else {
            self.wrong("indexes", "readable (a getter threw)");
            return indexes;
        };
        for entry in entries.iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            let name = pair.get(0).as_string().unwrap_or_default();
            let mut keys = InputReader::new(
                &format!("{}.indexes.{name}", self.name),
                &pair.get(1),
                INDEX_KEYS,
            );
            let index = dynamodb::Index {
                pk_name: keys.required("partitionKey"),
                sk_name: keys.string("sortKey"),
                name,
            };
            self.merge(keys);
            indexes.push(index);
        }
        indexes
    }

    /// `index`: the name of an index declared in `db(table, { indexes })`, or
    /// `{ name, partitionKey, sortKey? }`.
    pub(super) fn index(&mut self, declared: &[dynamodb::Index]) -> Option<dynamodb::Index> {
        if let Some(name) = self.get("index").and_then(|v| v.as_string()) {
            let found = declared.iter().find(|x| x.name == name).cloned();
            if found.is_none() {
                self.wrong(
                    "index",
                    &format!(
                        "the name of an index declared in db(table, {{ indexes }}), not {}",
                        crate::codec::json::quoted(&name)
                    ),
                );
            }
            return found;
        }
        let mut i = self.object("index", INDEX_FIELDS)?;
        let index = dynamodb::Index {
            name: i.required("name"),
            pk_name: i.required("partitionKey"),
            sk_name: i.string("sortKey"),
        };
        self.merge(i);
        Some(index)
    }
}

pub(super) fn sort_key_of(sort_key: &JsValue) -> Result<Option<AttributeValue>, Error> {
    if sort_key.is_undefined() || sort_key.is_null() {
        Ok(None)
    } else {
        doc_from_js(sort_key, "sortKey").map(Some)
    }
}

pub(super) fn attributes_to_js(item: Option<Item>) -> JsValue {
    item.map_or(JsValue::UNDEFINED, |i| items_to_js(&[i]).get(0))
}

#[wasm_bindgen(module = "/src/host.js")]
extern "C" {
    /// An async iterator over the items of every page `fetchPage(token)` returns.
    #[wasm_bindgen(js_name = pagesToItems)]
    pub(super) fn pages_to_items(fetch_page: &JsValue) -> JsValue;
}

/// Makes the request body of a DynamoDB call for a table and the user's identity id.
pub(super) type DynamoDbBody =
    Box<dyn FnOnce(&dynamodb::TableSchema, &str) -> Result<crate::codec::json::Json, Error>>;

/// Runs a DynamoDB operation for the signed-in user: `parsed` is the call's input as read
/// from JS (a rejected Promise if it was malformed, nothing sent), `build` makes the request
/// body from it, `read` the JS result from the answer. Only this thin part is generic; the
/// call itself is `run_dynamodb`, one copy for every operation.
pub(super) fn dynamodb_call<P: 'static>(
    session: &Rc<Session<Fetch>>,
    table: Rc<dynamodb::TableSchema>,
    signal: Option<AbortSignal>,
    op: dynamodb::Operation,
    parsed: Result<P, Error>,
    build: impl FnOnce(&dynamodb::TableSchema, &str, P) -> Result<crate::codec::json::Json, Error>
        + 'static,
    read: fn(&crate::codec::json::Json) -> Result<JsValue, Error>,
) -> Promise {
    match parsed {
        Ok(input) => run_dynamodb(
            session,
            table,
            signal,
            op,
            Box::new(move |table, id| build(table, id, input)),
            read,
        ),
        Err(e) => rejected(e),
    }
}

pub(super) fn run_dynamodb(
    session: &Rc<Session<Fetch>>,
    table: Rc<dynamodb::TableSchema>,
    signal: Option<AbortSignal>,
    op: dynamodb::Operation,
    build: DynamoDbBody,
    read: fn(&crate::codec::json::Json) -> Result<JsValue, Error>,
) -> Promise {
    let endpoint = session.config().endpoint_for(Service::DynamoDb);
    run_signed_call(
        session,
        Service::DynamoDb,
        signal,
        signed_call_body(move |identity, ctx| {
            Box::pin(async move {
                let body = build(&table, &identity.identity_id)?;
                let answer = dynamodb::call(ctx, &endpoint, op, &body).await?;
                read(&answer)
            })
        }),
    )
}

#[wasm_bindgen(js_class = Table)]
impl Table {
    /// Writes `item` (PutItem); its partition key is set to your identity id.
    ///
    /// Options: `condition`, `names`, `values`, `returnValues` (`"NONE"` or `"ALL_OLD"`), `signal`.
    /// Resolves to the old item when `returnValues: "ALL_OLD"` asked for it, else `undefined`.
    ///
    /// @throws `InvalidInputError` (with `field`, e.g. `item.tags[2]`) for a value DynamoDB cannot
    /// store (a `Date`, a class instance, a `Set` of mixed types, ...) or a bad option, before
    /// anything is sent.
    /// @throws `OutOfScopeError` when the item's partition key, or an index key declared in
    /// `db(table, { indexes })`, holds another identity's id.
    /// @throws `ConditionalCheckFailedException` when `condition` does not hold.
    /// @throws DynamoDB's own names: `ResourceNotFoundException` (no such table),
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` and
    /// `ThrottlingException` (retryable, after the retries), `ValidationException` (an expression
    /// DynamoDB refuses).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// await notes.put({ sk: "note-1", text: "hello", tags: new Set(["a"]), big: 2n ** 64n });
    /// await notes.put({ sk: "note-2", text: "only once" }, { condition: "attribute_not_exists(sk)" });
    /// ```
    #[wasm_bindgen(js_name = put, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn put(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ItemInput")] item: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WriteOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, PUT_ITEM_OPTIONS);
        let call = o.call();
        let put = dynamodb::PutItem {
            item: Vec::new(),
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&["NONE", "ALL_OLD"]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::PutItem {
                item: item_from_js(&item, "item")?,
                ..put
            })
        });
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::PutItem,
            parsed,
            move |table, id, mut put| {
                // The caller need not name the partition key: it is always the identity id.
                if !put.item.iter().any(|(k, _)| *k == table.pk_name) {
                    put.item
                        .insert(0, (table.pk_name.clone(), AttributeValue::S(id.to_owned())));
                }
                dynamodb::put_item_request(table, id, &put, scope)
            },
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// Reads your item with sort key `sortKey` (omit it for a table without one), or `undefined`
    /// when there is none (GetItem).
    ///
    /// Options: `projection`, `names`, `consistentRead`, `signal`.
    ///
    /// @throws `InvalidInputError` for a sort key of a type no key can have, or a bad option.
    /// @throws DynamoDB's own names: `ResourceNotFoundException` (no such table),
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` and
    /// `ThrottlingException` (retryable, after the retries), `ValidationException` (an expression
    /// DynamoDB refuses).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// const note = await notes.get("note-1", { consistentRead: true });
    /// if (note) console.log(note.text);
    /// ```
    #[wasm_bindgen(js_name = get, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn get(
        &self,
        #[wasm_bindgen(js_name = "sortKey", unchecked_optional_param_type = "AttributeValue")]
        sort_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "GetOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, GET_ITEM_OPTIONS);
        let call = o.call();
        let get = dynamodb::GetItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            projection_expression: o.string("projection"),
            expression_attribute_names: o.pairs("names"),
            consistent_read: o.bool("consistentRead"),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::GetItem {
                sort_key: sort_key_of(&sort_key)?,
                ..get
            })
        });
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::GetItem,
            parsed,
            move |table, id, get| dynamodb::get_item_request(table, id, &get, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_get_item_response(answer)?)),
        )
    }

    /// Updates your item with sort key `sortKey` (UpdateItem): `update` (an UpdateExpression) with
    /// `names` and `values`; `condition`, `returnValues`, `signal`.
    ///
    /// Resolves to the attributes `returnValues` asked for, else `undefined`.
    ///
    /// @throws `InvalidInputError` for a missing `update`, a value DynamoDB cannot store or a bad
    /// option.
    /// @throws `OutOfScopeError` when `values` would set a declared index key to another identity's
    /// id.
    /// @throws `ConditionalCheckFailedException` when `condition` does not hold.
    /// @throws DynamoDB's own names: `ResourceNotFoundException` (no such table),
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` and
    /// `ThrottlingException` (retryable, after the retries), `ValidationException` (an expression
    /// DynamoDB refuses).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// const after = await notes.update("note-1", {
    ///   update: "SET #t = :t ADD edits :one",
    ///   names: { "#t": "text" },
    ///   values: { ":t": "edited", ":one": 1 },
    ///   returnValues: "ALL_NEW",
    /// });
    /// ```
    #[wasm_bindgen(js_name = update, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn update(
        &self,
        #[wasm_bindgen(
            js_name = "sortKey",
            unchecked_param_type = "AttributeValue | undefined"
        )]
        sort_key: JsValue,
        #[wasm_bindgen(unchecked_param_type = "UpdateOptions")] options: JsValue,
    ) -> Promise {
        // Required: an update without an UpdateExpression is a mistake.
        let mut o = InputReader::new("options", &options, UPDATE_ITEM_OPTIONS);
        let call = o.call();
        let update = dynamodb::UpdateItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            update_expression: o.required("update"),
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&[
                "NONE",
                "ALL_OLD",
                "UPDATED_OLD",
                "ALL_NEW",
                "UPDATED_NEW",
            ]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::UpdateItem {
                sort_key: sort_key_of(&sort_key)?,
                ..update
            })
        });
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::UpdateItem,
            parsed,
            move |table, id, update| dynamodb::update_item_request(table, id, &update, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// Deletes your item with sort key `sortKey` (DeleteItem); deleting an item that is not there
    /// succeeds.
    ///
    /// Options: `condition`, `names`, `values`, `returnValues` (`"ALL_OLD"` resolves to the deleted
    /// item), `signal`.
    ///
    /// @throws `InvalidInputError` for a bad sort key or option.
    /// @throws `ConditionalCheckFailedException` when `condition` does not hold.
    /// @throws DynamoDB's own names: `ResourceNotFoundException` (no such table),
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` and
    /// `ThrottlingException` (retryable, after the retries), `ValidationException` (an expression
    /// DynamoDB refuses).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// const old = await notes.delete("note-1", { returnValues: "ALL_OLD" });
    /// console.log(old ? "deleted" : "there was none");
    /// ```
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<Item | undefined>")]
    pub fn delete(
        &self,
        #[wasm_bindgen(js_name = "sortKey", unchecked_optional_param_type = "AttributeValue")]
        sort_key: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "DeleteOptions")] options: JsValue,
    ) -> Promise {
        let mut o = InputReader::optional("options", &options, DELETE_ITEM_OPTIONS);
        let call = o.call();
        let delete = dynamodb::DeleteItem {
            partition_key: o.demo_partition_key(),
            sort_key: None,
            condition_expression: o.string("condition"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            return_values: o.return_values(&["NONE", "ALL_OLD"]),
        };
        let parsed = o.finish().and_then(|()| {
            Ok(dynamodb::DeleteItem {
                sort_key: sort_key_of(&sort_key)?,
                ..delete
            })
        });
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::DeleteItem,
            parsed,
            move |table, id, delete| dynamodb::delete_item_request(table, id, &delete, scope),
            |answer| Ok(attributes_to_js(dynamodb::parse_write_response(answer)?)),
        )
    }

    /// One page of your items (Query): your partition, in sort-key order.
    ///
    /// Options: `sortKey` condition (`{ eq }`, `{ lt }`, `{ le }`, `{ gt }`, `{ ge }`,
    /// `{ between: [a, b] }`, `{ beginsWith }`), `filter`, `projection`, `names`, `values`, `index`
    /// (a name declared in `db(table, { indexes })`, or `{ name, partitionKey, sortKey? }`),
    /// `limit`, `reverse`, `consistentRead`, `pageToken` (from the previous page), `signal`.
    /// Resolves to `{ items, count, pageToken? }`; a `pageToken` means there may be more.
    ///
    /// @throws `InvalidInputError` for a bad condition, an undeclared index name, a `limit` that is
    /// not a whole number from 1, a `pageToken` not from this query, or a bad option.
    /// @throws DynamoDB's own names: `ResourceNotFoundException` (no such table),
    /// `AccessDeniedException` (IAM), `ProvisionedThroughputExceededException` and
    /// `ThrottlingException` (retryable, after the retries), `ValidationException` (an expression
    /// DynamoDB refuses).
    /// @throws `NotAuthorizedException` when no one is signed in, `ConfigError` without an
    /// `identityPoolId`, `AbortError` when `signal` aborts, `NetworkError` (after the retries; a
    /// timed-out attempt too) and `ProtocolError` for an answer that is not AWS's.
    /// @example
    /// ```ts
    /// let page = await notes.query({ sortKey: { beginsWith: "note-" }, limit: 20 });
    /// console.log(page.items.length);
    /// if (page.pageToken) page = await notes.query({ sortKey: { beginsWith: "note-" }, limit: 20, pageToken: page.pageToken });
    /// ```
    #[wasm_bindgen(js_name = query, unchecked_return_type = "Promise<QueryPage>")]
    pub fn query(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "QueryOptions")] options: JsValue,
    ) -> Promise {
        self.query_page(&options, QUERY_OPTIONS, JsValue::UNDEFINED)
    }
}

impl Table {
    /// One page of `query`: the options are checked against `known` (which `queryAll` gives
    /// without `pageToken`, passing each page's `token` itself).
    pub(super) fn query_page(&self, options: &JsValue, known: &[&str], token: JsValue) -> Promise {
        let mut o = InputReader::optional("options", options, known);
        let call = o.call();
        let query = dynamodb::Query {
            partition_key: o.demo_partition_key(),
            sort_key: o.sort_condition(),
            index: o.index(&self.table.indexes),
            filter_expression: o.string("filter"),
            projection_expression: o.string("projection"),
            expression_attribute_names: o.pairs("names"),
            expression_attribute_values: o.values(),
            limit: o.whole("limit", MAX_INT),
            scan_forward: o.bool("reverse").map(|r| !r),
            consistent_read: o.bool("consistentRead"),
            exclusive_start_key: None,
        };
        let token = match known.contains(&"pageToken") {
            true => o.string("pageToken"),
            false => token.as_string(),
        };
        let parsed = o.finish().map(|()| (query, token));
        let scope = call.scope;
        dynamodb_call(
            &self.session,
            self.table.clone(),
            call.signal,
            dynamodb::Operation::Query,
            parsed,
            move |table, id, (mut query, token): (dynamodb::Query, Option<String>)| {
                if let Some(token) = token {
                    let pk_name = query
                        .index
                        .as_ref()
                        .map_or(table.pk_name.as_str(), |i| i.pk_name.as_str());
                    query.exclusive_start_key =
                        Some(dynamodb::page_token_decode(&token, pk_name, id, scope)?);
                }
                dynamodb::query_request(table, id, &query, scope)
            },
            |answer| {
                let page = dynamodb::parse_query_response(answer)?;
                let out = js_sys::Object::new();
                let items = items_to_js(&page.items);
                set(&out, "items", &items);
                set(&out, "count", &(page.count as f64).into());
                let token = page
                    .last_evaluated_key
                    .as_deref()
                    .map(dynamodb::page_token_encode)
                    .transpose()?;
                set(
                    &out,
                    "pageToken",
                    &token.as_deref().map_or(JsValue::UNDEFINED, JsValue::from),
                );
                Ok(JsValue::from(out))
            },
        )
    }
}

#[wasm_bindgen(js_class = Table)]
impl Table {
    /// Every item the query matches, page after page, as an async iterator. Takes the options of
    /// `query` but `pageToken`.
    ///
    /// Each page is fetched when the loop needs it; the loop's `break` stops fetching.
    ///
    /// @throws (when iterating) what `query` throws.
    /// @example
    /// ```ts
    /// for await (const note of notes.queryAll({ sortKey: { beginsWith: "note-" } })) {
    ///   console.log(note.sk);
    /// }
    /// ```
    #[wasm_bindgen(js_name = queryAll, unchecked_return_type = "AsyncIterableIterator<Item>")]
    pub fn query_all(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Omit<QueryOptions, \"pageToken\"> | undefined")]
        options: JsValue,
    ) -> JsValue {
        let table = Table {
            session: self.session.clone(),
            table: self.table.clone(),
        };
        // A copy of a plain options object's own properties (defined, as `Object.fromEntries`
        // does, so that a `__proto__` key stays a key), so that changing the object later does
        // not change later pages; anything else is kept for the reader to refuse.
        let copy = match options.is_object() && !js_sys::Array::is_array(&options) {
            true => own_entries(&options).and_then(|e| js_sys::Object::from_entries(&e)),
            false => Err(JsValue::UNDEFINED),
        };
        let base = copy.map_or(options, JsValue::from);
        let known = &QUERY_OPTIONS[..QUERY_OPTIONS.len() - 1];
        let fetch_page = Closure::<dyn Fn(JsValue) -> Promise>::new(move |token: JsValue| {
            table.query_page(&base, known, token)
        });
        pages_to_items(&fetch_page.into_js_value())
    }
}
