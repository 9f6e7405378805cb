//! DynamoDB's item API (JSON 1.0, `DynamoDB_20120810.*`), always scoped to the caller's identity
//! id as partition key.
//!
//! This module is pure: it turns plain Rust values into request bodies and response bodies back
//! into plain values. The caller adds `X-Amz-Target` ([`Operation::target`]), signs and sends.
//! [`AttributeValue`] mirrors what the JS DocumentClient accepts and returns; numbers keep their exact
//! decimal text. Every builder applies the scope guard first: the partition key value must be
//! the signed-in identity id, or the request is refused as [`ErrorKind::OutOfScope`] before any
//! body exists. Only [`ScopeCheck::UnscopedForDemoOnly`] skips it, so a demo can show IAM
//! refusing what the guard would have stopped.
//!
//! [`ErrorKind::OutOfScope`]: crate::ErrorKind::OutOfScope

use crate::aws::aws_json::{self, Version};
use crate::aws::signed_call;
use crate::aws::sigv4::PayloadHash;
use crate::codec::json;
use crate::codec::json::{Json, Map};
use crate::codec::text::{self, Base64};
use crate::data::owner::ScopeCheck;
use crate::http::Transport;
use crate::json;

use crate::error::{Error, Result};

mod batch;
mod number;
mod request;
mod response;
mod scope;
#[cfg(test)]
mod tests;
mod value;

pub use batch::*;
pub use number::*;
pub use request::*;
pub use response::*;
use scope::*;
pub use value::*;

/// An attribute value, as the JS DocumentClient accepts and returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A string (may be empty outside keys).
    S(String),
    /// A number as DynamoDB number text; see [`validate_number`].
    N(String),
    /// Binary data.
    B(Vec<u8>),
    /// A list of values of any types.
    L(Vec<AttributeValue>),
    /// A map; its order is kept both ways (a response's maps keep the order DynamoDB sent).
    M(Vec<(String, AttributeValue)>),
    /// A string set: not empty, no duplicates.
    SS(Vec<String>),
    /// A number set: not empty, no two members numerically equal.
    NS(Vec<String>),
    /// A binary set: not empty, no duplicates.
    BS(Vec<Vec<u8>>),
}

/// An item: attribute names and values, in order.
pub type Item = Vec<(String, AttributeValue)>;

/// How deep lists and maps may nest, as DynamoDB allows.
const MAX_DEPTH: usize = 32;
/// Significant digits a DynamoDB number may carry.
const MAX_DIGITS: usize = 38;
/// Exponent of the leading digit of the largest magnitude (9.99...E+125).
const MAX_EXPONENT: i128 = 125;
/// Exponent of the leading digit of the smallest non-zero magnitude (1E-130).
const MIN_EXPONENT: i128 = -130;

/// Generated placeholders of [`query_request`]; callers may not use them.
const RESERVED_NAMES: &[&str] = &["#pk", "#sk", "#tpk"];
const RESERVED_VALUES: &[&str] = &[":pk", ":sk0", ":sk1", ":tpk"];

// ---------------------------------------------------------------------------------------------
// Paths and errors
// ---------------------------------------------------------------------------------------------

/// Where a value came from: the caller (invalid input) or DynamoDB (a protocol fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Input,
    Response,
}

fn bad(source: Source, path: impl std::fmt::Display, message: impl Into<String>) -> Error {
    let message = message.into();
    match source {
        Source::Input => Error::invalid_input(&path.to_string(), format!("{path}: {message}")),
        Source::Response => Error::protocol(format!(
            "DynamoDB answered with an invalid value at {path}: {message}"
        )),
    }
}

/// `item` + `tags` -> `item.tags`; names that are not plain words are quoted: `item["a b"]`.
fn child(path: &str, name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if plain {
        format!("{path}.{name}")
    } else {
        format!("{path}[{}]", json::quoted(name))
    }
}

/// Where a value sits in a document (`item.tags[2]`), written out only when an error names it:
/// the marshalling walks every value, and most never need their path.
#[derive(Clone, Copy, Debug)]
pub enum Path<'a> {
    /// A named top-level value: `item`.
    Root(&'a str),
    /// An attribute of a map: `item.tags`, `item["a b"]`.
    Key(&'a Path<'a>, &'a str),
    /// An element of a list: `item.tags[2]`.
    Index(&'a Path<'a>, usize),
    /// A member of a set (which has no order): `item.tags<2>`.
    Member(&'a Path<'a>, usize),
}

impl std::fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Path::Root(name) => f.write_str(name),
            Path::Key(parent, name) => f.write_str(&child(&parent.to_string(), name)),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Member(parent, i) => write!(f, "{parent}<{i}>"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Tables, scope and options
// ---------------------------------------------------------------------------------------------

/// The DynamoDB operations this module builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `GetItem`.
    GetItem,
    /// `PutItem`.
    PutItem,
    /// `UpdateItem`.
    UpdateItem,
    /// `DeleteItem`.
    DeleteItem,
    /// `Query`.
    Query,
    /// `BatchGetItem`.
    BatchGetItem,
    /// `BatchWriteItem`.
    BatchWriteItem,
    /// `TransactGetItems`.
    TransactGetItems,
    /// `TransactWriteItems`.
    TransactWriteItems,
}

impl Operation {
    /// The `X-Amz-Target` header value, e.g. `DynamoDB_20120810.GetItem`.
    pub fn target(self) -> &'static str {
        match self {
            Operation::GetItem => "DynamoDB_20120810.GetItem",
            Operation::PutItem => "DynamoDB_20120810.PutItem",
            Operation::UpdateItem => "DynamoDB_20120810.UpdateItem",
            Operation::DeleteItem => "DynamoDB_20120810.DeleteItem",
            Operation::Query => "DynamoDB_20120810.Query",
            Operation::BatchGetItem => "DynamoDB_20120810.BatchGetItem",
            Operation::BatchWriteItem => "DynamoDB_20120810.BatchWriteItem",
            Operation::TransactGetItems => "DynamoDB_20120810.TransactGetItems",
            Operation::TransactWriteItems => "DynamoDB_20120810.TransactWriteItems",
        }
    }
}

