//! The device exports of `Client`: `rememberDevice`, `forgetDevice`, `fetchDevices` (Amplify
//! v6's names), their inputs and results. Confirming a new device and answering the device's
//! challenges at sign-in need no call: `signIn` does them.

use super::*;
use crate::auth::user_pool::devices::{Device, MAX_PAGE};

/// TypeScript types: the device methods.
#[wasm_bindgen(typescript_custom_section)]
const DEVICE_TYPES: &'static str = r##"
/**
 * A device of the signed-in user, as Cognito lists it: `id` is its `DeviceKey`, `name` its
 * `device_name` attribute (the browser's user agent for one apiless confirmed), `attributes`
 * every `DeviceAttributes` entry (`device_status`, `dev:device_remembered_status`,
 * `last_ip_used`, ...). Dates are absent when Cognito did not send them.
 */
export interface Device {
  id: string;
  name?: string;
  attributes: Record<string, string>;
  createDate?: Date;
  lastModifiedDate?: Date;
  lastAuthenticatedDate?: Date;
}
/** The options of `fetchDevices`: devices asked for per `ListDevices` call (1 to 60, 60 by default). */
export interface FetchDevicesOptions { pageSize?: number }
/** The input of `forgetDevice`: the `id` of the device to forget (this browser's by default). */
export interface ForgetDeviceInput { device?: string }
"##;

#[derive(Default)]
pub(super) struct FetchDevicesOptions {
    page_size: Option<u32>,
}

impl FromInput for FetchDevicesOptions {
    const FIELDS: &'static [&'static str] = &["pageSize"];

    fn read(f: &mut InputReader) -> Self {
        FetchDevicesOptions {
            page_size: f.whole("pageSize", MAX_PAGE),
        }
    }
}

#[derive(Default)]
pub(super) struct ForgetDeviceInput {
    device: Option<String>,
}

impl FromInput for ForgetDeviceInput {
    const FIELDS: &'static [&'static str] = &["device"];

    fn read(f: &mut InputReader) -> Self {
        ForgetDeviceInput {
            device: f.string("device"),
        }
    }
}

fn device_to_js(d: &Device) -> JsValue {
    let o = js_sys::Object::new();
    set(&o, "id", &d.key.as_str().into());
    if let Some((_, name)) = d.attributes.iter().find(|(k, _)| k == "device_name") {
        set(&o, "name", &name.as_str().into());
    }
    set(
        &o,
        "attributes",
        &object_of(d.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
    );
    for (key, seconds) in [
        ("createDate", d.created),
        ("lastModifiedDate", d.last_modified),
        ("lastAuthenticatedDate", d.last_authenticated),
    ] {
        if let Some(s) = seconds {
            set(&o, key, &js_sys::Date::new(&(s * 1000.0).into()).into());
        }
    }
    o.into()
}

#[wasm_bindgen(js_class = Client)]
impl Client {
    /// Marks this browser's device remembered for the signed-in user (`UpdateDeviceStatus`), so
    /// that, where the pool allows it, its sign-ins skip MFA. The device itself is confirmed at
    /// sign-in when the user pool tracks devices, and from then on `signIn` proves it
    /// (`DEVICE_SRP_AUTH`) without asking the user anything.
    ///
    /// @throws `InvalidInputError` (`field: "device"`) when this browser has no device of the
    /// user (the pool does not track devices, or the device was forgotten).
    /// @throws `NotAuthorizedException` when no one is signed in; `ResourceNotFoundException` when
    /// Cognito no longer knows the device; `InvalidUserPoolConfigurationException` when the pool
    /// does not track devices.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.signIn({ username, password });
    /// if (confirm("Remember this browser?")) await aws.auth.rememberDevice();
    /// ```
    #[wasm_bindgen(js_name = rememberDevice, unchecked_return_type = "Promise<void>")]
    pub fn remember_device(&self) -> Promise {
        let future = self.session.remember_device();
        promise_of(Box::pin(async move {
            future.await.map(|()| JsValue::UNDEFINED)
        }))
    }

    /// Forgets a device of the signed-in user at Cognito (`ForgetDevice`): the one named, or
    /// this browser's, whose keys and device password are then wiped from the app's storage too
    /// (the next sign-in here gets a new device). Signing out keeps the device; `deleteUser`
    /// wipes it.
    ///
    /// @throws `InvalidInputError` for an unknown option or a `device` that is not a string, and
    /// (`field: "device"`) when none is named and this browser has none.
    /// @throws `NotAuthorizedException` when no one is signed in; `ResourceNotFoundException` for
    /// a device Cognito does not know.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// await aws.auth.forgetDevice();                       // this browser's device
    /// const [other] = await aws.auth.fetchDevices();
    /// if (other) await aws.auth.forgetDevice({ device: other.id });
    /// ```
    #[wasm_bindgen(js_name = forgetDevice, unchecked_return_type = "Promise<void>")]
    pub fn forget_device(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ForgetDeviceInput")] input: JsValue,
    ) -> Promise {
        let input: ForgetDeviceInput = match optional("forgetDevice", &input) {
            Ok(i) => i,
            Err(e) => return rejected(e),
        };
        let future = self.session.forget_device(input.device);
        promise_of(Box::pin(async move {
            future.await.map(|()| JsValue::UNDEFINED)
        }))
    }

    /// Every device of the signed-in user that Cognito tracks (`ListDevices`, every page).
    ///
    /// @throws `InvalidInputError` for an unknown option or a `pageSize` that is not a whole
    /// number from 1 to 60, before a request is sent.
    /// @throws `NotAuthorizedException` when no one is signed in;
    /// `InvalidUserPoolConfigurationException` when the pool does not track devices.
    /// @throws `NetworkError` (retryable) when Cognito cannot be reached, `ProtocolError` for an
    /// answer that is not Cognito's.
    /// @example
    /// ```ts
    /// for (const d of await aws.auth.fetchDevices()) {
    ///   console.log(d.name ?? d.id, d.attributes["dev:device_remembered_status"], d.lastAuthenticatedDate);
    /// }
    /// ```
    #[wasm_bindgen(js_name = fetchDevices, unchecked_return_type = "Promise<Device[]>")]
    pub fn fetch_devices(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "FetchDevicesOptions")] options: JsValue,
    ) -> Promise {
        let options: FetchDevicesOptions = match optional("options", &options) {
            Ok(o) => o,
            Err(e) => return rejected(e),
        };
        let future = self
            .session
            .fetch_devices(options.page_size.unwrap_or(MAX_PAGE));
        promise_of(Box::pin(async move {
            let list = js_sys::Array::new();
            for d in &future.await? {
                list.push(&device_to_js(d));
            }
            Ok(list.into())
        }))
    }
}
