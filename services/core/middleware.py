"""Request ids on every response, and the console session (who is signed in)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from services.core import ids
from services.core.context import Principal
from services.core.models import Account

SESSION_ACCOUNT = "stratolab_account"
SESSION_PRINCIPAL = "stratolab_principal"  # {"kind": "Root"|"IAMUser", "name": ...}
SESSION_REGION = "stratolab_region"


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
        account_id = request.session.get(SESSION_ACCOUNT)
        if account_id:
            account = Account.objects.filter(id=account_id, status="active").first()
            if account is not None:
                who = request.session.get(SESSION_PRINCIPAL) or {}
                request.account = account
                request.principal = Principal(
                    account_id=account.id, kind=who.get("kind", "Root"), name=who.get("name", "")
                )
            else:
                request.session.flush()
        return self.get_response(request)
