"""Self-test of device tracking (extension.py's `devices` patch) against the running backend.

The device client here is a third party's: pycognito 2024.5.1 (`generate_hash_device` makes the
device password and the ConfirmDevice verifier, `AWSSRP` with the device keys answers
DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER), against the fixtures' pool that tracks devices
(DeviceConfiguration, remembered only on the user's say-so).  Checked against the Cognito API
reference: NewDeviceMetadata, ConfirmDevice's UserConfirmationNecessary, the device's SRP proof,
UpdateDeviceStatus, GetDevice, ListDevices' pages, ForgetDevice, and the exception names.

What fails without the patch (APILESS_BACKEND_UNPATCHED=devices): every test here (stock ministack
issues no NewDeviceMetadata and knows none of the device operations).
"""

import secrets

import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP, generate_hash_device

from test_profile import cfg, idp  # noqa: F401  (the module fixture and the client maker)


@pytest.fixture(scope="module")
def pool(cfg):  # noqa: F811
    """(pool id, client id) of the pool that tracks devices."""
    fixtures = requests.get(f"{cfg['endpoint']}/_apiless/fixtures", timeout=10).json()
    return fixtures["devicesUserPoolId"], fixtures["devicesUserPoolClientId"]


class DeviceUser:
    """A fresh confirmed user of the devices pool; `sign_in()` with or without its device."""

    def __init__(self, cfg, pool):  # noqa: F811
        self.cfg, (self.pool_id, self.client_id) = cfg, pool
        self.name = f"devices-{secrets.token_hex(5)}"
        self.password = f"Pw-{secrets.token_hex(6)}-9a!"
        admin = idp(cfg)
        admin.admin_create_user(UserPoolId=self.pool_id, Username=self.name, TemporaryPassword=self.password,
                                MessageAction="SUPPRESS")
        admin.admin_set_user_password(UserPoolId=self.pool_id, Username=self.name, Password=self.password,
                                      Permanent=True)
        self.public = idp(cfg, unsigned=True)
        self.device = None  # (key, group key, password)

    def sign_in(self, device=None):
        device = device or self.device
        keys = dict(zip(("device_key", "device_group_key", "device_password"), device, strict=True)) if device else {}
        srp = AWSSRP(username=self.name, password=self.password, pool_id=self.pool_id, client_id=self.client_id,
                     client=self.public, **keys)
        return srp.authenticate_user()["AuthenticationResult"]

    def confirm_new_device(self, name="pytest"):
        """Signs in without a device, confirms the one Cognito names; returns (access token, answer)."""
        result = self.sign_in()
        metadata = result["NewDeviceMetadata"]
        key, group = metadata["DeviceKey"], metadata["DeviceGroupKey"]
        password, verifier = generate_hash_device(group, key)
        answer = self.call(result["AccessToken"], "confirm_device", DeviceKey=key, DeviceName=name,
                           DeviceSecretVerifierConfig=verifier)
        self.device = (key, group, password)
        return result["AccessToken"], answer

    def call(self, access_token, operation, **params):
        answer = getattr(self.public, operation)(AccessToken=access_token, **params)
        answer.pop("ResponseMetadata", None)
        return answer

    def refused(self, access_token, operation, **params):
        with pytest.raises(ClientError) as caught:
            self.call(access_token, operation, **params)
        return caught.value.response["Error"]["Code"]


