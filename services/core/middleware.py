"""Request ids on every response, and the console session (who is signed in).

`ConsoleSessionMiddleware` also guards every console route under `/<region>/` (a
session, a known region: see `services.core.views.base.enter_console`) and turns any
other HTML 404 into a page inside the console frame."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from services.core import hooks, ids
from services.core.context import Principal
from services.core.models import Account

SESSION_ACCOUNT = "stratolab_account"
SESSION_PRINCIPAL = "stratolab_principal"  # {"kind": "Root"|"IAMUser", "name": ...}
SESSION_REGION = "stratolab_region"
# The role the console switched to (services/iam/console_role.py): while it is valid,
# request.account/principal are the role session's, the signed-in user is kept as
# request.original_account/original_principal.
SESSION_ROLE = "stratolab_role"
# Every route under it is a console page of a region (see services/core/views/urls.py).
REGION_ROUTE = "<region:region>/"
# Paths that are not console pages, whose 404s stay as they are.
_NOT_CONSOLE = ("/api/", "/static/")


class RequestIdMiddleware:
    """Give every request an AWS-style request id and return it as `x-amzn-RequestId`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = ids.request_id()
        response = self.get_response(request)
        response.headers.setdefault("x-amzn-RequestId", request.request_id)
        return response


class ConsoleSessionMiddleware:
    """Set `request.account` and `request.principal` from the console session (or None)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.account = None
        request.principal = None
        request.console_access_key_id = ""  # the ASIA key of a switched-to role
        request.console_role = None
        account_id = request.session.get(SESSION_ACCOUNT)
        if account_id:
            account = Account.objects.filter(id=account_id, status="active").first()
            if account is not None:
                self._enter(request, account)
            else:
                request.session.flush()
        response = self.get_response(request)
        if (
            response.status_code == 404
            and not getattr(response, "console_rendered", False)
            and not request.path.startswith(_NOT_CONSOLE)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return self._not_found(request)
        return response

    def _enter(self, request: HttpRequest, account: Account) -> None:
        """The session's principal, unless its IAM identity is gone: then the session
        ends here, and the sign-in page says why (services/iam/console_session.py)."""
        who = request.session.get(SESSION_PRINCIPAL) or {}
        request.account = account
        request.principal = Principal(
            account_id=account.id, kind=who.get("kind", "Root"), name=who.get("name", "")
        )
        ended = ""
        # IAM fills these hooks (services/core/hooks.py); without it such sessions end.
        if request.principal.kind == "IAMUser":
            ended = hooks.console_user_ended(request.session, account.id, request.principal.name)
        if not ended and request.session.get(SESSION_ROLE):
            ended = hooks.console_role_session(request)
        if ended:
            request.session.flush()
            request.account = request.principal = None
            request.console_access_key_id = ""
            request.console_role = None
            messages.warning(request, ended)

    def process_view(
        self, request: HttpRequest, view: Callable, args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not match.route.startswith(REGION_ROUTE):
            return None
        from services.core.views.base import enter_console, url_service

        return enter_console(request, kwargs.get("region"), url_service(request))

    def _not_found(self, request: HttpRequest) -> HttpResponse:
        from services.core.views.base import render_not_found, signin_redirect

        if request.account is None:
            return signin_redirect(request)
        return render_not_found(
            request,
            "Page not found",
            f"The page {request.path} doesn't exist. Check the address, or go back to "
            "the console home.",
        )
