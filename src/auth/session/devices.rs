//! Device tracking in the session: a sign-in whose result names a new device confirms it
//! (`ConfirmDevice` with a fresh device password's verifier) and keeps the device in the app's
//! storage; a later sign-in names the device and answers `DEVICE_SRP_AUTH` and
//! `DEVICE_PASSWORD_VERIFIER` itself; `remember_device`, `forget_device` and `fetch_devices`
//! for the app.

use futures_util::future::LocalBoxFuture;

use super::*;
use crate::auth::srp::device::{self, DeviceChallenge};
use crate::auth::storage::RememberedDevice;
use crate::auth::user_pool::devices::{self as pool_devices, Device, NewDevice};
use crate::auth::user_pool::profile::ProfileCall;

type Boxed<R> = LocalBoxFuture<'static, Result<R>>;

/// The name a confirmed device is listed by: the browser's user agent, as the reference clients
/// name it.
fn device_name() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let agent = js_sys::Reflect::get(&js_sys::global(), &"navigator".into())
            .and_then(|n| js_sys::Reflect::get(&n, &"userAgent".into()))
            .ok()
            .and_then(|a| a.as_string());
        if let Some(agent) = agent.filter(|a| !a.is_empty()) {
            return agent;
        }
    }
    "apiless".to_owned()
}

