"""apiless's patches to ministack 1.5.33, closing the gaps between it and AWS that the SDK relies on.

Each patch wraps one ministack function and is installed by `install()` before the server starts:

  policy-variables  `${cognito-identity.amazonaws.com:sub}`, `${aws:userid}`, ... are substituted in the
                    Resource and Condition values of every policy ministack evaluates, and a
                    GetCredentialsForIdentity session carries the `cognito-identity.amazonaws.com:sub`,
                    `:aud` and `:amr` condition keys.  (Stock: never substituted, so even a user's own
                    S3 prefix is denied.)
  leading-keys      `dynamodb:LeadingKeys` is set from the partition-key values the operation (its
                    X-Amz-Target) names in its own key fields; other fields of the body are ignored.
                    (Stock: never set, and ForAllValues over a missing key is vacuously true, so a user
                    can write another user's partition key.)
  iam-wildcards     `*` and `?` in a policy's Resource and StringLike values match any character,
                    newlines included, and a pattern matches the whole value.  (Stock: `.` without
                    DOTALL and `$`, so an S3 key with a newline in it is denied, while a value ending
                    in a newline matches a pattern without one.)
  signature-errors  A signature mismatch of a JSON-protocol service (DynamoDB, Cognito) answers AWS's
                    whole text: the canonical request and string to sign it expected; an S3
                    RequestTimeTooSkewed carries RequestTime, ServerTime and MaxAllowedSkewMilliseconds,
                    and S3 authentication errors keep their elements on every path.  (Stock: the first
                    sentence only; skew and ListObjects errors without their elements.)
  identity-pool     GetId without Logins on a pool that disallows unauthenticated identities fails with
                    NotAuthorizedException; GetCredentialsForIdentity for an unknown IdentityId fails
                    with ResourceNotFoundException.  (Stock: both vend an identity / credentials.)
                    Stock ministack's linking of a guest identity to a login (or its merge into the
                    login's identity) is kept as Cognito does it; its patch points are checked too.
  dynamodb-denial-status
                    DynamoDB answers AccessDeniedException with HTTP 400, as AWS documents for every
                    DynamoDB client error.  (Stock: 403.)
  profile           A user's own attributes as Cognito keeps them: UpdateUserAttributes sends a code for a new
                    auto-verified email or phone_number (marking it unverified, or keeping the old value until
                    it is confirmed when the pool says so), DeleteUserAttributes, GetUserAttributeVerificationCode
                    and VerifyUserAttribute exist, and SetUserMFAPreference takes EmailMfaSettings and refuses
                    a factor the user cannot receive.  (Stock: the email changes silently and stays verified,
                    the three operations are unknown, email MFA is ignored and TOTP turns on without a token.)
  mfa               MFA at sign-in as Cognito issues it (cognito_mfa.py): SMS_MFA and EMAIL_OTP with a code "sent"
                    through the SES recorder, SELECT_MFA_TYPE for several factors and none preferred, MFA_SETUP
                    when the pool requires MFA and the user has none, each answer checked against its session.
                    (Stock: SOFTWARE_TOKEN_MFA only, a required-MFA user signs in without a factor, and SMS_MFA
                    or MFA_SETUP answered with any session and any code gives the named user's tokens.)
  rotation          An app client's RefreshTokenRotation (Feature, RetryGracePeriodSeconds 0-60) is kept, and
                    with it ENABLED GetTokensFromRefreshToken issues a new refresh token and refuses the old
                    one with RefreshTokenReuseException once its grace period is over (cognito_rotation.py).
                    (Stock: the setting is dropped and no refresh token is ever rotated.)
  user-auth         Choice-based sign-in (cognito_userauth.py): InitiateAuth USER_AUTH offers the pool's
                    SignInPolicy first factors (SELECT_CHALLENGE, or the PREFERRED_CHALLENGE), EMAIL_OTP and
                    SMS_OTP with a code "sent" through the SES recorder and checked against its single-use
                    session, PASSWORD and PASSWORD_SRP (ministack's real SRP); SignUp without a password where
                    the pool offers a code factor; SignUp and ConfirmSignUp answer a Session, and InitiateAuth
                    USER_AUTH with the confirmed one signs the user in once.  (Stock: "Unsupported AuthFlow",
                    no SELECT_CHALLENGE or SMS_OTP, a password always required, no Session.)
  webauthn          Passkeys (cognito_webauthn.py): StartWebAuthnRegistration, CompleteWebAuthnRegistration,
                    ListWebAuthnCredentials and DeleteWebAuthnCredential on the caller's access token, and
                    USER_AUTH's WEB_AUTHN factor, each registration and assertion verified by py_webauthn
                    (challenge, origin, relying party id, attestation, signature, sign count) against the
                    pool's WebAuthnConfiguration.  (Stock: the four operations are unknown and WEB_AUTHN is
                    "not available".)

  oauth             The managed login's OAuth 2.0 endpoints as Cognito checks them (cognito_oauth.py): a
                    federated code keeps its PKCE challenge and redirect_uri to /oauth2/token, the federated
                    authorize request is checked against the app client, the upstream ID token is verified
                    (JWKS, iss, aud, exp), `Google` federates to the stand-in OpenID provider (upstream_oidc.py),
                    and /logout takes only the client's LogoutURLs.  (Stock: a federated code is exchanged with
                    any verifier or none and without redirect_uri, the upstream token is not verified, social
                    providers are refused, and /logout redirects anywhere when no LogoutURLs are set.)
  full-object-checksums
                    S3 multipart uploads take `x-amz-checksum-type` (s3_checksums.py): a FULL_OBJECT upload
                    (CRC32, CRC32C, CRC64NVME; CRC64NVME's only type) completes with the CRC of the whole
                    object, checks the one the completion sends (BadDigest), and reports it with ChecksumType
                    FULL_OBJECT; pairs S3 refuses are InvalidRequest.  (Stock: every multipart checksum is
                    COMPOSITE, CRC64NVME too, and a full-object CRC at completion is refused.)

CORS and the /_apiless endpoints live in middleware.py.  A patch point that is missing or whose
signature changed raises PatchPointError at startup: upgrading ministack must fail loudly, never
quietly drop a security check.
"""

