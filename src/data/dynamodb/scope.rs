//! The scope guard: every key, index key and condition a request carries must keep it inside
//! the caller's partition; and the pieces the request builders share.

use super::*;

pub(super) fn check_table(table: &TableSchema, identity_id: &str) -> Result<()> {
    if table.name.is_empty() {
        return Err(Error::invalid_input("table", "the table name is empty"));
    }
    if table.pk_name.is_empty() {
        return Err(Error::invalid_input(
            "partitionKeyName",
            "the partition key name is empty",
        ));
    }
    if table.sk_name.as_deref() == Some("") {
        return Err(Error::invalid_input(
            "sortKeyName",
            "the sort key name is empty",
        ));
    }
    if identity_id.is_empty() {
        return Err(Error::invalid_input(
            "identityId",
            "no identity id: sign in and get credentials first",
        ));
    }
    Ok(())
}

/// The scope guard: `value` must be the string `identity_id`.
pub(super) fn check_partition(
    value: Option<&AttributeValue>,
    field: &str,
    pk_name: &str,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<()> {
    if scope == ScopeCheck::UnscopedForDemoOnly {
        return Ok(());
    }
    match value {
        Some(AttributeValue::S(s)) if s == identity_id => Ok(()),
        Some(_) => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: partition key '{pk_name}' must be the signed-in identity id \
                 '{identity_id}'; this request names another value, which is outside the \
                 user's own data"
            ),
        )),
        None => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: partition key '{pk_name}' must be the signed-in identity id \
                 '{identity_id}', but it is missing"
            ),
        )),
    }
}

/// A value written into the partition key attribute of a declared index: the caller's own
/// identity id, or refused as out of scope.
pub(super) fn check_index_key(
    value: &AttributeValue,
    field: &str,
    index: &Index,
    identity_id: &str,
    scope: ScopeCheck,
) -> Result<()> {
    match value {
        _ if scope == ScopeCheck::UnscopedForDemoOnly => Ok(()),
        AttributeValue::S(s) if s == identity_id => Ok(()),
        _ => Err(Error::out_of_scope(
            field,
            format!(
                "{field}: '{}' is the partition key of index '{}', which holds identity ids; \
                 it may only be set to the signed-in identity id '{identity_id}'",
                index.pk_name, index.name
            ),
        )),
    }
}

