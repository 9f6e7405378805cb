//! The one error type of the SDK.
//!
//! Every failure, whether bad input caught before a request, a network fault or an AWS
//! exception, is an [`Error`]. `js` turns it into a real JavaScript `Error` whose `name` is
//! the AWS exception name where there is one (`NotAuthorizedException`,
//! `AccessDeniedException`, ...), with `code`, `requestId`, `httpStatus` and `retryable`.
//! Messages never carry secrets: nothing that builds an `Error` puts a password, token or key
//! into it.

use std::fmt;

/// What went wrong, broadly; the fine detail is in [`Details::code`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The configuration is malformed; [`Details::field`] names the bad field. Nothing was sent.
    Config,
    /// An argument is invalid; nothing was sent.
    InvalidInput,
    /// The request would reach outside the signed-in user's own data; nothing was sent.
    OutOfScope,
    /// AWS answered with an error; `code` is its exception name.
    Service,
    /// No answer arrived: offline, DNS, connection reset, or a response blocked by CORS.
    Network,
    /// An answer arrived but could not be understood.
    Protocol,
    /// The caller aborted the call through its `AbortSignal`.
    Aborted,
    /// A bug in apiless (a Rust panic): the call failed, the module keeps working.
    Internal,
    /// The browser's passkey prompt (WebAuthn) did not give a credential: no WebAuthn in this
    /// browser (`PasskeyNotSupportedError`), the user cancelled or the prompt timed out
    /// (`PasskeyCancelledError`), the passkey is already on this authenticator
    /// (`PasskeyAlreadyRegisteredError`), or another refusal (`PasskeyError`).
    Passkey,
}

impl ErrorKind {
    /// The kind's name, as the JS `kind` property carries it (`InvalidInput`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "Config",
            ErrorKind::InvalidInput => "InvalidInput",
            ErrorKind::OutOfScope => "OutOfScope",
            ErrorKind::Service => "Service",
            ErrorKind::Network => "Network",
            ErrorKind::Protocol => "Protocol",
            ErrorKind::Aborted => "Aborted",
            ErrorKind::Internal => "Internal",
            ErrorKind::Passkey => "Passkey",
        }
    }

    /// The JavaScript `name` for errors that carry no AWS exception name.
    pub fn default_name(self) -> &'static str {
        match self {
            ErrorKind::Config => "ConfigError",
            ErrorKind::InvalidInput => "InvalidInputError",
            ErrorKind::OutOfScope => "OutOfScopeError",
            ErrorKind::Service => "ServiceError",
            ErrorKind::Network => "NetworkError",
            ErrorKind::Protocol => "ProtocolError",
            ErrorKind::Aborted => "AbortError",
            ErrorKind::Internal => "InternalError",
            ErrorKind::Passkey => "PasskeyError",
        }
    }
}

/// An apiless error. See the module docs. Its [`Details`] are boxed, so a `Result` carrying it
/// is a pointer wide: every `?` and every future that may fail moves 4 bytes, not 56, which
/// keeps the wasm's code smaller. Fields read and write through it (`e.kind`, `e.message`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<Details>);

/// What an [`Error`] says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    /// The broad kind.
    pub kind: ErrorKind,
    /// The AWS exception name (`NotAuthorizedException`), or the kind's own name.
    pub code: String,
    /// A sentence for a developer; never contains a secret.
    pub message: String,
    /// The configuration field or argument at fault, for `Config` and `InvalidInput`.
    pub field: Option<String>,
    /// The `x-amzn-requestid` / `x-amz-request-id` of the failed response.
    pub request_id: Option<String>,
    /// The HTTP status of the failed response.
    pub http_status: Option<u16>,
    /// Whether trying the same request again may succeed.
    pub retryable: bool,
    /// A DynamoDB batch left unprocessed after its retries (`UnprocessedItemsError`): the
    /// places, in the caller's list, of the keys or requests never processed. Empty otherwise.
    pub unprocessed: Vec<usize>,
    /// A cancelled DynamoDB transaction (`TransactionCanceledException`): one reason per
    /// action, in order (`None` for an action that was not at fault). Empty otherwise.
    pub cancellation_reasons: Vec<CancellationReason>,
}

/// Why DynamoDB cancelled one action of a transaction: `Code` (`ConditionalCheckFailed`,
/// `None`, `TransactionConflict`, ...) and `Message` of its `CancellationReasons` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationReason {
    /// `Code`.
    pub code: String,
    /// `Message`, when DynamoDB gave one.
    pub message: Option<String>,
}