import contextvars
import dataclasses
import datetime
import functools
import importlib
import inspect
import json
import re

import cognito_devices
import cognito_mfa
import cognito_oauth
import cognito_profile
import cognito_rotation
import cognito_userauth
import cognito_webauthn
import s3_checksums

PATCHES = ("policy-variables", "leading-keys", "iam-wildcards", "signature-errors", "identity-pool",
           "dynamodb-denial-status", "profile", "mfa", "devices", "rotation",
           "user-auth", "oauth", "webauthn", "full-object-checksums")

# The LeadingKeys value of an item request whose partition key cannot be read (unknown table,
# missing key attribute, unparsable KeyConditionExpression).  A ForAllValues condition over it is
# not vacuously true, and no identity id or user name can equal it.
UNDETERMINED_KEY = "<apiless: partition key not determined>"


class PatchPointError(RuntimeError):
    """A ministack function or store this extension wraps is missing or has changed."""


def install(disabled=()):
    """Apply every patch except those named in `disabled` (names from PATCHES)."""
    unknown = set(disabled) - set(PATCHES)
    if unknown:
        raise ValueError(f"unknown patch name(s): {', '.join(sorted(unknown))}; known: {', '.join(PATCHES)}")
    if "policy-variables" not in disabled:
        _install_policy_variables()
    if "leading-keys" not in disabled:
        _install_leading_keys()
    if "iam-wildcards" not in disabled:
        _install_iam_wildcards()
    if "signature-errors" not in disabled:
        _install_signature_errors()
    if "identity-pool" not in disabled:
        _install_identity_pool_checks()
    if "dynamodb-denial-status" not in disabled:
        _install_dynamodb_denial_status()
    if "profile" not in disabled:
        _install_profile()
    if "mfa" not in disabled:
        _install_mfa()
    if "devices" not in disabled:
        _install_devices()
    if "rotation" not in disabled:
        _install_rotation()
    if "user-auth" not in disabled:
        _install_user_auth()
    if "oauth" not in disabled:
        _install_oauth()
    if "webauthn" not in disabled:
        _install_webauthn()
    if "full-object-checksums" not in disabled:
        _install_full_object_checksums()


# ---------------------------------------------------------------------------------------------
# Patch-point checks
# ---------------------------------------------------------------------------------------------

def _module(name):
    return importlib.import_module(f"ministack.{name}")


def require(module, name):
    """The attribute `name` of `module`, or PatchPointError."""
    if not hasattr(module, name):
        raise PatchPointError(f"{module.__name__}.{name} is missing: update backend/extension.py for this ministack")
    return getattr(module, name)


def _checked(module, name, params, mentions=()):
    """module.name, after checking its parameter names and that its source uses the `mentions` names."""
    function = require(module, name)
    found = list(inspect.signature(function).parameters) if callable(function) else None
    if found != list(params):
        raise PatchPointError(f"{module.__name__}.{name} changed: expected parameters {list(params)}, "
                              f"found {found}; update backend/extension.py for this ministack")
    missing = [m for m in mentions if m not in inspect.getsource(function)]
    if missing:
        raise PatchPointError(f"{module.__name__}.{name} no longer uses {missing}; "
                              f"update backend/extension.py for this ministack")
    return function


def _wrap(module, name, params, make_wrapper):
    """Replace module.name by make_wrapper(original), after checking the original's parameter names."""
    original = _checked(module, name, params)
    wrapper = make_wrapper(original)
    wrapper.__wrapped__ = original
    setattr(module, name, wrapper)


# ---------------------------------------------------------------------------------------------
# (a) IAM policy variables and the cognito-identity condition keys
# ---------------------------------------------------------------------------------------------

