//! Futures run side by side until every one has finished: what `futures_util::future::join_all`
//! does, for the handful of part senders of an upload, without the machinery it carries for
//! thousands (`FuturesOrdered`, a binary heap, an atomic waker: 4.7 KB of wasm with the stable
//! sort the upload no longer needs; ARCHITECTURE.md, "Pieces written by hand"). Held to
//! `join_all` by a property (`tests/properties/join.rs`).

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

/// Polls every future of `futures`, in order, each time the task wakes, until all are ready.
pub async fn join<F: Future<Output = ()>>(futures: Vec<F>) {
    let mut futures: Vec<Option<Pin<Box<F>>>> =
        futures.into_iter().map(|f| Some(Box::pin(f))).collect();
    futures_util::future::poll_fn(|cx| {
        let mut pending = false;
        for slot in futures.iter_mut() {
            if let Some(f) = slot {
                if f.as_mut().poll(cx).is_ready() {
                    *slot = None;
                } else {
                    pending = true;
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
}
