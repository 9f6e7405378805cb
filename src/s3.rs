//! S3's object API (REST), always under the `<identityId>/` key prefix. Built by issue #4.
