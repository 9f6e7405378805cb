//! Futures to Promises: every export's Promise, its rejection with a real `Error`, and the
//! panic guard and hook.

use super::*;

/// Runs `future` as a Promise; a rejected Promise carries a real `Error`.
///
/// Every async export goes through here. Should the future panic (a bug), the panic hook
/// (installed by `createClient`) rejects this Promise with an `InternalError` instead of
/// leaving it pending forever, and the module goes on serving other calls.
pub fn promise<F>(future: F) -> Promise
where
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    // One copy of the Promise plumbing for every export: only the boxing is per future.
    promise_of(Box::pin(future))
}

/// A call's future, boxed.
pub(super) type CallFuture = LocalBoxFuture<'static, Result<JsValue, Error>>;

pub(super) fn promise_of(future: CallFuture) -> Promise {
    let mut future = Some(future);
    Promise::new(&mut |resolve, reject| {
        let Some(future) = future.take() else { return };
        let guarded = PanicGuard {
            future,
            reject: reject.clone(),
        };
        spawn_local(async move {
            let (settle, value) = match guarded.await {
                Ok(value) => (resolve, value),
                Err(e) => (reject, JsValue::from(e)),
            };
            // Calling resolve or reject only fails if they throw, which they never do.
            let _ = settle.call1(&JsValue::UNDEFINED, &value);
        });
    })
}

thread_local! {
    /// The `reject` of the Promise whose future is being polled right now, if any.
    static POLLING: std::cell::RefCell<Option<Function>> = const { std::cell::RefCell::new(None) };
}

/// Marks its Promise as the one being polled, for the panic hook.
pub(super) struct PanicGuard {
    pub(super) future: CallFuture,
    pub(super) reject: Function,
}

impl std::future::Future for PanicGuard {
    type Output = Result<JsValue, Error>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let reject = self.reject.clone();
        let outer = POLLING.with(|p| p.try_borrow_mut().ok()?.replace(reject));
        let polled = self.future.as_mut().poll(cx);
        POLLING.with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                *p = outer;
            }
        });
        polled
    }
}

/// Installs (once) the panic hook that turns a panic into an `InternalError`: it rejects the
/// Promise being polled, if any, and logs the panic's message and place on the console. The
/// wasm instance stays usable: each call holds its own state, and a panic only ends the call
/// that hit it. (A panic in a synchronous method throws a `WebAssembly.RuntimeError`, also an
/// `Error`, after the same console line.)
pub fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload_as_str().unwrap_or("a panic");
            let place = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = format!(
                "apiless hit a bug and stopped this call ({payload}{place}); please report it"
            );
            web_sys::console::error_1(&message.as_str().into());
            let reject = POLLING.with(|p| p.try_borrow_mut().ok()?.take());
            if let Some(reject) = reject {
                let _ = reject.call1(&JsValue::UNDEFINED, &Error::internal(message).into());
            }
        }));
    });
}

/// A Promise rejected with `e` (input refused before any request).
pub(super) fn rejected(e: Error) -> Promise {
    Promise::reject(&JsValue::from(e))
}

/// Parses the input object of method `name` and starts `call` with it; a Promise rejected
/// with an `InvalidInputError` when the input is malformed (nothing is sent).
pub(super) fn with_input<I, F>(name: &str, input: JsValue, call: impl FnOnce(I) -> F) -> Promise
where
    I: FromInput,
    F: std::future::Future<Output = Result<JsValue, Error>> + 'static,
{
    match parse(name, &input) {
        Ok(input) => promise(call(input)),
        Err(e) => rejected(e),
    }
}

/// An input object that may be left out (`undefined`).
pub(super) fn optional<T: FromInput + Default>(field: &str, value: &JsValue) -> Result<T, Error> {
    if value.is_undefined() {
        Ok(T::default())
    } else {
        parse(field, value)
    }
}