def _install_policy_variables():
    evaluator = _module("core.iam_evaluator")
    sts = _module("services.sts")
    require(sts, "_sessions")
    # The session fields principal_keys reads are written there.
    _checked(_module("services.cognito"), "_get_credentials_for_identity", ["data"],
             mentions=["register_session", '"_identity_id"', '"_identity_pool_id"', '"_cognito_amr"'])
    resolve = _checked(evaluator, "_resolve_condition_key", ["key", "ctx"])
    _wrap(evaluator, "_principal_keys", ["credential"], lambda original: _with_cognito_keys(original, sts))
    _wrap(evaluator, "evaluate", ["ctx", "policies", "limits"],
          lambda original: _with_policy_variables(original, resolve))


def _with_cognito_keys(original, sts):
    """Add the cognito-identity condition keys to a session vended by GetCredentialsForIdentity."""
    def principal_keys(credential):
        keys = original(credential)
        session = sts._sessions.get(credential.access_key_id) or {}
        identity_id = session.get("_identity_id")
        if identity_id:  # recorded by cognito._get_credentials_for_identity
            keys["cognito-identity.amazonaws.com:sub"] = identity_id
            keys["cognito-identity.amazonaws.com:aud"] = session.get("_identity_pool_id") or ""
            keys["cognito-identity.amazonaws.com:amr"] = list(session.get("_cognito_amr") or [])
        return keys
    return principal_keys


def _with_policy_variables(original, resolve):
    """Evaluate with every policy's variables bound to the request context."""
    def evaluate(ctx, policies, *limits):
        return original(ctx, _bind_policies(policies, ctx, resolve),
                        *(_bind_policies(limit, ctx, resolve) for limit in limits))
    return evaluate


_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class _Unresolved(Exception):
    """A policy variable with no single value in the request context."""


def _bind_policies(policies, ctx, resolve):
    """The policies with variables substituted; a statement with an unresolvable variable is dropped.

    IAM: "If AWS cannot resolve a variable, this might cause the entire statement to be invalid."
    Multi-valued keys (such as cognito-identity.amazonaws.com:amr) cannot be variables.
    """
    bound = []
    for statements in policies:
        kept = []
        for stmt in statements:
            try:
                kept.append(_bind_statement(stmt, ctx, resolve))
            except _Unresolved:
                continue
        bound.append(kept)
    return bound


def _bind_statement(stmt, ctx, resolve):
    if "${" not in repr((stmt.resources, stmt.not_resources, stmt.conditions)):
        return stmt

    def sub(text):
        return _substitute(text, ctx, resolve) if isinstance(text, str) else text

    conditions = {
        operator: ({key: ([sub(v) for v in values] if isinstance(values, list) else sub(values))
                    for key, values in block.items()} if isinstance(block, dict) else block)
        for operator, block in stmt.conditions.items()
    }
    return dataclasses.replace(stmt, resources=[sub(r) for r in stmt.resources],
                               not_resources=[sub(r) for r in stmt.not_resources], conditions=conditions)


def _substitute(text, ctx, resolve):
    """Replace each ${key} or ${key, 'default'} in text by the key's single string value.

    Unlike IAM, a substituted `*` or `?` would act as a wildcard; no identity id or user id has one.
    Policies are substituted whatever their Version (IAM: only "2012-10-17"; the seeded ones are).
    """
    def one(match):
        key, _, default = match.group(1).partition(",")
        value = resolve(key.strip(), ctx)
        if isinstance(value, str) and value:
            return value
        default = default.strip()
        if len(default) >= 2 and default[0] == default[-1] == "'":
            return default[1:-1]
        raise _Unresolved(key)
    return _VARIABLE.sub(one, text)


# ---------------------------------------------------------------------------------------------
# (b) dynamodb:LeadingKeys
# ---------------------------------------------------------------------------------------------

# The DynamoDB operation (the X-Amz-Target after its dot) of the request being authorized.  Set
# by the wrapped extract_iam_action, which the router calls with the headers right before
# dynamodb_service_context(body), in the same task.
_operation = contextvars.ContextVar("apiless_dynamodb_operation", default=None)


def _install_leading_keys():
    dynamodb = _module("services.dynamodb")
    require(dynamodb, "_tables")
    actions = _module("core.iam_actions")
    _wrap(actions, "extract_iam_action", ["service", "method", "path", "headers", "body", "query_params"],
          _remembering_the_operation)
    _wrap(actions, "dynamodb_service_context", ["body"],
          lambda original: _with_leading_keys(original, dynamodb))


def _remembering_the_operation(original):
    def extract_iam_action(service, method, path, headers, body, query_params):
        target = (headers or {}).get("x-amz-target") or ""
        _operation.set(target.rpartition(".")[2] if service == "dynamodb" and target else None)
        return original(service, method, path, headers, body, query_params)
    return extract_iam_action


def _with_leading_keys(original, dynamodb):
    def dynamodb_service_context(body):
        context = original(body)
        keys = leading_keys(body, lambda name: dynamodb._tables.get(name), _operation.get())
        if keys is not None:
            context["dynamodb:LeadingKeys"] = keys
        return context
    return dynamodb_service_context