impl std::ops::Deref for Error {
    type Target = Details;
    fn deref(&self) -> &Details {
        &self.0
    }
}

impl std::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Details {
        &mut self.0
    }
}

impl Error {
    fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error::from(Details {
            kind,
            code: kind.default_name().to_owned(),
            message: message.into(),
            field: None,
            request_id: None,
            http_status: None,
            retryable: false,
            unprocessed: Vec::new(),
            cancellation_reasons: Vec::new(),
        })
    }

    /// A malformed configuration value; `field` is its name in the config object.
    pub fn config(field: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Config, message);
        e.field = Some(field.to_owned());
        e
    }

    /// An invalid argument; `field` is its name.
    pub fn invalid_input(field: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::InvalidInput, message);
        e.field = Some(field.to_owned());
        e
    }

    /// A request refused before signing because it leaves the caller's scope.
    pub fn out_of_scope(field: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::OutOfScope, message);
        e.field = Some(field.to_owned());
        e
    }

    /// No answer from the network; always worth a retry.
    pub fn network(message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Network, message);
        e.retryable = true;
        e
    }

    /// An answer that could not be understood.
    pub fn protocol(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Protocol, message)
    }

    /// The caller aborted the call.
    pub fn aborted() -> Self {
        Error::new(ErrorKind::Aborted, "the call was aborted")
    }

    /// The passkey prompt gave no credential; `code` is one of [`ErrorKind::Passkey`]'s names.
    pub fn passkey(code: &str, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Passkey, message);
        e.code = code.to_owned();
        e
    }

    /// A bug in apiless: a panic, turned into an error for the call that hit it.
    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::Internal, message)
    }

    /// An error AWS returned: `code` is the exception name, `status` the HTTP status.
    pub fn service(
        code: &str,
        message: impl Into<String>,
        status: u16,
        request_id: Option<String>,
    ) -> Self {
        let code = if code.is_empty() {
            ErrorKind::Service.default_name()
        } else {
            code
        };
        Error::from(Details {
            kind: ErrorKind::Service,
            code: code.to_owned(),
            message: message.into(),
            field: None,
            request_id,
            http_status: Some(status),
            retryable: is_transient(code, status),
            unprocessed: Vec::new(),
            cancellation_reasons: Vec::new(),
        })
    }
}

impl From<Details> for Error {
    fn from(details: Details) -> Self {
        Error(Box::new(details))
    }
}

/// AWS exception names that mean "slow down and try again", as the AWS SDKs' standard retry
/// mode lists them.
const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// AWS exception names that are transient whatever their status.
const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalError",
    "InternalErrorException",
    "InternalServerError",
    "ServiceUnavailable",
];

/// Whether an AWS error is worth retrying: throttling, transient codes and 5xx other than 501.
pub fn is_transient(code: &str, status: u16) -> bool {
    THROTTLING_CODES.contains(&code)
        || TRANSIENT_CODES.contains(&code)
        || status == 429
        || (status >= 500 && status != 501)
}

/// Whether an AWS error is a throttling error (which backs off longer).
pub fn is_throttling(code: &str, status: u16) -> bool {
    THROTTLING_CODES.contains(&code) || status == 429
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {

    #[test]
    fn kind_names_are_the_variant_names() {
        use ErrorKind::*;
        for kind in [
            Config,
            InvalidInput,
            OutOfScope,
            Service,
            Network,
            Protocol,
            Aborted,
            Internal,
            Passkey,
        ] {
            assert_eq!(kind.as_str(), format!("{kind:?}"));
        }
    }

    use super::*;

    #[test]
    fn service_errors_keep_the_aws_name_and_classify_retries() {
        let e = Error::service(
            "NotAuthorizedException",
            "Incorrect username or password.",
            400,
            None,
        );
        assert_eq!(e.code, "NotAuthorizedException");
        assert_eq!(e.kind, ErrorKind::Service);
        assert!(!e.retryable);
        assert!(Error::service("ThrottlingException", "slow down", 400, None).retryable);
        assert!(Error::service("", "boom", 503, None).retryable);
        assert_eq!(Error::service("", "boom", 503, None).code, "ServiceError");
        assert!(!Error::service("NotImplemented", "no", 501, None).retryable);
    }

    #[test]
    fn config_errors_name_the_field() {
        let e = Error::config("region", "region must look like us-east-1");
        assert_eq!(e.field.as_deref(), Some("region"));
        assert_eq!(e.code, "ConfigError");
        assert_eq!(
            e.to_string(),
            "ConfigError: region must look like us-east-1"
        );
    }
}
