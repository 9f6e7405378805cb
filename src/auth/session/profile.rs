//! The signed-in user's profile: attributes and their verification, MFA preferences, and
//! deleting the user. Each call sends the session's access token, refreshed first when it is
//! about to expire.

use super::*;
use crate::auth::user_pool::profile::{MfaChoice, MfaPreference, MfaType, UserProfile};

impl<T: Transport + 'static> Session<T> {
    /// The signed-in user's attributes and MFA settings (`GetUser`).
    pub fn fetch_user_profile(
        self: &Rc<Self>,
    ) -> impl Future<Output = Result<UserProfile>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.get_user(&tokens.access_token).await
        })
    }

    /// The signed-in user's MFA factors.
    pub fn fetch_mfa_preference(
        self: &Rc<Self>,
    ) -> impl Future<Output = Result<MfaPreference>> + 'static {
        let profile = self.fetch_user_profile();
        async move { Ok(profile.await?.mfa) }
    }

    /// Sets attributes; returns where Cognito sent the codes that confirm a new email or phone
    /// number.
    pub fn update_user_attributes(
        self: &Rc<Self>,
        attributes: Vec<(String, String)>,
    ) -> impl Future<Output = Result<Vec<CodeDelivery>>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.update_user_attributes(&tokens.access_token, &attributes)
                .await
        })
    }

    /// Deletes attributes.
    pub fn delete_user_attributes(
        self: &Rc<Self>,
        names: Vec<String>,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.delete_user_attributes(&tokens.access_token, &names)
                .await
        })
    }

    /// Sends a code that verifies `attribute`.
    pub fn send_user_attribute_verification_code(
        self: &Rc<Self>,
        attribute: String,
    ) -> impl Future<Output = Result<CodeDelivery>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.get_user_attribute_verification_code(&tokens.access_token, &attribute)
                .await
        })
    }

    /// Verifies `attribute` with its code.
    pub fn confirm_user_attribute(
        self: &Rc<Self>,
        attribute: String,
        code: String,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.verify_user_attribute(&tokens.access_token, &attribute, &code)
                .await
        })
    }

    /// Sets the MFA factors named in `choices`.
    pub fn update_mfa_preference(
        self: &Rc<Self>,
        choices: Vec<(MfaType, MfaChoice)>,
    ) -> impl Future<Output = Result<()>> + 'static {
        let session = self.clone();
        self.with_pool(async move |pool| {
            let tokens = session.tokens().await?;
            pool.set_user_mfa_preference(&tokens.access_token, &choices)
                .await
        })
    }

    /// Deletes the signed-in user at Cognito, then ends the session here as a sign-out does:
    /// nothing of theirs stays in memory or storage. If Cognito refuses, nothing changes here.
    pub fn delete_user(self: &Rc<Self>) -> impl Future<Output = Result<()>> + 'static {
        let this = self.clone();
        async move {
            let generation = this.generation();
            let tokens = this.tokens().await?;
            let username = match &*this.state.borrow() {
                State::SignedIn(s) => s.username.clone(),
                _ => return Err(not_signed_in()),
            };
            let (transport, endpoint) = this.pool();
            let pool = UserPool {
                transport: &transport,
                endpoint: &endpoint,
                client_id: &this.config.user_pool_client_id,
            };
            pool.delete_user(&tokens.access_token).await?;
            // Someone else signed in while the request was out: their session stays.
            if this.generation.get() == generation {
                this.forget_here(&username, &tokens);
            }
            Ok(())
        }
    }
}
