//! Request bodies for GetItem, PutItem, UpdateItem, DeleteItem and Query, each built only after
//! the scope guard passed.

use super::*;

/// The body of `GetItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn get_item_request(
    table: &TableSchema,
    identity_id: &str,
    options: &GetItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    put_expression(
        &mut body,
        "ProjectionExpression",
        "projectionExpression",
        options.projection_expression.as_deref(),
    )?;
    let names = names_json(&[], &options.expression_attribute_names, &[])?;
    put_maps(&mut body, names, Map::new());
    if let Some(consistent) = options.consistent_read {
        body.insert("ConsistentRead".to_owned(), Json::Bool(consistent));
    }
    Ok(Json::Object(body))
}

/// The body of `PutItem`. The item must hold the partition key set to the identity id: a
/// missing or different value is out of scope (unless `scope` is the demo bypass).
pub fn put_item_request(
    table: &TableSchema,
    identity_id: &str,
    options: &PutItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let item = checked_item(table, identity_id, &options.item, scope)?;
    let mut body = table_body(table);
    body.insert("Item".to_owned(), item);
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        false,
        "PutItem",
    )?;
    Ok(Json::Object(body))
}

/// The DynamoDB JSON of an item to write (PutItem, a batch's PutRequest, a transaction's Put),
/// after the scope guard: its partition key the identity id, its sort key present, a declared
/// index's partition key (if set) the identity id too.
pub(super) fn checked_item(
    table: &TableSchema,
    identity_id: &str,
    item: &[(String, AttributeValue)],
    scope: ScopeCheck,
) -> Result<Json> {
    let find = |name: &str| item.iter().find(|(n, _)| n == name).map(|(_, d)| d);
    check_partition(
        find(&table.pk_name),
        &child("item", &table.pk_name),
        &table.pk_name,
        identity_id,
        scope,
    )?;
    if let Some(sk) = &table.sk_name {
        let field = child("item", sk);
        match find(sk) {
            Some(value) => check_key_value(value, &field)?,
            None => {
                return Err(Error::invalid_input(
                    &field,
                    format!("the item needs the table's sort key '{sk}'"),
                ))
            }
        }
    }
    for index in &table.indexes {
        if let Some(value) = find(&index.pk_name) {
            check_index_key(
                value,
                &child("item", &index.pk_name),
                index,
                identity_id,
                scope,
            )?;
        }
    }
    item_to_json(item)
}

/// The body of `UpdateItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn update_item_request(
    table: &TableSchema,
    identity_id: &str,
    options: &UpdateItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    if options.update_expression.is_empty() {
        return Err(Error::invalid_input(
            "updateExpression",
            "updateExpression is required, e.g. \"SET #n = :v\"",
        ));
    }
    check_index_updates(table, identity_id, options, scope)?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    body.insert(
        "UpdateExpression".to_owned(),
        Json::String(options.update_expression.clone()),
    );
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        true,
        "UpdateItem",
    )?;
    Ok(Json::Object(body))
}

/// The body of `DeleteItem` for the item `{pk: identity_id, sk: sort_key}`.
pub fn delete_item_request(
    table: &TableSchema,
    identity_id: &str,
    options: &DeleteItem,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let key = key_json(
        table,
        identity_id,
        options.partition_key.as_ref(),
        options.sort_key.as_ref(),
        scope,
    )?;
    let mut body = table_body(table);
    body.insert("Key".to_owned(), key);
    put_write_options(
        &mut body,
        options.condition_expression.as_deref(),
        &options.expression_attribute_names,
        &options.expression_attribute_values,
        options.return_values,
        false,
        "DeleteItem",
    )?;
    Ok(Json::Object(body))
}

