"""The console shell: sign-in and sign-out, the console home, the global search and the
region switch of pages that have no region in their address."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from services.core import audit, hooks, registry, signin_guard
from services.core.accounts import authenticate_root, find_account
from services.core.context import CallContext, Principal, source_ip
from services.core.middleware import SESSION_ACCOUNT, SESSION_PRINCIPAL, SESSION_REGION
from services.core.models import Account
from services.core.regions import DEFAULT_REGION, REGIONS
from services.core.views.access import list_denied
from services.core.views.base import (
    console_ctx,
    console_view,
    current_region,
    recent_services,
    render_console,
    safe_next,
    service_home_url,
)
from services.core.views.tables import resource_url

SIGNIN_ERROR = "Your authentication information is incorrect. Please try again."
SEARCH_LIMIT = 5  # results per resource type


def root(request: HttpRequest) -> HttpResponse:
    if getattr(request, "account", None) is not None:
        return HttpResponseRedirect(reverse("console:home"))
    return HttpResponseRedirect(reverse("console:signin"))


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Sign-in as the root user (email and password) or as an IAM user (account id or
    alias, user name, password and, when the user has a device, an MFA code), as AWS's
    sign-in page offers both (IAM-07). A failed attempt writes nothing to the session."""
    data = request.POST if request.method == "POST" else request.GET
    next_url = data.get("next", "")
    account_hint = data.get("account", "").strip()
    mode = data.get("mode") or ("iam" if account_hint else "root")
    context = {
        "mode": mode,
        "email": data.get("email", "").strip(),
        "account": account_hint,
        "username": data.get("username", "").strip(),
        "error": "",
        "needs_mfa": False,
        "next": next_url,
    }
    if request.method == "POST":
        signed_in = (
            _root_signin(request, context) if mode == "root" else _iam_signin(request, context)
        )
        if signed_in is not None:
            account, principal = signed_in
            _audit_login(request, account, principal, success=True)
            request.session.cycle_key()  # a new session id: no fixation across sign-in
            request.session[SESSION_ACCOUNT] = account.id
            request.session[SESSION_PRINCIPAL] = principal
            return HttpResponseRedirect(safe_next(request, next_url, reverse("console:home")))
    locked = context["error"] == signin_guard.LOCKED_MESSAGE
    return render(request, "console/signin.html", context, status=429 if locked else 200)


def _root_signin(request: HttpRequest, context: dict) -> tuple | None:
    email = context["email"]
    try:
        attempt = signin_guard.begin(signin_guard.identity("root", email))
    except signin_guard.LockedOut as locked:
        account, context["error"] = None, locked.message
    else:
        account = authenticate_root(email, request.POST.get("password", ""))
        attempt.finish(success=account is not None)
        context["error"] = "" if account is not None else SIGNIN_ERROR
    if account is None:
        known = Account.objects.filter(root_email=email.lower()).first()
        if known is not None:  # the owner of that account sees the failed attempt
            _audit_login(request, known, {"kind": "Root", "name": ""}, success=False)
        return None
    return account, {"kind": "Root", "name": ""}


def _audit_login(request: HttpRequest, account: Account, who: dict, *, success: bool) -> None:
    principal = Principal(account_id=account.id, kind=who["kind"], name=who["name"])
    ctx = CallContext(
        account=account,
        region=DEFAULT_REGION,
        principal=principal,
        door="console",
        request_id=request.request_id,
        source_ip=source_ip(request.META),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
    )
    audit.record_console_login(ctx, success=success, mfa_used=bool(request.POST.get("mfa_code")))


def _iam_identity(account_name: str, user_name: str) -> str:
    # Counted as typed (an id without its dashes), not as resolved: resolving an alias
    # to its id would let a lockout tell which aliases exist.
    name = account_name.strip()
    digits = name.replace("-", "")
    return signin_guard.identity("iam", digits if digits.isdigit() else name, user_name)


def _iam_signin(request: HttpRequest, context: dict) -> tuple | None:
    try:
        attempt = signin_guard.begin(_iam_identity(context["account"], context["username"]))
        try:
            # IAM fills the hook (services/core/hooks.py); without it, refused.
            signed_in = hooks.sign_in_user(
                context["account"],
                context["username"],
                request.POST.get("password", ""),
                request.POST.get("mfa_code", "").strip(),
            )
        except hooks.SignInRefused:
            attempt.finish(success=False)
            raise
        attempt.finish(success=True)
    except (hooks.SignInRefused, signin_guard.LockedOut) as refused:
        context["error"] = refused.message
        context["needs_mfa"] = getattr(refused, "needs_mfa", False)
        account = find_account(context["account"])
        if account is not None and context["username"]:
            who = {"kind": "IAMUser", "name": context["username"]}
            _audit_login(request, account, who, success=False)
        return None
    principal = signed_in.principal
    return signed_in.account, {"kind": principal.kind, "name": principal.name}


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    return HttpResponseRedirect(reverse("console:signin"))


@console_view
def home(request: HttpRequest) -> HttpResponse:
    """Recently visited services and every service (`console_service_categories` of
    the context processor)."""
    region = current_region(request)
    recent = [{"service": s, "url": service_home_url(s, region)} for s in recent_services(request)]
    context = {"recent": recent, "breadcrumbs": []}
    return render_console(request, "console/home.html", context)


def search_results(request: HttpRequest, text: str) -> dict:
    """Services whose name, code or title contain `text`, and resources of the current
    region whose id or Name tag do, of the types the principal may list (no name or
    id of a type they may not Describe/List shows here)."""
    region = current_region(request)
    needle = text.lower()
    services = [
        {"service": s, "url": service_home_url(s, region)}
        for s in registry.services()
        if needle in f"{s.code} {s.name} {s.title}".lower()
    ]
    resources = []
    ctx = console_ctx(request, region)
    for rt in registry.resource_types():
        svc = registry.service(rt.service)
        if svc is None or list_denied(request, region, rt, record=False):
            continue
        rows = (
            rt.model.objects.visible_to(ctx)
            .filter(Q(resource_id__icontains=text) | Q(tags__Name__icontains=text))
            .order_by("-created_at")[:SEARCH_LIMIT]
        )
        for obj in rows:
            resources.append(
                {
                    "id": obj.resource_id,
                    "name": obj.name,
                    "type": f"{svc.name} {rt.label.lower()}",
                    "url": resource_url("resource-detail", region, rt, resource_id=obj.resource_id),
                }
            )
    return {"services": services, "resources": resources}


@console_view
def search(request: HttpRequest) -> HttpResponse:
    """The global search of the top bar: a dropdown while typing (htmx), a page on Enter."""
    text = request.GET.get("q", "").strip()
    results = search_results(request, text) if text else {"services": [], "resources": []}
    context = {"q": text, **results}
    if request.htmx:
        return render(request, "console/search_results.html", context)
    return render_console(request, "console/search.html", {**context, "breadcrumbs": []})


@console_view
def switch_region(request: HttpRequest, code: str) -> HttpResponse:
    """The region selector on pages without a region in their path (the home)."""
    if code in REGIONS:
        request.session[SESSION_REGION] = code
    return HttpResponseRedirect(
        safe_next(request, request.GET.get("next", ""), reverse("console:home"))
    )