def test_a_sign_in_names_a_new_device_and_confirming_it_asks_the_user(cfg, pool):  # noqa: F811
    user = DeviceUser(cfg, pool)
    first = user.sign_in()["NewDeviceMetadata"]
    assert first["DeviceKey"].startswith(f"{pool[0].split('_')[0]}_") and first["DeviceGroupKey"]
    assert user.sign_in()["NewDeviceMetadata"]["DeviceKey"] != first["DeviceKey"]
    token, answer = user.confirm_new_device()
    # DeviceOnlyRememberedOnUserPrompt: the app asks the user, then UpdateDeviceStatus.
    assert answer == {"UserConfirmationNecessary": True}
    device = user.call(token, "get_device", DeviceKey=user.device[0])["Device"]
    attributes = {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}
    assert attributes["device_name"] == "pytest"
    assert attributes["dev:device_remembered_status"] == "not_remembered"
    user.call(token, "update_device_status", DeviceKey=user.device[0], DeviceRememberedStatus="remembered")
    device = user.call(token, "get_device", DeviceKey=user.device[0])["Device"]
    assert {a["Name"]: a["Value"] for a in device["DeviceAttributes"]}["dev:device_remembered_status"] == "remembered"
    assert user.refused(token, "update_device_status", DeviceKey=user.device[0],
                        DeviceRememberedStatus="maybe") == "InvalidParameterException"


def test_a_confirmed_device_signs_in_with_its_srp_proof(cfg, pool):  # noqa: F811
    user = DeviceUser(cfg, pool)
    user.confirm_new_device()
    # pycognito answers DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER: tokens, and no new device.
    result = user.sign_in()
    assert result["AccessToken"] and "NewDeviceMetadata" not in result


def test_a_wrong_device_password_is_refused(cfg, pool):  # noqa: F811
    user = DeviceUser(cfg, pool)
    user.confirm_new_device()
    key, group, _ = user.device
    with pytest.raises(ClientError) as caught:
        user.sign_in(device=(key, group, "not-the-device-password"))
    assert caught.value.response["Error"]["Code"] == "NotAuthorizedException"
    # Another user's device proves nothing for this one.
    other = DeviceUser(cfg, pool)
    with pytest.raises(ClientError) as caught:
        other.sign_in(device=user.device)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert "Device does not exist" in caught.value.response["Error"]["Message"]


def test_list_devices_pages_and_forget_device(cfg, pool):  # noqa: F811
    user = DeviceUser(cfg, pool)
    keys = []
    for _ in range(3):
        user.device = None
        token, _ = user.confirm_new_device()
        keys.append(user.device[0])
    user.sign_in()  # an unconfirmed device is not listed
    seen, page, calls = [], None, 0
    while True:
        answer = user.call(token, "list_devices", Limit=2, **({"PaginationToken": page} if page else {}))
        calls += 1
        seen += [d["DeviceKey"] for d in answer["Devices"]]
        page = answer.get("PaginationToken")
        if not page:
            break
    assert (sorted(seen), calls) == (sorted(keys), 2)
    assert user.refused(token, "list_devices", Limit=61) == "InvalidParameterException"
    user.call(token, "forget_device", DeviceKey=keys[0])
    assert keys[0] not in [d["DeviceKey"] for d in user.call(token, "list_devices")["Devices"]]
    assert user.refused(token, "forget_device", DeviceKey=keys[0]) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as caught:
        user.sign_in(device=(keys[0], "-x", "y"))
    assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_a_pool_without_device_tracking_names_no_device(cfg):  # noqa: F811
    # A pool of its own: the seeded main pool tracks devices, as the template's default.
    name, password = f"devices-{secrets.token_hex(5)}", f"Pw-{secrets.token_hex(6)}-9a!"
    admin = idp(cfg)
    pool_id = admin.create_user_pool(PoolName=f"untracked-{secrets.token_hex(4)}")["UserPool"]["Id"]
    client_id = admin.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", GenerateSecret=False,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])["UserPoolClient"]["ClientId"]
    admin.admin_create_user(UserPoolId=pool_id, Username=name, TemporaryPassword=password, MessageAction="SUPPRESS")
    admin.admin_set_user_password(UserPoolId=pool_id, Username=name, Password=password, Permanent=True)
    public = idp(cfg, unsigned=True)
    result = AWSSRP(username=name, password=password, pool_id=pool_id, client_id=client_id,
                    client=public).authenticate_user()["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result
    with pytest.raises(ClientError) as caught:
        public.list_devices(AccessToken=result["AccessToken"])
    assert caught.value.response["Error"]["Code"] == "InvalidUserPoolConfigurationException"