/// A table and its key schema. The partition key holds the identity id (type `S`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableSchema {
    /// Table name (or ARN).
    pub name: String,
    /// Partition key attribute name; its value is always the caller's identity id.
    pub pk_name: String,
    /// Sort key attribute name, when the table has one.
    pub sk_name: Option<String>,
    /// The secondary indexes the app declared (`db(table, { indexes })`): their partition key
    /// attributes hold an identity id too, so a write may set one only to the caller's own.
    pub indexes: Vec<Index>,
}

/// What a write answers with (`ReturnValues`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReturnValues {
    /// `NONE`.
    None,
    /// `ALL_OLD`: the item as it was (PutItem, UpdateItem, DeleteItem).
    AllOld,
    /// `UPDATED_OLD`: the updated attributes as they were (UpdateItem only).
    UpdatedOld,
    /// `ALL_NEW`: the item as it is now (UpdateItem only).
    AllNew,
    /// `UPDATED_NEW`: the updated attributes as they are now (UpdateItem only).
    UpdatedNew,
}

impl ReturnValues {
    /// The wire name, e.g. `ALL_OLD`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnValues::None => "NONE",
            ReturnValues::AllOld => "ALL_OLD",
            ReturnValues::UpdatedOld => "UPDATED_OLD",
            ReturnValues::AllNew => "ALL_NEW",
            ReturnValues::UpdatedNew => "UPDATED_NEW",
        }
    }
}

/// Options of PutItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PutItem {
    /// The whole item; must hold the partition key set to the identity id (and the sort key).
    pub item: Item,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`: `#placeholder` -> attribute name.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`: `:placeholder` -> value.
    pub expression_attribute_values: Item,
    /// `NONE` or `ALL_OLD`.
    pub return_values: Option<ReturnValues>,
}

/// Options of GetItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GetItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<AttributeValue>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<AttributeValue>,
    /// `ProjectionExpression`.
    pub projection_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
}

/// Options of UpdateItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<AttributeValue>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<AttributeValue>,
    /// `UpdateExpression` (required).
    pub update_expression: String,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`.
    pub expression_attribute_values: Item,
    /// Any [`ReturnValues`].
    pub return_values: Option<ReturnValues>,
}

/// Options of DeleteItem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteItem {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<AttributeValue>,
    /// Sort key value; required exactly when the table has a sort key.
    pub sort_key: Option<AttributeValue>,
    /// `ConditionExpression`.
    pub condition_expression: Option<String>,
    /// `ExpressionAttributeNames`.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`.
    pub expression_attribute_values: Item,
    /// `NONE` or `ALL_OLD`.
    pub return_values: Option<ReturnValues>,
}

/// A condition on the sort key of a Query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SortKeyCondition {
    /// `#sk = :sk0`.
    Eq(AttributeValue),
    /// `#sk < :sk0`.
    Lt(AttributeValue),
    /// `#sk <= :sk0`.
    Le(AttributeValue),
    /// `#sk > :sk0`.
    Gt(AttributeValue),
    /// `#sk >= :sk0`.
    Ge(AttributeValue),
    /// `#sk BETWEEN :sk0 AND :sk1` (both ends included).
    Between(AttributeValue, AttributeValue),
    /// `begins_with(#sk, :sk0)`; strings and binary only.
    BeginsWith(AttributeValue),
}

/// A secondary index to query, with its own key names. Its partition key is still bound to
/// the identity id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// `IndexName`.
    pub name: String,
    /// The index's partition key attribute name.
    pub pk_name: String,
    /// The index's sort key attribute name, when it has one.
    pub sk_name: Option<String>,
}

/// Options of Query. The key condition is generated: `#pk = :pk` plus the sort key condition;
/// the placeholders `#pk`, `#sk`, `:pk`, `:sk0` and `:sk1` are reserved.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Partition key value; `None` means the identity id, anything else is out of scope.
    pub partition_key: Option<AttributeValue>,
    /// Condition on the sort key (of the table, or of `index`).
    pub sort_key: Option<SortKeyCondition>,
    /// Query this index instead of the table.
    pub index: Option<Index>,
    /// `FilterExpression`.
    pub filter_expression: Option<String>,
    /// `ProjectionExpression`.
    pub projection_expression: Option<String>,
    /// `ExpressionAttributeNames`, merged with the generated ones.
    pub expression_attribute_names: Vec<(String, String)>,
    /// `ExpressionAttributeValues`, merged with the generated ones.
    pub expression_attribute_values: Item,
    /// `Limit` (at least 1).
    pub limit: Option<u32>,
    /// `ScanIndexForward`: `false` for descending sort key order.
    pub scan_forward: Option<bool>,
    /// `ConsistentRead`.
    pub consistent_read: Option<bool>,
    /// `ExclusiveStartKey`: the `last_evaluated_key` of the previous page.
    pub exclusive_start_key: Option<Item>,
}

/// One page of a Query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryPage {
    /// The items of this page.
    pub items: Vec<Item>,
    /// Where the next page starts; `None` on the last page.
    pub last_evaluated_key: Option<Item>,
    /// `Count`: items returned after the filter.
    pub count: u64,
    /// `ScannedCount`: items read before the filter.
    pub scanned_count: u64,
}