# Where each operation names its items: the fields AWS reads the partition key from.  Any other
# field of the body (a decoy `Item` on a GetItem, `TransactItems` on a PutItem, ...) is ignored,
# as ministack's handlers ignore it.
_ITEM_FIELD = {"GetItem": "Key", "DeleteItem": "Key", "UpdateItem": "Key", "PutItem": "Item"}
# A transaction entry's own item field, by entry kind.
_TRANSACT_FIELD = {"Get": "Key", "ConditionCheck": "Key", "Update": "Key", "Delete": "Key", "Put": "Item"}
_OPERATIONS_WITH_KEYS = {*_ITEM_FIELD, "Query", "BatchGetItem", "BatchWriteItem", "TransactGetItems",
                         "TransactWriteItems"}


def leading_keys(body, find_table, operation):
    """The partition-key values DynamoDB `operation` names in `body`, or None for one that names none.

    Only the operation's own key fields count: GetItem/UpdateItem/DeleteItem `Key`, PutItem
    `Item`, Query its key condition (KeyConditionExpression or legacy KeyConditions; on an index,
    the index's partition key), BatchGetItem/BatchWriteItem `RequestItems` and
    TransactGetItems/TransactWriteItems `TransactItems`, every item of them (IAM authorizes
    each item as its single-item action, and one refusal refuses the call, so one union
    under ForAllValues gives the same answer).  Scan and table-level operations name none,
    as on AWS.  An unknown operation (the request's target was not seen) gets a value no policy
    matches, never none: a broken hook must refuse, not allow.  `find_table(name)` returns
    ministack's table record (with KeySchema and its indexes) or None.
    """
    try:
        data = json.loads(body or b"{}")
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    if operation is None:
        return [UNDETERMINED_KEY]
    if operation not in _OPERATIONS_WITH_KEYS:
        return None
    table = find_table(_table_name(data.get("TableName")))
    if operation in _ITEM_FIELD:
        keys = [_item_key(table, data.get(_ITEM_FIELD[operation]))]
    elif operation == "Query":
        keys = _query_keys(data, table)
    elif operation in ("BatchGetItem", "BatchWriteItem"):
        keys = _batch_keys(data.get("RequestItems"), find_table, operation == "BatchWriteItem")
    else:
        keys = [_item_key(find_table(_table_name(op.get("TableName"))), op.get(_TRANSACT_FIELD[kind]))
                for entry in _list(data.get("TransactItems")) if isinstance(entry, dict)
                for kind, op in entry.items() if kind in _TRANSACT_FIELD and isinstance(op, dict)]
    return keys or [UNDETERMINED_KEY]


def _batch_keys(request_items, find_table, writes):
    keys = []
    for name, request in (request_items.items() if isinstance(request_items, dict) else []):
        table = find_table(_table_name(name))
        if writes:  # BatchWriteItem: [{"PutRequest": {"Item": ...}} | {"DeleteRequest": {"Key": ...}}]
            items = [request_of.get(field) for entry in _list(request) if isinstance(entry, dict)
                     for kind, field in (("PutRequest", "Item"), ("DeleteRequest", "Key"))
                     if isinstance(request_of := entry.get(kind), dict)]
        else:  # BatchGetItem: {"Keys": [...]}
            items = _list(request.get("Keys")) if isinstance(request, dict) else []
        keys += [_item_key(table, item) for item in items] or [UNDETERMINED_KEY]
    return keys


def _item_key(table, item):
    """The partition-key value of an Item or Key map."""
    name = _hash_key_name(table, None)
    value = item.get(name) if isinstance(item, dict) and name else None
    return _scalar(value)


def _query_keys(data, table):
    """The values a Query's key condition requires the partition key to equal (both forms, if both are sent)."""
    name = _hash_key_name(table, data.get("IndexName"))
    if not name:
        return [UNDETERMINED_KEY]
    keys = []
    if "KeyConditionExpression" in data:
        keys.append(_expression_key(data, name))
    if "KeyConditions" in data:
        condition = (data.get("KeyConditions") or {}).get(name) if isinstance(data.get("KeyConditions"), dict) else None
        operands = _list(condition.get("AttributeValueList")) if isinstance(condition, dict) else []
        eq = isinstance(condition, dict) and condition.get("ComparisonOperator") == "EQ" and len(operands) == 1
        keys.append(_scalar(operands[0]) if eq else UNDETERMINED_KEY)
    return keys or [UNDETERMINED_KEY]


def _expression_key(data, name):
    """The value a KeyConditionExpression binds the attribute `name` to with `=`."""
    names = data.get("ExpressionAttributeNames") or {}
    values = data.get("ExpressionAttributeValues") or {}
    expression = data.get("KeyConditionExpression")
    for clause in re.split(r"\s+and\s+", expression if isinstance(expression, str) else "", flags=re.I):
        match = re.fullmatch(r"\(*\s*([#:]?[\w.-]+)\s*=\s*([#:]?[\w.-]+)\s*\)*", clause.strip())
        if not match:
            continue
        left, right = match.groups()
        for attribute, placeholder in ((left, right), (right, left)):
            if names.get(attribute, attribute) == name and placeholder.startswith(":"):
                return _scalar(values.get(placeholder))
    return UNDETERMINED_KEY


