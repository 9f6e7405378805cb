//! The AWS SDKs' standard retry mode: which failures are retried, how long to wait, how many
//! attempts. Built by issue #4.