/// An update may set a declared index's partition key only with `SET <key> = :value`, the value
/// being the caller's identity id; any other action on it but `REMOVE` is refused, since what
/// it would store cannot be known before DynamoDB evaluates it.
pub(super) fn check_index_updates(
    table: &TableSchema,
    identity_id: &str,
    options: &UpdateItem,
    scope: ScopeCheck,
) -> Result<()> {
    if table.indexes.is_empty() || scope == ScopeCheck::UnscopedForDemoOnly {
        return Ok(());
    }
    let name_of = |path: &str| -> String {
        let head = path
            .split(['.', '['])
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned();
        match options
            .expression_attribute_names
            .iter()
            .find(|(alias, _)| *alias == head)
        {
            Some((_, name)) => name.clone(),
            None => head,
        }
    };
    let field = "updateExpression";
    for (clause, action) in update_actions(&options.update_expression) {
        // What cannot be read for sure is refused: an index key must not slip through.
        let (path, value) =
            match (clause, text::split_once(action, "=")) {
                ("SET", Some((path, value))) => (path.trim(), Some(value.trim())),
                ("REMOVE", None) if action.split_whitespace().count() == 1 => (action, None),
                ("ADD" | "DELETE", None) => {
                    (action.split_whitespace().next().unwrap_or_default(), None)
                }
                _ => return Err(Error::invalid_input(
                    field,
                    "updateExpression has an action apiless cannot read (each must follow SET, \
                     REMOVE, ADD or DELETE), and the table declares indexes whose keys it checks",
                )),
            };
        let attribute = name_of(path);
        let Some(index) = table.indexes.iter().find(|i| i.pk_name == attribute) else {
            continue;
        };
        let value = match (clause, value) {
            ("REMOVE", _) => continue,
            ("SET", Some(v)) if !path.contains(['.', '[']) => v,
            _ => {
                return Err(Error::out_of_scope(
                    field,
                    format!(
                        "{field}: '{attribute}' is the partition key of index '{}': an update \
                         may only SET it to a :value holding the signed-in identity id, or \
                         REMOVE it",
                        index.name
                    ),
                ))
            }
        };
        let given = options
            .expression_attribute_values
            .iter()
            .find(|(placeholder, _)| placeholder == value)
            .map(|(_, doc)| doc);
        match given {
            Some(doc) => check_index_key(doc, field, index, identity_id, scope)?,
            None => {
                return Err(Error::out_of_scope(
                    field,
                    format!(
                        "{field}: '{attribute}' is the partition key of index '{}': SET it to \
                         a single :value (the signed-in identity id), not an expression",
                        index.name
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// The actions of an update expression with the clause each belongs to (`SET`, `REMOVE`, `ADD`,
/// `DELETE`, upper-cased): commas and keywords split it only outside parentheses and brackets.
pub(super) fn update_actions<'e>(expression: &'e str) -> Vec<(&'static str, &'e str)> {
    const CLAUSES: [&str; 4] = ["SET", "REMOVE", "ADD", "DELETE"];
    let mut actions = Vec::new();
    let mut clause = "";
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = expression.as_bytes();
    let mut i = 0;
    let push = |actions: &mut Vec<(&'static str, &'e str)>, clause, from: usize, to: usize| {
        let action = expression.get(from..to).unwrap_or_default().trim();
        if !action.is_empty() {
            actions.push((clause, action));
        }
    };
    while i < bytes.len() {
        match bytes[i] {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b',' if depth == 0 => {
                push(&mut actions, clause, start, i);
                start = i + 1;
            }
            c if depth == 0 && c.is_ascii_alphabetic() && (i == 0 || !is_word(bytes[i - 1])) => {
                // A word ends where a name would: `SET#o=:o` is the keyword SET, then `#o=:o`.
                let end = (i..bytes.len())
                    .find(|&j| !(bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_'))
                    .unwrap_or(bytes.len());
                let word = expression.get(i..end).unwrap_or_default();
                if let Some(keyword) = CLAUSES.iter().find(|k| k.eq_ignore_ascii_case(word)) {
                    push(&mut actions, clause, start, i);
                    clause = keyword;
                    start = end;
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    push(&mut actions, clause, start, bytes.len());
    actions
}

/// Whether `b` may stand right before a name's letters inside the same name or path.
pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'#' | b':' | b'.')
}

/// A filter whose parentheses close what they open, in order: so that `(theirs)` cannot close
/// early and OR its way around the owner filter.
pub(super) fn check_parentheses(filter: &str) -> Result<()> {
    let mut depth = 0i32;
    for b in filter.bytes() {
        depth += match b {
            b'(' => 1,
            b')' => -1,
            _ => 0,
        };
        if depth < 0 {
            break;
        }
    }
    if depth == 0 {
        Ok(())
    } else {
        Err(Error::invalid_input(
            "filter",
            "filter's parentheses do not match",
        ))
    }
}

/// A key attribute is a non-empty string, a number or non-empty binary.
pub(super) fn check_key_value(doc: &AttributeValue, field: &str) -> Result<()> {
    match doc {
        AttributeValue::S(s) if s.is_empty() => Err(Error::invalid_input(
            field,
            format!("{field}: key strings must not be empty"),
        )),
        AttributeValue::B(b) if b.is_empty() => Err(Error::invalid_input(
            field,
            format!("{field}: key binary values must not be empty"),
        )),
        AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_) => Ok(()),
        _ => Err(Error::invalid_input(
            field,
            format!("{field}: a key value is a string, a number or binary"),
        )),
    }
}

/// The `Key` of GetItem, UpdateItem and DeleteItem, after the scope guard.
pub(super) fn key_json(
    table: &TableSchema,
    identity_id: &str,
    partition_key: Option<&AttributeValue>,
    sort_key: Option<&AttributeValue>,
    scope: ScopeCheck,
) -> Result<Json> {
    let pk = partition_key
        .cloned()
        .unwrap_or_else(|| AttributeValue::S(identity_id.to_owned()));
    check_partition(
        Some(&pk),
        &child("key", &table.pk_name),
        &table.pk_name,
        identity_id,
        scope,
    )?;
    let mut key = vec![(table.pk_name.clone(), pk)];
    match (&table.sk_name, sort_key) {
        (Some(name), Some(value)) => {
            check_key_value(value, "sortKey")?;
            key.push((name.clone(), value.clone()));
        }
        (Some(name), None) => {
            return Err(Error::invalid_input(
                "sortKey",
                format!("the table's sort key '{name}' needs a value"),
            ))
        }
        (None, Some(_)) => {
            return Err(Error::invalid_input(
                "sortKey",
                "the table has no sort key; leave sortKey out",
            ))
        }
        (None, None) => {}
    }
    map_to_json(&key, &Path::Root("key"), 0).map(Json::Object)
}

pub(super) fn put_expression(
    body: &mut Map,
    wire: &str,
    field: &str,
    expression: Option<&str>,
) -> Result<()> {
    match expression {
        None => Ok(()),
        Some("") => Err(Error::invalid_input(
            field,
            format!("{field} is empty; leave it out instead"),
        )),
        Some(e) => {
            body.insert(wire.to_owned(), Json::String(e.to_owned()));
            Ok(())
        }
    }
}

pub(super) fn is_placeholder(text: &str, sigil: char) -> bool {
    text.strip_prefix(sigil).is_some_and(|rest| {
        !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// `ExpressionAttributeNames`: the generated entries first, then the caller's.
pub(super) fn names_json(
    generated: &[(&str, &str)],
    names: &[(String, String)],
    reserved: &[&str],
) -> Result<Map> {
    const FIELD: &str = "expressionAttributeNames";
    let mut map = Map::new();
    for (placeholder, name) in generated {
        map.insert((*placeholder).to_owned(), Json::String((*name).to_owned()));
    }
    for (placeholder, name) in names {
        if reserved.contains(&placeholder.as_str()) {
            return Err(Error::invalid_input(
                FIELD,
                format!(
                    "{FIELD}: '{placeholder}' is reserved for the generated key condition; \
                     choose another placeholder"
                ),
            ));
        }
        if !is_placeholder(placeholder, '#') {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' must be '#' followed by letters, digits or '_'"),
            ));
        }
        if name.is_empty() {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' names an empty attribute name"),
            ));
        }
        if map
            .insert(placeholder.clone(), Json::String(name.clone()))
            .is_some()
        {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' appears twice"),
            ));
        }
    }
    Ok(map)
}

/// `ExpressionAttributeValues`: the generated entries first, then the caller's.
pub(super) fn values_json(
    generated: &[(&str, &AttributeValue)],
    values: &[(String, AttributeValue)],
    reserved: &[&str],
) -> Result<Map> {
    const FIELD: &str = "expressionAttributeValues";
    let mut map = Map::new();
    for (placeholder, doc) in generated {
        map.insert(
            (*placeholder).to_owned(),
            to_av(doc, &Path::Key(&Path::Root(FIELD), placeholder), 0)?,
        );
    }
    for (placeholder, doc) in values {
        if reserved.contains(&placeholder.as_str()) {
            return Err(Error::invalid_input(
                FIELD,
                format!(
                    "{FIELD}: '{placeholder}' is reserved for the generated key condition; \
                     choose another placeholder"
                ),
            ));
        }
        if !is_placeholder(placeholder, ':') {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' must be ':' followed by letters, digits or '_'"),
            ));
        }
        let value = to_av(doc, &Path::Key(&Path::Root(FIELD), placeholder), 0)?;
        if map.insert(placeholder.clone(), value).is_some() {
            return Err(Error::invalid_input(
                FIELD,
                format!("{FIELD}: '{placeholder}' appears twice"),
            ));
        }
    }
    Ok(map)
}

/// Adds the names and values maps when they are not empty (DynamoDB refuses empty ones).
pub(super) fn put_maps(body: &mut Map, names: Map, values: Map) {
    if !names.is_empty() {
        body.insert("ExpressionAttributeNames".to_owned(), Json::Object(names));
    }
    if !values.is_empty() {
        body.insert("ExpressionAttributeValues".to_owned(), Json::Object(values));
    }
}

/// What every write shares: `ConditionExpression`, the caller's names and values, and
/// `ReturnValues` (only NONE or ALL_OLD unless `allow_updated`).
pub(super) fn put_write_options(
    body: &mut Map,
    condition_expression: Option<&str>,
    names: &[(String, String)],
    values: &[(String, AttributeValue)],
    return_values: Option<ReturnValues>,
    allow_updated: bool,
    operation: &str,
) -> Result<()> {
    put_expression(
        body,
        "ConditionExpression",
        "conditionExpression",
        condition_expression,
    )?;
    let names = names_json(&[], names, &[])?;
    let values = values_json(&[], values, &[])?;
    put_maps(body, names, values);
    put_return_values(body, return_values, allow_updated, operation)
}

pub(super) fn put_return_values(
    body: &mut Map,
    return_values: Option<ReturnValues>,
    allow_all: bool,
    operation: &str,
) -> Result<()> {
    let Some(rv) = return_values else {
        return Ok(());
    };
    if !allow_all && !matches!(rv, ReturnValues::None | ReturnValues::AllOld) {
        return Err(Error::invalid_input(
            "returnValues",
            format!(
                "{operation} returns only NONE or ALL_OLD, not {}",
                rv.as_str()
            ),
        ));
    }
    body.insert(
        "ReturnValues".to_owned(),
        Json::String(rv.as_str().to_owned()),
    );
    Ok(())
}

pub(super) fn table_body(table: &TableSchema) -> Map {
    let mut body = Map::new();
    body.insert("TableName".to_owned(), Json::String(table.name.clone()));
    body
}

#[cfg(test)]
#[path = "scope_tests.rs"]
mod tests;