def _hash_key_name(table, index_name):
    """The HASH attribute of the table, or of the index a Query names."""
    if not isinstance(table, dict):
        return None
    schema = table.get("KeySchema")
    if index_name:
        indexes = (table.get("GlobalSecondaryIndexes") or []) + (table.get("LocalSecondaryIndexes") or [])
        schema = next((i.get("KeySchema") for i in indexes if i.get("IndexName") == index_name), None)
    return next((k.get("AttributeName") for k in _list(schema) if k.get("KeyType") == "HASH"), None)


def _scalar(value):
    """The string form of an S, N or B attribute value, as IAM compares it."""
    if isinstance(value, dict) and len(value) == 1:
        (kind, raw), = value.items()
        if kind in ("S", "N", "B") and isinstance(raw, str):
            return raw
    return UNDETERMINED_KEY


def _table_name(name):
    """A TableName parameter may also be the table's ARN."""
    if isinstance(name, str) and name.startswith("arn:") and ":table/" in name:
        return name.split(":table/", 1)[1].split("/", 1)[0]
    return name


def _list(value):
    return value if isinstance(value, list) else []


# ---------------------------------------------------------------------------------------------
# (c) IAM wildcards
# ---------------------------------------------------------------------------------------------

def _install_iam_wildcards():
    evaluator = _module("core.iam_evaluator")
    # fnmatch_iam (Action) and fnmatch_iam_cs (Resource, StringLike, ArnLike) call it by name.
    _checked(evaluator, "fnmatch_iam_cs", ["value", "pattern"], mentions=["_fnmatch_compile"])
    _wrap(evaluator, "_fnmatch_compile", ["pattern", "ignore_case"],
          lambda _original: lambda pattern, ignore_case: wildcard_pattern(pattern, ignore_case))


@functools.lru_cache(maxsize=4096)
def wildcard_pattern(pattern, ignore_case):
    """An IAM wildcard pattern as a regex: `*` any run of characters and `?` one, newlines included.

    The regex must be matched with `.match` (as ministack does); `\\Z` makes that a whole match,
    where `$` would also accept a value with one more trailing newline.
    """
    regex = "".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile(f"(?:{regex})\\Z", re.DOTALL | (re.IGNORECASE if ignore_case else 0))


# ---------------------------------------------------------------------------------------------
# (e) signature errors with AWS's whole text
# ---------------------------------------------------------------------------------------------

S3_MAX_SKEW_MS = 15 * 60 * 1000


def _install_signature_errors():
    sigv4 = _module("core.sigv4")
    evaluator = _module("core.iam_evaluator")
    # authenticate() imports both from sigv4 when it runs, and passes request_time_failure's
    # tuple to AuthError(code, message, details).
    _checked(evaluator, "authenticate", ["access_key_id", "account_id"],
             mentions=["header_signature_failure", "request_time_failure", "AuthError(*skewed)"])
    require(evaluator, "AuthError")
    _wrap(sigv4, "header_signature_failure",
          ["signature", "secret", "method", "raw_path", "query_params", "headers", "body", "presigned", "explain"],
          _explaining_json_services)
    _wrap(sigv4, "request_time_failure", ["signature", "now"], _with_s3_skew_elements)
    app = _module("app")
    s3 = _module("services.s3")
    _checked(s3, "_object_error", ["code", "message", "status", "fields"])
    _checked(_module("core.iam_actions"), "_auth_failure", ["service", "code", "message", "headers"])
    _wrap(app, "_credential_failure", ["service", "iam_action", "request_id", "denied", "headers"],
          lambda original: _s3_failures_with_elements(original, s3))


def _explaining_json_services(original):
    def header_signature_failure(signature, *args, **kwargs):
        if signature.service != "s3":  # S3 puts the same strings in elements of its own
            kwargs["explain"] = True
        return original(signature, *args, **kwargs)
    return header_signature_failure


def _with_s3_skew_elements(original):
    def request_time_failure(signature, *, now=None):
        failure = original(signature, now=now)
        if failure is None or signature.service != "s3":
            return failure
        server = now or datetime.datetime.now(datetime.timezone.utc)
        code, _ = failure
        return code, failure[1], {"RequestTime": signature.amz_date,
                                  "ServerTime": server.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                  "MaxAllowedSkewMilliseconds": str(S3_MAX_SKEW_MS)}
    return request_time_failure


def _s3_failures_with_elements(original, s3):
    """S3 requests refused before their handler (ListObjects, ...) keep the AuthError's elements."""
    from ministack.core.iam_actions import _auth_failure

    def credential_failure(service, iam_action, request_id, denied, headers):
        if service != "s3" or not getattr(denied, "details", None):
            return original(service, iam_action, request_id, denied, headers)
        code, status, message = _auth_failure("s3", denied.code, denied.message, headers)
        return s3._object_error(code, message, status, **denied.details)
    return credential_failure


# ---------------------------------------------------------------------------------------------
# S3 bucket CORS, for the middleware
# ---------------------------------------------------------------------------------------------

