"""Virtual MFA devices: a real TOTP secret (RFC 6238: HMAC-SHA1, 30-second steps, six
digits) that any authenticator app can hold, checked when the device is enabled and
whenever a code is presented (console sign-in, GetSessionToken)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

from django.utils import timezone

from services.core import constraints, locks
from services.core.context import CallContext
from services.core.errors import AwsError
from services.core.operations import operation
from services.iam import errors
from services.iam.common import (
    already_exists,
    caller_user,
    check_name,
    check_path,
    delete_conflict,
    get_user,
    no_such_entity,
    page,
    tags_from,
)
from services.iam.models import MfaDevice, iam_timestamp

STEP = 30
DIGITS = 6
# How many steps back a presented code may come from: authenticator clocks drift.
WINDOW = 10
MAX_DEVICES_PER_USER = 8


def new_seed() -> str:
    """A 40-byte secret in base32: 64 characters, as IAM's Base32StringSeed."""
    return base64.b32encode(secrets.token_bytes(40)).decode()


def totp(seed: str, step: int) -> str:
    """The code of time step `step` (seconds since the epoch // 30)."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def provisioning_uri(device: MfaDevice, account_name: str) -> str:
    """The otpauth:// URI an authenticator app scans."""
    label = quote(f"Amazon Web Services:{device.name}@{account_name}")
    return f"otpauth://totp/{label}?secret={device.seed}&issuer=Amazon%20Web%20Services"


def _invalid_code() -> AwsError:
    return errors.InvalidAuthenticationCode("Authentication code for device is not valid.")


def verify(device: MfaDevice, code: str, *, now: float | None = None) -> bool:
    """Accept a code of the last few steps that was not used before (no replay)."""
    step = current_step(now)
    for candidate in range(step, step - WINDOW - 1, -1):
        if candidate <= device.last_step:
            break
        if hmac.compare_digest(totp(device.seed, candidate), (code or "").strip()):
            MfaDevice.objects.filter(pk=device.pk).update(last_step=candidate)
            device.last_step = candidate
            return True
    return False


def _device(ctx: CallContext, serial: str, *, for_update: bool = False) -> MfaDevice:
    qs = MfaDevice.objects.filter(account=ctx.account)
    if for_update:
        qs = locks.rows(qs)
    for device in qs:
        if device.serial_number == serial:
            return device
    raise no_such_entity(f"VirtualMFADevice with serial number {serial} doesn't exist.")


def _virtual_shape(device: MfaDevice, *, seed: bool = False) -> dict:
    data: dict = {"SerialNumber": device.serial_number}
    if seed:
        data["Base32StringSeed"] = device.seed.encode()
    if device.user is not None:
        data["User"] = device.user.describe(tags=False)
    if device.enabled_at:
        data["EnableDate"] = iam_timestamp(device.enabled_at)
    if device.tags:
        data["Tags"] = [{"Key": k, "Value": v} for k, v in device.tags.items()]
    return data


@operation("iam", "CreateVirtualMFADevice", global_service=True)
def create_virtual_mfa_device(ctx: CallContext, params: dict) -> dict:
    name = check_name(params["VirtualMFADeviceName"], "virtualMFADeviceName", 226)
    device = MfaDevice(
        account=ctx.account,
        name=name,
        path=check_path(params.get("Path")),
        seed=new_seed(),
        tags=tags_from(params),
    )
    if MfaDevice.objects.filter(account=ctx.account, name=name).exists():
        raise _device_exists()
    device.save()
    # The seed is shown once, like an access key's secret.
    return {"VirtualMFADevice": _virtual_shape(device, seed=True)}


def _device_exists(violation: object = None) -> AwsError:
    return already_exists("MFADevice entity at the same path and name already exists.")


constraints.on_violation(MfaDevice, "iam_mfa_name_unique", _device_exists)


@operation("iam", "EnableMFADevice", global_service=True)
def enable_mfa_device(ctx: CallContext, params: dict) -> dict:
    user = get_user(ctx, params["UserName"], for_update=True)
    device = _device(ctx, params["SerialNumber"], for_update=True)
    if device.user_id is not None or device.for_root:
        raise already_exists("MFA device is already in use.")
    if user.mfa_devices.count() >= MAX_DEVICES_PER_USER:
        from services.iam.common import limit_exceeded

        raise limit_exceeded("MFADevicesPerUser", MAX_DEVICES_PER_USER)
    code1, code2 = params["AuthenticationCode1"].strip(), params["AuthenticationCode2"].strip()
    # Two consecutive codes prove the app holds the secret and its clock is right.
    step = current_step()
    for first in range(step - 1, step - WINDOW - 2, -1):
        if totp(device.seed, first) == code1 and totp(device.seed, first + 1) == code2:
            break
    else:
        raise _invalid_code()
    device.user = user
    device.enabled_at = timezone.now()
    device.last_step = first + 1
    device.save()
    ctx.touch(user)
    return {}


@operation("iam", "DeactivateMFADevice", global_service=True)
def deactivate_mfa_device(ctx: CallContext, params: dict) -> dict:
    device = _device(ctx, params["SerialNumber"], for_update=True)
    if device.user is None or (
        params.get("UserName") and device.user.name.lower() != params["UserName"].lower()
    ):
        raise no_such_entity(f"MFA Device with serial number {params['SerialNumber']} not found.")
    device.user = None
    device.enabled_at = None
    device.save()
    return {}


@operation("iam", "DeleteVirtualMFADevice", global_service=True)
def delete_virtual_mfa_device(ctx: CallContext, params: dict) -> dict:
    device = _device(ctx, params["SerialNumber"], for_update=True)
    if device.user_id is not None or device.for_root:
        raise delete_conflict("MFA device is still in use")
    device.delete()
    return {}


@operation("iam", "ListMFADevices", global_service=True)
def list_mfa_devices(ctx: CallContext, params: dict) -> dict:
    if not params.get("UserName") and ctx.principal.is_root:
        devices = MfaDevice.objects.filter(account=ctx.account, for_root=True)
        name = ""
    else:
        user = caller_user(ctx, params)
        devices = user.mfa_devices.all()
        name = user.name
    items = [
        {
            "UserName": name,
            "SerialNumber": d.serial_number,
            "EnableDate": iam_timestamp(d.enabled_at),
        }
        for d in devices.order_by("enabled_at")
    ]
    return page(items, params, "MFADevices")


@operation("iam", "ListVirtualMFADevices", global_service=True)
def list_virtual_mfa_devices(ctx: CallContext, params: dict) -> dict:
    status = params.get("AssignmentStatus") or "Any"
    devices = MfaDevice.objects.filter(account=ctx.account).select_related("user")
    if status == "Assigned":
        devices = devices.exclude(user__isnull=True, for_root=False)
    elif status == "Unassigned":
        devices = devices.filter(user__isnull=True, for_root=False)
    return page([_virtual_shape(d) for d in devices.order_by("name")], params, "VirtualMFADevices")
