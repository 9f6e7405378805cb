//! Composes user_pool, identity_pool, cache and storage into "give me valid credentials":
//! sign-in state, token refresh and credential refresh, one in flight at a time. Built by issues
//! #3 and #4.