def s3_cors_exposed():
    """A function (bucket, method, origin) -> the ExposeHeaders of the bucket's first CORS rule that
    allows the request, comma-separated ("" when it names none), or None when no rule allows it."""
    answer = _checked(_module("services.s3"), "cors_response_headers", ["bucket_name", "method", "headers"])

    def exposed(bucket, method, origin):
        found = answer(bucket, method, {"origin": origin})
        return found.get("Access-Control-Expose-Headers", "") if found else None
    return exposed


# ---------------------------------------------------------------------------------------------
# (d) identity-pool checks
# ---------------------------------------------------------------------------------------------

_UNAUTHENTICATED = "Unauthenticated access is not supported for this identity pool."


def _install_identity_pool_checks():
    cognito = _module("services.cognito")
    error = _checked(_module("core.responses"), "error_response_json",
                     ["code", "message", "status", "extra", "message_key", "content_type"])
    require(cognito, "_identity_pools")
    # Not patched, relied on: ministack links a login sent with a guest's identity id to it, or
    # merges the guest into the identity holding the login, as Cognito does (tests/test_guests.py).
    _checked(cognito, "_link_logins", ["pool", "identity_id", "logins"], mentions=["_merged_into"])
    _checked(cognito, "_get_credentials_for_identity", ["data"], mentions=["_link_logins"])
    _wrap(cognito, "_get_id", ["data"], lambda original: _refusing_unauthenticated_get_id(original, cognito, error))
    _wrap(cognito, "_get_credentials_for_identity", ["data"],
          lambda original: _refusing_unknown_identity(original, cognito, error))


def _refusing_unauthenticated_get_id(original, cognito, error):
    def get_id(data):
        pool = cognito._identity_pools.get(data.get("IdentityPoolId"))
        if pool and not data.get("Logins") and not pool.get("AllowUnauthenticatedIdentities"):
            return error("NotAuthorizedException", _UNAUTHENTICATED, 400)
        return original(data)
    return get_id


def _refusing_unknown_identity(original, cognito, error):
    def get_credentials_for_identity(data):
        identity_id = data.get("IdentityId")
        pool = next((p for p in cognito._identity_pools.values()
                     if identity_id in (p.get("_identities") or {})), None)
        if pool is None:
            return error("ResourceNotFoundException", f"Identity '{identity_id}' not found.", 400)
        identity = pool["_identities"][identity_id]
        if not data.get("Logins") and not identity.get("Logins") and not pool.get("AllowUnauthenticatedIdentities"):
            return error("NotAuthorizedException", _UNAUTHENTICATED, 400)
        return original(data)
    return get_credentials_for_identity


# ---------------------------------------------------------------------------------------------
# DynamoDB denial status
# ---------------------------------------------------------------------------------------------

def _install_dynamodb_denial_status():
    _wrap(_module("core.iam_actions"), "access_denied_response",
          ["service", "action", "principal_arn", "request_id", "error_code", "message", "headers", "resource_arn",
           "explicit_deny", "resource_policy_arn"], _dynamodb_denials_as_400)


def _dynamodb_denials_as_400(original):
    def access_denied_response(service, *args, **kwargs):
        status, headers, body = original(service, *args, **kwargs)
        return (400 if service == "dynamodb" and status == 403 else status), headers, body
    return access_denied_response


# ---------------------------------------------------------------------------------------------
# (f) the profile: user attributes, their verification, and MFA preferences (cognito_profile.py)
# ---------------------------------------------------------------------------------------------

def _install_profile():
    cognito = _module("services.cognito")
    for name in ("_UNSIGNED_IDP_ACTIONS", "_user_pool_for_access_token", "_attr_list_to_dict", "_dict_to_attr_list",
                 "_send_verification_email", "_deliver_cognito_email", "_masked_destination",
                 "_ensure_schema_attributes", "_now_epoch", "json_response", "error_response_json"):
        require(cognito, name)
    _checked(cognito, "_run_idp_handler", ["handler", "action", "data"], mentions=["_access_token_error"])
    profile = cognito_profile.Profile(cognito)
    cognito._UNSIGNED_IDP_ACTIONS.update(cognito_profile.PROFILE_ACTIONS)
    _wrap(cognito, "_update_user_attributes", ["data"], lambda _original: lambda data: profile.update_user_attributes(data))
    _wrap(cognito, "_set_user_mfa_preference", ["data"],
          lambda _original: lambda data: profile.set_user_mfa_preference(data))
    # The handler table is built inside _dispatch_idp on each call, from the module's globals: the
    # two wrappers above take effect through it, and the actions it lacks are answered here.
    _checked(cognito, "_dispatch_idp", ["action", "data"],
             mentions=['"UpdateUserAttributes": _update_user_attributes',
                       '"SetUserMFAPreference": _set_user_mfa_preference'])
    _wrap(cognito, "_dispatch_idp", ["action", "data"], profile.dispatching)


# ---------------------------------------------------------------------------------------------
# (g) MFA at sign-in: which challenge, its code, and the answer's check (cognito_mfa.py)
# ---------------------------------------------------------------------------------------------

_SIGN_IN_CLIENT = contextvars.ContextVar("apiless_sign_in_client", default=None)
_sign_in_mfa = None


