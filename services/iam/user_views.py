"""A user's details page with its Security credentials tab: console password, MFA and
access keys, every change made through IAM's operations. A new access key's secret
is shown once, with its .csv, as AWS's console does (IAM-05)."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from services.core.views.access import detail_denied, render_denied
from services.core.views.base import (
    Crumb,
    breadcrumbs,
    call,
    console_ctx,
    console_view,
    render_console,
    render_not_found,
)
from services.core.views.resources import detail_context
from services.core.views.tables import resource_url
from services.iam.models import User
from services.iam.resources import USERS

TABS = (
    ("details", "Details"),
    ("security_credentials", "Security credentials"),
    ("tags", "Tags"),
)
SESSION_NEW_KEY = "stratolab_iam_new_access_key"
SESSION_MFA_PENDING = "stratolab_iam_mfa_pending"


def _user(request: HttpRequest, region: str, resource_id: str) -> User | None:
    return (
        User.objects.visible_to(console_ctx(request, region))
        .filter(resource_id=resource_id)
        .first()
    )


def _page_url(region: str, user: User, tab: str = "security_credentials") -> str:
    url = resource_url("resource-detail", region, USERS, resource_id=user.resource_id)
    return f"{url}?tab={tab}"


def _missing(request: HttpRequest, resource_id: str) -> HttpResponse:
    return render_not_found(
        request,
        "User not found",
        f"The user {resource_id} doesn't exist. It may have been deleted, or it is in "
        "another account.",
    )


def _security_credentials(request: HttpRequest, region: str, user: User) -> dict:
    name = user.name
    keys = call(request, region, "iam", "ListAccessKeys", {"UserName": name})
    for key in (keys or {}).get("AccessKeyMetadata", []):
        last = call(
            request, region, "iam", "GetAccessKeyLastUsed", {"AccessKeyId": key["AccessKeyId"]}
        )
        key["LastUsed"] = (last or {}).get("AccessKeyLastUsed", {})
    mfa = call(request, region, "iam", "ListMFADevices", {"UserName": name})
    pending = request.session.get(SESSION_MFA_PENDING, {})
    return {
        "access_keys": (keys or {}).get("AccessKeyMetadata", []),
        "keys_readable": keys is not None,
        "mfa_devices": (mfa or {}).get("MFADevices", []),
        "mfa_pending": pending if pending.get("user") == user.resource_id else None,
        "login_profile": getattr(user, "login_profile", None),
    }


@console_view
def user_detail(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """The generic details and tags of a user, plus its Security credentials tab."""
    refused = detail_denied(request, region, USERS, resource_id)
    if refused:
        crumb = Crumb(USERS.label_plural, resource_url("resource-list", region, USERS))
        return render_denied(request, refused, title=resource_id, crumbs=(crumb,))
    user = _user(request, region, resource_id)
    if user is None:
        return _missing(request, resource_id)
    context = detail_context(request, region, USERS, user, TABS, title=user.name)
    context["urls"] = {
        name.replace("-", "_"): reverse(
            f"iam:user-{name}", kwargs={"region": region, "resource_id": resource_id}
        )
        for name in ("access-keys", "console-access", "mfa")
    }
    if context["tab"] == "security_credentials":
        context.update(_security_credentials(request, region, user))
    return render_console(request, "iam/user_detail.html", context)


@console_view
@require_POST
def access_keys(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """Create, activate, deactivate or delete one of the user's access keys."""
    user = _user(request, region, resource_id)
    if user is None:
        return _missing(request, resource_id)
    action = request.POST.get("action", "")
    key_id = request.POST.get("key", "")
    if action == "create":
        result = call(request, region, "iam", "CreateAccessKey", {"UserName": user.name})
        if result is not None:
            key = result["AccessKey"]
            # Kept only until the next page shows it: the secret can't be read again.
            request.session[SESSION_NEW_KEY] = {
                "user": user.resource_id,
                "id": key["AccessKeyId"],
                "secret": key["SecretAccessKey"],
            }
            return HttpResponseRedirect(
                reverse(
                    "iam:user-access-key-created",
                    kwargs={"region": region, "resource_id": resource_id},
                )
            )
    elif action in ("activate", "deactivate"):
        status = "Active" if action == "activate" else "Inactive"
        params = {"UserName": user.name, "AccessKeyId": key_id, "Status": status}
        if call(request, region, "iam", "UpdateAccessKey", params) is not None:
            messages.success(request, f"Access key {key_id} is now {status.lower()}.")
    elif action == "delete":
        params = {"UserName": user.name, "AccessKeyId": key_id}
        if call(request, region, "iam", "DeleteAccessKey", params) is not None:
            messages.success(request, f"Access key {key_id} deleted.")
    return HttpResponseRedirect(_page_url(region, user))


