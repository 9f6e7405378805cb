//! The signed-in user's profile: attributes and their verification, MFA preferences, and
//! deleting the user. Each operation ([`ProfileCall`]) goes out with the session's access token,
//! refreshed first when it is about to expire, through one shared future
//! ([`Session::profile_call`]): an operation adds its body and its reader to the package, not
//! another copy of the token and transport machinery.

use futures_util::future::LocalBoxFuture;

use super::*;
use crate::auth::user_pool::profile::ProfileCall;
use crate::codec::json::Json;

type Boxed<R> = LocalBoxFuture<'static, Result<R>>;

impl<T: Transport + 'static> Session<T> {
    /// Sends `call` (already refused if its input was bad: then nothing is sent, not even a
    /// token refresh) with the signed-in user's access token; Cognito's answer.
    pub fn profile_call(
        self: &Rc<Self>,
        call: Result<ProfileCall>,
    ) -> Boxed<zeroize::Zeroizing<Json>> {
        let session = self.clone();
        Box::pin(self.with_pool(async move |pool| {
            let call = call?;
            let tokens = session.tokens().await?;
            pool.profile(&tokens.access_token, call).await
        }))
    }

    /// Deletes the signed-in user at Cognito, then ends the session here as a sign-out does:
    /// nothing of theirs stays in memory or storage. If Cognito refuses, nothing changes here.
    pub fn delete_user(self: &Rc<Self>) -> Boxed<()> {
        let this = self.clone();
        let generation = self.generation();
        let answer = self.profile_call(Ok(ProfileCall::delete_user()));
        Box::pin(async move {
            answer.await?;
            // Someone else signed in while the request was out: their session stays.
            if this.generation.get() != generation {
                return Ok(());
            }
            let current = match &*this.state.borrow() {
                State::SignedIn(s) => Some((s.username.clone(), s.tokens.clone())),
                _ => None,
            };
            if let Some((username, tokens)) = current {
                this.wipe_device(&username);
                this.forget_here(&username, &tokens);
            }
            Ok(())
        })
    }
}