def sign_in_mfa():
    """The installed SignInMfa (None when the `mfa` patch is off): fixtures.py expires its steps."""
    return _sign_in_mfa


def _install_mfa():
    global _sign_in_mfa
    cognito = _module("services.cognito")
    for name in ("_attr_list_to_dict", "_dict_to_attr_list", "_deliver_cognito_email", "_masked_destination",
                 "_resolve_user", "_pool_for_client", "_build_auth_result", "_totp_matches", "_finish_auth_event",
                 "_user_pools", "json_response", "error_response_json"):
        require(cognito, name)
    mfa = cognito_mfa.SignInMfa(cognito)
    # Every verified password (USER_SRP_AUTH's PASSWORD_VERIFIER, USER_PASSWORD_AUTH) asks
    # _mfa_challenge_for_user, through _password_auth_result, which knows the app client.
    _checked(cognito, "_password_auth_result", ["pool", "pid", "cid", "user", "username", "client_metadata", "data"],
             mentions=["_mfa_challenge_for_user(pool, user, pid, username)"])

    def remembering_client(original):
        def password_auth_result(pool, pid, cid, user, username, client_metadata=None, data=None):
            token = _SIGN_IN_CLIENT.set(cid)
            try:
                return original(pool, pid, cid, user, username, client_metadata, data)
            finally:
                _SIGN_IN_CLIENT.reset(token)
        return password_auth_result

    _wrap(cognito, "_password_auth_result", ["pool", "pid", "cid", "user", "username", "client_metadata", "data"],
          remembering_client)
    _wrap(cognito, "_mfa_challenge_for_user", ["pool", "user", "pid", "username"],
          lambda _original: lambda pool, user, pid, username: mfa.challenge_for(
              pool, user, pid, username, _SIGN_IN_CLIENT.get()))
    _wrap(cognito, "_respond_to_auth_challenge", ["data"], mfa.responding)
    _wrap(cognito, "_associate_software_token", ["data"], mfa.associating)
    _wrap(cognito, "_verify_software_token", ["data"], mfa.verifying)
    _checked(cognito, "_dispatch_idp", ["action", "data"],
             mentions=['"RespondToAuthChallenge": _respond_to_auth_challenge',
                       '"AssociateSoftwareToken": _associate_software_token',
                       '"VerifySoftwareToken": _verify_software_token'])
    _sign_in_mfa = mfa


# ---------------------------------------------------------------------------------------------
# (h) device tracking: NewDeviceMetadata, ConfirmDevice ... ListDevices, DEVICE_SRP_AUTH (cognito_devices.py)
# ---------------------------------------------------------------------------------------------

def _install_devices():
    cognito = _module("services.cognito")
    for name in ("_UNSIGNED_IDP_ACTIONS", "_user_pools", "_user_pool_for_access_token", "_resolve_user", "_now_epoch",
                 "_build_auth_result", "_srp_response_format_error", "_srp_canonical_timestamp", "_srp_hash",
                 "_srp_pad", "_SRP_N", "_SRP_G", "_SRP_K", "_SRP_A_RE", "json_response", "error_response_json"):
        require(cognito, name)
    _checked(cognito, "_run_idp_handler", ["handler", "action", "data"], mentions=["_access_token_error"])
    devices = cognito_devices.Devices(cognito)
    cognito._UNSIGNED_IDP_ACTIONS.update(cognito_devices.DEVICE_ACTIONS)
    _wrap(cognito, "_dispatch_idp", ["action", "data"], devices.dispatching)


# ---------------------------------------------------------------------------------------------
# (i) refresh-token rotation (cognito_rotation.py)
# ---------------------------------------------------------------------------------------------

def _install_rotation():
    cognito = _module("services.cognito")
    for name in ("_user_pools", "_pool_for_client", "_refresh_auth_result", "_token_claims", "_user_from_token",
                 "_attr_list_to_dict", "json_response", "error_response_json"):
        require(cognito, name)
    _checked(cognito, "_fake_token", ["sub", "pool_id", "client_id", "token_type", "username", "user_attrs", "groups",
                                      "nonce", "trigger_source", "client_metadata", "origin_jti", "scope"])
    _checked(cognito, "_dispatch_idp", ["action", "data"],
             mentions=['"GetTokensFromRefreshToken": _get_tokens_from_refresh_token',
                       '"CreateUserPoolClient": _create_user_pool_client'])
    rotation = cognito_rotation.Rotation(cognito)
    for name in ("_create_user_pool_client", "_update_user_pool_client"):
        _wrap(cognito, name, ["data"], rotation.client_call)
    _wrap(cognito, "_get_tokens_from_refresh_token", ["data"], rotation.get_tokens_from_refresh_token)


# ---------------------------------------------------------------------------------------------
# (j) choice-based sign-in: USER_AUTH, SELECT_CHALLENGE, EMAIL_OTP / SMS_OTP first factors,
#     passwordless sign-up and the sign-in after confirmation (cognito_userauth.py)
# ---------------------------------------------------------------------------------------------

_user_auth = None


def user_auth():
    """The installed UserAuth (None when the `user-auth` patch is off): fixtures.py expires its steps."""
    return _user_auth


