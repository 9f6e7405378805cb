//! `apiless::http::join::join`, the upload's hand-written join, against
//! `futures_util::future::join_all`, the crate function it stands in for: for any number of
//! futures, each ready after its own number of polls, both finish every future, in the same
//! order.

use std::cell::RefCell;
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use proptest::collection::vec;
use proptest::prelude::*;

use crate::harness::{Check, Property};

pub const PROPERTIES: &[Property] = &[Property {
    name: "join: any futures finish, all of them, in the order join_all finishes them",
    cases: 500,
    run: same_as_join_all,
}];

/// Pending `left` times (waking its task each time), then ready, noting its number in `log`.
struct Countdown {
    left: u8,
    number: usize,
    log: Rc<RefCell<Vec<usize>>>,
}

impl Future for Countdown {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.left == 0 {
            self.log.borrow_mut().push(self.number);
            return Poll::Ready(());
        }
        self.left -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `future` until it is ready (its futures wake themselves); how many polls it took.
fn run<F: Future>(future: F) -> usize {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 1;
    while future.as_mut().poll(&mut cx).is_pending() {
        polls += 1;
        assert!(polls < 10_000, "never ready");
    }
    polls
}

fn countdowns(lefts: &[u8], log: &Rc<RefCell<Vec<usize>>>) -> Vec<Countdown> {
    lefts
        .iter()
        .enumerate()
        .map(|(number, &left)| Countdown {
            left,
            number,
            log: log.clone(),
        })
        .collect()
}

fn same_as_join_all(check: &mut Check) -> Result<(), String> {
    check.run(&vec(0u8..8, 0..20), |lefts| {
        let ours = Rc::new(RefCell::new(Vec::new()));
        let polls = run(apiless::http::join::join(countdowns(&lefts, &ours)));
        let theirs = Rc::new(RefCell::new(Vec::new()));
        run(futures_util::future::join_all(countdowns(&lefts, &theirs)));
        prop_assert_eq!(ours.borrow().len(), lefts.len(), "every future finished");
        prop_assert_eq!(&*ours.borrow(), &*theirs.borrow());
        prop_assert_eq!(
            polls,
            1 + usize::from(lefts.iter().copied().max().unwrap_or(0))
        );
        Ok(())
    })
}
