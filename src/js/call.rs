//! Running a signed AWS call for the signed-in user: credentials, the call's abort signal and
//! the session generation it started under.

use super::*;

/// `fetch` for one AWS call, which sends nothing once the sign-in the call began under has
/// ended: a retry after a sign-out must not go out with the signed-out user's credentials.
pub(super) struct SessionBoundFetch {
    pub(super) fetch: Fetch,
    pub(super) session: Rc<Session<Fetch>>,
    pub(super) generation: u64,
}

impl Transport for SessionBoundFetch {
    async fn send(&self, request: Request) -> Result<Response, Error> {
        self.session.still_current(self.generation)?;
        self.fetch.send(request).await
    }

    fn pause(&self, ms: f64) -> impl std::future::Future<Output = ()> {
        self.fetch.pause(ms)
    }

    fn jitter(&self) -> f64 {
        self.fetch.jitter()
    }
}

/// The body of one signed AWS call: what to send and how to read the answer, given the
/// signed-in user's identity and the signed-call context.
pub(super) type SignedCallBody = Box<
    dyn for<'a> FnOnce(
        &'a AwsIdentity,
        &'a signed_call::SignedCall<'a, SessionBoundFetch>,
    ) -> LocalBoxFuture<'a, Result<JsValue, Error>>,
>;

/// Boxes a call body (the bound lets closures infer their higher-ranked signature).
pub(super) fn signed_call_body<F>(call: F) -> SignedCallBody
where
    F: for<'a> FnOnce(
            &'a AwsIdentity,
            &'a signed_call::SignedCall<'a, SessionBoundFetch>,
        ) -> LocalBoxFuture<'a, Result<JsValue, Error>>
        + 'static,
{
    Box::new(call)
}

/// Runs `call` for the signed-in user with their identity and a signed-call context whose
/// fetches obey `signal` and stop at a sign-out; the future owns everything it needs. Not
/// generic: one copy of this machinery serves every DynamoDB and S3 method.
pub(super) fn run_signed_call(
    session: &Rc<Session<Fetch>>,
    service: Service,
    signal: Option<AbortSignal>,
    call: SignedCallBody,
) -> Promise {
    let policy = match service {
        Service::DynamoDb => Policy::DYNAMODB,
        _ => Policy::STANDARD,
    };
    run_signed_call_as(session, service.name(), None, policy, signal, call)
}

/// [`run_signed_call`] for any signing name, in `region` (the client's when `None`), under
/// `policy`: the app's own APIs (`aws.fetch`).
pub(super) fn run_signed_call_as(
    session: &Rc<Session<Fetch>>,
    service: &'static str,
    region: Option<String>,
    policy: Policy,
    signal: Option<AbortSignal>,
    call: SignedCallBody,
) -> Promise {
    let session = session.clone();
    let generation = session.generation();
    let identity = session.aws_identity();
    promise_of(Box::pin(async move {
        let identity = identity.await?;
        let transport = SessionBoundFetch {
            fetch: Fetch {
                signal,
                timeout_ms: f64::from(session.config().attempt_timeout_ms),
                body: None,
                range: None,
                progress: None,
            },
            session: session.clone(),
            generation,
        };
        let jitter = js_sys::Math::random;
        let ctx = signed_call::SignedCall {
            transport: &transport,
            clock: session.clock(),
            now: &|| session.local_now_ms(),
            credentials: &identity.credentials,
            region: region.as_deref().unwrap_or(&session.config().region),
            service,
            policy,
            jitter: &jitter,
        };
        call(&identity, &ctx).await
    }))
}
