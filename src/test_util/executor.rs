//! Runs futures that finish without real I/O: a scripted transport answers at once, so one poll
//! with a waker that does nothing is enough, and a future still pending is a test's mistake (or
//! a [`Gate`] it holds closed on purpose, polled with [`poll_once`]).

use std::cell::Cell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Runs `future` to its end in one poll; panics if it waits, since nothing would wake it.
pub fn block_on<F: Future>(future: F) -> F::Output {
    match poll_once(&mut pin!(future)) {
        Some(output) => output,
        None => panic!("block_on: the future waited, but it runs only futures that need no I/O"),
    }
}

/// Polls `future` once: `Some` with its output if it finished, `None` if it waits.
pub fn poll_once<F: Future + Unpin>(future: &mut F) -> Option<F::Output> {
    match Pin::new(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}

/// A gate futures wait at while it is closed; clones share it. A test closes it to hold a call
/// "in flight", then opens it and polls again.
#[derive(Clone, Debug, Default)]
pub struct Gate {
    closed: Rc<Cell<bool>>,
}

impl Gate {
    /// A gate that holds every [`wait`](Gate::wait) until [`open`](Gate::open).
    pub fn closed() -> Self {
        let gate = Gate::default();
        gate.close();
        gate
    }

    /// Holds waiters from now on.
    pub fn close(&self) {
        self.closed.set(true);
    }

    /// Lets waiters through (at their next poll).
    pub fn open(&self) {
        self.closed.set(false);
    }

    /// Whether waiters are held.
    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// Ready once the gate is open.
    pub fn wait(&self) -> impl Future<Output = ()> + Unpin + 'static {
        let closed = self.closed.clone();
        std::future::poll_fn(move |_| {
            if closed.get() {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        })
    }
}