def _install_user_auth():
    global _user_auth
    cognito = _module("services.cognito")
    for name in ("_attr_list_to_dict", "_dict_to_attr_list", "_deliver_cognito_email", "_masked_destination",
                 "_resolve_user", "_pool_for_client", "_build_auth_result", "_create_challenge_session",
                 "_SRP_A_RE", "json_response", "error_response_json"):
        require(cognito, name)
    _checked(cognito, "_srp_challenge", ["pool_id", "user", "user_id", "srp_a", "secret_block"])
    _checked(cognito, "_password_auth_result", ["pool", "pid", "cid", "user", "username", "client_metadata", "data"])
    # Installed after `mfa`: its RespondToAuthChallenge hands on what is not a USER_AUTH step.
    auth = cognito_userauth.UserAuth(cognito)
    _wrap(cognito, "_initiate_auth", ["data"], auth.initiating)
    _wrap(cognito, "_respond_to_auth_challenge", ["data"], auth.responding)
    _wrap(cognito, "_sign_up", ["data"], auth.signing_up)
    _wrap(cognito, "_confirm_sign_up", ["data"], auth.confirming)
    _checked(cognito, "_dispatch_idp", ["action", "data"],
             mentions=['"InitiateAuth": _initiate_auth', '"RespondToAuthChallenge": _respond_to_auth_challenge',
                       '"SignUp": _sign_up', '"ConfirmSignUp": _confirm_sign_up'])
    _user_auth = auth


# ---------------------------------------------------------------------------------------------
# (k) the managed login's OAuth 2.0 endpoints: federated PKCE, the upstream ID token, Google,
#     /logout (cognito_oauth.py)
# ---------------------------------------------------------------------------------------------

def _install_oauth():
    cognito = _module("services.cognito")
    for name in ("_auth_codes", "_qp", "_oauth2_error", "_find_pool_by_client_id", "_get_pool_unscoped",
                 "_pkce_error_redirect", "_verify_pkce", "_authenticate_client"):
        require(cognito, name)
    _checked(cognito, "handle_oauth2_authorize", ["method", "path", "headers", "query_params"],
             mentions=["_oauth2_authorize_federation(query_params)"])
    _checked(cognito, "handle_request", ["method", "path", "headers", "body", "query_params"],
             mentions=["_oauth2_idp_response", "_oauth2_token"])
    _checked(cognito, "_oauth2_idp_response", ["method", "body", "query_params"],
             mentions=["_decode_id_token_unverified(id_token)", '"type": "code"'])
    oauth = cognito_oauth.OAuth(cognito)
    _wrap(cognito, "_oauth2_authorize_federation", ["query_params"], oauth.federating)
    _wrap(cognito, "_oauth2_idp_response", ["method", "body", "query_params"], oauth.idp_response)
    _wrap(cognito, "_decode_id_token_unverified", ["id_token"], oauth.verifying_id_tokens)
    _wrap(cognito, "_oauth2_token", ["data", "query_params", "raw_body", "headers"], oauth.token)
    _wrap(cognito, "handle_logout", ["method", "path", "headers", "query_params"], oauth.logout)
# (k) passkeys: the WebAuthn registration operations and USER_AUTH's WEB_AUTHN factor
#     (cognito_webauthn.py)
# ---------------------------------------------------------------------------------------------

_webauthn = None


def webauthn():
    """The installed WebAuthn (None when the `webauthn` patch is off): fixtures.py expires its steps."""
    return _webauthn


def _install_webauthn():
    global _webauthn
    cognito = _module("services.cognito")
    for name in ("_UNSIGNED_IDP_ACTIONS", "_user_pool_for_access_token", "_token_claims", "_attr_list_to_dict",
                 "_resolve_user", "json_response", "error_response_json"):
        require(cognito, name)
    _checked(cognito, "_run_idp_handler", ["handler", "action", "data"], mentions=["_access_token_error"])
    passkeys = cognito_webauthn.WebAuthn(cognito)
    cognito._UNSIGNED_IDP_ACTIONS.update(cognito_webauthn.WEBAUTHN_ACTIONS)
    _wrap(cognito, "_dispatch_idp", ["action", "data"], passkeys.dispatching)
    # The WEB_AUTHN factor goes through the `user-auth` patch's USER_AUTH, when it is on.
    if _user_auth is not None:
        _user_auth.webauthn = passkeys
    _webauthn = passkeys


# ---------------------------------------------------------------------------------------------
# (l) full-object checksums of S3 multipart uploads (s3_checksums.py)
# ---------------------------------------------------------------------------------------------

def _install_full_object_checksums():
    s3 = _module("services.s3")
    for name in ("_multipart_uploads", "_completed_multipart_uploads", "_compute_s3_checksum", "_ensure_bucket",
                 "_error", "_qp"):
        require(s3, name)
    checksums = s3_checksums.Checksums(s3)
    _wrap(s3, "_create_multipart_upload", ["bucket_name", "key", "headers"], checksums.creating)
    _wrap(s3, "_complete_multipart_upload", ["bucket_name", "key", "body", "query_params", "headers"],
          checksums.completing)