impl<T: Transport + 'static> Session<T> {
    /// The device this browser remembers for `username`, if any.
    pub fn remembered_device(&self, username: &str) -> Option<RememberedDevice> {
        storage::load_device(
            self.store.as_ref(),
            &self.config.user_pool_client_id,
            username,
        )
    }

    /// What a sign-in step answered, with the device's part done: `DEVICE_SRP_AUTH` answered
    /// with the remembered device, and a new device confirmed once the user is signed in.
    ///
    /// Boxed, and one copy for every caller: the device steps' futures are not inlined into each
    /// sign-in future (that cost kilobytes of wasm).
    pub(super) fn settle<'a>(
        self: &'a Rc<Self>,
        pool: &'a UserPool<'_, SkewLearning<'_, T>>,
        answer: AuthResult,
        username: &'a str,
    ) -> LocalBoxFuture<'a, Result<SignInStep>> {
        Box::pin(self.settle_inner(pool, answer, username))
    }

    async fn settle_inner(
        self: &Rc<Self>,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        answer: AuthResult,
        username: &str,
    ) -> Result<SignInStep> {
        let answer = match answer {
            AuthResult::Challenge(c) if c.name == "DEVICE_SRP_AUTH" => {
                self.device_sign_in(pool, &c, username).await?
            }
            other => other,
        };
        let new_device = match &answer {
            AuthResult::Tokens(t) => t.new_device.clone(),
            AuthResult::Challenge(_) => None,
        };
        let step = self.handle_answer(answer, username)?;
        if let (Some(new), SignInStep::Done(user)) = (new_device, &step) {
            // As the reference clients do, a device Cognito could not confirm leaves the sign-in
            // done: the next sign-in gets a new device.
            let _ = self.confirm_device(&new, &user.username).await;
        }
        Ok(step)
    }

    /// `DEVICE_SRP_AUTH` and `DEVICE_PASSWORD_VERIFIER` with the device remembered for
    /// `username`: the user is asked nothing.
    async fn device_sign_in(
        &self,
        pool: &UserPool<'_, SkewLearning<'_, T>>,
        challenge: &Challenge,
        username: &str,
    ) -> Result<AuthResult> {
        let user = challenge
            .parameters
            .get("USERNAME")
            .map_or(username, String::as_str);
        let device = self
            .remembered_device(user)
            .or_else(|| self.remembered_device(username))
            .ok_or_else(|| {
                Error::protocol("Cognito asked for DEVICE_SRP_AUTH, but no device is remembered")
            })?;
        let mut a = zeroize::Zeroizing::new([0u8; srp::MIN_RANDOM_BYTES]);
        (self.random)(a.as_mut_slice())?;
        let eph = Ephemeral::new(a.as_slice())?;
        let verifier = match pool
            .respond(
                "DEVICE_SRP_AUTH",
                challenge.session.as_deref(),
                &[
                    ("USERNAME", user),
                    ("DEVICE_KEY", &device.key),
                    ("SRP_A", &eph.srp_a_hex()),
                ],
            )
            .await?
        {
            AuthResult::Challenge(c) if c.name == "DEVICE_PASSWORD_VERIFIER" => c,
            other => return Ok(other),
        };
        let param = |k: &str| {
            verifier
                .parameters
                .get(k)
                .map(String::as_str)
                .ok_or_else(|| {
                    Error::protocol(format!("the DEVICE_PASSWORD_VERIFIER challenge has no {k}"))
                })
        };
        let secret_block = param("SECRET_BLOCK")?;
        let timestamp = clock::cognito_timestamp(self.server_now_ms());
        let signature = eph.device_password_claim(
            &DeviceChallenge {
                group_key: &device.group_key,
                device_key: &device.key,
                salt_hex: param("SALT")?,
                srp_b_hex: param("SRP_B")?,
                secret_block_b64: secret_block,
            },
            &device.password,
            &timestamp,
        )?;
        let answer = pool
            .respond(
                "DEVICE_PASSWORD_VERIFIER",
                verifier.session.as_deref(),
                &[
                    ("USERNAME", user),
                    ("PASSWORD_CLAIM_SECRET_BLOCK", secret_block),
                    ("TIMESTAMP", &timestamp),
                    ("PASSWORD_CLAIM_SIGNATURE", &signature),
                    ("DEVICE_KEY", &device.key),
                ],
            )
            .await;
        if let Err(e) = &answer {
            // A device whose proof Cognito refuses (its password lost or changed in storage) would
            // refuse every sign-in: forgotten here, so the next sign-in gets a new device.
            if matches!(
                e.code.as_str(),
                "NotAuthorizedException" | "ResourceNotFoundException"
            ) {
                self.wipe_device(user);
            }
        }
        answer
    }

    /// `ConfirmDevice` for a new device: a random device password, its verifier, then the
    /// device kept for `username`. Cognito's `UserConfirmationNecessary` is returned.
    async fn confirm_device(self: &Rc<Self>, new: &NewDevice, username: &str) -> Result<bool> {
        let mut random =
            zeroize::Zeroizing::new([0u8; device::PASSWORD_BYTES + device::SALT_BYTES]);
        (self.random)(random.as_mut_slice())?;
        let (password, salt) = random.split_at(device::PASSWORD_BYTES);
        let password = device::password_from(password);
        let verifier = device::verifier(&new.group_key, &new.key, &password, salt);
        // Through the profile calls' one shared future, with the tokens just stored.
        let answer = self
            .profile_call(Ok(ProfileCall::confirm_device(
                &new.key,
                &verifier.verifier_b64,
                &verifier.salt_b64,
                &device_name(),
            )))
            .await?;
        storage::save_device(
            self.store.as_ref(),
            &self.config.user_pool_client_id,
            username,
            &RememberedDevice {
                key: new.key.clone(),
                group_key: new.group_key.clone(),
                password,
            },
        )?;
        Ok(pool_devices::read_user_confirmation_necessary(&answer))
    }

    /// The signed-in user and the device this browser keeps for them.
    fn current_device(&self) -> Result<(String, RememberedDevice)> {
        let username = match &*self.state.borrow() {
            State::SignedIn(s) => s.username.clone(),
            _ => return Err(not_signed_in()),
        };
        let device = self.remembered_device(&username).ok_or_else(|| {
            Error::invalid_input(
                "device",
                "this browser has no device of the signed-in user (the pool does not track devices, or it was forgotten)",
            )
        })?;
        Ok((username, device))
    }

    /// Marks this browser's device remembered (`UpdateDeviceStatus`): its sign-ins then skip MFA
    /// where the pool allows it.
    pub fn remember_device(self: &Rc<Self>) -> Boxed<()> {
        let call = self
            .current_device()
            .map(|(_, d)| ProfileCall::update_device_status(&d.key, true));
        let answer = self.profile_call(call);
        Box::pin(async move { answer.await.map(drop) })
    }

    /// Forgets a device of the signed-in user at Cognito (`ForgetDevice`): `key`, or this
    /// browser's own, which is then wiped from storage too, so the next sign-in gets a new one.
    pub fn forget_device(self: &Rc<Self>, key: Option<String>) -> Boxed<()> {
        let this = self.clone();
        let own = self.current_device();
        let (target, own_user) = match (key, own) {
            (Some(k), Ok((user, d))) if k == d.key => (Ok(k), Some(user)),
            (Some(k), _) => (Ok(k), None),
            (None, Ok((user, d))) => (Ok(d.key.clone()), Some(user)),
            (None, Err(e)) => (Err(e), None),
        };
        let answer = self.profile_call(target.and_then(|k| ProfileCall::forget_device(&k)));
        Box::pin(async move {
            answer.await?;
            if let Some(user) = own_user {
                storage::clear_device(this.store.as_ref(), &this.config.user_pool_client_id, &user);
            }
            Ok(())
        })
    }

    /// Every device of the signed-in user (`ListDevices`, page after page of `page_size`).
    pub fn fetch_devices(self: &Rc<Self>, page_size: u32) -> Boxed<Vec<Device>> {
        let this = self.clone();
        Box::pin(async move {
            let mut devices = Vec::new();
            let mut page: Option<String> = None;
            loop {
                let call = ProfileCall::list_devices(page_size, page.as_deref());
                let answer = this.profile_call(call).await?;
                let (more, next) = pool_devices::read_devices(&answer)?;
                devices.extend(more);
                match next {
                    Some(next) if Some(&next) != page.as_ref() => page = Some(next),
                    Some(_) => {
                        return Err(Error::protocol(
                            "ListDevices returned the same PaginationToken twice",
                        ))
                    }
                    None => return Ok(devices),
                }
            }
        })
    }

    /// Wipes `username`'s device from storage (their account is gone).
    pub(super) fn wipe_device(&self, username: &str) {
        storage::clear_device(
            self.store.as_ref(),
            &self.config.user_pool_client_id,
            username,
        );
    }
}
