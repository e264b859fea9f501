"""The console's Switch role page and Switch back (see console_role.py)."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from services.core.context import CallContext
from services.core.views.base import (
    breadcrumbs,
    call,
    client_ip,
    console_view,
    render_console,
    safe_next,
)
from services.iam import console_role
from services.iam.signin import find_account

ROLE_NAME = re.compile(r"^[\w+=,.@/-]{1,512}$")
# What AWS's Switch role page says for anything it cannot use.
INVALID = (
    "Invalid information in one or more fields. Check your information or contact your "
    "administrator."
)


def _signed_in_ctx(request: HttpRequest, region: str) -> CallContext:
    """The signed-in user, not the current role: AWS switches from the user each time
    (no role chaining in the console)."""
    return CallContext(
        account=getattr(request, "original_account", None) or request.account,
        region=region,
        principal=getattr(request, "original_principal", None) or request.principal,
        door="console",
        request_id=getattr(request, "request_id", ""),
        source_ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
    )


@console_view(service="iam")
@require_http_methods(["GET", "POST"])
def switch_role(request: HttpRequest, region: str) -> HttpResponse:
    """Account (id or alias), role name, display name and colour, as on AWS's page; a
    link may prefill them (?account=&roleName=&displayName=)."""
    data = request.POST if request.method == "POST" else request.GET
    form = {
        "account": data.get("account", "").strip(),
        "role": (data.get("role") or data.get("roleName") or "").strip(),
        "display": (data.get("display") or data.get("displayName") or "").strip()[:64],
        "colour": data.get("colour", "") if data.get("colour") in console_role.COLOURS else "",
    }
    error = ""
    if request.method == "POST":
        account = find_account(form["account"])
        account_id = account.id if account else form["account"].replace("-", "")
        if not re.fullmatch(r"\d{12}", account_id) or not ROLE_NAME.match(form["role"]):
            error = INVALID
        else:
            ctx = _signed_in_ctx(request, region)
            name = form["role"].rpartition("/")[2]
            params = {
                "RoleArn": f"arn:aws:iam::{account_id}:role/{form['role']}",
                "RoleSessionName": ctx.principal.name or "root",
                "DurationSeconds": console_role.CONSOLE_SESSION_SECONDS,
            }
            result = call(request, region, "sts", "AssumeRole", params, ctx=ctx)
            if result is not None:
                label = account.alias if account and account.alias else account_id
                console_role.start(
                    request,
                    result["Credentials"],
                    {
                        "account": account_id,
                        "role": form["role"],
                        "display": form["display"] or f"{name} @ {label}",
                        "colour": console_role.COLOURS.get(form["colour"], ""),
                        "colour_name": form["colour"],
                    },
                )
                return HttpResponseRedirect(reverse("console:home"))
    context = {
        "form": form,
        "error": error,
        "colours": console_role.COLOURS,
        "breadcrumbs": breadcrumbs(request, "Switch role"),
    }
    return render_console(request, "iam/switch_role.html", context)


@require_POST
def switch_back(request: HttpRequest, region: str) -> HttpResponse:
    role = getattr(request, "console_role", None)
    console_role.stop(request)
    if role:
        messages.info(request, f"You switched back from {role['display']}.")
    return HttpResponseRedirect(
        safe_next(request, request.POST.get("next", ""), reverse("console:home"))
    )
