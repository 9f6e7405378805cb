//! One scripted transport for every test that talks to a service without a network: a queue of
//! answers (responses, errors, or answers made from the request), an answer repeated once the
//! queue is empty, requests held "in flight" while a test says so, and a record of every request.

use std::cell::{Ref, RefCell, RefMut};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::rc::Rc;
use std::task::Poll;

use crate::codec::json::Json;
use crate::error::{Error, Result};
use crate::http::{Request, Response, Transport};

/// Makes a response from the request it answers.
pub type MakeAnswer = Rc<dyn Fn(&Request) -> Result<Response>>;

/// What the transport answers one request with.
#[derive(Clone)]
pub enum Answer {
    /// This response, whatever its status.
    Response(Response),
    /// This error, as when no response arrives (a network fault, an abort).
    Fail(Error),
    /// A response made from the request (a service quoting what it got).
    From(MakeAnswer),
}

impl Answer {
    /// A response with `status` and `body` and no headers.
    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Answer {
        Answer::Response(Response {
            status,
            headers: vec![],
            body: body.into(),
        })
    }

    /// An AWS JSON answer: status 400 when the body is an error (it names a `__type`), else 200.
    pub fn aws_json(body: impl Into<String>) -> Answer {
        let body = body.into();
        let is_error = Json::parse(body.as_bytes())
            .ok()
            .is_some_and(|json| json.get("__type").is_some());
        Answer::status(if is_error { 400 } else { 200 }, body)
    }

    /// An answer made by `answer` from each request it is given.
    pub fn from_fn(answer: impl Fn(&Request) -> Result<Response> + 'static) -> Answer {
        Answer::From(Rc::new(answer))
    }

    /// Answers `request` with a copy of this answer, which stays to answer again.
    fn give(&self, request: &Request) -> Result<Response> {
        match self {
            Answer::Response(response) => Ok(response.clone()),
            Answer::Fail(error) => Err(error.clone()),
            Answer::From(answer) => answer(request),
        }
    }

    /// Answers `request` with this answer itself: a response is moved, not copied (so no copy
    /// of a secret in it is left behind, for tests that look for such copies).
    fn give_up(self, request: &Request) -> Result<Response> {
        match self {
            Answer::Response(response) => Ok(response),
            Answer::Fail(error) => Err(error),
            Answer::From(answer) => answer(request),
        }
    }
}

impl From<Response> for Answer {
    fn from(response: Response) -> Answer {
        Answer::Response(response)
    }
}

impl From<Error> for Answer {
    fn from(error: Error) -> Answer {
        Answer::Fail(error)
    }
}

/// The `X-Amz-Target` of a request (`Service.Operation`), or `""` when it has none.
pub fn target(request: &Request) -> &str {
    request
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("x-amz-target"))
        .map_or("", |(_, value)| value.as_str())
}

/// The transport behind a script that has no answer left: a test's mistake, so it panics with
/// the request it could not answer.
#[derive(Clone, Copy, Debug, Default)]
pub struct Unanswered;

impl Transport for Unanswered {
    async fn send(&self, request: Request) -> Result<Response> {
        panic!(
            "no scripted answer left for {} {} ({})",
            request.method,
            request.url,
            target(&request)
        )
    }
}

type Held = Rc<dyn Fn(&Request) -> bool>;

#[derive(Default)]
struct State {
    answers: RefCell<VecDeque<Answer>>,
    every: RefCell<Option<Answer>>,
    held: RefCell<Option<Held>>,
    requests: RefCell<Vec<Request>>,
}

/// A transport that answers from a script; clones share the script and the record, so a test
/// keeps one while a session owns another.
///
/// Each request waits while it matches [`hold`](Self::hold), is recorded, then is answered by the
/// first queued answer, else by the [`repeat`](Self::repeat)ed one, else passed on to `T` (by
/// default [`Unanswered`], which panics). Retries are not paused: the waits and jitter are
/// [`Transport`]'s defaults, whatever `T` does.
pub struct ScriptedTransport<T = Unanswered> {
    state: Rc<State>,
    next: Rc<T>,
}

impl<T> Clone for ScriptedTransport<T> {
    fn clone(&self) -> Self {
        ScriptedTransport {
            state: self.state.clone(),
            next: self.next.clone(),
        }
    }
}

impl Default for ScriptedTransport {
    fn default() -> Self {
        ScriptedTransport::passing_to(Unanswered)
    }
}

impl ScriptedTransport {
    /// A transport that answers its requests with `answers`, in order, and panics after them.
    pub fn answering<A: Into<Answer>>(answers: impl IntoIterator<Item = A>) -> Self {
        let transport = ScriptedTransport::default();
        transport
            .answers()
            .extend(answers.into_iter().map(Into::into));
        transport
    }

    /// A transport that answers every request with `answer`.
    pub fn always(answer: impl Into<Answer>) -> Self {
        let transport = ScriptedTransport::default();
        transport.repeat(Some(answer.into()));
        transport
    }
}

impl<T> ScriptedTransport<T> {
    /// A transport with no script yet, that passes requests it has no answer for to `next`.
    pub fn passing_to(next: T) -> Self {
        ScriptedTransport {
            state: Rc::default(),
            next: Rc::new(next),
        }
    }

    /// The queue of answers still to give, to add to, clear or reorder.
    pub fn answers(&self) -> RefMut<'_, VecDeque<Answer>> {
        self.state.answers.borrow_mut()
    }

    /// Queues one more answer.
    pub fn push(&self, answer: impl Into<Answer>) {
        self.answers().push_back(answer.into());
    }

    /// Answers every request with `answer` once the queue is empty (`None`: no longer).
    pub fn repeat(&self, answer: Option<Answer>) {
        *self.state.every.borrow_mut() = answer;
    }

    /// Holds the requests `matching` picks, unrecorded and unanswered, until [`release`]; a
    /// later hold replaces this one.
    ///
    /// [`release`]: Self::release
    pub fn hold(&self, matching: impl Fn(&Request) -> bool + 'static) {
        *self.state.held.borrow_mut() = Some(Rc::new(matching));
    }

    /// Lets the held requests go on (at their next poll).
    pub fn release(&self) {
        *self.state.held.borrow_mut() = None;
    }

    /// Every request received so far (held ones once they are let go), in order.
    pub fn requests(&self) -> Ref<'_, Vec<Request>> {
        self.state.requests.borrow()
    }

    /// The `i`th request received.
    pub fn request(&self, i: usize) -> Request {
        self.requests()[i].clone()
    }

    fn held<'a>(&'a self, request: &'a Request) -> impl Future<Output = ()> + 'a {
        let state = &self.state;
        poll_fn(move |_| {
            let held = state.held.borrow().clone();
            if held.is_some_and(|matching| matching(request)) {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
    }
}

impl<T: Transport> Transport for ScriptedTransport<T> {
    async fn send(&self, request: Request) -> Result<Response> {
        self.held(&request).await;
        self.state.requests.borrow_mut().push(request.clone());
        let queued = self.answers().pop_front();
        let answered = match queued {
            Some(answer) => Some(answer.give_up(&request)),
            // The repeated answer is copied out of its place, never copied whole and dropped.
            None => self.state.every.borrow().as_ref().map(|a| a.give(&request)),
        };
        match answered {
            Some(result) => result,
            None => self.next.send(request).await,
        }
    }
}