/// The body of `Query` over the identity's partition (of the table, or of `options.index`).
///
/// `KeyConditionExpression` is generated (`#pk = :pk`, `... AND #sk < :sk0`,
/// `... AND #sk BETWEEN :sk0 AND :sk1`, `... AND begins_with(#sk, :sk0)`), so the caller can
/// never widen it; a caller placeholder named `#pk`, `#sk`, `:pk`, `:sk0` or `:sk1` is refused.
/// An `exclusive_start_key` must carry the identity id as its partition key too.
pub fn query_request(
    table: &TableSchema,
    identity_id: &str,
    options: &Query,
    scope: ScopeCheck,
) -> Result<Json> {
    check_table(table, identity_id)?;
    let (pk_name, sk_name) = match &options.index {
        Some(index) => {
            if index.name.is_empty() {
                return Err(Error::invalid_input(
                    "index.name",
                    "the index name is empty",
                ));
            }
            if index.pk_name.is_empty() {
                return Err(Error::invalid_input(
                    "index.partitionKeyName",
                    "the index's partition key name is empty",
                ));
            }
            (index.pk_name.as_str(), index.sk_name.as_deref())
        }
        None => (table.pk_name.as_str(), table.sk_name.as_deref()),
    };
    let pk = options
        .partition_key
        .clone()
        .unwrap_or_else(|| AttributeValue::S(identity_id.to_owned()));
    check_partition(Some(&pk), "partitionKey", pk_name, identity_id, scope)?;
    if let Some(start) = &options.exclusive_start_key {
        check_partition(
            start.iter().find(|(n, _)| n == pk_name).map(|(_, d)| d),
            &child("exclusiveStartKey", pk_name),
            pk_name,
            identity_id,
            scope,
        )?;
    }

    let mut expression = "#pk = :pk".to_owned();
    let mut generated_names = vec![("#pk", pk_name)];
    let owner = AttributeValue::S(identity_id.to_owned());
    let mut generated_values = vec![(":pk", &pk)];
    if let Some(condition) = &options.sort_key {
        let Some(sk_name) = sk_name.filter(|s| !s.is_empty()) else {
            return Err(Error::invalid_input(
                "sortKey",
                "a sort key condition needs a sort key: the table (or index) has none",
            ));
        };
        generated_names.push(("#sk", sk_name));
        let (clause, low, high) = match condition {
            SortKeyCondition::Eq(v) => ("#sk = :sk0", v, None),
            SortKeyCondition::Lt(v) => ("#sk < :sk0", v, None),
            SortKeyCondition::Le(v) => ("#sk <= :sk0", v, None),
            SortKeyCondition::Gt(v) => ("#sk > :sk0", v, None),
            SortKeyCondition::Ge(v) => ("#sk >= :sk0", v, None),
            SortKeyCondition::Between(a, b) => ("#sk BETWEEN :sk0 AND :sk1", a, Some(b)),
            SortKeyCondition::BeginsWith(v) => {
                if !matches!(v, AttributeValue::S(_) | AttributeValue::B(_)) {
                    return Err(Error::invalid_input(
                        "sortKey",
                        "begins_with takes a string or binary value",
                    ));
                }
                ("begins_with(#sk, :sk0)", v, None)
            }
        };
        check_key_value(low, "sortKey")?;
        generated_values.push((":sk0", low));
        if let Some(high) = high {
            check_key_value(high, "sortKey")?;
            generated_values.push((":sk1", high));
        }
        expression.push_str(" AND ");
        expression.push_str(clause);
    }
    // An index partition is not an owner's: anyone may write any value into an index key
    // attribute of their own items. So an index query also filters on the table's partition
    // key, which AWS checks on every write: only the caller's own items come back.
    // DynamoDB refuses a filter on the queried index's own key attributes: where the table's
    // partition key is one of them, the key condition binds it instead (a local secondary
    // index's partition key is the table's; a sort key that is the table's takes `= :tpk`).
    let mut owner_filter = None;
    if let Some(index) = &options.index {
        if index.sk_name.as_deref() == Some(table.pk_name.as_str()) {
            if options.sort_key.is_some() {
                return Err(Error::invalid_input(
                    "sortKey",
                    "this index's sort key is the table's partition key, which apiless binds to \
                     the signed-in identity id: leave sortKey out",
                ));
            }
            generated_names.push(("#tpk", table.pk_name.as_str()));
            expression.push_str(" AND #tpk = :tpk");
            generated_values.push((":tpk", &owner));
        } else if index.pk_name != table.pk_name {
            generated_names.push(("#tpk", table.pk_name.as_str()));
            generated_values.push((":tpk", &owner));
            owner_filter = Some("#tpk = :tpk".to_owned());
            // The caller's filter is ANDed in parentheses: they must be its own.
            check_parentheses(options.filter_expression.as_deref().unwrap_or(""))?;
        }
    }
    let filter = match (owner_filter, options.filter_expression.as_deref()) {
        (Some(own), Some(theirs)) if !theirs.trim().is_empty() => {
            Some(format!("{own} AND ({theirs})"))
        }
        (Some(own), _) => Some(own),
        (None, theirs) => theirs.map(str::to_owned),
    };
    let names = names_json(
        &generated_names,
        &options.expression_attribute_names,
        RESERVED_NAMES,
    )?;
    let values = values_json(
        &generated_values,
        &options.expression_attribute_values,
        RESERVED_VALUES,
    )?;

    let mut body = table_body(table);
    if let Some(index) = &options.index {
        body.insert("IndexName".to_owned(), Json::String(index.name.clone()));
    }
    body.insert(
        "KeyConditionExpression".to_owned(),
        Json::String(expression),
    );
    put_expression(
        &mut body,
        "FilterExpression",
        "filterExpression",
        filter.as_deref(),
    )?;
    put_expression(
        &mut body,
        "ProjectionExpression",
        "projectionExpression",
        options.projection_expression.as_deref(),
    )?;
    put_maps(&mut body, names, values);
    if let Some(limit) = options.limit {
        if limit == 0 {
            return Err(Error::invalid_input("limit", "limit must be at least 1"));
        }
        body.insert("Limit".to_owned(), Json::from(limit));
    }
    if let Some(forward) = options.scan_forward {
        body.insert("ScanIndexForward".to_owned(), Json::Bool(forward));
    }
    if let Some(consistent) = options.consistent_read {
        body.insert("ConsistentRead".to_owned(), Json::Bool(consistent));
    }
    if let Some(start) = &options.exclusive_start_key {
        body.insert(
            "ExclusiveStartKey".to_owned(),
            map_to_json(start, &Path::Root("exclusiveStartKey"), 0).map(Json::Object)?,
        );
    }
    Ok(Json::Object(body))
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
