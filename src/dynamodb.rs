//! DynamoDB's item API (JSON 1.0, DynamoDB_20120810.*), always scoped to the caller's identity
//! id as partition key. Built by issue #4.