def key_csv(key_id: str, secret: str) -> str:
    """The .csv of a new access key, as AWS's console offers it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Access key ID", "Secret access key"])
    writer.writerow([key_id, secret])
    return out.getvalue()


@console_view
def access_key_created(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """The one page that shows a new key's secret; it is gone from the session after."""
    user = _user(request, region, resource_id)
    if user is None:
        return _missing(request, resource_id)
    new_key = request.session.pop(SESSION_NEW_KEY, None)
    if not new_key or new_key.get("user") != resource_id:
        messages.info(
            request,
            "The secret access key can only be viewed when the key is created. Create a new "
            "access key if you lost it.",
        )
        return HttpResponseRedirect(_page_url(region, user))
    content = key_csv(new_key["id"], new_key["secret"])
    context = {
        "user": user,
        "key": new_key,
        "csv_href": "data:text/csv;charset=utf-8," + quote(content),
        "csv_name": f"{user.name}_accessKeys.csv",
        "back": _page_url(region, user),
        "breadcrumbs": breadcrumbs(
            request,
            (USERS.label_plural, resource_url("resource-list", region, USERS)),
            (user.name, _page_url(region, user)),
            "Retrieve access keys",
        ),
    }
    return render_console(request, "iam/access_key_created.html", context)


@console_view
@require_POST
def console_access(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """Enable console access or set/reset the password (Create/UpdateLoginProfile), or
    disable it (DeleteLoginProfile)."""
    user = _user(request, region, resource_id)
    if user is None:
        return _missing(request, resource_id)
    if request.POST.get("action") == "disable":
        if call(request, region, "iam", "DeleteLoginProfile", {"UserName": user.name}) is not None:
            messages.success(request, f"Console access disabled for {user.name}.")
    else:
        params = {
            "UserName": user.name,
            "Password": request.POST.get("password", ""),
            "PasswordResetRequired": request.POST.get("reset_required") == "on",
        }
        has_profile = hasattr(user, "login_profile")
        action = "UpdateLoginProfile" if has_profile else "CreateLoginProfile"
        if not params["Password"]:
            messages.error(request, "ValidationError: Password is required.")
        elif call(request, region, "iam", action, params) is not None:
            messages.success(
                request,
                f"Console password {'reset' if has_profile else 'set'} for {user.name}.",
            )
    return HttpResponseRedirect(_page_url(region, user))


@console_view
@require_POST
def mfa(request: HttpRequest, region: str, resource_id: str) -> HttpResponse:
    """Assign a virtual MFA device: create it (its seed is shown as text: there is no QR
    code here), then enable it with two consecutive codes; or remove a device."""
    user = _user(request, region, resource_id)
    if user is None:
        return _missing(request, resource_id)
    action = request.POST.get("action", "")
    if action == "create":
        params = {"VirtualMFADeviceName": request.POST.get("name", "").strip() or user.name}
        result = call(request, region, "iam", "CreateVirtualMFADevice", params)
        if result is not None:
            device = result["VirtualMFADevice"]
            seed = device["Base32StringSeed"]
            request.session[SESSION_MFA_PENDING] = {
                "user": user.resource_id,
                "serial": device["SerialNumber"],
                "seed": seed.decode() if isinstance(seed, bytes) else seed,
            }
    elif action == "enable":
        pending = request.session.get(SESSION_MFA_PENDING) or {}
        params = {
            "UserName": user.name,
            "SerialNumber": pending.get("serial", ""),
            "AuthenticationCode1": request.POST.get("code1", "").strip(),
            "AuthenticationCode2": request.POST.get("code2", "").strip(),
        }
        if call(request, region, "iam", "EnableMFADevice", params) is not None:
            request.session.pop(SESSION_MFA_PENDING, None)
            messages.success(request, f"MFA device assigned to {user.name}.")
    elif action == "cancel":
        pending = request.session.pop(SESSION_MFA_PENDING, None) or {}
        if pending.get("serial"):
            call(
                request,
                region,
                "iam",
                "DeleteVirtualMFADevice",
                {"SerialNumber": pending["serial"]},
            )
    elif action == "remove":
        serial = request.POST.get("serial", "")
        params = {"UserName": user.name, "SerialNumber": serial}
        if call(request, region, "iam", "DeactivateMFADevice", params) is not None:
            call(request, region, "iam", "DeleteVirtualMFADevice", {"SerialNumber": serial})
            messages.success(request, f"MFA device {serial} removed from {user.name}.")
    return HttpResponseRedirect(_page_url(region, user))
